package awsfake

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/directoryservice"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
)

func TestIdentityCenter(t *testing.T) {
	s, _, cfg := demo(t)
	ctx := context.Background()
	insts, err := ssoadmin.NewFromConfig(cfg).ListInstances(ctx, &ssoadmin.ListInstancesInput{})
	if err != nil || len(insts.Instances) != 1 {
		t.Fatalf("%v %v", insts, err)
	}
	store := insts.Instances[0].IdentityStoreId
	is := identitystore.NewFromConfig(cfg)

	users, err := is.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: store})
	if err != nil || len(users.Users) != 5 || aws.ToString(users.Users[0].UserName) != "alice@acme.example" ||
		aws.ToString(users.Users[0].Emails[0].Value) != "alice@acme.example" {
		t.Fatalf("%+v %v", users, err)
	}
	alice := aws.ToString(users.Users[0].UserId)
	users, err = is.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: store,
		Filters: []istypes.Filter{{AttributePath: aws.String("UserName"), AttributeValue: aws.String("bob@acme.example")}}})
	if err != nil || len(users.Users) != 1 {
		t.Fatalf("filter: %+v %v", users, err)
	}
	if s.CountCalls("identitystore", "ListUsers", WithParam("Filter.UserName", "bob@acme.example")) != 1 {
		t.Fatal("filter not logged")
	}
	if _, err := is.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: store, MaxResults: aws.Int32(101)}); apiCode(err) != "ValidationException" {
		t.Fatalf("MaxResults 101: %v", err)
	}
	if _, err := is.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: aws.String("d-0000000000")}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("unknown store: %v", err)
	}

	groups, err := is.ListGroups(ctx, &identitystore.ListGroupsInput{IdentityStoreId: store})
	if err != nil || len(groups.Groups) != 3 {
		t.Fatalf("%+v %v", groups, err)
	}
	ms, err := is.ListGroupMemberships(ctx, &identitystore.ListGroupMembershipsInput{IdentityStoreId: store, GroupId: groups.Groups[1].GroupId})
	if err != nil || len(ms.GroupMemberships) != 3 {
		t.Fatalf("%+v %v", ms, err)
	}
	if m, ok := ms.GroupMemberships[0].MemberId.(*istypes.MemberIdMemberUserId); !ok || m.Value != alice {
		t.Fatalf("member id %#v", ms.GroupMemberships[0].MemberId)
	}
	u, err := is.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: store, UserId: users.Users[0].UserId})
	if err != nil || aws.ToString(u.UserName) != "bob@acme.example" {
		t.Fatalf("%+v %v", u, err)
	}

	// Paging: 250 users in pages of 100.
	st := IdentityCenterOf(s.Account(DemoManagementAccountID)).Instances(DemoRegion)[0]
	st.AddUsers(245)
	p := identitystore.NewListUsersPaginator(is, &identitystore.ListUsersInput{IdentityStoreId: store, MaxResults: aws.Int32(100)})
	n, pages := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Users)
		pages++
	}
	if n != 250 || pages != 3 {
		t.Fatalf("%d users in %d pages", n, pages)
	}

	// Another region has no instance.
	cfgEU := cfg.Copy()
	cfgEU.Region = "eu-west-1"
	if out, err := ssoadmin.NewFromConfig(cfgEU).ListInstances(ctx, &ssoadmin.ListInstancesInput{}); err != nil || len(out.Instances) != 0 {
		t.Fatalf("eu-west-1: %v %v", out, err)
	}
}

func TestDirectoryService(t *testing.T) {
	_, _, cfg := demo(t)
	ctx := context.Background()
	ds := directoryservice.NewFromConfig(cfg)
	out, err := ds.DescribeDirectories(ctx, &directoryservice.DescribeDirectoriesInput{})
	if err != nil || len(out.DirectoryDescriptions) != 1 || aws.ToString(out.DirectoryDescriptions[0].Name) != "corp.acme.example" ||
		out.DirectoryDescriptions[0].VpcSettings == nil || out.DirectoryDescriptions[0].LaunchTime == nil {
		t.Fatalf("%+v %v", out, err)
	}
	id := out.DirectoryDescriptions[0].DirectoryId
	if _, err := ds.DescribeDirectories(ctx, &directoryservice.DescribeDirectoriesInput{DirectoryIds: []string{"d-0000000000"}}); apiCode(err) != "EntityDoesNotExistException" {
		t.Fatalf("unknown id: %v", err)
	}
	tags, err := ds.ListTagsForResource(ctx, &directoryservice.ListTagsForResourceInput{ResourceId: id})
	if err != nil || len(tags.Tags) != 1 {
		t.Fatalf("%+v %v", tags, err)
	}
}
