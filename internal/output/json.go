package output

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
)

// jsonWriter writes an array of objects (one per line, inside "[" and
// "]"), or with lines set one object per line (JSON Lines). Keys follow the
// column order.
type jsonWriter struct {
	lines bool
	w     io.Writer
	keys  [][]byte // each column name encoded as a JSON string plus ':'
	buf   bytes.Buffer
	enc   *json.Encoder
	n     int64
}

func (j *jsonWriter) begin(w io.Writer, cols []string) error {
	j.w = w
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetEscapeHTML(false)
	j.keys = make([][]byte, len(cols))
	for i, c := range cols {
		j.buf.Reset()
		if err := j.str(c); err != nil {
			return err
		}
		j.buf.WriteByte(':')
		j.keys[i] = bytes.Clone(j.buf.Bytes())
	}
	j.buf.Reset()
	if j.lines {
		return nil
	}
	_, err := io.WriteString(w, "[")
	return err
}

// str appends s to the buffer as a JSON string.
func (j *jsonWriter) str(s string) error {
	if err := j.enc.Encode(s); err != nil {
		return err
	}
	j.buf.Truncate(j.buf.Len() - 1) // Encode's newline
	return nil
}

func (j *jsonWriter) row(vals []any) error {
	j.buf.Reset()
	switch {
	case j.lines:
	case j.n == 0:
		j.buf.WriteString("\n")
	default:
		j.buf.WriteString(",\n")
	}
	j.buf.WriteByte('{')
	for i, v := range vals {
		if i > 0 {
			j.buf.WriteByte(',')
		}
		j.buf.Write(j.keys[i])
		if err := j.value(v); err != nil {
			return err
		}
	}
	j.buf.WriteByte('}')
	if j.lines {
		j.buf.WriteByte('\n')
	}
	j.n++
	_, err := j.w.Write(j.buf.Bytes())
	return err
}

func (j *jsonWriter) value(v any) error {
	switch x := v.(type) {
	case nil:
		j.buf.WriteString("null")
	case int64, bool:
		s, _ := text(x)
		j.buf.WriteString(s)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			j.buf.WriteString("null")
		} else {
			j.buf.WriteString(formatReal(x))
		}
	default:
		s, _ := text(x)
		return j.str(s)
	}
	return nil
}

func (j *jsonWriter) end() error {
	if j.lines {
		return nil
	}
	tail := "\n]\n"
	if j.n == 0 {
		tail = "]\n"
	}
	_, err := io.WriteString(j.w, tail)
	return err
}
