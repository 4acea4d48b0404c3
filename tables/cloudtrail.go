package tables

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/awsqlite/awsqlite/vtab"
)

// ctPageSize is the largest MaxResults LookupEvents accepts.
const ctPageSize = 50

// ctLookupGroup is the key-column group of the lookup attributes:
// LookupEvents takes only one.
const ctLookupGroup = "lookup"

// ctLookupKeys maps the lookup-attribute columns to their attribute keys.
var ctLookupKeys = []struct {
	column string
	key    types.LookupAttributeKey
}{
	{"event_name", types.LookupAttributeKeyEventName},
	{"username", types.LookupAttributeKeyUsername},
	{"event_source", types.LookupAttributeKeyEventSource},
	{"event_id", types.LookupAttributeKeyEventId},
	{"access_key_id", types.LookupAttributeKeyAccessKeyId},
	{"read_only", types.LookupAttributeKeyReadOnly},
	{"resource_name", types.LookupAttributeKeyResourceName},
	{"resource_type", types.LookupAttributeKeyResourceType},
}

// ctEvent is a looked-up event with the pushed-down window and resource
// constraints, which the start_time, end_time, resource_name and
// resource_type columns echo.
type ctEvent struct {
	types.Event
	start, end   *time.Time
	resourceName string
	resourceType string
}

func init() { register(cloudTrailLookupEvent) }

func cloudTrailLookupEvent() *vtab.Spec {
	resource := func(e ctEvent, pushed string, f func(types.Resource) *string) any {
		if pushed != "" {
			return pushed
		}
		if len(e.Resources) == 1 {
			return str(f(e.Resources[0]))
		}
		return nil
	}
	return &vtab.Spec{
		Name: "aws_cloudtrail_lookup_event",
		Description: "CloudTrail management events of the last 90 days of each region (LookupEvents). " +
			"Constrain start_time/end_time (or event_time) and one lookup attribute to narrow the lookup.",
		Scope:         vtab.Regional,
		Service:       "cloudtrail",
		EstimatedRows: 100000,
		Columns: []vtab.Column{
			col("event_id", vtab.Text, "The CloudTrail ID of the event.", func(e ctEvent) any { return str(e.EventId) }),
			col("event_name", vtab.Text, "The name of the event (the API operation, or ConsoleLogin...).", func(e ctEvent) any { return str(e.EventName) }),
			col("event_source", vtab.Text, "The AWS service the request was made to, such as iam.amazonaws.com.", func(e ctEvent) any { return str(e.EventSource) }),
			col("event_time", vtab.Text, "When the event happened.", func(e ctEvent) any { return e.EventTime }),
			col("username", vtab.Text, "The user name or role session name of the requester.", func(e ctEvent) any { return str(e.Username) }),
			col("access_key_id", vtab.Text, "The access key ID that signed the request.", func(e ctEvent) any { return str(e.AccessKeyId) }),
			col("read_only", vtab.Text, "Whether the event is a read event: 'true' or 'false', as CloudTrail reports it.", func(e ctEvent) any { return str(e.ReadOnly) }),
			col("resources", vtab.Text, "The resources the event refers to (JSON).", func(e ctEvent) any {
				if e.Resources == nil {
					return []types.Resource{}
				}
				return e.Resources
			}),
			col("cloud_trail_event", vtab.Text, "The full CloudTrail event record (JSON).", func(e ctEvent) any {
				if e.CloudTrailEvent == nil || !json.Valid([]byte(*e.CloudTrailEvent)) {
					return str(e.CloudTrailEvent)
				}
				return json.RawMessage(*e.CloudTrailEvent)
			}),
			col("start_time", vtab.Text, "The start of the lookup window (a query input, sent as StartTime).", func(e ctEvent) any { return e.start }),
			col("end_time", vtab.Text, "The end of the lookup window (a query input, sent as EndTime).", func(e ctEvent) any { return e.end }),
			col("resource_name", vtab.Text, "The resource name looked up (a query input), else the name of the event's only resource.", func(e ctEvent) any {
				return resource(e, e.resourceName, func(r types.Resource) *string { return r.ResourceName })
			}),
			col("resource_type", vtab.Text, "The resource type looked up (a query input), else the type of the event's only resource.", func(e ctEvent) any {
				return resource(e, e.resourceType, func(r types.Resource) *string { return r.ResourceType })
			}),
		},
		KeyColumns:  ctKeyColumns(),
		ListActions: []string{"cloudtrail:LookupEvents"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			in := &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(q.PageSize(ctPageSize))}
			start, end, err := ctWindow(q.Quals)
			if err != nil {
				return nil, err // the engine names the table
			}
			in.StartTime, in.EndTime = start, end
			base := ctEvent{}
			if s := q.Quals.Get("start_time"); len(s) > 0 {
				base.start = start
			}
			if e := q.Quals.Get("end_time"); len(e) > 0 {
				base.end = end
			}
			for _, k := range ctLookupKeys {
				v, ok := q.Quals.Equal(k.column)
				if !ok || v == nil {
					continue
				}
				val := qualText(v)
				in.LookupAttributes = []types.LookupAttribute{{AttributeKey: k.key, AttributeValue: aws.String(val)}}
				switch k.column {
				case "resource_name":
					base.resourceName = val
				case "resource_type":
					base.resourceType = val
				}
				break // the engine pushes at most one of the group
			}
			p := cloudtrail.NewLookupEventsPaginator(c.CloudTrail(), in)
			return pages(p.HasMorePages, func(ctx context.Context) ([]ctEvent, error) {
				out, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				evs := make([]ctEvent, len(out.Events))
				for i, e := range out.Events {
					evs[i] = base
					evs[i].Event = e
				}
				return evs, nil
			}), nil
		},
	}
}

