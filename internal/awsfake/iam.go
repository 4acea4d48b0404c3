package awsfake

import (
	"strconv"
	"strings"
)

func (s *Server) registerIAM() {
	q := func(op string, h QueryHandler) { s.handleQuery("iam", op, h) }

	// ---- users
	q("ListUsers", func(c *Ctx) ([]*X, error) {
		prefix := c.Form.Get("PathPrefix")
		var sel []*User
		for _, u := range c.Account.Users {
			if prefix == "" || strings.HasPrefix(u.Path, prefix) {
				sel = append(sel, u)
			}
		}
		return iamList(c, "Users", len(sel), func(i int) *X { return userXML(sel[i], false) })
	})
	q("GetUser", func(c *Ctx) ([]*X, error) {
		name := c.Form.Get("UserName")
		if name == "" {
			switch {
			case c.Caller.UserName != "":
				name = c.Caller.UserName
			case c.Caller.RoleARN == "":
				return []*X{El("User", T("UserId", c.Account.ID), T("Arn", "arn:aws:iam::"+c.Account.ID+":root"),
					TimeEl("CreateDate", s.base))}, nil
			default:
				return nil, errNonUser()
			}
		}
		u, err := iamUser(c, name)
		if err != nil {
			return nil, err
		}
		return []*X{userXML(u, true)}, nil
	})
	q("ListMFADevices", func(c *Ctx) ([]*X, error) {
		u, err := iamUserOrSelf(c)
		if err != nil {
			return nil, err
		}
		return iamList(c, "MFADevices", len(u.MFADevices), func(i int) *X {
			d := u.MFADevices[i]
			return El("member", T("UserName", u.Name), T("SerialNumber", d.SerialNumber), TimeEl("EnableDate", d.EnableDate))
		})
	})
	q("ListGroupsForUser", func(c *Ctx) ([]*X, error) {
		u, err := iamUser(c, c.Form.Get("UserName"))
		if err != nil {
			return nil, err
		}
		return iamList(c, "Groups", len(u.Groups), func(i int) *X { return groupXML(c.Account.groups[u.Groups[i]]) })
	})
	q("ListAttachedUserPolicies", func(c *Ctx) ([]*X, error) {
		u, err := iamUser(c, c.Form.Get("UserName"))
		if err != nil {
			return nil, err
		}
		return attachedList(c, u.AttachedPolicies)
	})
	q("ListUserPolicies", func(c *Ctx) ([]*X, error) {
		u, err := iamUser(c, c.Form.Get("UserName"))
		if err != nil {
			return nil, err
		}
		return inlineNames(c, u.InlinePolicies)
	})
	q("GetUserPolicy", func(c *Ctx) ([]*X, error) {
		u, err := iamUser(c, c.Form.Get("UserName"))
		if err != nil {
			return nil, err
		}
		return inlineGet(c, "user", "UserName", u.Name, u.InlinePolicies)
	})
	q("GetLoginProfile", func(c *Ctx) ([]*X, error) {
		u, err := iamUserOrSelf(c)
		if err != nil {
			return nil, err
		}
		if u.LoginProfile == nil {
			return nil, noSuch("Login Profile for User %s cannot be found.", u.Name)
		}
		return []*X{El("LoginProfile", T("UserName", u.Name), TimeEl("CreateDate", u.LoginProfile.CreateDate),
			Bool("PasswordResetRequired", u.LoginProfile.PasswordResetRequired))}, nil
	})
	q("ListUserTags", func(c *Ctx) ([]*X, error) {
		u, err := iamUser(c, c.Form.Get("UserName"))
		if err != nil {
			return nil, err
		}
		return tagList(c, u.Tags)
	})
	q("ListAccessKeys", func(c *Ctx) ([]*X, error) {
		u, err := iamUserOrSelf(c)
		if err != nil {
			return nil, err
		}
		return iamList(c, "AccessKeyMetadata", len(u.AccessKeys), func(i int) *X {
			k := u.AccessKeys[i]
			return El("member", T("UserName", u.Name), T("AccessKeyId", k.ID), T("Status", k.Status), TimeEl("CreateDate", k.CreateDate))
		})
	})
	q("GetAccessKeyLastUsed", func(c *Ctx) ([]*X, error) {
		id := c.Form.Get("AccessKeyId")
		for _, u := range c.Account.Users {
			for _, k := range u.AccessKeys {
				if k.ID != id {
					continue
				}
				svc, reg := k.LastUsedService, k.LastUsedRegion
				if k.LastUsed == nil {
					svc, reg = "N/A", "N/A"
				}
				return []*X{T("UserName", u.Name), El("AccessKeyLastUsed", TimePtr("LastUsedDate", k.LastUsed),
					T("ServiceName", svc), T("Region", reg))}, nil
			}
		}
		return nil, Errorf(403, "AccessDenied", "User: %s is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key %s", c.Caller.ARN, id)
	})

	// ---- groups
	q("ListGroups", func(c *Ctx) ([]*X, error) {
		prefix := c.Form.Get("PathPrefix")
		var sel []*Group
		for _, g := range c.Account.Groups {
			if prefix == "" || strings.HasPrefix(g.Path, prefix) {
				sel = append(sel, g)
			}
		}
		return iamList(c, "Groups", len(sel), func(i int) *X { return groupXML(sel[i]) })
	})
	q("GetGroup", func(c *Ctx) ([]*X, error) {
		g, err := iamGroup(c)
		if err != nil {
			return nil, err
		}
		out, err := iamList(c, "Users", len(g.Members), func(i int) *X { return userXML(c.Account.users[g.Members[i]], false) })
		if err != nil {
			return nil, err
		}
		return append([]*X{groupXMLNamed("Group", g)}, out...), nil
	})
	q("ListAttachedGroupPolicies", func(c *Ctx) ([]*X, error) {
		g, err := iamGroup(c)
		if err != nil {
			return nil, err
		}
		return attachedList(c, g.AttachedPolicies)
	})
	q("ListGroupPolicies", func(c *Ctx) ([]*X, error) {
		g, err := iamGroup(c)
		if err != nil {
			return nil, err
		}
		return inlineNames(c, g.InlinePolicies)
	})
	q("GetGroupPolicy", func(c *Ctx) ([]*X, error) {
		g, err := iamGroup(c)
		if err != nil {
			return nil, err
		}
		return inlineGet(c, "group", "GroupName", g.Name, g.InlinePolicies)
	})

	// ---- roles
	q("ListRoles", func(c *Ctx) ([]*X, error) {
		prefix := c.Form.Get("PathPrefix")
		var sel []*Role
		for _, r := range c.Account.Roles {
			if prefix == "" || strings.HasPrefix(r.Path, prefix) {
				sel = append(sel, r)
			}
		}
		return iamList(c, "Roles", len(sel), func(i int) *X { return roleXML(sel[i], false) })
	})
	q("GetRole", func(c *Ctx) ([]*X, error) {
		r, err := iamRole(c)
		if err != nil {
			return nil, err
		}
		return []*X{roleXML(r, true)}, nil
	})
	q("ListAttachedRolePolicies", func(c *Ctx) ([]*X, error) {
		r, err := iamRole(c)
		if err != nil {
			return nil, err
		}
		return attachedList(c, r.AttachedPolicies)
	})
	q("ListRolePolicies", func(c *Ctx) ([]*X, error) {
		r, err := iamRole(c)
		if err != nil {
			return nil, err
		}
		return inlineNames(c, r.InlinePolicies)
	})
	q("GetRolePolicy", func(c *Ctx) ([]*X, error) {
		r, err := iamRole(c)
		if err != nil {
			return nil, err
		}
		return inlineGet(c, "role", "RoleName", r.Name, r.InlinePolicies)
	})
	q("ListRoleTags", func(c *Ctx) ([]*X, error) {
		r, err := iamRole(c)
		if err != nil {
			return nil, err
		}
		return tagList(c, r.Tags)
	})

	// ---- policies
	q("ListPolicies", func(c *Ctx) ([]*X, error) {
		scope := c.Form.Get("Scope")
		if scope == "" {
			scope = "All"
		}
		if scope != "All" && scope != "AWS" && scope != "Local" {
			return nil, Errorf(400, "ValidationError", "1 validation error detected: Value '%s' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]", scope)
		}
		onlyAttached := c.Form.Get("OnlyAttached") == "true"
		prefix := c.Form.Get("PathPrefix")
		var cands []*Policy
		if scope != "Local" {
			cands = append(cands, s.awsPolicies...)
		}
		if scope != "AWS" {
			cands = append(cands, c.Account.Policies...)
		}
		var sel []*Policy
		var counts []int
		for _, p := range cands {
			n := c.Account.attachmentCount(p.ARN)
			if (onlyAttached && n == 0) || (prefix != "" && !strings.HasPrefix(p.Path, prefix)) {
				continue
			}
			sel = append(sel, p)
			counts = append(counts, n)
		}
		return iamList(c, "Policies", len(sel), func(i int) *X { return policyXML("member", sel[i], counts[i], false) })
	})
	q("GetPolicy", func(c *Ctx) ([]*X, error) {
		p, err := iamPolicy(c)
		if err != nil {
			return nil, err
		}
		return []*X{policyXML("Policy", p, c.Account.attachmentCount(p.ARN), true)}, nil
	})
	q("GetPolicyVersion", func(c *Ctx) ([]*X, error) {
		p, err := iamPolicy(c)
		if err != nil {
			return nil, err
		}
		vid := c.Form.Get("VersionId")
		for _, v := range p.Versions {
			if v.VersionID == vid {
				return []*X{versionXML("PolicyVersion", v, true)}, nil
			}
		}
		return nil, noSuch("Policy %s version %s does not exist or is not attachable.", p.ARN, vid)
	})
	q("ListPolicyVersions", func(c *Ctx) ([]*X, error) {
		p, err := iamPolicy(c)
		if err != nil {
			return nil, err
		}
		return iamList(c, "Versions", len(p.Versions), func(i int) *X { return versionXML("member", p.Versions[i], false) })
	})

	// ---- account
	q("ListAccountAliases", func(c *Ctx) ([]*X, error) {
		return iamList(c, "AccountAliases", len(c.Account.Aliases), func(i int) *X { return T("member", c.Account.Aliases[i]) })
	})
}

