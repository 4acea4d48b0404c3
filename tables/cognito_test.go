package tables_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/internal/e2e"
)

// twoRegions reads us-east-1 and eu-west-1.
const twoRegions = `connection "test" {
  regions = ["us-east-1", "eu-west-1"]
}
`

// cognitoSeed is what seedCognito created.
type cognitoSeed struct {
	customers, partners, eu *awsfake.UserPool
}

// seedCognito builds three pools: customers (130 users, groups) and
// partners (3 users) in us-east-1, eu-customers (2 users) in eu-west-1.
func seedCognito(seed *cognitoSeed) func(*awsfake.Server) {
	return func(s *awsfake.Server) {
		cog := awsfake.CognitoOf(s.Account(e2e.AccountID))
		c := cog.AddUserPool("us-east-1", "customers")
		c.AddUsers(130)
		admins := c.AddGroup("admins", "Administrators of the customer portal")
		c.AddGroup("support", "Support staff")
		c.AddUserToGroup("user-0001", "admins")
		c.AddUserToGroup("user-0001", "support")
		c.AddUserToGroup("user-0002", "support")

		p := cog.AddUserPool("us-east-1", "partners")
		p.AddUser("acme", "ops@acme.example")
		p.AddUser("globex", "it@globex.example")
		p.AddUser("initech", "")
		p.AddGroup("resellers", "")
		p.AddUserToGroup("acme", "resellers")

		eu := cog.AddUserPool("eu-west-1", "eu-customers")
		eu.AddUsers(2)

		s.Update(func() {
			one := 1
			admins.Precedence = &one
			admins.RoleARN = "arn:aws:iam::111111111111:role/customer-admins"
			c.MFAConfiguration, c.DeletionProtection, c.Domain = "OPTIONAL", "ACTIVE", "customers-login"
			c.Tags = map[string]string{"env": "prod", "team": "identity"}
			c.LambdaConfig = map[string]string{"PreSignUp": "arn:aws:lambda:us-east-1:111111111111:function:pre-signup"}
			c.Users[1].Enabled = false
			c.Users[2].Status = "FORCE_CHANGE_PASSWORD"
			c.Users[3].MFAOptions = []awsfake.CognitoMFAOption{{DeliveryMedium: "SMS", AttributeName: "phone_number"}}
			c.Users[3].Attributes = append(c.Users[3].Attributes, awsfake.CognitoAttribute{Name: "phone_number", Value: "+15555550100"})
			p.Users[2].Status = "UNCONFIRMED"
		})
		seed.customers, seed.partners, seed.eu = c, p, eu
	}
}

func TestCognitoUserPool(t *testing.T) {
	var seed cognitoSeed
	env := e2e.Start(t, seedCognito(&seed), twoRegions)

	env.Golden(t, "cognito_user_pool", `SELECT region, name, status, lambda_config, arn = 'arn:aws:cognito-idp:' || region || ':111111111111:userpool/' || id AS arn_ok,
  estimated_number_of_users, mfa_configuration, deletion_protection, domain, tags,
  json_extract(policies, '$.PasswordPolicy.MinimumLength') AS min_password_length
FROM aws_cognito_user_pool ORDER BY region, name`)
	assert.Equal(t, 2, env.Calls("cognito-idp", "ListUserPools"), "one ListUserPools per region")
	assert.Equal(t, 1, env.Calls("cognito-idp", "ListUserPools", func(c awsfake.Call) bool { return c.Region == "eu-west-1" }))
	assert.Equal(t, 3, env.Calls("cognito-idp", "DescribeUserPool"), "one DescribeUserPool per pool")

	// List columns cost no DescribeUserPool.
	env.Reset()
	assert.Equal(t, []string{"customers", "eu-customers", "partners"}, env.Strings(t, `SELECT name FROM aws_cognito_user_pool ORDER BY name`))
	assert.Equal(t, 0, env.Calls("cognito-idp", "DescribeUserPool"))

	// id = ? is a get: one DescribeUserPool in the pool's own region, none
	// in the other, no listing, and the hydrated columns reuse it.
	env.Reset()
	rows := env.Query(t, `SELECT name, arn, estimated_number_of_users, region FROM aws_cognito_user_pool WHERE id = ?`, seed.customers.ID)
	require.Equal(t, [][]string{{"customers", seed.customers.ARN, "130", "us-east-1"}}, rows)
	assert.Equal(t, 1, env.Calls("cognito-idp", "DescribeUserPool", awsfake.WithParam("UserPoolId", seed.customers.ID)))
	assert.Equal(t, 1, env.Calls("cognito-idp", ""), "only the get")

	assert.Empty(t, env.Query(t, `SELECT id FROM aws_cognito_user_pool WHERE id = 'us-east-1_doesnotexist'`))
}

