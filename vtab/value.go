package vtab

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"

	sqlitevtab "modernc.org/sqlite/vtab"
)

// FormatTime renders t as RFC 3339 UTC text.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// toSQL converts a column value to one SQLite stores: nil, int64, float64,
// string or []byte. Pointers are dereferenced, booleans become 0/1,
// timestamps RFC 3339 UTC text, and anything else JSON text.
func toSQL(v any) (sqlitevtab.Value, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return x, nil
	case *string:
		if x == nil {
			return nil, nil
		}
		return *x, nil
	case []byte:
		return x, nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	case *bool:
		if x == nil {
			return nil, nil
		}
		return toSQL(*x)
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case *int32:
		if x == nil {
			return nil, nil
		}
		return int64(*x), nil
	case *int64:
		if x == nil {
			return nil, nil
		}
		return *x, nil
	case float64:
		return x, nil
	case *float64:
		if x == nil {
			return nil, nil
		}
		return *x, nil
	case time.Time:
		if x.IsZero() {
			return nil, nil
		}
		return FormatTime(x), nil
	case *time.Time:
		if x == nil || x.IsZero() {
			return nil, nil
		}
		return FormatTime(*x), nil
	case json.RawMessage:
		if len(x) == 0 {
			return nil, nil
		}
		return string(x), nil
	case fmt.Stringer:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return nil, nil
		}
		return x.String(), nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
	case reflect.String:
		// Typed strings (SDK enums).
		return rv.String(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %T as JSON: %w", v, err)
	}
	return string(b), nil
}

// copyValue copies a Filter argument so it outlives the call.
func copyValue(v sqlitevtab.Value) any {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case string:
		return string([]byte(x))
	}
	return v
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}
