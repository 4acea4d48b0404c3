package awsfake

import (
	"fmt"
	"time"
)

// Demo estate constants.
const (
	DemoManagementAccountID = "111111111111"
	DemoAccessKeyID         = "AKIDEMOMANAGEMENT"
	DemoSecretAccessKey     = "demo-secret"
	DemoUserName            = "awsqlite-admin"
	DemoUserARN             = "arn:aws:iam::111111111111:user/awsqlite-admin"
	DemoExternalID          = "awsqlite-demo-external-id"
	DemoRoleName            = "AuditRole"
	DemoRegion              = "us-east-1"
)

// DemoAccount describes one account of the demo organization.
type DemoAccount struct {
	ID, Name, OUPath, Status string
}

// DemoAccounts lists the demo organization's accounts (management first).
var DemoAccounts = []DemoAccount{
	{DemoManagementAccountID, "management", "Root", "ACTIVE"},
	{"222222222222", "prod-app", "Root/Engineering/Prod", "ACTIVE"},
	{"333333333333", "prod-data", "Root/Engineering/Prod", "ACTIVE"},
	{"444444444444", "dev-app", "Root/Engineering/Dev", "ACTIVE"},
	{"555555555555", "security-audit", "Root/Security", "ACTIVE"},
	{"666666666666", "log-archive", "Root/Security", "ACTIVE"},
	{"777777777777", "sandbox-alice", "Root/Sandbox", "ACTIVE"},
	{"888888888888", "sandbox-legacy", "Root/Sandbox", "SUSPENDED"},
}

// DemoInfo describes a seeded demo estate.
type DemoInfo struct {
	Org    *Org
	OrgID  string
	RootID string
	OUs    map[string]string // "Root/Engineering/Prod" -> ou id
}

