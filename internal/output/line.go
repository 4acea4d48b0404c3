package output

import (
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// lineWriter writes one "column = value" line per column, names
// right-aligned, with a blank line between rows.
type lineWriter struct {
	w     io.Writer
	names []string
	b     strings.Builder
	n     int64
}

func (l *lineWriter) begin(w io.Writer, cols []string) error {
	l.w = w
	width := 0
	for _, c := range cols {
		width = max(width, runewidth.StringWidth(c))
	}
	l.names = make([]string, len(cols))
	for i, c := range cols {
		l.names[i] = pad(c, width, true)
	}
	return nil
}

func (l *lineWriter) row(vals []any) error {
	l.b.Reset()
	if l.n > 0 {
		l.b.WriteByte('\n')
	}
	for i, v := range vals {
		s, null := text(v)
		if null {
			s = nullText
		}
		l.b.WriteString(l.names[i])
		l.b.WriteString(" = ")
		l.b.WriteString(s)
		l.b.WriteByte('\n')
	}
	l.n++
	_, err := io.WriteString(l.w, l.b.String())
	return err
}

func (l *lineWriter) end() error { return nil }
