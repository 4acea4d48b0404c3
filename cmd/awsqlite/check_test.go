package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/vtab"
)

// fakeChecks is a checkManager with two configured connections (one of
// them an organization's) and two discovered members.
type fakeChecks struct {
	mu      sync.Mutex
	cfg     connection.Config
	errs    []connection.ErrorRecord
	badCred map[string]error
}

func (f *fakeChecks) Connections(ctx context.Context) ([]connection.ConnectionInfo, error) {
	f.mu.Lock()
	f.errs = append(f.errs, connection.ErrorRecord{Connection: "other", Operation: "GetCallerIdentity", ErrorCode: "ExpiredToken"})
	f.mu.Unlock()
	return []connection.ConnectionInfo{
		{Name: "audit", AccountID: "111111111111", Source: "config", Organization: "acme"},
		{Name: "other", Source: "config"},
		{Name: "acme_mgmt", AccountID: "111111111111", Source: "discovered", Organization: "acme"},
		{Name: "acme_prod", AccountID: "222222222222", Source: "discovered", Organization: "acme"},
	}, nil
}

func (f *fakeChecks) Targets(ctx context.Context, spec *vtab.Spec, prune vtab.Prune) ([]vtab.Target, error) {
	name := prune.Connections[0]
	if err := f.badCred[name]; err != nil {
		return nil, err
	}
	account := map[string]string{"audit": "111111111111", "acme_mgmt": "111111111111", "acme_prod": "222222222222"}[name]
	switch {
	case name == "audit" && spec.Scope != vtab.Organization:
		return nil, nil
	case strings.HasPrefix(name, "acme_") && spec.Scope == vtab.Organization:
		return nil, nil
	case spec.Scope == vtab.Regional:
		return []vtab.Target{
			{Connection: name, AccountID: account, Region: "us-east-1"},
			{Connection: name, AccountID: account, Region: "eu-west-1"},
		}, nil
	}
	return []vtab.Target{{Connection: name, AccountID: account, Region: "global"}}, nil
}

func (f *fakeChecks) Acquire(ctx context.Context) (func(), error) { return func() {}, nil }

func (f *fakeChecks) Errors() []connection.ErrorRecord {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]connection.ErrorRecord(nil), f.errs...)
}

func (f *fakeChecks) Config() *connection.Config { return &f.cfg }

// listSpec is a table whose first page fails with fail(target), if not nil.
func listSpec(name string, scope vtab.Scope, actions []string, fail func(t vtab.Target) error) *vtab.Spec {
	return &vtab.Spec{
		Name: name, Scope: scope, ListActions: actions,
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			if q.Limit != 1 {
				return nil, errors.New("want LIMIT 1")
			}
			return vtab.PagerFunc(func(ctx context.Context) (vtab.Page, error) {
				if err := fail(q.Target); err != nil {
					return vtab.Page{}, err
				}
				return vtab.Page{Items: []any{1}}, nil
			}), nil
		},
	}
}

