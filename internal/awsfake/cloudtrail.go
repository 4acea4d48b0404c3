package awsfake

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// Event is one CloudTrail management event.
type Event struct {
	ID          string // uuid; generated when empty
	Name        string // ConsoleLogin, AssumeRole, CreateUser...
	Source      string // signin.amazonaws.com, sts.amazonaws.com...
	Username    string
	AccessKeyID string
	ReadOnly    bool
	Time        time.Time // generated when zero
	Resources   []EventResource
	// Detail is the CloudTrailEvent JSON document; generated when empty.
	Detail string
}

// EventResource is a resource an event refers to.
type EventResource struct{ Type, Name string }

// CloudTrailState is the CloudTrail event history of one account, by region.
type CloudTrailState struct {
	s        *Server
	acct     *Account
	byRegion map[string][]*Event // newest first
}

// CloudTrailOf returns the CloudTrail state of an account.
func CloudTrailOf(a *Account) *CloudTrailState {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return cloudTrailOf(a)
}

func cloudTrailOf(a *Account) *CloudTrailState {
	return ExtOf(a.Ext, "cloudtrail", func() *CloudTrailState {
		return &CloudTrailState{s: a.s, acct: a, byRegion: map[string][]*Event{}}
	})
}

func (ct *CloudTrailState) uuid() string {
	r := func(n int) string { return ct.s.randStr(hexDigits, n) }
	return r(8) + "-" + r(4) + "-4" + r(3) + "-a" + r(3) + "-" + r(12)
}

// AddEvent records an event in region; it fills ID, Time and Detail when
// they are empty.
func (ct *CloudTrailState) AddEvent(region string, e Event) *Event {
	ct.s.mu.Lock()
	defer ct.s.mu.Unlock()
	return ct.addEvent(region, e)
}

func (ct *CloudTrailState) addEvent(region string, e Event) *Event {
	if e.ID == "" {
		e.ID = ct.uuid()
	}
	if e.Time.IsZero() {
		e.Time = ct.s.nextDate()
	}
	if e.Detail == "" {
		ident := map[string]any{"type": "IAMUser", "accountId": ct.acct.ID,
			"arn": "arn:aws:iam::" + ct.acct.ID + ":user/" + e.Username, "userName": e.Username}
		if e.AccessKeyID != "" {
			ident["accessKeyId"] = e.AccessKeyID
		}
		res := []map[string]string{}
		for _, r := range e.Resources {
			res = append(res, map[string]string{"type": r.Type, "ARN": r.Name})
		}
		b, _ := json.Marshal(map[string]any{
			"eventVersion": "1.08", "userIdentity": ident, "eventTime": ISO(e.Time),
			"eventSource": e.Source, "eventName": e.Name, "awsRegion": region,
			"sourceIPAddress": "203.0.113.10", "userAgent": "aws-cli/2.15.0",
			"requestID": ct.uuid(), "eventID": e.ID, "readOnly": e.ReadOnly,
			"eventType": "AwsApiCall", "managementEvent": true, "recipientAccountId": ct.acct.ID,
			"eventCategory": "Management", "resources": res,
		})
		e.Detail = string(b)
	}
	ev := &e
	list := append(ct.byRegion[region], ev)
	sort.SliceStable(list, func(i, j int) bool { return list[i].Time.After(list[j].Time) })
	ct.byRegion[region] = list
	return ev
}

// AddEvents records n events in region, cycling through a few common
// management events, one minute apart, and returns them.
func (ct *CloudTrailState) AddEvents(region string, n int) []*Event {
	ct.s.mu.Lock()
	defer ct.s.mu.Unlock()
	kinds := []Event{
		{Name: "ConsoleLogin", Source: "signin.amazonaws.com", Username: "alice"},
		{Name: "AssumeRole", Source: "sts.amazonaws.com", Username: "bob", ReadOnly: true},
		{Name: "CreateUser", Source: "iam.amazonaws.com", Username: "alice", AccessKeyID: "AKIAFAKEALICE0000001",
			Resources: []EventResource{{Type: "AWS::IAM::User", Name: "new-hire"}}},
		{Name: "ListUsers", Source: "iam.amazonaws.com", Username: "carol", AccessKeyID: "AKIAFAKECAROL0000001", ReadOnly: true},
	}
	base := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	out := make([]*Event, 0, n)
	for i := 0; i < n; i++ {
		e := kinds[i%len(kinds)]
		e.Time = base.Add(time.Duration(len(ct.byRegion[region])) * time.Minute)
		out = append(out, ct.addEvent(region, e))
	}
	return out
}

