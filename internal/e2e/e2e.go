// Package e2e runs SQL end to end against internal/awsfake over HTTP: the
// real SDK clients, the connection manager and the table engine, with the
// emulator's call log to assert API usage. Table tests share it.
package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite"
	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/internal/awsfake"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Test identities of the default environment.
const (
	AccountID = "111111111111"
	AccessKey = "AKIDTESTACCOUNT0001"
	Secret    = "test-secret-never-logged"
)

// DefaultHCL is one connection on the default account, in us-east-1.
const DefaultHCL = `connection "test" {
  regions = ["us-east-1"]
}
`

// Env is one running emulator (awsfake, or moto with Moto) and a session
// on it.
type Env struct {
	Fake     *awsfake.Server // nil on moto
	Endpoint string          // moto's endpoint ("" on awsfake)
	Session  *awsqlite.Session
	DB       *sql.DB
	Stderr   *Buffer

	moto *motoLog
}

// Buffer is a goroutine-safe bytes.Buffer (warn lines are written from
// fan-out goroutines).
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Start seeds a fresh emulator (account 111111111111 with static test
// credentials, then setup), starts it and opens a session with hcl (or
// DefaultHCL when empty). Client-side rate limits are off and retries fast.
func Start(t testing.TB, setup func(*awsfake.Server), hcl string, opts ...connection.Option) *Env {
	t.Helper()
	fake := awsfake.New()
	fake.AddAccount(AccountID, "test")
	fake.AddCredentials(AccessKey, Secret, AccountID, "")
	if setup != nil {
		setup(fake)
	}
	fake.Start()
	t.Cleanup(fake.Close)
	if hcl == "" {
		hcl = DefaultHCL
	}
	env := &Env{Fake: fake, Stderr: &Buffer{}}
	env.open(t, hcl, append([]connection.Option{
		connection.WithEndpoint(fake.URL()),
		connection.WithStaticCredentials(AccessKey, Secret),
	}, opts...))
	return env
}

// open opens the session on hcl with opts, after fast retries, no
// client-side rate limits and warnings into Stderr.
func (e *Env) open(t testing.TB, hcl string, opts []connection.Option) {
	t.Helper()
	cfg, err := connection.ParseConfig([]byte(hcl), "test.hcl")
	require.NoError(t, err)
	base := []connection.Option{
		connection.WithRateLimits(map[string]float64{"iam": 0, "organizations": 0}),
		connection.WithRetry(3, 10*time.Millisecond),
		connection.WithStderr(e.Stderr),
	}
	e.Session, err = awsqlite.New(context.Background(), cfg, append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { e.Session.Close() })
	e.DB = e.Session.DB()
}

// Calls counts the emulator's calls of service/operation. On moto both
// are required and filters are not supported.
func (e *Env) Calls(service, operation string, filters ...func(awsfake.Call) bool) int {
	if e.Fake == nil {
		if len(filters) > 0 {
			panic("e2e: call filters need awsfake")
		}
		return e.moto.count(service, operation)
	}
	return e.Fake.CountCalls(service, operation, filters...)
}

// Reset clears the emulator's call log.
func (e *Env) Reset() {
	if e.Fake == nil {
		e.moto.reset()
		return
	}
	e.Fake.ResetCalls()
}

// Query runs q and returns every row as text ("NULL" for NULL).
func (e *Env) Query(t testing.TB, q string, args ...any) [][]string {
	t.Helper()
	_, rows := e.query(t, q, args...)
	return rows
}

func (e *Env) query(t testing.TB, q string, args ...any) ([]string, [][]string) {
	t.Helper()
	rows, err := e.DB.Query(q, args...)
	require.NoError(t, err, q)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		row := make([]string, len(cols))
		for i, v := range vals {
			switch x := v.(type) {
			case nil:
				row[i] = "NULL"
			case []byte:
				row[i] = string(x)
			default:
				row[i] = fmt.Sprint(x)
			}
		}
		out = append(out, row)
	}
	require.NoError(t, rows.Err(), q)
	return cols, out
}

// Strings returns the first column of every row of q.
func (e *Env) Strings(t testing.TB, q string, args ...any) []string {
	t.Helper()
	var out []string
	for _, r := range e.Query(t, q, args...) {
		out = append(out, r[0])
	}
	return out
}

// Int returns the single integer q selects.
func (e *Env) Int(t testing.TB, q string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, e.DB.QueryRow(q, args...).Scan(&n), q)
	return n
}

// Err runs q to the end and returns its error.
func (e *Env) Err(q string, args ...any) error {
	rows, err := e.DB.Query(q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

// Golden compares the rows of q, tab-separated under a header line, with
// testdata/<name>.golden (rewritten with go test -update).
func (e *Env) Golden(t testing.TB, name, q string, args ...any) {
	t.Helper()
	cols, rows := e.query(t, q, args...)
	var b strings.Builder
	b.WriteString("-- " + q + "\n")
	b.WriteString(strings.Join(cols, "\t") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, "\t") + "\n")
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test -update")
	require.Equal(t, string(want), b.String(), "golden %s", path)
}
