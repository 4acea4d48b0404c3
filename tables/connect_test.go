package tables_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/internal/e2e"
)

// connectSeed is what seedConnect created.
type connectSeed struct {
	support, sales, eu *awsfake.ConnectInstance
	admin, agent       *awsfake.SecurityProfile
	alice              *awsfake.ConnectUser
}

// seedConnect builds acme-support (3 users, 3 security profiles) and
// acme-sales (2500 users) in us-east-1, and acme-eu (1 user) in eu-west-1.
func seedConnect(seed *connectSeed) func(*awsfake.Server) {
	return func(s *awsfake.Server) {
		con := awsfake.ConnectOf(s.Account(e2e.AccountID))
		sup := con.AddInstance("us-east-1", "acme-support")
		admin := sup.AddSecurityProfile("Admin", "Full administrative access", "Users.View", "Users.Edit", "SecurityProfiles.View", "SecurityProfiles.Edit")
		agent := sup.AddSecurityProfile("Agent", "Contact control panel only", "BasicAgentAccess", "OutboundCallAccess")
		sup.AddSecurityProfile("QualityAnalyst", "", "ContactSearch.View")
		alice := sup.AddUser("alice", "Alice", "Liddell", "alice@acme.example", admin, agent)
		sup.AddUser("bob", "Bob", "Builder", "bob@acme.example", agent)
		sup.AddUser("carol", "Carol", "Danvers", "carol@acme.example", agent)

		sales := con.AddInstance("us-east-1", "acme-sales")
		sales.AddUsers(2500)

		eu := con.AddInstance("eu-west-1", "acme-eu")
		eu.AddUser("dieter", "Dieter", "Rams", "dieter@acme.example")

		s.Update(func() {
			sup.Tags = map[string]string{"team": "support"}
			sales.OutboundCalls = false
			eu.IdentityManagementType = "SAML"
			alice.Tags = map[string]string{"role": "lead"}
			alice.HierarchyGroupID = "hg-0001"
			alice.DirectoryUserID = "dir-alice"
			alice.PhoneType, alice.AutoAccept, alice.DeskPhoneNumber = "DESK_PHONE", true, "+15555550123"
			admin.Tags = map[string]string{"sensitive": "true"}
		})
		*seed = connectSeed{support: sup, sales: sales, eu: eu, admin: admin, agent: agent, alice: alice}
	}
}

func TestConnectInstance(t *testing.T) {
	var seed connectSeed
	env := e2e.Start(t, seedConnect(&seed), twoRegions)

	env.Golden(t, "connect_instance", `SELECT region, instance_alias, instance_status, identity_management_type, inbound_calls_enabled,
  outbound_calls_enabled, instance_access_url, created_time IS NOT NULL AS has_created, tags, status_reason,
  arn = 'arn:aws:connect:' || region || ':111111111111:instance/' || id AS arn_ok
FROM aws_connect_instance ORDER BY region, instance_alias`)
	assert.Equal(t, 2, env.Calls("connect", "ListInstances"), "one per region")
	assert.Equal(t, 3, env.Calls("connect", "DescribeInstance"), "tags cost one DescribeInstance per instance")

	env.Reset()
	assert.Equal(t, 3, env.Int(t, `SELECT count(*) FROM aws_connect_instance`))
	assert.Equal(t, 0, env.Calls("connect", "DescribeInstance"))

	// id = ? is a get (one DescribeInstance per region; the one elsewhere
	// finds nothing) and tags reuse it.
	env.Reset()
	rows := env.Query(t, `SELECT instance_alias, tags, region FROM aws_connect_instance WHERE id = ?`, seed.support.ID)
	require.Equal(t, [][]string{{"acme-support", `{"team":"support"}`, "us-east-1"}}, rows)
	assert.Equal(t, 0, env.Calls("connect", "ListInstances"))
	assert.Equal(t, 1, env.Calls("connect", "DescribeInstance", awsfake.WithParam("InstanceId", seed.support.ID), func(c awsfake.Call) bool { return c.Region == "us-east-1" }))
}

