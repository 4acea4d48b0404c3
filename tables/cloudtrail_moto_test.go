package tables_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/stretchr/testify/assert"

	"github.com/awsqlite/awsqlite/internal/e2e"
)

// moto cannot record CloudTrail events, so there is nothing to seed; when
// it does not implement LookupEvents at all the test is skipped.
func TestCloudTrailLookupEventMoto(t *testing.T) {
	moto := e2e.Moto(t, "")
	out, err := cloudtrail.NewFromConfig(moto.AWSConfig()).LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{},
		func(o *cloudtrail.Options) { o.RetryMaxAttempts = 1 })
	if err != nil {
		t.Skipf("moto does not support cloudtrail:LookupEvents: %v", err)
	}
	got := moto.Query(t, `SELECT count(*) FROM aws_cloudtrail_lookup_event WHERE event_time >= '2000-01-01T00:00:00Z'`)
	assert.Equal(t, [][]string{{strconv.Itoa(len(out.Events))}}, got)
}
