package tables_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/internal/e2e"
)

// seedMotoIAM creates, through the real SDK, the same shape of estate the
// fake tests use: users (some with MFA, groups, policies and access keys),
// groups, roles and a customer managed policy.
func seedMotoIAM(t *testing.T, cfg aws.Config, users int) {
	t.Helper()
	ctx := context.Background()
	c := iam.NewFromConfig(cfg)
	must := func(_ any, err error) {
		t.Helper()
		require.NoError(t, err)
	}
	for i := 1; i <= users; i++ {
		must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("user%04d", i))}))
	}
	must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob"), Path: aws.String("/engineering/")}))
	must(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Admins")}))
	must(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Developers"), Path: aws.String("/engineering/")}))
	must(c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Admins"), UserName: aws.String("user0001")}))
	must(c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Developers"), UserName: aws.String("bob")}))
	must(c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Developers"), UserName: aws.String("user0002")}))
	must(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app-server"), Path: aws.String("/service-role/"),
		AssumeRolePolicyDocument: aws.String(iamEC2Trust), Description: aws.String("EC2 app role"), MaxSessionDuration: aws.Int32(7200)}))
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("S3Read"), PolicyDocument: aws.String(iamS3Read)})
	require.NoError(t, err)
	must(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Unused"), PolicyDocument: aws.String(iamS3Read)}))
	must(c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: pol.Policy.Arn}))
	must(c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app-server"), PolicyArn: pol.Policy.Arn}))
	for _, u := range []string{"user0001", "user0001", "bob"} {
		must(c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(u)}))
	}
	for _, u := range []string{"user0001", "user0003"} {
		dev, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(u)})
		require.NoError(t, err)
		must(c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String(u), SerialNumber: dev.VirtualMFADevice.SerialNumber,
			AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")}))
	}
}

