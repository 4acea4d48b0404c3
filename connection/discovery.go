package connection

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// orgPageSize is MaxResults of every Organizations listing (AWS's maximum).
const orgPageSize = 20

// orgState is one organization block and its cached discovery.
type orgState struct {
	cfg  OrganizationConfig
	conn *conn

	mu      sync.Mutex
	members []*conn
	fetched time.Time
	valid   bool
}

// orgAccount is an account found by discovery.
type orgAccount struct {
	ID     string
	Name   string
	Status string
	// OUs is the chain from the root to the account's parent.
	OUs []ouRef
}

type ouRef struct {
	ID   string
	Name string
	Path string // "Root/Engineering/Prod"
}

func (a orgAccount) ouPath() string {
	if len(a.OUs) == 0 {
		return ""
	}
	return a.OUs[len(a.OUs)-1].Path
}

// discover returns the member connections of o, cached for cache_ttl.
// Concurrent callers share one in-flight discovery.
func (m *Manager) discover(ctx context.Context, o *orgState) ([]*conn, error) {
	ttl := m.cfg.Settings.CacheTTL
	o.mu.Lock()
	if o.valid && ttl > 0 && m.now().Sub(o.fetched) < ttl {
		members := o.members
		o.mu.Unlock()
		return members, nil
	}
	o.mu.Unlock()
	v, err, _ := m.sf.Do("org:"+o.cfg.Name, func() (any, error) {
		accounts, err := m.listOrganization(ctx, o)
		if err != nil {
			return nil, err
		}
		self, err := m.accountID(ctx, o.conn)
		if err != nil {
			return nil, err
		}
		members := m.memberConns(o, self, accounts)
		o.mu.Lock()
		o.members, o.fetched, o.valid = members, m.now(), true
		o.mu.Unlock()
		m.log.Debug("organization discovered", "organization", o.cfg.Name, "accounts", len(members))
		return members, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]*conn), nil
}

