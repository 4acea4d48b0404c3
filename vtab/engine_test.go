package vtab

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// world is a fake provider with a few accounts of numbered items.
type world struct {
	mu       sync.Mutex
	accounts map[string]int // account -> item count
	pageSize int
	fail     map[string]error // account -> error of every list call
	failMode bool
	calls    []string // "list acct page" / "get acct name" / "hydrate acct name"
	failed   []string
	inflight atomic.Int64
	peak     atomic.Int64
	latency  time.Duration
	sem      chan struct{}
}

func newWorld(accounts map[string]int) *world {
	return &world{accounts: accounts, pageSize: 10, fail: map[string]error{}, sem: make(chan struct{}, 4)}
}

func (w *world) log(s string) {
	w.mu.Lock()
	w.calls = append(w.calls, s)
	w.mu.Unlock()
}

func (w *world) count(prefix string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, c := range w.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func (w *world) Targets(ctx context.Context, spec *Spec, p Prune) ([]Target, error) {
	var ts []Target
	for a := range w.accounts {
		if p.Match("conn_"+a, a, "global") {
			ts = append(ts, Target{Connection: "conn_" + a, AccountID: a, Region: "global"})
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].AccountID < ts[j].AccountID })
	return ts, nil
}

func (w *world) Failed(ctx context.Context, spec *Spec, t Target, op string, err error) error {
	w.mu.Lock()
	w.failed = append(w.failed, t.AccountID+" "+op)
	w.mu.Unlock()
	if w.failMode {
		return fmt.Errorf("connection %q (account %s): %w", t.Connection, t.AccountID, err)
	}
	return nil
}

func (w *world) Acquire(ctx context.Context) (func(), error) {
	select {
	case w.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	n := w.inflight.Add(1)
	for {
		p := w.peak.Load()
		if n <= p || w.peak.CompareAndSwap(p, n) {
			break
		}
	}
	return func() { w.inflight.Add(-1); <-w.sem }, nil
}

type item struct {
	Name    string
	Account string
	N       int
}

func (w *world) spec() *Spec {
	return &Spec{
		Name:        "thing",
		Description: "Things.",
		Columns: []Column{
			{Name: "name", Description: "Name.", Value: func(r *Row) any { return r.Item.(item).Name }},
			{Name: "n", Type: Integer, Description: "Number.", Value: func(r *Row) any { return r.Item.(item).N }},
			{Name: "detail", Description: "Detail.", Hydrate: "detail", Value: func(r *Row) any { return r.Hydrated("detail") }},
			{Name: "tags", Description: "Tags.", Value: func(r *Row) any { return map[string]string{"k": r.Item.(item).Name} }},
			{Name: "created", Description: "Created.", Value: func(r *Row) any { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("x", 3600)) }},
			{Name: "enabled", Type: Integer, Description: "Enabled.", Value: func(r *Row) any { return r.Item.(item).N%2 == 0 }},
		},
		KeyColumns:  []KeyColumn{{Name: "name", Exact: true}},
		GetKeys:     []string{"name"},
		GetActions:  []string{"x:GetThing"},
		ListActions: []string{"x:ListThings"},
		Get: func(ctx context.Context, q *Query) (any, error) {
			name := q.Quals.String("name")
			w.log("get " + q.Target.AccountID + " " + name)
			var n int
			if _, err := fmt.Sscanf(name, "item-%d", &n); err != nil || n >= w.accounts[q.Target.AccountID] {
				return nil, nil
			}
			return item{Name: name, Account: q.Target.AccountID, N: n}, nil
		},
		List: func(ctx context.Context, q *Query) (Pager, error) {
			acct := q.Target.AccountID
			next := 0
			return PagerFunc(func(ctx context.Context) (Page, error) {
				w.log(fmt.Sprintf("list %s %d", acct, next))
				if w.latency > 0 {
					time.Sleep(w.latency)
				}
				if err := w.fail[acct]; err != nil {
					return Page{}, err
				}
				size := int(q.PageSize(int32(w.pageSize)))
				var p Page
				for i := next; i < w.accounts[acct] && len(p.Items) < size; i++ {
					p.Items = append(p.Items, item{Name: fmt.Sprintf("item-%d", i), Account: acct, N: i})
				}
				next += len(p.Items)
				p.More = next < w.accounts[acct]
				return p, nil
			}), nil
		},
		Hydrates: []Hydrate{{Name: "detail", Actions: []string{"x:DescribeThing"}, Func: func(ctx context.Context, q *Query, it any) (any, error) {
			w.log("hydrate " + q.Target.AccountID + " " + it.(item).Name)
			return "detail of " + it.(item).Name, nil
		}}},
	}
}

