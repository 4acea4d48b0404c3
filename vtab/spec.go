package vtab

import (
	"context"
	"errors"
	"fmt"
	"sort"
)

// Type is the SQLite storage class a column declares.
type Type int

const (
	// Text columns hold strings, RFC 3339 timestamps and JSON documents.
	Text Type = iota
	// Integer columns hold integers and booleans (0/1).
	Integer
	// Real columns hold floating point numbers.
	Real
)

func (t Type) String() string {
	switch t {
	case Integer:
		return "INTEGER"
	case Real:
		return "REAL"
	default:
		return "TEXT"
	}
}

// Scope says how a table fans out over the configured connections.
type Scope int

const (
	// Global tables are read once per connection; their region is "global"
	// (IAM).
	Global Scope = iota
	// Regional tables are read once per connection and region.
	Regional
	// Organization tables are read once per AWS Organization, not once per
	// member account (Organizations). Their region is "global".
	Organization
	// Local tables describe awsqlite itself (awsqlite_connection); they have
	// no connection, account_id or region columns and no targets.
	Local
)

func (s Scope) String() string {
	switch s {
	case Regional:
		return "regional"
	case Organization:
		return "organization"
	case Local:
		return "local"
	default:
		return "global"
	}
}

// Op is a comparison a key column accepts.
type Op string

// The operators a key column may declare.
const (
	EQ Op = "="
	GT Op = ">"
	GE Op = ">="
	LT Op = "<"
	LE Op = "<="
)

// KeyColumn declares a column whose constraints are passed to the API.
type KeyColumn struct {
	// Name is the column name.
	Name string
	// Operators lists the operators the API can apply; empty means EQ only.
	Operators []Op
	// Required makes a plan without this column an error instead of a scan.
	Required bool
	// Exact says the API applies the operator with SQL's semantics, so SQLite
	// need not check it again (the constraint is omitted). Leave it false for
	// prefix or case-insensitive matches (IAM PathPrefix, for example).
	Exact bool
	// Group names a set of key columns of which the API takes only one (the
	// CloudTrail lookup attributes). The engine pushes down the first of the
	// group that the query constrains and leaves the others to SQLite.
	Group string
}

// Ops returns the declared operators, EQ when none are declared.
func (k KeyColumn) Ops() []Op {
	if len(k.Operators) == 0 {
		return []Op{EQ}
	}
	return k.Operators
}

// Row is what a list or get function returns for one row: the API item,
// plus whatever the engine's hydrate calls add.
type Row struct {
	Item     any
	hydrated map[string]any
}

// Hydrated returns what the named hydrate function returned for this row.
func (r *Row) Hydrated(name string) any {
	if r.hydrated == nil {
		return nil
	}
	return r.hydrated[name]
}

// Hydrate is an extra per-row API call that fills some columns.
type Hydrate struct {
	// Name identifies the hydrate function within its table.
	Name string
	// Func returns the extra data for one row. It runs only when the query
	// uses one of the columns that name this hydrate.
	Func func(ctx context.Context, q *Query, item any) (any, error)
	// Actions are the IAM actions this call needs.
	Actions []string
}

// Column is one column of a table.
type Column struct {
	Name        string
	Type        Type
	Description string
	// Hydrate names the hydrate function this column needs, if any.
	Hydrate string
	// Value extracts the column value from the row. It returns a string,
	// int64, float64, bool, time.Time, []byte, nil, or anything else, which
	// the engine encodes as JSON text.
	Value func(r *Row) any
}

// Page is one page of a listing.
type Page struct {
	Items []any
	// More reports whether another page follows.
	More bool
}

// Pager returns the pages of a listing one at a time. NextPage is called
// only when the previous page has been used up; it is never called again
// after a page with More == false.
type Pager interface {
	NextPage(ctx context.Context) (Page, error)
}

// PagerFunc adapts a function to Pager.
type PagerFunc func(ctx context.Context) (Page, error)

// NextPage calls f.
func (f PagerFunc) NextPage(ctx context.Context) (Page, error) { return f(ctx) }

// Spec declares a table. The engine appends the columns connection,
// account_id and region to every table that is not Local.
type Spec struct {
	Name        string
	Description string
	Scope       Scope
	// Service names the AWS service (the client the target hands out); the
	// engine passes it to the TargetProvider for rate limiting and errors.
	Service string
	Columns []Column
	// KeyColumns are pushed down to List (and Get) as Query.Quals.
	KeyColumns []KeyColumn
	// List starts a listing for one target (or, with Parents, for one
	// parent: Query.Parent). It must not call the API: the first call
	// happens in the first NextPage.
	List func(ctx context.Context, q *Query) (Pager, error)
	// Parents, when set, lists the items a listing hangs off (the users
	// whose access keys are listed). The engine pages through the parents
	// lazily and calls List once per parent, running the child listings of
	// one page of parents concurrently within the global bound. Parents
	// returns a nil Pager when the query needs no walk (a pushed-down
	// parent key); List is then called once, without a parent.
	Parents func(ctx context.Context, q *Query) (Pager, error)
	// ListActions are the IAM actions List needs.
	ListActions []string
	// GetKeys, when every one of them is constrained with "=", make the
	// engine call Get instead of List.
	GetKeys []string
	// Get fetches one item; it returns nil, nil when the item does not exist.
	Get func(ctx context.Context, q *Query) (any, error)
	// GetActions are the IAM actions Get needs.
	GetActions []string
	// Hydrates are the per-row calls that columns may name.
	Hydrates []Hydrate
	// EstimatedRows is the typical row count of one target (planning only).
	EstimatedRows int64
}

