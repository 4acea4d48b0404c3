package connection

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// On-error policies.
const (
	// OnErrorWarn skips a failing connection or region and reports it.
	OnErrorWarn = "warn"
	// OnErrorFail fails the query.
	OnErrorFail = "fail"
)

// Defaults of the settings block.
const (
	DefaultCacheTTL       = 5 * time.Minute
	DefaultMaxConcurrency = 32
	DefaultSessionName    = "awsqlite"
	// DefaultConnectionName names the connection of DefaultConfig.
	DefaultConnectionName = "default"
)

// Config is a parsed configuration file.
type Config struct {
	// Filename is the file the configuration was read from ("" for
	// DefaultConfig).
	Filename      string
	Settings      Settings
	Connections   []ConnectionConfig
	Organizations []OrganizationConfig
}

// Settings is the settings block.
type Settings struct {
	// CacheTTL is how long discovery results (and the engine's result
	// cache) live; 0 disables caching.
	CacheTTL time.Duration
	// MaxConcurrency bounds concurrent API calls across all connections.
	MaxConcurrency int
	// OnError is OnErrorWarn or OnErrorFail.
	OnError string
}

// ConnectionConfig is one connection block.
type ConnectionConfig struct {
	Name        string
	Profile     string
	RoleARN     string
	ExternalID  string
	SessionName string
	// Regions are region names or glob patterns ("eu-*"); empty means the
	// default region (AWS_REGION, AWS_DEFAULT_REGION, the profile's region,
	// or us-east-1).
	Regions     []string
	EndpointURL string
	// Pos is where the block starts ("file:line:column").
	Pos string
}

// OrganizationConfig is one organization block.
type OrganizationConfig struct {
	Name            string
	Connection      string
	MemberRoleName  string
	ExternalID      string
	HandlePrefix    string
	Regions         []string
	IncludeOUs      []string
	ExcludeAccounts []string
	Pos             string
}

// Connection returns the named connection block.
func (c *Config) Connection(name string) (ConnectionConfig, bool) {
	for _, cc := range c.Connections {
		if cc.Name == name {
			return cc, true
		}
	}
	return ConnectionConfig{}, false
}

// DefaultConfig is the configuration used when there is no file: one
// connection named "default" from the standard AWS credential chain.
func DefaultConfig() *Config {
	return &Config{
		Settings:    Settings{CacheTTL: DefaultCacheTTL, MaxConcurrency: DefaultMaxConcurrency, OnError: OnErrorWarn},
		Connections: []ConnectionConfig{{Name: DefaultConnectionName, SessionName: DefaultSessionName}},
	}
}

// ErrConfig is matched (errors.Is) by every *ConfigError.
var ErrConfig = errors.New("invalid configuration")

// Problem is one configuration error at a position.
type Problem struct {
	Filename string
	Line     int
	Column   int
	Message  string
}

func (p Problem) String() string {
	if p.Line == 0 {
		if p.Filename == "" {
			return p.Message
		}
		return p.Filename + ": " + p.Message
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.Filename, p.Line, p.Column, p.Message)
}

// ConfigError reports a bad configuration file; the CLI exits 2 on it.
type ConfigError struct {
	Problems []Problem
}

func (e *ConfigError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Is makes errors.Is(err, ErrConfig) true.
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }

// FindConfig returns the configuration file to use: explicit,
// $AWSQLITE_CONFIG, ./awsqlite.hcl, ~/.config/awsqlite/config.hcl. It
// returns "" and no error when there is none (use DefaultConfig). An
// explicit or $AWSQLITE_CONFIG path that does not exist is an error.
func FindConfig(explicit string) (string, error) {
	for _, p := range []string{explicit, os.Getenv("AWSQLITE_CONFIG")} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return "", &ConfigError{Problems: []Problem{{Filename: p, Message: "config file not found"}}}
		}
		return p, nil
	}
	candidates := []string{"awsqlite.hcl"}
	if home, err := os.UserHomeDir(); err == nil {
		candidates = append(candidates, filepath.Join(home, ".config", "awsqlite", "config.hcl"))
	}
	for _, p := range candidates {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", nil
}

// LoadConfig reads and parses path; "" returns DefaultConfig.
func LoadConfig(path string) (*Config, error) {
	if path == "" {
		return DefaultConfig(), nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{Problems: []Problem{{Filename: path, Message: "read config: " + err.Error()}}}
	}
	return ParseConfig(src, path)
}

