package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// result is what one run of the program produced.
type result struct {
	stdout, stderr string
	code           int
}

// runArgs runs the program with stdin (never a terminal here).
func runArgs(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb strings.Builder
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return result{out.String(), errb.String(), code}
}

// emptyConfig writes a configuration file that needs no AWS access for
// queries that read no table.
func emptyConfig(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "awsqlite.hcl")
	require.NoError(t, os.WriteFile(path, []byte("settings {\n  on_error = \"fail\"\n}\n"), 0o644))
	return path
}

func TestExitCodes(t *testing.T) {
	cfg := emptyConfig(t)
	bad := filepath.Join(t.TempDir(), "bad.hcl")
	require.NoError(t, os.WriteFile(bad, []byte("connection \"a\" {\n  regions = [1,\n}\n"), 0o644))

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // a regexp stderr must match
	}{
		{"unknown flag", []string{"--bogus"}, 2, `^awsqlite: unknown flag: --bogus\n`},
		{"unknown subcommand flag", []string{"query", "--nope", "select 1"}, 2, `unknown flag: --nope`},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"too many args", []string{"--config", cfg, "query", "select 1", "select 2"}, 2, `accepts at most 1 arg`},
		{"bad format", []string{"--config", cfg, "query", "--format", "xml", "select 1"}, 2, `unknown output format "xml"`},
		{"bad log level", []string{"--config", cfg, "--log-level", "loud", "query", "select 1"}, 2, `invalid --log-level`},
		{"bad config", []string{"--config", bad, "query", "select 1"}, 2, `(?m)^awsqlite: .*bad\.hcl:\d+:\d+: `},
		{"missing config", []string{"--config", filepath.Join(t.TempDir(), "none.hcl"), "query", "select 1"}, 2, `none\.hcl`},
		{"bad SQL", []string{"--config", cfg, "query", "select * from no_such_table"}, 1, `^awsqlite: .*no such table: no_such_table`},
		{"syntax error", []string{"--config", cfg, "query", "selec 1"}, 1, `syntax error`},
		{"unknown table", []string{"--config", cfg, "tables", "aws_iam_usr"}, 1, `unknown table "aws_iam_usr"`},
		{"ok", []string{"--config", cfg, "query", "select 1"}, 0, `^$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runArgs(t, "", tt.args...)
			assert.Equal(t, tt.code, r.code, "stderr: %s", r.stderr)
			assert.Regexp(t, regexp.MustCompile(tt.stderr), r.stderr)
			if tt.code != 0 {
				assert.Empty(t, r.stdout, "errors go to stderr only")
			}
		})
	}
}

func TestQueryStatementsInOrder(t *testing.T) {
	cfg := emptyConfig(t)
	r := runArgs(t, "", "--config", cfg, "query", "--format", "csv",
		"create temp table t(x); insert into t values (1), (2); select sum(x) as s from t; select 'a;b' as v -- done;")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "s\r\n3\r\nv\r\na;b\r\n", r.stdout)
}

func TestQueryStopsAtFirstError(t *testing.T) {
	cfg := emptyConfig(t)
	r := runArgs(t, "", "--config", cfg, "query", "--format", "csv", "select 1 as a; select * from nope; select 2 as b")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "a\r\n1\r\n", r.stdout)
	assert.Contains(t, r.stderr, "no such table: nope")
}

func TestQueryFromStdin(t *testing.T) {
	cfg := emptyConfig(t)
	for _, args := range [][]string{{"query", "-f", "jsonl"}, {"query", "-f", "jsonl", "-"}} {
		r := runArgs(t, "select 1 as a;\nselect 'x' as b\n", append([]string{"--config", cfg}, args...)...)
		require.Equal(t, 0, r.code, r.stderr)
		assert.Equal(t, "{\"a\":1}\n{\"b\":\"x\"}\n", r.stdout)
	}
	r := runArgs(t, "  -- nothing\n", "--config", cfg, "query")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "no SQL statement")
}

func TestQueryOutKeepsOldFileOnError(t *testing.T) {
	cfg := emptyConfig(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "export.csv")
	require.NoError(t, os.WriteFile(path, []byte("previous\n"), 0o644))

	r := runArgs(t, "", "--config", cfg, "query", "-f", "csv", "--out", path, "select 1 as a; select * from nope")
	assert.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "previous\n", string(got))

	r = runArgs(t, "", "--config", cfg, "query", "-f", "csv", "--out", path, "select 1 as a")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	got, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "a\r\n1\r\n", string(got))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left")

	r = runArgs(t, "", "--config", cfg, "query", "--out", filepath.Join(dir, "missing", "x.csv"), "select 1")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "awsqlite: --out:")
}

func TestShellScript(t *testing.T) {
	cfg := emptyConfig(t)
	dir := t.TempDir()
	once := filepath.Join(dir, "once.json")
	script := strings.Join([]string{
		"select 1 as a;",
		".mode csv",
		"select 2 as b,",
		"  3 as c;",
		".headers off",
		"select 'x;y';",
		".once " + once,
		".mode json",
		"select 4 as d;",
		".mode line",
		"select 5 as e; select 6 as f;",
		".quit",
		"select 'not reached';",
	}, "\n")
	r := runArgs(t, script, "--config", cfg)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "+---+\n| a |\n+---+\n| 1 |\n+---+\nb,c\r\n2,3\r\nx;y\r\ne = 5\nf = 6\n", r.stdout)
	got, err := os.ReadFile(once)
	require.NoError(t, err)
	assert.Equal(t, "[\n{\"d\":4}\n]\n", string(got))
}

func TestShellScriptErrorsContinue(t *testing.T) {
	cfg := emptyConfig(t)
	r := runArgs(t, "select * from nope;\n.frob\n.mode xml\nselect 7 as g\n", "--config", cfg, "shell", "--format", "csv")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "g\r\n7\r\n", r.stdout, "a statement without ';' at the end of input still runs")
	assert.Contains(t, r.stderr, "no such table: nope")
	assert.Contains(t, r.stderr, `unknown command ".frob"`)
	assert.Contains(t, r.stderr, `unknown output format "xml"`)
}

func TestShellOutputFile(t *testing.T) {
	cfg := emptyConfig(t)
	path := filepath.Join(t.TempDir(), "out.csv")
	r := runArgs(t, ".mode csv\n.output "+path+"\nselect 1 as a;\nselect 2 as b;\n.output stdout\nselect 3 as c;\n", "--config", cfg)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "c\r\n3\r\n", r.stdout)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "a\r\n1\r\nb\r\n2\r\n", string(got))
}

func TestShellHelpAndShow(t *testing.T) {
	cfg := emptyConfig(t)
	r := runArgs(t, ".help\n.timer on\n.show\n", "--config", cfg)
	require.Equal(t, 0, r.code, r.stderr)
	for _, cmd := range []string{".tables", ".schema", ".columns", ".mode", ".output", ".once", ".headers", ".timer", ".quit"} {
		assert.Contains(t, r.stdout, cmd)
	}
	assert.Contains(t, r.stdout, "timer: on")
	r = runArgs(t, ".headers maybe\n", "--config", cfg)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, `want on or off`)
}
