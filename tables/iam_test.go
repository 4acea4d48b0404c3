package tables_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/internal/e2e"
	"github.com/awsqlite/awsqlite/tables"
	"github.com/awsqlite/awsqlite/vtab"
)

const (
	iamEC2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	iamS3Read   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}]}`
	iamAdminARN = "arn:aws:iam::aws:policy/AdministratorAccess"
	iamROARN    = "arn:aws:iam::aws:policy/ReadOnlyAccess"
)

// seedSmallIAM is a small, readable IAM estate for the golden files.
func seedSmallIAM(s *awsfake.Server) {
	a := s.Account(e2e.AccountID)
	day := func(n int) *time.Time {
		t := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, n)
		return &t
	}
	a.AddUser("alice", "/")
	a.AddUser("bob", "/engineering/")
	a.AddUser("carol", "/engineering/")
	a.AddUser("dave", "/")
	a.AddGroup("Admins", "/")
	a.AddGroup("Developers", "/engineering/")
	a.AddGroup("Platform", "/engineering/platform/")
	a.AddGroup("Empty", "/")
	a.AddUserToGroup("alice", "Admins")
	a.AddUserToGroup("bob", "Developers")
	a.AddUserToGroup("carol", "Developers")
	a.AddUserToGroup("carol", "Platform")
	a.AttachGroupPolicy("Admins", iamAdminARN)
	a.AttachUserPolicy("dave", iamROARN)
	a.AddMFADevice("alice")
	a.AddMFADevice("carol")

	app := a.AddRoleWithPath("app-server", "/service-role/", iamEC2Trust)
	a.AddRole("AuditRole", awsfake.AuditRoleTrustPolicy("222222222222", "ext-123"))
	p := a.AddPolicy("S3Read", iamS3Read)
	a.AddPolicy("Unused", iamS3Read)
	a.AttachRolePolicy("app-server", p.ARN)
	a.AttachGroupPolicy("Developers", p.ARN)

	kAlice := a.AddAccessKey("alice", false)
	a.AddAccessKey("alice", false)
	kBob := a.AddAccessKey("bob", false)
	s.Update(func() {
		a.Groups[1].InlinePolicies = []awsfake.InlinePolicy{{Name: "deny-iam", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`}}
		app.Description = "EC2 app role"
		app.MaxSessionDuration = 7200
		app.LastUsed, app.LastUsedRegion = day(3), "eu-west-1"
		app.Tags = []awsfake.Tag{{Key: "team", Value: "app"}}
		app.PermissionsBoundary = p.ARN
		app.InlinePolicies = []awsfake.InlinePolicy{{Name: "logs", Document: `{"Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}`}}
		p.Description = "Read S3 objects"
		p.Tags = []awsfake.Tag{{Key: "owner", Value: "data"}}
		kAlice.LastUsed, kAlice.LastUsedService, kAlice.LastUsedRegion = day(1), "s3", "us-east-1"
		kBob.Status = "Inactive"
	})
}

func TestIAMUser_Golden(t *testing.T) {
	env := e2e.Start(t, seedSmallIAM, "")
	env.Golden(t, "iam_user_list", `SELECT name, path, arn, mfa_enabled, json_array_length(groups) AS groups, attached_policy_arns, account_id, region
		FROM aws_iam_user ORDER BY name`)
}

func TestIAMUser_PagesThroughEveryUser(t *testing.T) {
	env := e2e.Start(t, func(s *awsfake.Server) { s.AddUsers(e2e.AccountID, 2345, "user") }, "")
	assert.Equal(t, 2345, env.Int(t, `SELECT count(DISTINCT name) FROM aws_iam_user`))
	assert.Equal(t, 3, env.Calls("iam", "ListUsers"))
	assert.Equal(t, 3, env.Calls("iam", "ListUsers", awsfake.WithParam("MaxItems", "1000")))

	env.Reset()
	assert.Len(t, env.Strings(t, `SELECT name FROM aws_iam_user`), 2345)
	assert.Equal(t, 3, env.Calls("iam", "ListUsers"))
}

func TestIAMUser_LimitCapsThePage(t *testing.T) {
	env := e2e.Start(t, func(s *awsfake.Server) { s.AddUsers(e2e.AccountID, 2345, "user") }, "")
	assert.Equal(t, []string{"user0001", "user0002", "user0003", "user0004", "user0005"},
		env.Strings(t, `SELECT name FROM aws_iam_user LIMIT 5`))
	assert.Equal(t, 1, env.Calls("iam", "ListUsers"))
	assert.Equal(t, 1, env.Calls("iam", "ListUsers", awsfake.WithParam("MaxItems", "5")))
}

