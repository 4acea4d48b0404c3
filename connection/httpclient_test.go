package connection_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/vtab"
)

// A pause between paged calls (SQLite consuming the rows of a page) must not
// make the SDK fail to read the next response and retry it: without the
// manager's request-body buffering, a few of these rounds make 4 or 5
// ListUsers calls instead of 3.
func TestNoRetriedCallsAfterPauses(t *testing.T) {
	s := awsfake.New()
	s.AddAccount("111111111111", "test")
	s.AddCredentials("AKIDTESTPAUSE", "secret", "111111111111", "")
	s.AddUsers("111111111111", 2345, "u")
	s.Start()
	defer s.Close()

	cfg, err := connection.ParseConfig([]byte(`connection "test" {}`), "test.hcl")
	require.NoError(t, err)
	ctx := context.Background()
	m, err := connection.NewManager(ctx, cfg,
		connection.WithEndpoint(s.URL()),
		connection.WithStaticCredentials("AKIDTESTPAUSE", "secret"),
		connection.WithRateLimits(map[string]float64{"iam": 0}))
	require.NoError(t, err)
	targets, err := m.Targets(ctx, &vtab.Spec{Name: "t", Scope: vtab.Global}, vtab.Prune{})
	require.NoError(t, err)
	require.Len(t, targets, 1)
	c, err := connection.ClientOf(targets[0])
	require.NoError(t, err)

	bad := 0
	for round := 0; round < 25; round++ {
		s.ResetCalls()
		p := iam.NewListUsersPaginator(c.IAM(), &iam.ListUsersInput{MaxItems: aws.Int32(1000)})
		for p.HasMorePages() {
			_, err := p.NextPage(ctx)
			require.NoError(t, err)
			time.Sleep(15 * time.Millisecond)
		}
		if s.CountCalls("iam", "ListUsers") != 3 {
			bad++
		}
	}
	assert.Zero(t, bad, "rounds with retried ListUsers calls")
}
