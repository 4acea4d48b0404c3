package tables

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/vtab"
)

// orgPageSize is the largest MaxResults Organizations list calls accept.
const orgPageSize = 20

// orgNode is a root or OU reached while walking the organization tree.
type orgNode struct {
	ID string
	// Path is the name path, e.g. "Root/Engineering/Prod".
	Path string
	// LPath is Steampipe's ltree path of ids, e.g. "r_ab12.ou_ab12_cd34ef56".
	LPath string
}

// orgAccount is an account with where it sits in the tree.
type orgAccount struct {
	types.Account
	ParentID string
	OUPath   string
}

// orgOU is an OU with where it sits in the tree.
type orgOU struct {
	types.OrganizationalUnit
	ParentID string
	OUPath   string
	LPath    string
}

func init() { register(orgAccountSpec, orgOUSpec, orgRootSpec) }

func ltree(id string) string { return strings.ReplaceAll(id, "-", "_") }

// orgWalk pages breadth-first through the organization tree, one API call
// per NextPage: for each root or OU, its accounts (when wanted), then its
// child OUs, which are queued.
type orgWalk struct {
	c        *connection.Client
	size     int32
	accounts bool // emit accounts; otherwise emit OUs
	started  bool
	queue    []orgNode
	cur      *orgNode
	acctP    *organizations.ListAccountsForParentPaginator
	ouP      *organizations.ListOrganizationalUnitsForParentPaginator
}

func (w *orgWalk) NextPage(ctx context.Context) (vtab.Page, error) {
	if !w.started {
		w.started = true
		roots, err := listRoots(ctx, w.c)
		if err != nil {
			return vtab.Page{}, err
		}
		for _, r := range roots {
			w.queue = append(w.queue, orgNode{ID: aws.ToString(r.Id), Path: aws.ToString(r.Name), LPath: ltree(aws.ToString(r.Id))})
		}
	}
	if w.cur == nil {
		if len(w.queue) == 0 {
			return vtab.Page{}, nil
		}
		n := w.queue[0]
		w.cur, w.queue = &n, w.queue[1:]
		if w.accounts {
			w.acctP = organizations.NewListAccountsForParentPaginator(w.c.Organizations(),
				&organizations.ListAccountsForParentInput{ParentId: aws.String(w.cur.ID), MaxResults: aws.Int32(w.size)})
		}
	}
	var items []any
	if w.acctP != nil {
		out, err := w.acctP.NextPage(ctx)
		if err != nil {
			return vtab.Page{}, err
		}
		for _, a := range out.Accounts {
			items = append(items, orgAccount{Account: a, ParentID: w.cur.ID, OUPath: w.cur.Path})
		}
		if !w.acctP.HasMorePages() {
			w.acctP = nil
		}
		return vtab.Page{Items: items, More: true}, nil
	}
	if w.ouP == nil {
		w.ouP = organizations.NewListOrganizationalUnitsForParentPaginator(w.c.Organizations(),
			&organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(w.cur.ID), MaxResults: aws.Int32(orgPageSize)})
	}
	out, err := w.ouP.NextPage(ctx)
	if err != nil {
		return vtab.Page{}, err
	}
	for _, ou := range out.OrganizationalUnits {
		n := orgNode{ID: aws.ToString(ou.Id), Path: w.cur.Path + "/" + aws.ToString(ou.Name), LPath: w.cur.LPath + "." + ltree(aws.ToString(ou.Id))}
		w.queue = append(w.queue, n)
		if !w.accounts {
			items = append(items, orgOU{OrganizationalUnit: ou, ParentID: w.cur.ID, OUPath: n.Path, LPath: n.LPath})
		}
	}
	if !w.ouP.HasMorePages() {
		w.ouP, w.cur = nil, nil
	}
	return vtab.Page{Items: items, More: w.cur != nil || len(w.queue) > 0}, nil
}

func listRoots(ctx context.Context, c *connection.Client) ([]types.Root, error) {
	p := organizations.NewListRootsPaginator(c.Organizations(), &organizations.ListRootsInput{MaxResults: aws.Int32(orgPageSize)})
	return collect(ctx, p.HasMorePages, func(ctx context.Context) ([]types.Root, error) {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		return out.Roots, nil
	})
}

// ancestry returns the parent id and name path of an account or OU by
// walking ListParents up to the root.
func ancestry(ctx context.Context, c *connection.Client, id string) (parent string, path string, err error) {
	var names []string
	child := id
	for {
		out, err := c.Organizations().ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(child)})
		if err != nil {
			return "", "", err
		}
		if len(out.Parents) == 0 {
			break
		}
		p := out.Parents[0]
		if parent == "" {
			parent = aws.ToString(p.Id)
		}
		if p.Type == types.ParentTypeRoot {
			names = append(names, "Root")
			break
		}
		ou, err := c.Organizations().DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: p.Id})
		if err != nil {
			return "", "", err
		}
		names = append(names, aws.ToString(ou.OrganizationalUnit.Name))
		child = aws.ToString(p.Id)
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	return parent, strings.Join(names, "/"), nil
}

