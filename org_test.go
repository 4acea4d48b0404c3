package awsqlite_test

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/internal/e2e"
)

const orgExternalID = "o-example-Xk29fPq1"

func orgHCL(onError string) string {
	return `settings {
  on_error = "` + onError + `"
}

connection "audit" {
  regions = ["us-east-1"]
}

organization "acme" {
  connection       = "audit"
  member_role_name = "AuditRole"
  external_id      = "` + orgExternalID + `"
  handle_prefix    = "acme_"
  regions          = ["us-east-1"]
}
`
}

// memberID is the account ID of member i (1-based).
func memberID(i int) string { return fmt.Sprintf("2%011d", i) }

// seedOrg builds an organization of n member accounts in nested OUs, each
// with an AuditRole trusting the management account with the external ID and
// i%7+1 users.
func seedOrg(n int) func(*awsfake.Server) {
	return func(s *awsfake.Server) {
		org := s.CreateOrganization(e2e.AccountID)
		eng := org.AddOU("", "Engineering")
		parents := []string{
			org.AddOU(eng.ID, "Prod").ID,
			org.AddOU(eng.ID, "Dev").ID,
			org.AddOU("", "Security").ID,
			org.RootID,
		}
		for i := 1; i <= n; i++ {
			a := s.AddAccount(memberID(i), fmt.Sprintf("member %02d", i))
			org.AddAccount(a, parents[i%len(parents)], "ACTIVE")
			a.AddRole("AuditRole", awsfake.AuditRoleTrustPolicy(e2e.AccountID, orgExternalID))
			s.AddUsers(a.ID, i%7+1, "user")
		}
		s.Account(e2e.AccountID).AddUser("mgmt-admin", "/")
	}
}

func wantUsers(n int) int {
	total := 1 // mgmt-admin
	for i := 1; i <= n; i++ {
		total += i%7 + 1
	}
	return total
}

func TestOrganizationFanOut(t *testing.T) {
	const members = 50
	env := e2e.Start(t, seedOrg(members), orgHCL("warn"))

	got := env.Int(t, "SELECT count(*) FROM aws_iam_user")
	assert.Equal(t, wantUsers(members), got, "every account's users")
	assert.Equal(t, members+1, env.Int(t, "SELECT count(DISTINCT account_id) FROM aws_iam_user"))

	// One AssumeRole per member account (the management account reuses the
	// organization connection's credentials), each with the external ID.
	assumes := env.Calls("sts", "AssumeRole")
	assert.Equal(t, members, assumes)
	assert.Equal(t, members, env.Calls("sts", "AssumeRole", awsfake.WithParam("ExternalId", orgExternalID)))
	roles := map[string]bool{}
	for _, c := range env.Fake.Calls() {
		if c.Operation == "AssumeRole" {
			roles[c.Params["RoleArn"]] = true
		}
	}
	assert.Len(t, roles, members, "a distinct role per account")

	// Cached across queries until expiry.
	env.Reset()
	assert.Equal(t, wantUsers(members), env.Int(t, "SELECT count(*) FROM aws_iam_user"))
	assert.Zero(t, env.Calls("sts", "AssumeRole"), "credentials cached across queries")
	assert.Empty(t, env.Stderr.String())

	// Pruning by account or connection touches only that account.
	env.Reset()
	target := memberID(17)
	n := env.Int(t, "SELECT count(*) FROM aws_iam_user WHERE account_id = ?", target)
	assert.Equal(t, 17%7+1, n)
	for _, c := range env.Fake.Calls() {
		if c.Service == "iam" {
			assert.Equal(t, target, c.AccountID, "%s in another account", c.Operation)
		}
	}
	assert.Equal(t, 1, env.Calls("iam", "ListUsers"))

	env.Reset()
	n = env.Int(t, "SELECT count(*) FROM aws_iam_user WHERE connection = 'acme_member_05'")
	assert.Equal(t, 5%7+1, n)
	assert.Equal(t, 1, env.Calls("iam", "ListUsers"))
	assert.Equal(t, 1, env.Calls("iam", "ListUsers", awsfake.InAccount(memberID(5))))
}

