package vtab

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

var (
	snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	// readOnlyAction matches IAM actions that only read: List*, Get*,
	// Describe*, Lookup*, BatchGet*, Search*, and Cognito's administrative
	// reads AdminList*, AdminGet*.
	readOnlyAction = regexp.MustCompile(`^[a-z0-9-]+:(Admin(List|Get)|List|Get|Describe|Lookup|BatchGet|Search)[A-Za-z0-9]*$`)
)

// ReadOnlyAction reports whether an IAM action only reads.
func ReadOnlyAction(a string) bool { return readOnlyAction.MatchString(a) }

// Validate checks a spec: snake_case names, descriptions that end with a
// period, key columns and hydrates that exist, no duplicates, a list
// function, and declared IAM actions that are read-only.
func Validate(s *Spec) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{s.Name}, args...)...))
	}
	if !snakeCase.MatchString(s.Name) {
		bad("table name is not snake_case")
	}
	if !sentence(s.Description) {
		bad("table description must be a sentence ending with a period")
	}
	if s.List == nil {
		bad("no list function")
	}
	if s.Scope != Local && len(s.ListActions) == 0 {
		bad("list function declares no IAM action")
	}
	cols := map[string]bool{}
	for _, c := range Columns(s) {
		if cols[c.Name] {
			bad("column %s declared twice", c.Name)
		}
		cols[c.Name] = true
	}
	for _, c := range s.Columns {
		if !snakeCase.MatchString(c.Name) {
			bad("column %s is not snake_case", c.Name)
		}
		if !sentence(c.Description) {
			bad("column %s: description must end with a period", c.Name)
		}
		if c.Value == nil {
			bad("column %s has no value function", c.Name)
		}
		if c.Hydrate != "" && s.Hydrate(c.Hydrate) == nil {
			bad("column %s names unknown hydrate %s", c.Name, c.Hydrate)
		}
	}
	hyd := map[string]bool{}
	for _, h := range s.Hydrates {
		if hyd[h.Name] {
			bad("hydrate %s declared twice", h.Name)
		}
		hyd[h.Name] = true
		if h.Func == nil {
			bad("hydrate %s has no function", h.Name)
		}
		if len(h.Actions) == 0 {
			bad("hydrate %s declares no IAM action", h.Name)
		}
		used := false
		for _, c := range s.Columns {
			used = used || c.Hydrate == h.Name
		}
		if !used {
			bad("hydrate %s is used by no column", h.Name)
		}
	}
	keys := map[string]bool{}
	for _, k := range s.KeyColumns {
		if keys[k.Name] {
			bad("key column %s declared twice", k.Name)
		}
		keys[k.Name] = true
		if !cols[k.Name] {
			bad("key column %s is not a column", k.Name)
		}
		for _, op := range k.Ops() {
			switch op {
			case EQ, GT, GE, LT, LE:
			default:
				bad("key column %s: unknown operator %q", k.Name, op)
			}
		}
	}
	for _, k := range s.GetKeys {
		if !keys[k] {
			bad("get key %s is not a key column", k)
		}
	}
	if (s.Get == nil) != (len(s.GetKeys) == 0) {
		bad("Get and GetKeys go together")
	}
	if s.Get != nil && len(s.GetActions) == 0 {
		bad("get function declares no IAM action")
	}
	for _, a := range s.Actions() {
		if !ReadOnlyAction(a) {
			bad("IAM action %s is not read-only", a)
		}
	}
	return errors.Join(errs...)
}

func sentence(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) > 1 && strings.HasSuffix(s, ".") && strings.ToUpper(s[:1]) == s[:1]
}
