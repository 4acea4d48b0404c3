package tables

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/vtab"
)

// cognitoPageSize is the largest page Cognito list calls accept
// (ListUserPools MaxResults, ListUsers/ListGroups Limit).
const cognitoPageSize = 60

// cognitoPool is a listed user pool; Full is set when the pool was read with
// DescribeUserPool (a get by id), so the hydrate need not call it again.
type cognitoPool struct {
	types.UserPoolDescriptionType
	Full *types.UserPoolType
}

// cognitoUser is a user with the pool it belongs to.
type cognitoUser struct {
	PoolID string
	types.UserType
}

func init() { register(cognitoUserPoolSpec, cognitoUserSpec, cognitoGroupSpec) }

// nestedPager is a lazy two-level listing: it pages through parents (user pools,
// Connect instances) and, for each parent, through its children, making at
// most one API call per NextPage. A page of parents is returned as an empty
// page; the engine asks for the next one.
type nestedPager[P any] struct {
	parents  vtab.Pager // pages of P
	children func(P) vtab.Pager
	queue    []P
	more     bool // parents has more pages
	started  bool
	cur      vtab.Pager
}

func (w *nestedPager[P]) NextPage(ctx context.Context) (vtab.Page, error) {
	if w.cur == nil && len(w.queue) == 0 {
		if w.started && !w.more {
			return vtab.Page{}, nil
		}
		w.started = true
		pg, err := w.parents.NextPage(ctx)
		if err != nil {
			return vtab.Page{}, err
		}
		w.more = pg.More
		for _, it := range pg.Items {
			if p, ok := it.(P); ok {
				w.queue = append(w.queue, p)
			}
		}
		return vtab.Page{More: w.more || len(w.queue) > 0}, nil
	}
	if w.cur == nil {
		w.cur, w.queue = w.children(w.queue[0]), w.queue[1:]
	}
	pg, err := w.cur.NextPage(ctx)
	if err != nil {
		return vtab.Page{}, err
	}
	if !pg.More {
		w.cur = nil
	}
	return vtab.Page{Items: pg.Items, More: w.cur != nil || len(w.queue) > 0 || w.more}, nil
}

// cleanJSON renders an SDK structure as JSON without its null and empty
// members (SDK structs carry every optional field as a nil pointer).
func cleanJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var x any
	if json.Unmarshal(b, &x) != nil {
		return nil
	}
	x = prune(x)
	if x == nil {
		return nil
	}
	out, err := json.Marshal(x)
	if err != nil {
		return nil
	}
	return json.RawMessage(out)
}

func prune(x any) any {
	switch v := x.(type) {
	case map[string]any:
		for k, e := range v {
			if e = prune(e); e == nil {
				delete(v, k)
			} else {
				v[k] = e
			}
		}
		if len(v) == 0 {
			return nil
		}
		return v
	case []any:
		for i, e := range v {
			v[i] = prune(e)
		}
		return v
	}
	return x
}

// enum returns an SDK enum value as text, NULL when the API left it out.
func enum[T ~string](v T) any {
	if v == "" {
		return nil
	}
	return string(v)
}

// poolInRegion reports whether a user pool id (region_xxxxxxxxx) can exist in
// region; other regions are skipped without an API call.
func poolInRegion(id, region string) bool {
	r, _, ok := strings.Cut(id, "_")
	return !ok || r == region
}

// userPoolPages lists the user pools of a target page by page.
func userPoolPages(c *connection.Client, size int32) vtab.Pager {
	p := cip.NewListUserPoolsPaginator(c.Cognito(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(size)})
	return pages(p.HasMorePages, func(ctx context.Context) ([]cognitoPool, error) {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		items := make([]cognitoPool, len(out.UserPools))
		for i, up := range out.UserPools {
			items[i] = cognitoPool{UserPoolDescriptionType: up}
		}
		return items, nil
	})
}

// perPool lists children of the pool named by user_pool_id, or of every
// pool of the target, lazily.
func perPool(q *vtab.Query, children func(c *connection.Client, poolID string) vtab.Pager) (vtab.Pager, error) {
	c, err := client(q)
	if err != nil {
		return nil, err
	}
	if id := q.Quals.String("user_pool_id"); id != "" {
		if !poolInRegion(id, q.Target.Region) {
			return single(nil), nil
		}
		return children(c, id), nil
	}
	return &nestedPager[cognitoPool]{parents: userPoolPages(c, cognitoPageSize), children: func(p cognitoPool) vtab.Pager {
		return children(c, aws.ToString(p.Id))
	}}, nil
}

