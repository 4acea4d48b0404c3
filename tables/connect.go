package tables

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/vtab"
)

// Connect page sizes: ListInstances takes at most 10, the per-instance
// listings at most 1000.
const (
	connectInstancePageSize = 10
	connectPageSize         = 1000
)

// connectInstance is a listed instance; Full is set when it was read with
// DescribeInstance (a get by id).
type connectInstance struct {
	types.InstanceSummary
	Full *types.Instance
}

// connectUser is a listed user of an instance; Full is set when it was read
// with DescribeUser (a get by instance_id and id).
type connectUser struct {
	InstanceID string
	types.UserSummary
	Full *types.User
}

// connectProfile is a listed security profile of an instance.
type connectProfile struct {
	InstanceID string
	types.SecurityProfileSummary
}

func init() { register(connectInstanceSpec, connectUserSpec, connectSecurityProfileSpec) }

// instancePages lists the Connect instances of a target page by page.
func instancePages(c *connection.Client, size int32) vtab.Pager {
	p := connect.NewListInstancesPaginator(c.Connect(), &connect.ListInstancesInput{MaxResults: aws.Int32(size)})
	return pages(p.HasMorePages, func(ctx context.Context) ([]connectInstance, error) {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		items := make([]connectInstance, len(out.InstanceSummaryList))
		for i, s := range out.InstanceSummaryList {
			items[i] = connectInstance{InstanceSummary: s}
		}
		return items, nil
	})
}

// perInstance lists children of the instance named by instance_id, or of
// every instance of the target, lazily.
func perInstance(q *vtab.Query, children func(c *connection.Client, instanceID string) vtab.Pager) (vtab.Pager, error) {
	c, err := client(q)
	if err != nil {
		return nil, err
	}
	if id := q.Quals.String("instance_id"); id != "" {
		return children(c, id), nil
	}
	return &nestedPager[connectInstance]{parents: instancePages(c, connectInstancePageSize), children: func(i connectInstance) vtab.Pager {
		return children(c, aws.ToString(i.Id))
	}}, nil
}

