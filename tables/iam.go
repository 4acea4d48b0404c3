package tables

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/vtab"
)

// iamPageSize is the largest MaxItems IAM list calls accept.
const iamPageSize = 1000

// iamPolicy is one inline policy with its decoded document.
type iamPolicy struct {
	PolicyName     string `json:"PolicyName"`
	PolicyDocument any    `json:"PolicyDocument"`
}

func init() { register(iamUser, iamGroupSpec, iamRoleSpec, iamPolicySpec, iamAccessKeySpec) }

// IAM names are case-insensitive (GetUser of "ALICE" returns "alice"), so
// name key columns are not Exact: SQLite re-checks the row, which costs no
// API call.

func iamUser() *vtab.Spec {
	return &vtab.Spec{
		Name:          "aws_iam_user",
		Description:   "IAM users of each account, with their MFA devices, groups, policies and login profile.",
		Scope:         vtab.Global,
		Service:       "iam",
		EstimatedRows: 200,
		Columns: []vtab.Column{
			col("name", vtab.Text, "The friendly name identifying the user.", func(u types.User) any { return str(u.UserName) }),
			col("user_id", vtab.Text, "The unique ID of the user.", func(u types.User) any { return str(u.UserId) }),
			col("path", vtab.Text, "The path to the user.", func(u types.User) any { return str(u.Path) }),
			col("arn", vtab.Text, "The Amazon Resource Name (ARN) of the user.", func(u types.User) any { return str(u.Arn) }),
			col("create_date", vtab.Text, "When the user was created.", func(u types.User) any { return u.CreateDate }),
			col("password_last_used", vtab.Text, "When the user's password was last used to sign in to the console.", func(u types.User) any { return u.PasswordLastUsed }),
			hcol("permissions_boundary_arn", vtab.Text, "The ARN of the policy used as the user's permissions boundary.", "get_user", func(u *types.User) any {
				if u.PermissionsBoundary == nil {
					return nil
				}
				return str(u.PermissionsBoundary.PermissionsBoundaryArn)
			}),
			hcol("permissions_boundary_type", vtab.Text, "The type of the user's permissions boundary.", "get_user", func(u *types.User) any {
				if u.PermissionsBoundary == nil {
					return nil
				}
				return string(u.PermissionsBoundary.PermissionsBoundaryType)
			}),
			hcol("mfa_enabled", vtab.Integer, "1 when the user has at least one MFA device.", "mfa_devices", func(d []types.MFADevice) any { return len(d) > 0 }),
			hcol("mfa_devices", vtab.Text, "The MFA devices of the user (JSON).", "mfa_devices", func(d []types.MFADevice) any { return d }),
			hcol("login_profile", vtab.Text, "The user's console password profile (JSON), NULL when the user cannot sign in to the console.", "login_profile", func(p *types.LoginProfile) any { return p }),
			hcol("groups", vtab.Text, "The groups the user belongs to (JSON).", "groups", func(g []types.Group) any { return g }),
			hcol("attached_policy_arns", vtab.Text, "The ARNs of the managed policies attached to the user (JSON).", "attached_policies", func(ps []types.AttachedPolicy) any {
				arns := make([]string, 0, len(ps))
				for _, p := range ps {
					arns = append(arns, aws.ToString(p.PolicyArn))
				}
				return arns
			}),
			hcol("inline_policies", vtab.Text, "The user's inline policies with their documents (JSON).", "inline_policies", func(ps []iamPolicy) any { return ps }),
			hcol("tags", vtab.Text, "The user's tags (JSON object).", "get_user", func(u *types.User) any {
				return tagMap(u.Tags, func(t types.Tag) (*string, *string) { return t.Key, t.Value })
			}),
		},
		KeyColumns: []vtab.KeyColumn{
			{Name: "name"},
			{Name: "path"}, // PathPrefix: SQLite checks equality.
		},
		ListActions: []string{"iam:ListUsers"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			in := &iam.ListUsersInput{MaxItems: aws.Int32(q.PageSize(iamPageSize))}
			if p := q.Quals.String("path"); p != "" {
				in.PathPrefix = aws.String(p)
			}
			return iamPages(iam.NewListUsersPaginator(c.IAM(), in), func(o *iam.ListUsersOutput) []types.User { return o.Users }), nil
		},
		GetKeys:    []string{"name"},
		GetActions: []string{"iam:GetUser"},
		Get: func(ctx context.Context, q *vtab.Query) (any, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			out, err := c.IAM().GetUser(ctx, &iam.GetUserInput{UserName: aws.String(q.Quals.String("name"))})
			if notFound(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return *out.User, nil
		},
		Hydrates: []vtab.Hydrate{
			hydrate("get_user", []string{"iam:GetUser"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, u types.User) (any, error) {
				out, err := c.IAM().GetUser(ctx, &iam.GetUserInput{UserName: u.UserName})
				if notFound(err) {
					return nil, nil
				}
				if err != nil {
					return nil, err
				}
				return out.User, nil
			}),
			hydrate("mfa_devices", []string{"iam:ListMFADevices"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, u types.User) (any, error) {
				p := iam.NewListMFADevicesPaginator(c.IAM(), &iam.ListMFADevicesInput{UserName: u.UserName, MaxItems: aws.Int32(iamPageSize)})
				return iamOrNil(iamDrain(ctx, p, func(o *iam.ListMFADevicesOutput) []types.MFADevice { return o.MFADevices }))
			}),
			hydrate("login_profile", []string{"iam:GetLoginProfile"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, u types.User) (any, error) {
				out, err := c.IAM().GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: u.UserName})
				if err != nil {
					return iamOrNil(nil, err)
				}
				return out.LoginProfile, nil
			}),
			hydrate("groups", []string{"iam:ListGroupsForUser"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, u types.User) (any, error) {
				p := iam.NewListGroupsForUserPaginator(c.IAM(), &iam.ListGroupsForUserInput{UserName: u.UserName, MaxItems: aws.Int32(iamPageSize)})
				return iamOrNil(iamDrain(ctx, p, func(o *iam.ListGroupsForUserOutput) []types.Group { return o.Groups }))
			}),
			hydrate("attached_policies", []string{"iam:ListAttachedUserPolicies"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, u types.User) (any, error) {
				p := iam.NewListAttachedUserPoliciesPaginator(c.IAM(), &iam.ListAttachedUserPoliciesInput{UserName: u.UserName, MaxItems: aws.Int32(iamPageSize)})
				return iamOrNil(iamDrain(ctx, p, func(o *iam.ListAttachedUserPoliciesOutput) []types.AttachedPolicy { return o.AttachedPolicies }))
			}),
			hydrate("inline_policies", []string{"iam:ListUserPolicies", "iam:GetUserPolicy"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, u types.User) (any, error) {
				p := iam.NewListUserPoliciesPaginator(c.IAM(), &iam.ListUserPoliciesInput{UserName: u.UserName, MaxItems: aws.Int32(iamPageSize)})
				names, err := iamDrain(ctx, p, func(o *iam.ListUserPoliciesOutput) []string { return o.PolicyNames })
				if err != nil {
					return iamOrNil(nil, err)
				}
				return iamInlinePolicies(ctx, names, func(ctx context.Context, n string) (*string, error) {
					out, err := c.IAM().GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: u.UserName, PolicyName: aws.String(n)})
					if err != nil {
						return nil, err
					}
					return out.PolicyDocument, nil
				})
			}),
		},
	}
}