// ---------------------------------------------------------------- helpers

func noSuch(format string, args ...any) *APIError {
	return Errorf(404, "NoSuchEntity", format, args...)
}

func errNonUser() *APIError {
	return Errorf(400, "ValidationError", "Must specify userName when calling with non-User credentials")
}

func iamUser(c *Ctx, name string) (*User, error) {
	if name == "" {
		return nil, Errorf(400, "ValidationError", "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null")
	}
	u := c.Account.users[name]
	if u == nil {
		return nil, noSuch("The user with name %s cannot be found.", name)
	}
	return u, nil
}

func iamUserOrSelf(c *Ctx) (*User, error) {
	name := c.Form.Get("UserName")
	if name == "" {
		if c.Caller.UserName == "" {
			if c.Caller.RoleARN == "" { // root: an empty user
				return &User{Name: ""}, nil
			}
			return nil, errNonUser()
		}
		name = c.Caller.UserName
	}
	return iamUser(c, name)
}

func iamGroup(c *Ctx) (*Group, error) {
	name := c.Form.Get("GroupName")
	g := c.Account.groups[name]
	if g == nil {
		return nil, noSuch("The group with name %s cannot be found.", name)
	}
	return g, nil
}

func iamRole(c *Ctx) (*Role, error) {
	name := c.Form.Get("RoleName")
	r := c.Account.roles[name]
	if r == nil {
		return nil, noSuch("The role with name %s cannot be found.", name)
	}
	return r, nil
}

