package awsfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/awsqlite/awsqlite/connection"
)

func cfgFor(s *Server, akid, secret, token string) aws.Config {
	return aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(akid, secret, token),
		BaseEndpoint:     aws.String(s.URL()),
		RetryMaxAttempts: 1,
		// As awsqlite's clients do (see connection.BufferRequestBodies).
		HTTPClient: connection.BufferRequestBodies(nil),
	}
}

func demo(t *testing.T) (*Server, DemoInfo, aws.Config) {
	t.Helper()
	s := New()
	info := SeedDemo(s)
	s.Start()
	t.Cleanup(s.Close)
	return s, info, cfgFor(s, DemoAccessKeyID, DemoSecretAccessKey, "")
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestListUsersPaging(t *testing.T) {
	s, _, cfg := demo(t)
	s.AddUsers(DemoManagementAccountID, 2345, "bulk-")
	client := iam.NewFromConfig(cfg)
	seen := map[string]bool{}
	pages := 0
	p := iam.NewListUsersPaginator(client, &iam.ListUsersInput{PathPrefix: aws.String("/"), MaxItems: aws.Int32(1000)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range out.Users {
			if strings.HasPrefix(*u.UserName, "bulk-") {
				seen[*u.UserId] = true
			}
			if u.CreateDate == nil || u.Arn == nil {
				t.Fatalf("missing fields: %+v", u)
			}
		}
	}
	if pages != 3 || len(seen) != 2345 {
		t.Fatalf("pages=%d distinct=%d", pages, len(seen))
	}
	if n := s.CountCalls("iam", "ListUsers", InAccount(DemoManagementAccountID)); n != 3 {
		t.Fatalf("calls=%d", n)
	}
	if _, err := client.ListUsers(context.Background(), &iam.ListUsersInput{MaxItems: aws.Int32(1001)}); apiCode(err) != "ValidationError" {
		t.Fatalf("want ValidationError, got %v", err)
	}
}

func TestIAMShapes(t *testing.T) {
	_, _, cfg := demo(t)
	ctx := context.Background()
	c := iam.NewFromConfig(cfg)
	u, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	if *u.User.Path != "/engineering/" || u.User.PermissionsBoundary == nil || len(u.User.Tags) == 0 || u.User.PasswordLastUsed == nil {
		t.Fatalf("bad user %+v", u.User)
	}
	_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) {
		t.Fatalf("want NoSuchEntity, got %v", err)
	}
	if _, err := c.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("ci-deploy")}); !errors.As(err, &nse) {
		t.Fatalf("want NoSuchEntity, got %v", err)
	}
	mfa, err := c.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("alice")})
	if err != nil || len(mfa.MFADevices) != 1 || mfa.MFADevices[0].EnableDate == nil {
		t.Fatalf("mfa %v %+v", err, mfa)
	}
	g, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Developers"), MaxItems: aws.Int32(1)})
	if err != nil || len(g.Users) != 1 || !g.IsTruncated || g.Marker == nil || *g.Group.Path != "/engineering/" {
		t.Fatalf("group %v %+v", err, g)
	}
	r, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(DemoRoleName)})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := url.QueryUnescape(*r.Role.AssumeRolePolicyDocument)
	if !strings.Contains(doc, DemoExternalID) {
		t.Fatalf("doc %q", doc)
	}
	pols, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws, OnlyAttached: true})
	if err != nil || len(pols.Policies) == 0 {
		t.Fatalf("policies %v", err)
	}
	pv, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/SecurityAudit"), VersionId: aws.String("v1")})
	if err != nil || !strings.HasPrefix(*pv.PolicyVersion.Document, "%7B") {
		t.Fatalf("version %v", err)
	}
	keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if err != nil || len(keys.AccessKeyMetadata) != 1 || *keys.AccessKeyMetadata[0].AccessKeyId != DemoAccessKeyID {
		t.Fatalf("own keys %v %+v", err, keys)
	}
	lu, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: keys.AccessKeyMetadata[0].AccessKeyId})
	if err != nil || *lu.UserName != DemoUserName || *lu.AccessKeyLastUsed.ServiceName != "N/A" {
		t.Fatalf("last used %v", err)
	}
	al, err := c.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	if err != nil || len(al.AccountAliases) != 1 {
		t.Fatalf("aliases %v", err)
	}
	ip, err := c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("Developers"), PolicyName: aws.String("deny-iam-writes")})
	if err != nil || !strings.HasPrefix(*ip.PolicyDocument, "%7B") {
		t.Fatalf("inline %v", err)
	}
}