func TestConnectInstancePaging(t *testing.T) {
	env := e2e.Start(t, func(s *awsfake.Server) {
		con := awsfake.ConnectOf(s.Account(e2e.AccountID))
		for i := 1; i <= 23; i++ {
			con.AddInstance("us-east-1", fmt.Sprintf("inst-%02d", i))
		}
	}, "")
	assert.Equal(t, 23, env.Int(t, `SELECT count(*) FROM aws_connect_instance`))
	assert.Equal(t, 3, env.Calls("connect", "ListInstances", awsfake.WithParam("MaxResults", "10")), "pages of 10")
}

func TestConnectUser(t *testing.T) {
	var seed connectSeed
	env := e2e.Start(t, seedConnect(&seed), twoRegions)

	env.Golden(t, "connect_user", `SELECT username, first_name, last_name, email, json_array_length(security_profile_ids) AS profiles,
  routing_profile_id IS NOT NULL AS has_routing, hierarchy_group_id, directory_user_id, phone_config, tags, last_modified_region,
  arn = 'arn:aws:connect:us-east-1:111111111111:instance/' || instance_id || '/agent/' || id AS arn_ok
FROM aws_connect_user WHERE instance_id = ? ORDER BY username`, seed.support.ID)
	assert.Equal(t, 3, env.Calls("connect", "DescribeUser"), "one DescribeUser per user")
	assert.Equal(t, 1, env.Calls("connect", "ListUsers", awsfake.WithParam("InstanceId", seed.support.ID), func(c awsfake.Call) bool { return c.Region == "us-east-1" }))
	assert.Equal(t, 0, env.Calls("connect", "ListInstances"), "instance_id is pushed down")

	// Must-show: counting makes no DescribeUser; email makes one per user.
	env.Reset()
	assert.Equal(t, 3, env.Int(t, `SELECT count(*) FROM aws_connect_user WHERE instance_id = ?`, seed.support.ID))
	assert.Equal(t, 0, env.Calls("connect", "DescribeUser"))
	env.Reset()
	assert.Equal(t, []string{"alice@acme.example", "bob@acme.example", "carol@acme.example"},
		env.Strings(t, `SELECT email FROM aws_connect_user WHERE instance_id = ? ORDER BY email`, seed.support.ID))
	assert.Equal(t, 3, env.Calls("connect", "DescribeUser"))
	assert.Equal(t, 1, env.Calls("connect", "DescribeUser", awsfake.WithParam("UserId", seed.alice.ID)))

	// Security profile ids match the seeded profiles.
	ids := env.Strings(t, `SELECT j.value FROM aws_connect_user u, json_each(u.security_profile_ids) j WHERE u.instance_id = ? AND u.username = 'alice'`, seed.support.ID)
	assert.ElementsMatch(t, []string{seed.admin.ID, seed.agent.ID}, ids)

	// A multi-page listing: 2500 users in pages of 1000.
	env.Reset()
	assert.Equal(t, 2500, env.Int(t, `SELECT count(*) FROM aws_connect_user WHERE instance_id = ?`, seed.sales.ID))
	assert.Equal(t, 3, env.Calls("connect", "ListUsers", awsfake.WithParam("InstanceId", seed.sales.ID), awsfake.WithParam("MaxResults", "1000"),
		func(c awsfake.Call) bool { return c.Region == "us-east-1" }))
	assert.Equal(t, 0, env.Calls("connect", "DescribeUser"))

	// Without instance_id every instance of every region is read.
	env.Reset()
	assert.Equal(t, 2504, env.Int(t, `SELECT count(*) FROM aws_connect_user`))
	assert.Equal(t, 2, env.Calls("connect", "ListInstances"))
	assert.Equal(t, 5, env.Calls("connect", "ListUsers"), "1 + 3 + 1 pages")
	assert.Equal(t, []string{"dieter"}, env.Strings(t, `SELECT username FROM aws_connect_user WHERE region = 'eu-west-1'`))

	// instance_id and id make a get; the hydrated columns reuse it.
	env.Reset()
	rows := env.Query(t, `SELECT username, email, tags FROM aws_connect_user WHERE instance_id = ? AND id = ?`, seed.support.ID, seed.alice.ID)
	require.Equal(t, [][]string{{"alice", "alice@acme.example", `{"role":"lead"}`}}, rows)
	assert.Equal(t, 0, env.Calls("connect", "ListUsers"))
	assert.Equal(t, 1, env.Calls("connect", "DescribeUser", func(c awsfake.Call) bool { return c.Region == "us-east-1" }))

	// An unknown instance is no rows, not an error.
	assert.Empty(t, env.Query(t, `SELECT id FROM aws_connect_user WHERE instance_id = 'no-such-instance'`))
}

