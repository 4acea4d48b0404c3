package awsfake

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// Account is one AWS account and its IAM state. Fields may be edited freely
// before clients run; afterwards wrap edits in Server.Update.
type Account struct {
	s       *Server
	ID      string
	Name    string
	Email   string
	Aliases []string

	Users    []*User
	Groups   []*Group
	Roles    []*Role
	Policies []*Policy // customer managed

	users    map[string]*User
	groups   map[string]*Group
	roles    map[string]*Role
	policies map[string]*Policy // by ARN

	// Ext holds per-service account state for services in other files.
	Ext map[string]any
}

// Tag is a resource tag.
type Tag struct{ Key, Value string }

// InlinePolicy is an embedded (inline) policy.
type InlinePolicy struct{ Name, Document string }

// MFADevice is an MFA device assigned to a user.
type MFADevice struct {
	SerialNumber string
	EnableDate   time.Time
}

// LoginProfile is a user's console password profile.
type LoginProfile struct {
	CreateDate            time.Time
	PasswordResetRequired bool
}

// AccessKey is an IAM access key of a user.
type AccessKey struct {
	ID              string
	Secret          string
	Status          string // Active | Inactive
	CreateDate      time.Time
	LastUsed        *time.Time
	LastUsedService string
	LastUsedRegion  string
}

// User is an IAM user.
type User struct {
	Name, Path, ID, ARN string
	CreateDate          time.Time
	PasswordLastUsed    *time.Time
	MFADevices          []MFADevice
	Groups              []string // group names
	AttachedPolicies    []string // managed policy ARNs
	InlinePolicies      []InlinePolicy
	LoginProfile        *LoginProfile
	PermissionsBoundary string // policy ARN
	Tags                []Tag
	AccessKeys          []*AccessKey
}

// Group is an IAM group.
type Group struct {
	Name, Path, ID, ARN string
	CreateDate          time.Time
	Members             []string // user names
	AttachedPolicies    []string
	InlinePolicies      []InlinePolicy
}

// Role is an IAM role.
type Role struct {
	Name, Path, ID, ARN string
	CreateDate          time.Time
	TrustPolicy         string // JSON assume-role policy document
	Description         string
	MaxSessionDuration  int // seconds, default 3600
	PermissionsBoundary string
	Tags                []Tag
	LastUsed            *time.Time
	LastUsedRegion      string
	AttachedPolicies    []string
	InlinePolicies      []InlinePolicy
}

// Policy is a managed policy (customer managed, or AWS managed when its ARN
// is in the "aws" partition account).
type Policy struct {
	Name, Path, ID, ARN string
	Description         string
	CreateDate          time.Time
	UpdateDate          time.Time
	DefaultVersionID    string
	Versions            []PolicyVersion
	IsAttachable        bool
	Tags                []Tag
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	VersionID  string
	Document   string
	IsDefault  bool
	CreateDate time.Time
}

// Credential is a set of access keys and the principal they act as.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	AccountID       string
	ARN             string // arn:aws:iam::A:root | user/... | arn:aws:sts::A:assumed-role/R/S
	UserID          string
	UserName        string // IAM user name for user credentials
	RoleARN         string // for assumed-role credentials: the IAM role ARN
	Expires         time.Time
}

// ---------------------------------------------------------------- accounts

// AddAccount creates (or returns the existing) account id with a name.
func (s *Server) AddAccount(id, name string) *Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addAccount(id, name)
}

func (s *Server) addAccount(id, name string) *Account {
	if a := s.accounts[id]; a != nil {
		if name != "" {
			a.Name = name
		}
		return a
	}
	a := &Account{s: s, ID: id, Name: name, Email: fmt.Sprintf("aws+%s@example.com", strings.ReplaceAll(strings.ToLower(name), " ", "-")),
		users: map[string]*User{}, groups: map[string]*Group{}, roles: map[string]*Role{}, policies: map[string]*Policy{},
		Ext: map[string]any{}}
	if name == "" {
		a.Email = "aws+" + id + "@example.com"
	}
	s.accounts[id] = a
	s.accountOrder = append(s.accountOrder, id)
	return a
}

// Account returns the account with id, or nil.
func (s *Server) Account(id string) *Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accounts[id]
}

// Accounts returns every account in creation order.
func (s *Server) Accounts() []*Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Account, 0, len(s.accountOrder))
	for _, id := range s.accountOrder {
		out = append(out, s.accounts[id])
	}
	return out
}

