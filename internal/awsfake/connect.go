package awsfake

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Amazon Connect (REST-JSON, signing name connect). State is regional: per
// account and region.

// Connect page-size limits, as the real service enforces them.
const (
	connectMaxInstances = 10   // ListInstances maxResults (default 10)
	connectMaxItems     = 1000 // ListUsers, ListSecurityProfiles, ListSecurityProfilePermissions
	connectDefaultItems = 100  // their default page size
)

// Connect is the Amazon Connect state of one account.
type Connect struct {
	s         *Server
	acct      *Account
	instances map[string][]*ConnectInstance // region -> instances in creation order
}

// ConnectInstance is an Amazon Connect instance. Fields may be edited freely
// before clients run; afterwards wrap edits in Server.Update.
type ConnectInstance struct {
	c                      *Connect
	ID, ARN, Alias         string
	Region                 string
	IdentityManagementType string // CONNECT_MANAGED | SAML | EXISTING_DIRECTORY
	Status                 string // ACTIVE | CREATION_IN_PROGRESS | CREATION_FAILED
	ServiceRole            string
	CreatedTime            time.Time
	InboundCalls           bool
	OutboundCalls          bool
	RoutingProfileID       string // the default ("Basic Routing Profile")
	Tags                   map[string]string
	Users                  []*ConnectUser
	SecurityProfiles       []*SecurityProfile
}

// ConnectUser is a user (agent) of an instance.
type ConnectUser struct {
	ID, ARN, Username    string
	FirstName, LastName  string
	Email                string
	SecurityProfileIDs   []string
	RoutingProfileID     string
	HierarchyGroupID     string
	DirectoryUserID      string
	PhoneType            string // SOFT_PHONE | DESK_PHONE
	AutoAccept           bool
	AfterContactWorkSecs int
	DeskPhoneNumber      string
	Tags                 map[string]string
	LastModifiedTime     time.Time
}

// SecurityProfile is a security profile of an instance.
type SecurityProfile struct {
	ID, ARN, Name    string
	Description      string
	Permissions      []string
	Tags             map[string]string
	LastModifiedTime time.Time
}

// ConnectOf returns the Connect state of an account, creating it if needed.
func ConnectOf(a *Account) *Connect {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return connectOf(a)
}

func connectOf(a *Account) *Connect {
	return ExtOf(a.Ext, "connect", func() *Connect {
		return &Connect{s: a.s, acct: a, instances: map[string][]*ConnectInstance{}}
	})
}

// AddInstance creates an active, Connect-managed instance in region.
func (c *Connect) AddInstance(region, alias string) *ConnectInstance {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	id := c.s.fakeUUIDv4()
	inst := &ConnectInstance{c: c, ID: id, Alias: alias, Region: region,
		ARN:                    fmt.Sprintf("arn:aws:connect:%s:%s:instance/%s", region, c.acct.ID, id),
		IdentityManagementType: "CONNECT_MANAGED", Status: "ACTIVE",
		ServiceRole:  fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_%s", c.acct.ID, c.s.randStr(cognitoIDChars, 20)),
		CreatedTime:  c.s.nextDate(),
		InboundCalls: true, OutboundCalls: true, Tags: map[string]string{},
	}
	inst.RoutingProfileID = c.s.fakeUUIDv4()
	c.instances[region] = append(c.instances[region], inst)
	return inst
}

// Instances returns the instances of a region in creation order.
func (c *Connect) Instances(region string) []*ConnectInstance {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return append([]*ConnectInstance(nil), c.instances[region]...)
}

// AddSecurityProfile creates a security profile with permissions.
func (inst *ConnectInstance) AddSecurityProfile(name, description string, permissions ...string) *SecurityProfile {
	inst.c.s.mu.Lock()
	defer inst.c.s.mu.Unlock()
	id := inst.c.s.fakeUUIDv4()
	sp := &SecurityProfile{ID: id, ARN: inst.ARN + "/security-profile/" + id, Name: name, Description: description,
		Permissions: append([]string(nil), permissions...), Tags: map[string]string{}, LastModifiedTime: inst.c.s.nextDate()}
	inst.SecurityProfiles = append(inst.SecurityProfiles, sp)
	return sp
}