func connectInstanceSpec() *vtab.Spec {
	return &vtab.Spec{
		Name:          "aws_connect_instance",
		Description:   "Amazon Connect instances of each region.",
		Scope:         vtab.Regional,
		Service:       "connect",
		EstimatedRows: 2,
		Columns: []vtab.Column{
			col("id", vtab.Text, "The identifier of the instance.", func(i connectInstance) any { return str(i.Id) }),
			col("arn", vtab.Text, "The Amazon Resource Name (ARN) of the instance.", func(i connectInstance) any { return str(i.Arn) }),
			col("instance_alias", vtab.Text, "The alias of the instance.", func(i connectInstance) any { return str(i.InstanceAlias) }),
			col("instance_status", vtab.Text, "The state of the instance.", func(i connectInstance) any { return enum(i.InstanceStatus) }),
			col("identity_management_type", vtab.Text, "How the instance manages identities: CONNECT_MANAGED, SAML or EXISTING_DIRECTORY.", func(i connectInstance) any { return enum(i.IdentityManagementType) }),
			col("instance_access_url", vtab.Text, "The URL of the instance's admin website.", func(i connectInstance) any { return str(i.InstanceAccessUrl) }),
			col("service_role", vtab.Text, "The service-linked role of the instance.", func(i connectInstance) any { return str(i.ServiceRole) }),
			col("created_time", vtab.Text, "When the instance was created.", func(i connectInstance) any { return i.CreatedTime }),
			col("inbound_calls_enabled", vtab.Integer, "1 when inbound calls are enabled.", func(i connectInstance) any { return i.InboundCallsEnabled }),
			col("outbound_calls_enabled", vtab.Integer, "1 when outbound calls are enabled.", func(i connectInstance) any { return i.OutboundCallsEnabled }),
			hcol("status_reason", vtab.Text, "Why the instance was not created successfully, if it was not (JSON).", "describe_instance", func(i *types.Instance) any { return cleanJSON(i.StatusReason) }),
			hcol("tags", vtab.Text, "The tags of the instance (JSON object).", "describe_instance", func(i *types.Instance) any {
				if i.Tags == nil {
					return map[string]string{}
				}
				return i.Tags
			}),
		},
		KeyColumns:  []vtab.KeyColumn{{Name: "id", Exact: true}},
		ListActions: []string{"connect:ListInstances", "ds:DescribeDirectories"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			return instancePages(c, q.PageSize(connectInstancePageSize)), nil
		},
		GetKeys:    []string{"id"},
		GetActions: []string{"connect:DescribeInstance", "ds:DescribeDirectories"},
		Get: func(ctx context.Context, q *vtab.Query) (any, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			i, err := describeInstance(ctx, c, q.Quals.String("id"))
			if i == nil || err != nil {
				return nil, err
			}
			return connectInstance{Full: i, InstanceSummary: types.InstanceSummary{
				Id: i.Id, Arn: i.Arn, InstanceAlias: i.InstanceAlias, InstanceStatus: i.InstanceStatus,
				IdentityManagementType: i.IdentityManagementType, InstanceAccessUrl: i.InstanceAccessUrl,
				ServiceRole: i.ServiceRole, CreatedTime: i.CreatedTime,
				InboundCallsEnabled: i.InboundCallsEnabled, OutboundCallsEnabled: i.OutboundCallsEnabled,
			}}, nil
		},
		Hydrates: []vtab.Hydrate{
			hydrate("describe_instance", []string{"connect:DescribeInstance", "ds:DescribeDirectories"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, i connectInstance) (any, error) {
				if i.Full != nil {
					return i.Full, nil
				}
				return describeInstance(ctx, c, aws.ToString(i.Id))
			}),
		},
	}
}

// describeInstance returns an instance, nil when it does not exist.
func describeInstance(ctx context.Context, c *connection.Client, id string) (*types.Instance, error) {
	out, err := c.Connect().DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(id)})
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return out.Instance, nil
}

// describeUser returns a user, nil when it does not exist.
func describeUser(ctx context.Context, c *connection.Client, instanceID, id string) (*types.User, error) {
	out, err := c.Connect().DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String(instanceID), UserId: aws.String(id)})
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return out.User, nil
}