func ctKeyColumns() []vtab.KeyColumn {
	keys := []vtab.KeyColumn{
		// Pseudo-columns: their value is the constraint itself.
		{Name: "start_time", Operators: []vtab.Op{vtab.GE, vtab.GT, vtab.EQ}, Exact: true},
		{Name: "end_time", Operators: []vtab.Op{vtab.LE, vtab.LT, vtab.EQ}, Exact: true},
		// event_time bounds become StartTime/EndTime; SQLite rechecks them.
		{Name: "event_time", Operators: []vtab.Op{vtab.GE, vtab.GT, vtab.LE, vtab.LT, vtab.EQ}},
	}
	for _, k := range ctLookupKeys {
		// Lookups match exactly, but resource_name/resource_type are
		// pseudo-columns only when pushed: keep every one non-exact except
		// the ones whose column is the event's own field.
		exact := k.column != "resource_name" && k.column != "resource_type"
		keys = append(keys, vtab.KeyColumn{Name: k.column, Exact: exact, Group: ctLookupGroup})
	}
	return keys
}

// ctWindow turns the start_time, end_time and event_time constraints into
// the lookup window: the latest lower bound and the earliest upper bound.
func ctWindow(qs vtab.Quals) (start, end *time.Time, err error) {
	lower := func(t time.Time) {
		if start == nil || t.After(*start) {
			start = &t
		}
	}
	upper := func(t time.Time) {
		if end == nil || t.Before(*end) {
			end = &t
		}
	}
	for _, q := range qs {
		if q.Column != "start_time" && q.Column != "end_time" && q.Column != "event_time" {
			continue
		}
		t, perr := parseQualTime(q.Value)
		if perr != nil {
			return nil, nil, fmt.Errorf("%s: %w", q.Column, perr)
		}
		switch {
		case q.Column == "start_time":
			lower(t)
		case q.Column == "end_time":
			upper(t)
		case q.Op == vtab.GE || q.Op == vtab.GT:
			lower(t)
		case q.Op == vtab.LE || q.Op == vtab.LT:
			upper(t)
		default: // event_time = t
			lower(t)
			upper(t)
		}
	}
	return start, end, nil
}

// qualText returns a constraint value as text.
func qualText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// parseQualTime reads a timestamp constraint: RFC 3339, "YYYY-MM-DD
// HH:MM:SS", a date, or Unix seconds.
func parseQualTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case int64:
		return time.Unix(x, 0).UTC(), nil
	case float64:
		return time.UnixMilli(int64(x * 1000)).UTC(), nil
	}
	s := strings.TrimSpace(qualText(v))
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%w: cannot read %q as a timestamp (use RFC 3339, such as 2024-05-01T12:00:00Z)", vtab.ErrInvalidInput, s)
}