func openWorld(t *testing.T, w *world) *sql.DB {
	t.Helper()
	e, err := New(w, w.spec())
	require.NoError(t, err)
	db := e.DB()
	t.Cleanup(func() { db.Close() })
	return db
}

func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		require.NoError(t, rows.Scan(&s))
		out = append(out, s.String)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestLazyPagingAndLimit(t *testing.T) {
	w := newWorld(map[string]int{"111": 95})
	db := openWorld(t, w)

	names := queryStrings(t, db, "SELECT name FROM thing")
	assert.Len(t, names, 95)
	assert.Equal(t, 10, w.count("list 111"), "95 items in pages of 10")

	w.calls = nil
	names = queryStrings(t, db, "SELECT name FROM thing LIMIT 5")
	assert.Equal(t, []string{"item-0", "item-1", "item-2", "item-3", "item-4"}, names)
	assert.Equal(t, 1, w.count("list"), "LIMIT 5 needs one page")

	w.calls = nil
	names = queryStrings(t, db, "SELECT name FROM thing LIMIT 15")
	assert.Len(t, names, 15)
	assert.Equal(t, 2, w.count("list"), "LIMIT 15 needs two pages of 10")

	w.calls = nil
	names = queryStrings(t, db, "SELECT name FROM thing LIMIT 3 OFFSET 4")
	assert.Equal(t, []string{"item-4", "item-5", "item-6"}, names)
	assert.Equal(t, 1, w.count("list"))

	// A filter SQLite evaluates itself must not be cut short by LIMIT.
	w.calls = nil
	names = queryStrings(t, db, "SELECT name FROM thing WHERE n >= 90 LIMIT 3")
	assert.Equal(t, []string{"item-90", "item-91", "item-92"}, names)
}

func TestHydrateOnlyWhenUsed(t *testing.T) {
	w := newWorld(map[string]int{"111": 25})
	db := openWorld(t, w)
	queryStrings(t, db, "SELECT name FROM thing")
	assert.Zero(t, w.count("hydrate"), "detail not selected")

	details := queryStrings(t, db, "SELECT detail FROM thing")
	assert.Len(t, details, 25)
	assert.Equal(t, "detail of item-0", details[0])
	assert.Equal(t, 25, w.count("hydrate"), "one hydrate call per row")

	w.calls = nil
	queryStrings(t, db, "SELECT name FROM thing WHERE detail = 'detail of item-3'")
	assert.Equal(t, 25, w.count("hydrate"), "used in WHERE counts as used")
}

func TestGetByKeyAndIn(t *testing.T) {
	w := newWorld(map[string]int{"111": 25})
	db := openWorld(t, w)
	names := queryStrings(t, db, "SELECT name FROM thing WHERE name = 'item-7'")
	assert.Equal(t, []string{"item-7"}, names)
	assert.Equal(t, 0, w.count("list"))
	assert.Equal(t, 1, w.count("get"))

	w.calls = nil
	names = queryStrings(t, db, "SELECT name FROM thing WHERE name IN ('item-1', 'item-2', 'nope') ORDER BY name")
	assert.Equal(t, []string{"item-1", "item-2"}, names)
	assert.Equal(t, 0, w.count("list"))
	assert.Equal(t, 3, w.count("get"), "IN runs one Get per value")

	w.calls = nil
	names = queryStrings(t, db, "SELECT name FROM thing WHERE name = NULL")
	assert.Empty(t, names)
	assert.Zero(t, len(w.calls))
}

func TestValueEncoding(t *testing.T) {
	w := newWorld(map[string]int{"111": 2})
	db := openWorld(t, w)
	var tags, created, conn, acct, region string
	var enabled int64
	require.NoError(t, db.QueryRow("SELECT tags, created, enabled, connection, account_id, region FROM thing WHERE name = 'item-0'").
		Scan(&tags, &created, &enabled, &conn, &acct, &region))
	assert.Equal(t, `{"k":"item-0"}`, tags)
	assert.Equal(t, "2024-05-01T11:00:00Z", created)
	assert.Equal(t, int64(1), enabled)
	assert.Equal(t, []string{"conn_111", "111", "global"}, []string{conn, acct, region})
	var k string
	require.NoError(t, db.QueryRow("SELECT json_extract(tags, '$.k') FROM thing WHERE name = 'item-1'").Scan(&k))
	assert.Equal(t, "item-1", k)
}

