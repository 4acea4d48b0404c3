package connection

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/vtab"
)

// isolate keeps the developer's AWS files and environment out of a test.
func isolate(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	fake   *fakeAWS
	m      *Manager
	stderr *bytes.Buffer
	logs   *bytes.Buffer
	clock  *clock
}

func orgConfig(onError string) string {
	return fmt.Sprintf(`
settings {
  on_error  = %q
  cache_ttl = "5m"
}
connection "audit" {
  role_arn    = "arn:aws:iam::111111111111:role/AuditRole"
  external_id = %q
}
connection "standalone" {
  regions = ["us-east-1", "eu-west-*"]
}
organization "acme" {
  connection       = "audit"
  member_role_name = "AuditRole"
  external_id      = %q
  handle_prefix    = "acme_"
  regions          = ["us-east-1", "us-west-2"]
}
`, onError, fakeExtID, fakeExtID)
}

func newEnv(t *testing.T, src string) *env {
	isolate(t)
	e := &env{fake: newFakeAWS(t), stderr: &bytes.Buffer{}, logs: &bytes.Buffer{}, clock: &clock{t: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}}
	e.fake.denyAssume["444444444444"] = true
	cfg, err := ParseConfig([]byte(src), "awsqlite.hcl")
	require.NoError(t, err)
	logger := hclog.New(&hclog.LoggerOptions{Output: e.logs, Level: hclog.Trace})
	e.m, err = NewManager(context.Background(), cfg,
		WithEndpoint(e.fake.srv.URL), WithStaticCredentials(baseKey, baseSecret),
		WithStderr(e.stderr), WithLogger(logger), WithNow(e.clock.now),
		WithRetry(2, time.Millisecond), WithRateLimits(map[string]float64{"iam": 0, "organizations": 0}))
	require.NoError(t, err)
	return e
}

// noSecrets fails when any credential value appears in s.
func (e *env) noSecrets(t *testing.T, s string) {
	t.Helper()
	for _, secret := range e.fake.allSecrets() {
		require.NotContains(t, s, secret)
	}
	require.NotContains(t, s, baseKey)
}

var (
	globalSpec   = &vtab.Spec{Name: "aws_iam_user", Scope: vtab.Global, Service: "iam"}
	regionalSpec = &vtab.Spec{Name: "aws_cognito_user_pool", Scope: vtab.Regional, Service: "cognito-idp"}
	orgSpec      = &vtab.Spec{Name: "aws_organizations_account", Scope: vtab.Organization, Service: "organizations"}
)

func targetKeys(ts []vtab.Target) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Connection+"/"+t.AccountID+"/"+t.Region)
	}
	return out
}

