package awsfake

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Org is an AWS Organization owned by a management account.
type Org struct {
	s               *Server
	ID              string // o-xxxxxxxxxx
	RootID          string // r-xxxx
	MgmtAccountID   string
	FeatureSet      string // ALL
	OUs             []*OU
	Members         []*OrgAccount // in join order
	DelegatedAdmins []string
	Tags            map[string][]Tag // by resource id (account, OU, root)
	ous             map[string]*OU
	members         map[string]*OrgAccount
}

// OU is an organizational unit.
type OU struct {
	ID, Name, ParentID string
}

// OrgAccount is an account's membership in an organization.
type OrgAccount struct {
	Account         *Account
	ParentID        string
	Status          string // ACTIVE | SUSPENDED | PENDING_CLOSURE
	State           string // ACTIVE | SUSPENDED | PENDING_CLOSURE | CLOSED ...
	JoinedMethod    string // INVITED | CREATED
	JoinedTimestamp time.Time
}

// CreateOrganization creates an organization whose management account is
// mgmtAccountID (created if needed; it joins the root as INVITED).
func (s *Server) CreateOrganization(mgmtAccountID string) *Org {
	s.mu.Lock()
	defer s.mu.Unlock()
	mgmt := s.addAccount(mgmtAccountID, "")
	o := &Org{s: s, ID: "o-" + s.randStr(lowerAlnu, 10), RootID: "r-" + s.randStr(lowerAlnu, 4), MgmtAccountID: mgmtAccountID,
		FeatureSet: "ALL", Tags: map[string][]Tag{}, ous: map[string]*OU{}, members: map[string]*OrgAccount{}}
	s.orgs[o.ID] = o
	o.addAccount(mgmt, "", "ACTIVE", "INVITED")
	return o
}

// OrgOf returns the organization the account belongs to, or nil.
func (s *Server) OrgOf(accountID string) *Org {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.orgOf(accountID)
}

func (s *Server) orgOf(accountID string) *Org {
	for _, o := range s.orgs {
		if o.members[accountID] != nil {
			return o
		}
	}
	return nil
}

func (o *Org) arn(kind, id string) string {
	return "arn:aws:organizations::" + o.MgmtAccountID + ":" + kind + "/" + o.ID + "/" + id
}

// AddOU creates an OU under parentID ("" = root).
func (o *Org) AddOU(parentID, name string) *OU {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	if parentID == "" {
		parentID = o.RootID
	}
	ou := &OU{ID: "ou-" + o.RootID[2:] + "-" + o.s.randStr(lowerAlnu, 8), Name: name, ParentID: parentID}
	o.ous[ou.ID] = ou
	o.OUs = append(o.OUs, ou)
	return ou
}

// AddAccount makes acct a member under parentID ("" = root) with status ""
// (= ACTIVE), "SUSPENDED" or "PENDING_CLOSURE"; joined by CREATED.
func (o *Org) AddAccount(acct *Account, parentID, status string) *OrgAccount {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	return o.addAccount(acct, parentID, status, "CREATED")
}

func (o *Org) addAccount(acct *Account, parentID, status, method string) *OrgAccount {
	if parentID == "" {
		parentID = o.RootID
	}
	if status == "" {
		status = "ACTIVE"
	}
	m := &OrgAccount{Account: acct, ParentID: parentID, Status: status, State: status, JoinedMethod: method, JoinedTimestamp: o.s.nextDate()}
	if old := o.members[acct.ID]; old != nil {
		*old = *m
		return old
	}
	o.members[acct.ID] = m
	o.Members = append(o.Members, m)
	return m
}

// MoveAccount moves a member account to another parent.
func (o *Org) MoveAccount(accountID, parentID string) {
	o.s.Update(func() {
		if parentID == "" {
			parentID = o.RootID
		}
		o.members[accountID].ParentID = parentID
	})
}

// CloseAccount marks a member closed (Status SUSPENDED, State CLOSED).
func (o *Org) CloseAccount(accountID string) {
	o.s.Update(func() {
		m := o.members[accountID]
		m.Status, m.State = "SUSPENDED", "CLOSED"
	})
}

// RemoveAccount removes a member from the organization.
func (o *Org) RemoveAccount(accountID string) {
	o.s.Update(func() {
		delete(o.members, accountID)
		for i, m := range o.Members {
			if m.Account.ID == accountID {
				o.Members = append(o.Members[:i], o.Members[i+1:]...)
				break
			}
		}
	})
}

