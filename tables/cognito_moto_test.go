package tables_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/internal/e2e"
)

// The Cognito estate both backends hold: customers (130 users; groups
// admins with precedence 1 and support) and partners (3 users).
var motoPartners = []struct{ name, email string }{{"acme", "ops@acme.example"}, {"globex", "it@globex.example"}, {"initech", "desk@initech.example"}}

type cognitoBackend struct {
	env                 *e2e.Env
	customers, partners string
}

func cognitoOnFake(t *testing.T) cognitoBackend {
	var b cognitoBackend
	env := e2e.Start(t, func(s *awsfake.Server) {
		cog := awsfake.CognitoOf(s.Account(e2e.AccountID))
		c := cog.AddUserPool("us-east-1", "customers")
		c.AddUsers(130)
		admins := c.AddGroup("admins", "Administrators")
		c.AddGroup("support", "Support staff")
		c.AddUserToGroup("user-0001", "admins")
		c.AddUserToGroup("user-0002", "support")
		p := cog.AddUserPool("us-east-1", "partners")
		for _, u := range motoPartners {
			p.AddUser(u.name, u.email)
		}
		s.Update(func() {
			one := 1
			admins.Precedence = &one
			p.Users[2].Enabled = false
		})
		b.customers, b.partners = c.ID, p.ID
	}, e2e.MotoHCL)
	b.env = env
	return b
}

func cognitoOnMoto(t *testing.T) cognitoBackend {
	env := e2e.Moto(t, "")
	ctx := context.Background()
	c := cip.NewFromConfig(env.AWSConfig())
	pool := func(name string) string {
		out, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(name)})
		require.NoError(t, err)
		return aws.ToString(out.UserPool.Id)
	}
	user := func(pool, name, email string) {
		_, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String(name),
			MessageAction:  ciptypes.MessageActionTypeSuppress,
			UserAttributes: []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}}})
		require.NoError(t, err)
	}
	b := cognitoBackend{env: env, customers: pool("customers"), partners: pool("partners")}
	for i := 1; i <= 130; i++ {
		n := fmt.Sprintf("user-%04d", i)
		user(b.customers, n, n+"@example.com")
	}
	for _, u := range motoPartners {
		user(b.partners, u.name, u.email)
	}
	_, err := c.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(b.partners), Username: aws.String("initech")})
	require.NoError(t, err)
	_, err = c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(b.customers), GroupName: aws.String("admins"),
		Description: aws.String("Administrators"), Precedence: aws.Int32(1)})
	require.NoError(t, err)
	_, err = c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(b.customers), GroupName: aws.String("support"),
		Description: aws.String("Support staff")})
	require.NoError(t, err)
	for u, g := range map[string]string{"user-0001": "admins", "user-0002": "support"} {
		_, err = c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(b.customers), Username: aws.String(u), GroupName: aws.String(g)})
		require.NoError(t, err)
	}
	return b
}

// TestCognitoMoto runs the same queries on moto and on awsfake and expects
// the same answers.
func TestCognitoMoto(t *testing.T) {
	moto := cognitoOnMoto(t)
	fake := cognitoOnFake(t)

	queries := []struct {
		q    string
		args func(b cognitoBackend) []any
	}{
		// moto leaves out the (deprecated) pool Status; status is not compared.
		{q: `SELECT name, lambda_config, mfa_configuration FROM aws_cognito_user_pool ORDER BY name`},
		{q: `SELECT name, estimated_number_of_users, arn = 'arn:aws:cognito-idp:us-east-1:' || account_id || ':userpool/' || id FROM aws_cognito_user_pool ORDER BY name`},
		{q: `SELECT name, estimated_number_of_users FROM aws_cognito_user_pool WHERE id = ?`, args: func(b cognitoBackend) []any { return []any{b.customers} }},
		{q: `SELECT count(*), count(DISTINCT sub), count(DISTINCT username) FROM aws_cognito_user WHERE user_pool_id = ?`, args: func(b cognitoBackend) []any { return []any{b.customers} }},
		{q: `SELECT username, email, enabled, json_extract(attributes, '$.email') FROM aws_cognito_user WHERE user_pool_id = ? ORDER BY username`, args: func(b cognitoBackend) []any { return []any{b.partners} }},
		{q: `SELECT count(*) FROM aws_cognito_user`},
		{q: `SELECT count(*) FROM (SELECT username FROM aws_cognito_user LIMIT 5)`},
		{q: `SELECT group_name, description, precedence, users FROM aws_cognito_group WHERE user_pool_id = ? ORDER BY group_name`, args: func(b cognitoBackend) []any { return []any{b.customers} }},
		{q: `SELECT count(*) FROM aws_cognito_group`},
	}
	for _, tc := range queries {
		t.Run(strings.Fields(tc.q)[1], func(t *testing.T) {
			var margs, fargs []any
			if tc.args != nil {
				margs, fargs = tc.args(moto), tc.args(fake)
			}
			want := fake.env.Query(t, tc.q, fargs...)
			require.NotEmpty(t, want, tc.q)
			assert.Equal(t, want, moto.env.Query(t, tc.q, margs...), tc.q)
		})
	}
}