func TestAssumeRole(t *testing.T) {
	s, _, cfg := demo(t)
	ctx := context.Background()
	stsc := sts.NewFromConfig(cfg)
	id, err := stsc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *id.Account != DemoManagementAccountID || *id.Arn != DemoUserARN {
		t.Fatalf("identity %v %+v", err, id)
	}
	roleARN := "arn:aws:iam::222222222222:role/AuditRole"
	out, err := stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("awsqlite"), ExternalId: aws.String(DemoExternalID)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(*out.Credentials.AccessKeyId, "ASIA") || out.Credentials.Expiration.Before(time.Now().Add(50*time.Minute)) ||
		*out.AssumedRoleUser.Arn != "arn:aws:sts::222222222222:assumed-role/AuditRole/awsqlite" {
		t.Fatalf("bad creds %+v", out)
	}
	mcfg := cfgFor(s, *out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	mid, err := sts.NewFromConfig(mcfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *mid.Account != "222222222222" {
		t.Fatalf("member identity %v %+v", err, mid)
	}
	users, err := iam.NewFromConfig(mcfg).ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil || len(users.Users) == 0 || !strings.Contains(*users.Users[0].Arn, "222222222222") {
		t.Fatalf("member users %v", err)
	}
	if s.CountCalls("sts", "AssumeRole", WithParam("ExternalId", DemoExternalID), WithParam("RoleArn", roleARN)) != 1 {
		t.Fatalf("call log: %+v", s.Calls())
	}
	for _, c := range s.Calls() {
		for k, v := range c.Params {
			if strings.Contains(v, *out.Credentials.SecretAccessKey) || strings.Contains(v, *out.Credentials.SessionToken) || k == "SessionToken" {
				t.Fatalf("secret in log: %v", c)
			}
		}
	}

	for _, ext := range []*string{nil, aws.String("wrong")} {
		_, err = stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("x1"), ExternalId: ext})
		if apiCode(err) != "AccessDenied" || !strings.Contains(err.Error(), "on resource: "+roleARN) ||
			!strings.Contains(err.Error(), "User: "+DemoUserARN+" is not authorized to perform: sts:AssumeRole") {
			t.Fatalf("want AccessDenied, got %v", err)
		}
	}
	_, err = stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::222222222222:role/Nope"), RoleSessionName: aws.String("x1"), ExternalId: aws.String(DemoExternalID)})
	if apiCode(err) != "AccessDenied" {
		t.Fatalf("want AccessDenied, got %v", err)
	}
	bad := cfgFor(s, "AKIAUNKNOWN", "x", "")
	if _, err := sts.NewFromConfig(bad).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiCode(err) != "InvalidClientTokenId" {
		t.Fatalf("want InvalidClientTokenId, got %v", err)
	}
}

func TestOrganizations(t *testing.T) {
	s, info, cfg := demo(t)
	ctx := context.Background()
	c := organizations.NewFromConfig(cfg)
	_, err := c.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(21)})
	var iie *orgtypes.InvalidInputException
	if !errors.As(err, &iie) {
		t.Fatalf("want InvalidInputException, got %v", err)
	}
	var all []orgtypes.Account
	pages := 0
	p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{MaxResults: aws.Int32(3)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, out.Accounts...)
	}
	if len(all) != len(DemoAccounts) || pages != 3 {
		t.Fatalf("accounts=%d pages=%d", len(all), pages)
	}
	if all[7].Status != orgtypes.AccountStatusSuspended || all[1].JoinedTimestamp == nil || all[1].JoinedMethod != orgtypes.AccountJoinedMethodCreated {
		t.Fatalf("bad account %+v", all[7])
	}
	big := info.Org
	for i := 0; i < 30; i++ {
		big.AddAccount(s.AddAccount(fmt.Sprintf("9999999999%02d", i), ""), "", "")
	}
	n := 0
	p = organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{MaxResults: aws.Int32(20)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Accounts) > 20 {
			t.Fatal("page too big")
		}
		n += len(out.Accounts)
	}
	if n != len(DemoAccounts)+30 {
		t.Fatalf("n=%d", n)
	}
	ch, err := c.ListChildren(ctx, &organizations.ListChildrenInput{ParentId: aws.String(info.OUs["Root/Engineering"]), ChildType: orgtypes.ChildTypeOrganizationalUnit})
	if err != nil || len(ch.Children) != 2 {
		t.Fatalf("children %v", err)
	}
	par, err := c.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String("222222222222")})
	if err != nil || *par.Parents[0].Id != info.OUs["Root/Engineering/Prod"] {
		t.Fatalf("parents %v", err)
	}
	tags, err := c.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String("222222222222")})
	if err != nil || len(tags.Tags) != 2 {
		t.Fatalf("tags %v", err)
	}
	d, err := c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil || *d.Organization.Id != info.OrgID || !strings.HasPrefix(info.OrgID, "o-") || len(info.OrgID) != 12 {
		t.Fatalf("describe %v", err)
	}

	// a member account may not list
	stsc := sts.NewFromConfig(cfg)
	out, err := stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::444444444444:role/AuditRole"), RoleSessionName: aws.String("sess"), ExternalId: aws.String(DemoExternalID)})
	if err != nil {
		t.Fatal(err)
	}
	mc := organizations.NewFromConfig(cfgFor(s, *out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken))
	_, err = mc.ListAccounts(ctx, &organizations.ListAccountsInput{})
	var ade *orgtypes.AccessDeniedException
	if !errors.As(err, &ade) {
		t.Fatalf("want AccessDeniedException, got %v", err)
	}
	s.AddCredentials("AKIALONER", "x", "121212121212", "")
	_, err = organizations.NewFromConfig(cfgFor(s, "AKIALONER", "x", "")).ListAccounts(ctx, &organizations.ListAccountsInput{})
	var niu *orgtypes.AWSOrganizationsNotInUseException
	if !errors.As(err, &niu) {
		t.Fatalf("want NotInUse, got %v", err)
	}
}

