package connection

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const goodConfig = `
settings {
  cache_ttl       = "10m"
  max_concurrency = 8
  on_error        = "fail"
}

connection "audit" {
  profile      = "mgmt"
  role_arn     = "arn:aws:iam::111122223333:role/AuditRole"
  external_id  = "o-example-Xk29fPq1"
  regions      = ["us-east-1", "eu-*"]
  endpoint_url = "http://127.0.0.1:4566"
  session_name = "auditor"
}

connection "plain" {}

organization "acme" {
  connection       = "audit"
  member_role_name = "AuditRole"
  external_id      = "o-example-Xk29fPq1"
  handle_prefix    = "acme_"
  regions          = ["us-east-1"]
  include_ous      = ["Engineering"]
  exclude_accounts = ["123456789012"]
}
`

func TestParseConfig(t *testing.T) {
	cfg, err := ParseConfig([]byte(goodConfig), "awsqlite.hcl")
	require.NoError(t, err)
	require.Equal(t, Settings{CacheTTL: 10 * time.Minute, MaxConcurrency: 8, OnError: OnErrorFail}, cfg.Settings)
	require.Len(t, cfg.Connections, 2)
	a := cfg.Connections[0]
	require.Equal(t, "audit", a.Name)
	require.Equal(t, "mgmt", a.Profile)
	require.Equal(t, "arn:aws:iam::111122223333:role/AuditRole", a.RoleARN)
	require.Equal(t, "o-example-Xk29fPq1", a.ExternalID)
	require.Equal(t, []string{"us-east-1", "eu-*"}, a.Regions)
	require.Equal(t, "http://127.0.0.1:4566", a.EndpointURL)
	require.Equal(t, "auditor", a.SessionName)
	require.Equal(t, "awsqlite.hcl:8:1", a.Pos)
	require.Equal(t, DefaultSessionName, cfg.Connections[1].SessionName)
	require.Len(t, cfg.Organizations, 1)
	o := cfg.Organizations[0]
	require.Equal(t, OrganizationConfig{
		Name: "acme", Connection: "audit", MemberRoleName: "AuditRole", ExternalID: "o-example-Xk29fPq1",
		HandlePrefix: "acme_", Regions: []string{"us-east-1"}, IncludeOUs: []string{"Engineering"},
		ExcludeAccounts: []string{"123456789012"}, Pos: "awsqlite.hcl:19:1",
	}, o)
}

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := ParseConfig([]byte(`connection "a" {}`+"\n"+`organization "o" {
  connection = "a"
  member_role_name = "R"
}`), "x.hcl")
	require.NoError(t, err)
	require.Equal(t, Settings{CacheTTL: DefaultCacheTTL, MaxConcurrency: DefaultMaxConcurrency, OnError: OnErrorWarn}, cfg.Settings)
	require.Equal(t, "o_", cfg.Organizations[0].HandlePrefix)

	cfg, err = ParseConfig([]byte("settings {\n cache_ttl = \"0\"\n}\n"), "x.hcl")
	require.NoError(t, err)
	require.Equal(t, time.Duration(0), cfg.Settings.CacheTTL)
	require.Equal(t, DefaultConfig().Connections, cfg.Connections)
}

func TestParseConfigErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"unknown attribute", "connection \"a\" {\n  rolearn = \"x\"\n}\n", `awsqlite.hcl:2:3: Unsupported argument`},
		{"unknown block", "settings {}\nconnexion \"a\" {}\n", `awsqlite.hcl:2:1: Unsupported block type`},
		{"duplicate connection", "connection \"a\" {}\nconnection \"a\" {}\n", `awsqlite.hcl:2:12: duplicate connection "a" (first defined at awsqlite.hcl:1:1)`},
		{"duplicate organization", "connection \"a\" {}\norganization \"o\" {\n connection = \"a\"\n member_role_name = \"R\"\n}\norganization \"o\" {\n connection = \"a\"\n member_role_name = \"R\"\n}\n", `awsqlite.hcl:6:14: duplicate organization "o"`},
		{"bad on_error", "settings {\n  on_error = \"ignore\"\n}\n", `awsqlite.hcl:2:14: on_error must be "warn" or "fail", got "ignore"`},
		{"bad duration", "settings {\n  cache_ttl = \"5 minutes\"\n}\n", `awsqlite.hcl:2:15: cache_ttl: invalid duration "5 minutes"`},
		{"bad max_concurrency", "settings {\n  max_concurrency = 0\n}\n", `awsqlite.hcl:2:21: max_concurrency must be at least 1`},
		{"role_arn not an ARN", "connection \"a\" {\n  role_arn = \"AuditRole\"\n}\n", `awsqlite.hcl:2:14: role_arn: "AuditRole" is not an ARN`},
		{"role_arn not a role", "connection \"a\" {\n  role_arn = \"arn:aws:s3:::bucket\"\n}\n", `awsqlite.hcl:2:14: role_arn: "arn:aws:s3:::bucket" is not an IAM role ARN`},
		{"unknown connection", "organization \"o\" {\n  connection = \"nope\"\n  member_role_name = \"R\"\n}\n", `awsqlite.hcl:2:16: organization "o" references unknown connection "nope"`},
		{"external_id without role", "connection \"a\" {\n  external_id = \"x\"\n}\n", `awsqlite.hcl:2:3: external_id is set but role_arn is not`},
		{"bad region glob", "connection \"a\" {\n  regions = [\"xx-*\"]\n}\n", `awsqlite.hcl:2:13: regions: pattern "xx-*" matches no known region`},
		{"missing member role", "connection \"a\" {}\norganization \"o\" {\n  connection = \"a\"\n}\n", `awsqlite.hcl:2:18: Missing required argument`},
		{"wrong type", "settings {\n  max_concurrency = \"many\"\n}\n", `awsqlite.hcl:2:22: Unsuitable value type`},
		{"syntax", "connection \"a\" {\n  profile = \n}\n", `awsqlite.hcl:2:`},
		{"duplicate settings", "settings {}\nsettings {}\n", `awsqlite.hcl:2:1: duplicate settings block`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.src), "awsqlite.hcl")
			require.Error(t, err)
			var ce *ConfigError
			require.True(t, errors.As(err, &ce), "want *ConfigError, got %T", err)
			require.True(t, errors.Is(err, ErrConfig))
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestFindConfig(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("HOME", dir)
	t.Setenv("AWSQLITE_CONFIG", "")

	p, err := FindConfig("")
	require.NoError(t, err)
	require.Equal(t, "", p)
	cfg, err := LoadConfig(p)
	require.NoError(t, err)
	require.Equal(t, DefaultConfig(), cfg)

	home := filepath.Join(dir, ".config", "awsqlite", "config.hcl")
	require.NoError(t, os.MkdirAll(filepath.Dir(home), 0o755))
	require.NoError(t, os.WriteFile(home, []byte(`connection "h" {}`), 0o600))
	p, err = FindConfig("")
	require.NoError(t, err)
	require.Equal(t, home, p)

	require.NoError(t, os.WriteFile("awsqlite.hcl", []byte(`connection "local" {}`), 0o600))
	p, err = FindConfig("")
	require.NoError(t, err)
	require.Equal(t, "awsqlite.hcl", p)

	env := filepath.Join(dir, "env.hcl")
	require.NoError(t, os.WriteFile(env, []byte(`connection "env" {}`), 0o600))
	t.Setenv("AWSQLITE_CONFIG", env)
	p, err = FindConfig("")
	require.NoError(t, err)
	require.Equal(t, env, p)

	p, err = FindConfig(home)
	require.NoError(t, err)
	require.Equal(t, home, p)
	cfg, err = LoadConfig(p)
	require.NoError(t, err)
	require.Equal(t, "h", cfg.Connections[0].Name)

	_, err = FindConfig(filepath.Join(dir, "missing.hcl"))
	require.ErrorIs(t, err, ErrConfig)
}

func TestExpandRegions(t *testing.T) {
	eu := ExpandRegions([]string{"eu-*"})
	require.NotEmpty(t, eu)
	for _, r := range eu {
		require.True(t, strings.HasPrefix(r, "eu-"), r)
	}
	require.Contains(t, eu, "eu-west-1")
	require.Equal(t, []string{"us-east-1", "us-west-2"}, ExpandRegions([]string{"us-east-1", "us-west-2", "us-east-1"}))
	require.Equal(t, []string{"us-east-1", "us-east-2"}, ExpandRegions([]string{"us-east-?"}))
	require.Equal(t, []string{"local-1"}, ExpandRegions([]string{"local-1"}))
	require.Empty(t, ExpandRegions([]string{"zz-*"}))
	all := ExpandRegions([]string{"*"})
	require.Equal(t, Regions, all)
}
