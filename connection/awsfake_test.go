package connection

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/vtab"
)

// TestAWSFakeDemoOrganization discovers the awsfake demo organization over
// HTTP with the real SDK clients.
func TestAWSFakeDemoOrganization(t *testing.T) {
	isolate(t)
	srv := awsfake.Demo().Start()
	t.Cleanup(srv.Close)

	src := fmt.Sprintf(`
connection "mgmt" {
  role_arn    = "arn:aws:iam::%s:role/%s"
  external_id = %q
}
organization "acme" {
  connection       = "mgmt"
  member_role_name = %q
  external_id      = %q
  handle_prefix    = "acme_"
  include_ous      = ["Engineering", "Root"]
  exclude_accounts = ["dev-app"]
}
`, awsfake.DemoManagementAccountID, awsfake.DemoRoleName, awsfake.DemoExternalID, awsfake.DemoRoleName, awsfake.DemoExternalID)
	cfg, err := ParseConfig([]byte(src), "awsqlite.hcl")
	require.NoError(t, err)
	var stderr bytes.Buffer
	m, err := NewManager(context.Background(), cfg, WithEndpoint(srv.URL()),
		WithStaticCredentials(awsfake.DemoAccessKeyID, awsfake.DemoSecretAccessKey), WithStderr(&stderr))
	require.NoError(t, err)

	ctx := context.Background()
	for range 2 {
		ts, err := m.Targets(ctx, globalSpec, vtab.Prune{})
		require.NoError(t, err)
		require.Empty(t, m.Errors())
		var got []string
		for _, tg := range ts {
			got = append(got, tg.Connection+"/"+tg.AccountID)
		}
		// include_ous "Root" includes every OU below it; dev-app is excluded and
		// the suspended sandbox account is skipped.
		require.Equal(t, []string{
			"acme_log_archive/666666666666", "acme_management/111111111111", "acme_prod_app/222222222222",
			"acme_prod_data/333333333333", "acme_sandbox_alice/777777777777", "acme_security_audit/555555555555",
		}, got)
	}
	// One AssumeRole per account: the management account reuses the
	// organization connection's credentials.
	for _, a := range awsfake.DemoAccounts {
		want := 1
		if a.Status != "ACTIVE" || a.Name == "dev-app" {
			want = 0
		}
		arn := fmt.Sprintf("arn:aws:iam::%s:role/%s", a.ID, awsfake.DemoRoleName)
		require.Equal(t, want, srv.CountCalls("sts", "AssumeRole", awsfake.WithParam("RoleArn", arn)), a.Name)
	}
	infos, err := m.Connections(ctx)
	require.NoError(t, err)
	for _, i := range infos {
		if i.Name == "acme_prod_data" {
			require.Equal(t, "Root/Engineering/Prod", i.OUPath)
			require.Equal(t, "prod-data", i.AccountName)
		}
	}
	require.False(t, strings.Contains(stderr.String(), awsfake.DemoSecretAccessKey))

	// A wrong external ID names the role and account and leaks nothing.
	cfg.Settings.OnError = OnErrorFail
	cfg.Connections[0].ExternalID = "wrong"
	m2, err := NewManager(ctx, cfg, WithEndpoint(srv.URL()),
		WithStaticCredentials(awsfake.DemoAccessKeyID, awsfake.DemoSecretAccessKey), WithStderr(&stderr))
	require.NoError(t, err)
	_, err = m2.Targets(ctx, orgSpec, vtab.Prune{})
	require.Error(t, err)
	require.Contains(t, err.Error(), `connection "mgmt" (account 111111111111): assume role arn:aws:iam::111111111111:role/AuditRole: AccessDenied`)
	require.NotContains(t, err.Error(), awsfake.DemoSecretAccessKey)
	require.NotContains(t, err.Error(), awsfake.DemoAccessKeyID)
}