func TestDiscoveryEndToEnd(t *testing.T) {
	e := newEnv(t, orgConfig(OnErrorWarn))
	ctx := context.Background()

	ts, err := e.m.Targets(ctx, globalSpec, vtab.Prune{})
	require.NoError(t, err)
	require.Equal(t, []string{
		"standalone/999999999999/global",
		"acme_management/111111111111/global",
		"acme_prod_2222/222222222222/global",
		"acme_prod_3333/333333333333/global",
	}, targetKeys(ts))

	// The sandbox role cannot be assumed: reported once, named by role and account.
	require.Len(t, e.m.Errors(), 1)
	rec := e.m.Errors()[0]
	require.Equal(t, "acme_sandbox", rec.Connection)
	require.Equal(t, "444444444444", rec.AccountID)
	require.Equal(t, "AccessDenied", rec.ErrorCode)
	require.Equal(t, "AssumeRole", rec.Operation)
	require.Equal(t, "aws_iam_user", rec.Table)
	require.Contains(t, e.stderr.String(), `connection "acme_sandbox" (account 444444444444): assume role arn:aws:iam::444444444444:role/AuditRole: AccessDenied`)
	require.Equal(t, 1, strings.Count(e.stderr.String(), "\n"))

	// Handles work and global services use us-east-1.
	c, err := ClientOf(ts[2])
	require.NoError(t, err)
	require.Equal(t, "acme_prod_2222", c.Connection())
	require.Equal(t, "222222222222", c.AccountID())
	require.Equal(t, "global", c.Region())
	require.Equal(t, "us-east-1", c.IAM().Options().Region)
	require.Same(t, c.IAM(), c.IAM())
	require.Equal(t, e.fake.srv.URL, *c.STS().Options().BaseEndpoint)

	// A second scan reuses discovery and credentials: one AssumeRole per role.
	_, err = e.m.Targets(ctx, regionalSpec, vtab.Prune{})
	require.NoError(t, err)
	require.Equal(t, 1, e.fake.count("AssumeRole arn:aws:iam::111111111111:role/AuditRole"))
	require.Equal(t, 1, e.fake.count("AssumeRole arn:aws:iam::222222222222:role/AuditRole"))
	require.Equal(t, 1, e.fake.count("ListRoots"))
	require.Equal(t, 0, e.fake.count("AssumeRole arn:aws:iam::555555555555:role/AuditRole"), "suspended accounts are skipped")
	require.Contains(t, e.fake.maxResults, "ListAccountsForParent=20")

	// Accounting.
	var roots int64
	for _, c := range e.m.APICalls() {
		if c.Connection == "audit" && c.Service == "organizations" && c.Operation == "ListRoots" {
			roots = c.Count
		}
	}
	require.Equal(t, int64(1), roots)

	infos, err := e.m.Connections(ctx)
	require.NoError(t, err)
	byName := map[string]ConnectionInfo{}
	for _, i := range infos {
		byName[i.Name] = i
	}
	require.Equal(t, ConnectionInfo{Name: "acme_prod_3333", AccountID: "333333333333", AccountName: "prod", OUPath: "Root/Engineering/Prod",
		Regions: []string{"us-east-1", "us-west-2"}, Source: SourceDiscovered, Organization: "acme"}, byName["acme_prod_3333"])
	require.Equal(t, SourceConfig, byName["audit"].Source)
	require.Equal(t, "111111111111", byName["audit"].AccountID)
	require.Equal(t, "Root", byName["acme_management"].OUPath)
	require.Equal(t, []string{"us-east-1", "eu-west-1", "eu-west-2", "eu-west-3"}, byName["standalone"].Regions)

	e.noSecrets(t, e.stderr.String())
	e.noSecrets(t, e.logs.String())
	for _, r := range e.m.Errors() {
		e.noSecrets(t, fmt.Sprintf("%+v", r))
	}
}

func TestTargetsPruneAndScopes(t *testing.T) {
	e := newEnv(t, orgConfig(OnErrorWarn))
	ctx := context.Background()

	// Pruning to a file connection makes no discovery and no AssumeRole.
	ts, err := e.m.Targets(ctx, regionalSpec, vtab.Prune{Connections: []string{"standalone"}, Regions: []string{"eu-west-1"}})
	require.NoError(t, err)
	require.Equal(t, []string{"standalone/999999999999/eu-west-1"}, targetKeys(ts))
	require.Equal(t, 0, e.fake.count("ListRoots"))
	require.Equal(t, 0, e.fake.count("AssumeRole"))

	// Account pruning happens before any AssumeRole of other members.
	ts, err = e.m.Targets(ctx, regionalSpec, vtab.Prune{AccountIDs: []string{"222222222222"}})
	require.NoError(t, err)
	require.Equal(t, []string{"acme_prod_2222/222222222222/us-east-1", "acme_prod_2222/222222222222/us-west-2"}, targetKeys(ts))
	require.Equal(t, 0, e.fake.count("AssumeRole arn:aws:iam::333333333333:role/AuditRole"))
	require.Empty(t, e.m.Errors())

	// Organization scope: one target per organization plus plain connections.
	ts, err = e.m.Targets(ctx, orgSpec, vtab.Prune{})
	require.NoError(t, err)
	require.Equal(t, []string{"audit/111111111111/global", "standalone/999999999999/global"}, targetKeys(ts))

	ts, err = e.m.Targets(ctx, &vtab.Spec{Name: "awsqlite_connection", Scope: vtab.Local}, vtab.Prune{})
	require.NoError(t, err)
	require.Empty(t, ts)
}

