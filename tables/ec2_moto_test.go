package tables_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/internal/e2e"
)

func TestEC2InstanceMoto(t *testing.T) {
	moto := e2e.Moto(t, "")
	ctx := context.Background()
	c := ec2.NewFromConfig(moto.AWSConfig())
	imgs, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	require.NoError(t, err)
	require.NotEmpty(t, imgs.Images, "moto's default AMIs")
	ami := imgs.Images[0].ImageId

	type inst struct{ name, typ string }
	want := []inst{{"app", "t3.large"}, {"db", "m5.large"}, {"web", "t3.micro"}}
	var ids []string
	for _, x := range want {
		out, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: ami, InstanceType: ec2types.InstanceType(x.typ),
			MinCount: aws.Int32(1), MaxCount: aws.Int32(1), KeyName: aws.String("ops"),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance,
				Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(x.name)}}}}})
		require.NoError(t, err)
		ids = append(ids, aws.ToString(out.Instances[0].InstanceId))
	}
	_, err = c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: ids[1:2]})
	require.NoError(t, err)

	env := e2e.Start(t, func(s *awsfake.Server) {
		e := awsfake.EC2Of(s.Account(e2e.AccountID))
		for i, x := range want {
			st := "running"
			if i == 1 {
				st = "stopped"
			}
			e.AddInstance("us-east-1", awsfake.Instance{Type: x.typ, State: st, KeyName: "ops", Tags: []awsfake.Tag{{Key: "Name", Value: x.name}}})
		}
	}, "")

	queries := []string{
		`SELECT tags ->> '$.Name', instance_type, instance_state, key_name FROM aws_ec2_instance ORDER BY 1`,
		`SELECT tags ->> '$.Name' FROM aws_ec2_instance WHERE instance_state = 'stopped'`,
		`SELECT count(*) FROM aws_ec2_instance WHERE instance_type = 't3.micro'`,
		`SELECT count(*) FROM aws_ec2_instance LIMIT 2`,
	}
	require.Len(t, moto.Query(t, queries[0]), 3)
	for _, q := range queries {
		assert.Equal(t, env.Query(t, q), moto.Query(t, q), q)
	}
	// instance_id is pushed as InstanceIds (without MaxResults, which moto
	// would also reject).
	assert.Equal(t, [][]string{{"db"}}, moto.Query(t, `SELECT tags ->> '$.Name' FROM aws_ec2_instance WHERE instance_id = ?`, ids[1]))
}