// iamPaginator is what every IAM SDK paginator offers.
type iamPaginator[O any] interface {
	HasMorePages() bool
	NextPage(ctx context.Context, optFns ...func(*iam.Options)) (O, error)
}

// iamDrain reads every page of an IAM paginator; it returns an empty, non-nil
// slice when there is nothing, so JSON columns read [] rather than NULL.
func iamDrain[O any, T any](ctx context.Context, p iamPaginator[O], items func(O) []T) ([]T, error) {
	all, err := collect(ctx, p.HasMorePages, func(ctx context.Context) ([]T, error) {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		return items(out), nil
	})
	if err != nil {
		return nil, err
	}
	if all == nil {
		all = []T{}
	}
	return all, nil
}

// iamPages adapts an IAM paginator to vtab.Pager, one API call a page.
func iamPages[O any, T any](p iamPaginator[O], items func(O) []T) vtab.Pager {
	return pages(p.HasMorePages, func(ctx context.Context) ([]T, error) {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		return items(out), nil
	})
}

// iamPolicyARNs returns the ARNs of attached managed policies.
func iamPolicyARNs(ps []types.AttachedPolicy) any {
	arns := make([]string, 0, len(ps))
	for _, p := range ps {
		arns = append(arns, aws.ToString(p.PolicyArn))
	}
	return arns
}