func TestDiscoveryTTL(t *testing.T) {
	e := newEnv(t, orgConfig(OnErrorWarn))
	ctx := context.Background()
	prune := vtab.Prune{AccountIDs: []string{"111111111111", "666666666666"}}
	ts, err := e.m.Targets(ctx, globalSpec, prune)
	require.NoError(t, err)
	require.Len(t, ts, 1)

	e.fake.mu.Lock()
	e.fake.accounts["ou-prod"] = append(e.fake.accounts["ou-prod"], fakeAccount{"666666666666", "New One", "ACTIVE"})
	e.fake.mu.Unlock()

	e.clock.add(4 * time.Minute)
	ts, err = e.m.Targets(ctx, globalSpec, prune)
	require.NoError(t, err)
	require.Len(t, ts, 1, "cached until cache_ttl")

	e.clock.add(2 * time.Minute)
	ts, err = e.m.Targets(ctx, globalSpec, prune)
	require.NoError(t, err)
	require.Equal(t, []string{"acme_management/111111111111/global", "acme_new_one/666666666666/global"}, targetKeys(ts))
	require.Equal(t, 2, e.fake.count("ListRoots"))
}

func TestConcurrentDiscoveryShared(t *testing.T) {
	e := newEnv(t, orgConfig(OnErrorWarn))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.m.Targets(context.Background(), globalSpec, vtab.Prune{AccountIDs: []string{"111111111111"}})
			require.NoError(t, err)
		}()
	}
	wg.Wait()
	require.Equal(t, 1, e.fake.count("ListRoots"))
	require.Equal(t, 1, e.fake.count("AssumeRole arn:aws:iam::111111111111:role/AuditRole"))
}

func TestWrongExternalIDFailMode(t *testing.T) {
	src := strings.Replace(orgConfig(OnErrorFail), `external_id = "`+fakeExtID+`"`, `external_id = "wrong-id"`, 1)
	e := newEnv(t, src)
	_, err := e.m.Targets(context.Background(), orgSpec, vtab.Prune{Connections: []string{"audit"}})
	require.Error(t, err)
	msg := err.Error()
	require.Contains(t, msg, `connection "audit" (account 111111111111): assume role arn:aws:iam::111111111111:role/AuditRole: AccessDenied: `)
	require.NotContains(t, msg, "wrong-id")
	var te *TargetError
	require.ErrorAs(t, err, &te)
	var ar *AssumeRoleError
	require.ErrorAs(t, err, &ar)
	require.Equal(t, "111111111111", ar.AccountID)
	e.noSecrets(t, msg)
	e.noSecrets(t, e.logs.String())
	require.Empty(t, e.stderr.String(), "fail mode prints nothing")
	require.Empty(t, e.m.Errors())
}

