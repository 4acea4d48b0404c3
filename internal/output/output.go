package output

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Format is an output format name.
type Format string

// The formats.
const (
	Table    Format = "table"
	CSV      Format = "csv"
	JSON     Format = "json"
	JSONL    Format = "jsonl"
	Markdown Format = "markdown"
	Line     Format = "line"
)

// Formats lists every format, the default (table) first.
func Formats() []Format { return []Format{Table, CSV, JSON, JSONL, Markdown, Line} }

// FormatNames returns the format names joined with "|", for usage text.
func FormatNames() string {
	names := make([]string, 0, len(Formats()))
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return strings.Join(names, "|")
}

// ErrUnknownFormat is returned by ParseFormat for a name it does not know.
var ErrUnknownFormat = errors.New("unknown output format")

// ParseFormat returns the format called name (case-insensitive).
func ParseFormat(name string) (Format, error) {
	n := Format(strings.ToLower(strings.TrimSpace(name)))
	for _, f := range Formats() {
		if n == f {
			return f, nil
		}
	}
	return "", fmt.Errorf("%w %q (want %s)", ErrUnknownFormat, name, FormatNames())
}

// Rows is what the writers read: *sql.Rows satisfies it, and so does Static.
type Rows interface {
	Columns() ([]string, error)
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// Options tune a writer.
type Options struct {
	// NoHeaders leaves out the header row of table and csv (markdown always
	// has one).
	NoHeaders bool
}

// Write writes rows to w in format f and returns how many rows it wrote.
// It does not close rows. A statement without result columns writes
// nothing.
func Write(w io.Writer, f Format, rows Rows, opts Options) (int64, error) {
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	var fw formatWriter
	switch f {
	case Table, "":
		fw = &tableWriter{opts: opts}
	case CSV:
		fw = newCSVWriter(opts)
	case JSON:
		fw = &jsonWriter{}
	case JSONL:
		fw = &jsonWriter{lines: true}
	case Markdown:
		fw = &markdownWriter{}
	case Line:
		fw = &lineWriter{}
	default:
		return 0, fmt.Errorf("%w %q", ErrUnknownFormat, string(f))
	}
	if len(cols) == 0 {
		// Statements like CREATE TEMP TABLE: step them, print nothing.
		for rows.Next() {
		}
		return 0, rows.Err()
	}
	if err := fw.begin(w, cols); err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		if err := fw.row(vals); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		// What was already written stays written; the aligned formats
		// print nothing of a failed result.
		return n, err
	}
	return n, fw.end()
}

// formatWriter is one format: begin with the column names, one call per
// row (vals is reused between calls), end after the last row.
type formatWriter interface {
	begin(w io.Writer, cols []string) error
	row(vals []any) error
	end() error
}

// Static is an in-memory result, for listings that do not come from SQL
// (the tables command, for example).
type Static struct {
	Cols []string
	Data [][]any
	i    int
}

// Columns returns the column names.
func (s *Static) Columns() ([]string, error) { return s.Cols, nil }

// Next advances to the next row.
func (s *Static) Next() bool {
	if s.i >= len(s.Data) {
		return false
	}
	s.i++
	return true
}

// Scan copies the current row into dest, which must be *any.
func (s *Static) Scan(dest ...any) error {
	if s.i == 0 || s.i > len(s.Data) {
		return errors.New("output: Scan called without a row")
	}
	row := s.Data[s.i-1]
	if len(dest) != len(row) {
		return fmt.Errorf("output: Scan: %d destinations for %d columns", len(dest), len(row))
	}
	for i, d := range dest {
		p, ok := d.(*any)
		if !ok {
			return fmt.Errorf("output: Scan: destination %d is %T, not *any", i, d)
		}
		*p = row[i]
	}
	return nil
}

// Err returns nil: a static result cannot fail.
func (s *Static) Err() error { return nil }
