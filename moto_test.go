package awsqlite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite"
	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/internal/motoserver"
)

// motoOrg seeds moto with an organization: OUs Engineering/Prod and
// Security, three member accounts, and users in every account (created
// through an assumed role in each member, which moto scopes to that
// account). It returns the member account IDs by name.
func motoOrg(t *testing.T, endpoint string) map[string]string {
	t.Helper()
	ctx := context.Background()
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(endpoint),
	}
	org := organizations.NewFromConfig(cfg)
	_, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: "ALL"})
	require.NoError(t, err)
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	require.NoError(t, err)
	root := aws.ToString(roots.Roots[0].Id)
	eng, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(root), Name: aws.String("Engineering")})
	require.NoError(t, err)
	prod, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: eng.OrganizationalUnit.Id, Name: aws.String("Prod")})
	require.NoError(t, err)
	sec, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(root), Name: aws.String("Security")})
	require.NoError(t, err)

	ids := map[string]string{}
	for name, parent := range map[string]*string{"prod-app": prod.OrganizationalUnit.Id, "audit": sec.OrganizationalUnit.Id, "sandbox": nil} {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(name + "@example.com")})
		require.NoError(t, err)
		st, err := org.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: out.CreateAccountStatus.Id})
		require.NoError(t, err)
		id := aws.ToString(st.CreateAccountStatus.AccountId)
		require.NotEmpty(t, id)
		ids[name] = id
		if parent != nil {
			_, err = org.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(id), SourceParentId: aws.String(root), DestinationParentId: parent})
			require.NoError(t, err)
		}
	}

	// Users: 2 in the management account, i+1 in member i.
	mgmtIAM := iam.NewFromConfig(cfg)
	for _, u := range []string{"alice", "bob"} {
		_, err := mgmtIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)})
		require.NoError(t, err)
	}
	stsc := sts.NewFromConfig(cfg)
	for i, name := range []string{"prod-app", "audit", "sandbox"} {
		out, err := stsc.AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn:         aws.String("arn:aws:iam::" + ids[name] + ":role/AuditRole"),
			RoleSessionName: aws.String("seed"),
			ExternalId:      aws.String(orgExternalID),
		})
		require.NoError(t, err)
		member := cfg.Copy()
		member.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
		c := iam.NewFromConfig(member)
		for j := 0; j <= i; j++ {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("%s-user-%d", name, j))})
			require.NoError(t, err)
		}
	}
	return ids
}

// The organization queries that run on internal/awsfake give the same
// answers on moto: discovery, OU paths, fan-out over every member's IAM
// users through the member role with the external ID, and pruning.
func TestMotoOrganization(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	endpoint := motoserver.Start(t)
	ids := motoOrg(t, endpoint)

	cfg, err := connection.ParseConfig([]byte(orgHCL("fail")), "moto.hcl")
	require.NoError(t, err)
	s, err := awsqlite.New(context.Background(), cfg,
		connection.WithEndpoint(endpoint),
		connection.WithStaticCredentials("testing", "testing"),
		connection.WithRateLimits(map[string]float64{"iam": 0, "organizations": 0}))
	require.NoError(t, err)
	defer s.Close()
	db := s.DB()

	var n int
	require.NoError(t, db.QueryRow("SELECT count(*) FROM aws_organizations_account").Scan(&n))
	assert.Equal(t, 4, n, "management account and three members")

	paths := map[string]string{}
	rows, err := db.Query("SELECT name, ou_path FROM aws_organizations_account")
	require.NoError(t, err)
	for rows.Next() {
		var name, path string
		require.NoError(t, rows.Scan(&name, &path))
		paths[name] = path
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, "Root/Engineering/Prod", paths["prod-app"])
	assert.Equal(t, "Root/Security", paths["audit"])
	assert.Equal(t, "Root", paths["sandbox"])

	require.NoError(t, db.QueryRow("SELECT count(*) FROM aws_iam_user").Scan(&n))
	assert.Equal(t, 2+1+2+3, n, "every account's users through the member roles")

	require.NoError(t, db.QueryRow("SELECT count(*) FROM aws_iam_user WHERE account_id = ?", ids["sandbox"]).Scan(&n))
	assert.Equal(t, 3, n)
	require.NoError(t, db.QueryRow("SELECT count(*) FROM aws_iam_user WHERE connection = 'acme_prod_app'").Scan(&n))
	assert.Equal(t, 1, n)

	var name string
	require.NoError(t, db.QueryRow("SELECT name FROM aws_iam_user WHERE name = 'audit-user-1'").Scan(&name))
	assert.Equal(t, "audit-user-1", name)

	require.NoError(t, db.QueryRow("SELECT count(*) FROM awsqlite_connection WHERE source = 'discovered'").Scan(&n))
	assert.Equal(t, 4, n)
}