func connectUserSpec() *vtab.Spec {
	const h = "describe_user"
	full := func(name string, typ vtab.Type, desc string, f func(*types.User) any) vtab.Column {
		return hcol(name, typ, desc, h, f)
	}
	identity := func(f func(*types.UserIdentityInfo) *string) func(*types.User) any {
		return func(u *types.User) any {
			if u.IdentityInfo == nil {
				return nil
			}
			return str(f(u.IdentityInfo))
		}
	}
	return &vtab.Spec{
		Name:          "aws_connect_user",
		Description:   "Users (agents, supervisors, administrators) of the Amazon Connect instances of each region.",
		Scope:         vtab.Regional,
		Service:       "connect",
		EstimatedRows: 500,
		Columns: []vtab.Column{
			col("instance_id", vtab.Text, "The identifier of the instance the user belongs to.", func(u connectUser) any { return u.InstanceID }),
			col("id", vtab.Text, "The identifier of the user.", func(u connectUser) any { return str(u.Id) }),
			col("arn", vtab.Text, "The Amazon Resource Name (ARN) of the user.", func(u connectUser) any { return str(u.Arn) }),
			col("username", vtab.Text, "The user name of the user.", func(u connectUser) any { return str(u.Username) }),
			col("last_modified_time", vtab.Text, "When the user was last modified.", func(u connectUser) any { return u.LastModifiedTime }),
			col("last_modified_region", vtab.Text, "The region where the user was last modified.", func(u connectUser) any { return str(u.LastModifiedRegion) }),
			full("first_name", vtab.Text, "The first name of the user.", identity(func(i *types.UserIdentityInfo) *string { return i.FirstName })),
			full("last_name", vtab.Text, "The last name of the user.", identity(func(i *types.UserIdentityInfo) *string { return i.LastName })),
			full("email", vtab.Text, "The email address of the user.", identity(func(i *types.UserIdentityInfo) *string { return i.Email })),
			full("secondary_email", vtab.Text, "The secondary email address of the user.", identity(func(i *types.UserIdentityInfo) *string { return i.SecondaryEmail })),
			full("mobile", vtab.Text, "The mobile phone number of the user.", identity(func(i *types.UserIdentityInfo) *string { return i.Mobile })),
			full("security_profile_ids", vtab.Text, "The identifiers of the user's security profiles (JSON).", func(u *types.User) any {
				if u.SecurityProfileIds == nil {
					return []string{}
				}
				return u.SecurityProfileIds
			}),
			full("routing_profile_id", vtab.Text, "The identifier of the user's routing profile.", func(u *types.User) any { return str(u.RoutingProfileId) }),
			full("hierarchy_group_id", vtab.Text, "The identifier of the user's agent hierarchy group.", func(u *types.User) any { return str(u.HierarchyGroupId) }),
			full("phone_config", vtab.Text, "The phone settings of the user (JSON).", func(u *types.User) any { return cleanJSON(u.PhoneConfig) }),
			full("directory_user_id", vtab.Text, "The identifier of the user in the instance's directory.", func(u *types.User) any { return str(u.DirectoryUserId) }),
			full("tags", vtab.Text, "The tags of the user (JSON object).", func(u *types.User) any {
				if u.Tags == nil {
					return map[string]string{}
				}
				return u.Tags
			}),
		},
		KeyColumns:  []vtab.KeyColumn{{Name: "instance_id", Exact: true}, {Name: "id", Exact: true}},
		ListActions: []string{"connect:ListInstances", "connect:ListUsers"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			size := q.PageSize(connectPageSize)
			return perInstance(q, func(c *connection.Client, instanceID string) vtab.Pager {
				p := connect.NewListUsersPaginator(c.Connect(), &connect.ListUsersInput{InstanceId: aws.String(instanceID), MaxResults: aws.Int32(size)})
				return pages(p.HasMorePages, func(ctx context.Context) ([]connectUser, error) {
					out, err := p.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					items := make([]connectUser, len(out.UserSummaryList))
					for i, u := range out.UserSummaryList {
						items[i] = connectUser{InstanceID: instanceID, UserSummary: u}
					}
					return items, nil
				})
			})
		},
		GetKeys:    []string{"instance_id", "id"},
		GetActions: []string{"connect:DescribeUser"},
		Get: func(ctx context.Context, q *vtab.Query) (any, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			inst := q.Quals.String("instance_id")
			u, err := describeUser(ctx, c, inst, q.Quals.String("id"))
			if u == nil || err != nil {
				return nil, err
			}
			return connectUser{InstanceID: inst, Full: u, UserSummary: types.UserSummary{
				Id: u.Id, Arn: u.Arn, Username: u.Username, LastModifiedTime: u.LastModifiedTime, LastModifiedRegion: u.LastModifiedRegion,
			}}, nil
		},
		Hydrates: []vtab.Hydrate{
			hydrate(h, []string{"connect:DescribeUser"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, u connectUser) (any, error) {
				if u.Full != nil {
					return u.Full, nil
				}
				return describeUser(ctx, c, u.InstanceID, aws.ToString(u.Id))
			}),
		},
	}
}