// AddCredentials registers base credentials for a principal (arn may be
// "arn:aws:iam::ACCT:root" or a user ARN; "" means the account root). The
// account is created if needed. For a user ARN whose user exists, the key is
// also listed as that user's access key.
func (s *Server) AddCredentials(accessKeyID, secret, accountID, arn string) *Credential {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.addAccount(accountID, "")
	if arn == "" {
		arn = "arn:aws:iam::" + accountID + ":root"
	}
	c := &Credential{AccessKeyID: accessKeyID, SecretAccessKey: secret, AccountID: accountID, ARN: arn, UserID: accountID}
	if i := strings.Index(arn, ":user/"); i >= 0 {
		name := arn[strings.LastIndex(arn, "/")+1:]
		c.UserName = name
		c.UserID = "AIDA" + s.randStr(upperB32, 17)
		if u := a.users[name]; u != nil {
			c.UserID = u.ID
			found := false
			for _, k := range u.AccessKeys {
				found = found || k.ID == accessKeyID
			}
			if !found {
				u.AccessKeys = append(u.AccessKeys, &AccessKey{ID: accessKeyID, Secret: secret, Status: "Active", CreateDate: s.nextDate()})
			}
		}
	}
	s.creds[accessKeyID] = c
	return c
}

// Credentials returns the registered credential for an access key id.
func (s *Server) Credentials(accessKeyID string) *Credential {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creds[accessKeyID]
}

// ---------------------------------------------------------------- IAM helpers

