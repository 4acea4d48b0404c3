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

	"github.com/awsqlite/awsqlite/internal/e2e"
)

// motoOrg seeds moto with an organization: OUs Engineering/Prod and
// Security, three member accounts, and users in every account (created
// through an assumed role in each member, which moto scopes to that
// account). It returns the member account IDs by name.
func motoOrg(t *testing.T, cfg aws.Config) map[string]string {
	t.Helper()
	ctx := context.Background()
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
	env := e2e.Moto(t, orgHCL("fail"))
	ids := motoOrg(t, env.AWSConfig())

	assert.Equal(t, 4, env.Int(t, "SELECT count(*) FROM aws_organizations_account"), "management account and three members")

	paths := map[string]string{}
	for _, r := range env.Query(t, "SELECT name, ou_path FROM aws_organizations_account") {
		paths[r[0]] = r[1]
	}
	assert.Equal(t, "Root/Engineering/Prod", paths["prod-app"])
	assert.Equal(t, "Root/Security", paths["audit"])
	assert.Equal(t, "Root", paths["sandbox"])

	assert.Equal(t, 2+1+2+3, env.Int(t, "SELECT count(*) FROM aws_iam_user"), "every account's users through the member roles")
	assert.Equal(t, 3, env.Int(t, "SELECT count(*) FROM aws_iam_user WHERE account_id = ?", ids["sandbox"]))
	assert.Equal(t, 1, env.Int(t, "SELECT count(*) FROM aws_iam_user WHERE connection = 'acme_prod_app'"))
	assert.Equal(t, []string{"audit-user-1"}, env.Strings(t, "SELECT name FROM aws_iam_user WHERE name = 'audit-user-1'"))
	assert.Equal(t, 4, env.Int(t, "SELECT count(*) FROM awsqlite_connection WHERE source = 'discovered'"))
}