func TestIAMUser_MFAIsHydratedOnlyWhenUsed(t *testing.T) {
	env := e2e.Start(t, func(s *awsfake.Server) {
		s.AddUsers(e2e.AccountID, 40, "user")
		a := s.Account(e2e.AccountID)
		for i := 1; i <= 40; i += 3 {
			a.AddMFADevice(fmt.Sprintf("user%04d", i))
		}
	}, "")
	assert.Len(t, env.Strings(t, `SELECT name FROM aws_iam_user`), 40)
	assert.Equal(t, 0, env.Calls("iam", "ListMFADevices"))

	env.Reset()
	rows := env.Query(t, `SELECT name, mfa_enabled FROM aws_iam_user ORDER BY name`)
	require.Len(t, rows, 40)
	assert.Equal(t, []string{"user0001", "1"}, rows[0])
	assert.Equal(t, []string{"user0002", "0"}, rows[1])
	assert.Equal(t, 14, env.Int(t, `SELECT count(*) FROM aws_iam_user WHERE mfa_enabled`))
	assert.Equal(t, 80, env.Calls("iam", "ListMFADevices"), "one per user and query")
}

func TestIAMUser_NameUsesGetUser(t *testing.T) {
	env := e2e.Start(t, seedSmallIAM, "")
	assert.Equal(t, [][]string{{"bob", "/engineering/"}}, env.Query(t, `SELECT name, path FROM aws_iam_user WHERE name = 'bob'`))
	assert.Equal(t, 1, env.Calls("iam", "GetUser", awsfake.WithParam("UserName", "bob")))
	assert.Equal(t, 0, env.Calls("iam", "ListUsers"))

	env.Reset()
	assert.Empty(t, env.Query(t, `SELECT name FROM aws_iam_user WHERE name = 'nobody'`))
	assert.Equal(t, 1, env.Calls("iam", "GetUser"))
	assert.Equal(t, 0, env.Calls("iam", "ListUsers"))
}

// ---------------------------------------------------------------- groups

func TestIAMGroup_Golden(t *testing.T) {
	env := e2e.Start(t, seedSmallIAM, "")
	env.Golden(t, "iam_group_list", `SELECT name, path, arn, create_date, group_id IS NOT NULL AS has_id,
		(SELECT group_concat(json_extract(value, '$.UserName')) FROM json_each(users)) AS users,
		attached_policy_arns, inline_policies, account_id, region
		FROM aws_iam_group ORDER BY name`)
}

func TestIAMGroup_PagesAndHydratesLazily(t *testing.T) {
	env := e2e.Start(t, func(s *awsfake.Server) {
		a := s.Account(e2e.AccountID)
		for i := 1; i <= 1234; i++ {
			a.AddGroup(fmt.Sprintf("group%04d", i), "/")
		}
	}, "")
	env.Golden(t, "iam_group_pages", `SELECT count(*), count(DISTINCT name), min(name), max(name) FROM aws_iam_group`)
	assert.Equal(t, 2, env.Calls("iam", "ListGroups"))
	assert.Equal(t, 0, env.Calls("iam", "GetGroup"), "users not selected")

	env.Reset()
	assert.Equal(t, 1234, env.Int(t, `SELECT count(*) FROM aws_iam_group WHERE users = '[]'`))
	assert.Equal(t, 2, env.Calls("iam", "ListGroups"))
	assert.Equal(t, 1234, env.Calls("iam", "GetGroup"), "one per group")

	env.Reset()
	assert.Len(t, env.Strings(t, `SELECT name FROM aws_iam_group LIMIT 3`), 3)
	assert.Equal(t, 1, env.Calls("iam", "ListGroups", awsfake.WithParam("MaxItems", "3")))
}

