package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite"
	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/internal/awsfake"
)

// TestCheckEndToEnd runs the checks against the emulated demo organization
// with one member whose role trusts another external id and one whose
// role may not list IAM users.
func TestCheckEndToEnd(t *testing.T) {
	srv := awsfake.Demo()
	srv.Start()
	t.Cleanup(srv.Close)
	role := srv.Account("333333333333").Role(awsfake.DemoRoleName)
	srv.Update(func() {
		role.TrustPolicy = awsfake.AuditRoleTrustPolicy(awsfake.DemoManagementAccountID, "another-external-id")
	})
	srv.Inject(awsfake.Fault{Service: "iam", Operation: "ListUsers", AccountID: "222222222222", Err: "AccessDenied"})

	ctx := context.Background()
	cfg, err := connection.ParseConfig([]byte(awsqlite.DemoConfig), "demo.hcl")
	require.NoError(t, err)
	var stderr bytes.Buffer
	s, err := awsqlite.New(ctx, cfg,
		connection.WithEndpoint(srv.URL()),
		connection.WithStaticCredentials(awsfake.DemoAccessKeyID, awsfake.DemoSecretAccessKey),
		connection.WithStderr(&stderr),
		connection.WithRetry(1, 0),
	)
	require.NoError(t, err)
	defer s.Close()

	c := &checker{m: s.Manager(), specs: s.Engine().Specs(), identity: stsIdentity, concurrency: 4}
	var out bytes.Buffer
	failed, err := c.run(ctx, &out)
	require.NoError(t, err)
	text := out.String()
	assert.Equal(t, 3, failed) // aws_iam_access_key lists users too
	assert.Regexp(t, `(?m)^✗ demo_prod_app +222222222222  aws_iam_user: AccessDenied: missing iam:ListUsers$`, text)
	assert.Regexp(t, `(?m)^✗ demo_prod_data +333333333333  credentials: assume role arn:aws:iam::333333333333:role/AuditRole: AccessDenied`, text)
	assert.Regexp(t, `(?m)^✓ demo +111111111111  aws_organizations_account$`, text)
	assert.Regexp(t, `(?m)^✓ demo_dev_app +444444444444  aws_iam_user$`, text)
	assert.NotContains(t, text, awsfake.DemoAccessKeyID)
	assert.NotContains(t, text, awsfake.DemoSecretAccessKey)
	assert.True(t, strings.HasSuffix(text, ", 3 failed\n"), text)
	assert.Empty(t, stderr.String())
}
