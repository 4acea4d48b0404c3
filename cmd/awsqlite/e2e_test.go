package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// End-to-end tests against the demo organization (the in-process
// emulator).

func TestDemoQueryCount(t *testing.T) {
	r := runArgs(t, "", "--demo", "query", "--format", "csv", "--headers=false", "select count(*) from aws_organizations_account")
	require.Equal(t, 0, r.code, r.stderr)
	n, err := strconv.Atoi(strings.TrimSpace(r.stdout))
	require.NoError(t, err, r.stdout)
	assert.Greater(t, n, 0)

	r = runArgs(t, "", "--demo", "query", "select count(*) as n from aws_organizations_account")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `\| +n \|\n\+-+\+\n\| +[1-9][0-9]* \|`, r.stdout)
}

func TestDemoCSVExport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "accounts.csv")
	r := runArgs(t, "", "--demo", "query", "--format", "csv", "--out", path, "select id, name from aws_organizations_account order by id")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(recs), 1)
	assert.Equal(t, []string{"id", "name"}, recs[0])
	assert.Regexp(t, `^\d{12}$`, recs[1][0])
}

func TestDemoShellPiped(t *testing.T) {
	r := runArgs(t, ".mode jsonl\nselect count(*) as n\n  from aws_organizations_account;\n.tables\n", "--demo")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `^\{"n":[1-9][0-9]*\}\n`, r.stdout)
	assert.Contains(t, r.stdout, `"name":"aws_iam_user"`)
}

func TestDemoTables(t *testing.T) {
	r := runArgs(t, "", "--demo", "tables")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "aws_iam_user")
	assert.Contains(t, r.stdout, "aws_organizations_account")

	r = runArgs(t, "", "--demo", "tables", "aws_iam_user")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `\| mfa_enabled +\| INTEGER +\|[^\n]*\| hydrated \(iam:ListMFADevices\) +\|`, r.stdout)
	assert.Regexp(t, `\| account_id +\|[^\n]*\| automatic +\|`, r.stdout)
	assert.Contains(t, r.stdout, "IAM actions:\n")
	assert.Contains(t, r.stdout, "  iam:ListUsers\n")

	r = runArgs(t, "", "--demo", "tables", "--format", "jsonl", "aws_iam_user")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `{"name":"mfa_enabled","type":"INTEGER",`)
	assert.NotContains(t, r.stdout, "IAM actions", "machine formats print only the columns")

	r = runArgs(t, "", "--demo", "tables", "aws_iam_usr")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, `awsqlite: unknown table "aws_iam_usr" (did you mean aws_iam_user?)`)
	assert.Empty(t, r.stdout)
}

func TestDemoAndConfigConflict(t *testing.T) {
	r := runArgs(t, "", "--demo", "--config", emptyConfig(t), "query", "select 1")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--demo and --config")
}