func iamPolicy(c *Ctx) (*Policy, error) {
	arn := c.Form.Get("PolicyArn")
	p := c.Account.policyByARN(arn)
	if p == nil {
		return nil, noSuch("Policy %s does not exist or is not attachable.", arn)
	}
	return p, nil
}

// iamList pages n items with MaxItems/Marker and returns the list element
// plus IsTruncated and Marker.
func iamList(c *Ctx, listName string, n int, item func(i int) *X) ([]*X, error) {
	max := 100
	if v := c.Form.Get("MaxItems"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || m < 1 {
			return nil, Errorf(400, "ValidationError", "1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1", v)
		}
		if m > 1000 {
			return nil, Errorf(400, "ValidationError", "1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000", v)
		}
		max = m
	}
	start, end, next, ok := Page(n, c.Form.Get("Marker"), max)
	if !ok {
		return nil, Errorf(400, "ValidationError", "Invalid Marker.")
	}
	items := make([]*X, 0, end-start)
	for i := start; i < end; i++ {
		items = append(items, item(i))
	}
	return []*X{Members(listName, items), Bool("IsTruncated", next != ""), TOpt("Marker", next)}, nil
}

func attachedList(c *Ctx, arns []string) ([]*X, error) {
	return iamList(c, "AttachedPolicies", len(arns), func(i int) *X {
		name := arns[i][strings.LastIndex(arns[i], "/")+1:]
		return El("member", T("PolicyName", name), T("PolicyArn", arns[i]))
	})
}