func TestCheck(t *testing.T) {
	denied := &smithy.GenericAPIError{Code: "AccessDenied", Message: "User: arn:aws:sts::222222222222:assumed-role/Audit/awsqlite is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::222222222222:user/"}
	specs := []*vtab.Spec{
		listSpec("aws_iam_user", vtab.Global, []string{"iam:ListUsers"}, func(t vtab.Target) error {
			if t.Connection == "acme_prod" {
				return denied
			}
			return nil
		}),
		listSpec("aws_organizations_account", vtab.Organization, []string{"organizations:ListAccounts"}, func(t vtab.Target) error { return nil }),
		listSpec("aws_cognito_user_pool", vtab.Regional, []string{"cognito-idp:ListUserPools"}, func(t vtab.Target) error {
			if t.Region == "eu-west-1" && t.Connection == "acme_mgmt" {
				return &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "no"}
			}
			return nil
		}),
		{Name: "aws_cognito_user", Scope: vtab.Regional, KeyColumns: []vtab.KeyColumn{{Name: "user_pool_id", Required: true}}},
		{Name: "awsqlite_connection", Scope: vtab.Local},
	}
	f := &fakeChecks{
		cfg: connection.Config{Settings: connection.Settings{OnError: connection.OnErrorWarn}},
		badCred: map[string]error{"other": &connection.TargetError{
			ErrorRecord: connection.ErrorRecord{Connection: "other", Operation: "GetCallerIdentity", ErrorCode: "ExpiredToken", Message: "The security token included in the request is expired"},
		}},
	}
	c := &checker{
		m: f, specs: specs, concurrency: 2,
		identity: func(ctx context.Context, t vtab.Target) (string, error) {
			return "arn:aws:sts::" + t.AccountID + ":assumed-role/Audit/awsqlite", nil
		},
	}
	var out bytes.Buffer
	failed, err := c.run(context.Background(), &out)
	require.NoError(t, err)
	assert.Equal(t, connection.OnErrorFail, f.cfg.Settings.OnError)
	want := `✓ audit      111111111111  credentials: arn:aws:sts::111111111111:assumed-role/Audit/awsqlite
✓ audit      111111111111  aws_organizations_account
- audit      111111111111  aws_cognito_user: skipped, needs user_pool_id (a key column)
✗ other      ?             credentials: GetCallerIdentity: ExpiredToken: The security token included in the request is expired
✓ acme_mgmt  111111111111  credentials: arn:aws:sts::111111111111:assumed-role/Audit/awsqlite
✓ acme_mgmt  111111111111  aws_iam_user
✓ acme_mgmt  111111111111  aws_cognito_user_pool (us-east-1)
✗ acme_mgmt  111111111111  aws_cognito_user_pool (eu-west-1): AccessDeniedException: missing cognito-idp:ListUserPools? (no)
- acme_mgmt  111111111111  aws_cognito_user: skipped, needs user_pool_id (a key column)
✓ acme_prod  222222222222  credentials: arn:aws:sts::222222222222:assumed-role/Audit/awsqlite
✗ acme_prod  222222222222  aws_iam_user: AccessDenied: missing iam:ListUsers
✓ acme_prod  222222222222  aws_cognito_user_pool (us-east-1)
✓ acme_prod  222222222222  aws_cognito_user_pool (eu-west-1)
- acme_prod  222222222222  aws_cognito_user: skipped, needs user_pool_id (a key column)
14 checks, 3 failed, 3 skipped
`
	assert.Equal(t, want, out.String())
	assert.Equal(t, 3, failed)
}

func TestCheckReportsDiscoveryFailures(t *testing.T) {
	f := &discoveryFailure{}
	c := &checker{m: f, identity: func(context.Context, vtab.Target) (string, error) { return "", nil }, concurrency: 1}
	var out bytes.Buffer
	failed, err := c.run(context.Background(), &out)
	require.NoError(t, err)
	assert.Equal(t, 1, failed)
	assert.Equal(t, "✗ audit  111111111111  organization discovery: DiscoverOrganization: AccessDeniedException: denied\n1 checks, 1 failed\n", out.String())
}

type discoveryFailure struct {
	fakeChecks
}

func (d *discoveryFailure) Connections(ctx context.Context) ([]connection.ConnectionInfo, error) {
	d.mu.Lock()
	d.errs = append(d.errs, connection.ErrorRecord{Connection: "audit", AccountID: "111111111111", Operation: "DiscoverOrganization", ErrorCode: "AccessDeniedException", Message: "denied"})
	d.mu.Unlock()
	return nil, nil
}

func TestDescribeListError(t *testing.T) {
	spec := &vtab.Spec{ListActions: []string{"iam:ListRoles"}}
	cases := []struct {
		err  error
		want string
	}{
		{&smithy.GenericAPIError{Code: "AccessDenied", Message: "User: x is not authorized to perform: iam:ListRoles on resource: y"}, "AccessDenied: missing iam:ListRoles"},
		{&smithy.GenericAPIError{Code: "AccessDeniedException", Message: "You don't have permissions to access this resource."}, "AccessDeniedException: missing iam:ListRoles? (You don't have permissions to access this resource.)"},
		{&smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}, "Throttling: Rate exceeded"},
		{errors.New("dial tcp: refused AKIAABCDEFGHIJKLMNOP"), "dial tcp: refused [redacted]"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, describeListError(spec, c.err))
	}
}

func TestArnAccount(t *testing.T) {
	assert.Equal(t, "123456789012", arnAccount("arn:aws:sts::123456789012:assumed-role/R/s"))
	assert.Equal(t, "", arnAccount("nope"))
}
