package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/vtab"
)

func init() { subcommands = append(subcommands, newCheckCmd) }

// checkConcurrency is how many connections are checked at once; within a
// connection, this many tables. API calls are further bounded by the
// configuration's max_concurrency.
const checkConcurrency = 8

func newCheckCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "test",
		Short: "Check every connection's credentials and permission to list every table",
		Long: `For every connection, resolve its credentials (assuming its role with the
external id) and check the account it acts in; then, for every table, make
the table's first list call (one item) and report whether it is permitted,
naming the missing IAM action when it is not. One line per check; the exit
status is 1 when any check fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := e.session(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			c := &checker{m: s.Manager(), specs: s.Engine().Specs(), identity: stsIdentity, concurrency: checkConcurrency}
			failed, err := c.run(cmd.Context(), e.stdout)
			if err != nil {
				return err
			}
			if failed > 0 {
				return silentExit(exitError)
			}
			return nil
		},
	}
}

// checkManager is the part of *connection.Manager that test uses.
type checkManager interface {
	Connections(ctx context.Context) ([]connection.ConnectionInfo, error)
	Targets(ctx context.Context, spec *vtab.Spec, prune vtab.Prune) ([]vtab.Target, error)
	Acquire(ctx context.Context) (func(), error)
	Errors() []connection.ErrorRecord
	Config() *connection.Config
}

// checker runs the checks of the test command.
type checker struct {
	m     checkManager
	specs []*vtab.Spec
	// identity returns the ARN of the caller of a target (sts
	// GetCallerIdentity).
	identity    func(ctx context.Context, t vtab.Target) (arn string, err error)
	concurrency int
}

// checkStatus is the outcome of one check.
type checkStatus int

const (
	checkOK checkStatus = iota
	checkFailed
	checkSkipped
)

func (s checkStatus) mark() string {
	switch s {
	case checkFailed:
		return "✗"
	case checkSkipped:
		return "-"
	default:
		return "✓"
	}
}

// checkLine is one line of output.
type checkLine struct {
	status     checkStatus
	connection string
	account    string
	what       string
}

// run checks every connection and prints one line per check, in connection
// order, as soon as a connection's checks are done. It returns how many
// checks failed.
func (c *checker) run(ctx context.Context, w io.Writer) (int, error) {
	before := len(c.m.Errors())
	infos, err := c.m.Connections(ctx)
	if err != nil {
		return 0, err
	}
	// Failures that no per-connection check will see again: organization
	// discovery. (Credential failures of a connection are checked below.)
	var pre []checkLine
	for _, r := range c.m.Errors()[before:] {
		if r.Operation == "GetCallerIdentity" || r.Operation == "AssumeRole" || r.Operation == "GetCredentials" {
			continue
		}
		what := "organization discovery: " + joinNonEmpty(": ", r.Operation, r.ErrorCode, r.Message)
		pre = append(pre, checkLine{status: checkFailed, connection: r.Connection, account: r.AccountID, what: what})
	}
	// From here on, a failing target is an error returned to the check,
	// not a warning on stderr.
	c.m.Config().Settings.OnError = connection.OnErrorFail

	nameW := 0
	for _, l := range pre {
		nameW = max(nameW, len(l.connection))
	}
	for _, info := range infos {
		nameW = max(nameW, len(info.Name))
	}
	var total, failed, skipped int
	print := func(lines []checkLine) error {
		for _, l := range lines {
			total++
			switch l.status {
			case checkFailed:
				failed++
			case checkSkipped:
				skipped++
			}
			line := fmt.Sprintf("%s %-*s  %-12s  %s\n", l.status.mark(), nameW, l.connection, orUnknown(l.account), l.what)
			if _, err := io.WriteString(w, line); err != nil {
				return err
			}
		}
		return nil
	}
	if err := print(pre); err != nil {
		return failed, err
	}

	n := max(c.concurrency, 1)
	results := make([][]checkLine, len(infos))
	done := make([]chan struct{}, len(infos))
	sem := make(chan struct{}, n)
	for i := range infos {
		done[i] = make(chan struct{})
	}
	go func() {
		for i, info := range infos {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				for j := i; j < len(infos); j++ {
					close(done[j])
				}
				return
			}
			go func() {
				defer func() { <-sem; close(done[i]) }()
				results[i] = c.checkConnection(ctx, info)
			}()
		}
	}()
	for i := range infos {
		<-done[i]
		if err := print(results[i]); err != nil {
			return failed, err
		}
	}
	if err := ctx.Err(); err != nil {
		return failed, err
	}
	summary := fmt.Sprintf("%d checks, %d failed", total, failed)
	if skipped > 0 {
		summary += fmt.Sprintf(", %d skipped", skipped)
	}
	_, err = fmt.Fprintln(w, summary)
	return failed, err
}

// checkConnection checks one connection's credentials, then its tables.
func (c *checker) checkConnection(ctx context.Context, info connection.ConnectionInfo) []checkLine {
	line := func(s checkStatus, account, what string) checkLine {
		if account == "" {
			account = info.AccountID
		}
		return checkLine{status: s, connection: info.Name, account: account, what: what}
	}
	prune := vtab.Prune{Connections: []string{info.Name}}

	// Credentials: a connection of an organization block is a target of
	// organization-scope tables only; every other one of global tables.
	var target vtab.Target
	found := false
	for _, scope := range []vtab.Scope{vtab.Global, vtab.Organization} {
		ts, err := c.m.Targets(ctx, &vtab.Spec{Scope: scope}, prune)
		if err != nil {
			return []checkLine{line(checkFailed, "", "credentials: "+describeError(err))}
		}
		if len(ts) > 0 {
			target, found = ts[0], true
			break
		}
	}
	if !found {
		return []checkLine{line(checkFailed, "", "credentials: the connection has no target (no longer in the organization?)")}
	}
	arn, err := c.identity(ctx, target)
	if err != nil {
		return []checkLine{line(checkFailed, target.AccountID, "credentials: GetCallerIdentity: "+describeError(err))}
	}
	account := target.AccountID
	if a := arnAccount(arn); a != "" && account != "" && a != account {
		return []checkLine{line(checkFailed, account, fmt.Sprintf("credentials: %s acts in account %s, not %s", arn, a, account))}
	}
	out := []checkLine{line(checkOK, account, "credentials: "+arn)}

	// Tables, concurrently, reported in table order.
	var specs []*vtab.Spec
	for _, s := range c.specs {
		if s.Scope != vtab.Local {
			specs = append(specs, s)
		}
	}
	results := make([][]checkLine, len(specs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(c.concurrency, 1))
	for i, spec := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = c.checkTable(ctx, info, spec, line)
		}()
	}
	wg.Wait()
	for _, r := range results {
		out = append(out, r...)
	}
	return out
}

// checkTable makes the first list call of spec for each of the
// connection's targets (one per region for a regional table; none for an
// organization table of a member account).
func (c *checker) checkTable(ctx context.Context, info connection.ConnectionInfo, spec *vtab.Spec, line func(checkStatus, string, string) checkLine) []checkLine {
	if k := requiredKey(spec); k != "" {
		return []checkLine{line(checkSkipped, "", spec.Name+": skipped, needs "+k+" (a key column)")}
	}
	ts, err := c.m.Targets(ctx, spec, vtab.Prune{Connections: []string{info.Name}})
	if err != nil {
		return []checkLine{line(checkFailed, "", spec.Name+": "+describeError(err))}
	}
	var out []checkLine
	for _, t := range ts {
		what := spec.Name
		if spec.Scope == vtab.Regional {
			what += " (" + t.Region + ")"
		}
		if err := c.listOne(ctx, spec, t); err != nil {
			out = append(out, line(checkFailed, t.AccountID, what+": "+describeListError(spec, err)))
			continue
		}
		out = append(out, line(checkOK, t.AccountID, what))
	}
	return out
}

// listOne makes the first list call (of one item) of spec for t.
func (c *checker) listOne(ctx context.Context, spec *vtab.Spec, t vtab.Target) error {
	release, err := c.m.Acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	return vtab.Probe(ctx, spec, t)
}

// requiredKey returns the first required key column of spec, "" if none:
// such a table cannot be listed without a value from another table.
func requiredKey(spec *vtab.Spec) string {
	for _, k := range spec.KeyColumns {
		if k.Required {
			return k.Name
		}
	}
	return ""
}

// stsIdentity calls sts:GetCallerIdentity with the target's credentials.
func stsIdentity(ctx context.Context, t vtab.Target) (string, error) {
	cl, err := connection.ClientOf(t)
	if err != nil {
		return "", err
	}
	out, err := cl.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Arn), nil
}

// arnAccount returns the account field of an ARN.
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

var (
	// notAuthorizedRE finds the action in AWS's access-denied messages:
	// "... is not authorized to perform: iam:ListUsers on resource: ...".
	notAuthorizedRE = regexp.MustCompile(`not authorized to perform:? ([A-Za-z0-9-]+:[A-Za-z0-9*]+)`)
	// accessKeyIDRE matches access key IDs, which never belong in output.
	accessKeyIDRE = regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{12,}\b`)
)

