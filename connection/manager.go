package connection

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/hashicorp/go-hclog"
	"golang.org/x/sync/singleflight"
	"golang.org/x/time/rate"
)

// DefaultRateLimits are the client-side request rates (requests per second
// per account) that keep the services that throttle early below their
// thresholds. Services not listed are not limited client-side.
var DefaultRateLimits = map[string]float64{
	"iam":           10,
	"organizations": 5,
}

// Retry defaults.
const (
	DefaultMaxAttempts = 6
	DefaultMaxBackoff  = 20 * time.Second
)

type options struct {
	logger      hclog.Logger
	httpClient  aws.HTTPClient
	endpoint    string
	akid        string
	secret      string
	stderr      io.Writer
	now         func() time.Time
	rateLimits  map[string]float64
	maxAttempts int
	maxBackoff  time.Duration
	warnWindow  time.Duration
}

// Option configures a Manager.
type Option func(*options)

// WithLogger sets the logger (default: a null logger).
func WithLogger(l hclog.Logger) Option { return func(o *options) { o.logger = l } }

// WithHTTPClient sets the HTTP client of every AWS client.
func WithHTTPClient(c aws.HTTPClient) Option { return func(o *options) { o.httpClient = c } }

// WithEndpoint sends every service of every connection (STS included) to
// url, overriding endpoint_url and AWS_ENDPOINT_URL.
func WithEndpoint(url string) Option { return func(o *options) { o.endpoint = url } }

// WithStaticCredentials replaces the base credentials of every connection
// (--demo and tests). Roles are still assumed on top of them.
func WithStaticCredentials(accessKeyID, secretAccessKey string) Option {
	return func(o *options) { o.akid, o.secret = accessKeyID, secretAccessKey }
}

// WithStderr sets where warn-mode lines go (default os.Stderr).
func WithStderr(w io.Writer) Option { return func(o *options) { o.stderr = w } }

