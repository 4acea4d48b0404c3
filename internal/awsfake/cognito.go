package awsfake

import (
	"encoding/json"
	"fmt"
	"time"
)

// Cognito user pools (JSON 1.1, target prefix AWSCognitoIdentityProviderService,
// signing name cognito-idp). State is regional: per account and region.

const cognitoPrefix = "AWSCognitoIdentityProviderService"

// Cognito page-size limits, as the real service enforces them.
const (
	cognitoMaxPools  = 60 // ListUserPools MaxResults (required, 1..60)
	cognitoMaxUsers  = 60 // ListUsers Limit (default 60)
	cognitoMaxGroups = 60 // ListGroups / AdminListGroupsForUser / ListUsersInGroup Limit
)

// Cognito is the Cognito user pool state of one account.
type Cognito struct {
	s     *Server
	acct  *Account
	pools map[string][]*UserPool // region -> pools in creation order
}

// UserPool is a Cognito user pool. Fields may be edited freely before clients
// run; afterwards wrap edits in Server.Update.
type UserPool struct {
	c                  *Cognito
	ID, Name, ARN      string
	Region             string
	Status             string // Enabled
	CreationDate       time.Time
	LastModifiedDate   time.Time
	MFAConfiguration   string // OFF | ON | OPTIONAL
	DeletionProtection string // ACTIVE | INACTIVE
	Domain             string
	LambdaConfig       map[string]string // trigger name -> Lambda ARN
	Tags               map[string]string
	MinPasswordLength  int
	Users              []*CognitoUser
	Groups             []*CognitoGroup
}

// CognitoUser is a user of a user pool.
type CognitoUser struct {
	Username         string
	Attributes       []CognitoAttribute // "sub" first
	Enabled          bool
	Status           string // CONFIRMED | FORCE_CHANGE_PASSWORD | UNCONFIRMED | ...
	CreateDate       time.Time
	LastModifiedDate time.Time
	MFAOptions       []CognitoMFAOption
	Groups           []string // group names
}

// CognitoAttribute is one user attribute.
type CognitoAttribute struct{ Name, Value string }

// CognitoMFAOption is a legacy SMS MFA setting of a user.
type CognitoMFAOption struct{ DeliveryMedium, AttributeName string }

// CognitoGroup is a group of a user pool.
type CognitoGroup struct {
	Name, Description, RoleARN string
	Precedence                 *int
	CreationDate               time.Time
	LastModifiedDate           time.Time
}