func TestFailedWarnDedupe(t *testing.T) {
	e := newEnv(t, orgConfig(OnErrorWarn))
	ctx := context.Background()
	tg := vtab.Target{Connection: "acme_prod", AccountID: "222222222222", Region: "eu-west-1"}
	apiErr := &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to list user pools with " + baseKey}
	for range 3 {
		require.NoError(t, e.m.Failed(ctx, regionalSpec, tg, "ListUserPools", fmt.Errorf("wrapped: %w", apiErr)))
	}
	require.Equal(t, 1, strings.Count(e.stderr.String(), "\n"))
	require.Equal(t, `awsqlite: warning: connection "acme_prod" (account 222222222222): region eu-west-1: aws_cognito_user_pool: ListUserPools: AccessDeniedException: not authorized to list user pools with [REDACTED]`+"\n", e.stderr.String())
	require.Len(t, e.m.Errors(), 3)
	require.Equal(t, ErrorRecord{Time: e.clock.now(), Connection: "acme_prod", AccountID: "222222222222", Region: "eu-west-1",
		Table: "aws_cognito_user_pool", Operation: "ListUserPools", ErrorCode: "AccessDeniedException",
		Message: "not authorized to list user pools with [REDACTED]"}, e.m.Errors()[0])

	// Another region is another line; a new window prints again.
	tg.Region = "eu-west-2"
	require.NoError(t, e.m.Failed(ctx, regionalSpec, tg, "ListUserPools", apiErr))
	require.Equal(t, 2, strings.Count(e.stderr.String(), "\n"))
	e.clock.add(2 * time.Minute)
	require.NoError(t, e.m.Failed(ctx, regionalSpec, tg, "ListUserPools", apiErr))
	require.Equal(t, 3, strings.Count(e.stderr.String(), "\n"))
	e.m.ResetWarnings()
	require.NoError(t, e.m.Failed(ctx, regionalSpec, tg, "ListUserPools", apiErr))
	require.Equal(t, 4, strings.Count(e.stderr.String(), "\n"))
	e.noSecrets(t, e.stderr.String())
	e.noSecrets(t, e.logs.String())

	// A cancelled query is not a target failure.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, e.m.Failed(cctx, regionalSpec, tg, "ListUserPools", context.Canceled), context.Canceled)
}

