package tables_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite"
	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/internal/motoserver"
)

const motoAccountID = "123456789012"

// actionCounter is a reverse proxy in front of moto that counts the
// Query-protocol actions it forwards (moto has no call log).
type actionCounter struct {
	mu    sync.Mutex
	n     map[string]int
	proxy http.Handler
}

func newActionCounter(t *testing.T, endpoint string) (*actionCounter, string) {
	target, err := url.Parse(endpoint)
	require.NoError(t, err)
	c := &actionCounter{n: map[string]int{}, proxy: httputil.NewSingleHostReverseProxy(target)}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return c, srv.URL
}

func (c *actionCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	if form, err := url.ParseQuery(string(b)); err == nil && form.Get("Action") != "" {
		c.mu.Lock()
		c.n[form.Get("Action")]++
		c.mu.Unlock()
	}
	c.proxy.ServeHTTP(w, r)
}

func (c *actionCounter) count(action string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[action]
}

func (c *actionCounter) reset() {
	c.mu.Lock()
	c.n = map[string]int{}
	c.mu.Unlock()
}

// seedMotoIAM creates, through the real SDK, the same shape of estate the
// fake tests use: users (some with MFA, groups, policies and access keys),
// groups, roles and a customer managed policy.
func seedMotoIAM(t *testing.T, endpoint string, users int) {
	t.Helper()
	ctx := context.Background()
	c := iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
	})
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