func TestOrganizationTablesReadOncePerOrganization(t *testing.T) {
	const members = 50
	env := e2e.Start(t, seedOrg(members), orgHCL("warn"))
	assert.Equal(t, members+1, env.Int(t, "SELECT count(*) FROM aws_organizations_account"))
	// 51 accounts at 20 a page: 3 calls, all from the management account.
	assert.Equal(t, 3, env.Calls("organizations", "ListAccounts"))
	assert.Equal(t, 3, env.Calls("organizations", "ListAccounts", awsfake.InAccount(e2e.AccountID)))

	paths := env.Strings(t, "SELECT DISTINCT ou_path FROM aws_organizations_account ORDER BY 1")
	assert.Equal(t, []string{"Root", "Root/Engineering/Dev", "Root/Engineering/Prod", "Root/Security"}, paths)

	conns := env.Query(t, "SELECT name, account_id, source, ou_path FROM awsqlite_connection WHERE name = 'acme_member_09'")
	require.Len(t, conns, 1)
	assert.Equal(t, []string{"acme_member_09", memberID(9), "discovered", "Root/Engineering/Dev"}, conns[0])
}

func TestOrganizationUnassumableMemberWarn(t *testing.T) {
	const members = 50
	broken := memberID(23)
	env := e2e.Start(t, func(s *awsfake.Server) {
		seedOrg(members)(s)
		// The member role trusts another external ID.
		s.Account(broken).Role("AuditRole").TrustPolicy = awsfake.AuditRoleTrustPolicy(e2e.AccountID, "something-else")
	}, orgHCL("warn"))

	got := env.Int(t, "SELECT count(*) FROM aws_iam_user")
	assert.Equal(t, wantUsers(members)-(23%7+1), got, "the other 49 accounts' rows")

	lines := strings.Split(strings.TrimSpace(env.Stderr.String()), "\n")
	require.Len(t, lines, 1, "one stderr line: %q", env.Stderr.String())
	assert.Contains(t, lines[0], broken)
	assert.Contains(t, lines[0], "AccessDenied")
	assert.NotContains(t, lines[0], e2e.Secret)

	errs := env.Query(t, "SELECT connection, account_id, table_name, error_code FROM awsqlite_errors")
	require.Len(t, errs, 1)
	assert.Equal(t, "acme_member_23", errs[0][0])
	assert.Equal(t, broken, errs[0][1])
	assert.Equal(t, "aws_iam_user", errs[0][2])
	assert.Equal(t, "AccessDenied", errs[0][3])
}

func TestOrganizationUnassumableMemberFail(t *testing.T) {
	broken := memberID(23)
	env := e2e.Start(t, func(s *awsfake.Server) {
		seedOrg(50)(s)
		s.Account(broken).Role("AuditRole").TrustPolicy = awsfake.AuditRoleTrustPolicy(e2e.AccountID, "something-else")
	}, orgHCL("fail"))
	err := env.Err("SELECT count(*) FROM aws_iam_user")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "acme_member_23")
	assert.Contains(t, err.Error(), broken)
	assert.Contains(t, err.Error(), "arn:aws:iam::"+broken+":role/AuditRole")
	assert.NotContains(t, err.Error(), e2e.Secret)
	assert.NotContains(t, err.Error(), e2e.AccessKey)
}

func TestWrongExternalIDNamesRoleAndAccount(t *testing.T) {
	const member = "222222222222"
	hcl := `settings {
  on_error = "fail"
}

connection "member" {
  role_arn    = "arn:aws:iam::` + member + `:role/AuditRole"
  external_id = "wrong-external-id"
}
`
	env := e2e.Start(t, func(s *awsfake.Server) {
		a := s.AddAccount(member, "member")
		a.AddRole("AuditRole", awsfake.AuditRoleTrustPolicy(e2e.AccountID, orgExternalID))
		s.AddUsers(member, 3, "u")
	}, hcl)
	err := env.Err("SELECT name FROM aws_iam_user")
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "arn:aws:iam::"+member+":role/AuditRole")
	assert.Contains(t, msg, member)
	assert.Contains(t, msg, "AccessDenied")
	for _, secret := range []string{e2e.Secret, e2e.AccessKey} {
		assert.NotContains(t, msg, secret)
	}
	// Every AssumeRole carried the configured external ID.
	var ext []string
	for _, c := range env.Fake.Calls() {
		if c.Operation == "AssumeRole" {
			ext = append(ext, c.Params["ExternalId"])
		}
	}
	require.NotEmpty(t, ext)
	sort.Strings(ext)
	assert.Equal(t, "wrong-external-id", ext[0])
	assert.Equal(t, "wrong-external-id", ext[len(ext)-1])
	assert.Zero(t, env.Calls("iam", "ListUsers"), "no IAM call without credentials")
}