func TestConnectUserLimit(t *testing.T) {
	var seed connectSeed
	env := e2e.Start(t, seedConnect(&seed), "")
	assert.Equal(t, []string{"alice", "bob"}, env.Strings(t, `SELECT username FROM aws_connect_user LIMIT 2`))
	assert.Equal(t, 1, env.Calls("connect", "ListInstances"))
	assert.Equal(t, 1, env.Calls("connect", "ListUsers"))
	assert.Equal(t, 1, env.Calls("connect", "ListUsers", awsfake.WithParam("MaxResults", "2"), awsfake.WithParam("InstanceId", seed.support.ID)))

	// acme-support has 3 users: LIMIT 5 moves on to acme-sales for one
	// more page of 5, and no further.
	env.Reset()
	assert.Len(t, env.Strings(t, `SELECT username FROM aws_connect_user LIMIT 5`), 5)
	assert.Equal(t, 1, env.Calls("connect", "ListInstances"))
	assert.Equal(t, 2, env.Calls("connect", "ListUsers", awsfake.WithParam("MaxResults", "5")))
	assert.Equal(t, 1, env.Calls("connect", "ListUsers", awsfake.WithParam("InstanceId", seed.sales.ID)))
}

func TestConnectSecurityProfile(t *testing.T) {
	var seed connectSeed
	env := e2e.Start(t, seedConnect(&seed), twoRegions)

	env.Golden(t, "connect_security_profile", `SELECT name, description, permissions, tags, organization_resource_id = instance_id AS org_ok,
  arn = 'arn:aws:connect:us-east-1:111111111111:instance/' || instance_id || '/security-profile/' || id AS arn_ok
FROM aws_connect_security_profile WHERE instance_id = ? ORDER BY name`, seed.support.ID)
	assert.Equal(t, 3, env.Calls("connect", "DescribeSecurityProfile"))
	assert.Equal(t, 3, env.Calls("connect", "ListSecurityProfilePermissions"))
	assert.Equal(t, 1, env.Calls("connect", "ListSecurityProfiles", awsfake.WithParam("InstanceId", seed.support.ID), func(c awsfake.Call) bool { return c.Region == "us-east-1" }))

	env.Reset()
	assert.Equal(t, []string{"Admin", "Agent", "QualityAnalyst"}, env.Strings(t, `SELECT name FROM aws_connect_security_profile ORDER BY name`))
	assert.Equal(t, 0, env.Calls("connect", "DescribeSecurityProfile"))
	assert.Equal(t, 0, env.Calls("connect", "ListSecurityProfilePermissions"))
	assert.Equal(t, 3, env.Calls("connect", "ListSecurityProfiles"), "one per instance")

	// Who can edit users? Users joined to their profiles' permissions.
	rows := env.Strings(t, `SELECT DISTINCT u.username FROM aws_connect_user u, json_each(u.security_profile_ids) j
JOIN aws_connect_security_profile p ON p.id = j.value AND p.instance_id = u.instance_id
WHERE u.instance_id = ? AND EXISTS (SELECT 1 FROM json_each(p.permissions) WHERE value = 'Users.Edit')`, seed.support.ID)
	assert.Equal(t, []string{"alice"}, rows)
}

func TestConnectSecurityProfilePermissionPages(t *testing.T) {
	var id string
	env := e2e.Start(t, func(s *awsfake.Server) {
		inst := awsfake.ConnectOf(s.Account(e2e.AccountID)).AddInstance("us-east-1", "big")
		perms := make([]string, 1500)
		for i := range perms {
			perms[i] = fmt.Sprintf("Perm%04d.View", i)
		}
		id = inst.AddSecurityProfile("Everything", "", perms...).ID
	}, "")
	assert.Equal(t, 1500, env.Int(t, `SELECT json_array_length(permissions) FROM aws_connect_security_profile`))
	assert.Equal(t, 2, env.Calls("connect", "ListSecurityProfilePermissions", awsfake.WithParam("SecurityProfileId", id)), "all pages of 1000")
}