// Attr returns the value of the named attribute ("" when absent).
func (u *CognitoUser) Attr(name string) string {
	for _, a := range u.Attributes {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}

// CognitoOf returns the Cognito state of an account, creating it if needed.
func CognitoOf(a *Account) *Cognito {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return cognitoOf(a)
}

func cognitoOf(a *Account) *Cognito {
	return ExtOf(a.Ext, "cognito-idp", func() *Cognito {
		return &Cognito{s: a.s, acct: a, pools: map[string][]*UserPool{}}
	})
}

const cognitoIDChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// fakeUUIDv4 returns a deterministic random UUID (lock held).
func (s *Server) fakeUUIDv4() string {
	h := s.randStr("0123456789abcdef", 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

// AddUserPool creates a user pool in region.
func (c *Cognito) AddUserPool(region, name string) *UserPool {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	id := region + "_" + c.s.randStr(cognitoIDChars, 9)
	d := c.s.nextDate()
	p := &UserPool{c: c, ID: id, Name: name, Region: region, Status: "Enabled",
		ARN:          fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s", region, c.acct.ID, id),
		CreationDate: d, LastModifiedDate: d, MFAConfiguration: "OFF", DeletionProtection: "INACTIVE",
		LambdaConfig: map[string]string{}, Tags: map[string]string{}, MinPasswordLength: 8}
	c.pools[region] = append(c.pools[region], p)
	return p
}

// UserPools returns the pools of a region in creation order.
func (c *Cognito) UserPools(region string) []*UserPool {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return append([]*UserPool(nil), c.pools[region]...)
}

// AddUser creates a confirmed, enabled user with an email attribute
// (omitted when email is "").
func (p *UserPool) AddUser(username, email string) *CognitoUser {
	p.c.s.mu.Lock()
	defer p.c.s.mu.Unlock()
	return p.addUser(username, email)
}

func (p *UserPool) addUser(username, email string) *CognitoUser {
	d := p.c.s.nextDate()
	u := &CognitoUser{Username: username, Enabled: true, Status: "CONFIRMED", CreateDate: d, LastModifiedDate: d,
		Attributes: []CognitoAttribute{{"sub", p.c.s.fakeUUIDv4()}}}
	if email != "" {
		u.Attributes = append(u.Attributes, CognitoAttribute{"email", email}, CognitoAttribute{"email_verified", "true"})
	}
	p.Users = append(p.Users, u)
	return u
}

// AddUsers creates n users named user-0001... with emails at example.com.
func (p *UserPool) AddUsers(n int) []*CognitoUser {
	p.c.s.mu.Lock()
	defer p.c.s.mu.Unlock()
	out := make([]*CognitoUser, 0, n)
	base := len(p.Users)
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("user-%04d", base+i)
		out = append(out, p.addUser(name, name+"@example.com"))
	}
	return out
}

// AddGroup creates a group.
func (p *UserPool) AddGroup(name, description string) *CognitoGroup {
	p.c.s.mu.Lock()
	defer p.c.s.mu.Unlock()
	d := p.c.s.nextDate()
	g := &CognitoGroup{Name: name, Description: description, CreationDate: d, LastModifiedDate: d}
	p.Groups = append(p.Groups, g)
	return g
}

// AddUserToGroup adds an existing user to an existing group.
func (p *UserPool) AddUserToGroup(username, group string) {
	p.c.s.mu.Lock()
	defer p.c.s.mu.Unlock()
	u, g := p.user(username), p.group(group)
	if u == nil || g == nil {
		panic(fmt.Sprintf("awsfake: AddUserToGroup(%q, %q): no such user or group in %s", username, group, p.ID))
	}
	for _, x := range u.Groups {
		if x == group {
			return
		}
	}
	u.Groups = append(u.Groups, group)
}

func (p *UserPool) user(name string) *CognitoUser {
	for _, u := range p.Users {
		if u.Username == name {
			return u
		}
	}
	return nil
}

func (p *UserPool) group(name string) *CognitoGroup {
	for _, g := range p.Groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// ---------------------------------------------------------------- wire

func init() { RegisterService((*Server).registerCognito) }

type cognitoInput struct {
	UserPoolId      string
	Username        string
	GroupName       string
	NextToken       string
	PaginationToken string
	MaxResults      *int
	Limit           *int
}

func cognitoInvalid(format string, args ...any) *APIError {
	return Errorf(400, "InvalidParameterException", format, args...)
}

// cognitoSize validates an optional Limit/MaxResults (1..max; AWS accepts 0
// as "default" for Limit).
func cognitoSize(field string, v *int, max int) (int, *APIError) {
	if v == nil || *v == 0 {
		return max, nil
	}
	if *v < 0 || *v > max {
		return 0, cognitoInvalid("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value less than or equal to %d", *v, field, max)
	}
	return *v, nil
}

func (s *Server) registerCognito() {
	h := func(op string, f func(c *Ctx, cog *Cognito, in *cognitoInput) (any, error)) {
		s.handleJSON(cognitoPrefix, op, func(c *Ctx, raw json.RawMessage) (any, error) {
			var in cognitoInput
			if err := c.Decode(raw, &in); err != nil {
				return nil, err
			}
			c.Param("UserPoolId", in.UserPoolId)
			c.Param("NextToken", in.NextToken)
			c.Param("PaginationToken", in.PaginationToken)
			if in.MaxResults != nil {
				c.Param("MaxResults", fmt.Sprint(*in.MaxResults))
			}
			if in.Limit != nil {
				c.Param("Limit", fmt.Sprint(*in.Limit))
			}
			return f(c, cognitoOf(c.Account), &in)
		})
	}
	pool := func(c *Ctx, cog *Cognito, id string) (*UserPool, *APIError) {
		if id == "" {
			return nil, cognitoInvalid("1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null")
		}
		for _, p := range cog.pools[sigRegion(c)] {
			if p.ID == id {
				return p, nil
			}
		}
		return nil, Errorf(400, "ResourceNotFoundException", "User pool %s does not exist.", id)
	}
	page := func(n int, token string, size int) (int, int, string, *APIError) {
		start, end, next, ok := Page(n, token, size)
		if !ok {
			return 0, 0, "", cognitoInvalid("Invalid pagination token.")
		}
		return start, end, next, nil
	}

	h("ListUserPools", func(c *Ctx, cog *Cognito, in *cognitoInput) (any, error) {
		if in.MaxResults == nil {
			return nil, cognitoInvalid("1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null")
		}
		if *in.MaxResults < 1 || *in.MaxResults > cognitoMaxPools {
			return nil, cognitoInvalid("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and %d", *in.MaxResults, cognitoMaxPools)
		}
		pools := cog.pools[sigRegion(c)]
		start, end, next, err := page(len(pools), in.NextToken, *in.MaxResults)
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, end-start)
		for _, p := range pools[start:end] {
			d := map[string]any{"Id": p.ID, "Name": p.Name, "Status": p.Status,
				"CreationDate": Epoch(p.CreationDate), "LastModifiedDate": Epoch(p.LastModifiedDate)}
			d["LambdaConfig"] = p.LambdaConfig
			out = append(out, d)
		}
		return withToken("UserPools", out, "NextToken", next), nil
	})

	h("DescribeUserPool", func(c *Ctx, cog *Cognito, in *cognitoInput) (any, error) {
		p, err := pool(c, cog, in.UserPoolId)
		if err != nil {
			return nil, err
		}
		return map[string]any{"UserPool": p.describe()}, nil
	})

	h("ListUsers", func(c *Ctx, cog *Cognito, in *cognitoInput) (any, error) {
		p, err := pool(c, cog, in.UserPoolId)
		if err != nil {
			return nil, err
		}
		size, err := cognitoSize("limit", in.Limit, cognitoMaxUsers)
		if err != nil {
			return nil, err
		}
		start, end, next, err := page(len(p.Users), in.PaginationToken, size)
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, end-start)
		for _, u := range p.Users[start:end] {
			out = append(out, u.wire())
		}
		return withToken("Users", out, "PaginationToken", next), nil
	})

	h("ListGroups", func(c *Ctx, cog *Cognito, in *cognitoInput) (any, error) {
		p, err := pool(c, cog, in.UserPoolId)
		if err != nil {
			return nil, err
		}
		size, err := cognitoSize("limit", in.Limit, cognitoMaxGroups)
		if err != nil {
			return nil, err
		}
		start, end, next, err := page(len(p.Groups), in.NextToken, size)
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, end-start)
		for _, g := range p.Groups[start:end] {
			out = append(out, g.wire(p.ID))
		}
		return withToken("Groups", out, "NextToken", next), nil
	})

	h("AdminListGroupsForUser", func(c *Ctx, cog *Cognito, in *cognitoInput) (any, error) {
		c.Param("Username", in.Username)
		p, err := pool(c, cog, in.UserPoolId)
		if err != nil {
			return nil, err
		}
		u := p.user(in.Username)
		if u == nil {
			return nil, Errorf(400, "UserNotFoundException", "User does not exist.")
		}
		size, err := cognitoSize("limit", in.Limit, cognitoMaxGroups)
		if err != nil {
			return nil, err
		}
		start, end, next, err := page(len(u.Groups), in.NextToken, size)
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, end-start)
		for _, name := range u.Groups[start:end] {
			if g := p.group(name); g != nil {
				out = append(out, g.wire(p.ID))
			}
		}
		return withToken("Groups", out, "NextToken", next), nil
	})

	h("ListUsersInGroup", func(c *Ctx, cog *Cognito, in *cognitoInput) (any, error) {
		c.Param("GroupName", in.GroupName)
		p, err := pool(c, cog, in.UserPoolId)
		if err != nil {
			return nil, err
		}
		if p.group(in.GroupName) == nil {
			return nil, Errorf(400, "ResourceNotFoundException", "Group not found.")
		}
		size, err := cognitoSize("limit", in.Limit, cognitoMaxGroups)
		if err != nil {
			return nil, err
		}
		var members []*CognitoUser
		for _, u := range p.Users {
			for _, g := range u.Groups {
				if g == in.GroupName {
					members = append(members, u)
					break
				}
			}
		}
		start, end, next, err := page(len(members), in.NextToken, size)
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, end-start)
		for _, u := range members[start:end] {
			out = append(out, u.wire())
		}
		return withToken("Users", out, "NextToken", next), nil
	})
}

