package tables

import (
	"context"
	"encoding/base64"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/vtab"
)

// ec2PageSize is the largest MaxResults DescribeInstances accepts; it
// takes no less than ec2MinPageSize.
const (
	ec2PageSize    = 1000
	ec2MinPageSize = 5
)

// ec2Instance is a described instance with its ARN.
type ec2Instance struct {
	types.Instance
	arn string
}

func init() { register(ec2Instances) }

func ec2Instances() *vtab.Spec {
	type I = ec2Instance
	return &vtab.Spec{
		Name:          "aws_ec2_instance",
		Description:   "EC2 instances of each region, with the IAM instance profile they run with.",
		Scope:         vtab.Regional,
		Service:       "ec2",
		EstimatedRows: 200,
		Columns: []vtab.Column{
			col("instance_id", vtab.Text, "The ID of the instance.", func(i I) any { return str(i.InstanceId) }),
			col("arn", vtab.Text, "The Amazon Resource Name (ARN) of the instance.", func(i I) any { return i.arn }),
			col("instance_type", vtab.Text, "The instance type, such as t3.micro.", func(i I) any { return enumText(i.InstanceType) }),
			col("instance_state", vtab.Text, "The state of the instance (pending, running, stopping, stopped, shutting-down, terminated).", func(i I) any {
				if i.State == nil {
					return nil
				}
				return enumText(i.State.Name)
			}),
			col("launch_time", vtab.Text, "When the instance was launched.", func(i I) any { return i.LaunchTime }),
			col("private_ip_address", vtab.Text, "The primary private IPv4 address of the instance.", func(i I) any { return str(i.PrivateIpAddress) }),
			col("private_dns_name", vtab.Text, "The private DNS hostname of the instance.", func(i I) any { return str(i.PrivateDnsName) }),
			col("public_ip_address", vtab.Text, "The public IPv4 address of the instance.", func(i I) any { return str(i.PublicIpAddress) }),
			col("public_dns_name", vtab.Text, "The public DNS name of the instance.", func(i I) any { return str(i.PublicDnsName) }),
			col("vpc_id", vtab.Text, "The ID of the VPC the instance runs in.", func(i I) any { return str(i.VpcId) }),
			col("subnet_id", vtab.Text, "The ID of the subnet the instance runs in.", func(i I) any { return str(i.SubnetId) }),
			col("image_id", vtab.Text, "The ID of the AMI the instance was launched from.", func(i I) any { return str(i.ImageId) }),
			col("key_name", vtab.Text, "The name of the key pair the instance was launched with.", func(i I) any { return str(i.KeyName) }),
			col("architecture", vtab.Text, "The architecture of the image (x86_64, arm64...).", func(i I) any { return enumText(i.Architecture) }),
			col("placement_availability_zone", vtab.Text, "The Availability Zone of the instance.", func(i I) any {
				if i.Placement == nil {
					return nil
				}
				return str(i.Placement.AvailabilityZone)
			}),
			col("monitoring_state", vtab.Text, "Whether detailed monitoring is enabled (disabled, enabled...).", func(i I) any {
				if i.Monitoring == nil {
					return nil
				}
				return enumText(i.Monitoring.State)
			}),
			col("root_device_type", vtab.Text, "The root device type (ebs or instance-store).", func(i I) any { return enumText(i.RootDeviceType) }),
			col("iam_instance_profile_arn", vtab.Text, "The ARN of the IAM instance profile of the instance.", func(i I) any {
				if i.IamInstanceProfile == nil {
					return nil
				}
				return str(i.IamInstanceProfile.Arn)
			}),
			col("iam_instance_profile_id", vtab.Text, "The ID of the IAM instance profile of the instance.", func(i I) any {
				if i.IamInstanceProfile == nil {
					return nil
				}
				return str(i.IamInstanceProfile.Id)
			}),
			col("security_groups", vtab.Text, "The security groups of the instance (JSON).", func(i I) any {
				if i.SecurityGroups == nil {
					return []types.GroupIdentifier{}
				}
				return i.SecurityGroups
			}),
			col("metadata_options", vtab.Text, "The instance metadata service options, such as whether IMDSv2 is required (JSON).", func(i I) any { return i.MetadataOptions }),
			col("tags", vtab.Text, "The instance's tags (JSON object).", func(i I) any {
				return tagMap(i.Tags, func(t types.Tag) (*string, *string) { return t.Key, t.Value })
			}),
			hcol("user_data", vtab.Text, "The user data of the instance, decoded.", "user_data", func(s *string) any { return str(s) }),
		},
		KeyColumns: []vtab.KeyColumn{
			{Name: "instance_id", Exact: true},
			{Name: "instance_state", Exact: true},
			{Name: "instance_type", Exact: true},
		},
		ListActions: []string{"ec2:DescribeInstances"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			in := &ec2.DescribeInstancesInput{}
			if id := q.Quals.String("instance_id"); id != "" {
				in.InstanceIds = []string{id} // MaxResults may not go with InstanceIds
			} else {
				in.MaxResults = aws.Int32(max(q.PageSize(ec2PageSize), ec2MinPageSize))
			}
			filter := func(name, column string) {
				if v := q.Quals.String(column); v != "" {
					in.Filters = append(in.Filters, types.Filter{Name: aws.String(name), Values: []string{v}})
				}
			}
			filter("instance-state-name", "instance_state")
			filter("instance-type", "instance_type")
			p := ec2.NewDescribeInstancesPaginator(c.EC2(), in)
			arn := "arn:aws:ec2:" + q.Target.Region + ":" + q.Target.AccountID + ":instance/"
			return pages(p.HasMorePages, func(ctx context.Context) ([]I, error) {
				out, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				var insts []I
				for _, r := range out.Reservations {
					for _, i := range r.Instances {
						insts = append(insts, I{i, arn + aws.ToString(i.InstanceId)})
					}
				}
				return insts, nil
			}), nil
		},
		Hydrates: []vtab.Hydrate{
			hydrate("user_data", []string{"ec2:DescribeInstanceAttribute"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, i I) (any, error) {
				out, err := c.EC2().DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{
					InstanceId: i.InstanceId, Attribute: types.InstanceAttributeNameUserData})
				if notFound(err) {
					return nil, nil
				}
				if err != nil {
					return nil, err
				}
				if out.UserData == nil || out.UserData.Value == nil {
					return (*string)(nil), nil
				}
				raw, err := base64.StdEncoding.DecodeString(*out.UserData.Value)
				if err != nil {
					return out.UserData.Value, nil
				}
				s := string(raw)
				return &s, nil
			}),
		},
	}
}
