package output

import (
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// text renders a value as text; null reports SQL NULL.
func text(v any) (s string, null bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return x, false
	case []byte:
		if utf8.Valid(x) {
			return string(x), false
		}
		return "x'" + hex.EncodeToString(x) + "'", false
	case int64:
		return strconv.FormatInt(x, 10), false
	case float64:
		return formatReal(x), false
	case bool:
		if x {
			return "1", false
		}
		return "0", false
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), false
	default:
		return fmt.Sprint(x), false
	}
}

// formatReal prints a REAL the way SQLite does closely enough: always with
// a decimal point or an exponent, so 2.0 stays distinguishable from 2.
func formatReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	var s string
	if a := math.Abs(f); a == 0 || (a >= 1e-4 && a < 1e15) {
		s = strconv.FormatFloat(f, 'f', -1, 64)
	} else {
		s = strconv.FormatFloat(f, 'g', -1, 64)
	}
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// isNumber reports whether v is an INTEGER or REAL value.
func isNumber(v any) bool {
	switch v.(type) {
	case int64, float64:
		return true
	}
	return false
}

// escapeControls makes a value fit on one line of an aligned table.
var escapeControls = strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
