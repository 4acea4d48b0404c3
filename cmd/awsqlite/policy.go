package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/awsqlite/awsqlite/internal/iampolicy"
	"github.com/awsqlite/awsqlite/tables"
	"github.com/awsqlite/awsqlite/vtab"
)

func init() { subcommands = append(subcommands, newPolicyCmd) }

func newPolicyCmd(e *env) *cobra.Command {
	var names []string
	cmd := &cobra.Command{
		Use:   "policy [--tables t1,t2]",
		Short: "Print the least-privilege IAM policy the tables need",
		Long: `Print the IAM policy (JSON) that allows exactly the read-only actions the
tables declare: every table, or those named with --tables.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, err := policyFor(names)
			if err != nil {
				return err
			}
			_, err = e.stdout.Write(doc.JSON())
			return err
		},
	}
	cmd.Flags().StringSliceVar(&names, "tables", nil, "comma-separated table `NAMES` (default: every table)")
	return cmd
}

// policyFor returns the policy of the named tables (all when none). An
// unknown table is a usage error.
func policyFor(names []string) (iampolicy.Document, error) {
	doc, err := iampolicy.ForTables(awsTables(), names)
	if errors.Is(err, iampolicy.ErrUnknownTable) || errors.Is(err, iampolicy.ErrNoTables) {
		return doc, usageError("--tables: %v", err)
	}
	return doc, err
}

// awsTables returns the specs of the AWS tables (not awsqlite's own).
func awsTables() []*vtab.Spec {
	var out []*vtab.Spec
	for _, s := range tables.All() {
		if s.Scope != vtab.Local {
			out = append(out, s)
		}
	}
	return out
}