// WithNow sets the clock (discovery TTL, error times, warning dedupe).
func WithNow(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithRateLimits overrides the per-account client-side rate limits, in
// requests per second, by lower-case service name ("iam",
// "organizations"). A value <= 0 removes the limit of that service.
func WithRateLimits(limits map[string]float64) Option {
	return func(o *options) {
		for k, v := range limits {
			o.rateLimits[strings.ToLower(k)] = v
		}
	}
}

// WithRetry sets the retryer's maximum attempts and maximum backoff (tests
// shorten the backoff).
func WithRetry(maxAttempts int, maxBackoff time.Duration) Option {
	return func(o *options) { o.maxAttempts, o.maxBackoff = maxAttempts, maxBackoff }
}

// WithWarningWindow sets how long a warn-mode stderr line is suppressed
// for the same (connection, region, table, error code); default 1 minute.
// ResetWarnings starts a new window at once.
func WithWarningWindow(d time.Duration) Option { return func(o *options) { o.warnWindow = d } }

// Manager owns credentials, clients and discovery for one configuration.
// It implements vtab.TargetProvider.
type Manager struct {
	cfg  *Config
	opts options
	log  hclog.Logger
	sem  chan struct{}

	conns    []*conn // config connections, in file order
	byName   map[string]*conn
	orgs     []*orgState
	orgConns map[string]bool // names of connections used by organization blocks

	mu        sync.Mutex
	credCache map[string]*aws.CredentialsCache
	stsByKey  map[string]*sts.Client
	accounts  map[string]string // identity key -> account id
	clients   map[string]any
	handles   map[string]*Client
	limiters  map[string]*rate.Limiter
	calls     map[APICall]int64
	errs      []ErrorRecord
	warned    map[string]time.Time
	sf        singleflight.Group
	redaction []string
}

// conn is one resolved connection (from the file or discovered).
type conn struct {
	name         string
	source       string // "config" or "discovered"
	organization string
	accountName  string
	ouPath       string
	regions      []string // patterns; nil means the default region
	endpoint     string
	// roleARN and externalID are assumed on top of parent (or the base
	// credentials when parent is nil).
	roleARN     string
	externalID  string
	sessionName string
	parent      *conn
	profile     string
	accountID   string // known without an API call ("" until resolved)

	baseOnce sync.Once
	base     aws.Config
	baseErr  error
}

// NewManager builds a Manager for cfg (DefaultConfig when nil). It makes no
// API call.
func NewManager(ctx context.Context, cfg *Config, opts ...Option) (*Manager, error) {
	if cfg == nil {
		cfg = DefaultConfig()
	}
	o := options{
		logger:      hclog.NewNullLogger(),
		stderr:      os.Stderr,
		now:         time.Now,
		rateLimits:  map[string]float64{},
		maxAttempts: DefaultMaxAttempts,
		maxBackoff:  DefaultMaxBackoff,
		warnWindow:  time.Minute,
	}
	for k, v := range DefaultRateLimits {
		o.rateLimits[k] = v
	}
	for _, opt := range opts {
		opt(&o)
	}
	n := cfg.Settings.MaxConcurrency
	if n < 1 {
		n = DefaultMaxConcurrency
	}
	if cfg.Settings.OnError == "" {
		cfg.Settings.OnError = OnErrorWarn
	}
	m := &Manager{
		cfg:       cfg,
		opts:      o,
		log:       o.logger.Named("connection"),
		sem:       make(chan struct{}, n),
		byName:    map[string]*conn{},
		orgConns:  map[string]bool{},
		credCache: map[string]*aws.CredentialsCache{},
		stsByKey:  map[string]*sts.Client{},
		accounts:  map[string]string{},
		clients:   map[string]any{},
		handles:   map[string]*Client{},
		limiters:  map[string]*rate.Limiter{},
		calls:     map[APICall]int64{},
		warned:    map[string]time.Time{},
	}
	if o.akid != "" {
		m.redaction = append(m.redaction, o.akid)
	}
	if o.secret != "" {
		m.redaction = append(m.redaction, o.secret)
	}
	for _, cc := range cfg.Connections {
		if _, dup := m.byName[cc.Name]; dup {
			return nil, &ConfigError{Problems: []Problem{{Filename: cfg.Filename, Message: fmt.Sprintf("duplicate connection %q", cc.Name)}}}
		}
		c := &conn{
			name: cc.Name, source: "config", regions: cc.Regions, endpoint: cc.EndpointURL,
			roleARN: cc.RoleARN, externalID: cc.ExternalID, sessionName: cc.SessionName, profile: cc.Profile,
		}
		if c.sessionName == "" {
			c.sessionName = DefaultSessionName
		}
		if cc.RoleARN != "" {
			id, err := roleAccount(cc.RoleARN)
			if err != nil {
				return nil, &ConfigError{Problems: []Problem{{Filename: cfg.Filename, Message: fmt.Sprintf("connection %q: role_arn: %v", cc.Name, err)}}}
			}
			c.accountID = id
		}
		m.conns = append(m.conns, c)
		m.byName[c.name] = c
	}
	for _, oc := range cfg.Organizations {
		c, ok := m.byName[oc.Connection]
		if !ok {
			return nil, &ConfigError{Problems: []Problem{{Filename: cfg.Filename, Message: fmt.Sprintf("organization %q references unknown connection %q", oc.Name, oc.Connection)}}}
		}
		c.organization = oc.Name
		m.orgConns[c.name] = true
		m.orgs = append(m.orgs, &orgState{cfg: oc, conn: c})
	}
	_ = ctx
	return m, nil
}

// Config returns the configuration the manager was built from.
func (m *Manager) Config() *Config { return m.cfg }

func (m *Manager) now() time.Time { return m.opts.now() }

// baseConfig loads the connection's base aws.Config once. Discovered
// connections use their parent's.
func (m *Manager) baseConfig(ctx context.Context, c *conn) (aws.Config, error) {
	root := c
	for root.parent != nil {
		root = root.parent
	}
	root.baseOnce.Do(func() {
		var lo []func(*config.LoadOptions) error
		if root.profile != "" {
			lo = append(lo, config.WithSharedConfigProfile(root.profile))
		}
		if m.opts.httpClient != nil {
			lo = append(lo, config.WithHTTPClient(m.opts.httpClient))
		}
		if m.opts.akid != "" {
			lo = append(lo, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(m.opts.akid, m.opts.secret, "")))
		}
		maxAttempts, maxBackoff := m.opts.maxAttempts, m.opts.maxBackoff
		lo = append(lo, config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = maxAttempts
				o.MaxBackoff = maxBackoff
				o.Backoff = retry.NewExponentialJitterBackoff(maxBackoff)
				// Throttling is expected at scale; never give up because
				// the client-side retry quota ran out.
				o.RateLimiter = ratelimit.None
			})
		}))
		cfg, err := config.LoadDefaultConfig(ctx, lo...)
		if err != nil {
			root.baseErr = fmt.Errorf("load aws config: %s", m.redact(err.Error()))
			return
		}
		if cfg.Region == "" {
			cfg.Region = globalAPIRegion
		}
		cfg.HTTPClient = BufferRequestBodies(cfg.HTTPClient)
		switch {
		case m.opts.endpoint != "":
			cfg.BaseEndpoint = aws.String(m.opts.endpoint)
		case root.endpoint != "":
			cfg.BaseEndpoint = aws.String(root.endpoint)
		}
		root.base = cfg
	})
	return root.base, root.baseErr
}