func TestIAMMoto(t *testing.T) {
	const users = 60
	moto := e2e.Moto(t, "")
	seedMotoIAM(t, moto.AWSConfig(), users)
	one := func(t *testing.T, q string, args ...any) string {
		t.Helper()
		out := moto.Strings(t, q, args...)
		require.Len(t, out, 1, q)
		return out[0]
	}

	t.Run("users", func(t *testing.T) {
		moto.Reset()
		assert.Equal(t, fmt.Sprint(users+1), one(t, `SELECT count(DISTINCT name) FROM aws_iam_user`))
		assert.Equal(t, e2e.MotoAccountID, one(t, `SELECT DISTINCT account_id FROM aws_iam_user`))
		assert.Equal(t, "global", one(t, `SELECT DISTINCT region FROM aws_iam_user`))
		assert.Zero(t, moto.Calls("iam", "ListMFADevices"))

		assert.Equal(t, []string{"bob", "user0001", "user0002", "user0003", "user0004"},
			moto.Strings(t, `SELECT name FROM (SELECT name FROM aws_iam_user LIMIT 500) ORDER BY name LIMIT 5`))
		assert.Len(t, moto.Strings(t, `SELECT name FROM aws_iam_user LIMIT 5`), 5)

		moto.Reset()
		assert.Equal(t, []string{"user0001", "user0003"}, moto.Strings(t, `SELECT name FROM aws_iam_user WHERE mfa_enabled ORDER BY name`))
		assert.Equal(t, users+1, moto.Calls("iam", "ListMFADevices"), "one per user")

		moto.Reset()
		assert.Equal(t, "/engineering/", one(t, `SELECT path FROM aws_iam_user WHERE name = 'bob'`))
		assert.Equal(t, `["Developers"]`, one(t, `SELECT json_group_array(json_extract(g.value, '$.GroupName')) FROM aws_iam_user u, json_each(u.groups) g WHERE u.name = 'bob'`))
		assert.Equal(t, 2, moto.Calls("iam", "GetUser"))
		assert.Zero(t, moto.Calls("iam", "ListUsers"))
		assert.Empty(t, moto.Strings(t, `SELECT name FROM aws_iam_user WHERE name = 'nobody'`))
	})

	t.Run("groups", func(t *testing.T) {
		moto.Reset()
		assert.Equal(t, []string{"Admins", "Developers"}, moto.Strings(t, `SELECT name FROM aws_iam_group ORDER BY name`))
		assert.Zero(t, moto.Calls("iam", "GetGroup"))
		moto.Reset()
		assert.Equal(t, "bob,user0002", one(t, `SELECT (SELECT group_concat(json_extract(value, '$.UserName')) FROM (SELECT value FROM json_each(users) ORDER BY 1)) FROM aws_iam_group WHERE name = 'Developers'`))
		assert.Zero(t, moto.Calls("iam", "ListGroups"))
		assert.Equal(t, []string{"Developers"}, moto.Strings(t, `SELECT name FROM aws_iam_group WHERE path = '/engineering/'`))
	})

	t.Run("roles", func(t *testing.T) {
		moto.Reset()
		assert.Equal(t, "ec2.amazonaws.com", one(t, `SELECT json_extract(assume_role_policy, '$.Statement[0].Principal.Service') FROM aws_iam_role WHERE name = 'app-server'`))
		assert.Zero(t, moto.Calls("iam", "ListRoles"))
		assert.Equal(t, "EC2 app role|7200|/service-role/", one(t, `SELECT description || '|' || max_session_duration || '|' || path FROM aws_iam_role WHERE path = '/service-role/'`))
		assert.Equal(t, `["arn:aws:iam::123456789012:policy/S3Read"]`, one(t, `SELECT attached_policy_arns FROM aws_iam_role WHERE name = 'app-server'`))
	})

	t.Run("policies", func(t *testing.T) {
		assert.Equal(t, []string{"S3Read", "Unused"}, moto.Strings(t, `SELECT name FROM aws_iam_policy WHERE is_aws_managed = 0 ORDER BY name`))
		assert.Equal(t, []string{"S3Read|2"}, moto.Strings(t, `SELECT name || '|' || attachment_count FROM aws_iam_policy WHERE is_aws_managed = 0 AND is_attached = 1`))
		assert.Equal(t, []string{"Unused"}, moto.Strings(t, `SELECT name FROM aws_iam_policy WHERE is_aws_managed = 0 AND is_attached = 0`))
		assert.Equal(t, "s3:GetObject", one(t, `SELECT json_extract(policy, '$.Statement[0].Action[0]') FROM aws_iam_policy WHERE arn = ?`, "arn:aws:iam::"+e2e.MotoAccountID+":policy/S3Read"))
		// moto loads no AWS managed policies by default: Scope=AWS lists none
		// of the account's own.
		assert.Equal(t, "0", one(t, `SELECT count(*) FROM aws_iam_policy WHERE is_aws_managed = 1 AND arn LIKE '%:123456789012:%'`))
	})

	t.Run("access keys", func(t *testing.T) {
		moto.Reset()
		assert.Equal(t, []string{"Active", "Active"}, moto.Strings(t, `SELECT status FROM aws_iam_access_key WHERE user_name = 'user0001'`))
		assert.Equal(t, 1, moto.Calls("iam", "ListAccessKeys"))
		assert.Zero(t, moto.Calls("iam", "ListUsers"))

		moto.Reset()
		assert.Equal(t, []string{"bob", "user0001", "user0001"}, moto.Strings(t, `SELECT user_name FROM aws_iam_access_key ORDER BY user_name`))
		assert.Equal(t, users+1, moto.Calls("iam", "ListAccessKeys"), "one per user")
		assert.Zero(t, moto.Calls("iam", "GetAccessKeyLastUsed"))
		assert.Len(t, moto.Strings(t, `SELECT access_key_last_used_service FROM aws_iam_access_key`), 3)
	})
}
