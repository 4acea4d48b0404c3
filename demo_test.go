package awsqlite_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite"
	"github.com/awsqlite/awsqlite/internal/awsfake"
)

func TestDemoOrganization(t *testing.T) {
	ctx := context.Background()
	s, err := awsqlite.OpenDemo(ctx)
	require.NoError(t, err)
	defer s.Close()
	var n int
	require.NoError(t, s.DB().QueryRow("select count(*) from aws_organizations_account").Scan(&n))
	assert.Equal(t, len(awsfake.DemoAccounts), n)

	rows, err := s.DB().Query("select name, ou_path from aws_organizations_account order by ou_path, name")
	require.NoError(t, err)
	for rows.Next() {
		var name, path string
		require.NoError(t, rows.Scan(&name, &path))
		t.Log(name, path)
	}
	require.NoError(t, rows.Err())
	require.NoError(t, s.DB().QueryRow("select count(*) from aws_iam_user").Scan(&n))
	t.Log("users", n)
	assert.Greater(t, n, 0)
}