func TestCognitoUser(t *testing.T) {
	var seed cognitoSeed
	env := e2e.Start(t, seedCognito(&seed), twoRegions)

	env.Golden(t, "cognito_user_partners", `SELECT username, email, status, enabled, json_remove(attributes, '$.sub') AS attributes, mfa_options,
  length(sub) AS sub_len, user_create_date IS NOT NULL AS has_created
FROM aws_cognito_user WHERE user_pool_id = ? ORDER BY username`, seed.partners.ID)
	assert.Equal(t, 1, env.Calls("cognito-idp", "ListUsers", awsfake.WithParam("UserPoolId", seed.partners.ID)))
	assert.Equal(t, 0, env.Calls("cognito-idp", "ListUserPools"), "user_pool_id is pushed down")
	assert.Equal(t, 0, env.Calls("cognito-idp", "", func(c awsfake.Call) bool { return c.Region == "eu-west-1" }),
		"a us-east-1 pool id makes no call in eu-west-1")

	// A multi-page listing: 130 users in pages of 60.
	env.Reset()
	env.Golden(t, "cognito_user_customers", `SELECT username, email, status, enabled, mfa_options, json_extract(attributes, '$.phone_number') AS phone
FROM aws_cognito_user WHERE user_pool_id = ? AND (username <= 'user-0005' OR username >= 'user-0129') ORDER BY username`, seed.customers.ID)
	assert.Equal(t, 3, env.Calls("cognito-idp", "ListUsers", awsfake.WithParam("UserPoolId", seed.customers.ID), awsfake.WithParam("Limit", "60")))

	// Without user_pool_id every pool of every region is read.
	env.Reset()
	assert.Equal(t, 135, env.Int(t, `SELECT count(*) FROM aws_cognito_user`))
	assert.Equal(t, 2, env.Calls("cognito-idp", "ListUserPools"))
	assert.Equal(t, 5, env.Calls("cognito-idp", "ListUsers"), "3 + 1 + 1 pages")
	assert.Equal(t, 1, env.Calls("cognito-idp", "ListUsers", awsfake.WithParam("UserPoolId", seed.eu.ID)))
	assert.Equal(t, 2, env.Int(t, `SELECT count(*) FROM aws_cognito_user WHERE region = 'eu-west-1'`))

	// Joins push the pool id down per pool.
	env.Reset()
	rows := env.Query(t, `SELECT p.name, count(*) FROM aws_cognito_user_pool p JOIN aws_cognito_user u ON u.user_pool_id = p.id AND u.region = p.region
GROUP BY p.name ORDER BY p.name`)
	assert.Equal(t, [][]string{{"customers", "130"}, {"eu-customers", "2"}, {"partners", "3"}}, rows)
}

func TestCognitoUserLimit(t *testing.T) {
	var seed cognitoSeed
	env := e2e.Start(t, seedCognito(&seed), "") // us-east-1 only

	assert.Len(t, env.Strings(t, `SELECT username FROM aws_cognito_user LIMIT 5`), 5)
	assert.Equal(t, 1, env.Calls("cognito-idp", "ListUserPools"))
	assert.Equal(t, 1, env.Calls("cognito-idp", "ListUsers"))
	assert.Equal(t, 1, env.Calls("cognito-idp", "ListUsers", awsfake.WithParam("Limit", "5")))
}

func TestCognitoGroup(t *testing.T) {
	var seed cognitoSeed
	env := e2e.Start(t, seedCognito(&seed), twoRegions)

	env.Golden(t, "cognito_group", `SELECT p.name AS pool, g.group_name, g.description, g.role_arn, g.precedence, g.users,
  g.creation_date IS NOT NULL AS has_created
FROM aws_cognito_group g JOIN aws_cognito_user_pool p ON p.id = g.user_pool_id ORDER BY pool, g.group_name`)
	assert.Equal(t, 3, env.Calls("cognito-idp", "ListUsersInGroup"), "users costs one call per group")

	env.Reset()
	assert.Equal(t, []string{"admins", "support"}, env.Strings(t, `SELECT group_name FROM aws_cognito_group WHERE user_pool_id = ? ORDER BY 1`, seed.customers.ID))
	assert.Equal(t, 1, env.Calls("cognito-idp", "ListGroups", awsfake.WithParam("UserPoolId", seed.customers.ID)))
	assert.Equal(t, 1, env.Calls("cognito-idp", "ListGroups"))
	assert.Equal(t, 0, env.Calls("cognito-idp", "ListUserPools"))
	assert.Equal(t, 0, env.Calls("cognito-idp", "ListUsersInGroup"))

	env.Reset()
	assert.Equal(t, 3, env.Int(t, `SELECT count(*) FROM aws_cognito_group`))
	assert.Equal(t, 2, env.Calls("cognito-idp", "ListUserPools"))
	assert.Equal(t, 3, env.Calls("cognito-idp", "ListGroups"), "one per pool")
}

func TestCognitoReadOnly(t *testing.T) {
	env := e2e.Start(t, nil, "")
	err := env.Err(`DELETE FROM aws_cognito_user WHERE username = 'x'`)
	require.Error(t, err)
	assert.Equal(t, 0, env.Calls("cognito-idp", ""))
}