func TestIAMGroup_UsersPagesThroughAllMembers(t *testing.T) {
	env := e2e.Start(t, func(s *awsfake.Server) {
		s.AddUsers(e2e.AccountID, 1500, "member")
		a := s.Account(e2e.AccountID)
		a.AddGroup("Everyone", "/")
		for i := 1; i <= 1500; i++ {
			a.AddUserToGroup(fmt.Sprintf("member%04d", i), "Everyone")
		}
	}, "")
	rows := env.Query(t, `SELECT json_array_length(users), json_extract(users, '$[1499].UserName') FROM aws_iam_group WHERE name = 'Everyone'`)
	assert.Equal(t, [][]string{{"1500", "member1500"}}, rows)
	assert.Equal(t, 0, env.Calls("iam", "ListGroups"))
	assert.Equal(t, 2, env.Calls("iam", "GetGroup", awsfake.WithParam("MaxItems", "1000")), "two pages of members")
	assert.Equal(t, 1, env.Calls("iam", "GetGroup", awsfake.WithParam("MaxItems", "1")), "the get")
}

func TestIAMGroup_KeyColumns(t *testing.T) {
	env := e2e.Start(t, seedSmallIAM, "")
	assert.Equal(t, []string{"Developers"}, env.Strings(t, `SELECT name FROM aws_iam_group WHERE name = 'Developers'`))
	assert.Equal(t, 1, env.Calls("iam", "GetGroup", awsfake.WithParam("GroupName", "Developers")))
	assert.Equal(t, 0, env.Calls("iam", "ListGroups"))

	// path is a PathPrefix: the API also returns /engineering/platform/,
	// which SQLite filters out.
	env.Reset()
	assert.Equal(t, []string{"Developers"}, env.Strings(t, `SELECT name FROM aws_iam_group WHERE path = '/engineering/'`))
	assert.Equal(t, 1, env.Calls("iam", "ListGroups", awsfake.WithParam("PathPrefix", "/engineering/")))
}

// ---------------------------------------------------------------- roles

func TestIAMRole_Golden(t *testing.T) {
	env := e2e.Start(t, seedSmallIAM, "")
	env.Golden(t, "iam_role_list", `SELECT name, path, arn, description, max_session_duration, assume_role_policy,
		role_last_used_date, role_last_used_region, permissions_boundary_arn, permissions_boundary_type, tags,
		attached_policy_arns, inline_policies, region
		FROM aws_iam_role ORDER BY name`)
	assert.Equal(t, 2, env.Calls("iam", "GetRole"), "one get_role per row")
}

func TestIAMRole_PagesAndHydratesLazily(t *testing.T) {
	env := e2e.Start(t, func(s *awsfake.Server) {
		a := s.Account(e2e.AccountID)
		for i := 1; i <= 1001; i++ {
			a.AddRole(fmt.Sprintf("role%04d", i), iamEC2Trust)
		}
	}, "")
	env.Golden(t, "iam_role_pages", `SELECT count(DISTINCT name), max(name), count(DISTINCT json_extract(assume_role_policy, '$.Statement[0].Principal.Service')) FROM aws_iam_role`)
	assert.Equal(t, 2, env.Calls("iam", "ListRoles"))
	assert.Equal(t, 0, env.Calls("iam", "GetRole"), "get_role columns not selected")

	env.Reset()
	assert.Equal(t, 1001, env.Int(t, `SELECT count(*) FROM aws_iam_role WHERE tags = '{}'`))
	assert.Equal(t, 1001, env.Calls("iam", "GetRole"))

	env.Reset()
	assert.Equal(t, [][]string{{"role0007", "3600"}}, env.Query(t, `SELECT name, max_session_duration FROM aws_iam_role WHERE name = 'role0007'`))
	assert.Equal(t, 1, env.Calls("iam", "GetRole", awsfake.WithParam("RoleName", "role0007")))
	assert.Equal(t, 0, env.Calls("iam", "ListRoles"))
}

func TestIAMRole_Path(t *testing.T) {
	env := e2e.Start(t, seedSmallIAM, "")
	assert.Equal(t, []string{"app-server"}, env.Strings(t, `SELECT name FROM aws_iam_role WHERE path = '/service-role/'`))
	assert.Equal(t, 1, env.Calls("iam", "ListRoles", awsfake.WithParam("PathPrefix", "/service-role/")))
}

// ---------------------------------------------------------------- policies

func TestIAMPolicy_Golden(t *testing.T) {
	env := e2e.Start(t, seedSmallIAM, "")
	env.Golden(t, "iam_policy_list", `SELECT name, path, arn, is_aws_managed, is_attached, is_attachable, attachment_count,
		permissions_boundary_usage_count, default_version_id, description, tags, policy
		FROM aws_iam_policy ORDER BY arn`)
}

