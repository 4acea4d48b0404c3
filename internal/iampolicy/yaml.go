package iampolicy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is a small YAML emitter for the values templates are made of
// (Map, []any, []string, string, int, bool). It is deterministic (Map order
// is kept) and conservative: a string is written plain only when it cannot
// be read back as anything but that string by a YAML 1.1 or 1.2 parser
// (CloudFormation's included); every other string is double-quoted with
// escapes.

// plainSafe matches strings that are safe unquoted: they start with a
// letter, so they are never numbers, dates, anchors, aliases, tags or
// indicators, and contain no ": ", " #", quotes, brackets or braces.
var plainSafe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.:/*+=,@-]*$`)

// yamlKeywords are the plain scalars YAML 1.1 resolves to booleans or null.
var yamlKeywords = map[string]bool{
	"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true,
	"true": true, "false": true, "null": true,
}

// YAML returns v as a YAML document with a final newline.
func YAML(v any) ([]byte, error) {
	var b strings.Builder
	if err := writeYAML(&b, v, 0); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// writeYAML writes a block value that starts on its own line at indent.
func writeYAML(b *strings.Builder, v any, indent int) error {
	pad := strings.Repeat(" ", indent)
	switch x := v.(type) {
	case Map:
		if len(x) == 0 {
			b.WriteString(pad + "{}\n")
			return nil
		}
		for _, f := range x {
			b.WriteString(pad + yamlKey(f.Key) + ":")
			if err := writeYAMLValue(b, f.Value, indent); err != nil {
				return fmt.Errorf("%s: %w", f.Key, err)
			}
		}
		return nil
	case []any, []string:
		items := anySlice(x)
		if len(items) == 0 {
			b.WriteString(pad + "[]\n")
			return nil
		}
		for _, it := range items {
			b.WriteString(pad + "-")
			if m, ok := it.(Map); ok && len(m) > 0 {
				// The first key goes on the dash's line; the rest line up
				// under it.
				var sub strings.Builder
				if err := writeYAML(&sub, m, indent+2); err != nil {
					return err
				}
				b.WriteString(" " + strings.TrimPrefix(sub.String(), pad+"  "))
				continue
			}
			if err := writeYAMLValue(b, it, indent); err != nil {
				return err
			}
		}
		return nil
	default:
		s, err := yamlScalar(v)
		if err != nil {
			return err
		}
		b.WriteString(pad + s + "\n")
		return nil
	}
}

// writeYAMLValue writes the value after "key:" or "-" at indent: scalars
// and empty collections on the same line, others on the following lines.
func writeYAMLValue(b *strings.Builder, v any, indent int) error {
	switch x := v.(type) {
	case Map:
		if len(x) == 0 {
			b.WriteString(" {}\n")
			return nil
		}
		b.WriteString("\n")
		return writeYAML(b, x, indent+2)
	case []any, []string:
		if len(anySlice(x)) == 0 {
			b.WriteString(" []\n")
			return nil
		}
		b.WriteString("\n")
		return writeYAML(b, x, indent+2)
	default:
		s, err := yamlScalar(v)
		if err != nil {
			return err
		}
		b.WriteString(" " + s + "\n")
		return nil
	}
}

func anySlice(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	}
	return nil
}

func yamlScalar(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return yamlString(x), nil
	case int:
		return strconv.Itoa(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	default:
		return "", fmt.Errorf("yaml: unsupported value of type %T", v)
	}
}

func yamlKey(k string) string { return yamlString(k) }

// yamlString returns s plain when that is unambiguous, else double-quoted.
func yamlString(s string) string {
	if plainSafe.MatchString(s) && !strings.HasSuffix(s, ":") && !yamlKeywords[strings.ToLower(s)] {
		return s
	}
	return quoteYAML(s)
}

// quoteYAML double-quotes s, escaping the quote, the backslash and every
// character outside YAML's printable set.
func quoteYAML(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\uFFFD`)
		case yamlPrintable(r):
			b.WriteRune(r)
		case r <= 0xFFFF:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			fmt.Fprintf(&b, `\U%08X`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// yamlPrintable reports whether r may appear unescaped in a double-quoted
// scalar. Line breaks and tabs are escaped by the caller; U+0085, U+2028,
// U+2029 and the byte order mark are escaped to keep the scalar on one line.
func yamlPrintable(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0x7E:
		return true
	case r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xFEFF:
		return false
	case r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}