func inlineNames(c *Ctx, ps []InlinePolicy) ([]*X, error) {
	return iamList(c, "PolicyNames", len(ps), func(i int) *X { return T("member", ps[i].Name) })
}

func inlineGet(c *Ctx, kind, nameField, owner string, ps []InlinePolicy) ([]*X, error) {
	pn := c.Form.Get("PolicyName")
	for _, p := range ps {
		if p.Name == pn {
			return []*X{T(nameField, owner), T("PolicyName", p.Name), T("PolicyDocument", URLEncodeDoc(p.Document))}, nil
		}
	}
	return nil, noSuch("The %s policy with name %s cannot be found.", kind, pn)
}

func tagList(c *Ctx, tags []Tag) ([]*X, error) {
	return iamList(c, "Tags", len(tags), func(i int) *X { return tagXML(tags[i]) })
}

func tagXML(t Tag) *X { return El("member", T("Key", t.Key), T("Value", t.Value)) }

func tagsEl(tags []Tag) *X {
	if len(tags) == 0 {
		return nil
	}
	items := make([]*X, len(tags))
	for i, t := range tags {
		items[i] = tagXML(t)
	}
	return Members("Tags", items)
}

func boundaryEl(arn string) *X {
	if arn == "" {
		return nil
	}
	return El("PermissionsBoundary", T("PermissionsBoundaryType", "Policy"), T("PermissionsBoundaryArn", arn))
}

func userXML(u *User, full bool) *X {
	x := El("member", T("Path", u.Path), T("UserName", u.Name), T("UserId", u.ID), T("Arn", u.ARN),
		TimeEl("CreateDate", u.CreateDate), TimePtr("PasswordLastUsed", u.PasswordLastUsed))
	if full {
		x.Name = "User"
		x.Kids = append(x.Kids, boundaryEl(u.PermissionsBoundary), tagsEl(u.Tags))
	}
	return x
}

func groupXML(g *Group) *X { return groupXMLNamed("member", g) }

func groupXMLNamed(name string, g *Group) *X {
	return El(name, T("Path", g.Path), T("GroupName", g.Name), T("GroupId", g.ID), T("Arn", g.ARN), TimeEl("CreateDate", g.CreateDate))
}

func roleXML(r *Role, full bool) *X {
	msd := r.MaxSessionDuration
	if msd == 0 {
		msd = 3600
	}
	x := El("member", T("Path", r.Path), T("RoleName", r.Name), T("RoleId", r.ID), T("Arn", r.ARN),
		TimeEl("CreateDate", r.CreateDate), T("AssumeRolePolicyDocument", URLEncodeDoc(r.TrustPolicy)),
		TOpt("Description", r.Description), Int("MaxSessionDuration", msd))
	if full {
		x.Name = "Role"
		last := El("RoleLastUsed")
		if r.LastUsed != nil {
			last.Kids = []*X{TimePtr("LastUsedDate", r.LastUsed), TOpt("Region", r.LastUsedRegion)}
		}
		x.Kids = append(x.Kids, boundaryEl(r.PermissionsBoundary), tagsEl(r.Tags), last)
	}
	return x
}

func policyXML(name string, p *Policy, attachments int, full bool) *X {
	x := El(name, T("PolicyName", p.Name), T("PolicyId", p.ID), T("Arn", p.ARN), T("Path", p.Path),
		T("DefaultVersionId", p.DefaultVersionID), Int("AttachmentCount", attachments), Int("PermissionsBoundaryUsageCount", 0),
		Bool("IsAttachable", p.IsAttachable), TimeEl("CreateDate", p.CreateDate), TimeEl("UpdateDate", p.UpdateDate))
	if full {
		x.Kids = append(x.Kids, TOpt("Description", p.Description), tagsEl(p.Tags))
	}
	return x
}

func versionXML(name string, v PolicyVersion, withDoc bool) *X {
	x := El(name, T("VersionId", v.VersionID), Bool("IsDefaultVersion", v.IsDefault), TimeEl("CreateDate", v.CreateDate))
	if withDoc {
		x.Kids = append([]*X{T("Document", URLEncodeDoc(v.Document))}, x.Kids...)
	}
	return x
}