func connectSecurityProfileSpec() *vtab.Spec {
	const h = "describe_security_profile"
	return &vtab.Spec{
		Name:          "aws_connect_security_profile",
		Description:   "Security profiles (permission sets) of the Amazon Connect instances of each region.",
		Scope:         vtab.Regional,
		Service:       "connect",
		EstimatedRows: 20,
		Columns: []vtab.Column{
			col("instance_id", vtab.Text, "The identifier of the instance the security profile belongs to.", func(p connectProfile) any { return p.InstanceID }),
			col("id", vtab.Text, "The identifier of the security profile.", func(p connectProfile) any { return str(p.Id) }),
			col("arn", vtab.Text, "The Amazon Resource Name (ARN) of the security profile.", func(p connectProfile) any { return str(p.Arn) }),
			col("name", vtab.Text, "The name of the security profile.", func(p connectProfile) any { return str(p.Name) }),
			col("last_modified_time", vtab.Text, "When the security profile was last modified.", func(p connectProfile) any { return p.LastModifiedTime }),
			col("last_modified_region", vtab.Text, "The region where the security profile was last modified.", func(p connectProfile) any { return str(p.LastModifiedRegion) }),
			hcol("description", vtab.Text, "The description of the security profile.", h, func(p *types.SecurityProfile) any { return str(p.Description) }),
			hcol("organization_resource_id", vtab.Text, "The identifier of the organization resource (the instance) the profile belongs to.", h, func(p *types.SecurityProfile) any { return str(p.OrganizationResourceId) }),
			hcol("allowed_access_control_tags", vtab.Text, "The tags that restrict which resources the profile's users can access (JSON object).", h, func(p *types.SecurityProfile) any { return p.AllowedAccessControlTags }),
			hcol("tags", vtab.Text, "The tags of the security profile (JSON object).", h, func(p *types.SecurityProfile) any {
				if p.Tags == nil {
					return map[string]string{}
				}
				return p.Tags
			}),
			hcol("permissions", vtab.Text, "The permissions the security profile grants (JSON).", "permissions", func(ps []string) any { return ps }),
		},
		KeyColumns:  []vtab.KeyColumn{{Name: "instance_id", Exact: true}},
		ListActions: []string{"connect:ListInstances", "connect:ListSecurityProfiles"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			size := q.PageSize(connectPageSize)
			return perInstance(q, func(c *connection.Client, instanceID string) vtab.Pager {
				p := connect.NewListSecurityProfilesPaginator(c.Connect(), &connect.ListSecurityProfilesInput{InstanceId: aws.String(instanceID), MaxResults: aws.Int32(size)})
				return pages(p.HasMorePages, func(ctx context.Context) ([]connectProfile, error) {
					out, err := p.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					items := make([]connectProfile, len(out.SecurityProfileSummaryList))
					for i, s := range out.SecurityProfileSummaryList {
						items[i] = connectProfile{InstanceID: instanceID, SecurityProfileSummary: s}
					}
					return items, nil
				})
			})
		},
		Hydrates: []vtab.Hydrate{
			hydrate(h, []string{"connect:DescribeSecurityProfile"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, p connectProfile) (any, error) {
				out, err := c.Connect().DescribeSecurityProfile(ctx, &connect.DescribeSecurityProfileInput{InstanceId: aws.String(p.InstanceID), SecurityProfileId: p.Id})
				if notFound(err) {
					return nil, nil
				}
				if err != nil {
					return nil, err
				}
				return out.SecurityProfile, nil
			}),
			hydrate("permissions", []string{"connect:ListSecurityProfilePermissions"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, p connectProfile) (any, error) {
				pg := connect.NewListSecurityProfilePermissionsPaginator(c.Connect(), &connect.ListSecurityProfilePermissionsInput{
					InstanceId: aws.String(p.InstanceID), SecurityProfileId: p.Id, MaxResults: aws.Int32(connectPageSize)})
				ps, err := collect(ctx, pg.HasMorePages, func(ctx context.Context) ([]string, error) {
					out, err := pg.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					return out.Permissions, nil
				})
				if notFound(err) {
					return nil, nil
				}
				if ps == nil && err == nil {
					ps = []string{}
				}
				return ps, err
			}),
		},
	}
}