// iamInlinePolicies fetches the document of every named inline policy.
func iamInlinePolicies(ctx context.Context, names []string, get func(ctx context.Context, name string) (*string, error)) ([]iamPolicy, error) {
	pols := make([]iamPolicy, 0, len(names))
	for _, n := range names {
		doc, err := get(ctx, n)
		if notFound(err) {
			continue // deleted since it was listed
		}
		if err != nil {
			return nil, err
		}
		pols = append(pols, iamPolicy{PolicyName: n, PolicyDocument: policyJSON(doc)})
	}
	return pols, nil
}

// iamOrNil turns a "no such entity" error of a hydrate call into nil (the
// row's columns read NULL).
func iamOrNil(v any, err error) (any, error) {
	if notFound(err) {
		return nil, nil
	}
	return v, err
}

// ---------------------------------------------------------------- groups

func iamGroupSpec() *vtab.Spec {
	return &vtab.Spec{
		Name:          "aws_iam_group",
		Description:   "IAM groups of each account, with their members and policies.",
		Scope:         vtab.Global,
		Service:       "iam",
		EstimatedRows: 50,
		Columns: []vtab.Column{
			col("name", vtab.Text, "The friendly name that identifies the group.", func(g types.Group) any { return str(g.GroupName) }),
			col("group_id", vtab.Text, "The unique ID of the group.", func(g types.Group) any { return str(g.GroupId) }),
			col("path", vtab.Text, "The path to the group.", func(g types.Group) any { return str(g.Path) }),
			col("arn", vtab.Text, "The Amazon Resource Name (ARN) of the group.", func(g types.Group) any { return str(g.Arn) }),
			col("create_date", vtab.Text, "When the group was created.", func(g types.Group) any { return g.CreateDate }),
			hcol("users", vtab.Text, "The users in the group (JSON).", "users", func(us []types.User) any { return us }),
			hcol("attached_policy_arns", vtab.Text, "The ARNs of the managed policies attached to the group (JSON).", "attached_policies", iamPolicyARNs),
			hcol("inline_policies", vtab.Text, "The group's inline policies with their documents (JSON).", "inline_policies", func(ps []iamPolicy) any { return ps }),
		},
		KeyColumns: []vtab.KeyColumn{
			{Name: "name"},
			{Name: "path"}, // PathPrefix: SQLite checks equality.
		},
		ListActions: []string{"iam:ListGroups"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			in := &iam.ListGroupsInput{MaxItems: aws.Int32(q.PageSize(iamPageSize))}
			if p := q.Quals.String("path"); p != "" {
				in.PathPrefix = aws.String(p)
			}
			return iamPages(iam.NewListGroupsPaginator(c.IAM(), in), func(o *iam.ListGroupsOutput) []types.Group { return o.Groups }), nil
		},
		GetKeys:    []string{"name"},
		GetActions: []string{"iam:GetGroup"},
		Get: func(ctx context.Context, q *vtab.Query) (any, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			// One member is enough: the users column pages on its own.
			out, err := c.IAM().GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(q.Quals.String("name")), MaxItems: aws.Int32(1)})
			if notFound(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return *out.Group, nil
		},
		Hydrates: []vtab.Hydrate{
			hydrate("users", []string{"iam:GetGroup"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, g types.Group) (any, error) {
				p := iam.NewGetGroupPaginator(c.IAM(), &iam.GetGroupInput{GroupName: g.GroupName, MaxItems: aws.Int32(iamPageSize)})
				return iamOrNil(iamDrain(ctx, p, func(o *iam.GetGroupOutput) []types.User { return o.Users }))
			}),
			hydrate("attached_policies", []string{"iam:ListAttachedGroupPolicies"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, g types.Group) (any, error) {
				p := iam.NewListAttachedGroupPoliciesPaginator(c.IAM(), &iam.ListAttachedGroupPoliciesInput{GroupName: g.GroupName, MaxItems: aws.Int32(iamPageSize)})
				return iamOrNil(iamDrain(ctx, p, func(o *iam.ListAttachedGroupPoliciesOutput) []types.AttachedPolicy { return o.AttachedPolicies }))
			}),
			hydrate("inline_policies", []string{"iam:ListGroupPolicies", "iam:GetGroupPolicy"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, g types.Group) (any, error) {
				p := iam.NewListGroupPoliciesPaginator(c.IAM(), &iam.ListGroupPoliciesInput{GroupName: g.GroupName, MaxItems: aws.Int32(iamPageSize)})
				names, err := iamDrain(ctx, p, func(o *iam.ListGroupPoliciesOutput) []string { return o.PolicyNames })
				if err != nil {
					return iamOrNil(nil, err)
				}
				return iamInlinePolicies(ctx, names, func(ctx context.Context, n string) (*string, error) {
					out, err := c.IAM().GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: g.GroupName, PolicyName: aws.String(n)})
					if err != nil {
						return nil, err
					}
					return out.PolicyDocument, nil
				})
			}),
		},
	}
}

