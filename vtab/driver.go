package vtab

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"

	"modernc.org/sqlite"
)

// Connector returns a driver.Connector whose connections have every table of
// the engine. modernc.org/sqlite has no eponymous virtual tables and runs its
// connection hooks before modules are registered, so the connector opens the
// connection itself and then creates each table in the temp schema.
//
// The connections it returns also carry each statement's context to the
// cursors (Ctrl-C cancels the API calls in flight) and report a cursor's
// error in place of the bare "SQL logic error" SQLite gives for a failed
// xNext.
func (e *Engine) Connector() driver.Connector { return &connector{e: e} }

type connector struct{ e *Engine }

func (c *connector) Driver() driver.Driver { return c.e.driver }

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	raw, err := c.e.driver.Open(":memory:")
	if err != nil {
		return nil, err
	}
	st := &connState{id: c.e.nextID.Add(1)}
	c.e.mu.Lock()
	c.e.conns[st.id] = st
	c.e.mu.Unlock()
	cn := &conn{Conn: raw, st: st, e: c.e}
	ex := raw.(driver.ExecerContext)
	for _, s := range c.e.specs {
		q := fmt.Sprintf("CREATE VIRTUAL TABLE temp.%q USING %s(%s, %d)", s.Name, moduleName, s.Name, st.id)
		if _, err := ex.ExecContext(ctx, q, nil); err != nil {
			cn.Close()
			return nil, fmt.Errorf("vtab: create table %s: %w", s.Name, err)
		}
	}
	// Writes are refused when the statement is prepared, so an UPDATE or
	// DELETE never scans (and so never calls AWS) before failing.
	auth, ok := raw.(sqlite.AuthorizerRegisterer)
	if !ok {
		cn.Close()
		return nil, errors.New("vtab: driver has no authorizer")
	}
	if err := auth.RegisterAuthorizer(cn.authorize); err != nil {
		cn.Close()
		return nil, err
	}
	return cn, nil
}

// authorize denies INSERT, UPDATE and DELETE on the engine's tables.
func (c *conn) authorize(action sqlite.AuthorizerActionCode, arg1, _, db, _ string) sqlite.AuthorizerReturnCode {
	switch action {
	case sqlite.AuthInsert, sqlite.AuthUpdate, sqlite.AuthDelete:
		if db == "temp" && c.e.byName[arg1] != nil {
			c.st.fail(fmt.Errorf("table %s is %w", arg1, ErrReadOnly))
			return sqlite.AuthorizerDeny
		}
	}
	return sqlite.AuthorizerOK
}

// conn wraps a modernc connection.
type conn struct {
	driver.Conn
	st *connState
	e  *Engine
}

// explain replaces err with the error a cursor recorded, if any.
func (c *conn) explain(err error) error {
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, driver.ErrSkip) {
		return err
	}
	if rec := c.st.take(); rec != nil {
		return rec
	}
	return err
}

func (c *conn) Close() error {
	c.e.mu.Lock()
	delete(c.e.conns, c.st.id)
	c.e.mu.Unlock()
	return c.Conn.Close()
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.st.begin(ctx)
	s, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, c.explain(err)
	}
	return &stmt{Stmt: s, c: c}, nil
}

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.st.begin(ctx)
	r, err := c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	if err != nil {
		return nil, c.explain(err)
	}
	return &rows{Rows: r, c: c}, nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.st.begin(ctx)
	r, err := c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
	return r, c.explain(err)
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *conn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *conn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *conn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

// Raw returns the modernc connection (for sql.Conn.Raw users).
func (c *conn) Raw() driver.Conn { return c.Conn }

type stmt struct {
	driver.Stmt
	c *conn
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.c.st.begin(ctx)
	r, err := s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
	return r, s.c.explain(err)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.c.st.begin(ctx)
	r, err := s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, s.c.explain(err)
	}
	return &rows{Rows: r, c: s.c}, nil
}

type rows struct {
	driver.Rows
	c *conn
}

func (r *rows) Next(dest []driver.Value) error { return r.c.explain(r.Rows.Next(dest)) }

// ColumnTypeDatabaseTypeName forwards column type names when the driver has
// them.
func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}
