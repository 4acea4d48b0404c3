package connection

import (
	"context"
	"strings"
	"sync"

	"github.com/awsqlite/awsqlite/vtab"
)

// Sources of a ConnectionInfo.
const (
	SourceConfig     = "config"
	SourceDiscovered = "discovered"
)

// ConnectionInfo describes one connection (the awsqlite_connection table
// and the connections command).
type ConnectionInfo struct {
	Name         string
	AccountID    string
	AccountName  string
	OUPath       string
	Regions      []string
	Source       string // SourceConfig or SourceDiscovered
	Organization string
}

var _ vtab.TargetProvider = (*Manager)(nil)

// Targets implements vtab.TargetProvider.
//
// Global tables get one target per connection (region "global"), regional
// tables one per connection and expanded region, organization tables one
// per organization block (through its connection) plus one per plain
// connection. The connection of an organization block is represented by
// its discovered member connection in global and regional scans. Targets
// are pruned by connection and region first, then by account; a target's
// credentials are resolved (AssumeRole) before it is returned, and a
// target that cannot be resolved goes through Failed.
func (m *Manager) Targets(ctx context.Context, spec *vtab.Spec, prune vtab.Prune) ([]vtab.Target, error) {
	if spec == nil || spec.Scope == vtab.Local {
		return nil, nil
	}
	var cands []*conn
	if spec.Scope == vtab.Organization {
		for _, o := range m.orgs {
			cands = append(cands, o.conn)
		}
		for _, c := range m.conns {
			if !m.orgConns[c.name] {
				cands = append(cands, c)
			}
		}
	} else {
		for _, c := range m.conns {
			if !m.orgConns[c.name] {
				cands = append(cands, c)
			}
		}
		for _, o := range m.orgs {
			if !needsDiscovery(o, prune, m.byName) {
				continue
			}
			members, err := m.discover(ctx, o)
			if err != nil {
				t := vtab.Target{Connection: o.conn.name, AccountID: o.conn.accountID, Region: GlobalRegion}
				if ferr := m.Failed(ctx, spec, t, "DiscoverOrganization", err); ferr != nil {
					return nil, ferr
				}
				continue
			}
			cands = append(cands, members...)
		}
	}

	type pending struct {
		c       *conn
		regions []string
	}
	var todo []pending
	for _, c := range cands {
		if !matchList(prune.Connections, c.name) {
			continue
		}
		var regions []string
		if spec.Scope == vtab.Regional {
			for _, r := range m.regionsOf(ctx, c) {
				if matchList(prune.Regions, r) {
					regions = append(regions, r)
				}
			}
		} else if matchList(prune.Regions, GlobalRegion) {
			regions = []string{GlobalRegion}
		}
		if len(regions) == 0 {
			continue
		}
		if c.accountID != "" && !matchList(prune.AccountIDs, c.accountID) {
			continue
		}
		todo = append(todo, pending{c: c, regions: regions})
	}

	// Resolve accounts and credentials concurrently, as many at once as the
	// global bound allows (credential calls take no slot of it); report
	// failures in connection order.
	type result struct {
		account string
		op      string
		err     error
	}
	results := make([]result, len(todo))
	var wg sync.WaitGroup
	limit := make(chan struct{}, cap(m.sem))
	for i, p := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			limit <- struct{}{}
			defer func() { <-limit }()
			account, err := m.accountID(ctx, p.c)
			if err != nil {
				results[i] = result{op: "GetCallerIdentity", err: err}
				return
			}
			if !matchList(prune.AccountIDs, account) {
				results[i] = result{account: account}
				return
			}
			creds, err := m.credentials(ctx, p.c)
			if err == nil {
				_, err = creds.Retrieve(ctx)
			}
			results[i] = result{account: account, op: "GetCredentials", err: err}
		}()
	}
	wg.Wait()

	var out []vtab.Target
	for i, p := range todo {
		r := results[i]
		if r.err != nil {
			account := r.account
			if account == "" {
				account = p.c.accountID
			}
			if !matchList(prune.AccountIDs, account) && account != "" {
				continue
			}
			t := vtab.Target{Connection: p.c.name, AccountID: account, Region: p.regions[0]}
			if ferr := m.Failed(ctx, spec, t, r.op, r.err); ferr != nil {
				return nil, ferr
			}
			continue
		}
		if !matchList(prune.AccountIDs, r.account) {
			continue
		}
		for _, region := range p.regions {
			out = append(out, vtab.Target{Connection: p.c.name, AccountID: r.account, Region: region, Handle: m.handle(p.c, region, r.account)})
		}
	}
	return out, nil
}

// needsDiscovery reports whether a scan pruned by prune can include members
// of o: not when it names only connections of the file.
func needsDiscovery(o *orgState, prune vtab.Prune, config map[string]*conn) bool {
	if len(prune.Connections) == 0 {
		return true
	}
	prefix := sanitizeName(o.cfg.HandlePrefix)
	for _, name := range prune.Connections {
		if _, ok := config[name]; ok {
			continue
		}
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

func matchList(list []string, v string) bool {
	if len(list) == 0 {
		return true
	}
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// regionsOf returns the concrete regions of c: its patterns expanded, or
// its default region.
func (m *Manager) regionsOf(ctx context.Context, c *conn) []string {
	if len(c.regions) > 0 {
		return ExpandRegions(c.regions)
	}
	base, err := m.baseConfig(ctx, c)
	if err != nil || base.Region == "" {
		return []string{globalAPIRegion}
	}
	return []string{base.Region}
}

// handle returns the cached *Client of (connection, region).
func (m *Manager) handle(c *conn, region, account string) *Client {
	key := c.name + "\x00" + identityKey(c) + "\x00" + region
	m.mu.Lock()
	defer m.mu.Unlock()
	if h, ok := m.handles[key]; ok && h.accountID == account {
		return h
	}
	h := &Client{m: m, c: c, region: region, accountID: account}
	m.handles[key] = h
	return h
}

// Connections lists every connection: those of the file, then the
// discovered members of each organization. Failures (an account ID that
// cannot be resolved, a discovery that fails) go through the on_error
// policy.
func (m *Manager) Connections(ctx context.Context) ([]ConnectionInfo, error) {
	var out []ConnectionInfo
	info := func(c *conn, account string) ConnectionInfo {
		return ConnectionInfo{
			Name: c.name, AccountID: account, AccountName: c.accountName, OUPath: c.ouPath,
			Regions: m.regionsOf(ctx, c), Source: c.source, Organization: c.organization,
		}
	}
	for _, c := range m.conns {
		account, err := m.accountID(ctx, c)
		if err != nil {
			t := vtab.Target{Connection: c.name, Region: GlobalRegion}
			if ferr := m.Failed(ctx, nil, t, "GetCallerIdentity", err); ferr != nil {
				return nil, ferr
			}
		}
		out = append(out, info(c, account))
	}
	for _, o := range m.orgs {
		members, err := m.discover(ctx, o)
		if err != nil {
			t := vtab.Target{Connection: o.conn.name, AccountID: o.conn.accountID, Region: GlobalRegion}
			if ferr := m.Failed(ctx, nil, t, "DiscoverOrganization", err); ferr != nil {
				return nil, ferr
			}
			continue
		}
		for _, c := range members {
			out = append(out, info(c, c.accountID))
		}
	}
	return out, nil
}