// ---------------------------------------------------------------- roles

// iamRoleItem is a role as listed (full == false) or as GetRole returns
// it (full: with RoleLastUsed, PermissionsBoundary and Tags, so get_role
// need not call GetRole again).
type iamRoleItem struct {
	types.Role
	full bool
}

func iamRoleSpec() *vtab.Spec {
	return &vtab.Spec{
		Name:          "aws_iam_role",
		Description:   "IAM roles of each account, with their trust policies, last use and policies.",
		Scope:         vtab.Global,
		Service:       "iam",
		EstimatedRows: 200,
		Columns: []vtab.Column{
			col("name", vtab.Text, "The friendly name that identifies the role.", func(r iamRoleItem) any { return str(r.RoleName) }),
			col("role_id", vtab.Text, "The unique ID of the role.", func(r iamRoleItem) any { return str(r.RoleId) }),
			col("path", vtab.Text, "The path to the role.", func(r iamRoleItem) any { return str(r.Path) }),
			col("arn", vtab.Text, "The Amazon Resource Name (ARN) of the role.", func(r iamRoleItem) any { return str(r.Arn) }),
			col("create_date", vtab.Text, "When the role was created.", func(r iamRoleItem) any { return r.CreateDate }),
			col("description", vtab.Text, "The description of the role.", func(r iamRoleItem) any { return str(r.Description) }),
			col("max_session_duration", vtab.Integer, "The maximum session duration of the role, in seconds.", func(r iamRoleItem) any {
				if r.MaxSessionDuration == nil {
					return nil
				}
				return int64(*r.MaxSessionDuration)
			}),
			col("assume_role_policy", vtab.Text, "The trust policy that says who may assume the role (JSON).", func(r iamRoleItem) any { return policyJSON(r.AssumeRolePolicyDocument) }),
			hcol("role_last_used_date", vtab.Text, "When the role was last used to make an AWS request.", "get_role", func(r *types.Role) any {
				if r.RoleLastUsed == nil {
					return nil
				}
				return r.RoleLastUsed.LastUsedDate
			}),
			hcol("role_last_used_region", vtab.Text, "The region in which the role was last used.", "get_role", func(r *types.Role) any {
				if r.RoleLastUsed == nil {
					return nil
				}
				return str(r.RoleLastUsed.Region)
			}),
			hcol("permissions_boundary_arn", vtab.Text, "The ARN of the policy used as the role's permissions boundary.", "get_role", func(r *types.Role) any {
				if r.PermissionsBoundary == nil {
					return nil
				}
				return str(r.PermissionsBoundary.PermissionsBoundaryArn)
			}),
			hcol("permissions_boundary_type", vtab.Text, "The type of the role's permissions boundary.", "get_role", func(r *types.Role) any {
				if r.PermissionsBoundary == nil {
					return nil
				}
				return string(r.PermissionsBoundary.PermissionsBoundaryType)
			}),
			hcol("tags", vtab.Text, "The role's tags (JSON object).", "get_role", func(r *types.Role) any {
				return tagMap(r.Tags, func(t types.Tag) (*string, *string) { return t.Key, t.Value })
			}),
			hcol("attached_policy_arns", vtab.Text, "The ARNs of the managed policies attached to the role (JSON).", "attached_policies", iamPolicyARNs),
			hcol("inline_policies", vtab.Text, "The role's inline policies with their documents (JSON).", "inline_policies", func(ps []iamPolicy) any { return ps }),
		},
		KeyColumns: []vtab.KeyColumn{
			{Name: "name"},
			{Name: "path"}, // PathPrefix: SQLite checks equality.
		},
		ListActions: []string{"iam:ListRoles"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			in := &iam.ListRolesInput{MaxItems: aws.Int32(q.PageSize(iamPageSize))}
			if p := q.Quals.String("path"); p != "" {
				in.PathPrefix = aws.String(p)
			}
			return iamPages(iam.NewListRolesPaginator(c.IAM(), in), func(o *iam.ListRolesOutput) []iamRoleItem {
				items := make([]iamRoleItem, len(o.Roles))
				for i, r := range o.Roles {
					items[i] = iamRoleItem{Role: r}
				}
				return items
			}), nil
		},
		GetKeys:    []string{"name"},
		GetActions: []string{"iam:GetRole"},
		Get: func(ctx context.Context, q *vtab.Query) (any, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			out, err := c.IAM().GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(q.Quals.String("name"))})
			if notFound(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return iamRoleItem{Role: *out.Role, full: true}, nil
		},
		Hydrates: []vtab.Hydrate{
			// ListRoles leaves out RoleLastUsed, PermissionsBoundary and Tags.
			hydrate("get_role", []string{"iam:GetRole"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, r iamRoleItem) (any, error) {
				if r.full {
					return &r.Role, nil
				}
				out, err := c.IAM().GetRole(ctx, &iam.GetRoleInput{RoleName: r.RoleName})
				if err != nil {
					return iamOrNil(nil, err)
				}
				return out.Role, nil
			}),
			hydrate("attached_policies", []string{"iam:ListAttachedRolePolicies"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, r iamRoleItem) (any, error) {
				p := iam.NewListAttachedRolePoliciesPaginator(c.IAM(), &iam.ListAttachedRolePoliciesInput{RoleName: r.RoleName, MaxItems: aws.Int32(iamPageSize)})
				return iamOrNil(iamDrain(ctx, p, func(o *iam.ListAttachedRolePoliciesOutput) []types.AttachedPolicy { return o.AttachedPolicies }))
			}),
			hydrate("inline_policies", []string{"iam:ListRolePolicies", "iam:GetRolePolicy"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, r iamRoleItem) (any, error) {
				p := iam.NewListRolePoliciesPaginator(c.IAM(), &iam.ListRolePoliciesInput{RoleName: r.RoleName, MaxItems: aws.Int32(iamPageSize)})
				names, err := iamDrain(ctx, p, func(o *iam.ListRolePoliciesOutput) []string { return o.PolicyNames })
				if err != nil {
					return iamOrNil(nil, err)
				}
				return iamInlinePolicies(ctx, names, func(ctx context.Context, n string) (*string, error) {
					out, err := c.IAM().GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: r.RoleName, PolicyName: aws.String(n)})
					if err != nil {
						return nil, err
					}
					return out.PolicyDocument, nil
				})
			}),
		},
	}
}