func normPath(p string) string {
	if p == "" {
		return "/"
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

func (a *Account) arn(kind, path, name string) string {
	return "arn:aws:iam::" + a.ID + ":" + kind + normPath(path) + name
}

// AddUser creates (or returns) an IAM user.
func (a *Account) AddUser(name, path string) *User {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return a.addUser(name, path)
}

func (a *Account) addUser(name, path string) *User {
	if u := a.users[name]; u != nil {
		return u
	}
	u := &User{Name: name, Path: normPath(path), ID: "AIDA" + a.s.randStr(upperB32, 17), ARN: a.arn("user", path, name), CreateDate: a.s.nextDate()}
	a.users[name] = u
	a.Users = append(a.Users, u)
	return u
}

// User returns the user named name, or nil.
func (a *Account) User(name string) *User {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return a.users[name]
}

// AddGroup creates (or returns) an IAM group.
func (a *Account) AddGroup(name, path string) *Group {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	if g := a.groups[name]; g != nil {
		return g
	}
	g := &Group{Name: name, Path: normPath(path), ID: "AGPA" + a.s.randStr(upperB32, 17), ARN: a.arn("group", path, name), CreateDate: a.s.nextDate()}
	a.groups[name] = g
	a.Groups = append(a.Groups, g)
	return g
}

// AddUserToGroup adds an existing user to an existing group.
func (a *Account) AddUserToGroup(user, group string) {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	u, g := a.users[user], a.groups[group]
	if u == nil || g == nil {
		panic("awsfake: AddUserToGroup: unknown user or group " + user + "/" + group)
	}
	for _, m := range g.Members {
		if m == user {
			return
		}
	}
	g.Members = append(g.Members, user)
	u.Groups = append(u.Groups, group)
}

// AddRole creates (or returns) an IAM role with a trust policy.
func (a *Account) AddRole(name, trustPolicyJSON string) *Role {
	return a.AddRoleWithPath(name, "/", trustPolicyJSON)
}

// AddRoleWithPath is AddRole with a path.
func (a *Account) AddRoleWithPath(name, path, trustPolicyJSON string) *Role {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	if r := a.roles[name]; r != nil {
		return r
	}
	r := &Role{Name: name, Path: normPath(path), ID: "AROA" + a.s.randStr(upperB32, 17), ARN: a.arn("role", path, name),
		CreateDate: a.s.nextDate(), TrustPolicy: trustPolicyJSON, MaxSessionDuration: 3600}
	a.roles[name] = r
	a.Roles = append(a.Roles, r)
	return r
}

// Role returns the role named name, or nil.
func (a *Account) Role(name string) *Role {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return a.roles[name]
}

// AddPolicy creates a customer managed policy (path "/") with one version.
func (a *Account) AddPolicy(name, document string) *Policy {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	arn := a.arn("policy", "/", name)
	if p := a.policies[arn]; p != nil {
		return p
	}
	d := a.s.nextDate()
	p := &Policy{Name: name, Path: "/", ID: "ANPA" + a.s.randStr(upperB32, 17), ARN: arn, CreateDate: d, UpdateDate: d,
		DefaultVersionID: "v1", IsAttachable: true, Versions: []PolicyVersion{{VersionID: "v1", Document: document, IsDefault: true, CreateDate: d}}}
	a.policies[arn] = p
	a.Policies = append(a.Policies, p)
	return p
}

// AttachUserPolicy attaches a managed policy ARN to a user.
func (a *Account) AttachUserPolicy(user, policyARN string) {
	a.s.Update(func() { u := a.users[user]; u.AttachedPolicies = appendUniq(u.AttachedPolicies, policyARN) })
}

// AttachGroupPolicy attaches a managed policy ARN to a group.
func (a *Account) AttachGroupPolicy(group, policyARN string) {
	a.s.Update(func() { g := a.groups[group]; g.AttachedPolicies = appendUniq(g.AttachedPolicies, policyARN) })
}

// AttachRolePolicy attaches a managed policy ARN to a role.
func (a *Account) AttachRolePolicy(role, policyARN string) {
	a.s.Update(func() { r := a.roles[role]; r.AttachedPolicies = appendUniq(r.AttachedPolicies, policyARN) })
}

// AddAccessKey creates an active access key for a user. When asCredentials
// is true the key is also usable to call the server as that user.
func (a *Account) AddAccessKey(user string, asCredentials bool) *AccessKey {
	a.s.mu.Lock()
	u := a.users[user]
	k := &AccessKey{ID: "AKIA" + a.s.randStr(upperB32, 16), Secret: a.s.randStr(b64chars, 40), Status: "Active", CreateDate: a.s.nextDate()}
	u.AccessKeys = append(u.AccessKeys, k)
	a.s.mu.Unlock()
	if asCredentials {
		a.s.AddCredentials(k.ID, k.Secret, a.ID, u.ARN)
	}
	return k
}

// AddMFADevice gives a user a virtual MFA device.
func (a *Account) AddMFADevice(user string) {
	a.s.Update(func() {
		u := a.users[user]
		u.MFADevices = append(u.MFADevices, MFADevice{SerialNumber: "arn:aws:iam::" + a.ID + ":mfa/" + user, EnableDate: a.s.nextDate()})
	})
}

// SetLoginProfile gives a user a console password.
func (a *Account) SetLoginProfile(user string, resetRequired bool) {
	a.s.Update(func() {
		a.users[user].LoginProfile = &LoginProfile{CreateDate: a.s.nextDate(), PasswordResetRequired: resetRequired}
	})
}

func appendUniq(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

// AddUsers bulk-creates n users named prefix0001... in an account (created
// if needed). Fast enough for tens of thousands of users.
func (s *Server) AddUsers(accountID string, n int, prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.addAccount(accountID, "")
	width := len(fmt.Sprint(n))
	if width < 4 {
		width = 4
	}
	for i := 1; i <= n; i++ {
		a.addUser(fmt.Sprintf("%s%0*d", prefix, width, i), "/")
	}
}

// policyByARN finds a customer managed policy of a or an AWS managed policy.
func (a *Account) policyByARN(arn string) *Policy {
	if p := a.policies[arn]; p != nil {
		return p
	}
	for _, p := range a.s.awsPolicies {
		if p.ARN == arn {
			return p
		}
	}
	return nil
}

func (a *Account) attachmentCount(arn string) int {
	n := 0
	for _, u := range a.Users {
		for _, p := range u.AttachedPolicies {
			if p == arn {
				n++
			}
		}
	}
	for _, g := range a.Groups {
		for _, p := range g.AttachedPolicies {
			if p == arn {
				n++
			}
		}
	}
	for _, r := range a.Roles {
		for _, p := range r.AttachedPolicies {
			if p == arn {
				n++
			}
		}
	}
	return n
}

func (s *Server) initAWSPolicies() {
	d := time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC)
	add := func(name, path, id, doc string) {
		s.awsPolicies = append(s.awsPolicies, &Policy{Name: name, Path: path, ID: id,
			ARN: "arn:aws:iam::aws:policy" + path + name, CreateDate: d, UpdateDate: d, DefaultVersionID: "v1", IsAttachable: true,
			Versions: []PolicyVersion{{VersionID: "v1", Document: doc, IsDefault: true, CreateDate: d}}})
	}
	add("AdministratorAccess", "/", "ANPAIWMBCKSKIEE64ZLYK",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	add("ReadOnlyAccess", "/", "ANPAILL3HVNFSB6DCOWYQ",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*","organizations:Describe*","organizations:List*","s3:Get*","s3:List*"],"Resource":"*"}]}`)
	add("SecurityAudit", "/", "ANPAIX2T3QCXHR2OGGCTO",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:Get*","iam:List*","cloudtrail:LookupEvents"],"Resource":"*"}]}`)
	add("IAMReadOnlyAccess", "/", "ANPAJKSO7NDY4T57MWDSQ",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:Get*","iam:List*"],"Resource":"*"}]}`)
	add("ViewOnlyAccess", "/job-function/", "ANPAID22R6XPJATWOFDK6",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:List*","organizations:List*"],"Resource":"*"}]}`)
}

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func unb64url(s string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return string(b), err == nil
}
