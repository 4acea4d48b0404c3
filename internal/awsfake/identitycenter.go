package awsfake

import (
	"encoding/json"
	"fmt"
	"time"
)

// IdentityCenterState is the IAM Identity Center state of one account: its
// instances (at most one per region), each with an identity store.
type IdentityCenterState struct {
	s        *Server
	acct     *Account
	byRegion map[string][]*IdentityStore
}

// IdentityStore is an IAM Identity Center instance and its identity store.
type IdentityStore struct {
	s           *Server
	ID          string // d-xxxxxxxxxx
	InstanceARN string // arn:aws:sso:::instance/ssoins-...
	Name        string
	Status      string // ACTIVE
	Owner       string
	Region      string
	Created     time.Time
	Users       []*IDCUser
	Groups      []*IDCGroup
	Memberships []*IDCMembership
}

// IDCUser is an identity store user.
type IDCUser struct {
	ID, UserName, DisplayName, GivenName, FamilyName, Email, Title, UserType string
	Created                                                                  time.Time
}

// IDCGroup is an identity store group.
type IDCGroup struct {
	ID, DisplayName, Description string
	Created                      time.Time
}

// IDCMembership puts a user in a group.
type IDCMembership struct {
	ID, GroupID, UserID string
	Created             time.Time
}

// IdentityCenterOf returns the Identity Center state of an account.
func IdentityCenterOf(a *Account) *IdentityCenterState {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return identityCenterOf(a)
}

func identityCenterOf(a *Account) *IdentityCenterState {
	return ExtOf(a.Ext, "identitycenter", func() *IdentityCenterState {
		return &IdentityCenterState{s: a.s, acct: a, byRegion: map[string][]*IdentityStore{}}
	})
}

const hexDigits = "0123456789abcdef"

// AddInstance enables IAM Identity Center in region and returns its
// identity store.
func (ic *IdentityCenterState) AddInstance(region string) *IdentityStore {
	ic.s.mu.Lock()
	defer ic.s.mu.Unlock()
	st := &IdentityStore{s: ic.s, ID: "d-" + ic.s.randStr(hexDigits, 10),
		InstanceARN: "arn:aws:sso:::instance/ssoins-" + ic.s.randStr(hexDigits, 16),
		Name:        "default", Status: "ACTIVE", Owner: ic.acct.ID, Region: region, Created: ic.s.nextDate()}
	ic.byRegion[region] = append(ic.byRegion[region], st)
	return st
}

// Instances returns the instances of a region.
func (ic *IdentityCenterState) Instances(region string) []*IdentityStore {
	ic.s.mu.Lock()
	defer ic.s.mu.Unlock()
	return append([]*IdentityStore(nil), ic.byRegion[region]...)
}

// idcID returns an identity store object id: "<10 hex>-<uuid>" style.
func (st *IdentityStore) idcID() string {
	r := func(n int) string { return st.s.randStr(hexDigits, n) }
	return r(10) + "-" + r(8) + "-" + r(4) + "-" + r(4) + "-" + r(4) + "-" + r(12)
}

// AddUser adds a user with a user name and display name.
func (st *IdentityStore) AddUser(userName, displayName string) *IDCUser {
	st.s.mu.Lock()
	defer st.s.mu.Unlock()
	return st.addUser(userName, displayName)
}

func (st *IdentityStore) addUser(userName, displayName string) *IDCUser {
	given, family := displayName, ""
	for i, r := range displayName {
		if r == ' ' {
			given, family = displayName[:i], displayName[i+1:]
			break
		}
	}
	u := &IDCUser{ID: st.idcID(), UserName: userName, DisplayName: displayName, GivenName: given, FamilyName: family,
		Email: userName, Created: st.s.nextDate()}
	if !containsRune(userName, '@') {
		u.Email = userName + "@example.com"
	}
	st.Users = append(st.Users, u)
	return u
}

func containsRune(s string, r rune) bool {
	for _, x := range s {
		if x == r {
			return true
		}
	}
	return false
}

// AddUsers adds n users named user001, user002, ...
func (st *IdentityStore) AddUsers(n int) []*IDCUser {
	st.s.mu.Lock()
	defer st.s.mu.Unlock()
	out := make([]*IDCUser, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, st.addUser(fmt.Sprintf("user%03d", len(st.Users)+1), fmt.Sprintf("User %03d", len(st.Users)+1)))
	}
	return out
}