// TagResource adds tags to an account, OU or root id.
func (o *Org) TagResource(id string, tags ...Tag) {
	o.s.Update(func() { o.Tags[id] = append(o.Tags[id], tags...) })
}

// AddDelegatedAdmin lets a member account call the Organizations list APIs.
func (o *Org) AddDelegatedAdmin(accountID string) {
	o.s.Update(func() { o.DelegatedAdmins = appendUniq(o.DelegatedAdmins, accountID) })
}

// ---------------------------------------------------------------- handlers

const orgPrefix = "AWSOrganizationsV20161128"

type orgInput struct {
	MaxResults           *int
	NextToken            string
	ParentId             string
	ChildId              string
	ChildType            string
	AccountId            string
	OrganizationalUnitId string
	ResourceId           string
}

func (s *Server) registerOrganizations() {
	h := func(op string, needAdmin bool, f func(c *Ctx, o *Org, in *orgInput) (any, error)) {
		s.handleJSON(orgPrefix, op, func(c *Ctx, raw json.RawMessage) (any, error) {
			var in orgInput
			if err := c.Decode(raw, &in); err != nil {
				return nil, err
			}
			o := s.orgOf(c.Account.ID)
			if o == nil {
				return nil, Errorf(400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
			}
			if needAdmin && c.Account.ID != o.MgmtAccountID {
				admin := false
				for _, d := range o.DelegatedAdmins {
					admin = admin || d == c.Account.ID
				}
				if !admin {
					return nil, Errorf(400, "AccessDeniedException", "You don't have permissions to access this resource.")
				}
			}
			return f(c, o, &in)
		})
	}
	h("DescribeOrganization", false, func(c *Ctx, o *Org, in *orgInput) (any, error) {
		mgmt := o.s.accounts[o.MgmtAccountID]
		return map[string]any{"Organization": map[string]any{
			"Id": o.ID, "Arn": "arn:aws:organizations::" + o.MgmtAccountID + ":organization/" + o.ID,
			"FeatureSet": o.FeatureSet, "MasterAccountArn": o.arn("account", o.MgmtAccountID),
			"MasterAccountId": o.MgmtAccountID, "MasterAccountEmail": mgmt.Email,
			"AvailablePolicyTypes": []map[string]string{{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}},
		}}, nil
	})
	h("ListRoots", true, func(c *Ctx, o *Org, in *orgInput) (any, error) {
		return orgPage(in, "Roots", 1, func(int) any {
			return map[string]any{"Id": o.RootID, "Arn": o.arn("root", o.RootID), "Name": "Root",
				"PolicyTypes": []map[string]string{{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}}}
		})
	})
	h("ListAccounts", true, func(c *Ctx, o *Org, in *orgInput) (any, error) {
		ms := o.Members
		return orgPage(in, "Accounts", len(ms), func(i int) any { return o.accountJSON(ms[i]) })
	})
	h("ListAccountsForParent", true, func(c *Ctx, o *Org, in *orgInput) (any, error) {
		if err := o.checkParent(in.ParentId); err != nil {
			return nil, err
		}
		ms := o.accountsIn(in.ParentId)
		return orgPage(in, "Accounts", len(ms), func(i int) any { return o.accountJSON(ms[i]) })
	})
	h("ListOrganizationalUnitsForParent", true, func(c *Ctx, o *Org, in *orgInput) (any, error) {
		if err := o.checkParent(in.ParentId); err != nil {
			return nil, err
		}
		ous := o.ousIn(in.ParentId)
		return orgPage(in, "OrganizationalUnits", len(ous), func(i int) any { return o.ouJSON(ous[i]) })
	})
	h("ListChildren", true, func(c *Ctx, o *Org, in *orgInput) (any, error) {
		if err := o.checkParent(in.ParentId); err != nil {
			return nil, err
		}
		var ids []string
		switch in.ChildType {
		case "ACCOUNT":
			for _, m := range o.accountsIn(in.ParentId) {
				ids = append(ids, m.Account.ID)
			}
		case "ORGANIZATIONAL_UNIT":
			for _, ou := range o.ousIn(in.ParentId) {
				ids = append(ids, ou.ID)
			}
		default:
			return nil, invalidInput("INVALID_ENUM", "You specified an invalid value.")
		}
		return orgPage(in, "Children", len(ids), func(i int) any { return map[string]string{"Id": ids[i], "Type": in.ChildType} })
	})
	h("ListParents", true, func(c *Ctx, o *Org, in *orgInput) (any, error) {
		var parent string
		if m := o.members[in.ChildId]; m != nil {
			parent = m.ParentID
		} else if ou := o.ous[in.ChildId]; ou != nil {
			parent = ou.ParentID
		} else {
			return nil, Errorf(400, "ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
		}
		typ := "ORGANIZATIONAL_UNIT"
		if parent == o.RootID {
			typ = "ROOT"
		}
		return orgPage(in, "Parents", 1, func(int) any { return map[string]string{"Id": parent, "Type": typ} })
	})
	h("DescribeAccount", true, func(c *Ctx, o *Org, in *orgInput) (any, error) {
		m := o.members[in.AccountId]
		if m == nil {
			return nil, Errorf(400, "AccountNotFoundException", "You specified an account that doesn't exist.")
		}
		return map[string]any{"Account": o.accountJSON(m)}, nil
	})
	h("DescribeOrganizationalUnit", true, func(c *Ctx, o *Org, in *orgInput) (any, error) {
		ou := o.ous[in.OrganizationalUnitId]
		if ou == nil {
			return nil, Errorf(400, "OrganizationalUnitNotFoundException", "We can't find an organizational unit (OU) with the OrganizationalUnitId that you specified.")
		}
		return map[string]any{"OrganizationalUnit": o.ouJSON(ou)}, nil
	})
	h("ListTagsForResource", true, func(c *Ctx, o *Org, in *orgInput) (any, error) {
		id := in.ResourceId
		if o.members[id] == nil && o.ous[id] == nil && id != o.RootID {
			return nil, Errorf(400, "TargetNotFoundException", "We can't find a resource with the ResourceId that you specified.")
		}
		tags := o.Tags[id]
		return orgPage(in, "Tags", len(tags), func(i int) any { return map[string]string{"Key": tags[i].Key, "Value": tags[i].Value} })
	})
}

func invalidInput(reason, msg string) *APIError {
	e := Errorf(400, "InvalidInputException", "%s", msg)
	e.Fields = map[string]any{"Reason": reason}
	return e
}

func orgPage(in *orgInput, key string, n int, item func(i int) any) (any, error) {
	size := 20
	if in.MaxResults != nil {
		if *in.MaxResults < 1 {
			return nil, invalidInput("MIN_VALUE_EXCEEDED", fmt.Sprintf("You specified an invalid value for MaxResults: %d. It must be at least 1.", *in.MaxResults))
		}
		if *in.MaxResults > 20 {
			return nil, invalidInput("MAX_VALUE_EXCEEDED", fmt.Sprintf("You specified an invalid value for MaxResults: %d. It must be at most 20.", *in.MaxResults))
		}
		size = *in.MaxResults
	}
	start, end, next, ok := Page(n, in.NextToken, size)
	if !ok {
		return nil, invalidInput("INVALID_NEXT_TOKEN", "The provided NextToken is invalid.")
	}
	items := make([]any, 0, end-start)
	for i := start; i < end; i++ {
		items = append(items, item(i))
	}
	out := map[string]any{key: items}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (o *Org) checkParent(id string) error {
	if id == o.RootID || o.ous[id] != nil {
		return nil
	}
	return Errorf(400, "ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
}

func (o *Org) accountsIn(parent string) []*OrgAccount {
	var out []*OrgAccount
	for _, m := range o.Members {
		if m.ParentID == parent {
			out = append(out, m)
		}
	}
	return out
}

func (o *Org) ousIn(parent string) []*OU {
	var out []*OU
	for _, ou := range o.OUs {
		if ou.ParentID == parent {
			out = append(out, ou)
		}
	}
	return out
}

func (o *Org) accountJSON(m *OrgAccount) map[string]any {
	a := m.Account
	name := a.Name
	if name == "" {
		name = a.ID
	}
	return map[string]any{"Id": a.ID, "Arn": o.arn("account", a.ID), "Email": a.Email, "Name": name,
		"Status": m.Status, "State": m.State, "JoinedMethod": m.JoinedMethod, "JoinedTimestamp": Epoch(m.JoinedTimestamp)}
}

func (o *Org) ouJSON(ou *OU) map[string]any {
	return map[string]any{"Id": ou.ID, "Arn": o.arn("ou", ou.ID), "Name": ou.Name}
}

// OUPath returns the "/"-joined OU names from the root to parentID (for tests).
func (o *Org) OUPath(parentID string) string {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	var parts []string
	for id := parentID; id != o.RootID; {
		ou := o.ous[id]
		if ou == nil {
			break
		}
		parts = append([]string{ou.Name}, parts...)
		id = ou.ParentID
	}
	return "Root" + strings.TrimSuffix("/"+strings.Join(parts, "/"), "/")
}