func cognitoUserPoolSpec() *vtab.Spec {
	const h = "describe_user_pool"
	full := func(name string, typ vtab.Type, desc string, f func(*types.UserPoolType) any) vtab.Column {
		return hcol(name, typ, desc, h, f)
	}
	return &vtab.Spec{
		Name:          "aws_cognito_user_pool",
		Description:   "Cognito user pools of each region, with their configuration.",
		Scope:         vtab.Regional,
		Service:       "cognito-idp",
		EstimatedRows: 10,
		Columns: []vtab.Column{
			col("id", vtab.Text, "The ID of the user pool.", func(p cognitoPool) any { return str(p.Id) }),
			col("name", vtab.Text, "The name of the user pool.", func(p cognitoPool) any { return str(p.Name) }),
			col("status", vtab.Text, "The status of the user pool.", func(p cognitoPool) any { return enum(p.Status) }),
			col("lambda_config", vtab.Text, "The Lambda triggers of the user pool (JSON).", func(p cognitoPool) any { return cleanJSON(p.LambdaConfig) }),
			col("creation_date", vtab.Text, "When the user pool was created.", func(p cognitoPool) any { return p.CreationDate }),
			col("last_modified_date", vtab.Text, "When the user pool was last modified.", func(p cognitoPool) any { return p.LastModifiedDate }),
			full("arn", vtab.Text, "The Amazon Resource Name (ARN) of the user pool.", func(p *types.UserPoolType) any { return str(p.Arn) }),
			full("estimated_number_of_users", vtab.Integer, "An estimate of the number of users in the user pool.", func(p *types.UserPoolType) any { return p.EstimatedNumberOfUsers }),
			full("mfa_configuration", vtab.Text, "The multi-factor authentication configuration: OFF, ON or OPTIONAL.", func(p *types.UserPoolType) any { return enum(p.MfaConfiguration) }),
			full("deletion_protection", vtab.Text, "Whether deletion protection is ACTIVE or INACTIVE.", func(p *types.UserPoolType) any { return enum(p.DeletionProtection) }),
			full("policies", vtab.Text, "The password and sign-in policies of the user pool (JSON).", func(p *types.UserPoolType) any { return cleanJSON(p.Policies) }),
			full("domain", vtab.Text, "The hosted UI domain prefix, if any.", func(p *types.UserPoolType) any { return str(p.Domain) }),
			full("custom_domain", vtab.Text, "The custom hosted UI domain, if any.", func(p *types.UserPoolType) any { return str(p.CustomDomain) }),
			full("account_recovery_setting", vtab.Text, "How users can recover their password (JSON).", func(p *types.UserPoolType) any { return cleanJSON(p.AccountRecoverySetting) }),
			full("admin_create_user_config", vtab.Text, "The configuration of AdminCreateUser requests (JSON).", func(p *types.UserPoolType) any { return cleanJSON(p.AdminCreateUserConfig) }),
			full("alias_attributes", vtab.Text, "The attributes that can be used as aliases to sign in (JSON).", func(p *types.UserPoolType) any { return p.AliasAttributes }),
			full("auto_verified_attributes", vtab.Text, "The attributes that are verified automatically (JSON).", func(p *types.UserPoolType) any { return p.AutoVerifiedAttributes }),
			full("username_attributes", vtab.Text, "The attributes that can be used as a username to sign in (JSON).", func(p *types.UserPoolType) any { return p.UsernameAttributes }),
			full("username_configuration", vtab.Text, "Whether usernames are case sensitive (JSON).", func(p *types.UserPoolType) any { return cleanJSON(p.UsernameConfiguration) }),
			full("device_configuration", vtab.Text, "The device-remembering configuration (JSON).", func(p *types.UserPoolType) any { return cleanJSON(p.DeviceConfiguration) }),
			full("email_configuration", vtab.Text, "The email configuration (JSON).", func(p *types.UserPoolType) any { return cleanJSON(p.EmailConfiguration) }),
			full("sms_configuration", vtab.Text, "The SMS configuration (JSON).", func(p *types.UserPoolType) any { return cleanJSON(p.SmsConfiguration) }),
			full("sms_configuration_failure", vtab.Text, "Why the SMS configuration cannot send messages, if it cannot.", func(p *types.UserPoolType) any { return str(p.SmsConfigurationFailure) }),
			full("schema_attributes", vtab.Text, "The schema attributes of the user pool (JSON).", func(p *types.UserPoolType) any { return cleanJSON(p.SchemaAttributes) }),
			full("user_attribute_update_settings", vtab.Text, "The settings for updates to user attributes (JSON).", func(p *types.UserPoolType) any { return cleanJSON(p.UserAttributeUpdateSettings) }),
			full("user_pool_add_ons", vtab.Text, "The user pool add-ons, such as advanced security (JSON).", func(p *types.UserPoolType) any { return cleanJSON(p.UserPoolAddOns) }),
			full("user_pool_tier", vtab.Text, "The feature plan of the user pool: LITE, ESSENTIALS or PLUS.", func(p *types.UserPoolType) any { return enum(p.UserPoolTier) }),
			full("verification_message_template", vtab.Text, "The template of verification messages (JSON).", func(p *types.UserPoolType) any { return cleanJSON(p.VerificationMessageTemplate) }),
			full("tags", vtab.Text, "The tags of the user pool (JSON object).", func(p *types.UserPoolType) any {
				if p.UserPoolTags == nil {
					return map[string]string{}
				}
				return p.UserPoolTags
			}),
		},
		KeyColumns:  []vtab.KeyColumn{{Name: "id", Exact: true}},
		ListActions: []string{"cognito-idp:ListUserPools"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			return userPoolPages(c, q.PageSize(cognitoPageSize)), nil
		},
		GetKeys:    []string{"id"},
		GetActions: []string{"cognito-idp:DescribeUserPool"},
		Get: func(ctx context.Context, q *vtab.Query) (any, error) {
			id := q.Quals.String("id")
			if !poolInRegion(id, q.Target.Region) {
				return nil, nil
			}
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			p, err := describeUserPool(ctx, c, id)
			if p == nil || err != nil {
				return nil, err
			}
			return cognitoPool{Full: p, UserPoolDescriptionType: types.UserPoolDescriptionType{
				Id: p.Id, Name: p.Name, Status: p.Status, LambdaConfig: p.LambdaConfig,
				CreationDate: p.CreationDate, LastModifiedDate: p.LastModifiedDate,
			}}, nil
		},
		Hydrates: []vtab.Hydrate{
			hydrate(h, []string{"cognito-idp:DescribeUserPool"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, p cognitoPool) (any, error) {
				if p.Full != nil {
					return p.Full, nil
				}
				return describeUserPool(ctx, c, aws.ToString(p.Id))
			}),
		},
	}
}

