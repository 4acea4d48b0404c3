package awsfake

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

func cognitoFake(t *testing.T) (*Server, *UserPool, *cip.Client) {
	t.Helper()
	s := New()
	a := s.AddAccount("123456789012", "cog")
	s.AddCredentials("AKIDCOGNITO", "secret", a.ID, "")
	cog := CognitoOf(a)
	pool := cog.AddUserPool("us-east-1", "customers")
	pool.AddUsers(130)
	pool.AddGroup("admins", "Administrators")
	pool.AddGroup("staff", "")
	pool.AddUserToGroup("user-0001", "admins")
	pool.AddUserToGroup("user-0001", "staff")
	cog.AddUserPool("us-east-1", "partners")
	cog.AddUserPool("eu-west-1", "eu-customers")
	s.Start()
	t.Cleanup(s.Close)
	return s, pool, cip.NewFromConfig(cfgFor(s, "AKIDCOGNITO", "secret", ""))
}

func TestCognitoListUsersPaging(t *testing.T) {
	s, pool, c := cognitoFake(t)
	ctx := context.Background()
	p := cip.NewListUsersPaginator(c, &cip.ListUsersInput{UserPoolId: aws.String(pool.ID), Limit: aws.Int32(60)})
	var names []string
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range out.Users {
			if u.UserCreateDate == nil || !u.Enabled || u.UserStatus != "CONFIRMED" || len(u.Attributes) < 2 {
				t.Fatalf("incomplete user %+v", u)
			}
			names = append(names, aws.ToString(u.Username))
		}
	}
	if len(names) != 130 || names[0] != "user-0001" || names[129] != "user-0130" {
		t.Fatalf("got %d users: %v..", len(names), names[:3])
	}
	if n := s.CountCalls("cognito-idp", "ListUsers", WithParam("UserPoolId", pool.ID), WithParam("Limit", "60")); n != 3 {
		t.Fatalf("ListUsers calls = %d, want 3", n)
	}
	if n := s.CountCalls("cognito-idp", "ListUsers", func(c Call) bool { return c.Params["PaginationToken"] != "" }); n != 2 {
		t.Fatalf("calls with a PaginationToken = %d, want 2", n)
	}
}

func TestCognitoErrorsAndRegions(t *testing.T) {
	_, pool, c := cognitoFake(t)
	ctx := context.Background()

	if _, err := c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(0)}); apiCode(err) != "InvalidParameterException" {
		t.Fatalf("ListUserPools MaxResults 0: %v", err)
	}
	if _, err := c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(61)}); apiCode(err) != "InvalidParameterException" {
		t.Fatalf("ListUserPools MaxResults 61: %v", err)
	}
	if _, err := c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(pool.ID), Limit: aws.Int32(61)}); apiCode(err) != "InvalidParameterException" {
		t.Fatalf("ListUsers Limit 61: %v", err)
	}
	if _, err := c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(pool.ID), PaginationToken: aws.String("bogus")}); apiCode(err) != "InvalidParameterException" {
		t.Fatalf("bad token: %v", err)
	}
	if _, err := c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String("us-east-1_nope")}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("unknown pool: %v", err)
	}
	if _, err := c.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(pool.ID), Username: aws.String("ghost")}); apiCode(err) != "UserNotFoundException" {
		t.Fatalf("unknown user: %v", err)
	}

	// Pools are regional: us-east-1 sees two, in pages of one.
	out, err := c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(1)})
	if err != nil || len(out.UserPools) != 1 || out.NextToken == nil || aws.ToString(out.UserPools[0].Name) != "customers" {
		t.Fatalf("page 1: %+v %v", out, err)
	}
	out, err = c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(1), NextToken: out.NextToken})
	if err != nil || len(out.UserPools) != 1 || out.NextToken != nil || aws.ToString(out.UserPools[0].Name) != "partners" {
		t.Fatalf("page 2: %+v %v", out, err)
	}
	eu, err := c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)}, func(o *cip.Options) { o.Region = "eu-west-1" })
	if err != nil || len(eu.UserPools) != 1 || aws.ToString(eu.UserPools[0].Name) != "eu-customers" {
		t.Fatalf("eu-west-1: %+v %v", eu, err)
	}
	if _, err := c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool.ID)}, func(o *cip.Options) { o.Region = "eu-west-1" }); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("us-east-1 pool seen from eu-west-1: %v", err)
	}

	d, err := c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool.ID)})
	if err != nil || aws.ToString(d.UserPool.Arn) != pool.ARN || d.UserPool.EstimatedNumberOfUsers != 130 || d.UserPool.Policies == nil {
		t.Fatalf("describe: %+v %v", d, err)
	}
	g, err := c.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(pool.ID), Username: aws.String("user-0001"), Limit: aws.Int32(1)})
	if err != nil || len(g.Groups) != 1 || g.NextToken == nil || aws.ToString(g.Groups[0].GroupName) != "admins" {
		t.Fatalf("groups for user: %+v %v", g, err)
	}
	m, err := c.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: aws.String(pool.ID), GroupName: aws.String("staff")})
	if err != nil || len(m.Users) != 1 || aws.ToString(m.Users[0].Username) != "user-0001" {
		t.Fatalf("users in group: %+v %v", m, err)
	}
}
