package iampolicy

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/awsqlite/awsqlite/vtab"
)

// Version is the IAM policy language version every document uses.
const Version = "2012-10-17"

// ErrUnknownTable is returned by ForTables for a table name that is not in
// the registry.
var ErrUnknownTable = errors.New("unknown table")

// ErrNoTables is returned by ForTables for a list of names that are all
// blank.
var ErrNoTables = errors.New("no table named")

// ErrNotReadOnly is returned when a table declares an action that is not
// read-only; awsqlite never asks for write permissions.
var ErrNotReadOnly = errors.New("action is not read-only")

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy document.
type Statement struct {
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource string   `json:"Resource"`
}

// Actions returns every action the document allows, sorted.
func (d Document) Actions() []string {
	var out []string
	for _, s := range d.Statement {
		out = append(out, s.Action...)
	}
	sort.Strings(out)
	return out
}

// JSON returns the document as indented JSON (two spaces) with a final
// newline.
func (d Document) JSON() []byte {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		// A Document holds only strings; marshaling cannot fail.
		panic(err)
	}
	return append(b, '\n')
}

// Policy returns the policy allowing every IAM action the specs declare:
// one Allow statement on every resource, actions sorted and deduplicated.
// It fails if any declared action is not read-only.
func Policy(specs []*vtab.Spec) (Document, error) {
	seen := map[string]bool{}
	var actions []string
	for _, s := range specs {
		for _, a := range s.Actions() {
			if !vtab.ReadOnlyAction(a) {
				return Document{}, fmt.Errorf("%s: %q: %w", s.Name, a, ErrNotReadOnly)
			}
			if !seen[a] {
				seen[a] = true
				actions = append(actions, a)
			}
		}
	}
	sort.Strings(actions)
	if actions == nil {
		actions = []string{}
	}
	return Document{
		Version: Version,
		Statement: []Statement{{
			Effect:   "Allow",
			Action:   actions,
			Resource: "*",
		}},
	}, nil
}

// ForTables returns the policy of the named tables, or of every table when
// names is empty. Names are matched exactly; an unknown name is an error
// that lists the known tables.
func ForTables(all []*vtab.Spec, names []string) (Document, error) {
	specs, err := Select(all, names)
	if err != nil {
		return Document{}, err
	}
	return Policy(specs)
}

// Select returns the named specs of all in the order named (duplicates
// dropped), or all when names is empty.
func Select(all []*vtab.Spec, names []string) ([]*vtab.Spec, error) {
	if len(names) == 0 {
		return all, nil
	}
	byName := make(map[string]*vtab.Spec, len(all))
	for _, s := range all {
		byName[s.Name] = s
	}
	var out []*vtab.Spec
	picked := map[string]bool{}
	var unknown []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		s, ok := byName[n]
		if !ok {
			unknown = append(unknown, n)
			continue
		}
		if !picked[n] {
			picked[n] = true
			out = append(out, s)
		}
	}
	if len(unknown) > 0 {
		known := make([]string, 0, len(all))
		for _, s := range all {
			known = append(known, s.Name)
		}
		sort.Strings(known)
		return nil, fmt.Errorf("%w %s (known tables: %s)", ErrUnknownTable, quoteList(unknown), strings.Join(known, ", "))
	}
	if len(out) == 0 {
		return nil, ErrNoTables
	}
	return out, nil
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
