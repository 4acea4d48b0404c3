package vtab

import (
	"context"
	"errors"
	"fmt"
	"sync"

	sqlitevtab "modernc.org/sqlite/vtab"
)

// rowOf is one row of the cursor with the target it came from.
type rowOf struct {
	row    *Row
	target *Target
}

// batch is what a source hands the cursor: the rows of one page.
type batch struct {
	rows []rowOf
	err  error
}

// source yields pages lazily. next returns ok == false when it is done.
type source interface {
	next() (batch, bool)
	close()
}

// cursor is a lazy iterator over the pages of one or more targets.
type cursor struct {
	t      *table
	ctx    context.Context
	cancel context.CancelFunc
	src    source
	rows   []rowOf
	i      int
	eof    bool
	rowid  int64
	q      *Query
}

func (c *cursor) Filter(idxNum int, idxStr string, vals []sqlitevtab.Value) error {
	c.reset()
	err := c.filter(idxNum, idxStr, vals)
	if err != nil {
		c.t.st.fail(err)
	}
	return err
}

func (c *cursor) filter(idxNum int, idxStr string, vals []sqlitevtab.Value) error {
	spec := c.t.spec
	p, err := decodePlan(idxNum, idxStr)
	if err != nil {
		return err
	}
	if len(vals) != len(p.Args) {
		return fmt.Errorf("%s: plan has %d arguments, Filter got %d", spec.Name, len(p.Args), len(vals))
	}
	q := &Query{Table: spec, used: usedColumns(c.t.cols, p.ColUsed)}
	var prune Prune
	var offset int64
	for i, a := range p.Args {
		v := copyValue(vals[i])
		switch a.Column {
		case "#limit":
			q.Limit = toInt(v)
			continue
		case "#offset":
			offset = toInt(v)
			continue
		}
		if spec.Scope != Local && a.Op == EQ {
			s, _ := v.(string)
			switch a.Column {
			case "connection":
				prune.Connections = append(prune.Connections, s)
				continue
			case "account_id":
				prune.AccountIDs = append(prune.AccountIDs, s)
				continue
			case "region":
				prune.Regions = append(prune.Regions, s)
				continue
			}
		}
		if v == nil {
			// column = NULL matches nothing.
			c.eof = true
			return nil
		}
		q.Quals = append(q.Quals, Qual{Column: a.Column, Op: a.Op, Value: v})
	}
	if q.Limit > 0 {
		q.Limit += offset
	}
	for _, kc := range spec.KeyColumns {
		if kc.Required && len(q.Quals.Get(kc.Name)) == 0 {
			return fmt.Errorf("%s: %w %q: add WHERE %s = ... to the query", spec.Name, ErrMissingKey, kc.Name, kc.Name)
		}
	}
	c.q = q
	c.ctx, c.cancel = context.WithCancel(c.t.st.context())

	var targets []Target
	if spec.Scope == Local {
		targets = []Target{{}}
	} else {
		targets, err = c.t.e.provider.Targets(c.ctx, spec, prune)
		if err != nil {
			return fmt.Errorf("%s: %w", spec.Name, err)
		}
	}
	r := &runner{e: c.t.e, spec: spec, q: q, get: p.Get}
	if len(targets) == 1 {
		c.src = &serialSource{r: r, ctx: c.ctx, target: &targets[0]}
	} else {
		c.src = newFanout(c.ctx, r, targets)
	}
	return c.advance()
}

// advance moves to the next row, fetching the next page when the current
// one is used up.
func (c *cursor) advance() error {
	c.i++
	for c.i >= len(c.rows) {
		if c.src == nil {
			c.eof = true
			return nil
		}
		b, ok := c.src.next()
		if !ok {
			c.eof = true
			return nil
		}
		if b.err != nil {
			c.eof = true
			return b.err
		}
		c.rows, c.i = b.rows, 0
	}
	c.rowid++
	return nil
}

func (c *cursor) Next() error {
	if c.eof {
		return nil
	}
	if c.q != nil && c.q.Limit > 0 && c.rowid >= c.q.Limit {
		// SQLite stops at the LIMIT itself; stop paging too.
		c.eof = true
		return nil
	}
	err := c.advance()
	if err != nil {
		c.t.st.fail(err)
	}
	return err
}

func (c *cursor) Eof() bool { return c.eof }

func (c *cursor) Column(col int) (sqlitevtab.Value, error) {
	if c.eof || c.i >= len(c.rows) || col < 0 || col >= len(c.t.cols) {
		return nil, nil
	}
	r := c.rows[c.i]
	n := len(c.t.spec.Columns)
	switch {
	case col < n:
		v, err := toSQL(c.t.cols[col].Value(r.row))
		if err != nil {
			err = fmt.Errorf("%s.%s: %w", c.t.spec.Name, c.t.cols[col].Name, err)
			c.t.st.fail(err)
		}
		return v, err
	case col == n:
		return r.target.Connection, nil
	case col == n+1:
		return r.target.AccountID, nil
	default:
		return r.target.Region, nil
	}
}

