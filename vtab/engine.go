package vtab

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite"
	sqlitevtab "modernc.org/sqlite/vtab"
)

// moduleName is the SQLite module every awsqlite table is created with.
const moduleName = "awsqlite"

// Engine turns specs into SQLite virtual tables. Every connection of the
// *sql.DB it opens has every table (created in the temp schema right after
// the connection opens).
type Engine struct {
	specs    []*Spec
	byName   map[string]*Spec
	provider TargetProvider
	driver   *sqlite.Driver

	mu     sync.Mutex
	conns  map[int64]*connState
	nextID atomic.Int64
}

// New validates specs and returns an engine that reads targets from p.
func New(p TargetProvider, specs ...*Spec) (*Engine, error) {
	e := &Engine{
		byName:   map[string]*Spec{},
		provider: p,
		driver:   &sqlite.Driver{},
		conns:    map[int64]*connState{},
	}
	for _, s := range specs {
		if err := Validate(s); err != nil {
			return nil, err
		}
		if _, dup := e.byName[s.Name]; dup {
			return nil, fmt.Errorf("vtab: table %s registered twice", s.Name)
		}
		e.byName[s.Name] = s
		e.specs = append(e.specs, s)
	}
	sort.Slice(e.specs, func(i, j int) bool { return e.specs[i].Name < e.specs[j].Name })
	if err := e.driver.RegisterModule(moduleName, &module{e: e}); err != nil {
		return nil, err
	}
	return e, nil
}

// Specs returns the registered tables, sorted by name.
func (e *Engine) Specs() []*Spec { return e.specs }

// Spec returns the named table.
func (e *Engine) Spec(name string) *Spec { return e.byName[name] }

// DB opens a *sql.DB on an in-memory SQLite whose connections have every
// table.
func (e *Engine) DB() *sql.DB { return sql.OpenDB(e.Connector()) }

// Columns returns every column of spec, the automatic ones included.
func Columns(spec *Spec) []Column {
	if spec.Scope == Local {
		return spec.Columns
	}
	cols := make([]Column, 0, len(spec.Columns)+len(autoColumns))
	cols = append(cols, spec.Columns...)
	return append(cols, autoColumns...)
}

func (e *Engine) state(id int64) *connState {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.conns[id]
}

// module implements sqlitevtab.Module. Its arguments are the spec name and
// the id of the connection state (set by the connector).
type module struct{ e *Engine }

func (m *module) Create(ctx sqlitevtab.Context, args []string) (sqlitevtab.Table, error) {
	return m.Connect(ctx, args)
}

func (m *module) Connect(ctx sqlitevtab.Context, args []string) (sqlitevtab.Table, error) {
	if len(args) < 5 {
		return nil, fmt.Errorf("vtab: usage: CREATE VIRTUAL TABLE x USING %s(table, conn)", moduleName)
	}
	name := strings.TrimSpace(args[3])
	spec := m.e.byName[name]
	if spec == nil {
		return nil, fmt.Errorf("vtab: no table %q", name)
	}
	id, err := strconv.ParseInt(strings.TrimSpace(args[4]), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("vtab: bad connection id %q", args[4])
	}
	cols := Columns(spec)
	if err := ctx.Declare(schemaSQL(cols)); err != nil {
		return nil, fmt.Errorf("vtab: declare %s: %w", name, err)
	}
	return &table{e: m.e, spec: spec, cols: cols, st: m.e.state(id)}, nil
}

func schemaSQL(cols []Column) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE x(")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q %s", c.Name, c.Type)
	}
	b.WriteString(")")
	return b.String()
}

// table is one virtual table on one SQLite connection.
type table struct {
	e    *Engine
	spec *Spec
	cols []Column
	st   *connState
}

func (t *table) BestIndex(info *sqlitevtab.IndexInfo) error {
	err := bestIndex(t.spec, t.cols, info)
	if err != nil {
		t.st.fail(err)
	}
	return err
}

func (t *table) Open() (sqlitevtab.Cursor, error) { return &cursor{t: t}, nil }

func (t *table) Disconnect() error { return nil }

func (t *table) Destroy() error { return nil }

// readOnly is the error of every write.
func (t *table) readOnly() error {
	err := fmt.Errorf("table %s is %w", t.spec.Name, ErrReadOnly)
	t.st.fail(err)
	return err
}

func (t *table) Insert(cols []sqlitevtab.Value, rowid *int64) error { return t.readOnly() }

func (t *table) Update(old int64, cols []sqlitevtab.Value, rowid *int64) error {
	return t.readOnly()
}

func (t *table) Delete(old int64) error { return t.readOnly() }

// connState is what the engine knows of one SQLite connection: the context
// of the statement running on it and the first error a cursor hit (the
// driver reports a failed xNext with no message, so the connection wrapper
// swaps in this error).
type connState struct {
	id  int64
	mu  sync.Mutex
	ctx context.Context
	err error
}

func (s *connState) context() context.Context {
	if s == nil {
		return context.Background()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx == nil {
		return context.Background()
	}
	return s.ctx
}

func (s *connState) begin(ctx context.Context) {
	s.mu.Lock()
	s.ctx, s.err = ctx, nil
	s.mu.Unlock()
}

func (s *connState) fail(err error) {
	if s == nil || err == nil {
		return
	}
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
}

// take returns and clears the recorded error.
func (s *connState) take() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.err
	s.err = nil
	return err
}

var _ driver.Connector = (*connector)(nil)