var (
	fileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "settings"},
		{Type: "connection", LabelNames: []string{"name"}},
		{Type: "organization", LabelNames: []string{"name"}},
	}}
	settingsSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "cache_ttl"}, {Name: "max_concurrency"}, {Name: "on_error"},
	}}
	connectionSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "profile"}, {Name: "role_arn"}, {Name: "external_id"}, {Name: "regions"},
		{Name: "endpoint_url"}, {Name: "session_name"},
	}}
	organizationSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "connection", Required: true}, {Name: "member_role_name", Required: true},
		{Name: "external_id"}, {Name: "handle_prefix"}, {Name: "regions"},
		{Name: "include_ous"}, {Name: "exclude_accounts"},
	}}
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	roleNameRE    = regexp.MustCompile(`^[\w+=,.@/-]{1,512}$`)
	regionRE      = regexp.MustCompile(`^[a-z0-9*?\[\]-]+$`)
)

// parser collects diagnostics while decoding.
type parser struct {
	diags hcl.Diagnostics
}

func (p *parser) errorf(rng hcl.Range, format string, args ...any) {
	r := rng
	p.diags = append(p.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf(format, args...), Subject: &r})
}

func (p *parser) str(attrs hcl.Attributes, name string, dst *string) *hcl.Attribute {
	a, ok := attrs[name]
	if !ok {
		return nil
	}
	p.diags = append(p.diags, gohcl.DecodeExpression(a.Expr, nil, dst)...)
	return a
}

func (p *parser) list(attrs hcl.Attributes, name string, dst *[]string) *hcl.Attribute {
	a, ok := attrs[name]
	if !ok {
		return nil
	}
	p.diags = append(p.diags, gohcl.DecodeExpression(a.Expr, nil, dst)...)
	return a
}

// ParseConfig parses HCL source; filename is used in error positions.
func ParseConfig(src []byte, filename string) (*Config, error) {
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return nil, toConfigError(diags, filename)
	}
	p := &parser{}
	content, d := f.Body.Content(fileSchema)
	p.diags = append(p.diags, d...)

	cfg := DefaultConfig()
	cfg.Filename = filename
	cfg.Connections = nil

	settingsSeen := false
	connRanges := map[string]hcl.Range{}
	orgRanges := map[string]hcl.Range{}
	orgConnAttr := map[string]hcl.Range{}
	orgByConn := map[string]string{}

	for _, b := range content.Blocks {
		switch b.Type {
		case "settings":
			if settingsSeen {
				p.errorf(b.DefRange, "duplicate settings block")
				continue
			}
			settingsSeen = true
			p.settings(b, &cfg.Settings)
		case "connection":
			name := b.Labels[0]
			if prev, dup := connRanges[name]; dup {
				p.errorf(b.LabelRanges[0], "duplicate connection %q (first defined at %s)", name, pos(prev))
				continue
			}
			connRanges[name] = b.DefRange
			if name == "" {
				p.errorf(b.LabelRanges[0], "connection name must not be empty")
			}
			cfg.Connections = append(cfg.Connections, p.connection(b))
		case "organization":
			name := b.Labels[0]
			if prev, dup := orgRanges[name]; dup {
				p.errorf(b.LabelRanges[0], "duplicate organization %q (first defined at %s)", name, pos(prev))
				continue
			}
			orgRanges[name] = b.DefRange
			o, connRange := p.organization(b)
			orgConnAttr[name] = connRange
			cfg.Organizations = append(cfg.Organizations, o)
		}
	}
	for _, o := range cfg.Organizations {
		if o.Connection == "" {
			continue
		}
		if _, ok := connRanges[o.Connection]; !ok {
			p.errorf(orgConnAttr[o.Name], "organization %q references unknown connection %q", o.Name, o.Connection)
			continue
		}
		if other, ok := orgByConn[o.Connection]; ok {
			p.errorf(orgConnAttr[o.Name], "connection %q is already used by organization %q", o.Connection, other)
			continue
		}
		orgByConn[o.Connection] = o.Name
	}
	if p.diags.HasErrors() {
		return nil, toConfigError(p.diags, filename)
	}
	if len(cfg.Connections) == 0 && len(cfg.Organizations) == 0 {
		cfg.Connections = DefaultConfig().Connections
	}
	return cfg, nil
}

func (p *parser) settings(b *hcl.Block, s *Settings) {
	c, d := b.Body.Content(settingsSchema)
	p.diags = append(p.diags, d...)
	var ttl string
	if a := p.str(c.Attributes, "cache_ttl", &ttl); a != nil {
		dur, err := parseTTL(ttl)
		if err != nil {
			p.errorf(a.Expr.Range(), "cache_ttl: %v", err)
		}
		s.CacheTTL = dur
	}
	if a, ok := c.Attributes["max_concurrency"]; ok {
		var n int
		dd := gohcl.DecodeExpression(a.Expr, nil, &n)
		p.diags = append(p.diags, dd...)
		if !dd.HasErrors() {
			if n < 1 {
				p.errorf(a.Expr.Range(), "max_concurrency must be at least 1, got %d", n)
			}
			s.MaxConcurrency = n
		}
	}
	if a := p.str(c.Attributes, "on_error", &s.OnError); a != nil {
		if s.OnError != OnErrorWarn && s.OnError != OnErrorFail {
			p.errorf(a.Expr.Range(), "on_error must be %q or %q, got %q", OnErrorWarn, OnErrorFail, s.OnError)
		}
	}
}

