package tables

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/awsqlite/awsqlite/vtab"
)

// idcPageSize is the largest MaxResults of the SSO Admin and identity
// store list calls.
const idcPageSize = 100

func init() {
	register(ssoAdminInstance, identityStoreUser, identityStoreGroup, identityStoreGroupMembership)
}

func ssoAdminInstance() *vtab.Spec {
	return &vtab.Spec{
		Name:          "aws_ssoadmin_instance",
		Description:   "IAM Identity Center (SSO) instances of each region, with their identity store.",
		Scope:         vtab.Regional,
		Service:       "sso",
		EstimatedRows: 1,
		Columns: []vtab.Column{
			col("arn", vtab.Text, "The ARN of the Identity Center instance.", func(i ssotypes.InstanceMetadata) any { return str(i.InstanceArn) }),
			col("identity_store_id", vtab.Text, "The identifier of the identity store connected to the instance.", func(i ssotypes.InstanceMetadata) any { return str(i.IdentityStoreId) }),
			col("name", vtab.Text, "The name of the instance.", func(i ssotypes.InstanceMetadata) any { return str(i.Name) }),
			col("status", vtab.Text, "The status of the instance (CREATE_IN_PROGRESS, DELETE_IN_PROGRESS, ACTIVE).", func(i ssotypes.InstanceMetadata) any { return enumText(i.Status) }),
			col("owner_account_id", vtab.Text, "The AWS account that owns the instance.", func(i ssotypes.InstanceMetadata) any { return str(i.OwnerAccountId) }),
			col("created_date", vtab.Text, "When the instance was created.", func(i ssotypes.InstanceMetadata) any { return i.CreatedDate }),
		},
		ListActions: []string{"sso:ListInstances"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			return ssoInstances(q)
		},
	}
}

// ssoInstances pages through the Identity Center instances of a target.
func ssoInstances(q *vtab.Query) (vtab.Pager, error) {
	c, err := client(q)
	if err != nil {
		return nil, err
	}
	p := ssoadmin.NewListInstancesPaginator(c.SSOAdmin(), &ssoadmin.ListInstancesInput{MaxResults: aws.Int32(q.PageSize(idcPageSize))})
	return pages(p.HasMorePages, func(ctx context.Context) ([]ssotypes.InstanceMetadata, error) {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		return out.Instances, nil
	}), nil
}

// idcStorePager returns the pages of one identity store listing, given the
// identity store's id.
type idcStorePager func(storeID string) vtab.Pager

// idcPerStore lists through the identity store named by identity_store_id,
// or else through the identity store of every Identity Center instance of
// the target, one instance at a time.
func idcPerStore(q *vtab.Query, list idcStorePager) (vtab.Pager, error) {
	if id := q.Quals.String("identity_store_id"); id != "" {
		return list(id), nil
	}
	instances, err := ssoInstances(q)
	if err != nil {
		return nil, err
	}
	return idcWalk(instances, func(parent any) vtab.Pager {
		inst, _ := parent.(ssotypes.InstanceMetadata)
		return list(aws.ToString(inst.IdentityStoreId))
	}), nil
}

// idcWalk is a lazy nested listing: for each item of parents (fetched a page
// at a time), the pages of child(item).
func idcWalk(parents vtab.Pager, child func(parent any) vtab.Pager) vtab.Pager {
	var (
		queue       []any
		cur         vtab.Pager
		parentsDone bool
	)
	return vtab.PagerFunc(func(ctx context.Context) (vtab.Page, error) {
		for {
			switch {
			case cur != nil:
				p, err := cur.NextPage(ctx)
				if err != nil {
					return vtab.Page{}, err
				}
				if !p.More {
					cur = nil
				}
				more := cur != nil || len(queue) > 0 || !parentsDone
				if len(p.Items) > 0 || !more {
					return vtab.Page{Items: p.Items, More: more}, nil
				}
			case len(queue) > 0:
				cur, queue = child(queue[0]), queue[1:]
			case parentsDone:
				return vtab.Page{}, nil
			default:
				p, err := parents.NextPage(ctx)
				if err != nil {
					return vtab.Page{}, err
				}
				queue, parentsDone = p.Items, !p.More
			}
		}
	})
}

