package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awsqlite/awsqlite/internal/output"
)

func init() { subcommands = append(subcommands, newQueryCommand) }

func newQueryCommand(e *env) *cobra.Command {
	var (
		format  string
		out     string
		headers bool
	)
	cmd := &cobra.Command{
		Use:   `query [flags] ["SQL" | -]`,
		Short: "Run SQL statements and print their results",
		Long: `Run one or more SQL statements (separated by ';') in order and print
each result. With "-", or with no argument and stdin not a terminal, the SQL
is read from stdin.`,
		Example: `  awsqlite query "select name, arn from aws_iam_user"
  awsqlite query --format csv --out users.csv "select * from aws_iam_user"
  awsqlite query < audit.sql`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := output.ParseFormat(format)
			if err != nil {
				return usageError("--format: %v", err)
			}
			src, err := e.querySQL(args)
			if err != nil {
				return err
			}
			stmts, rest := splitStatements(src)
			if rest != "" {
				stmts = append(stmts, rest)
			}
			if len(stmts) == 0 {
				return usageError("no SQL statement given")
			}
			ctx := cmd.Context()
			s, err := e.session(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			conn, err := s.DB().Conn(ctx)
			if err != nil {
				return err
			}
			defer conn.Close()
			opts := output.Options{NoHeaders: !headers}
			if out == "" {
				return runStatements(ctx, conn, stmts, e.stdout, f, opts)
			}
			file, err := output.Create(out)
			if err != nil {
				return fmt.Errorf("--out: %w", err)
			}
			defer file.Abort()
			if err := runStatements(ctx, conn, stmts, file, f, opts); err != nil {
				return err
			}
			if err := file.Commit(); err != nil {
				return fmt.Errorf("--out: %w", err)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", string(output.Table), "output `FORMAT`: "+output.FormatNames())
	fl.StringVarP(&out, "out", "o", "", "write the results to `FILE` (replaced only when every statement succeeds)")
	fl.BoolVar(&headers, "headers", true, "print a header row (table and csv)")
	return cmd
}

// querySQL returns the SQL of the query command: the argument, or stdin
// when the argument is "-" or absent and stdin is not a terminal.
func (e *env) querySQL(args []string) (string, error) {
	if len(args) == 1 && args[0] != "-" {
		return args[0], nil
	}
	if len(args) == 0 && e.stdinIsTerminal() {
		return "", usageError(`no SQL given: pass it as an argument, or "-" to read stdin`)
	}
	b, err := io.ReadAll(e.stdin)
	if err != nil {
		return "", fmt.Errorf("read stdin: %w", err)
	}
	return string(b), nil
}

// querier runs a statement: a *sql.Conn, so that temporary tables and
// PRAGMAs carry over from one statement to the next.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// runStatements runs stmts in order and stops at the first error.
func runStatements(ctx context.Context, q querier, stmts []string, w io.Writer, f output.Format, opts output.Options) error {
	for _, stmt := range stmts {
		if _, err := runStatement(ctx, q, stmt, w, f, opts); err != nil {
			return err
		}
	}
	return nil
}

// runStatement runs one statement and writes its result.
func runStatement(ctx context.Context, q querier, stmt string, w io.Writer, f output.Format, opts output.Options) (int64, error) {
	rows, err := q.QueryContext(ctx, stmt)
	if err != nil {
		return 0, queryError(ctx, err)
	}
	n, err := output.Write(w, f, rows, opts)
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, queryError(ctx, err)
	}
	return n, nil
}

// errInterrupted reports a query stopped by Ctrl-C.
var errInterrupted = errors.New("interrupted")

// queryError turns the error of a cancelled query into errInterrupted.
func queryError(ctx context.Context, err error) error {
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "interrupted")) {
		return errInterrupted
	}
	return err
}