// describeUserPool returns a pool, nil when it does not exist.
func describeUserPool(ctx context.Context, c *connection.Client, id string) (*types.UserPoolType, error) {
	out, err := c.Cognito().DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(id)})
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return out.UserPool, nil
}

func userAttr(u cognitoUser, name string) any {
	for _, a := range u.Attributes {
		if aws.ToString(a.Name) == name {
			return str(a.Value)
		}
	}
	return nil
}

func cognitoUserSpec() *vtab.Spec {
	return &vtab.Spec{
		Name:          "aws_cognito_user",
		Description:   "Users of the Cognito user pools of each region.",
		Scope:         vtab.Regional,
		Service:       "cognito-idp",
		EstimatedRows: 1000,
		Columns: []vtab.Column{
			col("user_pool_id", vtab.Text, "The ID of the user pool the user belongs to.", func(u cognitoUser) any { return u.PoolID }),
			col("username", vtab.Text, "The user name of the user.", func(u cognitoUser) any { return str(u.Username) }),
			col("sub", vtab.Text, "The unique, immutable identifier of the user (the sub attribute).", func(u cognitoUser) any { return userAttr(u, "sub") }),
			col("email", vtab.Text, "The email attribute of the user.", func(u cognitoUser) any { return userAttr(u, "email") }),
			col("status", vtab.Text, "The user status: CONFIRMED, UNCONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, EXTERNAL_PROVIDER, ARCHIVED or UNKNOWN.", func(u cognitoUser) any { return enum(u.UserStatus) }),
			col("enabled", vtab.Integer, "1 when the user is enabled.", func(u cognitoUser) any { return u.Enabled }),
			col("user_create_date", vtab.Text, "When the user was created.", func(u cognitoUser) any { return u.UserCreateDate }),
			col("user_last_modified_date", vtab.Text, "When the user was last modified.", func(u cognitoUser) any { return u.UserLastModifiedDate }),
			col("attributes", vtab.Text, "The attributes of the user (JSON object of name to value).", func(u cognitoUser) any {
				return tagMap(u.Attributes, func(a types.AttributeType) (*string, *string) { return a.Name, a.Value })
			}),
			col("mfa_options", vtab.Text, "The legacy SMS MFA settings of the user (JSON).", func(u cognitoUser) any {
				if len(u.MFAOptions) == 0 {
					return json.RawMessage("[]")
				}
				return cleanJSON(u.MFAOptions)
			}),
		},
		KeyColumns:  []vtab.KeyColumn{{Name: "user_pool_id", Exact: true}},
		ListActions: []string{"cognito-idp:ListUserPools", "cognito-idp:ListUsers"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			size := q.PageSize(cognitoPageSize)
			return perPool(q, func(c *connection.Client, poolID string) vtab.Pager {
				p := cip.NewListUsersPaginator(c.Cognito(), &cip.ListUsersInput{UserPoolId: aws.String(poolID), Limit: aws.Int32(size)})
				return pages(p.HasMorePages, func(ctx context.Context) ([]cognitoUser, error) {
					out, err := p.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					items := make([]cognitoUser, len(out.Users))
					for i, u := range out.Users {
						items[i] = cognitoUser{PoolID: poolID, UserType: u}
					}
					return items, nil
				})
			})
		},
	}
}

