package tables_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/internal/e2e"
)

// idcSeed is an Identity Center instance in us-east-1 with four users,
// three groups and four memberships (eu-west-1 has no instance).
type idcSeed struct {
	store                  *awsfake.IdentityStore
	alice, bob, carol, dan *awsfake.IDCUser
	admins, devs, empty    *awsfake.IDCGroup
}

func (x *idcSeed) setup(s *awsfake.Server) {
	x.store = awsfake.IdentityCenterOf(s.Account(e2e.AccountID)).AddInstance("us-east-1")
	x.alice = x.store.AddUser("alice", "Alice Anders")
	x.bob = x.store.AddUser("bob", "Bob Baker")
	x.carol = x.store.AddUser("carol@corp.example", "Carol Chen")
	x.dan = x.store.AddUser("dan", "Dan Dietz")
	s.Update(func() { x.carol.Title, x.carol.UserType = "Security Lead", "Employee" })
	x.admins = x.store.AddGroup("Admins", "Full access")
	x.devs = x.store.AddGroup("Developers", "")
	x.empty = x.store.AddGroup("Empty", "No members")
	x.store.AddMembership(x.admins.ID, x.alice.ID)
	x.store.AddMembership(x.devs.ID, x.alice.ID)
	x.store.AddMembership(x.devs.ID, x.bob.ID)
	x.store.AddMembership(x.devs.ID, x.carol.ID)
}

func TestIdentityCenter_Golden(t *testing.T) {
	var x idcSeed
	env := e2e.Start(t, x.setup, twoRegionsHCL)
	env.Golden(t, "identity_ssoadmin_instance", `SELECT region, arn, identity_store_id, name, status, owner_account_id, created_date
		FROM aws_ssoadmin_instance ORDER BY region`)
	env.Golden(t, "identity_user_list", `SELECT region, identity_store_id, id, name, display_name, given_name, family_name,
		emails, primary_email, title, user_type, created_at FROM aws_identitystore_user ORDER BY name`)
	env.Golden(t, "identity_group_list", `SELECT identity_store_id, id, name, description FROM aws_identitystore_group ORDER BY name`)
	env.Golden(t, "identity_group_membership_join", `SELECT g.name AS group_name, u.name AS user_name, m.membership_id
		FROM aws_identitystore_group_membership m
		JOIN aws_identitystore_group g ON g.id = m.group_id
		JOIN aws_identitystore_user u ON u.id = m.member_id
		ORDER BY group_name, user_name`)
}

func TestIdentityStoreUser_PagesLazilyThroughInstances(t *testing.T) {
	var x idcSeed
	env := e2e.Start(t, func(s *awsfake.Server) {
		x.setup(s)
		x.store.AddUsers(246) // 250 users
	}, twoRegionsHCL)

	// One ListInstances per region; 250 users in 3 pages of 100.
	assert.Equal(t, 250, env.Int(t, "SELECT count(*) FROM aws_identitystore_user"))
	assert.Equal(t, 2, env.Calls("sso", "ListInstances"))
	assert.Equal(t, 3, env.Calls("identitystore", "ListUsers"))
	assert.Equal(t, 3, env.Calls("identitystore", "ListUsers", awsfake.WithParam("MaxResults", "100")))
	assert.Equal(t, 0, env.Calls("identitystore", "DescribeUser"))

	// LIMIT: one page of 5 users.
	env.Reset()
	assert.Len(t, env.Strings(t, "SELECT name FROM aws_identitystore_user WHERE region = 'us-east-1' LIMIT 5"), 5)
	assert.Equal(t, 1, env.Calls("identitystore", "ListUsers"))
	assert.Equal(t, 1, env.Calls("identitystore", "ListUsers", awsfake.WithParam("MaxResults", "5")))

	// identity_store_id is pushed: no ListInstances.
	env.Reset()
	assert.Equal(t, 250, env.Int(t, "SELECT count(*) FROM aws_identitystore_user WHERE region = 'us-east-1' AND identity_store_id = ?", x.store.ID))
	assert.Equal(t, 0, env.Calls("sso", "ListInstances"))
	assert.Equal(t, 3, env.Calls("identitystore", "ListUsers", awsfake.WithParam("IdentityStoreId", x.store.ID)))

	// name is pushed as a UserName filter.
	env.Reset()
	assert.Equal(t, []string{x.bob.ID}, env.Strings(t, "SELECT id FROM aws_identitystore_user WHERE name = 'bob'"))
	assert.Equal(t, 1, env.Calls("identitystore", "ListUsers", awsfake.WithParam("Filter.UserName", "bob")))
	assert.Equal(t, 1, env.Calls("identitystore", "ListUsers"))

	// identity_store_id and id: one DescribeUser.
	env.Reset()
	got := env.Query(t, "SELECT name, display_name FROM aws_identitystore_user WHERE region = 'us-east-1' AND identity_store_id = ? AND id = ?", x.store.ID, x.carol.ID)
	assert.Equal(t, [][]string{{"carol@corp.example", "Carol Chen"}}, got)
	assert.Equal(t, 1, env.Calls("identitystore", "DescribeUser", awsfake.WithParam("UserId", x.carol.ID)))
	assert.Equal(t, 0, env.Calls("identitystore", "ListUsers"))
	require.Empty(t, env.Strings(t, "SELECT name FROM aws_identitystore_user WHERE region = 'us-east-1' AND identity_store_id = ? AND id = 'nope'", x.store.ID))
}

func TestIdentityStoreGroup_PushDown(t *testing.T) {
	var x idcSeed
	env := e2e.Start(t, x.setup, "")
	assert.Equal(t, []string{x.devs.ID}, env.Strings(t, "SELECT id FROM aws_identitystore_group WHERE name = 'Developers'"))
	assert.Equal(t, 1, env.Calls("identitystore", "ListGroups", awsfake.WithParam("Filter.DisplayName", "Developers")))

	env.Reset()
	assert.Equal(t, []string{"Admins"}, env.Strings(t, "SELECT name FROM aws_identitystore_group WHERE identity_store_id = ? AND id = ?", x.store.ID, x.admins.ID))
	assert.Equal(t, 1, env.Calls("identitystore", "DescribeGroup"))
	assert.Equal(t, 0, env.Calls("identitystore", "ListGroups"))
}

func TestIdentityStoreGroupMembership_PushDown(t *testing.T) {
	var x idcSeed
	env := e2e.Start(t, x.setup, "")

	// Without group_id: ListGroups, then one ListGroupMemberships per group.
	assert.Equal(t, 4, env.Int(t, "SELECT count(*) FROM aws_identitystore_group_membership"))
	assert.Equal(t, 1, env.Calls("identitystore", "ListGroups"))
	assert.Equal(t, 3, env.Calls("identitystore", "ListGroupMemberships"))

	// group_id is pushed: no ListGroups.
	env.Reset()
	got := env.Strings(t, "SELECT member_id FROM aws_identitystore_group_membership WHERE group_id = ? ORDER BY member_id", x.devs.ID)
	assert.ElementsMatch(t, []string{x.alice.ID, x.bob.ID, x.carol.ID}, got)
	assert.Equal(t, 0, env.Calls("identitystore", "ListGroups"))
	assert.Equal(t, 1, env.Calls("identitystore", "ListGroupMemberships", awsfake.WithParam("GroupId", x.devs.ID)))
}
