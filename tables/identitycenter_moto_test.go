package tables_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/internal/e2e"
)

// identityQueries are run on moto and on the fake; they avoid generated ids.
var identityQueries = []string{
	`SELECT name, display_name, given_name, family_name, primary_email FROM aws_identitystore_user ORDER BY name`,
	`SELECT name, description FROM aws_identitystore_group ORDER BY name`,
	`SELECT g.name, u.name FROM aws_identitystore_group_membership m
		JOIN aws_identitystore_group g ON g.id = m.group_id JOIN aws_identitystore_user u ON u.id = m.member_id
		ORDER BY 1, 2`,
	`SELECT count(*) FROM aws_identitystore_user WHERE name = 'bob'`,
	`SELECT count(*) FROM aws_ssoadmin_instance`,
}

func TestIdentityCenterMoto(t *testing.T) {
	moto := e2e.Moto(t, "")
	ctx := context.Background()
	cfg := moto.AWSConfig()

	// moto's sso-admin has one instance per account and region.
	insts, err := ssoadmin.NewFromConfig(cfg).ListInstances(ctx, &ssoadmin.ListInstancesInput{})
	require.NoError(t, err)
	require.Len(t, insts.Instances, 1, "moto's default Identity Center instance")
	store := insts.Instances[0].IdentityStoreId

	type user struct{ name, given, family string }
	users := []user{{"alice", "Alice", "Anders"}, {"bob", "Bob", "Baker"}, {"carol", "Carol", "Chen"}}
	groups := [][2]string{{"Admins", "Full access"}, {"Developers", "Devs"}}
	members := [][2]string{{"Admins", "alice"}, {"Developers", "alice"}, {"Developers", "bob"}}

	is := identitystore.NewFromConfig(cfg)
	uid, gid := map[string]*string{}, map[string]*string{}
	for _, u := range users {
		out, err := is.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: store, UserName: aws.String(u.name),
			DisplayName: aws.String(u.given + " " + u.family),
			Name:        &istypes.Name{GivenName: aws.String(u.given), FamilyName: aws.String(u.family)},
			Emails:      []istypes.Email{{Value: aws.String(u.name + "@example.com"), Type: aws.String("work"), Primary: true}}})
		require.NoError(t, err)
		uid[u.name] = out.UserId
	}
	for _, g := range groups {
		out, err := is.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String(g[0]), Description: aws.String(g[1])})
		require.NoError(t, err)
		gid[g[0]] = out.GroupId
	}
	for _, m := range members {
		_, err := is.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: store,
			GroupId: gid[m[0]], MemberId: &istypes.MemberIdMemberUserId{Value: aws.ToString(uid[m[1]])}})
		require.NoError(t, err)
	}

	env := e2e.Start(t, func(s *awsfake.Server) {
		st := awsfake.IdentityCenterOf(s.Account(e2e.AccountID)).AddInstance("us-east-1")
		u := map[string]*awsfake.IDCUser{}
		for _, x := range users {
			u[x.name] = st.AddUser(x.name, x.given+" "+x.family)
		}
		g := map[string]*awsfake.IDCGroup{}
		for _, x := range groups {
			g[x[0]] = st.AddGroup(x[0], x[1])
		}
		for _, m := range members {
			st.AddMembership(g[m[0]].ID, u[m[1]].ID)
		}
	}, "")

	require.Len(t, moto.Query(t, identityQueries[2]), len(members))
	for _, q := range identityQueries {
		assert.Equal(t, env.Query(t, q), moto.Query(t, q), q)
	}
	// The pushed-down identity store and Get path answer the same on moto.
	got := moto.Query(t, `SELECT name FROM aws_identitystore_user WHERE identity_store_id = ? AND id = ?`, aws.ToString(store), aws.ToString(uid["carol"]))
	assert.Equal(t, [][]string{{"carol"}}, got)
}