func cognitoGroupSpec() *vtab.Spec {
	return &vtab.Spec{
		Name:          "aws_cognito_group",
		Description:   "Groups of the Cognito user pools of each region.",
		Scope:         vtab.Regional,
		Service:       "cognito-idp",
		EstimatedRows: 50,
		Columns: []vtab.Column{
			col("group_name", vtab.Text, "The name of the group.", func(g types.GroupType) any { return str(g.GroupName) }),
			col("user_pool_id", vtab.Text, "The ID of the user pool the group belongs to.", func(g types.GroupType) any { return str(g.UserPoolId) }),
			col("description", vtab.Text, "The description of the group.", func(g types.GroupType) any { return str(g.Description) }),
			col("role_arn", vtab.Text, "The ARN of the IAM role associated with the group.", func(g types.GroupType) any { return str(g.RoleArn) }),
			col("precedence", vtab.Integer, "The precedence of the group's role among the user's groups (lower wins).", func(g types.GroupType) any { return g.Precedence }),
			col("creation_date", vtab.Text, "When the group was created.", func(g types.GroupType) any { return g.CreationDate }),
			col("last_modified_date", vtab.Text, "When the group was last modified.", func(g types.GroupType) any { return g.LastModifiedDate }),
			hcol("users", vtab.Text, "The user names of the group's members (JSON).", "users", func(us []string) any { return us }),
		},
		KeyColumns:  []vtab.KeyColumn{{Name: "user_pool_id", Exact: true}},
		ListActions: []string{"cognito-idp:ListUserPools", "cognito-idp:ListGroups"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			size := q.PageSize(cognitoPageSize)
			return perPool(q, func(c *connection.Client, poolID string) vtab.Pager {
				p := cip.NewListGroupsPaginator(c.Cognito(), &cip.ListGroupsInput{UserPoolId: aws.String(poolID), Limit: aws.Int32(size)})
				return pages(p.HasMorePages, func(ctx context.Context) ([]types.GroupType, error) {
					out, err := p.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					return out.Groups, nil
				})
			})
		},
		Hydrates: []vtab.Hydrate{
			hydrate("users", []string{"cognito-idp:ListUsersInGroup"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, g types.GroupType) (any, error) {
				p := cip.NewListUsersInGroupPaginator(c.Cognito(), &cip.ListUsersInGroupInput{
					UserPoolId: g.UserPoolId, GroupName: g.GroupName, Limit: aws.Int32(cognitoPageSize)})
				us, err := collect(ctx, p.HasMorePages, func(ctx context.Context) ([]types.UserType, error) {
					out, err := p.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					return out.Users, nil
				})
				if notFound(err) {
					return nil, nil
				}
				if err != nil {
					return nil, err
				}
				names := make([]string, 0, len(us))
				for _, u := range us {
					names = append(names, aws.ToString(u.Username))
				}
				return names, nil
			}),
		},
	}
}