// sigRegion is the caller's region from the SigV4 scope (us-east-1 when the
// request was unsigned).
func sigRegion(c *Ctx) string {
	if c.Region == "" {
		return "us-east-1"
	}
	return c.Region
}

// withToken builds a JSON page: the items under key and, when there is more,
// the next token under tokenKey.
func withToken(key string, items []any, tokenKey, next string) map[string]any {
	m := map[string]any{key: items}
	if next != "" {
		m[tokenKey] = next
	}
	return m
}

func (p *UserPool) describe() map[string]any {
	d := map[string]any{
		"Id": p.ID, "Name": p.Name, "Arn": p.ARN, "Status": p.Status,
		"CreationDate": Epoch(p.CreationDate), "LastModifiedDate": Epoch(p.LastModifiedDate),
		"LambdaConfig":           p.LambdaConfig,
		"MfaConfiguration":       p.MFAConfiguration,
		"DeletionProtection":     p.DeletionProtection,
		"EstimatedNumberOfUsers": len(p.Users),
		"UserPoolTags":           p.Tags,
		"Policies": map[string]any{"PasswordPolicy": map[string]any{
			"MinimumLength": p.MinPasswordLength, "RequireUppercase": true, "RequireLowercase": true,
			"RequireNumbers": true, "RequireSymbols": true, "TemporaryPasswordValidityDays": 7,
		}},
		"AutoVerifiedAttributes": []string{"email"},
		"UsernameConfiguration":  map[string]any{"CaseSensitive": false},
		"AdminCreateUserConfig":  map[string]any{"AllowAdminCreateUserOnly": true},
		"AccountRecoverySetting": map[string]any{"RecoveryMechanisms": []any{map[string]any{"Name": "verified_email", "Priority": 1}}},
		"UserPoolTier":           "ESSENTIALS",
	}
	if p.Domain != "" {
		d["Domain"] = p.Domain
	}
	return d
}

