package connection

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/smithy-go"

	"github.com/awsqlite/awsqlite/vtab"
)

// accessKeyRE matches AWS access key IDs (long-term and temporary).
var accessKeyRE = regexp.MustCompile(`\b(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b`)

// ErrorRecord is one failure recorded in warn mode (the awsqlite_errors
// table).
type ErrorRecord struct {
	Time       time.Time
	Connection string
	AccountID  string
	Region     string
	Table      string
	Operation  string
	ErrorCode  string
	Message    string
}

// TargetError is the error of a failed target in fail mode. Its text names
// the connection and account and never holds credential material.
type TargetError struct {
	ErrorRecord
	Err error
}

func (e *TargetError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "connection %q (account %s): ", e.Connection, orUnknown(e.AccountID))
	var ar *AssumeRoleError
	if errors.As(e.Err, &ar) {
		b.WriteString(e.Message)
		return b.String()
	}
	if e.Region != "" && e.Region != GlobalRegion {
		fmt.Fprintf(&b, "region %s: ", e.Region)
	}
	if e.Table != "" {
		b.WriteString(e.Table + ": ")
	}
	if e.Operation != "" {
		b.WriteString(e.Operation + ": ")
	}
	if e.ErrorCode != "" {
		b.WriteString(e.ErrorCode + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *TargetError) Unwrap() error { return e.Err }

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// errorCode returns the AWS error code of err, "" when it has none.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// errorMessage returns the AWS error message of err, or its text.
func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorMessage() != "" {
		return ae.ErrorMessage()
	}
	return err.Error()
}

// record builds the ErrorRecord of a failure.
func (m *Manager) record(spec *vtab.Spec, t vtab.Target, op string, err error) ErrorRecord {
	r := ErrorRecord{
		Time: m.now().UTC(), Connection: t.Connection, AccountID: t.AccountID, Region: t.Region,
		Operation: op, ErrorCode: errorCode(err), Message: m.redact(errorMessage(err)),
	}
	if spec != nil {
		r.Table = spec.Name
	}
	var ar *AssumeRoleError
	if errors.As(err, &ar) {
		r.ErrorCode = ar.Code
		r.Message = m.redact(ar.Error())
		if r.AccountID == "" {
			r.AccountID = ar.AccountID
		}
		r.Operation = "AssumeRole"
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		r.ErrorCode = ""
	}
	return r
}

// Failed implements vtab.TargetProvider. In warn mode it records the
// failure, prints one line per (connection, region, table, error code) per
// warning window to stderr and returns nil; in fail mode it returns a
// *TargetError. A cancelled context is always returned as is.
func (m *Manager) Failed(ctx context.Context, spec *vtab.Spec, t vtab.Target, operation string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return err
	}
	r := m.record(spec, t, operation, err)
	te := &TargetError{ErrorRecord: r, Err: err}
	if m.cfg.Settings.OnError == OnErrorFail {
		m.log.Debug("target failed", "connection", r.Connection, "account_id", r.AccountID, "region", r.Region, "table", r.Table, "code", r.ErrorCode)
		return te
	}
	key := strings.Join([]string{r.Connection, r.Region, r.Table, r.ErrorCode}, "\x00")
	m.mu.Lock()
	m.errs = append(m.errs, r)
	last, seen := m.warned[key]
	print := !seen || (m.opts.warnWindow > 0 && r.Time.Sub(last) >= m.opts.warnWindow)
	if print {
		m.warned[key] = r.Time
	}
	m.mu.Unlock()
	m.log.Warn("target skipped", "connection", r.Connection, "account_id", r.AccountID, "region", r.Region, "table", r.Table, "operation", r.Operation, "code", r.ErrorCode)
	if print && m.opts.stderr != nil {
		fmt.Fprintf(m.opts.stderr, "awsqlite: warning: %s\n", te.Error())
	}
	return nil
}

// Errors returns the failures recorded in warn mode, oldest first.
func (m *Manager) Errors() []ErrorRecord {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]ErrorRecord(nil), m.errs...)
}

// ResetWarnings starts a new warning window: the next failure of every
// (connection, region, table, code) is printed again. The engine may call
// it at the start of each query.
func (m *Manager) ResetWarnings() {
	m.mu.Lock()
	m.warned = map[string]time.Time{}
	m.mu.Unlock()
}

// Acquire implements vtab.TargetProvider: one slot of max_concurrency.
func (m *Manager) Acquire(ctx context.Context) (func(), error) {
	select {
	case m.sem <- struct{}{}:
		var done bool
		return func() {
			if !done {
				done = true
				<-m.sem
			}
		}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