// identityKey names the credentials of c: the base identity followed by
// every (role ARN, external ID) assumed on top of it.
func identityKey(c *conn) string {
	var k string
	if c.parent != nil {
		k = identityKey(c.parent)
	} else {
		k = "profile=" + c.profile + ";endpoint=" + c.endpoint
	}
	if c.roleARN != "" {
		k += " > " + c.roleARN + "|" + c.externalID
	}
	return k
}

// credentials returns the (cached) credentials provider of c.
func (m *Manager) credentials(ctx context.Context, c *conn) (aws.CredentialsProvider, error) {
	base, err := m.baseConfig(ctx, c)
	if err != nil {
		return nil, err
	}
	if c.roleARN == "" {
		if c.parent != nil {
			return m.credentials(ctx, c.parent)
		}
		return base.Credentials, nil
	}
	key := identityKey(c)
	m.mu.Lock()
	cache, ok := m.credCache[key]
	m.mu.Unlock()
	if ok {
		return cache, nil
	}
	var parentCreds aws.CredentialsProvider = base.Credentials
	if c.parent != nil {
		if parentCreds, err = m.credentials(ctx, c.parent); err != nil {
			return nil, err
		}
	}
	stsCfg := base.Copy()
	stsCfg.Credentials = parentCreds
	stsCfg.APIOptions = append(stsCfg.APIOptions, m.middlewares(c, "sts")...)
	client := sts.NewFromConfig(stsCfg)
	ext, session, roleARN := c.externalID, c.sessionName, c.roleARN
	provider := stscreds.NewAssumeRoleProvider(client, roleARN, func(o *stscreds.AssumeRoleOptions) {
		if ext != "" {
			o.ExternalID = aws.String(ext)
		}
		if session == "" {
			session = DefaultSessionName
		}
		o.RoleSessionName = session
	})
	account, _ := roleAccount(roleARN)
	wrapped := &assumeRoleProvider{inner: provider, roleARN: roleARN, accountID: account, m: m}
	m.mu.Lock()
	defer m.mu.Unlock()
	if cache, ok := m.credCache[key]; ok {
		return cache, nil
	}
	cache = aws.NewCredentialsCache(wrapped)
	m.credCache[key] = cache
	return cache, nil
}

// assumeRoleProvider wraps stscreds so that its failures name the role and
// account and never leak credential material.
type assumeRoleProvider struct {
	inner     aws.CredentialsProvider
	roleARN   string
	accountID string
	m         *Manager
}

func (p *assumeRoleProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	creds, err := p.inner.Retrieve(ctx)
	if err != nil {
		return aws.Credentials{}, &AssumeRoleError{RoleARN: p.roleARN, AccountID: p.accountID, Code: errorCode(err), Message: p.m.redact(errorMessage(err)), Err: err}
	}
	return creds, nil
}

// AssumeRoleError is a failed AssumeRole.
type AssumeRoleError struct {
	RoleARN   string
	AccountID string
	Code      string
	Message   string
	Err       error
}

func (e *AssumeRoleError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("assume role %s: %s: %s", e.RoleARN, e.Code, e.Message)
	}
	return fmt.Sprintf("assume role %s: %s", e.RoleARN, e.Message)
}

// Unwrap returns the SDK error.
func (e *AssumeRoleError) Unwrap() error { return e.Err }

// credentialsCacheCount is the number of assumed-role credential caches
// (tests).
func (m *Manager) credentialsCacheCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.credCache)
}