// AuditRoleTrustPolicy returns a trust policy trusting account with an
// sts:ExternalId condition.
func AuditRoleTrustPolicy(trustedAccountID, externalID string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"%s"}}}]}`,
		trustedAccountID, externalID)
}

// Demo returns a new (not yet started) server seeded with SeedDemo.
func Demo() *Server {
	s := New()
	SeedDemo(s)
	return s
}

const (
	ec2Trust    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	s3ReadDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`
	denyAllDoc  = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`
)

// SeedDemo builds the demo organization: a management account with base
// credentials (DemoAccessKeyID/DemoSecretAccessKey, user DemoUserName), nested
// OUs, member accounts from DemoAccounts, an AuditRole in every account
// trusting the management account with DemoExternalID, and IAM users, groups,
// roles and policies in each account.
func SeedDemo(s *Server) DemoInfo {
	mgmt := s.AddAccount(DemoManagementAccountID, "management")
	org := s.CreateOrganization(DemoManagementAccountID)
	ous := map[string]string{"Root": org.RootID}
	eng := org.AddOU("", "Engineering")
	ous["Root/Engineering"] = eng.ID
	ous["Root/Engineering/Prod"] = org.AddOU(eng.ID, "Prod").ID
	ous["Root/Engineering/Dev"] = org.AddOU(eng.ID, "Dev").ID
	ous["Root/Security"] = org.AddOU("", "Security").ID
	ous["Root/Sandbox"] = org.AddOU("", "Sandbox").ID

	for i, da := range DemoAccounts {
		a := mgmt
		if i > 0 {
			a = s.AddAccount(da.ID, da.Name)
			org.AddAccount(a, ous[da.OUPath], da.Status)
		}
		a.Aliases = []string{"acme-" + da.Name}
		org.TagResource(a.ID, Tag{"env", envOf(da.Name)}, Tag{"owner", "platform-team"})
		seedIAM(s, a, i)
	}
	org.TagResource(ous["Root/Security"], Tag{"classification", "restricted"})

	// the management account's operator user and its credentials
	admin := mgmt.AddUser(DemoUserName, "/")
	mgmt.AttachUserPolicy(DemoUserName, "arn:aws:iam::aws:policy/AdministratorAccess")
	s.Update(func() { admin.Tags = []Tag{{"purpose", "awsqlite"}} })
	s.AddCredentials(DemoAccessKeyID, DemoSecretAccessKey, DemoManagementAccountID, DemoUserARN)

	seedIdentityServices(s, mgmt) // Directory Service, Identity Center, CloudTrail, EC2
	seedCustomerIdentity(s)       // Cognito user pools, Amazon Connect (cognito.go, connect.go)

	return DemoInfo{Org: org, OrgID: org.ID, RootID: org.RootID, OUs: ous}
}

func envOf(name string) string {
	switch {
	case len(name) >= 4 && name[:4] == "prod":
		return "prod"
	case len(name) >= 3 && name[:3] == "dev":
		return "dev"
	case len(name) >= 7 && name[:7] == "sandbox":
		return "sandbox"
	}
	return "shared"
}

func seedIAM(s *Server, a *Account, idx int) {
	day := func(n int) *time.Time {
		t := time.Date(2024, 4, 1, 8, 30, 0, 0, time.UTC).AddDate(0, 0, n)
		return &t
	}
	a.AddRole(DemoRoleName, AuditRoleTrustPolicy(DemoManagementAccountID, DemoExternalID))
	a.AttachRolePolicy(DemoRoleName, "arn:aws:iam::aws:policy/SecurityAudit")
	a.AttachRolePolicy(DemoRoleName, "arn:aws:iam::aws:policy/ReadOnlyAccess")
	a.AddRole("OrganizationAccountAccessRole",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+DemoManagementAccountID+`:root"},"Action":"sts:AssumeRole"}]}`)
	a.AttachRolePolicy("OrganizationAccountAccessRole", "arn:aws:iam::aws:policy/AdministratorAccess")
	app := a.AddRoleWithPath("app-server", "/service-role/", ec2Trust)
	lam := a.AddRoleWithPath("lambda-exec", "/service-role/", lambdaTrust)
	s3p := a.AddPolicy("S3ReadOnlyApp", s3ReadDoc)
	boundary := a.AddPolicy("DeveloperBoundary", denyAllDoc)
	a.AttachRolePolicy("app-server", s3p.ARN)
	s.Update(func() {
		app.Description = "EC2 application role"
		app.Tags = []Tag{{"team", "app"}}
		app.LastUsed, app.LastUsedRegion = day(20+idx), "us-east-1"
		lam.MaxSessionDuration = 7200
		s3p.Description = "Read-only S3 access for the app"
		s3p.Tags = []Tag{{"team", "app"}}
		a.roles[DemoRoleName].Description = "Cross-account read-only audit role for awsqlite"
	})

	a.AddGroup("Admins", "/")
	a.AddGroup("Developers", "/engineering/")
	a.AddGroup("ReadOnly", "/")
	a.AttachGroupPolicy("Admins", "arn:aws:iam::aws:policy/AdministratorAccess")
	a.AttachGroupPolicy("ReadOnly", "arn:aws:iam::aws:policy/ReadOnlyAccess")
	a.AttachGroupPolicy("Developers", s3p.ARN)
	s.Update(func() {
		g := a.groups["Developers"]
		g.InlinePolicies = append(g.InlinePolicies, InlinePolicy{"deny-iam-writes",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:Create*","iam:Delete*","iam:Put*"],"Resource":"*"}]}`})
	})

	type spec struct {
		name, path, group string
		mfa, login, key   bool
		boundary          bool
	}
	specs := []spec{
		{"alice", "/", "Admins", true, true, true, false},
		{"bob", "/engineering/", "Developers", false, true, true, true},
		{"carol", "/engineering/", "Developers", true, true, false, false},
		{"dave", "/", "ReadOnly", false, true, false, false},
		{"ci-deploy", "/automation/", "", false, false, true, false},
	}
	if idx%2 == 1 {
		specs = append(specs, spec{"erin", "/", "ReadOnly", true, false, false, false})
	}
	for i, sp := range specs {
		u := a.AddUser(sp.name, sp.path)
		if sp.group != "" {
			a.AddUserToGroup(sp.name, sp.group)
		}
		if sp.mfa {
			a.AddMFADevice(sp.name)
		}
		if sp.login {
			a.SetLoginProfile(sp.name, sp.name == "dave")
		}
		if sp.key {
			k := a.AddAccessKey(sp.name, false)
			s.Update(func() {
				if sp.name != "ci-deploy" {
					k.LastUsed, k.LastUsedService, k.LastUsedRegion = day(10+i+idx), "iam", "us-east-1"
				}
			})
		}
		s.Update(func() {
			if sp.login {
				u.PasswordLastUsed = day(i + idx)
			}
			if sp.boundary {
				u.PermissionsBoundary = boundary.ARN
			}
			u.Tags = []Tag{{"team", map[bool]string{true: "platform", false: "product"}[i%2 == 0]}}
			if sp.name == "ci-deploy" {
				u.Tags = append(u.Tags, Tag{"automation", "true"})
				u.InlinePolicies = append(u.InlinePolicies, InlinePolicy{"deploy", s3ReadDoc})
				u.AttachedPolicies = appendUniq(u.AttachedPolicies, "arn:aws:iam::aws:policy/AdministratorAccess")
			}
		})
	}
	s.Update(func() {
		r := a.roles["lambda-exec"]
		r.InlinePolicies = append(r.InlinePolicies, InlinePolicy{"logs", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`})
	})
}