func (u *CognitoUser) wire() map[string]any {
	attrs := make([]any, len(u.Attributes))
	for i, a := range u.Attributes {
		attrs[i] = map[string]string{"Name": a.Name, "Value": a.Value}
	}
	m := map[string]any{"Username": u.Username, "Attributes": attrs, "Enabled": u.Enabled, "UserStatus": u.Status,
		"UserCreateDate": Epoch(u.CreateDate), "UserLastModifiedDate": Epoch(u.LastModifiedDate)}
	if len(u.MFAOptions) > 0 {
		opts := make([]any, len(u.MFAOptions))
		for i, o := range u.MFAOptions {
			opts[i] = map[string]string{"DeliveryMedium": o.DeliveryMedium, "AttributeName": o.AttributeName}
		}
		m["MFAOptions"] = opts
	}
	return m
}

func (g *CognitoGroup) wire(poolID string) map[string]any {
	m := map[string]any{"GroupName": g.Name, "UserPoolId": poolID,
		"CreationDate": Epoch(g.CreationDate), "LastModifiedDate": Epoch(g.LastModifiedDate)}
	if g.Description != "" {
		m["Description"] = g.Description
	}
	if g.RoleARN != "" {
		m["RoleArn"] = g.RoleARN
	}
	if g.Precedence != nil {
		m["Precedence"] = *g.Precedence
	}
	return m
}

// ---------------------------------------------------------------- demo

// seedCustomerIdentity adds the demo's customer-facing identities: Cognito
// user pools in the management and prod-app accounts and an Amazon Connect
// contact center in prod-app.
func seedCustomerIdentity(s *Server) {
	mgmt, prod := s.Account(DemoManagementAccountID), s.Account("222222222222")
	if mgmt == nil || prod == nil {
		return
	}
	cp := CognitoOf(mgmt).AddUserPool(DemoRegion, "acme-partner-portal")
	for _, u := range []string{"acme-ops", "globex-it", "initech-admin", "umbrella-sec"} {
		cp.AddUser(u, u+"@partners.example")
	}
	cp.AddGroup("partners", "Partner organizations")
	cp.AddUserToGroup("acme-ops", "partners")

	pool := CognitoOf(prod).AddUserPool(DemoRegion, "acme-customers")
	users := pool.AddUsers(20)
	admins := pool.AddGroup("admins", "Customer portal administrators")
	pool.AddGroup("beta-testers", "Early access to new features")
	pool.AddUserToGroup("user-0001", "admins")
	for _, n := range []string{"user-0002", "user-0003", "user-0005", "user-0008"} {
		pool.AddUserToGroup(n, "beta-testers")
	}
	eu := CognitoOf(prod).AddUserPool("eu-west-1", "acme-customers-eu")
	eu.AddUsers(5)
	s.Update(func() {
		one := 1
		admins.Precedence, admins.RoleARN = &one, "arn:aws:iam::222222222222:role/customer-portal-admins"
		pool.MFAConfiguration, pool.DeletionProtection, pool.Domain = "OPTIONAL", "ACTIVE", "acme-customers"
		pool.Tags = map[string]string{"env": "prod", "team": "identity"}
		pool.LambdaConfig = map[string]string{"PreSignUp": "arn:aws:lambda:us-east-1:222222222222:function:pre-signup"}
		users[3].Enabled = false
		users[6].Status = "FORCE_CHANGE_PASSWORD"
		users[9].Status = "UNCONFIRMED"
		users[11].MFAOptions = []CognitoMFAOption{{"SMS", "phone_number"}}
		users[11].Attributes = append(users[11].Attributes, CognitoAttribute{"phone_number", "+15555550111"})
	})
	seedConnectDemo(s, prod)
}