func TestReadOnly(t *testing.T) {
	w := newWorld(map[string]int{"111": 2})
	db := openWorld(t, w)
	for _, q := range []string{
		"INSERT INTO thing(name) VALUES ('x')",
		"UPDATE thing SET name = 'y'",
		"DELETE FROM thing",
	} {
		_, err := db.Exec(q)
		require.Error(t, err, q)
		assert.Contains(t, err.Error(), "table thing is read-only", q)
		assert.ErrorIs(t, err, ErrReadOnly)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.calls {
		assert.NotContains(t, c, "list", "DELETE/UPDATE must not scan")
	}
}

func TestPruningAndFanout(t *testing.T) {
	w := newWorld(map[string]int{"111": 12, "222": 30, "333": 7})
	db := openWorld(t, w)
	names := queryStrings(t, db, "SELECT account_id || '/' || name FROM thing")
	assert.Len(t, names, 49)
	seen := map[string]bool{}
	for _, n := range names {
		seen[n] = true
	}
	assert.Len(t, seen, 49, "distinct rows")

	w.calls = nil
	names = queryStrings(t, db, "SELECT name FROM thing WHERE account_id = '222'")
	assert.Len(t, names, 30)
	assert.Equal(t, 0, w.count("list 111")+w.count("list 333"), "pruned before any call")

	w.calls = nil
	names = queryStrings(t, db, "SELECT name FROM thing WHERE connection IN ('conn_111', 'conn_333')")
	assert.Len(t, names, 19)
	assert.Zero(t, w.count("list 222"))
}

func TestFanoutIsConcurrentAndBounded(t *testing.T) {
	accts := map[string]int{}
	for i := 0; i < 12; i++ {
		accts[fmt.Sprintf("%03d", i)] = 25
	}
	w := newWorld(accts)
	w.latency = 20 * time.Millisecond
	db := openWorld(t, w)
	names := queryStrings(t, db, "SELECT name FROM thing")
	assert.Len(t, names, 300)
	assert.Greater(t, w.peak.Load(), int64(1), "accounts are read concurrently")
	assert.LessOrEqual(t, w.peak.Load(), int64(4), "within the provider's bound")
}

func TestFailingTargetWarnAndFail(t *testing.T) {
	w := newWorld(map[string]int{"111": 5, "222": 5})
	w.fail["222"] = errors.New("AccessDenied: not authorized")
	db := openWorld(t, w)
	names := queryStrings(t, db, "SELECT name FROM thing")
	assert.Len(t, names, 5, "warn mode returns the other account's rows")
	assert.Equal(t, []string{"222 list"}, w.failed)

	w.failMode = true
	_, err := db.Query("SELECT name FROM thing WHERE account_id = '222'")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `connection "conn_222" (account 222)`)
	assert.Contains(t, err.Error(), "AccessDenied")
}

func TestErrorOnLaterPageIsReported(t *testing.T) {
	w := newWorld(map[string]int{"111": 30})
	w.failMode = true
	spec := w.spec()
	list := spec.List
	spec.List = func(ctx context.Context, q *Query) (Pager, error) {
		p, _ := list(ctx, q)
		n := 0
		return PagerFunc(func(ctx context.Context) (Page, error) {
			n++
			if n == 2 {
				return Page{}, errors.New("ThrottlingException: rate exceeded")
			}
			return p.NextPage(ctx)
		}), nil
	}
	e, err := New(w, spec)
	require.NoError(t, err)
	db := e.DB()
	defer db.Close()
	rows, err := db.Query("SELECT count(*) FROM thing")
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
	}
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ThrottlingException: rate exceeded", "the cursor's error, not a bare SQL logic error")
}

func TestCancelStopsPaging(t *testing.T) {
	w := newWorld(map[string]int{"111": 1000})
	w.latency = 5 * time.Millisecond
	db := openWorld(t, w)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rows, err := db.QueryContext(ctx, "SELECT name FROM thing")
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		n++
		if n == 25 {
			cancel()
		}
	}
	rows.Close()
	assert.Less(t, n, 1000)
	assert.Less(t, w.count("list"), 100)
}

func TestEveryConnectionHasTheTables(t *testing.T) {
	w := newWorld(map[string]int{"111": 3})
	db := openWorld(t, w)
	db.SetMaxOpenConns(4)
	ctx := context.Background()
	var conns []*sql.Conn
	for i := 0; i < 3; i++ {
		c, err := db.Conn(ctx)
		require.NoError(t, err)
		conns = append(conns, c)
		var n int
		require.NoError(t, c.QueryRowContext(ctx, "SELECT count(*) FROM thing").Scan(&n))
		assert.Equal(t, 3, n)
	}
	for _, c := range conns {
		c.Close()
	}
}