// AddUser creates a soft-phone user on the default routing profile with the
// given security profiles.
func (inst *ConnectInstance) AddUser(username, firstName, lastName, email string, profiles ...*SecurityProfile) *ConnectUser {
	inst.c.s.mu.Lock()
	defer inst.c.s.mu.Unlock()
	return inst.addUser(username, firstName, lastName, email, profiles)
}

func (inst *ConnectInstance) addUser(username, firstName, lastName, email string, profiles []*SecurityProfile) *ConnectUser {
	id := inst.c.s.fakeUUIDv4()
	u := &ConnectUser{ID: id, ARN: inst.ARN + "/agent/" + id, Username: username, FirstName: firstName, LastName: lastName,
		Email: email, RoutingProfileID: inst.RoutingProfileID, PhoneType: "SOFT_PHONE", Tags: map[string]string{},
		LastModifiedTime: inst.c.s.nextDate(), SecurityProfileIDs: []string{}}
	for _, p := range profiles {
		u.SecurityProfileIDs = append(u.SecurityProfileIDs, p.ID)
	}
	inst.Users = append(inst.Users, u)
	return u
}

// AddUsers creates n users named agent-0001... with the given security
// profiles.
func (inst *ConnectInstance) AddUsers(n int, profiles ...*SecurityProfile) []*ConnectUser {
	inst.c.s.mu.Lock()
	defer inst.c.s.mu.Unlock()
	out := make([]*ConnectUser, 0, n)
	base := len(inst.Users)
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("agent-%04d", base+i)
		out = append(out, inst.addUser(name, "Agent", fmt.Sprintf("%04d", base+i), name+"@example.com", profiles))
	}
	return out
}

// ---------------------------------------------------------------- wire

func init() { RegisterService((*Server).registerConnect) }

func connectErr(status int, code, format string, args ...any) *APIError {
	return Errorf(status, code, format, args...)
}

// connectSize validates the maxResults query parameter.
func connectSize(c *Ctx, max, def int) (int, *APIError) {
	v := c.Query.Get("maxResults")
	if v == "" {
		return def, nil
	}
	c.Param("MaxResults", v)
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, connectErr(400, "InvalidParameterException", "1 validation error detected: Value '%s' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and %d", v, max)
	}
	return n, nil
}

