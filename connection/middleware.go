package connection

import (
	"context"
	"strings"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// middlewares returns the APIOptions every client of c carries: API call
// accounting and the per-account client-side rate limit of service. Both
// run in the finalize step after the retryer, so every attempt is counted
// and paced.
func (m *Manager) middlewares(c *conn, service string) []func(*middleware.Stack) error {
	return []func(*middleware.Stack) error{
		func(st *middleware.Stack) error {
			return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("awsqlite.Accounting", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				svc := service
				if svc == "" {
					svc = strings.ToLower(awsmiddleware.GetServiceID(ctx))
				}
				m.countCall(c.name, svc, awsmiddleware.GetOperationName(ctx))
				if l := m.limiter(m.limitKey(c), strings.ToLower(service)); l != nil {
					if err := l.Wait(ctx); err != nil {
						return middleware.FinalizeOutput{}, middleware.Metadata{}, err
					}
				}
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
		},
	}
}

// limitKey is the account a connection's rate limits are shared by.
func (m *Manager) limitKey(c *conn) string {
	if c.accountID != "" {
		return c.accountID
	}
	if c.parent != nil && c.roleARN == "" {
		return m.limitKey(c.parent)
	}
	key := identityKey(c)
	m.mu.Lock()
	id := m.accounts[key]
	m.mu.Unlock()
	if id != "" {
		return id
	}
	return "identity:" + key
}