// A region that is not enabled for an account answers every call with
// UnrecognizedClientException. In warn mode the other regions' rows come
// back, one line goes to stderr and one awsqlite_errors row names the
// region; in fail mode the query fails naming the connection and region.
func TestRegionNotEnabled(t *testing.T) {
	hcl := func(onError string) string {
		return `settings {
  on_error = "` + onError + `"
}

connection "test" {
  regions = ["us-east-1", "eu-west-1", "ap-east-1"]
}
`
	}
	seed := func(s *awsfake.Server) {
		cog := awsfake.CognitoOf(s.Account(e2e.AccountID))
		cog.AddUserPool("us-east-1", "customers")
		cog.AddUserPool("eu-west-1", "partners")
		s.Inject(awsfake.Fault{Region: "ap-east-1", Err: "AccessDenied", Code: "UnrecognizedClientException",
			Message: "The security token included in the request is invalid.", Status: 400})
	}

	env := e2e.Start(t, seed, hcl("warn"))
	names := env.Strings(t, "SELECT name FROM aws_cognito_user_pool ORDER BY name")
	assert.Equal(t, []string{"customers", "partners"}, names)
	lines := strings.Split(strings.TrimSpace(env.Stderr.String()), "\n")
	require.Len(t, lines, 1, env.Stderr.String())
	assert.Contains(t, lines[0], "ap-east-1")
	assert.Contains(t, lines[0], "UnrecognizedClientException")
	errs := env.Query(t, "SELECT connection, region, table_name, error_code FROM awsqlite_errors")
	assert.Equal(t, [][]string{{"test", "ap-east-1", "aws_cognito_user_pool", "UnrecognizedClientException"}}, errs)

	// Pruning the region away makes no call there at all.
	env.Reset()
	env.Strings(t, "SELECT name FROM aws_cognito_user_pool WHERE region = 'us-east-1'")
	for _, c := range env.Fake.Calls() {
		if c.Service == "cognito-idp" {
			assert.Equal(t, "us-east-1", c.Region)
		}
	}

	env = e2e.Start(t, seed, hcl("fail"))
	err := env.Err("SELECT name FROM aws_cognito_user_pool")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `connection "test"`)
	assert.Contains(t, err.Error(), "ap-east-1")
	assert.Contains(t, err.Error(), "UnrecognizedClientException")
}

// Discovery is cached for cache_ttl: an account that is added, moved or
// closed shows up after the TTL, with no config edit.
func TestDiscoveryFollowsTheOrganizationAfterTheTTL(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	hcl := strings.Replace(orgHCL("warn"), `on_error = "warn"`, "on_error = \"warn\"\n  cache_ttl = \"5m\"", 1)
	env := e2e.Start(t, seedOrg(5), hcl, connection.WithNow(clock))
	conns := func() [][]string {
		return env.Query(t, "SELECT name, ou_path FROM awsqlite_connection WHERE source = 'discovered' ORDER BY name")
	}
	before := conns()
	assert.Equal(t, [][]string{
		{"acme_member_01", "Root/Engineering/Dev"},
		{"acme_member_02", "Root/Security"},
		{"acme_member_03", "Root"},
		{"acme_member_04", "Root/Engineering/Prod"},
		{"acme_member_05", "Root/Engineering/Dev"},
		{"acme_test", "Root"}, // the management account, named "test"
	}, before)

	org := env.Fake.OrgOf(e2e.AccountID)
	org.MoveAccount(memberID(1), org.RootID)
	org.CloseAccount(memberID(2))
	a := env.Fake.AddAccount(memberID(6), "member 06")
	org.AddAccount(a, org.RootID, "ACTIVE")
	a.AddRole("AuditRole", awsfake.AuditRoleTrustPolicy(e2e.AccountID, orgExternalID))
	env.Fake.AddUsers(a.ID, 4, "user")

	advance(4 * time.Minute)
	assert.Equal(t, before, conns(), "cached until cache_ttl")

	advance(2 * time.Minute)
	assert.Equal(t, [][]string{
		{"acme_member_01", "Root"},
		{"acme_member_03", "Root"},
		{"acme_member_04", "Root/Engineering/Prod"},
		{"acme_member_05", "Root/Engineering/Dev"},
		{"acme_member_06", "Root"},
		{"acme_test", "Root"},
	}, conns())
	assert.Equal(t, 4, env.Int(t, "SELECT count(*) FROM aws_iam_user WHERE connection = 'acme_member_06'"))
	assert.Zero(t, env.Int(t, "SELECT count(*) FROM aws_iam_user WHERE account_id = ?", memberID(2)))
}
