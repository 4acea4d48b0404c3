// Command governance runs the governance queries of examples/sql against an
// AWS organization (or the embedded demo) and writes each result as CSV.
//
//	go run ./examples/governance -demo -out reports/
//	go run ./examples/governance -config awsqlite.hcl -out reports/
package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/awsqlite/awsqlite"
)

func main() {
	demo := flag.Bool("demo", false, "query the embedded demo organization")
	config := flag.String("config", "", "awsqlite configuration file")
	dir := flag.String("sql", "examples/sql", "folder of .sql files")
	out := flag.String("out", ".", "folder for the CSV reports")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *demo, *config, *dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "governance:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, demo bool, config, dir, out string) error {
	var s *awsqlite.Session
	var err error
	if demo {
		s, err = awsqlite.OpenDemo(ctx)
	} else {
		var cfg *awsqlite.Config
		if cfg, err = awsqlite.LoadConfig(config); err == nil {
			s, err = awsqlite.New(ctx, cfg)
		}
	}
	if err != nil {
		return err
	}
	defer s.Close()
	files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	if err != nil {
		return err
	}
	for _, f := range files {
		q, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(filepath.Base(f), ".sql") + ".csv"
		n, err := report(ctx, s.DB(), string(q), filepath.Join(out, name))
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		fmt.Printf("%-28s %5d rows\n", name, n)
	}
	return nil
}

// report runs q and writes its rows as CSV with a header row.
func report(ctx context.Context, db *sql.DB, q, path string) (int, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	if err := w.Write(cols); err != nil {
		return 0, err
	}
	n := 0
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	rec := make([]string, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, v := range vals {
			rec[i] = v.String
		}
		if err := w.Write(rec); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	w.Flush()
	return n, w.Error()
}
