package main

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awsqlite/awsqlite/internal/iampolicy"
)

func init() { subcommands = append(subcommands, newTemplateCmd) }

type templateFlags struct {
	trustedAccount string
	externalID     string
	roleName       string
	tables         []string
	stackSet       bool
	format         string
}

func newTemplateCmd(e *env) *cobra.Command {
	var f templateFlags
	cmd := &cobra.Command{
		Use:   "template --trusted-account ID --external-id X --role-name NAME",
		Short: "Print a CloudFormation template that creates the delegated role",
		Long: `Print a CloudFormation template that creates the read-only IAM role
awsqlite assumes: trusted by the account awsqlite runs in (--trusted-account),
only with the external id (--external-id), allowed exactly the actions of the
tables (all, or --tables).

With --stackset the template is for the organization's management account:
it creates the role there and a service-managed StackSet that creates it in
every account of the organizational units given as the OrganizationalUnitIds
parameter, including accounts added later.`,
		Example: `  awsqlite template --trusted-account 111122223333 --external-id o-example-Xk29fPq1 \
      --role-name AwsqliteAudit > role.yaml
  aws cloudformation deploy --template-file role.yaml --stack-name awsqlite \
      --capabilities CAPABILITY_NAMED_IAM`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			out, err := renderTemplate(f)
			if err != nil {
				return err
			}
			_, err = e.stdout.Write(out)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.trustedAccount, "trusted-account", "", "12-digit `ID` of the account awsqlite runs in (required)")
	fl.StringVar(&f.externalID, "external-id", "", "external `ID` that AssumeRole must send (required)")
	fl.StringVar(&f.roleName, "role-name", "", "`NAME` of the role to create (required)")
	fl.StringSliceVar(&f.tables, "tables", nil, "comma-separated table `NAMES` (default: every table)")
	fl.BoolVar(&f.stackSet, "stackset", false, "template for the management account that also deploys the role to organizational units")
	fl.StringVar(&f.format, "format", "yaml", "template `FORMAT`: yaml or json")
	return cmd
}

// renderTemplate validates the flags and returns the template text.
func renderTemplate(f templateFlags) ([]byte, error) {
	var missing []string
	for _, m := range []struct{ flag, v string }{
		{"--trusted-account", f.trustedAccount},
		{"--external-id", f.externalID},
		{"--role-name", f.roleName},
	} {
		if m.v == "" {
			missing = append(missing, m.flag)
		}
	}
	if len(missing) > 0 {
		return nil, usageError("missing required flag(s): %s", strings.Join(missing, ", "))
	}
	format := strings.ToLower(strings.TrimSpace(f.format))
	if format != "yaml" && format != "json" {
		return nil, usageError("--format: want yaml or json, got %q", f.format)
	}
	doc, err := policyFor(f.tables)
	if err != nil {
		return nil, err
	}
	opts := iampolicy.RoleOptions{TrustedAccount: f.trustedAccount, ExternalID: f.externalID, RoleName: f.roleName, Policy: doc}
	build := iampolicy.RoleTemplate
	if f.stackSet {
		build = iampolicy.StackSetTemplate
	}
	tpl, err := build(opts)
	if errors.Is(err, iampolicy.ErrInvalidInput) {
		return nil, usageError("%v", err)
	}
	if err != nil {
		return nil, err
	}
	if format == "json" {
		return tpl.JSON()
	}
	return tpl.YAML()
}