func TestFaults(t *testing.T) {
	s, _, cfg := demo(t)
	ctx := context.Background()
	remove := s.Inject(Fault{Service: "iam", Operation: "ListUsers", Err: "Throttling"})
	_, err := iam.NewFromConfig(cfg).ListUsers(ctx, &iam.ListUsersInput{})
	if apiCode(err) != "Throttling" || retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) != aws.TrueTernary {
		t.Fatalf("want throttle, got %v", err)
	}
	remove()
	s.Inject(Fault{Service: "organizations", Err: "Throttling", Times: 1})
	_, err = organizations.NewFromConfig(cfg).ListRoots(ctx, &organizations.ListRootsInput{})
	if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) != aws.TrueTernary {
		t.Fatalf("want throttle, got %v", err)
	}
	if _, err = organizations.NewFromConfig(cfg).ListRoots(ctx, &organizations.ListRootsInput{}); err != nil {
		t.Fatalf("second call should pass: %v", err)
	}
	s.Inject(Fault{Service: "iam", Operation: "ListRoles", Err: "500"})
	_, err = iam.NewFromConfig(cfg).ListRoles(ctx, &iam.ListRolesInput{})
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != 500 {
		t.Fatalf("want 500, got %v", err)
	}
	s.Inject(Fault{Service: "iam", Operation: "ListGroups", Err: "AccessDenied", AccountID: DemoManagementAccountID})
	_, err = iam.NewFromConfig(cfg).ListGroups(ctx, &iam.ListGroupsInput{})
	if apiCode(err) != "AccessDenied" || !strings.Contains(err.Error(), "iam:ListGroups") {
		t.Fatalf("want AccessDenied, got %v", err)
	}
	s.ClearFaults()
	s.SetLatency(30 * time.Millisecond)
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := iam.NewFromConfig(cfg).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if d := time.Since(start); d < 30*time.Millisecond || d > 2*time.Second {
		t.Fatalf("latency %v", d)
	}
}

func TestDeterministic(t *testing.T) {
	a, b := Demo(), Demo()
	ua := a.Account("222222222222").User("alice")
	ub := b.Account("222222222222").User("alice")
	if ua.ID != ub.ID || !ua.CreateDate.Equal(ub.CreateDate) || a.OrgOf("222222222222").ID != b.OrgOf("222222222222").ID {
		t.Fatal("not deterministic")
	}
}

func TestAddUsersFast(t *testing.T) {
	s := New()
	start := time.Now()
	s.AddUsers("123456789012", 20000, "u")
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("slow: %v", d)
	}
}

func TestRESTAndJSONExtension(t *testing.T) {
	s := New()
	s.AddCredentials("AKIATEST", "x", "123456789012", "")
	// An extension route of its own (the real Connect routes are registered).
	s.handleREST("connect", "GET", "/test-extension/{InstanceId}", "TestExtension", func(c *Ctx, _ json.RawMessage) (any, error) {
		if c.PathParams["InstanceId"] == "missing" {
			return nil, Errorf(404, "ResourceNotFoundException", "no instance")
		}
		return map[string]any{"UserSummaryList": []any{}, "Instance": c.PathParams["InstanceId"], "Account": c.Account.ID}, nil
	})
	s.Start()
	defer s.Close()
	do := func(path string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", s.URL()+path, nil)
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIATEST/20240501/eu-west-1/connect/aws4_request, SignedHeaders=host, Signature=x")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	resp, body := do("/test-extension/abc?maxResults=5")
	if resp.StatusCode != 200 || !strings.Contains(body, `"Instance":"abc"`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	resp, _ = do("/test-extension/missing")
	if resp.StatusCode != 404 || resp.Header.Get("X-Amzn-Errortype") != "ResourceNotFoundException" {
		t.Fatalf("%d", resp.StatusCode)
	}
	if s.CountCalls("connect", "TestExtension", WithParam("maxResults", "5"), func(c Call) bool { return c.Region == "eu-west-1" }) != 1 {
		t.Fatalf("%+v", s.Calls())
	}
}