// Query is what a list, get or hydrate function sees of the SQL query.
type Query struct {
	// Table is the spec being scanned.
	Table *Spec
	// Target is the connection and region this call is for.
	Target Target
	// Quals holds the pushed-down key-column constraints.
	Quals Quals
	// Limit is the SQL LIMIT (plus OFFSET), 0 when there is none. A list
	// function caps its page size with PageSize.
	Limit int64
	// Parent is the parent item a child listing is for (see Spec.Parents).
	Parent any
	// Used reports whether the query uses a column.
	used map[string]bool
}

// Uses reports whether the query reads the named column.
func (q *Query) Uses(column string) bool { return q.used == nil || q.used[column] }

// PageSize returns max, or the LIMIT when that is smaller.
func (q *Query) PageSize(max int32) int32 {
	if q.Limit > 0 && q.Limit < int64(max) {
		return int32(q.Limit)
	}
	return max
}

// Qual is one pushed-down constraint.
type Qual struct {
	Column string
	Op     Op
	Value  any
}

// Quals are the pushed-down constraints of one Filter call.
type Quals []Qual

// Equal returns the value of column = ?, if the query has one.
func (qs Quals) Equal(column string) (any, bool) {
	for _, q := range qs {
		if q.Column == column && q.Op == EQ {
			return q.Value, true
		}
	}
	return nil, false
}

// String returns the text of column = ?, or "" when there is none.
func (qs Quals) String(column string) string {
	v, ok := qs.Equal(column)
	if !ok || v == nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	default:
		return fmt.Sprint(x)
	}
}

// Get returns every constraint on column.
func (qs Quals) Get(column string) []Qual {
	var out []Qual
	for _, q := range qs {
		if q.Column == column {
			out = append(out, q)
		}
	}
	return out
}

// Target is one connection (and region) a table is read from.
type Target struct {
	// Connection is the connection name.
	Connection string
	// AccountID is the AWS account the connection acts in.
	AccountID string
	// Region is the region of a regional table, "global" otherwise.
	Region string
	// Handle is the provider's own value (the connection package's client
	// source); tables type-assert it.
	Handle any
}

// Prune holds the connection/account_id/region values a query constrains.
// An empty list means no constraint.
type Prune struct {
	Connections []string
	AccountIDs  []string
	Regions     []string
}

// Match reports whether t passes the pruning constraints.
func (p Prune) Match(connection, accountID, region string) bool {
	return matchAny(p.Connections, connection) && matchAny(p.AccountIDs, accountID) && matchAny(p.Regions, region)
}

func matchAny(list []string, v string) bool {
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

// TargetProvider resolves the targets a scan reads and is told of failures.
type TargetProvider interface {
	// Targets returns the targets of spec that pass prune. A target that
	// cannot be resolved (a role that cannot be assumed, say) is reported to
	// Failed by the provider itself and left out, or, in fail mode, returned
	// as the error.
	Targets(ctx context.Context, spec *Spec, prune Prune) ([]Target, error)
	// Failed is told of a failed API call of a target. It returns nil to skip
	// the target (warn mode) or the error that fails the query.
	Failed(ctx context.Context, spec *Spec, t Target, operation string, err error) error
	// Acquire takes one slot of the global concurrency bound for one API
	// call; the returned func releases it.
	Acquire(ctx context.Context) (release func(), err error)
}

// Sentinel errors.
var (
	// ErrReadOnly is returned by INSERT, UPDATE and DELETE.
	ErrReadOnly = errors.New("read-only")
	// ErrMissingKey is returned when a required key column is not constrained.
	ErrMissingKey = errors.New("missing required key column")
	// ErrInvalidInput marks a query value the API cannot take (a malformed
	// timestamp, say). It fails the query even in warn mode: it is the
	// query's fault, not a target's.
	ErrInvalidInput = errors.New("invalid input")
)

// Actions returns every IAM action the spec declares, sorted and
// deduplicated.
func (s *Spec) Actions() []string {
	seen := map[string]bool{}
	add := func(as []string) {
		for _, a := range as {
			seen[a] = true
		}
	}
	add(s.ListActions)
	add(s.GetActions)
	for _, h := range s.Hydrates {
		add(h.Actions)
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Hydrate returns the named hydrate function.
func (s *Spec) Hydrate(name string) *Hydrate {
	for i := range s.Hydrates {
		if s.Hydrates[i].Name == name {
			return &s.Hydrates[i]
		}
	}
	return nil
}

// KeyColumn returns the named key column.
func (s *Spec) KeyColumn(name string) *KeyColumn {
	for i := range s.KeyColumns {
		if s.KeyColumns[i].Name == name {
			return &s.KeyColumns[i]
		}
	}
	return nil
}

// Probe makes the first list call of spec for t, one item, the way a scan
// would (through the first parent when the listing has Parents), and
// returns its error: a permission check for `awsqlite test`.
func Probe(ctx context.Context, spec *Spec, t Target) error {
	if spec.List == nil {
		return errors.New("the table has no list function")
	}
	q := &Query{Table: spec, Target: t, Limit: 1}
	if spec.Parents != nil {
		p, err := spec.Parents(ctx, q)
		if err != nil {
			return err
		}
		if p != nil {
			pg, err := p.NextPage(ctx)
			if err != nil || len(pg.Items) == 0 {
				return err
			}
			q.Parent = pg.Items[0]
		}
	}
	pager, err := spec.List(ctx, q)
	if err != nil {
		return err
	}
	_, err = pager.NextPage(ctx)
	return err
}