// childSpec lists children ("item-N/child-M", M < N%4) of the world's items,
// which it walks as parents.
func (w *world) childSpec() *Spec {
	s := w.spec()
	s.Name = "child"
	s.GetKeys, s.Get, s.GetActions = nil, nil, nil
	s.KeyColumns = []KeyColumn{{Name: "parent", Exact: true}}
	s.Columns = []Column{
		{Name: "name", Description: "Name.", Value: func(r *Row) any { return r.Item.(item).Name }},
		{Name: "parent", Description: "Parent.", Value: func(r *Row) any { return strings.Split(r.Item.(item).Name, "/")[0] }},
	}
	s.Hydrates = nil
	parents := s.List
	s.Parents = func(ctx context.Context, q *Query) (Pager, error) {
		if _, ok := q.Quals.Equal("parent"); ok {
			return nil, nil
		}
		return parents(ctx, q)
	}
	s.List = func(ctx context.Context, q *Query) (Pager, error) {
		parent := q.Quals.String("parent")
		n := 0
		if p, ok := q.Parent.(item); ok {
			parent, n = p.Name, p.N
		} else {
			fmt.Sscanf(parent, "item-%d", &n)
		}
		return PagerFunc(func(ctx context.Context) (Page, error) {
			w.log("children " + parent)
			if w.latency > 0 {
				time.Sleep(w.latency)
			}
			if err := w.fail[parent]; err != nil {
				return Page{}, err
			}
			var p Page
			for m := 0; m < n%4; m++ {
				p.Items = append(p.Items, item{Name: fmt.Sprintf("%s/child-%d", parent, m), N: m})
			}
			return p, nil
		}), nil
	}
	return s
}

func TestParentsFanOutWithinTheBound(t *testing.T) {
	w := newWorld(map[string]int{"111": 25})
	w.latency = 10 * time.Millisecond
	e, err := New(w, w.childSpec())
	require.NoError(t, err)
	db := e.DB()
	defer db.Close()

	names := queryStrings(t, db, "SELECT name FROM child")
	want := 0
	for i := 0; i < 25; i++ {
		want += i % 4
	}
	assert.Len(t, names, want)
	assert.Equal(t, "item-1/child-0", names[0], "rows keep the parents' order")
	assert.Equal(t, 3, w.count("list"), "25 parents in pages of 10")
	assert.Equal(t, 25, w.count("children"), "one child listing per parent")
	assert.Greater(t, w.peak.Load(), int64(1), "child listings run concurrently")
	assert.LessOrEqual(t, w.peak.Load(), int64(4), "within the provider's bound")

	// A pushed-down parent key needs no walk.
	w.calls = nil
	names = queryStrings(t, db, "SELECT name FROM child WHERE parent = 'item-7'")
	assert.Equal(t, []string{"item-7/child-0", "item-7/child-1", "item-7/child-2"}, names)
	assert.Zero(t, w.count("list"))
	assert.Equal(t, 1, w.count("children"))

	// LIMIT caps the parent page: LIMIT 2 reads parents two at a time,
	// and item-0 has no children, so two pages of parents are needed.
	w.calls = nil
	names = queryStrings(t, db, "SELECT name FROM child LIMIT 2")
	assert.Equal(t, []string{"item-1/child-0", "item-2/child-0"}, names)
	assert.Equal(t, 2, w.count("list"))
	assert.Equal(t, 4, w.count("children"))

	// A failing child listing is skipped in warn mode.
	w.calls = nil
	w.fail["item-6"] = errors.New("AccessDenied")
	names = queryStrings(t, db, "SELECT name FROM child")
	assert.Len(t, names, want-2)
	assert.Contains(t, w.failed, "111 list")
}

func TestProbeWalksToTheFirstParent(t *testing.T) {
	w := newWorld(map[string]int{"111": 25})
	target := Target{Connection: "conn_111", AccountID: "111", Region: "global"}
	require.NoError(t, Probe(context.Background(), w.childSpec(), target))
	assert.Equal(t, []string{"list 111 0", "children item-0"}, w.calls, "one parent, then its children")

	w.calls = nil
	w.fail["111"] = errors.New("AccessDenied: iam:ListUsers")
	err := Probe(context.Background(), w.spec(), target)
	assert.EqualError(t, err, "AccessDenied: iam:ListUsers")
}
