package iampolicy

import (
	"bytes"
	"encoding/json"
)

// Map is a JSON/YAML object whose keys keep the order they were added in,
// so that templates print deterministically and in the order a reader
// expects (Type before Properties, for instance).
type Map []Field

// Field is one key of a Map.
type Field struct {
	Key string
	// Value is a string, int, bool, []any, []string or Map.
	Value any
}

// Get returns the value of key, or nil.
func (m Map) Get(key string) any {
	for _, f := range m {
		if f.Key == key {
			return f.Value
		}
	}
	return nil
}

// MarshalJSON writes the fields in order.
func (m Map) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshalJSON(f.Key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := marshalJSON(f.Value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshalJSON is json.Marshal without HTML escaping.
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// indentJSON returns v as JSON indented by two spaces, with a final newline.
func indentJSON(v any) ([]byte, error) {
	raw, err := marshalJSON(v)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// toMap converts a policy document to a Map with IAM's usual key order.
func (d Document) toMap() Map {
	stmts := make([]any, len(d.Statement))
	for i, s := range d.Statement {
		stmts[i] = Map{
			{"Effect", s.Effect},
			{"Action", s.Action},
			{"Resource", s.Resource},
		}
	}
	return Map{{"Version", d.Version}, {"Statement", stmts}}
}