func (c *cursor) Rowid() (int64, error) { return c.rowid, nil }

func (c *cursor) reset() {
	if c.src != nil {
		c.src.close()
	}
	if c.cancel != nil {
		c.cancel()
	}
	*c = cursor{t: c.t}
}

func (c *cursor) Close() error {
	c.reset()
	return nil
}

// usedColumns turns SQLite's colUsed mask into column names. Bit 63 stands
// for column 63 and every column after it.
func usedColumns(cols []Column, mask uint64) map[string]bool {
	used := map[string]bool{}
	for i, c := range cols {
		bit := i
		if bit > 63 {
			bit = 63
		}
		if mask&(1<<uint(bit)) != 0 {
			used[c.Name] = true
		}
	}
	return used
}

// runner does the API work of one scan: list or get, then hydrate.
type runner struct {
	e    *Engine
	spec *Spec
	q    *Query
	get  bool
}

func (r *runner) query(t *Target) *Query {
	q := *r.q
	q.Target = *t
	return &q
}

// acquire takes a slot of the global concurrency bound.
func (r *runner) acquire(ctx context.Context) (func(), error) {
	if r.spec.Scope == Local || r.e.provider == nil {
		return func() {}, nil
	}
	return r.e.provider.Acquire(ctx)
}

// failed reports an API failure; nil means skip the target.
func (r *runner) failed(ctx context.Context, t *Target, op string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if r.spec.Scope == Local || r.e.provider == nil || errors.Is(err, ErrInvalidInput) {
		return fmt.Errorf("%s: %w", r.spec.Name, err)
	}
	if ferr := r.e.provider.Failed(ctx, r.spec, *t, op, err); ferr != nil {
		if errors.Is(ferr, err) || ferr == err {
			return fmt.Errorf("%s: %s in %s/%s: %w", r.spec.Name, op, t.AccountID, t.Region, ferr)
		}
		return ferr
	}
	return nil
}

// hydrate runs the hydrate functions the query needs for every row of a
// page, concurrently within the global bound.
func (r *runner) hydrate(ctx context.Context, t *Target, q *Query, rows []rowOf) error {
	var needed []*Hydrate
	seen := map[string]bool{}
	for _, c := range r.spec.Columns {
		if c.Hydrate != "" && !seen[c.Hydrate] && q.Uses(c.Name) {
			seen[c.Hydrate] = true
			needed = append(needed, r.spec.Hydrate(c.Hydrate))
		}
	}
	if len(needed) == 0 || len(rows) == 0 {
		return nil
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for _, row := range rows {
		row.row.hydrated = make(map[string]any, len(needed))
		for _, h := range needed {
			wg.Add(1)
			go func(row *Row, h *Hydrate) {
				defer wg.Done()
				release, err := r.acquire(ctx)
				if err != nil {
					mu.Lock()
					firstErr = errors.Join(firstErr, err)
					mu.Unlock()
					return
				}
				v, err := h.Func(ctx, q, row.Item)
				release()
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					if ferr := r.failed(ctx, t, h.Name, err); ferr != nil && firstErr == nil {
						firstErr = ferr
					}
					return
				}
				row.hydrated[h.Name] = v
			}(row.row, h)
		}
	}
	wg.Wait()
	return firstErr
}

// target reads one target page by page.
type targetReader struct {
	r       *runner
	t       *Target
	q       *Query
	pager   Pager
	parents Pager
	done    bool
}

func (r *runner) reader(t *Target) *targetReader {
	return &targetReader{r: r, t: t, q: r.query(t)}
}

// page returns the next page of rows; ok is false when the target is done
// or was skipped after a failure.
func (tr *targetReader) page(ctx context.Context) (rows []rowOf, ok bool, err error) {
	if tr.done {
		return nil, false, nil
	}
	r := tr.r
	var items []any
	if r.get {
		tr.done = true
		release, err := r.acquire(ctx)
		if err != nil {
			return nil, false, err
		}
		item, err := r.spec.Get(ctx, tr.q)
		release()
		if err != nil {
			return nil, false, r.failed(ctx, tr.t, "get", err)
		}
		if item != nil {
			items = []any{item}
		}
	} else {
		if tr.pager == nil && tr.parents == nil {
			if err := tr.start(ctx); err != nil {
				tr.done = true
				return nil, false, r.failed(ctx, tr.t, "list", err)
			}
		}
		var err error
		if tr.parents != nil {
			items, err = tr.children(ctx)
		} else {
			items, err = tr.next(ctx, tr.pager)
		}
		if err != nil {
			tr.done = true
			return nil, false, err
		}
	}
	rows = make([]rowOf, len(items))
	for i, it := range items {
		rows[i] = rowOf{row: &Row{Item: it}, target: tr.t}
	}
	if err := r.hydrate(ctx, tr.t, tr.q, rows); err != nil {
		tr.done = true
		return nil, false, err
	}
	return rows, true, nil
}

