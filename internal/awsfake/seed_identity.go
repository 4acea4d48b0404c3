package awsfake

import "time"

// seedIdentityServices adds the demo's directory, IAM Identity Center
// users and groups, CloudTrail management events and EC2 instances to the
// management account, in DemoRegion.
func seedIdentityServices(s *Server, mgmt *Account) {
	dir := DirectoryOf(mgmt).AddDirectory(DemoRegion, "corp.acme.example", "MicrosoftAD")
	s.Update(func() {
		dir.Description = "Acme corporate directory"
		dir.Alias = "acme-corp"
		dir.AccessURL = "acme-corp.awsapps.com"
		dir.SSOEnabled = true
		dir.Tags = []Tag{{"owner", "it"}}
	})

	st := IdentityCenterOf(mgmt).AddInstance(DemoRegion)
	people := []struct{ user, name, title string }{
		{"alice@acme.example", "Alice Anders", "CTO"},
		{"bob@acme.example", "Bob Baker", "Engineer"},
		{"carol@acme.example", "Carol Chen", "Security Lead"},
		{"dave@acme.example", "Dave Diaz", "Contractor"},
		{"erin@acme.example", "Erin Evans", "Analyst"},
	}
	users := map[string]*IDCUser{}
	for _, p := range people {
		u := st.AddUser(p.user, p.name)
		s.Update(func() { u.Title = p.title })
		users[p.user[:len(p.user)-len("@acme.example")]] = u
	}
	admins := st.AddGroup("Administrators", "Full access to every account")
	eng := st.AddGroup("Engineering", "Developers")
	sec := st.AddGroup("SecurityAudit", "Read-only auditors")
	st.AddMembership(admins.ID, users["alice"].ID)
	st.AddMembership(eng.ID, users["alice"].ID)
	st.AddMembership(eng.ID, users["bob"].ID)
	st.AddMembership(eng.ID, users["dave"].ID)
	st.AddMembership(sec.ID, users["carol"].ID)
	st.AddMembership(sec.ID, users["erin"].ID)

	ct := CloudTrailOf(mgmt)
	base := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	kinds := []Event{
		{Name: "ConsoleLogin", Source: "signin.amazonaws.com", Username: "alice"},
		{Name: "AssumeRole", Source: "sts.amazonaws.com", Username: "awsqlite-admin", ReadOnly: true,
			Resources: []EventResource{{"AWS::IAM::Role", "arn:aws:iam::" + mgmt.ID + ":role/" + DemoRoleName}}},
		{Name: "ListUsers", Source: "iam.amazonaws.com", Username: "carol", AccessKeyID: "AKIADEMOCAROL0000001", ReadOnly: true},
		{Name: "CreateUser", Source: "iam.amazonaws.com", Username: "alice", AccessKeyID: "AKIADEMOALICE0000001",
			Resources: []EventResource{{"AWS::IAM::User", "ci-deploy"}}},
		{Name: "AttachUserPolicy", Source: "iam.amazonaws.com", Username: "alice", AccessKeyID: "AKIADEMOALICE0000001",
			Resources: []EventResource{{"AWS::IAM::User", "ci-deploy"}, {"AWS::IAM::Policy", "arn:aws:iam::aws:policy/AdministratorAccess"}}},
		{Name: "ConsoleLogin", Source: "signin.amazonaws.com", Username: "dave"},
		{Name: "CreateAccessKey", Source: "iam.amazonaws.com", Username: "bob", AccessKeyID: "AKIADEMOBOB000000001",
			Resources: []EventResource{{"AWS::IAM::User", "bob"}}},
	}
	for i := 0; i < 36; i++ {
		e := kinds[i%len(kinds)]
		e.Time = base.Add(time.Duration(i) * 47 * time.Minute)
		ct.AddEvent(DemoRegion, e)
	}

	ec := EC2Of(mgmt)
	ec.AddInstance(DemoRegion, Instance{Type: "t3.medium", KeyName: "ops", PublicIP: "198.51.100.20",
		ProfileARN: "arn:aws:iam::" + mgmt.ID + ":instance-profile/app-server",
		Tags:       []Tag{{"Name", "app-1"}, {"env", "prod"}}, UserData: "#!/bin/sh\necho hello\n"})
	ec.AddInstance(DemoRegion, Instance{Type: "t3.micro", State: "stopped", Tags: []Tag{{"Name", "bastion"}}})
}
