package awsqlite_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/internal/e2e"
)

// BenchmarkListUsers reads 2,345 users of one account through SQL: rows per
// second and allocations per row over real HTTP to the emulator.
func BenchmarkListUsers(b *testing.B) {
	env := e2e.Start(b, func(s *awsfake.Server) { s.AddUsers(e2e.AccountID, 2345, "user") }, "")
	env.Int(b, "SELECT count(*) FROM awsqlite_connection") // resolve the account first
	env.Reset()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if n := env.Int(b, "SELECT count(*) FROM aws_iam_user"); n != 2345 {
			b.Fatalf("got %d users", n)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(2345*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(env.Calls("iam", "ListUsers"))/float64(b.N), "ListUsers/op")
}

// BenchmarkHydrateMFA reads mfa_enabled for 500 users: one ListMFADevices
// per user, run concurrently within max_concurrency.
func BenchmarkHydrateMFA(b *testing.B) {
	env := e2e.Start(b, func(s *awsfake.Server) { s.AddUsers(e2e.AccountID, 500, "user") }, "")
	env.Reset()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		env.Int(b, "SELECT count(*) FROM aws_iam_user WHERE mfa_enabled = 0")
	}
	b.StopTimer()
	b.ReportMetric(float64(env.Calls("iam", "ListMFADevices"))/float64(b.N), "ListMFADevices/op")
}

// BenchmarkOrgFanOutCriticalPath measures a cold query over aws_iam_user in
// a 50-member organization with 25ms injected on every API call. Its wall
// time is compared with the critical path (discovery, then one AssumeRole
// and the longest account's pages) and with the serial sum over accounts.
// A ratio close to 1 means the accounts are read concurrently.
func BenchmarkOrgFanOutCriticalPath(b *testing.B) {
	const (
		members = 50
		latency = 25 * time.Millisecond
	)
	hcl := `settings {
  max_concurrency = 64
}
` + orgHCL("warn")[len("settings {\n  on_error = \"warn\"\n}\n"):]
	var wall, discovery time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		env := e2e.Start(b, seedOrg(members), hcl)
		env.Fake.SetLatency(latency)
		// Discovery alone, on a session of its own.
		d := e2e.Start(b, seedOrg(members), hcl)
		d.Fake.SetLatency(latency)
		b.StartTimer()

		start := time.Now()
		require.GreaterOrEqual(b, d.Int(b, "SELECT count(*) FROM awsqlite_connection"), members)
		discovery += time.Since(start)

		start = time.Now()
		require.Equal(b, wantUsers(members), env.Int(b, "SELECT count(*) FROM aws_iam_user"))
		wall += time.Since(start)
	}
	n := time.Duration(b.N)
	wall, discovery = wall/n, discovery/n
	// Every account needs one AssumeRole and one ListUsers page (< 1000 users).
	critical := discovery + 2*latency
	serial := discovery + members*2*latency
	b.ReportMetric(float64(wall)/float64(critical), "wall/critical")
	b.ReportMetric(float64(serial)/float64(wall), "speedup-vs-serial")
	b.ReportMetric(float64(wall.Milliseconds()), "wall-ms")
	b.ReportMetric(float64(critical.Milliseconds()), "critical-ms")
	fmt.Printf("org fan-out: %d accounts, %v per call: wall %v, critical path %v (discovery %v), serial %v\n",
		members+1, latency, wall.Round(time.Millisecond), critical.Round(time.Millisecond), discovery.Round(time.Millisecond), serial.Round(time.Millisecond))
}
