package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hashicorp/go-hclog"
	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/awsqlite/awsqlite"
	"github.com/awsqlite/awsqlite/connection"
)

// subcommands builds every command but the root. Each file of this package
// adds its commands in init, so a new command needs no edit here.
var subcommands []func(*env) *cobra.Command

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // a query or runtime error
	exitUsage = 2 // a usage or configuration error
)

// env is what the commands share: the standard streams and the global
// flags.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	configPath string
	demo       bool
	logLevel   string
}

// exitErr carries an exit code with an error. A nil err means the command
// already reported what went wrong.
type exitErr struct {
	code int
	err  error
}

func (e *exitErr) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitErr) Unwrap() error { return e.err }

// usageError makes err exit 2.
func usageError(format string, args ...any) error {
	return &exitErr{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// silentExit exits with code without printing anything more.
func silentExit(code int) error { return &exitErr{code: code} }

// run is the whole program: it returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCommand(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitUsage // errors that do not come from a RunE: flags, arguments
	var ee *exitErr
	if errors.As(err, &ee) {
		code = ee.code
		err = ee.err
	}
	if err != nil {
		printError(stderr, err)
		if code == exitUsage && !errors.Is(err, connection.ErrConfig) {
			fmt.Fprintln(stderr, "Run 'awsqlite --help' for usage.")
		}
	}
	return code
}

// printError writes "awsqlite: <message>", one prefix per line of a
// multi-line message (configuration errors list every problem).
func printError(w io.Writer, err error) {
	for _, line := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
		fmt.Fprintf(w, "awsqlite: %s\n", line)
	}
}

// newRootCommand builds the command tree. The root command without a
// subcommand runs the shell.
func newRootCommand(e *env) *cobra.Command {
	var sh shellFlags
	root := &cobra.Command{
		Use:   "awsqlite",
		Short: "Query the identities in your AWS estate with SQL",
		Long: `awsqlite exposes AWS identity listings (IAM, Cognito, Amazon Connect,
Directory Service, IAM Identity Center, Organizations, CloudTrail) as
read-only SQLite tables.

Without a command it starts an interactive SQL shell; with stdin not a
terminal it runs the statements read from stdin.`,
		Args:          cobra.NoArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runShell(cmd.Context(), e, sh)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&e.configPath, "config", "", "configuration `FILE` (default $AWSQLITE_CONFIG, ./awsqlite.hcl, ~/.config/awsqlite/config.hcl)")
	pf.BoolVar(&e.demo, "demo", false, "query a built-in emulated AWS organization instead of AWS")
	pf.StringVar(&e.logLevel, "log-level", "error", "log `LEVEL` on stderr: trace, debug, info, warn, error or off")
	sh.register(root)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitErr{code: exitUsage, err: err}
	})
	root.CompletionOptions.HiddenDefaultCmd = true

	root.AddCommand(newShellCommand(e))
	for _, sub := range subcommands {
		root.AddCommand(sub(e))
	}
	classifyErrors(root)
	return root
}

// classifyErrors wraps the RunE of cmd and its children so their errors
// exit 1, or 2 for configuration errors.
func classifyErrors(cmd *cobra.Command) {
	if f := cmd.RunE; f != nil {
		cmd.RunE = func(c *cobra.Command, args []string) error {
			err := f(c, args)
			if err == nil {
				return nil
			}
			var ee *exitErr
			if errors.As(err, &ee) {
				return err
			}
			if errors.Is(err, connection.ErrConfig) {
				return &exitErr{code: exitUsage, err: err}
			}
			return &exitErr{code: exitError, err: err}
		}
	}
	for _, c := range cmd.Commands() {
		classifyErrors(c)
	}
}

// logger returns the logger the --log-level flag asks for.
func (e *env) logger() (hclog.Logger, error) {
	lvl := hclog.LevelFromString(e.logLevel)
	if lvl == hclog.NoLevel {
		return nil, usageError("invalid --log-level %q (want trace, debug, info, warn, error or off)", e.logLevel)
	}
	return hclog.New(&hclog.LoggerOptions{Name: "awsqlite", Level: lvl, Output: e.stderr}), nil
}

// session opens the demo organization with --demo, else the configuration.
// The caller closes it. The session outlives a cancelled ctx (the shell
// cancels single queries, not the session).
func (e *env) session(ctx context.Context) (*awsqlite.Session, error) {
	log, err := e.logger()
	if err != nil {
		return nil, err
	}
	ctx = context.WithoutCancel(ctx)
	opts := []awsqlite.Option{connection.WithStderr(e.stderr), connection.WithLogger(log)}
	if e.demo {
		if e.configPath != "" {
			return nil, usageError("--demo and --config cannot be used together")
		}
		return awsqlite.OpenDemo(ctx, opts...)
	}
	cfg, err := awsqlite.LoadConfig(e.configPath)
	if err != nil {
		return nil, err
	}
	return awsqlite.New(ctx, cfg, opts...)
}

// stdinIsTerminal reports whether stdin is an interactive terminal.
func (e *env) stdinIsTerminal() bool {
	f, ok := e.stdin.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// stdoutIsTerminal reports whether stdout is an interactive terminal.
func (e *env) stdoutIsTerminal() bool {
	f, ok := e.stdout.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
