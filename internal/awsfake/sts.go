package awsfake

import (
	"encoding/json"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func (s *Server) registerSTS() {
	s.handleQuery("sts", "GetCallerIdentity", func(c *Ctx) ([]*X, error) {
		return []*X{T("Arn", c.Caller.ARN), T("UserId", c.Caller.UserID), T("Account", c.Caller.AccountID)}, nil
	})
	s.handleQuery("sts", "AssumeRole", s.stsAssumeRole)
}

var roleARNRe = regexp.MustCompile(`^arn:aws:iam::(\d{12}):role/(.+)$`)
var sessionNameRe = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

func (s *Server) stsAssumeRole(c *Ctx) ([]*X, error) {
	roleARN := c.Form.Get("RoleArn")
	session := c.Form.Get("RoleSessionName")
	extID := c.Form.Get("ExternalId")
	if roleARN == "" {
		return nil, Errorf(400, "ValidationError", "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	}
	if !sessionNameRe.MatchString(session) {
		return nil, Errorf(400, "ValidationError", "1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", session)
	}
	m := roleARNRe.FindStringSubmatch(roleARN)
	if m == nil {
		return nil, Errorf(400, "ValidationError", "%s is invalid", roleARN)
	}
	denied := Errorf(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.Caller.ARN, roleARN)
	acct := s.accounts[m[1]]
	if acct == nil {
		return nil, denied
	}
	roleName := path.Base(m[2])
	role := acct.roles[roleName]
	if role == nil || role.ARN != roleARN {
		return nil, denied
	}
	dur := 3600
	if d := c.Form.Get("DurationSeconds"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 900 {
			return nil, Errorf(400, "ValidationError", "1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", d)
		}
		max := role.MaxSessionDuration
		if max == 0 {
			max = 3600
		}
		if n > max {
			return nil, Errorf(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
		}
		dur = n
	}
	if !trustAllows(role.TrustPolicy, c.Caller, extID) {
		return nil, denied
	}
	now := time.Now().UTC()
	cred := &Credential{
		AccessKeyID:     "ASIA" + s.randStr(upperB32, 16),
		SecretAccessKey: s.randStr(b64chars, 40),
		SessionToken:    "FwoGZXIvYXdzE" + s.randStr(b64chars, 200),
		AccountID:       acct.ID,
		ARN:             "arn:aws:sts::" + acct.ID + ":assumed-role/" + role.Name + "/" + session,
		UserID:          role.ID + ":" + session,
		RoleARN:         role.ARN,
		Expires:         now.Add(time.Duration(dur) * time.Second).Truncate(time.Second),
	}
	s.creds[cred.AccessKeyID] = cred
	return []*X{
		El("Credentials",
			T("AccessKeyId", cred.AccessKeyID),
			T("SecretAccessKey", cred.SecretAccessKey),
			T("SessionToken", cred.SessionToken),
			T("Expiration", ISO(cred.Expires))),
		El("AssumedRoleUser", T("AssumedRoleId", cred.UserID), T("Arn", cred.ARN)),
	}, nil
}

// trustAllows evaluates a role trust policy for sts:AssumeRole by caller
// with the given external id. Explicit Deny wins; otherwise an Allow whose
// principal, action and conditions all match is required.
func trustAllows(doc string, caller *Credential, extID string) bool {
	var pol struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &pol) != nil {
		return false
	}
	var stmts []map[string]any
	if json.Unmarshal(pol.Statement, &stmts) != nil {
		var one map[string]any
		if json.Unmarshal(pol.Statement, &one) != nil {
			return false
		}
		stmts = []map[string]any{one}
	}
	allowed := false
	for _, st := range stmts {
		if !actionMatches(st["Action"]) || !principalMatches(st["Principal"], caller) ||
			!conditionsMatch(st["Condition"], caller, extID) {
			continue
		}
		switch st["Effect"] {
		case "Deny":
			return false
		case "Allow":
			allowed = true
		}
	}
	return allowed
}

func strList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func actionMatches(v any) bool {
	for _, a := range strList(v) {
		if globMatch(strings.ToLower(a), "sts:assumerole") {
			return true
		}
	}
	return false
}

func principalMatches(v any, c *Credential) bool {
	if s, ok := v.(string); ok {
		return s == "*"
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for _, p := range strList(m["AWS"]) {
		switch {
		case p == "*":
			return true
		case p == c.AccountID || p == "arn:aws:iam::"+c.AccountID+":root":
			return true
		case p == c.ARN:
			return true
		case c.RoleARN != "" && p == c.RoleARN:
			return true
		}
	}
	return false
}

func conditionsMatch(v any, c *Credential, extID string) bool {
	if v == nil {
		return true
	}
	conds, ok := v.(map[string]any)
	if !ok {
		return false
	}
	ctxVal := func(key string) (string, bool) {
		switch strings.ToLower(key) {
		case "sts:externalid":
			return extID, extID != ""
		case "aws:principalaccount":
			return c.AccountID, true
		case "aws:principalarn":
			if c.RoleARN != "" {
				return c.RoleARN, true
			}
			return c.ARN, true
		}
		return "", false
	}
	for op, body := range conds {
		kv, ok := body.(map[string]any)
		if !ok {
			return false
		}
		for key, want := range kv {
			got, present := ctxVal(key)
			wants := strList(want)
			match := false
			switch op {
			case "StringEquals":
				for _, w := range wants {
					match = match || (present && got == w)
				}
			case "StringLike":
				for _, w := range wants {
					match = match || (present && globMatch(w, got))
				}
			case "StringNotEquals":
				match = true
				for _, w := range wants {
					if present && got == w {
						match = false
					}
				}
			case "Null":
				for _, w := range wants {
					match = match || (w == "true") == !present
				}
			default:
				return false
			}
			if !match {
				return false
			}
		}
	}
	return true
}

// globMatch matches IAM wildcards (* and ?).
func globMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if globMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && globMatch(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && globMatch(pattern[1:], s[1:])
}
