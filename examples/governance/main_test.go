package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every example query runs on the demo organization and the access-review
// queries find what the demo seeds.
func TestExamplesRunOnTheDemo(t *testing.T) {
	out := t.TempDir()
	require.NoError(t, run(context.Background(), true, "", "../sql", out))
	files, err := filepath.Glob("../sql/*.sql")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		name := filepath.Base(f)
		rows := readCSV(t, filepath.Join(out, name[:len(name)-4]+".csv"))
		require.NotEmpty(t, rows, name)
		if name != "stale_access_keys.sql" {
			assert.Greater(t, len(rows), 1, "%s finds rows on the demo", name)
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	return rows
}