// listOrganization walks the organization from its roots: every account of
// every OU, all pages.
func (m *Manager) listOrganization(ctx context.Context, o *orgState) ([]orgAccount, error) {
	v, err := m.client(ctx, o.conn, GlobalRegion, "organizations", func(cfg aws.Config) any { return organizations.NewFromConfig(cfg) })
	if err != nil {
		return nil, err
	}
	client := v.(*organizations.Client)
	var roots []types.Root
	p := organizations.NewListRootsPaginator(client, &organizations.ListRootsInput{MaxResults: aws.Int32(orgPageSize)})
	for p.HasMorePages() {
		var page *organizations.ListRootsOutput
		if err := m.call(ctx, func() (err error) { page, err = p.NextPage(ctx); return err }); err != nil {
			return nil, fmt.Errorf("list roots: %w", err)
		}
		roots = append(roots, page.Roots...)
	}
	var out []orgAccount
	var walk func(parent ouRef, chain []ouRef) error
	walk = func(parent ouRef, chain []ouRef) error {
		chain = append(chain[:len(chain):len(chain)], parent)
		ap := organizations.NewListAccountsForParentPaginator(client, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent.ID), MaxResults: aws.Int32(orgPageSize)})
		for ap.HasMorePages() {
			var page *organizations.ListAccountsForParentOutput
			if err := m.call(ctx, func() (err error) { page, err = ap.NextPage(ctx); return err }); err != nil {
				return fmt.Errorf("list accounts for parent %s: %w", parent.ID, err)
			}
			for _, a := range page.Accounts {
				status := string(a.State)
				if status == "" {
					status = string(a.Status)
				}
				out = append(out, orgAccount{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Status: status, OUs: chain})
			}
		}
		op := organizations.NewListOrganizationalUnitsForParentPaginator(client, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent.ID), MaxResults: aws.Int32(orgPageSize)})
		for op.HasMorePages() {
			var page *organizations.ListOrganizationalUnitsForParentOutput
			if err := m.call(ctx, func() (err error) { page, err = op.NextPage(ctx); return err }); err != nil {
				return fmt.Errorf("list organizational units for parent %s: %w", parent.ID, err)
			}
			for _, ou := range page.OrganizationalUnits {
				child := ouRef{ID: aws.ToString(ou.Id), Name: aws.ToString(ou.Name)}
				child.Path = parent.Path + "/" + child.Name
				if err := walk(child, chain); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, r := range roots {
		name := aws.ToString(r.Name)
		if name == "" {
			name = "Root"
		}
		if err := walk(ouRef{ID: aws.ToString(r.Id), Name: name, Path: name}, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// call runs one API call inside a concurrency slot.
func (m *Manager) call(ctx context.Context, f func() error) error {
	release, err := m.Acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	return f()
}

// memberConns turns discovered accounts into connections: ACTIVE accounts
// only, filtered by include_ous and exclude_accounts, named by
// memberNames. The account self (the organization connection's own)
// reuses the organization connection's credentials.
func (m *Manager) memberConns(o *orgState, self string, accounts []orgAccount) []*conn {
	var kept []orgAccount
	for _, a := range accounts {
		if !strings.EqualFold(a.Status, "ACTIVE") {
			continue
		}
		if !included(o.cfg.IncludeOUs, a) || excluded(o.cfg.ExcludeAccounts, a) {
			continue
		}
		kept = append(kept, a)
	}
	taken := map[string]bool{}
	for _, c := range m.conns {
		taken[c.name] = true
	}
	names := memberNames(o.cfg.HandlePrefix, kept, taken)
	partition := "aws"
	if a, err := arn.Parse(o.conn.roleARN); err == nil {
		partition = a.Partition
	}
	regions := o.cfg.Regions
	if len(regions) == 0 {
		regions = o.conn.regions
	}
	out := make([]*conn, 0, len(kept))
	for _, a := range kept {
		c := &conn{
			name: names[a.ID], source: "discovered", organization: o.cfg.Name,
			accountName: a.Name, ouPath: a.ouPath(), regions: regions, endpoint: o.conn.endpoint,
			parent: o.conn, accountID: a.ID, sessionName: o.conn.sessionName,
		}
		if a.ID != self {
			c.roleARN = fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, a.ID, o.cfg.MemberRoleName)
			c.externalID = o.cfg.ExternalID
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// included reports whether a is under one of the include_ous entries (OU
// or root IDs, OU names, or paths like "Root/Engineering" or
// "Engineering/Prod"); an empty list includes everything.
func included(includes []string, a orgAccount) bool {
	if len(includes) == 0 {
		return true
	}
	for _, inc := range includes {
		inc = strings.Trim(inc, "/")
		for _, ou := range a.OUs {
			if inc == ou.ID || strings.EqualFold(inc, ou.Name) || strings.EqualFold(inc, ou.Path) ||
				strings.HasSuffix(strings.ToLower(ou.Path), "/"+strings.ToLower(inc)) {
				return true
			}
		}
	}
	return false
}

// excluded reports whether a is listed (by ID or name) in excludes.
func excluded(excludes []string, a orgAccount) bool {
	for _, x := range excludes {
		if x == a.ID || strings.EqualFold(x, a.Name) {
			return true
		}
	}
	return false
}

// sanitizeName lowercases s and replaces every character that is not an
// ASCII letter or digit with "_".
func sanitizeName(s string) string {
	out := make([]byte, 0, len(s))
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			out = append(out, byte(r))
		} else {
			out = append(out, '_')
		}
	}
	return string(out)
}

// memberNames names discovered accounts: <prefix><account name>, sanitized.
// Every account whose name collides (with another account or with a name in
// taken) gets the suffix _<last 4 digits of its ID>; should that collide
// too, the full ID. The result depends only on the input set, not its
// order.
func memberNames(prefix string, accounts []orgAccount, taken map[string]bool) map[string]string {
	base := map[string]string{}
	count := map[string]int{}
	for _, a := range accounts {
		name := a.Name
		if name == "" {
			name = a.ID
		}
		b := sanitizeName(prefix + name)
		base[a.ID] = b
		count[b]++
	}
	names := map[string]string{}
	suffixed := map[string]int{}
	for _, a := range accounts {
		b := base[a.ID]
		if count[b] == 1 && !taken[b] {
			names[a.ID] = b
			continue
		}
		names[a.ID] = b + "_" + last4(a.ID)
		suffixed[names[a.ID]]++
	}
	for _, a := range accounts {
		n := names[a.ID]
		if suffixed[n] > 1 || (suffixed[n] == 1 && (taken[n] || count[n] > 0)) {
			names[a.ID] = base[a.ID] + "_" + a.ID
		}
	}
	return names
}

func last4(id string) string {
	if len(id) <= 4 {
		return id
	}
	return id[len(id)-4:]
}
