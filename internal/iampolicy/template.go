package iampolicy

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/awsqlite/awsqlite/vtab"
)

// ErrInvalidInput is returned for a template input that AWS would reject.
var ErrInvalidInput = errors.New("invalid input")

// MaxSessionDuration is the role's maximum session duration in seconds.
const MaxSessionDuration = 3600

// maxInlinePolicySize is IAM's limit on the aggregate size of a role's
// inline policies (characters, whitespace excluded).
const maxInlinePolicySize = 10240

var (
	accountIDRe  = regexp.MustCompile(`^[0-9]{12}$`)
	externalIDRe = regexp.MustCompile(`^[\w+=,.@:/-]+$`) // 2 to 1224 characters
	roleNameRe   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
)

// RoleOptions describe the delegated role awsqlite assumes.
type RoleOptions struct {
	// TrustedAccount is the 12-digit account whose principals may assume
	// the role (the account awsqlite runs in).
	TrustedAccount string
	// ExternalID must be sent with every AssumeRole call.
	ExternalID string
	// RoleName is the name of the role (the same in every account).
	RoleName string
	// Policy is the role's inline policy (see Policy and ForTables).
	Policy Document
}

// Validate checks the options against IAM's rules.
func (o RoleOptions) Validate() error {
	if !accountIDRe.MatchString(o.TrustedAccount) {
		return fmt.Errorf("%w: trusted account %q: want a 12-digit AWS account id", ErrInvalidInput, o.TrustedAccount)
	}
	if n := len(o.ExternalID); n < 2 || n > 1224 || !externalIDRe.MatchString(o.ExternalID) {
		return fmt.Errorf("%w: external id: want 2 to 1224 characters of letters, digits and +=,.@:/-_", ErrInvalidInput)
	}
	if !roleNameRe.MatchString(o.RoleName) {
		return fmt.Errorf("%w: role name %q: want 1 to 64 characters of letters, digits and +=,.@-_", ErrInvalidInput, o.RoleName)
	}
	if len(o.Policy.Statement) == 0 || len(o.Policy.Actions()) == 0 {
		return fmt.Errorf("%w: the policy allows no action", ErrInvalidInput)
	}
	for _, a := range o.Policy.Actions() {
		if !vtab.ReadOnlyAction(a) {
			return fmt.Errorf("%w: %q", ErrNotReadOnly, a)
		}
	}
	raw, err := marshalJSON(o.Policy.toMap())
	if err != nil {
		return err
	}
	if len(raw) > maxInlinePolicySize {
		return fmt.Errorf("%w: the policy is %d characters, more than IAM's %d for a role's inline policies; choose fewer tables", ErrInvalidInput, len(raw), maxInlinePolicySize)
	}
	return nil
}

// Template is a CloudFormation template.
type Template struct{ m Map }

// Map returns the template's tree.
func (t *Template) Map() Map { return t.m }

// JSON returns the template as indented JSON with a final newline.
func (t *Template) JSON() ([]byte, error) { return indentJSON(t.m) }

// YAML returns the template as YAML.
func (t *Template) YAML() ([]byte, error) { return YAML(t.m) }

// RoleTemplate returns a template that creates the role in one account.
func RoleTemplate(o RoleOptions) (*Template, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &Template{Map{
		{"AWSTemplateFormatVersion", "2010-09-09"},
		{"Description", "Read-only IAM role that awsqlite assumes from account " + o.TrustedAccount + " with an external id."},
		{"Resources", Map{{"Role", roleResource(o)}}},
		{"Outputs", roleOutputs()},
	}}, nil
}

// StackSetTemplate returns a template for the organization's management
// account: the role in the management account itself, and a
// service-managed StackSet that creates it in every account of the given
// organizational units, including accounts added to them later.
func StackSetTemplate(o RoleOptions) (*Template, error) {
	member, err := RoleTemplate(o)
	if err != nil {
		return nil, err
	}
	body, err := marshalJSON(member.m)
	if err != nil {
		return nil, err
	}
	return &Template{Map{
		{"AWSTemplateFormatVersion", "2010-09-09"},
		{"Description", "Read-only IAM role that awsqlite assumes from account " + o.TrustedAccount + ", in the management account and, through a StackSet, in every account of the given organizational units."},
		{"Parameters", Map{
			{"OrganizationalUnitIds", Map{
				{"Type", "CommaDelimitedList"},
				{"Description", "Organizational units (ou-... or the root r-...) whose accounts, current and future, get the role."},
			}},
		}},
		{"Resources", Map{
			{"Role", roleResource(o)},
			{"MemberRoles", Map{
				{"Type", "AWS::CloudFormation::StackSet"},
				{"Properties", Map{
					{"StackSetName", "awsqlite-" + o.RoleName},
					{"Description", "awsqlite read-only role " + o.RoleName + " in member accounts."},
					{"PermissionModel", "SERVICE_MANAGED"},
					{"AutoDeployment", Map{
						{"Enabled", true},
						{"RetainStacksOnAccountRemoval", false},
					}},
					{"Capabilities", []string{"CAPABILITY_NAMED_IAM"}},
					{"StackInstancesGroup", []any{Map{
						{"DeploymentTargets", Map{
							{"OrganizationalUnitIds", Map{{"Ref", "OrganizationalUnitIds"}}},
						}},
						// IAM is global: one region per account is enough.
						{"Regions", []any{Map{{"Ref", "AWS::Region"}}}},
					}}},
					{"TemplateBody", string(body)},
				}},
			}},
		}},
		{"Outputs", roleOutputs()},
	}}, nil
}

func roleResource(o RoleOptions) Map {
	trust := Map{
		{"Version", Version},
		{"Statement", []any{Map{
			{"Effect", "Allow"},
			{"Principal", Map{{"AWS", "arn:aws:iam::" + o.TrustedAccount + ":root"}}},
			{"Action", "sts:AssumeRole"},
			{"Condition", Map{{"StringEquals", Map{{"sts:ExternalId", o.ExternalID}}}}},
		}}},
	}
	return Map{
		{"Type", "AWS::IAM::Role"},
		{"Properties", Map{
			{"RoleName", o.RoleName},
			{"Description", "Read-only access for awsqlite (assumed from account " + o.TrustedAccount + ")."},
			{"MaxSessionDuration", MaxSessionDuration},
			{"AssumeRolePolicyDocument", trust},
			{"Policies", []any{Map{
				{"PolicyName", "awsqlite-read-only"},
				{"PolicyDocument", o.Policy.toMap()},
			}}},
		}},
	}
}

func roleOutputs() Map {
	return Map{{"RoleArn", Map{
		{"Description", "The ARN to put in the role_arn of an awsqlite connection."},
		{"Value", Map{{"Fn::GetAtt", []any{"Role", "Arn"}}}},
	}}}
}