// ---------------------------------------------------------------- policies

// iamAWSManaged reports whether a policy ARN is an AWS managed policy's
// (arn:<partition>:iam::aws:policy/...).
func iamAWSManaged(arn *string) bool { return strings.Contains(aws.ToString(arn), ":iam::aws:policy/") }

// iamBoolQual returns the 0/1 value of column = ?, if the query has one that
// is exactly the integer 0 or 1. Anything else (text, 2, 0.5) is not pushed
// down; the key columns are not Exact, so SQLite filters those itself.
func iamBoolQual(qs vtab.Quals, column string) (bool, bool) {
	v, ok := qs.Equal(column)
	if !ok {
		return false, false
	}
	switch v {
	case int64(1):
		return true, true
	case int64(0):
		return false, true
	}
	return false, false
}

// iamPolicyItem is a policy as listed (full == false) or as GetPolicy
// returns it (full: with Description and Tags).
type iamPolicyItem struct {
	types.Policy
	full bool
}

func iamPolicySpec() *vtab.Spec {
	return &vtab.Spec{
		Name:          "aws_iam_policy",
		Description:   "Managed IAM policies (AWS managed and customer managed) visible in each account.",
		Scope:         vtab.Global,
		Service:       "iam",
		EstimatedRows: 1200,
		Columns: []vtab.Column{
			col("name", vtab.Text, "The friendly name that identifies the policy.", func(p iamPolicyItem) any { return str(p.PolicyName) }),
			col("policy_id", vtab.Text, "The unique ID of the policy.", func(p iamPolicyItem) any { return str(p.PolicyId) }),
			col("path", vtab.Text, "The path to the policy.", func(p iamPolicyItem) any { return str(p.Path) }),
			col("arn", vtab.Text, "The Amazon Resource Name (ARN) of the policy.", func(p iamPolicyItem) any { return str(p.Arn) }),
			col("is_aws_managed", vtab.Integer, "1 for an AWS managed policy, 0 for a customer managed one.", func(p iamPolicyItem) any { return iamAWSManaged(p.Arn) }),
			col("is_attached", vtab.Integer, "1 when the policy is attached to at least one user, group or role.", func(p iamPolicyItem) any {
				return aws.ToInt32(p.AttachmentCount) > 0
			}),
			col("is_attachable", vtab.Integer, "1 when the policy can be attached to users, groups or roles.", func(p iamPolicyItem) any { return p.IsAttachable }),
			col("attachment_count", vtab.Integer, "The number of users, groups and roles the policy is attached to.", func(p iamPolicyItem) any {
				if p.AttachmentCount == nil {
					return nil
				}
				return int64(*p.AttachmentCount)
			}),
			col("permissions_boundary_usage_count", vtab.Integer, "The number of users and roles that use the policy as their permissions boundary.", func(p iamPolicyItem) any {
				if p.PermissionsBoundaryUsageCount == nil {
					return nil
				}
				return int64(*p.PermissionsBoundaryUsageCount)
			}),
			col("default_version_id", vtab.Text, "The version of the policy that is in effect.", func(p iamPolicyItem) any { return str(p.DefaultVersionId) }),
			col("create_date", vtab.Text, "When the policy was created.", func(p iamPolicyItem) any { return p.CreateDate }),
			col("update_date", vtab.Text, "When the policy was last updated (a new version was created).", func(p iamPolicyItem) any { return p.UpdateDate }),
			hcol("description", vtab.Text, "The description of the policy.", "get_policy", func(p *types.Policy) any { return str(p.Description) }),
			hcol("tags", vtab.Text, "The policy's tags (JSON object).", "get_policy", func(p *types.Policy) any {
				return tagMap(p.Tags, func(t types.Tag) (*string, *string) { return t.Key, t.Value })
			}),
			hcol("policy", vtab.Text, "The document of the policy's default version (JSON).", "default_version", func(v *types.PolicyVersion) any { return policyJSON(v.Document) }),
		},
		KeyColumns: []vtab.KeyColumn{
			{Name: "arn"},
			{Name: "path"}, // PathPrefix: SQLite checks equality.
			// Scope: 1 → AWS, 0 → Local. Not Exact: only the integers 0 and 1
			// are pushed; SQLite re-checks every value.
			{Name: "is_aws_managed"},
			// OnlyAttached: only "= 1" can be pushed ("= 0" has no API
			// filter); SQLite re-checks.
			{Name: "is_attached"},
		},
		ListActions: []string{"iam:ListPolicies"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			in := &iam.ListPoliciesInput{MaxItems: aws.Int32(q.PageSize(iamPageSize))}
			if p := q.Quals.String("path"); p != "" {
				in.PathPrefix = aws.String(p)
			}
			if managed, ok := iamBoolQual(q.Quals, "is_aws_managed"); ok {
				in.Scope = types.PolicyScopeTypeLocal
				if managed {
					in.Scope = types.PolicyScopeTypeAws
				}
			}
			if attached, ok := iamBoolQual(q.Quals, "is_attached"); ok && attached {
				in.OnlyAttached = true
			}
			return iamPages(iam.NewListPoliciesPaginator(c.IAM(), in), func(o *iam.ListPoliciesOutput) []iamPolicyItem {
				items := make([]iamPolicyItem, len(o.Policies))
				for i, p := range o.Policies {
					items[i] = iamPolicyItem{Policy: p}
				}
				return items
			}), nil
		},
		GetKeys:    []string{"arn"},
		GetActions: []string{"iam:GetPolicy"},
		Get: func(ctx context.Context, q *vtab.Query) (any, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			out, err := c.IAM().GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(q.Quals.String("arn"))})
			if notFound(err) || iamInvalidInput(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return iamPolicyItem{Policy: *out.Policy, full: true}, nil
		},
		Hydrates: []vtab.Hydrate{
			// ListPolicies leaves out Description and Tags.
			hydrate("get_policy", []string{"iam:GetPolicy"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, p iamPolicyItem) (any, error) {
				if p.full {
					return &p.Policy, nil
				}
				out, err := c.IAM().GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: p.Arn})
				if err != nil {
					return iamOrNil(nil, err)
				}
				return out.Policy, nil
			}),
			hydrate("default_version", []string{"iam:GetPolicyVersion"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, p iamPolicyItem) (any, error) {
				out, err := c.IAM().GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: p.Arn, VersionId: p.DefaultVersionId})
				if err != nil {
					return iamOrNil(nil, err)
				}
				return out.PolicyVersion, nil
			}),
		},
	}
}

