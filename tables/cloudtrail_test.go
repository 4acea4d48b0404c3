package tables_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/internal/e2e"
	"github.com/awsqlite/awsqlite/vtab"
)

func seedEvents(s *awsfake.Server) {
	ct := awsfake.CloudTrailOf(s.Account(e2e.AccountID))
	at := func(h int) time.Time { return time.Date(2024, 5, 1, h, 0, 0, 0, time.UTC) }
	ct.AddEvent("us-east-1", awsfake.Event{ID: "e1", Name: "ConsoleLogin", Source: "signin.amazonaws.com", Username: "alice", Time: at(8)})
	ct.AddEvent("us-east-1", awsfake.Event{ID: "e2", Name: "CreateUser", Source: "iam.amazonaws.com", Username: "alice",
		AccessKeyID: "AKIAALICE", Time: at(9), Resources: []awsfake.EventResource{{Type: "AWS::IAM::User", Name: "mallory"}}})
	ct.AddEvent("us-east-1", awsfake.Event{ID: "e3", Name: "ConsoleLogin", Source: "signin.amazonaws.com", Username: "bob", Time: at(10)})
	ct.AddEvent("us-east-1", awsfake.Event{ID: "e4", Name: "AttachUserPolicy", Source: "iam.amazonaws.com", Username: "alice",
		AccessKeyID: "AKIAALICE", Time: at(11), Resources: []awsfake.EventResource{{Type: "AWS::IAM::User", Name: "mallory"},
			{Type: "AWS::IAM::Policy", Name: "arn:aws:iam::aws:policy/AdministratorAccess"}}})
	ct.AddEvent("eu-west-1", awsfake.Event{ID: "e5", Name: "AssumeRole", Source: "sts.amazonaws.com", Username: "ci", ReadOnly: true, Time: at(12)})
}

func TestCloudTrailLookupEvent_Golden(t *testing.T) {
	env := e2e.Start(t, seedEvents, twoRegionsHCL)
	env.Golden(t, "cloudtrail_event_list", `SELECT region, event_id, event_name, event_source, event_time, username, access_key_id,
		read_only, resources, resource_name, json_extract(cloud_trail_event, '$.eventName') AS detail_name, start_time
		FROM aws_cloudtrail_lookup_event ORDER BY event_time DESC`)
}

func TestCloudTrailLookupEvent_PagesAndPushDown(t *testing.T) {
	var evs []*awsfake.Event
	env := e2e.Start(t, func(s *awsfake.Server) {
		evs = awsfake.CloudTrailOf(s.Account(e2e.AccountID)).AddEvents("us-east-1", 120)
	}, "")

	// 120 events: 3 pages of 50.
	assert.Equal(t, 120, env.Int(t, "SELECT count(*) FROM aws_cloudtrail_lookup_event"))
	assert.Equal(t, 3, env.Calls("cloudtrail", "LookupEvents"))
	assert.Equal(t, 3, env.Calls("cloudtrail", "LookupEvents", awsfake.WithParam("MaxResults", "50")))

	// LIMIT: one call of 10.
	env.Reset()
	assert.Len(t, env.Strings(t, "SELECT event_id FROM aws_cloudtrail_lookup_event LIMIT 10"), 10)
	assert.Equal(t, 1, env.Calls("cloudtrail", "LookupEvents", awsfake.WithParam("MaxResults", "10")))
	assert.Equal(t, 1, env.Calls("cloudtrail", "LookupEvents"))

	// start_time/end_time are sent as StartTime/EndTime and echoed back.
	env.Reset()
	from, to := evs[20].Time, evs[39].Time
	rows := env.Query(t, `SELECT count(*), min(start_time), min(end_time) FROM aws_cloudtrail_lookup_event
		WHERE start_time >= ? AND end_time <= ?`, from.Format(time.RFC3339), to.Format(time.RFC3339))
	assert.Equal(t, [][]string{{"20", from.Format(time.RFC3339), to.Format(time.RFC3339)}}, rows)
	assert.Equal(t, 1, env.Calls("cloudtrail", "LookupEvents",
		awsfake.WithParam("StartTime", awsfake.ISO(from)), awsfake.WithParam("EndTime", awsfake.ISO(to))))

	// event_time bounds are pushed too; SQLite rechecks the strict one.
	env.Reset()
	n := env.Int(t, "SELECT count(*) FROM aws_cloudtrail_lookup_event WHERE event_time > ?", evs[99].Time.Format(time.RFC3339))
	assert.Equal(t, 20, n)
	assert.Equal(t, 1, env.Calls("cloudtrail", "LookupEvents", awsfake.WithParam("StartTime", awsfake.ISO(evs[99].Time))))

	// Two lookup attributes: only one is sent; SQLite checks the other.
	env.Reset()
	got := env.Strings(t, "SELECT DISTINCT event_name || '/' || username FROM aws_cloudtrail_lookup_event WHERE event_name = 'CreateUser' AND username = 'alice'")
	assert.Equal(t, []string{"CreateUser/alice"}, got)
	assert.Equal(t, 30, env.Int(t, "SELECT count(*) FROM aws_cloudtrail_lookup_event WHERE event_name = 'CreateUser' AND username = 'alice'"))
	calls := env.Calls("cloudtrail", "LookupEvents")
	require.Positive(t, calls)
	oneAttr := func(c awsfake.Call) bool {
		v := c.Params["LookupAttributes"]
		return v == "EventName=CreateUser" || v == "Username=alice"
	}
	assert.Equal(t, calls, env.Calls("cloudtrail", "LookupEvents", oneAttr), "every call has one lookup attribute")
	assert.Zero(t, env.Calls("cloudtrail", "LookupEvents", func(c awsfake.Call) bool { return c.Error != "" }))

	// The unpushed attribute really is checked: bob never logs in.
	assert.Zero(t, env.Int(t, "SELECT count(*) FROM aws_cloudtrail_lookup_event WHERE event_name = 'ConsoleLogin' AND username = 'bob'"))
	assert.Equal(t, 30, env.Int(t, "SELECT count(*) FROM aws_cloudtrail_lookup_event WHERE event_name = 'ConsoleLogin' AND username = 'alice'"))

	// username alone (alice did ConsoleLogin and CreateUser: 60 events).
	env.Reset()
	assert.Equal(t, 60, env.Int(t, "SELECT count(*) FROM aws_cloudtrail_lookup_event WHERE username = 'alice'"))
	assert.Equal(t, 2, env.Calls("cloudtrail", "LookupEvents", awsfake.WithParam("LookupAttributes", "Username=alice")))

	// resource_name as the pushed lookup attribute.
	env.Reset()
	assert.Equal(t, 30, env.Int(t, "SELECT count(*) FROM aws_cloudtrail_lookup_event WHERE resource_name = 'new-hire'"))
	assert.Equal(t, 1, env.Calls("cloudtrail", "LookupEvents", awsfake.WithParam("LookupAttributes", "ResourceName=new-hire")))

	// A bad timestamp fails the query, even in warn mode, and never scans.
	env.Reset()
	err := env.Err("SELECT * FROM aws_cloudtrail_lookup_event WHERE start_time >= 'yesterday'")
	require.Error(t, err)
	assert.ErrorIs(t, err, vtab.ErrInvalidInput)
	assert.Contains(t, err.Error(), `cannot read "yesterday" as a timestamp`)
	assert.Empty(t, env.Stderr.String())
	assert.Zero(t, env.Calls("cloudtrail", "LookupEvents"))
}