// accessDeniedCodes are the error codes AWS services use for a missing
// permission.
var accessDeniedCodes = map[string]bool{
	"AccessDenied":          true,
	"AccessDeniedException": true,
	"UnauthorizedOperation": true,
	"UnauthorizedException": true,
	"AuthorizationError":    true,
}

// describeListError explains a failed list call; a denied one names the
// missing IAM action: from AWS's message when it names one, else the
// actions the table declares for listing.
func describeListError(spec *vtab.Spec, err error) string {
	code, msg := apiError(err)
	m := notAuthorizedRE.FindStringSubmatch(msg)
	if m == nil && !accessDeniedCodes[code] {
		return describeError(err)
	}
	if code == "" {
		code = "AccessDenied"
	}
	if m != nil {
		return code + ": missing " + m[1]
	}
	return code + ": missing " + strings.Join(spec.ListActions, " or ") + "? (" + msg + ")"
}

// describeError returns "Code: message" for an AWS error, else its text,
// without access key IDs.
func describeError(err error) string {
	var te *connection.TargetError
	if errors.As(err, &te) {
		// Already redacted; drop the connection prefix the line repeats.
		var ar *connection.AssumeRoleError
		if errors.As(err, &ar) {
			return redactKeys(te.Message) // "assume role ARN: Code: message"
		}
		return redactKeys(joinNonEmpty(": ", te.Operation, te.ErrorCode, te.Message))
	}
	code, msg := apiError(err)
	return redactKeys(joinNonEmpty(": ", code, msg))
}

// apiError returns the AWS error code and message of err, or "" and its
// text.
func apiError(err error) (code, msg string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		msg = ae.ErrorMessage()
		if msg == "" {
			msg = err.Error()
		}
		return ae.ErrorCode(), msg
	}
	return "", err.Error()
}

func redactKeys(s string) string { return accessKeyIDRE.ReplaceAllString(s, "[redacted]") }

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