// accountID returns c's account ID: from the role ARN or discovery, else
// sts:GetCallerIdentity (once per identity).
func (m *Manager) accountID(ctx context.Context, c *conn) (string, error) {
	if c.accountID != "" {
		return c.accountID, nil
	}
	if c.parent != nil && c.roleARN == "" {
		return m.accountID(ctx, c.parent)
	}
	key := identityKey(c)
	m.mu.Lock()
	id, ok := m.accounts[key]
	m.mu.Unlock()
	if ok {
		return id, nil
	}
	v, err, _ := m.sf.Do("account:"+key, func() (any, error) {
		client, err := m.stsClient(ctx, c, "")
		if err != nil {
			return "", err
		}
		release, err := m.Acquire(ctx)
		if err != nil {
			return "", err
		}
		out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		release()
		if err != nil {
			return "", err
		}
		id := aws.ToString(out.Account)
		m.mu.Lock()
		m.accounts[key] = id
		m.mu.Unlock()
		return id, nil
	})
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

func (m *Manager) stsClient(ctx context.Context, c *conn, region string) (*sts.Client, error) {
	v, err := m.client(ctx, c, region, "sts", func(cfg aws.Config) any { return sts.NewFromConfig(cfg) })
	if err != nil {
		return nil, err
	}
	return v.(*sts.Client), nil
}

// apiRegion maps a target region to the region a service is called in.
func (m *Manager) apiRegion(base aws.Config, region, service string) string {
	switch service {
	case "iam", "organizations":
		return globalAPIRegion
	}
	if region == "" || region == GlobalRegion {
		return base.Region
	}
	return region
}

// client returns the cached service client of (connection, region,
// service), building it with mk on first use.
func (m *Manager) client(ctx context.Context, c *conn, region, service string, mk func(aws.Config) any) (any, error) {
	base, err := m.baseConfig(ctx, c)
	if err != nil {
		return nil, err
	}
	apiRegion := m.apiRegion(base, region, service)
	key := c.name + "\x00" + identityKey(c) + "\x00" + apiRegion + "\x00" + service
	m.mu.Lock()
	v, ok := m.clients[key]
	m.mu.Unlock()
	if ok {
		return v, nil
	}
	creds, err := m.credentials(ctx, c)
	if err != nil {
		return nil, err
	}
	cfg := base.Copy()
	cfg.Region = apiRegion
	cfg.Credentials = creds
	cfg.APIOptions = append(cfg.APIOptions, m.middlewares(c, service)...)
	v = mk(cfg)
	m.mu.Lock()
	defer m.mu.Unlock()
	if prev, ok := m.clients[key]; ok {
		return prev, nil
	}
	m.clients[key] = v
	return v, nil
}

// limiter returns the shared rate limiter of (account, service), nil when
// the service is not limited.
func (m *Manager) limiter(account, service string) *rate.Limiter {
	rps := m.opts.rateLimits[service]
	if rps <= 0 {
		return nil
	}
	key := account + "/" + service
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.limiters[key]
	if !ok {
		burst := int(rps)
		if burst < 1 {
			burst = 1
		}
		l = rate.NewLimiter(rate.Limit(rps), burst)
		m.limiters[key] = l
	}
	return l
}

// APICall identifies the calls counted by APICalls.
type APICall struct {
	Connection string
	Service    string
	Operation  string
}

// APICallCount is one row of APICalls.
type APICallCount struct {
	APICall
	Count int64
}

// APICalls returns a snapshot of the API calls (attempts, retries
// included) per connection, service and operation, sorted.
func (m *Manager) APICalls() []APICallCount {
	m.mu.Lock()
	out := make([]APICallCount, 0, len(m.calls))
	for k, v := range m.calls {
		out = append(out, APICallCount{APICall: k, Count: v})
	}
	m.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Connection != b.Connection {
			return a.Connection < b.Connection
		}
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		return a.Operation < b.Operation
	})
	return out
}

func (m *Manager) countCall(connection, service, operation string) {
	m.mu.Lock()
	m.calls[APICall{Connection: connection, Service: service, Operation: operation}]++
	m.mu.Unlock()
}

// redact removes credential material from s.
func (m *Manager) redact(s string) string {
	for _, r := range m.redaction {
		if r != "" {
			s = strings.ReplaceAll(s, r, "[REDACTED]")
		}
	}
	return accessKeyRE.ReplaceAllString(s, "[REDACTED]")
}