// start begins the listing: the parent walk when the spec has one and the
// query needs it, else the listing itself.
func (tr *targetReader) start(ctx context.Context) error {
	if tr.r.spec.Parents != nil {
		p, err := tr.r.spec.Parents(ctx, tr.q)
		if err != nil {
			return err
		}
		if p != nil {
			tr.parents = p
			return nil
		}
	}
	p, err := tr.r.spec.List(ctx, tr.q)
	tr.pager = p
	return err
}

// next fetches one page of p within the global bound; a page with
// More == false, or a failure (skipped in warn mode), finishes the target.
func (tr *targetReader) next(ctx context.Context, p Pager) ([]any, error) {
	r := tr.r
	release, err := r.acquire(ctx)
	if err != nil {
		tr.done = true
		return nil, err
	}
	pg, err := p.NextPage(ctx)
	release()
	if err != nil {
		tr.done = true
		return nil, r.failed(ctx, tr.t, "list", err)
	}
	tr.done = !pg.More
	return pg.Items, nil
}

// children fetches the next page of parents and every child listing of
// that page, concurrently; the rows keep the parents' order. A child
// listing that fails is reported and skipped in warn mode.
func (tr *targetReader) children(ctx context.Context) ([]any, error) {
	r := tr.r
	parents, err := tr.next(ctx, tr.parents)
	if err != nil || len(parents) == 0 {
		return nil, err
	}
	results := make([][]any, len(parents))
	errs := make([]error, len(parents))
	var wg sync.WaitGroup
	for i, parent := range parents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := *tr.q
			q.Parent = parent
			p, err := r.spec.List(ctx, &q)
			for err == nil {
				var release func()
				if release, err = r.acquire(ctx); err != nil {
					break
				}
				var pg Page
				pg, err = p.NextPage(ctx)
				release()
				results[i] = append(results[i], pg.Items...)
				if !pg.More {
					break
				}
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	var items []any
	for i := range parents {
		if errs[i] != nil {
			if ferr := r.failed(ctx, tr.t, "list", errs[i]); ferr != nil {
				return nil, ferr
			}
			continue
		}
		items = append(items, results[i]...)
	}
	return items, nil
}

// serialSource reads one target on the caller's goroutine: a page is
// fetched only when SQLite has used up the previous one.
type serialSource struct {
	r      *runner
	ctx    context.Context
	target *Target
	tr     *targetReader
}

func (s *serialSource) next() (batch, bool) {
	if s.tr == nil {
		s.tr = s.r.reader(s.target)
	}
	rows, ok, err := s.tr.page(s.ctx)
	if err != nil {
		return batch{err: err}, true
	}
	if !ok {
		return batch{}, false
	}
	return batch{rows: rows}, true
}

func (s *serialSource) close() {}

// fanout reads several targets concurrently. Each target's goroutine fetches
// one page ahead at most: it blocks until the cursor takes the page, so a
// query that stops early (LIMIT) stops the paging too. Rows stream in the
// order pages arrive.
type fanout struct {
	cancel context.CancelFunc
	ch     chan batch
	wg     sync.WaitGroup
}

func newFanout(ctx context.Context, r *runner, targets []Target) *fanout {
	ctx, cancel := context.WithCancel(ctx)
	f := &fanout{cancel: cancel, ch: make(chan batch)}
	for i := range targets {
		f.wg.Add(1)
		go func(t *Target) {
			defer f.wg.Done()
			tr := r.reader(t)
			for {
				rows, ok, err := tr.page(ctx)
				if err != nil {
					select {
					case f.ch <- batch{err: err}:
					case <-ctx.Done():
					}
					return
				}
				if !ok {
					return
				}
				if len(rows) == 0 {
					continue
				}
				select {
				case f.ch <- batch{rows: rows}:
				case <-ctx.Done():
					return
				}
			}
		}(&targets[i])
	}
	go func() {
		f.wg.Wait()
		close(f.ch)
	}()
	return f
}

func (f *fanout) next() (batch, bool) {
	b, ok := <-f.ch
	return b, ok
}

func (f *fanout) close() {
	f.cancel()
	// Drain so no goroutine stays blocked on a send.
	for range f.ch {
	}
}