// AddGroup adds a group.
func (st *IdentityStore) AddGroup(displayName, description string) *IDCGroup {
	st.s.mu.Lock()
	defer st.s.mu.Unlock()
	g := &IDCGroup{ID: st.idcID(), DisplayName: displayName, Description: description, Created: st.s.nextDate()}
	st.Groups = append(st.Groups, g)
	return g
}

// AddMembership puts a user in a group.
func (st *IdentityStore) AddMembership(groupID, userID string) *IDCMembership {
	st.s.mu.Lock()
	defer st.s.mu.Unlock()
	m := &IDCMembership{ID: st.idcID(), GroupID: groupID, UserID: userID, Created: st.s.nextDate()}
	st.Memberships = append(st.Memberships, m)
	return m
}

func (u *IDCUser) wire(storeID string) map[string]any {
	m := map[string]any{
		"IdentityStoreId": storeID, "UserId": u.ID, "UserName": u.UserName, "DisplayName": u.DisplayName,
		"Name":      map[string]any{"GivenName": u.GivenName, "FamilyName": u.FamilyName, "Formatted": u.DisplayName},
		"Emails":    []map[string]any{{"Value": u.Email, "Type": "work", "Primary": true}},
		"CreatedAt": Epoch(u.Created), "CreatedBy": "arn:aws:iam::000000000000:root",
		"UpdatedAt": Epoch(u.Created), "UpdatedBy": "arn:aws:iam::000000000000:root",
	}
	if u.Title != "" {
		m["Title"] = u.Title
	}
	if u.UserType != "" {
		m["UserType"] = u.UserType
	}
	return m
}

func (g *IDCGroup) wire(storeID string) map[string]any {
	m := map[string]any{"IdentityStoreId": storeID, "GroupId": g.ID, "DisplayName": g.DisplayName,
		"CreatedAt": Epoch(g.Created), "UpdatedAt": Epoch(g.Created)}
	if g.Description != "" {
		m["Description"] = g.Description
	}
	return m
}

// idcPageSize is the largest MaxResults of the identity store and SSO Admin
// list calls.
const idcPageSize = 100

type idcFilter struct{ AttributePath, AttributeValue string }

type idcInput struct {
	IdentityStoreId string
	UserId          string
	GroupId         string
	MaxResults      *int
	NextToken       string
	Filters         []idcFilter
}

func idcPage(n int, in *idcInput) (start, end int, next string, err error) {
	size := idcPageSize
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > idcPageSize {
			return 0, 0, "", &APIError{Status: 400, Code: "ValidationException",
				Message: fmt.Sprintf("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100", *in.MaxResults)}
		}
		size = *in.MaxResults
	}
	start, end, next, ok := Page(n, in.NextToken, size)
	if !ok {
		return 0, 0, "", Errorf(400, "ValidationException", "The pagination token is invalid.")
	}
	return start, end, next, nil
}

func withNext(m map[string]any, next string) map[string]any {
	if next != "" {
		m["NextToken"] = next
	}
	return m
}