func (s *Server) registerConnect() {
	h := func(method, pattern, op string, f func(c *Ctx, con *Connect) (any, error)) {
		s.handleREST("connect", method, pattern, op, func(c *Ctx, _ json.RawMessage) (any, error) {
			c.Param("NextToken", c.Query.Get("nextToken"))
			return f(c, connectOf(c.Account))
		})
	}
	instance := func(c *Ctx, con *Connect) (*ConnectInstance, *APIError) {
		id := c.PathParams["InstanceId"]
		for _, inst := range con.instances[sigRegion(c)] {
			if inst.ID == id || inst.ARN == id {
				return inst, nil
			}
		}
		return nil, connectErr(404, "ResourceNotFoundException", "Instance not found: %s", id)
	}
	page := func(c *Ctx, n, size int) (int, int, string, *APIError) {
		start, end, next, ok := Page(n, c.Query.Get("nextToken"), size)
		if !ok {
			return 0, 0, "", connectErr(400, "InvalidParameterException", "The nextToken provided is not valid.")
		}
		return start, end, next, nil
	}

	h("GET", "/instance", "ListInstances", func(c *Ctx, con *Connect) (any, error) {
		size, err := connectSize(c, connectMaxInstances, connectMaxInstances)
		if err != nil {
			return nil, err
		}
		insts := con.instances[sigRegion(c)]
		start, end, next, err := page(c, len(insts), size)
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, end-start)
		for _, inst := range insts[start:end] {
			out = append(out, inst.wire(false))
		}
		return withToken("InstanceSummaryList", out, "NextToken", next), nil
	})

	h("GET", "/instance/{InstanceId}", "DescribeInstance", func(c *Ctx, con *Connect) (any, error) {
		inst, err := instance(c, con)
		if err != nil {
			return nil, err
		}
		return map[string]any{"Instance": inst.wire(true)}, nil
	})

	h("GET", "/users-summary/{InstanceId}", "ListUsers", func(c *Ctx, con *Connect) (any, error) {
		inst, err := instance(c, con)
		if err != nil {
			return nil, err
		}
		size, err := connectSize(c, connectMaxItems, connectDefaultItems)
		if err != nil {
			return nil, err
		}
		start, end, next, err := page(c, len(inst.Users), size)
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, end-start)
		for _, u := range inst.Users[start:end] {
			out = append(out, map[string]any{"Id": u.ID, "Arn": u.ARN, "Username": u.Username,
				"LastModifiedTime": Epoch(u.LastModifiedTime), "LastModifiedRegion": inst.Region})
		}
		return withToken("UserSummaryList", out, "NextToken", next), nil
	})

	h("GET", "/users/{InstanceId}/{UserId}", "DescribeUser", func(c *Ctx, con *Connect) (any, error) {
		inst, err := instance(c, con)
		if err != nil {
			return nil, err
		}
		id := c.PathParams["UserId"]
		for _, u := range inst.Users {
			if u.ID == id {
				return map[string]any{"User": u.wire(inst)}, nil
			}
		}
		return nil, connectErr(404, "ResourceNotFoundException", "User not found for UserId: %s", id)
	})

	h("GET", "/security-profiles-summary/{InstanceId}", "ListSecurityProfiles", func(c *Ctx, con *Connect) (any, error) {
		inst, err := instance(c, con)
		if err != nil {
			return nil, err
		}
		size, err := connectSize(c, connectMaxItems, connectDefaultItems)
		if err != nil {
			return nil, err
		}
		start, end, next, err := page(c, len(inst.SecurityProfiles), size)
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, end-start)
		for _, p := range inst.SecurityProfiles[start:end] {
			out = append(out, map[string]any{"Id": p.ID, "Arn": p.ARN, "Name": p.Name,
				"LastModifiedTime": Epoch(p.LastModifiedTime), "LastModifiedRegion": inst.Region})
		}
		return withToken("SecurityProfileSummaryList", out, "NextToken", next), nil
	})

	profile := func(c *Ctx, inst *ConnectInstance) (*SecurityProfile, *APIError) {
		id := c.PathParams["SecurityProfileId"]
		for _, p := range inst.SecurityProfiles {
			if p.ID == id {
				return p, nil
			}
		}
		return nil, connectErr(404, "ResourceNotFoundException", "Security profile not found: %s", id)
	}

	h("GET", "/security-profiles/{InstanceId}/{SecurityProfileId}", "DescribeSecurityProfile", func(c *Ctx, con *Connect) (any, error) {
		inst, err := instance(c, con)
		if err != nil {
			return nil, err
		}
		p, err := profile(c, inst)
		if err != nil {
			return nil, err
		}
		sp := map[string]any{"Id": p.ID, "Arn": p.ARN, "SecurityProfileName": p.Name, "OrganizationResourceId": inst.ID,
			"Tags": p.Tags, "LastModifiedTime": Epoch(p.LastModifiedTime), "LastModifiedRegion": inst.Region}
		if p.Description != "" {
			sp["Description"] = p.Description
		}
		return map[string]any{"SecurityProfile": sp}, nil
	})

	h("GET", "/security-profiles-permissions/{InstanceId}/{SecurityProfileId}", "ListSecurityProfilePermissions", func(c *Ctx, con *Connect) (any, error) {
		inst, err := instance(c, con)
		if err != nil {
			return nil, err
		}
		p, err := profile(c, inst)
		if err != nil {
			return nil, err
		}
		size, err := connectSize(c, connectMaxItems, connectDefaultItems)
		if err != nil {
			return nil, err
		}
		start, end, next, err := page(c, len(p.Permissions), size)
		if err != nil {
			return nil, err
		}
		out := withToken("Permissions", stringsAny(p.Permissions[start:end]), "NextToken", next)
		out["LastModifiedTime"] = Epoch(p.LastModifiedTime)
		out["LastModifiedRegion"] = inst.Region
		return out, nil
	})

	h("GET", "/tags/{resourceArn}", "ListTagsForResource", func(c *Ctx, con *Connect) (any, error) {
		arn := c.PathParams["resourceArn"]
		for _, inst := range con.instances[sigRegion(c)] {
			if inst.ARN == arn {
				return map[string]any{"tags": inst.Tags}, nil
			}
			for _, u := range inst.Users {
				if u.ARN == arn {
					return map[string]any{"tags": u.Tags}, nil
				}
			}
			for _, p := range inst.SecurityProfiles {
				if p.ARN == arn {
					return map[string]any{"tags": p.Tags}, nil
				}
			}
		}
		return nil, connectErr(404, "ResourceNotFoundException", "Resource not found: %s", arn)
	})
}

func stringsAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func (inst *ConnectInstance) wire(full bool) map[string]any {
	m := map[string]any{"Id": inst.ID, "Arn": inst.ARN, "IdentityManagementType": inst.IdentityManagementType,
		"InstanceAlias": inst.Alias, "CreatedTime": Epoch(inst.CreatedTime), "ServiceRole": inst.ServiceRole,
		"InstanceStatus": inst.Status, "InboundCallsEnabled": inst.InboundCalls, "OutboundCallsEnabled": inst.OutboundCalls,
		"InstanceAccessUrl": "https://" + inst.Alias + ".my.connect.aws"}
	if full {
		m["Tags"] = inst.Tags
	}
	return m
}

func (u *ConnectUser) wire(inst *ConnectInstance) map[string]any {
	m := map[string]any{"Id": u.ID, "Arn": u.ARN, "Username": u.Username,
		"IdentityInfo":       map[string]any{"FirstName": u.FirstName, "LastName": u.LastName, "Email": u.Email},
		"PhoneConfig":        map[string]any{"PhoneType": u.PhoneType, "AutoAccept": u.AutoAccept, "AfterContactWorkTimeLimit": u.AfterContactWorkSecs},
		"SecurityProfileIds": u.SecurityProfileIDs, "RoutingProfileId": u.RoutingProfileID, "Tags": u.Tags,
		"LastModifiedTime": Epoch(u.LastModifiedTime), "LastModifiedRegion": inst.Region}
	if u.DeskPhoneNumber != "" {
		m["PhoneConfig"].(map[string]any)["DeskPhoneNumber"] = u.DeskPhoneNumber
	}
	if u.HierarchyGroupID != "" {
		m["HierarchyGroupId"] = u.HierarchyGroupID
	}
	if u.DirectoryUserID != "" {
		m["DirectoryUserId"] = u.DirectoryUserID
	}
	return m
}

// seedConnectDemo adds a contact center with security profiles and users.
func seedConnectDemo(s *Server, a *Account) {
	inst := ConnectOf(a).AddInstance(DemoRegion, "acme-contact-center")
	admin := inst.AddSecurityProfile("Admin", "Full administrative access",
		"Users.View", "Users.Create", "Users.Edit", "SecurityProfiles.View", "SecurityProfiles.Edit", "RoutingPolicies.Edit")
	manager := inst.AddSecurityProfile("CallCenterManager", "Manage agents and queues",
		"Users.View", "Users.Edit", "Queues.View", "Queues.Edit", "MetricsReports.View")
	agent := inst.AddSecurityProfile("Agent", "Contact control panel access", "BasicAgentAccess", "OutboundCallAccess")
	inst.AddSecurityProfile("QualityAnalyst", "Review recorded contacts", "ContactSearch.View", "ContactRecordings.View")
	lead := inst.AddUser("maria.garcia", "Maria", "Garcia", "maria.garcia@acme.example", admin)
	inst.AddUser("tom.baker", "Tom", "Baker", "tom.baker@acme.example", manager, agent)
	for _, n := range [][2]string{{"aisha", "Khan"}, {"li", "Wei"}, {"noah", "Smith"}, {"olga", "Ivanova"}} {
		inst.AddUser(n[0]+"."+lowerASCII(n[1]), n[0], n[1], n[0]+"."+lowerASCII(n[1])+"@acme.example", agent)
	}
	s.Update(func() {
		inst.Tags = map[string]string{"env": "prod", "team": "support"}
		lead.Tags = map[string]string{"role": "admin"}
		admin.Tags = map[string]string{"sensitive": "true"}
	})
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
