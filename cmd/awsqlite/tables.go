package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awsqlite/awsqlite/internal/output"
	"github.com/awsqlite/awsqlite/vtab"
)

func init() { subcommands = append(subcommands, newTablesCommand) }

func newTablesCommand(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "tables [TABLE]",
		Short: "List the tables, or describe one table's columns and IAM actions",
		Example: `  awsqlite tables
  awsqlite tables aws_iam_user`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := output.ParseFormat(format)
			if err != nil {
				return usageError("--format: %v", err)
			}
			s, err := e.session(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			eng := s.Engine()
			if len(args) == 0 {
				_, err := output.Write(e.stdout, f, tableList(eng.Specs(), ""), output.Options{})
				return err
			}
			spec, err := findTable(eng, args[0])
			if err != nil {
				return err
			}
			return describeTable(e.stdout, f, spec)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", string(output.Table), "output `FORMAT`: "+output.FormatNames())
	return cmd
}

// tableList lists the tables whose name contains filter.
func tableList(specs []*vtab.Spec, filter string) *output.Static {
	res := &output.Static{Cols: []string{"name", "description"}}
	for _, s := range specs {
		if strings.Contains(s.Name, strings.ToLower(filter)) {
			res.Data = append(res.Data, []any{s.Name, s.Description})
		}
	}
	return res
}

// findTable returns the named table, or an error that suggests near names.
func findTable(eng *vtab.Engine, name string) (*vtab.Spec, error) {
	if s := eng.Spec(name); s != nil {
		return s, nil
	}
	if s := eng.Spec(strings.ToLower(name)); s != nil {
		return s, nil
	}
	names := make([]string, 0, len(eng.Specs()))
	for _, s := range eng.Specs() {
		names = append(names, s.Name)
	}
	if near := nearNames(name, names, 3); len(near) > 0 {
		return nil, fmt.Errorf("unknown table %q (did you mean %s?)", name, strings.Join(near, ", "))
	}
	return nil, fmt.Errorf("unknown table %q (run 'awsqlite tables' to list them)", name)
}

// describeTable prints the columns of spec and, in the human formats, its
// description and IAM actions.
func describeTable(w io.Writer, f output.Format, spec *vtab.Spec) error {
	human := f == output.Table || f == output.Markdown || f == output.Line
	if human {
		fmt.Fprintf(w, "%s: %s\n\n", spec.Name, spec.Description)
	}
	if _, err := output.Write(w, f, columnList(spec), output.Options{}); err != nil {
		return err
	}
	if !human {
		return nil
	}
	actions := spec.Actions()
	if len(actions) == 0 {
		_, err := fmt.Fprintln(w, "\nIAM actions: none")
		return err
	}
	fmt.Fprintln(w, "\nIAM actions:")
	for _, a := range actions {
		fmt.Fprintf(w, "  %s\n", a)
	}
	return nil
}

// columnList lists the columns of spec with their notes: key columns and
// their operators, hydrated columns and the actions they need, automatic
// columns.
func columnList(spec *vtab.Spec) *output.Static {
	own := map[string]bool{}
	for _, c := range spec.Columns {
		own[c.Name] = true
	}
	res := &output.Static{Cols: []string{"name", "type", "description", "notes"}}
	for _, c := range vtab.Columns(spec) {
		var notes []string
		if k := spec.KeyColumn(c.Name); k != nil {
			ops := make([]string, 0, len(k.Ops()))
			for _, op := range k.Ops() {
				ops = append(ops, string(op))
			}
			kind := "key"
			if k.Required {
				kind = "required key"
			}
			notes = append(notes, fmt.Sprintf("%s (%s)", kind, strings.Join(ops, ", ")))
		}
		if c.Hydrate != "" {
			note := "hydrated"
			if h := spec.Hydrate(c.Hydrate); h != nil && len(h.Actions) > 0 {
				note += " (" + strings.Join(h.Actions, ", ") + ")"
			}
			notes = append(notes, note)
		}
		if !own[c.Name] {
			notes = append(notes, "automatic")
		}
		res.Data = append(res.Data, []any{c.Name, c.Type.String(), c.Description, strings.Join(notes, "; ")})
	}
	return res
}

// nearNames returns up to limitN of names that look like name: containing
// it, or within a small edit distance, closest first.
func nearNames(name string, names []string, limitN int) []string {
	name = strings.ToLower(name)
	type cand struct {
		name string
		dist int
	}
	var cs []cand
	limit := max(1, len(name)/4)
	for _, n := range names {
		switch d := editDistance(name, n); {
		case d <= limit:
			cs = append(cs, cand{n, d})
		case len(name) >= 3 && strings.Contains(n, name):
			cs = append(cs, cand{n, limit + 1 + len(n) - len(name)})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].dist < cs[j].dist })
	var out []string
	for i := 0; i < len(cs) && i < limitN; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
