package tables

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

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

func init() { register(iamUser) }

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
			{Name: "name", Exact: true},
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
			p := iam.NewListUsersPaginator(c.IAM(), in)
			return pages(p.HasMorePages, func(ctx context.Context) ([]types.User, error) {
				out, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				return out.Users, nil
			}), nil
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
				devs, err := collect(ctx, p.HasMorePages, func(ctx context.Context) ([]types.MFADevice, error) {
					out, err := p.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					return out.MFADevices, nil
				})
				if devs == nil && err == nil {
					devs = []types.MFADevice{}
				}
				return devs, err
			}),
			hydrate("login_profile", []string{"iam:GetLoginProfile"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, u types.User) (any, error) {
				out, err := c.IAM().GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: u.UserName})
				if notFound(err) {
					return nil, nil
				}
				if err != nil {
					return nil, err
				}
				return out.LoginProfile, nil
			}),
			hydrate("groups", []string{"iam:ListGroupsForUser"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, u types.User) (any, error) {
				p := iam.NewListGroupsForUserPaginator(c.IAM(), &iam.ListGroupsForUserInput{UserName: u.UserName, MaxItems: aws.Int32(iamPageSize)})
				gs, err := collect(ctx, p.HasMorePages, func(ctx context.Context) ([]types.Group, error) {
					out, err := p.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					return out.Groups, nil
				})
				if gs == nil && err == nil {
					gs = []types.Group{}
				}
				return gs, err
			}),
			hydrate("attached_policies", []string{"iam:ListAttachedUserPolicies"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, u types.User) (any, error) {
				p := iam.NewListAttachedUserPoliciesPaginator(c.IAM(), &iam.ListAttachedUserPoliciesInput{UserName: u.UserName, MaxItems: aws.Int32(iamPageSize)})
				ps, err := collect(ctx, p.HasMorePages, func(ctx context.Context) ([]types.AttachedPolicy, error) {
					out, err := p.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					return out.AttachedPolicies, nil
				})
				if ps == nil && err == nil {
					ps = []types.AttachedPolicy{}
				}
				return ps, err
			}),
			hydrate("inline_policies", []string{"iam:ListUserPolicies", "iam:GetUserPolicy"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, u types.User) (any, error) {
				p := iam.NewListUserPoliciesPaginator(c.IAM(), &iam.ListUserPoliciesInput{UserName: u.UserName, MaxItems: aws.Int32(iamPageSize)})
				names, err := collect(ctx, p.HasMorePages, func(ctx context.Context) ([]string, error) {
					out, err := p.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					return out.PolicyNames, nil
				})
				if err != nil {
					return nil, err
				}
				pols := make([]iamPolicy, 0, len(names))
				for _, n := range names {
					out, err := c.IAM().GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: u.UserName, PolicyName: aws.String(n)})
					if err != nil {
						return nil, err
					}
					pols = append(pols, iamPolicy{PolicyName: n, PolicyDocument: policyJSON(out.PolicyDocument)})
				}
				return pols, nil
			}),
		},
	}
}
