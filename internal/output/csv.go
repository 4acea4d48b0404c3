package output

import (
	"encoding/csv"
	"io"
)

// csvWriter writes RFC 4180 CSV: CRLF line ends, fields quoted when they
// hold a comma, quote or line break, a header row unless NoHeaders. NULL is
// an empty field.
type csvWriter struct {
	opts   Options
	w      *csv.Writer
	record []string
}

func newCSVWriter(opts Options) *csvWriter { return &csvWriter{opts: opts} }

func (c *csvWriter) begin(w io.Writer, cols []string) error {
	c.w = csv.NewWriter(w)
	c.w.UseCRLF = true
	c.record = make([]string, len(cols))
	if c.opts.NoHeaders {
		return nil
	}
	if err := c.w.Write(cols); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

func (c *csvWriter) row(vals []any) error {
	for i, v := range vals {
		c.record[i], _ = text(v)
	}
	if err := c.w.Write(c.record); err != nil {
		return err
	}
	// Flush every row so a slow scan streams; callers that write files
	// buffer below us.
	c.w.Flush()
	return c.w.Error()
}

func (c *csvWriter) end() error {
	c.w.Flush()
	return c.w.Error()
}