func TestIAMPolicy_PushDown(t *testing.T) {
	env := e2e.Start(t, seedSmallIAM, "")
	count := func(where string) int {
		return env.Int(t, `SELECT count(*) FROM aws_iam_policy WHERE `+where)
	}
	tests := []struct {
		where  string
		want   int
		filter func(awsfake.Call) bool // what the ListPolicies call must carry
	}{
		{"is_aws_managed = 1", 5, awsfake.WithParam("Scope", "AWS")},
		{"is_aws_managed = 0", 2, awsfake.WithParam("Scope", "Local")},
		{"is_aws_managed = true", 5, awsfake.WithParam("Scope", "AWS")},
		{"is_aws_managed = 2", 0, nil},
		{"is_aws_managed = '1'", 5, nil},
		{"is_attached = 1", 3, awsfake.WithParam("OnlyAttached", "true")},
		{"is_attached = 0", 4, func(c awsfake.Call) bool { return c.Params["OnlyAttached"] == "" }},
		{"is_attached = 1 AND is_aws_managed = 0", 1, func(c awsfake.Call) bool {
			return c.Params["OnlyAttached"] == "true" && c.Params["Scope"] == "Local"
		}},
		{"path = '/job-function/'", 1, awsfake.WithParam("PathPrefix", "/job-function/")},
	}
	for _, tt := range tests {
		env.Reset()
		assert.Equal(t, tt.want, count(tt.where), tt.where)
		assert.Equal(t, 1, env.Calls("iam", "ListPolicies"), tt.where)
		if tt.filter != nil {
			assert.Equal(t, 1, env.Calls("iam", "ListPolicies", tt.filter), tt.where)
		}
	}
}

func TestIAMPolicy_ArnUsesGetPolicy(t *testing.T) {
	env := e2e.Start(t, seedSmallIAM, "")
	arn := "arn:aws:iam::" + e2e.AccountID + ":policy/S3Read"
	rows := env.Query(t, `SELECT name, attachment_count, description FROM aws_iam_policy WHERE arn = ?`, arn)
	assert.Equal(t, [][]string{{"S3Read", "2", "Read S3 objects"}}, rows)
	assert.Equal(t, 1, env.Calls("iam", "GetPolicy", awsfake.WithParam("PolicyArn", arn)))
	assert.Equal(t, 0, env.Calls("iam", "ListPolicies"))

	env.Reset()
	assert.Empty(t, env.Query(t, `SELECT name FROM aws_iam_policy WHERE arn = 'arn:aws:iam::111111111111:policy/Nope'`))
	assert.Equal(t, 0, env.Calls("iam", "ListPolicies"))
}

func TestIAMPolicy_PagesAndHydratesLazily(t *testing.T) {
	env := e2e.Start(t, func(s *awsfake.Server) {
		a := s.Account(e2e.AccountID)
		for i := 1; i <= 1100; i++ {
			a.AddPolicy(fmt.Sprintf("policy%04d", i), iamS3Read)
		}
	}, "")
	assert.Equal(t, 1100, env.Int(t, `SELECT count(DISTINCT arn) FROM aws_iam_policy WHERE is_aws_managed = 0`))
	assert.Equal(t, 2, env.Calls("iam", "ListPolicies"))
	assert.Equal(t, 0, env.Calls("iam", "GetPolicyVersion"))

	env.Reset()
	assert.Equal(t, 1105, env.Int(t, `SELECT count(*) FROM aws_iam_policy WHERE json_extract(policy, '$.Version') = '2012-10-17'`))
	assert.Equal(t, 2, env.Calls("iam", "ListPolicies"))
	assert.Equal(t, 1105, env.Calls("iam", "GetPolicyVersion", awsfake.WithParam("VersionId", "v1")))
	assert.Equal(t, 0, env.Calls("iam", "GetPolicy"))
}

// ---------------------------------------------------------------- access keys

func TestIAMAccessKey_Golden(t *testing.T) {
	env := e2e.Start(t, seedSmallIAM, "")
	env.Golden(t, "iam_access_key_list", `SELECT user_name, access_key_id LIKE 'AKIA%' AS akia, status, create_date,
		access_key_last_used_date, access_key_last_used_service, access_key_last_used_region, region
		FROM aws_iam_access_key ORDER BY user_name, create_date`)
	assert.Equal(t, 1, env.Calls("iam", "ListUsers"))
	assert.Equal(t, 4, env.Calls("iam", "ListAccessKeys"), "one per user")
	assert.Equal(t, 3, env.Calls("iam", "GetAccessKeyLastUsed"), "one per key")
}

