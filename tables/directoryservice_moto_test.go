package tables_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/directoryservice"
	dstypes "github.com/aws/aws-sdk-go-v2/service/directoryservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/internal/e2e"
)

func TestDirectoryServiceMoto(t *testing.T) {
	moto := e2e.Moto(t, "")
	ctx := context.Background()
	cfg := moto.AWSConfig()

	// A directory needs a VPC with two subnets in different zones.
	e := ec2.NewFromConfig(cfg)
	vpc, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	require.NoError(t, err)
	var subnets []string
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		sn, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, AvailabilityZone: aws.String(az),
			CidrBlock: aws.String([]string{"10.0.1.0/24", "10.0.2.0/24"}[i])})
		require.NoError(t, err)
		subnets = append(subnets, aws.ToString(sn.Subnet.SubnetId))
	}
	ds := directoryservice.NewFromConfig(cfg)
	out, err := ds.CreateDirectory(ctx, &directoryservice.CreateDirectoryInput{Name: aws.String("lab.example.com"),
		Password: aws.String("Passw0rd!Passw0rd"), Size: dstypes.DirectorySizeSmall, ShortName: aws.String("lab"),
		Description: aws.String("Lab directory"),
		VpcSettings: &dstypes.DirectoryVpcSettings{VpcId: vpc.Vpc.VpcId, SubnetIds: subnets}})
	require.NoError(t, err)
	id := aws.ToString(out.DirectoryId)
	_, err = ds.AddTagsToResource(ctx, &directoryservice.AddTagsToResourceInput{ResourceId: out.DirectoryId,
		Tags: []dstypes.Tag{{Key: aws.String("owner"), Value: aws.String("it")}}})
	require.NoError(t, err)

	env := e2e.Start(t, func(s *awsfake.Server) {
		d := awsfake.DirectoryOf(s.Account(e2e.AccountID)).AddDirectory("us-east-1", "lab.example.com", "SimpleAD")
		s.Update(func() {
			d.Description = "Lab directory"
			d.Tags = []awsfake.Tag{{Key: "owner", Value: "it"}}
		})
	}, "")

	queries := []string{
		`SELECT name, short_name, type, size, description, tags, json_array_length(dns_ip_addrs) > 0 FROM aws_directory_service_directory`,
		`SELECT count(*) FROM aws_directory_service_directory WHERE directory_id = 'd-0000000000'`,
	}
	require.Len(t, moto.Query(t, queries[0]), 1)
	for _, q := range queries {
		assert.Equal(t, env.Query(t, q), moto.Query(t, q), q)
	}
	assert.Equal(t, [][]string{{"lab.example.com"}}, moto.Query(t, `SELECT name FROM aws_directory_service_directory WHERE directory_id = ?`, id))
}