// iamInvalidInput reports an IAM validation error (a malformed ARN in
// WHERE arn = '...' matches no policy rather than failing the query).
func iamInvalidInput(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	return ae.ErrorCode() == "InvalidInput" || ae.ErrorCode() == "ValidationError"
}

// ---------------------------------------------------------------- access keys

func iamListAccessKeys(ctx context.Context, c *connection.Client, user *string) ([]any, error) {
	p := iam.NewListAccessKeysPaginator(c.IAM(), &iam.ListAccessKeysInput{UserName: user, MaxItems: aws.Int32(iamPageSize)})
	keys, err := iamDrain(ctx, p, func(o *iam.ListAccessKeysOutput) []types.AccessKeyMetadata { return o.AccessKeyMetadata })
	if err != nil {
		return nil, err
	}
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out, nil
}

func iamAccessKeySpec() *vtab.Spec {
	return &vtab.Spec{
		Name:          "aws_iam_access_key",
		Description:   "Access keys of the IAM users of each account, with when and where they were last used.",
		Scope:         vtab.Global,
		Service:       "iam",
		EstimatedRows: 200,
		Columns: []vtab.Column{
			col("access_key_id", vtab.Text, "The ID of the access key.", func(k types.AccessKeyMetadata) any { return str(k.AccessKeyId) }),
			col("user_name", vtab.Text, "The name of the IAM user the key belongs to.", func(k types.AccessKeyMetadata) any { return str(k.UserName) }),
			col("status", vtab.Text, "The status of the key: Active or Inactive.", func(k types.AccessKeyMetadata) any { return string(k.Status) }),
			col("create_date", vtab.Text, "When the key was created.", func(k types.AccessKeyMetadata) any { return k.CreateDate }),
			hcol("access_key_last_used_date", vtab.Text, "When the key was last used, NULL when never.", "last_used", func(u *types.AccessKeyLastUsed) any { return u.LastUsedDate }),
			hcol("access_key_last_used_service", vtab.Text, "The service the key last called, N/A when never used.", "last_used", func(u *types.AccessKeyLastUsed) any { return str(u.ServiceName) }),
			hcol("access_key_last_used_region", vtab.Text, "The region the key was last used in, N/A when never used.", "last_used", func(u *types.AccessKeyLastUsed) any { return str(u.Region) }),
		},
		KeyColumns: []vtab.KeyColumn{
			{Name: "user_name"},
		},
		ListActions: []string{"iam:ListUsers", "iam:ListAccessKeys"},
		// Without user_name, the users are walked page by page and the keys
		// of each page of users are listed concurrently.
		Parents: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			if _, ok := q.Quals.Equal("user_name"); ok {
				return nil, nil
			}
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			in := &iam.ListUsersInput{MaxItems: aws.Int32(q.PageSize(iamPageSize))}
			return iamPages(iam.NewListUsersPaginator(c.IAM(), in), func(o *iam.ListUsersOutput) []types.User { return o.Users }), nil
		},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			user := aws.String(q.Quals.String("user_name"))
			if u, ok := q.Parent.(types.User); ok {
				user = u.UserName
			}
			return vtab.PagerFunc(func(ctx context.Context) (vtab.Page, error) {
				keys, err := iamListAccessKeys(ctx, c, user)
				if notFound(err) { // a user deleted since it was listed has no keys
					return vtab.Page{}, nil
				}
				return vtab.Page{Items: keys}, err
			}), nil
		},
		Hydrates: []vtab.Hydrate{
			hydrate("last_used", []string{"iam:GetAccessKeyLastUsed"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, k types.AccessKeyMetadata) (any, error) {
				out, err := c.IAM().GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: k.AccessKeyId})
				if err != nil {
					return iamOrNil(nil, err)
				}
				return out.AccessKeyLastUsed, nil
			}),
		},
	}
}
