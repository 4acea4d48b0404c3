package awsfake

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestEC2DescribeInstances(t *testing.T) {
	s, _, cfg := demo(t)
	c := ec2.NewFromConfig(cfg)
	ctx := context.Background()
	insts := EC2Of(s.Account(DemoManagementAccountID)).Instances(DemoRegion)
	if len(insts) != 2 {
		t.Fatalf("%d demo instances", len(insts))
	}

	out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil || len(out.Reservations) != 2 {
		t.Fatalf("%v %v", out, err)
	}
	i := out.Reservations[0].Instances[0]
	if aws.ToString(i.InstanceId) != insts[0].ID || i.State.Name != ec2types.InstanceStateNameRunning ||
		aws.ToString(i.IamInstanceProfile.Arn) != insts[0].ProfileARN || len(i.Tags) != 2 || i.LaunchTime == nil {
		t.Fatalf("instance shape: %+v", i)
	}

	out, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("instance-state-name"), Values: []string{"stopped"}}}})
	if err != nil || len(out.Reservations) != 1 || aws.ToString(out.Reservations[0].Instances[0].InstanceId) != insts[1].ID {
		t.Fatalf("state filter: %v %v", out, err)
	}

	for _, tc := range []struct {
		in   *ec2.DescribeInstancesInput
		code string
	}{
		{&ec2.DescribeInstancesInput{InstanceIds: []string{insts[0].ID}, MaxResults: aws.Int32(5)}, "InvalidParameterCombination"},
		{&ec2.DescribeInstancesInput{MaxResults: aws.Int32(4)}, "InvalidParameterValue"},
		{&ec2.DescribeInstancesInput{MaxResults: aws.Int32(1001)}, "InvalidParameterValue"},
		{&ec2.DescribeInstancesInput{InstanceIds: []string{"i-0000000000000000f"}}, "InvalidInstanceID.NotFound"},
		{&ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("bogus"), Values: []string{"x"}}}}, "InvalidParameterValue"},
	} {
		if _, err := c.DescribeInstances(ctx, tc.in); apiCode(err) != tc.code {
			t.Errorf("%+v: got %v, want %s", tc.in, err, tc.code)
		}
	}

	// MaxResults pages.
	e := EC2Of(s.Account(DemoManagementAccountID))
	for range 10 {
		e.AddInstance(DemoRegion, Instance{})
	}
	p := ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
	n, pages := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Reservations)
		pages++
	}
	if n != 12 || pages != 3 {
		t.Fatalf("%d instances in %d pages", n, pages)
	}

	attr, err := c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(insts[0].ID), Attribute: ec2types.InstanceAttributeNameUserData})
	if err != nil || attr.UserData == nil || aws.ToString(attr.UserData.Value) != "IyEvYmluL3NoCmVjaG8gaGVsbG8K" {
		t.Fatalf("user data: %+v %v", attr, err)
	}
}
