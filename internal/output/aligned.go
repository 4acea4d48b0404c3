package output

import (
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// nullText is how the human-readable formats show NULL.
const nullText = "NULL"

// grid buffers a result for the aligned formats.
type grid struct {
	w       io.Writer
	cols    []string
	cells   [][]string
	numeric []bool // column holds only numbers (and NULLs): right-align
	seen    []bool // column has a non-NULL value
}

func (g *grid) begin(w io.Writer, cols []string) error {
	g.w = w
	g.cols = cols
	g.numeric = make([]bool, len(cols))
	g.seen = make([]bool, len(cols))
	for i := range g.numeric {
		g.numeric[i] = true
	}
	return nil
}

func (g *grid) add(vals []any, render func(string) string) {
	row := make([]string, len(vals))
	for i, v := range vals {
		s, null := text(v)
		if null {
			row[i] = nullText
			continue
		}
		g.seen[i] = true
		if !isNumber(v) {
			g.numeric[i] = false
		}
		row[i] = render(s)
	}
	g.cells = append(g.cells, row)
}

func (g *grid) rightAligned(i int) bool { return g.seen[i] && g.numeric[i] }

func (g *grid) widths(header func(string) string, min int) []int {
	ws := make([]int, len(g.cols))
	for i, c := range g.cols {
		ws[i] = max(min, runewidth.StringWidth(header(c)))
	}
	for _, row := range g.cells {
		for i, s := range row {
			ws[i] = max(ws[i], runewidth.StringWidth(s))
		}
	}
	return ws
}

func pad(s string, width int, right bool) string {
	n := width - runewidth.StringWidth(s)
	if n <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", n) + s
	}
	return s + strings.Repeat(" ", n)
}

// tableWriter draws an ASCII box:
//
//	+----+-------+
//	| id | name  |
//	+----+-------+
//	|  1 | alice |
//	+----+-------+
type tableWriter struct {
	grid
	opts Options
}

func (t *tableWriter) row(vals []any) error {
	t.add(vals, escapeControls.Replace)
	return nil
}

func (t *tableWriter) end() error {
	if t.opts.NoHeaders && len(t.cells) == 0 {
		return nil
	}
	ws := t.widths(escapeControls.Replace, 0)
	var b strings.Builder
	rule := func() {
		b.WriteByte('+')
		for _, w := range ws {
			b.WriteString(strings.Repeat("-", w+2))
			b.WriteByte('+')
		}
		b.WriteByte('\n')
	}
	line := func(cells []string, header bool) {
		b.WriteByte('|')
		for i, s := range cells {
			b.WriteByte(' ')
			b.WriteString(pad(s, ws[i], !header && t.rightAligned(i)))
			b.WriteString(" |")
		}
		b.WriteByte('\n')
	}
	rule()
	if !t.opts.NoHeaders {
		hs := make([]string, len(t.cols))
		for i, c := range t.cols {
			hs[i] = escapeControls.Replace(c)
		}
		line(hs, true)
		rule()
	}
	for _, r := range t.cells {
		line(r, false)
	}
	if len(t.cells) > 0 {
		rule()
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

// markdownWriter writes a GitHub-flavoured Markdown table; numeric columns
// are right-aligned.
type markdownWriter struct{ grid }

var markdownEscape = strings.NewReplacer(`\`, `\\`, "|", `\|`, "\r\n", "<br>", "\n", "<br>", "\r", "<br>")

func (m *markdownWriter) row(vals []any) error {
	m.add(vals, markdownEscape.Replace)
	return nil
}

func (m *markdownWriter) end() error {
	ws := m.widths(markdownEscape.Replace, 3)
	var b strings.Builder
	line := func(cells []string, right func(int) bool) {
		b.WriteByte('|')
		for i, s := range cells {
			b.WriteByte(' ')
			b.WriteString(pad(s, ws[i], right(i)))
			b.WriteString(" |")
		}
		b.WriteByte('\n')
	}
	hs := make([]string, len(m.cols))
	for i, c := range m.cols {
		hs[i] = markdownEscape.Replace(c)
	}
	line(hs, func(int) bool { return false })
	b.WriteByte('|')
	for i, w := range ws {
		if m.rightAligned(i) {
			b.WriteString(" " + strings.Repeat("-", w-1) + ": |")
		} else {
			b.WriteString(" " + strings.Repeat("-", w) + " |")
		}
	}
	b.WriteByte('\n')
	for _, r := range m.cells {
		line(r, m.rightAligned)
	}
	_, err := io.WriteString(m.w, b.String())
	return err
}