func TestFailedFailMode(t *testing.T) {
	e := newEnv(t, orgConfig(OnErrorFail))
	tg := vtab.Target{Connection: "acme_prod", AccountID: "222222222222", Region: "global"}
	err := e.m.Failed(context.Background(), globalSpec, tg, "ListUsers", &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"})
	require.EqualError(t, err, `connection "acme_prod" (account 222222222222): aws_iam_user: ListUsers: Throttling: Rate exceeded`)
	require.Empty(t, e.stderr.String())
}

func TestCredentialsCachePerRoleAndExternalID(t *testing.T) {
	e := newEnv(t, fmt.Sprintf(`
connection "a" {
  role_arn    = "arn:aws:iam::111111111111:role/AuditRole"
  external_id = %q
}
connection "b" {
  role_arn    = "arn:aws:iam::111111111111:role/AuditRole"
  external_id = %q
  regions     = ["eu-west-1"]
}
connection "c" {
  role_arn    = "arn:aws:iam::111111111111:role/AuditRole"
  external_id = "other"
}
`, fakeExtID, fakeExtID))
	ctx := context.Background()
	ts, err := e.m.Targets(ctx, regionalSpec, vtab.Prune{})
	require.NoError(t, err)
	require.Equal(t, []string{"a/111111111111/us-east-1", "b/111111111111/eu-west-1"}, targetKeys(ts))
	require.Equal(t, 2, e.m.credentialsCacheCount())
	require.Equal(t, 2, e.fake.count("AssumeRole arn:aws:iam::111111111111:role/AuditRole"), "a and b share one cache; c failed once")
	for _, tg := range ts {
		c, err := ClientOf(tg)
		require.NoError(t, err)
		_ = c.Cognito()
	}
	require.Len(t, e.m.Errors(), 1)
	require.Equal(t, "c", e.m.Errors()[0].Connection)
}

func TestClientOfWrongHandle(t *testing.T) {
	_, err := ClientOf(vtab.Target{Connection: "x", Handle: 42})
	require.Error(t, err)
}

func TestAcquire(t *testing.T) {
	isolate(t)
	cfg := DefaultConfig()
	cfg.Settings.MaxConcurrency = 2
	m, err := NewManager(context.Background(), cfg)
	require.NoError(t, err)
	r1, err := m.Acquire(context.Background())
	require.NoError(t, err)
	r2, err := m.Acquire(context.Background())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = m.Acquire(ctx)
	require.True(t, errors.Is(err, context.DeadlineExceeded))
	r1()
	r1()
	r3, err := m.Acquire(context.Background())
	require.NoError(t, err)
	r2()
	r3()
}

func TestMemberNames(t *testing.T) {
	accounts := []orgAccount{
		{ID: "222222222222", Name: "Prod"},
		{ID: "333333333333", Name: "prod"},
		{ID: "444444444444", Name: "Data & Analytics (EU)"},
		{ID: "555555555555", Name: "audit"},
		{ID: "666666666666", Name: ""},
		{ID: "100000001234", Name: "dup"},
		{ID: "200000001234", Name: "dup"},
	}
	want := map[string]string{
		"222222222222": "acme_prod_2222",
		"333333333333": "acme_prod_3333",
		"444444444444": "acme_data___analytics__eu_",
		"555555555555": "acme_audit_5555",
		"666666666666": "acme_666666666666",
		"100000001234": "acme_dup_100000001234",
		"200000001234": "acme_dup_200000001234",
	}
	taken := map[string]bool{"acme_audit": true}
	require.Equal(t, want, memberNames("acme_", accounts, taken))
	// Order does not matter.
	rev := append([]orgAccount(nil), accounts...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	require.Equal(t, want, memberNames("acme_", rev, taken))
	require.Equal(t, "acme_prod_eu_1", sanitizeName("Acme-Prod.EU 1"))
}

func TestIncludeExclude(t *testing.T) {
	a := orgAccount{ID: "222222222222", Name: "Prod", OUs: []ouRef{
		{ID: "r-root", Name: "Root", Path: "Root"},
		{ID: "ou-eng", Name: "Engineering", Path: "Root/Engineering"},
		{ID: "ou-prod", Name: "Prod", Path: "Root/Engineering/Prod"},
	}}
	for _, inc := range []string{"ou-eng", "Engineering", "engineering/prod", "Root/Engineering", "/Root/Engineering/Prod/", "r-root"} {
		require.True(t, included([]string{inc}, a), inc)
	}
	require.True(t, included(nil, a))
	require.False(t, included([]string{"Sandbox", "ou-sbx"}, a))
	require.True(t, excluded([]string{"prod"}, a))
	require.True(t, excluded([]string{"222222222222"}, a))
	require.False(t, excluded([]string{"333333333333"}, a))
}

func TestEndpointFromEnvironment(t *testing.T) {
	isolate(t)
	f := newFakeAWS(t)
	t.Setenv("AWS_ENDPOINT_URL", f.srv.URL)
	cfg, err := ParseConfig([]byte(fmt.Sprintf(`
connection "audit" {
  role_arn    = "arn:aws:iam::111111111111:role/AuditRole"
  external_id = %q
}
connection "plain" {}
`, fakeExtID)), "awsqlite.hcl")
	require.NoError(t, err)
	m, err := NewManager(context.Background(), cfg, WithStaticCredentials(baseKey, baseSecret), WithStderr(&bytes.Buffer{}))
	require.NoError(t, err)
	ts, err := m.Targets(context.Background(), globalSpec, vtab.Prune{})
	require.NoError(t, err)
	require.Equal(t, []string{"audit/111111111111/global", "plain/999999999999/global"}, targetKeys(ts))
	require.Empty(t, m.Errors())
	require.Equal(t, 1, f.count("AssumeRole"))
	require.Equal(t, 1, f.count("GetCallerIdentity"))
}

func TestRateLimiters(t *testing.T) {
	isolate(t)
	m, err := NewManager(context.Background(), nil, WithRateLimits(map[string]float64{"IAM": 0, "ec2": 3}))
	require.NoError(t, err)
	require.Nil(t, m.limiter("111111111111", "iam"))
	require.Nil(t, m.limiter("111111111111", "cognito-idp"))
	org := m.limiter("111111111111", "organizations")
	require.NotNil(t, org)
	require.Equal(t, 5.0, float64(org.Limit()))
	require.Same(t, org, m.limiter("111111111111", "organizations"))
	require.NotSame(t, org, m.limiter("222222222222", "organizations"))
	require.Equal(t, 3.0, float64(m.limiter("111111111111", "ec2").Limit()))
}
