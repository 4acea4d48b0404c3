package awsfake

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
)

func TestConnectShapesAndPaging(t *testing.T) {
	s := New()
	a := s.AddAccount("123456789012", "con")
	s.AddCredentials("AKIDCONNECT", "secret", a.ID, "")
	con := ConnectOf(a)
	for i := 0; i < 12; i++ {
		con.AddInstance("us-east-1", fmt.Sprintf("inst-%02d", i))
	}
	inst := con.Instances("us-east-1")[0]
	admin := inst.AddSecurityProfile("Admin", "Full access", "BasicAgentAccess", "Users.View", "Users.Edit")
	inst.AddUser("alice", "Alice", "Liddell", "alice@example.com", admin)
	inst.AddUsers(1500)
	con.AddInstance("eu-west-1", "eu")
	s.Start()
	t.Cleanup(s.Close)
	c := connect.NewFromConfig(cfgFor(s, "AKIDCONNECT", "secret", ""))
	ctx := context.Background()

	ip := connect.NewListInstancesPaginator(c, &connect.ListInstancesInput{MaxResults: aws.Int32(10)})
	n := 0
	for ip.HasMorePages() {
		out, err := ip.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range out.InstanceSummaryList {
			if i.CreatedTime == nil || i.InstanceStatus != "ACTIVE" || !aws.ToBool(i.InboundCallsEnabled) {
				t.Fatalf("incomplete instance %+v", i)
			}
		}
		n += len(out.InstanceSummaryList)
	}
	if n != 12 || s.CountCalls("connect", "ListInstances") != 2 {
		t.Fatalf("instances=%d calls=%d", n, s.CountCalls("connect", "ListInstances"))
	}
	if _, err := c.ListInstances(ctx, &connect.ListInstancesInput{MaxResults: aws.Int32(11)}); apiCode(err) != "InvalidParameterException" {
		t.Fatalf("maxResults 11: %v", err)
	}

	up := connect.NewListUsersPaginator(c, &connect.ListUsersInput{InstanceId: aws.String(inst.ID), MaxResults: aws.Int32(1000)})
	n = 0
	for up.HasMorePages() {
		out, err := up.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.UserSummaryList)
	}
	if n != 1501 || s.CountCalls("connect", "ListUsers", WithParam("InstanceId", inst.ID), WithParam("MaxResults", "1000")) != 2 {
		t.Fatalf("users=%d calls=%d", n, s.CountCalls("connect", "ListUsers"))
	}

	u, err := c.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String(inst.ID), UserId: aws.String(inst.Users[0].ID)})
	if err != nil || aws.ToString(u.User.IdentityInfo.Email) != "alice@example.com" || len(u.User.SecurityProfileIds) != 1 ||
		u.User.PhoneConfig == nil || u.User.PhoneConfig.PhoneType != "SOFT_PHONE" {
		t.Fatalf("describe user: %+v %v", u, err)
	}
	if _, err := c.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String(inst.ID), UserId: aws.String("nope")}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("unknown user: %v", err)
	}
	if _, err := c.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(inst.ID)}, func(o *connect.Options) { o.Region = "eu-west-1" }); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("instance from another region: %v", err)
	}

	sp, err := c.DescribeSecurityProfile(ctx, &connect.DescribeSecurityProfileInput{InstanceId: aws.String(inst.ID), SecurityProfileId: aws.String(admin.ID)})
	if err != nil || aws.ToString(sp.SecurityProfile.SecurityProfileName) != "Admin" || aws.ToString(sp.SecurityProfile.Description) != "Full access" {
		t.Fatalf("describe profile: %+v %v", sp, err)
	}
	perms, err := c.ListSecurityProfilePermissions(ctx, &connect.ListSecurityProfilePermissionsInput{InstanceId: aws.String(inst.ID), SecurityProfileId: aws.String(admin.ID), MaxResults: aws.Int32(2)})
	if err != nil || len(perms.Permissions) != 2 || perms.NextToken == nil {
		t.Fatalf("permissions: %+v %v", perms, err)
	}
	s.Update(func() { inst.Tags["team"] = "support" })
	tags, err := c.ListTagsForResource(ctx, &connect.ListTagsForResourceInput{ResourceArn: aws.String(inst.ARN)})
	if err != nil || tags.Tags["team"] != "support" {
		t.Fatalf("tags: %+v %v", tags, err)
	}
}
