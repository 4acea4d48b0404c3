package output

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sample has NULLs, integers, reals, and text with commas, quotes, line
// breaks, a JSON document and a wide character.
const sample = `
select 1 as id, 'alice' as name, 1.5 as score, null as note
union all select 2, 'bob, "the builder"', 2.0, 'line1
line2'
union all select 3, '{"a":1}', -0.25, 'a|b <&>'
union all select 40, 'zoë', null, ''`

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func render(t *testing.T, db *sql.DB, f Format, query string, opts Options) (string, int64, error) {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), query)
	require.NoError(t, err)
	defer rows.Close()
	var b bytes.Buffer
	n, err := Write(&b, f, rows, opts)
	return b.String(), n, err
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), got)
}

func TestFormatsGolden(t *testing.T) {
	db := openDB(t)
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			got, n, err := render(t, db, f, sample, Options{})
			require.NoError(t, err)
			assert.EqualValues(t, 4, n)
			golden(t, string(f), got)
		})
	}
}

func TestFormatsEmptyResult(t *testing.T) {
	db := openDB(t)
	want := map[Format]string{
		Table:    "+---+-------+\n| a | bcdef |\n+---+-------+\n",
		CSV:      "a,bcdef\r\n",
		JSON:     "[]\n",
		JSONL:    "",
		Markdown: "| a   | bcdef |\n| --- | ----- |\n",
		Line:     "",
	}
	for _, f := range Formats() {
		got, n, err := render(t, db, f, "select 1 as a, 2 as bcdef where 0", Options{})
		require.NoError(t, err)
		assert.Zero(t, n)
		assert.Equal(t, want[f], got, f)
	}
}

func TestNoHeaders(t *testing.T) {
	db := openDB(t)
	got, _, err := render(t, db, CSV, "select 1 as a, 'x' as b", Options{NoHeaders: true})
	require.NoError(t, err)
	assert.Equal(t, "1,x\r\n", got)
	got, _, err = render(t, db, Table, "select 1 as a, 'x' as b", Options{NoHeaders: true})
	require.NoError(t, err)
	assert.Equal(t, "+---+---+\n| 1 | x |\n+---+---+\n", got)
}

func TestNoColumnsWritesNothing(t *testing.T) {
	db := openDB(t)
	for _, f := range Formats() {
		got, _, err := render(t, db, f, "create temp table if not exists t(x)", Options{})
		require.NoError(t, err)
		assert.Empty(t, got, f)
	}
}

// The CSV must read back to the same fields with a standard parser.
func TestCSVRoundTrip(t *testing.T) {
	db := openDB(t)
	got, _, err := render(t, db, CSV, sample, Options{})
	require.NoError(t, err)
	recs, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 5)
	assert.Equal(t, []string{"id", "name", "score", "note"}, recs[0])
	assert.Equal(t, []string{"2", `bob, "the builder"`, "2.0", "line1\nline2"}, recs[2])
	assert.Equal(t, []string{"1", "alice", "1.5", ""}, recs[1])
}

// JSON keeps storage classes: numbers are numbers, NULL is null, a TEXT
// value holding JSON is still a string, and keys keep column order.
func TestJSONTypes(t *testing.T) {
	db := openDB(t)
	got, _, err := render(t, db, JSON, sample, Options{})
	require.NoError(t, err)
	var objs []map[string]any
	dec := json.NewDecoder(strings.NewReader(got))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&objs))
	require.Len(t, objs, 4)
	assert.Equal(t, json.Number("1"), objs[0]["id"])
	assert.Equal(t, json.Number("1.5"), objs[0]["score"])
	assert.Nil(t, objs[0]["note"])
	assert.Contains(t, objs[0], "note")
	assert.Equal(t, `{"a":1}`, objs[2]["name"])
	assert.Nil(t, objs[3]["score"])
	assert.True(t, strings.HasPrefix(strings.Split(got, "\n")[1], `{"id":1,"name":"alice","score":1.5,"note":null}`), got)

	lines, _, err := render(t, db, JSONL, sample, Options{})
	require.NoError(t, err)
	ls := strings.Split(strings.TrimSuffix(lines, "\n"), "\n")
	require.Len(t, ls, 4)
	for _, l := range ls {
		assert.True(t, json.Valid([]byte(l)), l)
	}
}

func TestStatic(t *testing.T) {
	s := &Static{Cols: []string{"name", "n"}, Data: [][]any{{"a", int64(1)}, {"b", nil}}}
	var b bytes.Buffer
	n, err := Write(&b, JSONL, s, Options{})
	require.NoError(t, err)
	assert.EqualValues(t, 2, n)
	assert.Equal(t, "{\"name\":\"a\",\"n\":1}\n{\"name\":\"b\",\"n\":null}\n", b.String())
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats() {
		got, err := ParseFormat(strings.ToUpper(string(f)))
		require.NoError(t, err)
		assert.Equal(t, f, got)
	}
	_, err := ParseFormat("xml")
	assert.True(t, errors.Is(err, ErrUnknownFormat))
	assert.Contains(t, err.Error(), "table|csv|json|jsonl|markdown|line")
}

func TestFormatReal(t *testing.T) {
	for in, want := range map[float64]string{2: "2.0", -0.25: "-0.25", 1e20: "1e+20", 123456789: "123456789.0", 1e-7: "1e-07", 0: "0.0"} {
		assert.Equal(t, want, formatReal(in), in)
	}
}

type failingRows struct {
	Static
	err error
}

func (f *failingRows) Err() error { return f.err }

// A failed result is an error, and the aligned formats print nothing of it.
func TestRowsError(t *testing.T) {
	boom := errors.New("interrupted")
	for _, f := range []Format{Table, Markdown} {
		r := &failingRows{Static: Static{Cols: []string{"a"}, Data: [][]any{{int64(1)}}}, err: boom}
		var b bytes.Buffer
		_, err := Write(&b, f, r, Options{})
		assert.ErrorIs(t, err, boom)
		assert.Empty(t, b.String())
	}
}

func TestFileCommitAndAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	require.NoError(t, os.WriteFile(path, []byte("old\n"), 0o600))

	f, err := Create(path)
	require.NoError(t, err)
	_, err = f.WriteString("partial")
	require.NoError(t, err)
	f.Abort()
	got, _ := os.ReadFile(path)
	assert.Equal(t, "old\n", string(got), "an aborted export leaves the old file")

	f, err = Create(path)
	require.NoError(t, err)
	defer f.Abort()
	_, err = f.WriteString("new\n")
	require.NoError(t, err)
	require.NoError(t, f.Commit())
	got, _ = os.ReadFile(path)
	assert.Equal(t, "new\n", string(got))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the existing file's mode is kept")

	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary files left behind")
}
