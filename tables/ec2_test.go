package tables_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/internal/e2e"
)

func TestEC2Instance_Golden(t *testing.T) {
	env := e2e.Start(t, func(s *awsfake.Server) {
		e := awsfake.EC2Of(s.Account(e2e.AccountID))
		e.AddInstance("us-east-1", awsfake.Instance{ID: "i-0aaaaaaaaaaaaaaa1", Type: "t3.large", KeyName: "ops", PublicIP: "198.51.100.7",
			ImageID: "ami-0123456789abcdef0", LaunchTime: time.Date(2024, 2, 1, 10, 0, 0, 0, time.UTC),
			ProfileARN: "arn:aws:iam::111111111111:instance-profile/app", ProfileID: "AIPAEXAMPLEPROFILE01",
			Tags: []awsfake.Tag{{Key: "Name", Value: "app"}, {Key: "env", Value: "prod"}}, UserData: "#!/bin/sh\necho hi\n"})
		e.AddInstance("us-east-1", awsfake.Instance{ID: "i-0bbbbbbbbbbbbbbb2", State: "stopped", ImageID: "ami-0123456789abcdef0",
			LaunchTime: time.Date(2024, 2, 2, 10, 0, 0, 0, time.UTC)})
		e.AddInstance("eu-west-1", awsfake.Instance{ID: "i-0ccccccccccccccc3", Type: "m7g.medium", Architecture: "arm64",
			ImageID: "ami-0fedcba9876543210", LaunchTime: time.Date(2024, 2, 3, 10, 0, 0, 0, time.UTC)})
	}, twoRegionsHCL)
	env.Golden(t, "ec2_instance_list", `SELECT region, instance_id, arn, instance_type, instance_state, launch_time, private_ip_address,
		public_ip_address, vpc_id, subnet_id, image_id, key_name, architecture, placement_availability_zone,
		iam_instance_profile_arn, iam_instance_profile_id, tags, json_quote(user_data) AS user_data
		FROM aws_ec2_instance ORDER BY instance_id`)
	assert.Equal(t, 3, env.Calls("ec2", "DescribeInstanceAttribute", awsfake.WithParam("Attribute", "userData")))
}

func TestEC2Instance_PagesAndPushDown(t *testing.T) {
	var ids []string
	env := e2e.Start(t, func(s *awsfake.Server) {
		e := awsfake.EC2Of(s.Account(e2e.AccountID))
		for i := range 1200 {
			st := "running"
			if i%4 == 0 {
				st = "stopped"
			}
			ids = append(ids, e.AddInstance("us-east-1", awsfake.Instance{State: st}).ID)
		}
	}, "")

	// 1,200 instances: pages of 1,000; user_data costs nothing unused.
	assert.Equal(t, 1200, env.Int(t, "SELECT count(*) FROM aws_ec2_instance"))
	assert.Equal(t, 2, env.Calls("ec2", "DescribeInstances"))
	assert.Equal(t, 2, env.Calls("ec2", "DescribeInstances", awsfake.WithParam("MaxResults", "1000")))
	assert.Equal(t, 0, env.Calls("ec2", "DescribeInstanceAttribute"))

	// instance_id goes as InstanceIds, without MaxResults.
	env.Reset()
	assert.Equal(t, []string{ids[7]}, env.Strings(t, "SELECT instance_id FROM aws_ec2_instance WHERE instance_id = ?", ids[7]))
	assert.Equal(t, 1, env.Calls("ec2", "DescribeInstances", awsfake.WithParam("InstanceId.1", ids[7])))
	assert.Equal(t, 0, env.Calls("ec2", "DescribeInstances", func(c awsfake.Call) bool { return c.Params["MaxResults"] != "" }))
	assert.Empty(t, env.Strings(t, "SELECT instance_id FROM aws_ec2_instance WHERE instance_id = 'i-0000000000000000f'"))

	// instance_state goes as a filter.
	env.Reset()
	assert.Equal(t, 300, env.Int(t, "SELECT count(*) FROM aws_ec2_instance WHERE instance_state = 'stopped'"))
	assert.Equal(t, 1, env.Calls("ec2", "DescribeInstances", awsfake.WithParam("Filter.instance-state-name", "stopped")))

	// LIMIT 2: one call with the minimum page size, 5.
	env.Reset()
	assert.Len(t, env.Strings(t, "SELECT instance_id FROM aws_ec2_instance LIMIT 2"), 2)
	assert.Equal(t, 1, env.Calls("ec2", "DescribeInstances", awsfake.WithParam("MaxResults", "5")))
}