func identityStoreUser() *vtab.Spec {
	type U = istypes.User
	return &vtab.Spec{
		Name:          "aws_identitystore_user",
		Description:   "IAM Identity Center users of the identity store of each region's Identity Center instance.",
		Scope:         vtab.Regional,
		Service:       "identitystore",
		EstimatedRows: 500,
		Columns: []vtab.Column{
			col("identity_store_id", vtab.Text, "The globally unique identifier for the identity store.", func(u U) any { return str(u.IdentityStoreId) }),
			col("id", vtab.Text, "The identifier for the user in the identity store.", func(u U) any { return str(u.UserId) }),
			col("name", vtab.Text, "The user name of the user.", func(u U) any { return str(u.UserName) }),
			col("display_name", vtab.Text, "The name of the user formatted for display.", func(u U) any { return str(u.DisplayName) }),
			col("given_name", vtab.Text, "The given (first) name of the user.", func(u U) any {
				if u.Name == nil {
					return nil
				}
				return str(u.Name.GivenName)
			}),
			col("family_name", vtab.Text, "The family (last) name of the user.", func(u U) any {
				if u.Name == nil {
					return nil
				}
				return str(u.Name.FamilyName)
			}),
			col("emails", vtab.Text, "The email addresses of the user (JSON).", func(u U) any {
				if u.Emails == nil {
					return []istypes.Email{}
				}
				return u.Emails
			}),
			col("primary_email", vtab.Text, "The primary email address of the user.", func(u U) any {
				for _, e := range u.Emails {
					if e.Primary {
						return str(e.Value)
					}
				}
				return nil
			}),
			col("user_type", vtab.Text, "The type of the user, as set by the organization.", func(u U) any { return str(u.UserType) }),
			col("title", vtab.Text, "The job title of the user.", func(u U) any { return str(u.Title) }),
			col("user_status", vtab.Text, "The status of the user (ENABLED or DISABLED).", func(u U) any { return enumText(u.UserStatus) }),
			col("external_ids", vtab.Text, "The identifiers of the user in external identity providers (JSON).", func(u U) any { return u.ExternalIds }),
			col("created_at", vtab.Text, "When the user was created.", func(u U) any { return u.CreatedAt }),
			col("updated_at", vtab.Text, "When the user was last updated.", func(u U) any { return u.UpdatedAt }),
		},
		KeyColumns: []vtab.KeyColumn{
			{Name: "identity_store_id", Exact: true},
			{Name: "id", Exact: true},
			{Name: "name", Exact: true},
		},
		ListActions: []string{"sso:ListInstances", "identitystore:ListUsers"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			return idcPerStore(q, func(storeID string) vtab.Pager {
				in := &identitystore.ListUsersInput{IdentityStoreId: aws.String(storeID), MaxResults: aws.Int32(q.PageSize(idcPageSize))}
				if n := q.Quals.String("name"); n != "" {
					in.Filters = []istypes.Filter{{AttributePath: aws.String("UserName"), AttributeValue: aws.String(n)}}
				}
				p := identitystore.NewListUsersPaginator(c.IdentityStore(), in)
				return pages(p.HasMorePages, func(ctx context.Context) ([]U, error) {
					out, err := p.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					if id := q.Quals.String("id"); id != "" { // without identity_store_id, no DescribeUser
						var keep []U
						for _, u := range out.Users {
							if aws.ToString(u.UserId) == id {
								keep = append(keep, u)
							}
						}
						return keep, nil
					}
					return out.Users, nil
				})
			})
		},
		GetKeys:    []string{"identity_store_id", "id"},
		GetActions: []string{"identitystore:DescribeUser"},
		Get: func(ctx context.Context, q *vtab.Query) (any, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			out, err := c.IdentityStore().DescribeUser(ctx, &identitystore.DescribeUserInput{
				IdentityStoreId: aws.String(q.Quals.String("identity_store_id")), UserId: aws.String(q.Quals.String("id"))})
			if notFound(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			u := U{IdentityStoreId: out.IdentityStoreId, UserId: out.UserId, UserName: out.UserName, DisplayName: out.DisplayName,
				Name: out.Name, Emails: out.Emails, UserType: out.UserType, Title: out.Title, UserStatus: out.UserStatus,
				ExternalIds: out.ExternalIds, CreatedAt: out.CreatedAt, UpdatedAt: out.UpdatedAt}
			if n := q.Quals.String("name"); n != "" && aws.ToString(u.UserName) != n {
				return nil, nil
			}
			return u, nil
		},
	}
}

func identityStoreGroup() *vtab.Spec {
	type G = istypes.Group
	return &vtab.Spec{
		Name:          "aws_identitystore_group",
		Description:   "IAM Identity Center groups of the identity store of each region's Identity Center instance.",
		Scope:         vtab.Regional,
		Service:       "identitystore",
		EstimatedRows: 50,
		Columns: []vtab.Column{
			col("identity_store_id", vtab.Text, "The globally unique identifier for the identity store.", func(g G) any { return str(g.IdentityStoreId) }),
			col("id", vtab.Text, "The identifier for the group in the identity store.", func(g G) any { return str(g.GroupId) }),
			col("name", vtab.Text, "The display name of the group.", func(g G) any { return str(g.DisplayName) }),
			col("description", vtab.Text, "The description of the group.", func(g G) any { return str(g.Description) }),
			col("external_ids", vtab.Text, "The identifiers of the group in external identity providers (JSON).", func(g G) any { return g.ExternalIds }),
			col("created_at", vtab.Text, "When the group was created.", func(g G) any { return g.CreatedAt }),
			col("updated_at", vtab.Text, "When the group was last updated.", func(g G) any { return g.UpdatedAt }),
		},
		KeyColumns: []vtab.KeyColumn{
			{Name: "identity_store_id", Exact: true},
			{Name: "id", Exact: true},
			{Name: "name", Exact: true},
		},
		ListActions: []string{"sso:ListInstances", "identitystore:ListGroups"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			return idcGroupsPager(q, q.Quals.String("name"), q.Quals.String("id"), q.PageSize(idcPageSize))
		},
		GetKeys:    []string{"identity_store_id", "id"},
		GetActions: []string{"identitystore:DescribeGroup"},
		Get: func(ctx context.Context, q *vtab.Query) (any, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			out, err := c.IdentityStore().DescribeGroup(ctx, &identitystore.DescribeGroupInput{
				IdentityStoreId: aws.String(q.Quals.String("identity_store_id")), GroupId: aws.String(q.Quals.String("id"))})
			if notFound(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			g := G{IdentityStoreId: out.IdentityStoreId, GroupId: out.GroupId, DisplayName: out.DisplayName,
				Description: out.Description, ExternalIds: out.ExternalIds, CreatedAt: out.CreatedAt, UpdatedAt: out.UpdatedAt}
			if n := q.Quals.String("name"); n != "" && aws.ToString(g.DisplayName) != n {
				return nil, nil
			}
			return g, nil
		},
	}
}

// idcGroupsPager lists the groups of the target's identity store(s), with an
// optional DisplayName filter and group id.
func idcGroupsPager(q *vtab.Query, name, id string, size int32) (vtab.Pager, error) {
	c, err := client(q)
	if err != nil {
		return nil, err
	}
	return idcPerStore(q, func(storeID string) vtab.Pager {
		in := &identitystore.ListGroupsInput{IdentityStoreId: aws.String(storeID), MaxResults: aws.Int32(size)}
		if name != "" {
			in.Filters = []istypes.Filter{{AttributePath: aws.String("DisplayName"), AttributeValue: aws.String(name)}}
		}
		p := identitystore.NewListGroupsPaginator(c.IdentityStore(), in)
		return pages(p.HasMorePages, func(ctx context.Context) ([]istypes.Group, error) {
			out, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			if id != "" {
				var keep []istypes.Group
				for _, g := range out.Groups {
					if aws.ToString(g.GroupId) == id {
						keep = append(keep, g)
					}
				}
				return keep, nil
			}
			return out.Groups, nil
		})
	})
}

func identityStoreGroupMembership() *vtab.Spec {
	type M = istypes.GroupMembership
	return &vtab.Spec{
		Name:          "aws_identitystore_group_membership",
		Description:   "Memberships of IAM Identity Center users in Identity Center groups.",
		Scope:         vtab.Regional,
		Service:       "identitystore",
		EstimatedRows: 1000,
		Columns: []vtab.Column{
			col("membership_id", vtab.Text, "The identifier for the group membership.", func(m M) any { return str(m.MembershipId) }),
			col("identity_store_id", vtab.Text, "The globally unique identifier for the identity store.", func(m M) any { return str(m.IdentityStoreId) }),
			col("group_id", vtab.Text, "The identifier for the group.", func(m M) any { return str(m.GroupId) }),
			col("member_id", vtab.Text, "The identifier for the member (user) of the group.", func(m M) any {
				if u, ok := m.MemberId.(*istypes.MemberIdMemberUserId); ok {
					return u.Value
				}
				return nil
			}),
			col("created_at", vtab.Text, "When the membership was created.", func(m M) any { return m.CreatedAt }),
		},
		KeyColumns: []vtab.KeyColumn{
			{Name: "identity_store_id", Exact: true},
			{Name: "group_id", Exact: true},
		},
		ListActions: []string{"sso:ListInstances", "identitystore:ListGroups", "identitystore:ListGroupMemberships"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			size := q.PageSize(idcPageSize)
			members := func(storeID, groupID string) vtab.Pager {
				p := identitystore.NewListGroupMembershipsPaginator(c.IdentityStore(), &identitystore.ListGroupMembershipsInput{
					IdentityStoreId: aws.String(storeID), GroupId: aws.String(groupID), MaxResults: aws.Int32(size)})
				return pages(p.HasMorePages, func(ctx context.Context) ([]M, error) {
					out, err := p.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					return out.GroupMemberships, nil
				})
			}
			if gid := q.Quals.String("group_id"); gid != "" {
				return idcPerStore(q, func(storeID string) vtab.Pager { return members(storeID, gid) })
			}
			groups, err := idcGroupsPager(q, "", "", idcPageSize)
			if err != nil {
				return nil, err
			}
			return idcWalk(groups, func(parent any) vtab.Pager {
				g, _ := parent.(istypes.Group)
				return members(aws.ToString(g.IdentityStoreId), aws.ToString(g.GroupId))
			}), nil
		},
	}
}
