package awsqlite

import (
	"context"
	"fmt"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/internal/awsfake"
)

// DemoConfig is the configuration --demo runs with: the seeded
// organization's management account, and every member account discovered
// through the organization and read through its AuditRole with the external
// ID.
const DemoConfig = `# The embedded demo organization (internal/awsfake).
settings {
  cache_ttl       = "5m"
  max_concurrency = 32
  on_error        = "warn"
}

connection "demo" {
  regions = ["us-east-1", "eu-west-1"]
}

organization "demo" {
  connection       = "demo"
  member_role_name = "` + awsfake.DemoRoleName + `"
  external_id      = "` + awsfake.DemoExternalID + `"
  handle_prefix    = "demo_"
  regions          = ["us-east-1", "eu-west-1"]
}
`

// OpenDemo starts the embedded AWS emulator with a seeded organization (a
// management account and member accounts in nested OUs) and opens a session
// on it. Closing the session stops the emulator.
func OpenDemo(ctx context.Context, opts ...Option) (*Session, error) {
	srv := awsfake.Demo()
	srv.Start()
	cfg, err := connection.ParseConfig([]byte(DemoConfig), "demo.hcl")
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("demo config: %w", err)
	}
	base := []Option{
		connection.WithEndpoint(srv.URL()),
		connection.WithStaticCredentials(awsfake.DemoAccessKeyID, awsfake.DemoSecretAccessKey),
		// The emulator does not throttle; keep the demo fast.
		connection.WithRateLimits(map[string]float64{"iam": 0, "organizations": 0}),
	}
	s, err := New(ctx, cfg, append(base, opts...)...)
	if err != nil {
		srv.Close()
		return nil, err
	}
	s.close = append(s.close, srv.Close)
	return s, nil
}