// ctPageSize is the largest MaxResults LookupEvents accepts.
const ctPageSize = 50

var ctAttributeKeys = map[string]bool{"EventId": true, "EventName": true, "ReadOnly": true, "Username": true,
	"ResourceType": true, "ResourceName": true, "EventSource": true, "AccessKeyId": true}

func (s *Server) registerCloudTrail() {
	s.handleJSON("CloudTrail_20131101", "LookupEvents", func(c *Ctx, raw json.RawMessage) (any, error) {
		var in struct {
			LookupAttributes []struct{ AttributeKey, AttributeValue string }
			StartTime        *float64
			EndTime          *float64
			MaxResults       *int
			NextToken        string
		}
		if err := c.Decode(raw, &in); err != nil {
			return nil, err
		}
		var start, end time.Time
		if in.StartTime != nil {
			start = time.UnixMilli(int64(*in.StartTime * 1000)).UTC()
			c.Param("StartTime", ISO(start))
		}
		if in.EndTime != nil {
			end = time.UnixMilli(int64(*in.EndTime * 1000)).UTC()
			c.Param("EndTime", ISO(end))
		}
		if !start.IsZero() && !end.IsZero() && start.After(end) {
			return nil, Errorf(400, "InvalidTimeRangeException", "Start time must be before end time.")
		}
		if len(in.LookupAttributes) > 1 {
			return nil, Errorf(400, "InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.")
		}
		match := func(*Event) bool { return true }
		if len(in.LookupAttributes) == 1 {
			k, v := in.LookupAttributes[0].AttributeKey, in.LookupAttributes[0].AttributeValue
			c.Param("LookupAttributes", k+"="+v)
			if !ctAttributeKeys[k] {
				return nil, Errorf(400, "InvalidLookupAttributesException", "Lookup attribute key %q is not valid.", k)
			}
			match = func(e *Event) bool {
				switch k {
				case "EventId":
					return e.ID == v
				case "EventName":
					return e.Name == v
				case "ReadOnly":
					return fmt.Sprint(e.ReadOnly) == v
				case "Username":
					return e.Username == v
				case "EventSource":
					return e.Source == v
				case "AccessKeyId":
					return e.AccessKeyID == v
				}
				for _, r := range e.Resources {
					if (k == "ResourceType" && r.Type == v) || (k == "ResourceName" && r.Name == v) {
						return true
					}
				}
				return false
			}
		}
		size := ctPageSize
		if in.MaxResults != nil {
			if *in.MaxResults < 1 || *in.MaxResults > ctPageSize {
				return nil, Errorf(400, "InvalidMaxResultsException", "Value %d for MaxResults is invalid. MaxResults must be between 1 and 50.", *in.MaxResults)
			}
			size = *in.MaxResults
		}
		var sel []*Event
		for _, e := range cloudTrailOf(c.Account).byRegion[c.Region] {
			if (!start.IsZero() && e.Time.Before(start)) || (!end.IsZero() && e.Time.After(end)) || !match(e) {
				continue
			}
			sel = append(sel, e)
		}
		from, to, next, ok := Page(len(sel), in.NextToken, size)
		if !ok {
			return nil, Errorf(400, "InvalidNextTokenException", "Invalid NextToken.")
		}
		out := []map[string]any{}
		for _, e := range sel[from:to] {
			res := []map[string]string{}
			for _, r := range e.Resources {
				res = append(res, map[string]string{"ResourceType": r.Type, "ResourceName": r.Name})
			}
			m := map[string]any{"EventId": e.ID, "EventName": e.Name, "EventSource": e.Source,
				"EventTime": Epoch(e.Time), "ReadOnly": fmt.Sprint(e.ReadOnly), "Username": e.Username,
				"Resources": res, "CloudTrailEvent": e.Detail}
			if e.AccessKeyID != "" {
				m["AccessKeyId"] = e.AccessKeyID
			}
			out = append(out, m)
		}
		return withNext(map[string]any{"Events": out}, next), nil
	})
}

func init() { RegisterService((*Server).registerCloudTrail) }