func TestIAMAccessKey_UserNameIsOneCall(t *testing.T) {
	env := e2e.Start(t, seedSmallIAM, "")
	rows := env.Query(t, `SELECT user_name, status FROM aws_iam_access_key WHERE user_name = 'alice'`)
	assert.Equal(t, [][]string{{"alice", "Active"}, {"alice", "Active"}}, rows)
	assert.Equal(t, 1, env.Calls("iam", "ListAccessKeys", awsfake.WithParam("UserName", "alice")))
	assert.Equal(t, 0, env.Calls("iam", "ListUsers"))
	assert.Equal(t, 0, env.Calls("iam", "GetAccessKeyLastUsed"))

	env.Reset()
	assert.Empty(t, env.Query(t, `SELECT user_name FROM aws_iam_access_key WHERE user_name = 'nobody'`))
	assert.Equal(t, 1, env.Calls("iam", "ListAccessKeys"))
	assert.Equal(t, 0, env.Calls("iam", "ListUsers"))
}

func TestIAMAccessKey_WalksUsersLazily(t *testing.T) {
	env := e2e.Start(t, func(s *awsfake.Server) {
		s.AddUsers(e2e.AccountID, 1234, "user")
		a := s.Account(e2e.AccountID)
		for i := 1; i <= 1234; i += 2 {
			a.AddAccessKey(fmt.Sprintf("user%04d", i), false)
		}
	}, "")
	env.Golden(t, "iam_access_key_pages", `SELECT count(*), count(DISTINCT user_name), min(user_name), max(user_name) FROM aws_iam_access_key`)
	assert.Equal(t, 2, env.Calls("iam", "ListUsers"))
	assert.Equal(t, 1234, env.Calls("iam", "ListAccessKeys"))
	assert.Equal(t, 0, env.Calls("iam", "GetAccessKeyLastUsed"))

	// LIMIT stops the walk: users are read three at a time (MaxItems 3),
	// and it takes two such pages (user0000..user0005) to find three keys.
	env.Reset()
	assert.Equal(t, []string{"user0001", "user0003", "user0005"}, env.Strings(t, `SELECT user_name FROM aws_iam_access_key LIMIT 3`))
	assert.Equal(t, 2, env.Calls("iam", "ListUsers"))
	assert.Equal(t, 2, env.Calls("iam", "ListUsers", awsfake.WithParam("MaxItems", "3")))
	assert.Equal(t, 6, env.Calls("iam", "ListAccessKeys"))

	env.Reset()
	assert.Equal(t, 617, env.Int(t, `SELECT count(*) FROM aws_iam_access_key WHERE access_key_last_used_service = 'N/A'`))
	assert.Equal(t, 617, env.Calls("iam", "GetAccessKeyLastUsed"))
}

// ---------------------------------------------------------------- specs

func TestIAMSpecs(t *testing.T) {
	want := map[string][]string{
		"aws_iam_user":       {"iam:GetLoginProfile", "iam:GetUser", "iam:GetUserPolicy", "iam:ListAttachedUserPolicies", "iam:ListGroupsForUser", "iam:ListMFADevices", "iam:ListUserPolicies", "iam:ListUsers"},
		"aws_iam_group":      {"iam:GetGroup", "iam:GetGroupPolicy", "iam:ListAttachedGroupPolicies", "iam:ListGroupPolicies", "iam:ListGroups"},
		"aws_iam_role":       {"iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:ListRoles"},
		"aws_iam_policy":     {"iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicies"},
		"aws_iam_access_key": {"iam:GetAccessKeyLastUsed", "iam:ListAccessKeys", "iam:ListUsers"},
	}
	seen := 0
	for _, s := range tables.All() {
		actions, ok := want[s.Name]
		if !ok {
			continue
		}
		seen++
		assert.NoError(t, vtab.Validate(s))
		assert.Equal(t, vtab.Global, s.Scope, s.Name)
		assert.Equal(t, "iam", s.Service, s.Name)
		assert.Equal(t, actions, s.Actions(), s.Name)
	}
	assert.Equal(t, len(want), seen)
}
