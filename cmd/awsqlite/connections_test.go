package main

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/connection"
)

func TestWriteConnections(t *testing.T) {
	infos := []connection.ConnectionInfo{
		{Name: "audit", AccountID: "111111111111", Source: "config", Organization: "acme", Regions: []string{"us-east-1"}},
		{Name: "other", AccountID: "444444444444", Source: "config", Regions: []string{"us-east-1", "eu-west-1"}},
		{Name: "broken", Source: "config"},
		{Name: "acme_prod_app", AccountID: "222222222222", AccountName: "prod-app", OUPath: "Root/Engineering/Prod", Source: "discovered", Organization: "acme"},
		{Name: "acme_mgmt", AccountID: "111111111111", AccountName: "mgmt", OUPath: "Root", Source: "discovered", Organization: "acme"},
		{Name: "acme_prod_db", AccountID: "333333333333", AccountName: "prod-db", OUPath: "Root/Engineering/Prod", Source: "discovered", Organization: "acme"},
		{Name: "globex", AccountID: "555555555555", Source: "config", Organization: "globex"},
	}
	var out bytes.Buffer
	require.NoError(t, writeConnections(&out, infos))
	want := `organization acme  (connection audit, account 111111111111, regions us-east-1)
  Root
    mgmt      111111111111  acme_mgmt
  Root/Engineering/Prod
    prod-app  222222222222  acme_prod_app
    prod-db   333333333333  acme_prod_db

organization globex  (connection globex, account 555555555555)
  (no accounts discovered)

connections
  other   444444444444  regions us-east-1,eu-west-1
  broken  ?
`
	assert.Equal(t, want, out.String())

	out.Reset()
	require.NoError(t, writeConnections(&out, nil))
	assert.Equal(t, "no connections\n", out.String())
}

type fakeLister struct {
	infos []connection.ConnectionInfo
	fail  bool
	errs  []connection.ErrorRecord
}

func (f *fakeLister) Connections(context.Context) ([]connection.ConnectionInfo, error) {
	if f.fail {
		f.errs = append(f.errs, connection.ErrorRecord{Connection: "x"})
	}
	return f.infos, nil
}

func (f *fakeLister) Errors() []connection.ErrorRecord { return f.errs }

func TestListConnectionsExitStatus(t *testing.T) {
	var out bytes.Buffer
	f := &fakeLister{infos: []connection.ConnectionInfo{{Name: "a", AccountID: "111111111111", Source: "config"}}}
	require.NoError(t, listConnections(context.Background(), f, &out))
	assert.Equal(t, "connections\n  a  111111111111\n", out.String())

	f.fail = true
	err := listConnections(context.Background(), f, &out)
	var ee *exitErr
	require.True(t, errors.As(err, &ee))
	assert.Equal(t, exitError, ee.code)
}

func TestConnectionsCommandDemo(t *testing.T) {
	code, out, errOut := runCLI("--demo", "connections")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "organization demo  (connection demo, account 111111111111")
	assert.Regexp(t, `(?m)^  Root/Engineering/Prod\n    prod-app +222222222222  demo_prod_app\n    prod-data +333333333333  demo_prod_data$`, out)
	assert.NotContains(t, out, "888888888888") // suspended
}

func TestTestCommandDemo(t *testing.T) {
	code, out, errOut := runCLI("--demo", "test")
	require.Equal(t, 0, code, errOut+out)
	assert.Regexp(t, `(?m)^✓ demo_prod_app +222222222222  aws_iam_user$`, out)
	assert.Regexp(t, `(?m)^\d+ checks, 0 failed$`, out)
}
