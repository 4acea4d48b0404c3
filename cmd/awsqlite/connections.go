package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awsqlite/awsqlite/connection"
)

func init() { subcommands = append(subcommands, newConnectionsCmd) }

func newConnectionsCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "connections",
		Short: "List the connections: discovered organization accounts by OU, then the configured ones",
		Long: `List every connection: for each organization block, its accounts grouped by
organizational unit path with their connection names; then the standalone
connections of the configuration file. Discovery runs now (or comes from the
cache); failures are reported on stderr and make the exit status 1.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := e.session(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			return listConnections(cmd.Context(), s.Manager(), e.stdout)
		},
	}
}

// connectionLister is the part of *connection.Manager that connections
// uses.
type connectionLister interface {
	Connections(ctx context.Context) ([]connection.ConnectionInfo, error)
	Errors() []connection.ErrorRecord
}

// listConnections prints the tree; it fails (exit 1) when a connection or
// a discovery failed, after printing what it could.
func listConnections(ctx context.Context, m connectionLister, w io.Writer) error {
	before := len(m.Errors())
	infos, err := m.Connections(ctx)
	if err != nil {
		return err
	}
	if err := writeConnections(w, infos); err != nil {
		return err
	}
	if n := len(m.Errors()) - before; n > 0 {
		// Each failure was already reported on stderr by the manager.
		return silentExit(exitError)
	}
	return nil
}

// writeConnections prints the organizations, each with its accounts grouped
// by OU path, then the standalone connections of the file:
//
//	organization acme  (connection audit, account 111111111111, regions us-east-1)
//	  Root
//	    mgmt       111111111111  acme_mgmt
//	  Root/Engineering/Prod
//	    prod-app   222222222222  acme_prod_app
//
//	connections
//	  other        444444444444  regions us-east-1
func writeConnections(w io.Writer, infos []connection.ConnectionInfo) error {
	var b strings.Builder
	orgConn := map[string]connection.ConnectionInfo{}
	members := map[string][]connection.ConnectionInfo{}
	var orgs []string
	var standalone []connection.ConnectionInfo
	for _, c := range infos {
		switch {
		case c.Organization == "":
			standalone = append(standalone, c)
		case c.Source == connection.SourceConfig:
			if _, ok := orgConn[c.Organization]; !ok && members[c.Organization] == nil {
				orgs = append(orgs, c.Organization)
			}
			orgConn[c.Organization] = c
		default:
			if _, ok := orgConn[c.Organization]; !ok && members[c.Organization] == nil {
				orgs = append(orgs, c.Organization)
			}
			members[c.Organization] = append(members[c.Organization], c)
		}
	}

	for i, org := range orgs {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("organization " + org)
		if c, ok := orgConn[org]; ok {
			fmt.Fprintf(&b, "  (connection %s, account %s%s)", c.Name, orUnknown(c.AccountID), regionsNote(", ", c.Regions))
		}
		b.WriteString("\n")
		ms := members[org]
		if len(ms) == 0 {
			b.WriteString("  (no accounts discovered)\n")
			continue
		}
		byOU := map[string][]connection.ConnectionInfo{}
		var paths []string
		nameW := 0
		for _, m := range ms {
			p := m.OUPath
			if p == "" {
				p = "(no organizational unit)"
			}
			if byOU[p] == nil {
				paths = append(paths, p)
			}
			byOU[p] = append(byOU[p], m)
			nameW = max(nameW, len(accountLabel(m)))
		}
		sort.Strings(paths)
		for _, p := range paths {
			b.WriteString("  " + p + "\n")
			accts := byOU[p]
			sort.SliceStable(accts, func(i, j int) bool { return accountLabel(accts[i]) < accountLabel(accts[j]) })
			for _, m := range accts {
				fmt.Fprintf(&b, "    %-*s  %-12s  %s\n", nameW, accountLabel(m), orUnknown(m.AccountID), m.Name)
			}
		}
	}

	if len(standalone) > 0 {
		if len(orgs) > 0 {
			b.WriteString("\n")
		}
		b.WriteString("connections\n")
		nameW := 0
		for _, c := range standalone {
			nameW = max(nameW, len(c.Name))
		}
		for _, c := range standalone {
			line := fmt.Sprintf("  %-*s  %-12s%s", nameW, c.Name, orUnknown(c.AccountID), regionsNote("  ", c.Regions))
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}
	}
	if len(orgs) == 0 && len(standalone) == 0 {
		b.WriteString("no connections\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// accountLabel is how an account is named in the tree: its name in the
// organization, or its ID.
func accountLabel(c connection.ConnectionInfo) string {
	if c.AccountName != "" {
		return c.AccountName
	}
	return c.AccountID
}

func regionsNote(sep string, regions []string) string {
	if len(regions) == 0 {
		return ""
	}
	return sep + "regions " + strings.Join(regions, ",")
}

func orUnknown(s string) string {
	if s == "" {
		return "?"
	}
	return s
}