// motoIAM starts moto, seeds it and opens a session on it.
func motoIAM(t *testing.T, users int) (*awsqlite.Session, *actionCounter) {
	endpoint := motoserver.Start(t)
	seedMotoIAM(t, endpoint, users)
	cfg, err := connection.ParseConfig([]byte(`connection "moto" {
  regions = ["us-east-1"]
}
`), "moto.hcl")
	require.NoError(t, err)
	counter, proxied := newActionCounter(t, endpoint)
	s, err := awsqlite.New(context.Background(), cfg, connection.WithEndpoint(proxied),
		connection.WithStaticCredentials("testing", "testing"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s, counter
}

func motoStrings(t *testing.T, s *awsqlite.Session, q string, args ...any) []string {
	t.Helper()
	rows, err := s.DB().Query(q, args...)
	require.NoError(t, err, q)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v any
		require.NoError(t, rows.Scan(&v))
		switch x := v.(type) {
		case nil:
			out = append(out, "NULL")
		case []byte:
			out = append(out, string(x))
		default:
			out = append(out, fmt.Sprint(x))
		}
	}
	require.NoError(t, rows.Err(), q)
	return out
}

func TestIAMMoto(t *testing.T) {
	const users = 60
	s, calls := motoIAM(t, users)
	one := func(t *testing.T, q string, args ...any) string {
		t.Helper()
		out := motoStrings(t, s, q, args...)
		require.Len(t, out, 1, q)
		return out[0]
	}

	t.Run("users", func(t *testing.T) {
		calls.reset()
		assert.Equal(t, fmt.Sprint(users+1), one(t, `SELECT count(DISTINCT name) FROM aws_iam_user`))
		assert.Equal(t, motoAccountID, one(t, `SELECT DISTINCT account_id FROM aws_iam_user`))
		assert.Equal(t, "global", one(t, `SELECT DISTINCT region FROM aws_iam_user`))
		assert.Zero(t, calls.count("ListMFADevices"))

		assert.Equal(t, []string{"bob", "user0001", "user0002", "user0003", "user0004"},
			motoStrings(t, s, `SELECT name FROM (SELECT name FROM aws_iam_user LIMIT 500) ORDER BY name LIMIT 5`))
		assert.Len(t, motoStrings(t, s, `SELECT name FROM aws_iam_user LIMIT 5`), 5)

		calls.reset()
		assert.Equal(t, []string{"user0001", "user0003"}, motoStrings(t, s, `SELECT name FROM aws_iam_user WHERE mfa_enabled ORDER BY name`))
		assert.Equal(t, users+1, calls.count("ListMFADevices"), "one per user")

		calls.reset()
		assert.Equal(t, "/engineering/", one(t, `SELECT path FROM aws_iam_user WHERE name = 'bob'`))
		assert.Equal(t, `["Developers"]`, one(t, `SELECT json_group_array(json_extract(g.value, '$.GroupName')) FROM aws_iam_user u, json_each(u.groups) g WHERE u.name = 'bob'`))
		assert.Equal(t, 2, calls.count("GetUser"))
		assert.Zero(t, calls.count("ListUsers"))
		assert.Empty(t, motoStrings(t, s, `SELECT name FROM aws_iam_user WHERE name = 'nobody'`))
	})

	t.Run("groups", func(t *testing.T) {
		calls.reset()
		assert.Equal(t, []string{"Admins", "Developers"}, motoStrings(t, s, `SELECT name FROM aws_iam_group ORDER BY name`))
		assert.Zero(t, calls.count("GetGroup"))
		calls.reset()
		assert.Equal(t, "bob,user0002", one(t, `SELECT (SELECT group_concat(json_extract(value, '$.UserName')) FROM (SELECT value FROM json_each(users) ORDER BY 1)) FROM aws_iam_group WHERE name = 'Developers'`))
		assert.Zero(t, calls.count("ListGroups"))
		assert.Equal(t, []string{"Developers"}, motoStrings(t, s, `SELECT name FROM aws_iam_group WHERE path = '/engineering/'`))
	})

	t.Run("roles", func(t *testing.T) {
		calls.reset()
		assert.Equal(t, "ec2.amazonaws.com", one(t, `SELECT json_extract(assume_role_policy, '$.Statement[0].Principal.Service') FROM aws_iam_role WHERE name = 'app-server'`))
		assert.Zero(t, calls.count("ListRoles"))
		assert.Equal(t, "EC2 app role|7200|/service-role/", one(t, `SELECT description || '|' || max_session_duration || '|' || path FROM aws_iam_role WHERE path = '/service-role/'`))
		assert.Equal(t, `["arn:aws:iam::123456789012:policy/S3Read"]`, one(t, `SELECT attached_policy_arns FROM aws_iam_role WHERE name = 'app-server'`))
	})

	t.Run("policies", func(t *testing.T) {
		assert.Equal(t, []string{"S3Read", "Unused"}, motoStrings(t, s, `SELECT name FROM aws_iam_policy WHERE is_aws_managed = 0 ORDER BY name`))
		assert.Equal(t, []string{"S3Read|2"}, motoStrings(t, s, `SELECT name || '|' || attachment_count FROM aws_iam_policy WHERE is_aws_managed = 0 AND is_attached = 1`))
		assert.Equal(t, []string{"Unused"}, motoStrings(t, s, `SELECT name FROM aws_iam_policy WHERE is_aws_managed = 0 AND is_attached = 0`))
		assert.Equal(t, "s3:GetObject", one(t, `SELECT json_extract(policy, '$.Statement[0].Action[0]') FROM aws_iam_policy WHERE arn = ?`, "arn:aws:iam::"+motoAccountID+":policy/S3Read"))
		// moto loads no AWS managed policies by default: Scope=AWS lists none
		// of the account's own.
		assert.Equal(t, "0", one(t, `SELECT count(*) FROM aws_iam_policy WHERE is_aws_managed = 1 AND arn LIKE '%:123456789012:%'`))
	})

	t.Run("access keys", func(t *testing.T) {
		calls.reset()
		assert.Equal(t, []string{"Active", "Active"}, motoStrings(t, s, `SELECT status FROM aws_iam_access_key WHERE user_name = 'user0001'`))
		assert.Equal(t, 1, calls.count("ListAccessKeys"))
		assert.Zero(t, calls.count("ListUsers"))

		calls.reset()
		assert.Equal(t, []string{"bob", "user0001", "user0001"}, motoStrings(t, s, `SELECT user_name FROM aws_iam_access_key ORDER BY user_name`))
		assert.Equal(t, users+1, calls.count("ListAccessKeys"), "one per user")
		assert.Zero(t, calls.count("GetAccessKeyLastUsed"))
		assert.Len(t, motoStrings(t, s, `SELECT access_key_last_used_service FROM aws_iam_access_key`), 3)
	})
}