func parseTTL(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (use e.g. \"5m\", \"30s\" or \"0\")", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	return d, nil
}

func (p *parser) connection(b *hcl.Block) ConnectionConfig {
	cc := ConnectionConfig{Name: b.Labels[0], SessionName: DefaultSessionName, Pos: pos(b.DefRange)}
	c, d := b.Body.Content(connectionSchema)
	p.diags = append(p.diags, d...)
	p.str(c.Attributes, "profile", &cc.Profile)
	roleAttr := p.str(c.Attributes, "role_arn", &cc.RoleARN)
	if roleAttr != nil {
		if _, err := roleAccount(cc.RoleARN); err != nil {
			p.errorf(roleAttr.Expr.Range(), "role_arn: %v", err)
		}
	}
	if a := p.str(c.Attributes, "external_id", &cc.ExternalID); a != nil && roleAttr == nil {
		p.errorf(a.NameRange, "external_id is set but role_arn is not (the external ID is sent with AssumeRole)")
	}
	if a := p.str(c.Attributes, "session_name", &cc.SessionName); a != nil {
		if roleAttr == nil {
			p.errorf(a.NameRange, "session_name is set but role_arn is not")
		} else if !sessionNameRE.MatchString(cc.SessionName) {
			p.errorf(a.Expr.Range(), "session_name must be 2-64 characters of [A-Za-z0-9+=,.@_-]")
		}
	}
	if a := p.list(c.Attributes, "regions", &cc.Regions); a != nil {
		p.regions(a, cc.Regions)
	}
	if a := p.str(c.Attributes, "endpoint_url", &cc.EndpointURL); a != nil {
		if !strings.HasPrefix(cc.EndpointURL, "http://") && !strings.HasPrefix(cc.EndpointURL, "https://") {
			p.errorf(a.Expr.Range(), "endpoint_url must start with http:// or https://")
		}
	}
	return cc
}

func (p *parser) organization(b *hcl.Block) (OrganizationConfig, hcl.Range) {
	o := OrganizationConfig{Name: b.Labels[0], HandlePrefix: b.Labels[0] + "_", Pos: pos(b.DefRange)}
	c, d := b.Body.Content(organizationSchema)
	p.diags = append(p.diags, d...)
	connRange := b.DefRange
	if a := p.str(c.Attributes, "connection", &o.Connection); a != nil {
		connRange = a.Expr.Range()
	}
	if a := p.str(c.Attributes, "member_role_name", &o.MemberRoleName); a != nil {
		name := strings.TrimPrefix(o.MemberRoleName, "role/")
		if strings.HasPrefix(name, "arn:") || !roleNameRE.MatchString(name) {
			p.errorf(a.Expr.Range(), "member_role_name must be a role name (e.g. \"AuditRole\"), got %q", o.MemberRoleName)
		}
		o.MemberRoleName = name
	}
	p.str(c.Attributes, "external_id", &o.ExternalID)
	p.str(c.Attributes, "handle_prefix", &o.HandlePrefix)
	if a := p.list(c.Attributes, "regions", &o.Regions); a != nil {
		p.regions(a, o.Regions)
	}
	p.list(c.Attributes, "include_ous", &o.IncludeOUs)
	p.list(c.Attributes, "exclude_accounts", &o.ExcludeAccounts)
	return o, connRange
}

func (p *parser) regions(a *hcl.Attribute, regions []string) {
	for _, r := range regions {
		if !regionRE.MatchString(r) {
			p.errorf(a.Expr.Range(), "regions: invalid region or pattern %q", r)
			continue
		}
		if isGlob(r) && len(ExpandRegions([]string{r})) == 0 {
			p.errorf(a.Expr.Range(), "regions: pattern %q matches no known region", r)
		}
	}
}

// roleAccount validates an IAM role ARN and returns its account ID.
func roleAccount(roleARN string) (string, error) {
	a, err := arn.Parse(roleARN)
	if err != nil {
		return "", fmt.Errorf("%q is not an ARN (want arn:aws:iam::<account>:role/<name>)", roleARN)
	}
	if a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") || len(a.AccountID) != 12 {
		return "", fmt.Errorf("%q is not an IAM role ARN (want arn:aws:iam::<account>:role/<name>)", roleARN)
	}
	return a.AccountID, nil
}

func pos(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

func toConfigError(diags hcl.Diagnostics, filename string) error {
	e := &ConfigError{}
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		pr := Problem{Filename: filename, Message: msg}
		if d.Subject != nil {
			pr.Filename = d.Subject.Filename
			pr.Line = d.Subject.Start.Line
			pr.Column = d.Subject.Start.Column
		}
		e.Problems = append(e.Problems, pr)
	}
	if len(e.Problems) == 0 {
		return nil
	}
	return e
}
