package awsqlite

import (
	"context"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/vtab"
)

// metaTables are the tables that describe awsqlite itself.
func metaTables(m *connection.Manager) []*vtab.Spec {
	conn := func(name, desc string, f func(connection.ConnectionInfo) any) vtab.Column {
		return vtab.Column{Name: name, Description: desc, Value: func(r *vtab.Row) any { return f(r.Item.(connection.ConnectionInfo)) }}
	}
	errc := func(name, desc string, f func(connection.ErrorRecord) any) vtab.Column {
		return vtab.Column{Name: name, Description: desc, Value: func(r *vtab.Row) any { return f(r.Item.(connection.ErrorRecord)) }}
	}
	return []*vtab.Spec{
		{
			Name:        "awsqlite_connection",
			Description: "The connections awsqlite reads through: configured ones and the member accounts discovered in organizations.",
			Scope:       vtab.Local,
			Columns: []vtab.Column{
				conn("name", "The connection name (WHERE connection = ... in other tables).", func(c connection.ConnectionInfo) any { return c.Name }),
				conn("account_id", "The AWS account the connection acts in.", func(c connection.ConnectionInfo) any { return c.AccountID }),
				conn("account_name", "The account name from AWS Organizations, when known.", func(c connection.ConnectionInfo) any { return c.AccountName }),
				conn("ou_path", "The OU path of the account, e.g. Root/Engineering/Prod, when discovered.", func(c connection.ConnectionInfo) any { return c.OUPath }),
				conn("regions", "The regions regional tables scan (JSON).", func(c connection.ConnectionInfo) any { return c.Regions }),
				conn("source", "Where the connection comes from: config or discovered.", func(c connection.ConnectionInfo) any { return c.Source }),
				conn("organization", "The organization block that discovered the connection.", func(c connection.ConnectionInfo) any { return c.Organization }),
			},
			List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
				return vtab.PagerFunc(func(ctx context.Context) (vtab.Page, error) {
					cs, err := m.Connections(ctx)
					if err != nil {
						return vtab.Page{}, err
					}
					items := make([]any, len(cs))
					for i, c := range cs {
						items[i] = c
					}
					return vtab.Page{Items: items}, nil
				}), nil
			},
		},
		{
			Name:        "awsqlite_errors",
			Description: "The failures skipped in warn mode: connections whose role could not be assumed, regions not enabled, denied calls.",
			Scope:       vtab.Local,
			Columns: []vtab.Column{
				errc("time", "When the failure happened.", func(e connection.ErrorRecord) any { return e.Time }),
				errc("connection", "The connection that failed.", func(e connection.ErrorRecord) any { return e.Connection }),
				errc("account_id", "The account of the connection.", func(e connection.ErrorRecord) any { return e.AccountID }),
				errc("region", "The region, 'global' for global services.", func(e connection.ErrorRecord) any { return e.Region }),
				errc("table_name", "The table being read.", func(e connection.ErrorRecord) any { return e.Table }),
				errc("operation", "The operation that failed (assume_role, list, get or a hydrate name).", func(e connection.ErrorRecord) any { return e.Operation }),
				errc("error_code", "The AWS error code, e.g. AccessDenied.", func(e connection.ErrorRecord) any { return e.ErrorCode }),
				errc("message", "The error message.", func(e connection.ErrorRecord) any { return e.Message }),
			},
			List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
				return vtab.PagerFunc(func(ctx context.Context) (vtab.Page, error) {
					es := m.Errors()
					items := make([]any, len(es))
					for i, e := range es {
						items[i] = e
					}
					return vtab.Page{Items: items}, nil
				}), nil
			},
		},
	}
}