func orgAccountSpec() *vtab.Spec {
	return &vtab.Spec{
		Name:          "aws_organizations_account",
		Description:   "Accounts of the AWS Organization, with the OU path each sits in.",
		Scope:         vtab.Organization,
		Service:       "organizations",
		EstimatedRows: 100,
		Columns: []vtab.Column{
			col("id", vtab.Text, "The unique identifier (account ID) of the account.", func(a orgAccount) any { return str(a.Id) }),
			col("name", vtab.Text, "The friendly name of the account.", func(a orgAccount) any { return str(a.Name) }),
			col("arn", vtab.Text, "The Amazon Resource Name (ARN) of the account.", func(a orgAccount) any { return str(a.Arn) }),
			col("email", vtab.Text, "The email address associated with the account.", func(a orgAccount) any { return str(a.Email) }),
			col("status", vtab.Text, "The status of the account in the organization (ACTIVE, SUSPENDED, PENDING_CLOSURE).", func(a orgAccount) any { return string(a.Status) }),
			col("joined_method", vtab.Text, "How the account joined the organization (INVITED or CREATED).", func(a orgAccount) any { return string(a.JoinedMethod) }),
			col("joined_timestamp", vtab.Text, "When the account became part of the organization.", func(a orgAccount) any { return a.JoinedTimestamp }),
			col("parent_id", vtab.Text, "The ID of the root or OU that directly contains the account.", func(a orgAccount) any { return nonEmpty(a.ParentID) }),
			col("ou_path", vtab.Text, "The names of the root and OUs above the account, e.g. Root/Engineering/Prod.", func(a orgAccount) any { return nonEmpty(a.OUPath) }),
		},
		KeyColumns:  []vtab.KeyColumn{{Name: "id", Exact: true}},
		ListActions: []string{"organizations:ListAccounts", "organizations:ListRoots", "organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			if q.Uses("parent_id") || q.Uses("ou_path") {
				return &orgWalk{c: c, size: q.PageSize(orgPageSize), accounts: true}, nil
			}
			// The flat listing is cheaper when the tree is not needed.
			p := organizations.NewListAccountsPaginator(c.Organizations(), &organizations.ListAccountsInput{MaxResults: aws.Int32(q.PageSize(orgPageSize))})
			return pages(p.HasMorePages, func(ctx context.Context) ([]orgAccount, error) {
				out, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				as := make([]orgAccount, len(out.Accounts))
				for i, a := range out.Accounts {
					as[i] = orgAccount{Account: a}
				}
				return as, nil
			}), nil
		},
		GetKeys:    []string{"id"},
		GetActions: []string{"organizations:DescribeAccount", "organizations:ListParents", "organizations:DescribeOrganizationalUnit"},
		Get: func(ctx context.Context, q *vtab.Query) (any, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			out, err := c.Organizations().DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(q.Quals.String("id"))})
			if notFound(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			a := orgAccount{Account: *out.Account}
			if q.Uses("parent_id") || q.Uses("ou_path") {
				if a.ParentID, a.OUPath, err = ancestry(ctx, c, aws.ToString(a.Id)); err != nil {
					return nil, err
				}
			}
			return a, nil
		},
	}
}

func orgOUSpec() *vtab.Spec {
	return &vtab.Spec{
		Name:          "aws_organizations_organizational_unit",
		Description:   "Organizational units (OUs) of the AWS Organization.",
		Scope:         vtab.Organization,
		Service:       "organizations",
		EstimatedRows: 20,
		Columns: []vtab.Column{
			col("id", vtab.Text, "The unique identifier (ID) of the OU.", func(o orgOU) any { return str(o.Id) }),
			col("name", vtab.Text, "The friendly name of the OU.", func(o orgOU) any { return str(o.Name) }),
			col("arn", vtab.Text, "The Amazon Resource Name (ARN) of the OU.", func(o orgOU) any { return str(o.Arn) }),
			col("parent_id", vtab.Text, "The ID of the root or OU that directly contains the OU.", func(o orgOU) any { return o.ParentID }),
			col("path", vtab.Text, "The ltree path of ids from the root to the OU, e.g. r_ab12.ou_ab12_cd34ef56.", func(o orgOU) any { return o.LPath }),
			col("ou_path", vtab.Text, "The names of the root and OUs down to this OU, e.g. Root/Engineering/Prod.", func(o orgOU) any { return o.OUPath }),
		},
		ListActions: []string{"organizations:ListRoots", "organizations:ListOrganizationalUnitsForParent"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			return &orgWalk{c: c, size: orgPageSize}, nil
		},
	}
}

func orgRootSpec() *vtab.Spec {
	return &vtab.Spec{
		Name:          "aws_organizations_root",
		Description:   "Roots of the AWS Organization.",
		Scope:         vtab.Organization,
		Service:       "organizations",
		EstimatedRows: 1,
		Columns: []vtab.Column{
			col("id", vtab.Text, "The unique identifier (ID) of the root.", func(r types.Root) any { return str(r.Id) }),
			col("name", vtab.Text, "The friendly name of the root.", func(r types.Root) any { return str(r.Name) }),
			col("arn", vtab.Text, "The Amazon Resource Name (ARN) of the root.", func(r types.Root) any { return str(r.Arn) }),
			col("policy_types", vtab.Text, "The policy types enabled for the root (JSON).", func(r types.Root) any { return r.PolicyTypes }),
		},
		ListActions: []string{"organizations:ListRoots"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			p := organizations.NewListRootsPaginator(c.Organizations(), &organizations.ListRootsInput{MaxResults: aws.Int32(q.PageSize(orgPageSize))})
			return pages(p.HasMorePages, func(ctx context.Context) ([]types.Root, error) {
				out, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				return out.Roots, nil
			}), nil
		},
	}
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
