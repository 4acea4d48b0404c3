package tables_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/internal/awsfake"
	"github.com/awsqlite/awsqlite/internal/e2e"
)

// twoRegionsHCL is one connection on the default account in two regions.
const twoRegionsHCL = `connection "test" {
  regions = ["us-east-1", "eu-west-1"]
}
`

func seedDirectories(s *awsfake.Server) {
	ds := awsfake.DirectoryOf(s.Account(e2e.AccountID))
	corp := ds.AddDirectory("us-east-1", "corp.example.com", "MicrosoftAD")
	ds.AddDirectory("us-east-1", "lab.example.com", "SimpleAD")
	ds.AddDirectory("eu-west-1", "eu.example.com", "ADConnector")
	s.Update(func() {
		corp.Description = "Corporate AD"
		corp.Alias = "corp"
		corp.SSOEnabled = true
		corp.Tags = []awsfake.Tag{{Key: "owner", Value: "it"}, {Key: "env", Value: "prod"}}
	})
}

func TestDirectoryServiceDirectory_Golden(t *testing.T) {
	env := e2e.Start(t, seedDirectories, twoRegionsHCL)
	env.Golden(t, "ds_directory_list", `SELECT region, name, directory_id, arn, type, edition, size, stage, alias, access_url,
		short_name, description, dns_ip_addrs, sso_enabled, launch_time, json_extract(vpc_settings, '$.VpcId') IS NOT NULL AS in_vpc,
		json_extract(connect_settings, '$.VpcId') IS NOT NULL AS connector, tags
		FROM aws_directory_service_directory ORDER BY region, name`)
	// One DescribeDirectories per region; tags cost one call per directory.
	assert.Equal(t, 2, env.Calls("ds", "DescribeDirectories"))
	assert.Equal(t, 3, env.Calls("ds", "ListTagsForResource"))
}

func TestDirectoryServiceDirectory_PagesAndPushDown(t *testing.T) {
	var ids []string
	env := e2e.Start(t, func(s *awsfake.Server) {
		ds := awsfake.DirectoryOf(s.Account(e2e.AccountID))
		for i := range 120 {
			ids = append(ids, ds.AddDirectory("us-east-1", fmt.Sprintf("d%03d.example.com", i), "SimpleAD").ID)
		}
	}, "")

	// 120 directories: pages of 100. Tags are not read.
	assert.Equal(t, 120, env.Int(t, "SELECT count(*) FROM aws_directory_service_directory"))
	assert.Equal(t, 2, env.Calls("ds", "DescribeDirectories"))
	assert.Equal(t, 2, env.Calls("ds", "DescribeDirectories", awsfake.WithParam("Limit", "100")))
	assert.Equal(t, 0, env.Calls("ds", "ListTagsForResource"), "tags are fetched only when used")

	// directory_id is sent as DirectoryIds.
	env.Reset()
	got := env.Strings(t, "SELECT name FROM aws_directory_service_directory WHERE directory_id = ?", ids[42])
	assert.Equal(t, []string{"d042.example.com"}, got)
	assert.Equal(t, 1, env.Calls("ds", "DescribeDirectories", awsfake.WithParam("DirectoryIds", "["+ids[42]+"]")))
	assert.Equal(t, 1, env.Calls("ds", ""), "%+v", env.Fake.Calls())

	// An unknown id is no row, not an error.
	require.Empty(t, env.Strings(t, "SELECT name FROM aws_directory_service_directory WHERE directory_id = 'd-0000000000'"))

	// LIMIT caps the page size and stops paging.
	env.Reset()
	assert.Equal(t, 3, len(env.Strings(t, "SELECT name FROM aws_directory_service_directory LIMIT 3")))
	assert.Equal(t, 1, env.Calls("ds", "DescribeDirectories", awsfake.WithParam("Limit", "3")))
	assert.Equal(t, 1, env.Calls("ds", "DescribeDirectories"))
}