func (s *Server) registerIdentityCenter() {
	s.handleJSON("SWBExternalService", "ListInstances", func(c *Ctx, raw json.RawMessage) (any, error) {
		var in idcInput
		if err := c.Decode(raw, &in); err != nil {
			return nil, err
		}
		insts := identityCenterOf(c.Account).byRegion[c.Region]
		start, end, next, err := idcPage(len(insts), &in)
		if err != nil {
			return nil, err
		}
		out := []map[string]any{}
		for _, st := range insts[start:end] {
			out = append(out, map[string]any{"InstanceArn": st.InstanceARN, "IdentityStoreId": st.ID, "Name": st.Name,
				"Status": st.Status, "OwnerAccountId": st.Owner, "CreatedDate": Epoch(st.Created)})
		}
		return withNext(map[string]any{"Instances": out}, next), nil
	})

	// store decodes the input and finds the identity store it names.
	store := func(c *Ctx, raw json.RawMessage) (*IdentityStore, *idcInput, error) {
		var in idcInput
		if err := c.Decode(raw, &in); err != nil {
			return nil, nil, err
		}
		for _, f := range in.Filters {
			c.Param("Filter."+f.AttributePath, f.AttributeValue)
		}
		if in.IdentityStoreId == "" {
			return nil, nil, Errorf(400, "ValidationException", "1 validation error detected: Value null at 'identityStoreId' failed to satisfy constraint: Member must not be null")
		}
		for _, st := range identityCenterOf(c.Account).byRegion[c.Region] {
			if st.ID == in.IdentityStoreId {
				return st, &in, nil
			}
		}
		return nil, nil, &APIError{Status: 400, Code: "ResourceNotFoundException",
			Message: fmt.Sprintf("Identity store %s was not found.", in.IdentityStoreId),
			Fields:  map[string]any{"ResourceType": "IDENTITY_STORE", "ResourceId": in.IdentityStoreId}}
	}
	filterValue := func(in *idcInput, path string) (string, bool, error) {
		if len(in.Filters) == 0 {
			return "", false, nil
		}
		if len(in.Filters) > 1 || in.Filters[0].AttributePath != path {
			return "", false, Errorf(400, "ValidationException", "Invalid filter: only one filter on %s is supported.", path)
		}
		return in.Filters[0].AttributeValue, true, nil
	}

	s.handleJSON("AWSIdentityStore", "ListUsers", func(c *Ctx, raw json.RawMessage) (any, error) {
		st, in, err := store(c, raw)
		if err != nil {
			return nil, err
		}
		v, filtered, err := filterValue(in, "UserName")
		if err != nil {
			return nil, err
		}
		var users []*IDCUser
		for _, u := range st.Users {
			if !filtered || u.UserName == v {
				users = append(users, u)
			}
		}
		start, end, next, err := idcPage(len(users), in)
		if err != nil {
			return nil, err
		}
		out := []map[string]any{}
		for _, u := range users[start:end] {
			out = append(out, u.wire(st.ID))
		}
		return withNext(map[string]any{"Users": out}, next), nil
	})
	s.handleJSON("AWSIdentityStore", "DescribeUser", func(c *Ctx, raw json.RawMessage) (any, error) {
		st, in, err := store(c, raw)
		if err != nil {
			return nil, err
		}
		for _, u := range st.Users {
			if u.ID == in.UserId {
				return u.wire(st.ID), nil
			}
		}
		return nil, &APIError{Status: 400, Code: "ResourceNotFoundException", Message: "USER not found.",
			Fields: map[string]any{"ResourceType": "USER", "ResourceId": in.UserId}}
	})
	s.handleJSON("AWSIdentityStore", "ListGroups", func(c *Ctx, raw json.RawMessage) (any, error) {
		st, in, err := store(c, raw)
		if err != nil {
			return nil, err
		}
		v, filtered, err := filterValue(in, "DisplayName")
		if err != nil {
			return nil, err
		}
		var groups []*IDCGroup
		for _, g := range st.Groups {
			if !filtered || g.DisplayName == v {
				groups = append(groups, g)
			}
		}
		start, end, next, err := idcPage(len(groups), in)
		if err != nil {
			return nil, err
		}
		out := []map[string]any{}
		for _, g := range groups[start:end] {
			out = append(out, g.wire(st.ID))
		}
		return withNext(map[string]any{"Groups": out}, next), nil
	})
	s.handleJSON("AWSIdentityStore", "DescribeGroup", func(c *Ctx, raw json.RawMessage) (any, error) {
		st, in, err := store(c, raw)
		if err != nil {
			return nil, err
		}
		for _, g := range st.Groups {
			if g.ID == in.GroupId {
				return g.wire(st.ID), nil
			}
		}
		return nil, &APIError{Status: 400, Code: "ResourceNotFoundException", Message: "GROUP not found.",
			Fields: map[string]any{"ResourceType": "GROUP", "ResourceId": in.GroupId}}
	})
	s.handleJSON("AWSIdentityStore", "ListGroupMemberships", func(c *Ctx, raw json.RawMessage) (any, error) {
		st, in, err := store(c, raw)
		if err != nil {
			return nil, err
		}
		found := false
		for _, g := range st.Groups {
			found = found || g.ID == in.GroupId
		}
		if !found {
			return nil, &APIError{Status: 400, Code: "ResourceNotFoundException", Message: "GROUP not found.",
				Fields: map[string]any{"ResourceType": "GROUP", "ResourceId": in.GroupId}}
		}
		var ms []*IDCMembership
		for _, m := range st.Memberships {
			if m.GroupID == in.GroupId {
				ms = append(ms, m)
			}
		}
		start, end, next, err := idcPage(len(ms), in)
		if err != nil {
			return nil, err
		}
		out := []map[string]any{}
		for _, m := range ms[start:end] {
			out = append(out, map[string]any{"IdentityStoreId": st.ID, "MembershipId": m.ID, "GroupId": m.GroupID,
				"MemberId": map[string]any{"UserId": m.UserID}, "CreatedAt": Epoch(m.Created)})
		}
		return withNext(map[string]any{"GroupMemberships": out}, next), nil
	})
}

func init() { RegisterService((*Server).registerIdentityCenter) }
