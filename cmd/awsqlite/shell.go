package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/peterh/liner"
	"github.com/spf13/cobra"

	"github.com/awsqlite/awsqlite"
	"github.com/awsqlite/awsqlite/internal/output"
)

// shellFlags are the flags of the shell (the root command and "shell").
type shellFlags struct {
	format  string
	headers bool
}

func (f *shellFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.format, "format", "f", string(output.Table), "initial output `FORMAT` (.mode): "+output.FormatNames())
	cmd.Flags().BoolVar(&f.headers, "headers", true, "print header rows (.headers)")
}

func newShellCommand(e *env) *cobra.Command {
	var sh shellFlags
	cmd := &cobra.Command{
		Use:   "shell",
		Short: "Start the interactive SQL shell (the default command)",
		Long: `Start an interactive SQL shell. Statements end with ';' and may span
lines; enter ".help" for the dot commands. Ctrl-C cancels the running query,
Ctrl-D exits. With stdin not a terminal, the statements read from stdin run
without prompts.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runShell(cmd.Context(), e, sh)
		},
	}
	sh.register(cmd)
	return cmd
}

// shell is one shell session.
type shell struct {
	e      *env
	s      *awsqlite.Session
	conn   *sql.Conn
	format output.Format
	opts   output.Options
	timer  bool

	out     io.Writer // .output destination: stdout or outFile
	outFile *os.File
	once    string // .once: the next statement's result goes here

	pending strings.Builder // the lines of an unfinished statement
	quit    bool

	mu     sync.Mutex
	cancel context.CancelFunc // cancels the running statement
}

func runShell(ctx context.Context, e *env, fl shellFlags) error {
	f, err := output.ParseFormat(fl.format)
	if err != nil {
		return usageError("--format: %v", err)
	}
	s, err := e.session(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	conn, err := s.DB().Conn(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	defer conn.Close()
	sh := &shell{e: e, s: s, conn: conn, format: f, opts: output.Options{NoHeaders: !fl.headers}, out: e.stdout}
	defer sh.closeOutput()
	if e.stdinIsTerminal() && e.stdoutIsTerminal() {
		return sh.interactive(ctx)
	}
	return sh.script(ctx, e.stdin)
}

// script runs the statements and dot commands read from r, without
// prompts (stdin or stdout is not a terminal). Errors are reported and the script goes on (like sqlite3); the
// exit code is 1 when any failed.
func (sh *shell) script(ctx context.Context, r io.Reader) error {
	br := bufio.NewReader(r)
	failed := false
	for !sh.quit {
		line, err := br.ReadString('\n')
		if line != "" && !sh.input(ctx, strings.TrimSuffix(line, "\n")) {
			failed = true
		}
		if ctx.Err() != nil {
			return errInterrupted
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
	}
	if !sh.quit && !sh.flush(ctx) {
		failed = true
	}
	if failed {
		return silentExit(exitError)
	}
	return nil
}

// interactive runs the line-editing shell on the terminal.
func (sh *shell) interactive(ctx context.Context) error {
	base := context.WithoutCancel(ctx) // a Ctrl-C ends a query, not the shell
	fmt.Fprintf(sh.e.stderr, "awsqlite: %d tables. Enter \".help\" for usage hints, Ctrl-D to exit.\n", len(sh.s.Engine().Specs()))

	line := liner.NewLiner()
	defer line.Close()
	line.SetCtrlCAborts(true)
	line.SetMultiLineMode(true)
	line.SetCompleter(sh.complete)
	hist := historyPath()
	if hist != "" {
		if f, err := os.Open(hist); err == nil {
			line.ReadHistory(f)
			f.Close()
		}
		defer saveHistory(line, hist)
	}

	// While a statement runs the terminal is in cooked mode, so Ctrl-C is a
	// SIGINT: cancel that statement. SIGTERM ends the shell.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	term := make(chan struct{})
	go func() {
		for sig := range sigs {
			sh.cancelRunning()
			if sig == syscall.SIGTERM {
				close(term)
				return
			}
		}
	}()

	// liner blocks in Prompt; read in a goroutine so SIGTERM can end the
	// shell at the prompt.
	type input struct {
		text string
		err  error
	}
	prompts := make(chan string)
	inputs := make(chan input, 1)
	defer close(prompts)
	go func() {
		for p := range prompts {
			t, err := line.Prompt(p)
			inputs <- input{t, err}
		}
	}()

	var entry []string // the lines of the history entry being typed
	for !sh.quit {
		prompt := "awsqlite> "
		if sh.pending.Len() > 0 {
			prompt = "     ...> "
		}
		prompts <- prompt
		var in input
		select {
		case in = <-inputs:
		case <-term:
			return silentExit(exitError)
		}
		switch {
		case errors.Is(in.err, liner.ErrPromptAborted): // Ctrl-C: drop the line
			sh.pending.Reset()
			entry = nil
			continue
		case errors.Is(in.err, io.EOF): // Ctrl-D
			fmt.Fprintln(sh.e.stderr)
			return nil
		case in.err != nil:
			return fmt.Errorf("read input: %w", in.err)
		}
		if strings.TrimSpace(in.text) != "" {
			entry = append(entry, strings.TrimSpace(in.text))
		}
		qctx, cancel := context.WithCancel(base)
		sh.setCancel(cancel)
		sh.input(qctx, in.text)
		sh.setCancel(nil)
		cancel()
		if sh.pending.Len() == 0 && len(entry) > 0 {
			line.AppendHistory(strings.Join(entry, " "))
			entry = nil
		}
	}
	return nil
}

func (sh *shell) setCancel(c context.CancelFunc) {
	sh.mu.Lock()
	sh.cancel = c
	sh.mu.Unlock()
}

func (sh *shell) cancelRunning() {
	sh.mu.Lock()
	if sh.cancel != nil {
		sh.cancel()
	}
	sh.mu.Unlock()
}

// input handles one line: a dot command at the start of a statement, or
// SQL, which runs as soon as a statement is complete. It reports whether
// everything it ran succeeded.
func (sh *shell) input(ctx context.Context, line string) bool {
	if sh.pending.Len() == 0 && strings.HasPrefix(strings.TrimSpace(line), ".") {
		if err := sh.dot(ctx, strings.TrimSpace(line)); err != nil {
			printError(sh.e.stderr, err)
			return false
		}
		return true
	}
	sh.pending.WriteString(line)
	sh.pending.WriteByte('\n')
	stmts, rest := splitStatements(sh.pending.String())
	if len(stmts) == 0 {
		if rest == "" {
			sh.pending.Reset() // only blanks and comments
		}
		return true
	}
	sh.pending.Reset()
	if rest != "" {
		sh.pending.WriteString(rest)
		sh.pending.WriteByte('\n')
	}
	ok := true
	for _, stmt := range stmts {
		if !sh.run(ctx, stmt) {
			ok = false
		}
		if ctx.Err() != nil {
			sh.pending.Reset()
			break
		}
	}
	return ok
}

// flush runs an unfinished statement left at the end of the input.
func (sh *shell) flush(ctx context.Context) bool {
	_, rest := splitStatements(sh.pending.String())
	sh.pending.Reset()
	if rest == "" {
		return true
	}
	return sh.run(ctx, rest)
}

// run runs one statement, reporting its error.
func (sh *shell) run(ctx context.Context, stmt string) bool {
	w := sh.out
	var once *output.File
	if sh.once != "" {
		f, err := output.Create(sh.once)
		sh.once = ""
		if err != nil {
			printError(sh.e.stderr, fmt.Errorf(".once: %w", err))
			return false
		}
		defer f.Abort()
		once, w = f, f
	}
	start := time.Now()
	_, err := runStatement(ctx, sh.conn, stmt, w, sh.format, sh.opts)
	if err == nil && once != nil {
		err = once.Commit()
	}
	if sh.timer {
		fmt.Fprintf(sh.e.stderr, "Run Time: %.3fs\n", time.Since(start).Seconds())
	}
	if err != nil {
		printError(sh.e.stderr, err)
		return false
	}
	return true
}

const shellHelp = `.columns TABLE        describe TABLE: columns, key columns, hydrated columns, IAM actions
.exit                 exit the shell (also .quit, Ctrl-D)
.headers on|off       print header rows (table and csv)
.help                 show this message
.mode [FORMAT]        set (or show) the output format: ` + "%s" + `
.once FILE            write the next statement's result to FILE
.output [FILE]        write results to FILE; ".output" or ".output stdout" for stdout
.quit                 exit the shell
.schema [TABLE]       show the CREATE TABLE statement of TABLE (or of every table)
.show                 show the current settings
.tables [FILTER]      list the tables (whose name contains FILTER) with descriptions
.timer on|off         print the run time of each statement on stderr

Statements end with ';' and may span lines. Ctrl-C cancels the running
statement or clears the line.
`

// dot runs a dot command.
func (sh *shell) dot(ctx context.Context, line string) error {
	args := strings.Fields(line)
	cmd, args := args[0], args[1:]
	nargs := func(min, max int) error {
		if len(args) < min || len(args) > max {
			return fmt.Errorf("usage: %s", dotUsage(cmd))
		}
		return nil
	}
	switch cmd {
	case ".help":
		fmt.Fprintf(sh.out, shellHelp, output.FormatNames())
	case ".quit", ".exit":
		sh.quit = true
	case ".tables":
		if err := nargs(0, 1); err != nil {
			return err
		}
		filter := ""
		if len(args) == 1 {
			filter = args[0]
		}
		_, err := output.Write(sh.out, sh.format, tableList(sh.s.Engine().Specs(), filter), sh.opts)
		return err
	case ".columns":
		if err := nargs(1, 1); err != nil {
			return err
		}
		spec, err := findTable(sh.s.Engine(), args[0])
		if err != nil {
			return err
		}
		return describeTable(sh.out, sh.format, spec)
	case ".schema":
		if err := nargs(0, 1); err != nil {
			return err
		}
		return sh.schema(ctx, args)
	case ".mode":
		if err := nargs(0, 1); err != nil {
			return err
		}
		if len(args) == 0 {
			fmt.Fprintf(sh.out, "current output mode: %s\n", sh.format)
			return nil
		}
		f, err := output.ParseFormat(args[0])
		if err != nil {
			return err
		}
		sh.format = f
	case ".headers":
		if err := nargs(1, 1); err != nil {
			return err
		}
		on, err := onOff(args[0])
		if err != nil {
			return err
		}
		sh.opts.NoHeaders = !on
	case ".timer":
		if err := nargs(1, 1); err != nil {
			return err
		}
		on, err := onOff(args[0])
		if err != nil {
			return err
		}
		sh.timer = on
	case ".output":
		if err := nargs(0, 1); err != nil {
			return err
		}
		sh.closeOutput()
		if len(args) == 0 || args[0] == "stdout" {
			return nil
		}
		f, err := os.Create(args[0])
		if err != nil {
			return err
		}
		sh.out, sh.outFile = f, f
	case ".once":
		if err := nargs(1, 1); err != nil {
			return err
		}
		sh.once = args[0]
	case ".show":
		dest := "stdout"
		if sh.outFile != nil {
			dest = sh.outFile.Name()
		}
		fmt.Fprintf(sh.out, "   mode: %s\nheaders: %s\n  timer: %s\n output: %s\n", sh.format, onOffText(!sh.opts.NoHeaders), onOffText(sh.timer), dest)
	default:
		return fmt.Errorf("unknown command %q: enter \".help\" for the dot commands", cmd)
	}
	return nil
}

func dotUsage(cmd string) string {
	for _, l := range strings.Split(shellHelp, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == cmd {
			return strings.Join(strings.Fields(l[:min(len(l), 22)]), " ")
		}
	}
	return cmd
}

// schema prints the CREATE TABLE statements SQLite knows for the tables.
func (sh *shell) schema(ctx context.Context, args []string) error {
	specs := sh.s.Engine().Specs()
	if len(args) == 1 {
		spec, err := findTable(sh.s.Engine(), args[0])
		if err != nil {
			return err
		}
		specs = specs[:0:0]
		specs = append(specs, spec)
	}
	for _, spec := range specs {
		var b strings.Builder
		fmt.Fprintf(&b, "-- %s\nCREATE TABLE %s (\n", spec.Description, spec.Name)
		cols := columnList(spec)
		for i, row := range cols.Data {
			sep := ","
			if i == len(cols.Data)-1 {
				sep = ""
			}
			fmt.Fprintf(&b, "  %s %s%s -- %s", row[0], row[1], sep, row[2])
			if row[3] != "" {
				fmt.Fprintf(&b, " [%s]", row[3])
			}
			b.WriteByte('\n')
		}
		b.WriteString(");\n")
		if _, err := io.WriteString(sh.out, b.String()); err != nil {
			return err
		}
	}
	return nil
}

func onOff(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "on", "yes", "true", "1":
		return true, nil
	case "off", "no", "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("want on or off, not %q", s)
}

func onOffText(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// closeOutput ends a .output file and goes back to stdout.
func (sh *shell) closeOutput() {
	if sh.outFile != nil {
		if err := sh.outFile.Close(); err != nil {
			printError(sh.e.stderr, fmt.Errorf(".output: %w", err))
		}
	}
	sh.out, sh.outFile = sh.e.stdout, nil
}

// complete completes dot commands and table names (liner's Completer).
func (sh *shell) complete(line string) []string {
	i := strings.LastIndexAny(line, " \t\n(,")
	head, word := line[:i+1], line[i+1:]
	var cands []string
	if i < 0 && strings.HasPrefix(word, ".") {
		for _, l := range strings.Split(shellHelp, "\n") {
			if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(f[0], word) {
				cands = append(cands, f[0]+" ")
			}
		}
	} else if word != "" {
		for _, s := range sh.s.Engine().Specs() {
			if strings.HasPrefix(s.Name, strings.ToLower(word)) {
				cands = append(cands, head+s.Name)
			}
		}
	}
	sort.Strings(cands)
	return cands
}

// historyPath is $XDG_STATE_HOME/awsqlite/history or
// ~/.local/state/awsqlite/history, "" when there is no home.
func historyPath() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "awsqlite", "history")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".local", "state", "awsqlite", "history")
}

// saveHistory writes the history; a directory that cannot be written is
// not an error worth reporting.
func saveHistory(line *liner.State, path string) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return
	}
	line.WriteHistory(f)
	f.Close()
}
