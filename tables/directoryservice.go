package tables

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/directoryservice"
	"github.com/aws/aws-sdk-go-v2/service/directoryservice/types"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/vtab"
)

// dsPageSize is the page size asked of DescribeDirectories.
const dsPageSize = 100

func init() { register(dsDirectory) }

func dsDirectory() *vtab.Spec {
	return &vtab.Spec{
		Name:          "aws_directory_service_directory",
		Description:   "AWS Directory Service directories (Managed Microsoft AD, Simple AD, AD Connector) of each region.",
		Scope:         vtab.Regional,
		Service:       "ds",
		EstimatedRows: 5,
		Columns: []vtab.Column{
			col("name", vtab.Text, "The fully qualified name of the directory.", func(d dsDir) any { return str(d.Name) }),
			col("arn", vtab.Text, "The Amazon Resource Name (ARN) of the directory.", func(d dsDir) any { return d.arn }),
			col("directory_id", vtab.Text, "The identifier of the directory.", func(d dsDir) any { return str(d.DirectoryId) }),
			col("type", vtab.Text, "The type of the directory (MicrosoftAD, SimpleAD, ADConnector, SharedMicrosoftAD).", func(d dsDir) any { return enumText(d.Type) }),
			col("edition", vtab.Text, "The edition of a Managed Microsoft AD directory (Standard or Enterprise).", func(d dsDir) any { return enumText(d.Edition) }),
			col("size", vtab.Text, "The size of a Simple AD or AD Connector directory (Small or Large).", func(d dsDir) any { return enumText(d.Size) }),
			col("stage", vtab.Text, "The current stage of the directory (Active, Creating, Failed...).", func(d dsDir) any { return enumText(d.Stage) }),
			col("stage_reason", vtab.Text, "Additional information about the directory stage.", func(d dsDir) any { return str(d.StageReason) }),
			col("stage_last_updated_date_time", vtab.Text, "When the stage was last updated.", func(d dsDir) any { return d.StageLastUpdatedDateTime }),
			col("access_url", vtab.Text, "The access URL of the directory, such as d-926example.awsapps.com.", func(d dsDir) any { return str(d.AccessUrl) }),
			col("alias", vtab.Text, "The alias of the directory.", func(d dsDir) any { return str(d.Alias) }),
			col("short_name", vtab.Text, "The short (NetBIOS) name of the directory.", func(d dsDir) any { return str(d.ShortName) }),
			col("description", vtab.Text, "The description of the directory.", func(d dsDir) any { return str(d.Description) }),
			col("desired_number_of_domain_controllers", vtab.Integer, "The desired number of domain controllers of a Managed Microsoft AD directory.", func(d dsDir) any { return d.DesiredNumberOfDomainControllers }),
			col("dns_ip_addrs", vtab.Text, "The IP addresses of the DNS servers of the directory (JSON).", func(d dsDir) any { return jsonStrings(d.DnsIpAddrs) }),
			col("launch_time", vtab.Text, "When the directory was created.", func(d dsDir) any { return d.LaunchTime }),
			col("sso_enabled", vtab.Integer, "1 when single sign-on is enabled for the directory.", func(d dsDir) any { return d.SsoEnabled }),
			col("share_method", vtab.Text, "How a shared directory was shared (ORGANIZATIONS or HANDSHAKE).", func(d dsDir) any { return enumText(d.ShareMethod) }),
			col("share_status", vtab.Text, "The status of a shared directory.", func(d dsDir) any { return enumText(d.ShareStatus) }),
			col("share_notes", vtab.Text, "The notes sent with a directory share request.", func(d dsDir) any { return str(d.ShareNotes) }),
			col("radius_status", vtab.Text, "The status of the RADIUS MFA server connection.", func(d dsDir) any { return enumText(d.RadiusStatus) }),
			col("radius_settings", vtab.Text, "The RADIUS MFA settings of the directory (JSON).", func(d dsDir) any { return d.RadiusSettings }),
			col("vpc_settings", vtab.Text, "The VPC settings of a Managed Microsoft AD or Simple AD directory (JSON).", func(d dsDir) any { return d.VpcSettings }),
			col("connect_settings", vtab.Text, "The connection settings of an AD Connector directory (JSON).", func(d dsDir) any { return d.ConnectSettings }),
			col("owner_directory_description", vtab.Text, "The directory's owner account details for a shared directory (JSON).", func(d dsDir) any { return d.OwnerDirectoryDescription }),
			col("regions_info", vtab.Text, "The primary and additional regions of a multi-region directory (JSON).", func(d dsDir) any { return d.RegionsInfo }),
			hcol("tags", vtab.Text, "The directory's tags (JSON object).", "tags", func(ts []types.Tag) any {
				return tagMap(ts, func(t types.Tag) (*string, *string) { return t.Key, t.Value })
			}),
		},
		KeyColumns:  []vtab.KeyColumn{{Name: "directory_id", Exact: true}},
		ListActions: []string{"ds:DescribeDirectories"},
		List: func(ctx context.Context, q *vtab.Query) (vtab.Pager, error) {
			c, err := client(q)
			if err != nil {
				return nil, err
			}
			in := &directoryservice.DescribeDirectoriesInput{Limit: aws.Int32(q.PageSize(dsPageSize))}
			if id := q.Quals.String("directory_id"); id != "" {
				in.DirectoryIds = []string{id}
			}
			p := directoryservice.NewDescribeDirectoriesPaginator(c.DirectoryService(), in)
			return pages(p.HasMorePages, func(ctx context.Context) ([]dsDir, error) {
				out, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				dirs := make([]dsDir, len(out.DirectoryDescriptions))
				for i, d := range out.DirectoryDescriptions {
					dirs[i] = dsDir{d, "arn:aws:ds:" + q.Target.Region + ":" + q.Target.AccountID + ":directory/" + aws.ToString(d.DirectoryId)}
				}
				return dirs, nil
			}), nil
		},
		Hydrates: []vtab.Hydrate{
			hydrate("tags", []string{"ds:ListTagsForResource"}, func(ctx context.Context, c *connection.Client, q *vtab.Query, d dsDir) (any, error) {
				p := directoryservice.NewListTagsForResourcePaginator(c.DirectoryService(), &directoryservice.ListTagsForResourceInput{ResourceId: d.DirectoryId})
				ts, err := collect(ctx, p.HasMorePages, func(ctx context.Context) ([]types.Tag, error) {
					out, err := p.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					return out.Tags, nil
				})
				if ts == nil && err == nil {
					ts = []types.Tag{}
				}
				return ts, err
			}),
		},
	}
}

// dsDir is a listed directory with its ARN (DescribeDirectories has none).
type dsDir struct {
	types.DirectoryDescription
	arn string
}

// enumText returns an SDK enum value as text, nil when unset.
func enumText[T ~string](v T) any {
	if v == "" {
		return nil
	}
	return string(v)
}

// jsonStrings returns a list as a JSON array, [] when empty.
func jsonStrings(v []string) any {
	if v == nil {
		return []string{}
	}
	return v
}
