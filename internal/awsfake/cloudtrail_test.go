package awsfake

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
)

func TestCloudTrailLookupEvents(t *testing.T) {
	_, _, cfg := demo(t)
	ct := cloudtrail.NewFromConfig(cfg)
	ctx := context.Background()

	// The demo's events, newest first, 50 at most per page.
	out, err := ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{})
	if err != nil || len(out.Events) != 36 || out.NextToken != nil {
		t.Fatalf("%d events, token %v, %v", len(out.Events), out.NextToken, err)
	}
	for i := 1; i < len(out.Events); i++ {
		if out.Events[i].EventTime.After(*out.Events[i-1].EventTime) {
			t.Fatalf("events not newest first at %d", i)
		}
	}

	attr := func(k cttypes.LookupAttributeKey, v string) cttypes.LookupAttribute {
		return cttypes.LookupAttribute{AttributeKey: k, AttributeValue: aws.String(v)}
	}
	out, err = ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{attr(cttypes.LookupAttributeKeyResourceName, "ci-deploy")}})
	if err != nil || len(out.Events) != 10 {
		t.Fatalf("ResourceName lookup: %d, %v", len(out.Events), err)
	}

	_, err = ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{
		attr(cttypes.LookupAttributeKeyEventName, "ConsoleLogin"), attr(cttypes.LookupAttributeKeyUsername, "alice")}})
	if apiCode(err) != "InvalidLookupAttributesException" {
		t.Fatalf("two lookup attributes: %v", err)
	}
	_, err = ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(51)})
	if apiCode(err) != "InvalidMaxResultsException" {
		t.Fatalf("MaxResults 51: %v", err)
	}
	_, err = ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{StartTime: aws.Time(time.Now()), EndTime: aws.Time(time.Now().Add(-time.Hour))})
	if apiCode(err) != "InvalidTimeRangeException" {
		t.Fatalf("start after end: %v", err)
	}

	// 120 events page 50/50/20; the window bounds are inclusive.
	s2 := New()
	s2.AddAccount("123456789012", "x")
	s2.AddCredentials("AKIAX", "x", "123456789012", "")
	evs := CloudTrailOf(s2.Account("123456789012")).AddEvents("eu-west-1", 120)
	s2.Start()
	defer s2.Close()
	cfg2 := cfgFor(s2, "AKIAX", "x", "")
	cfg2.Region = "eu-west-1"
	p := cloudtrail.NewLookupEventsPaginator(cloudtrail.NewFromConfig(cfg2), &cloudtrail.LookupEventsInput{
		StartTime: aws.Time(evs[10].Time), EndTime: aws.Time(evs[109].Time)})
	n, pages := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Events)
		pages++
	}
	if n != 100 || pages != 2 {
		t.Fatalf("window: %d events in %d pages", n, pages)
	}
	if got := s2.CountCalls("cloudtrail", "LookupEvents", WithParam("StartTime", ISO(evs[10].Time))); got != 2 {
		t.Fatalf("StartTime logged on %d calls", got)
	}
}
