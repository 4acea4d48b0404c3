package iampolicy

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/tables"
	"github.com/awsqlite/awsqlite/vtab"
)

func testSpecs() []*vtab.Spec {
	return []*vtab.Spec{
		{
			Name:        "aws_iam_user",
			ListActions: []string{"iam:ListUsers"},
			GetActions:  []string{"iam:GetUser"},
			Hydrates: []vtab.Hydrate{
				{Name: "mfa", Actions: []string{"iam:ListMFADevices"}},
				{Name: "tags", Actions: []string{"iam:ListUserTags", "iam:GetUser"}},
			},
		},
		{
			Name:        "aws_organizations_account",
			ListActions: []string{"organizations:ListAccounts"},
			Hydrates:    []vtab.Hydrate{{Name: "tags", Actions: []string{"organizations:ListTagsForResource"}}},
		},
		{
			Name:        "aws_iam_group",
			ListActions: []string{"iam:ListGroups"},
			GetActions:  []string{"iam:GetGroup"},
		},
		{Name: "awsqlite_connection", Scope: vtab.Local},
	}
}

func TestPolicySortedAndDeduplicated(t *testing.T) {
	doc, err := Policy(testSpecs())
	require.NoError(t, err)
	require.Len(t, doc.Statement, 1)
	assert.Equal(t, "2012-10-17", doc.Version)
	assert.Equal(t, "Allow", doc.Statement[0].Effect)
	assert.Equal(t, "*", doc.Statement[0].Resource)
	assert.Equal(t, []string{
		"iam:GetGroup",
		"iam:GetUser",
		"iam:ListGroups",
		"iam:ListMFADevices",
		"iam:ListUserTags",
		"iam:ListUsers",
		"organizations:ListAccounts",
		"organizations:ListTagsForResource",
	}, doc.Statement[0].Action)
}

func TestPolicyJSON(t *testing.T) {
	doc, err := ForTables(testSpecs(), []string{"aws_iam_group"})
	require.NoError(t, err)
	want := `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "iam:GetGroup",
        "iam:ListGroups"
      ],
      "Resource": "*"
    }
  ]
}
`
	assert.Equal(t, want, string(doc.JSON()))
}

func TestPolicyRefusesWriteActions(t *testing.T) {
	for _, a := range []string{"iam:CreateUser", "iam:DeleteRole", "s3:PutObject", "iam:*", "*", "iam:listusers"} {
		specs := []*vtab.Spec{{Name: "aws_bad", ListActions: []string{"iam:ListUsers"}, Hydrates: []vtab.Hydrate{{Name: "h", Actions: []string{a}}}}}
		_, err := Policy(specs)
		require.Error(t, err, a)
		assert.True(t, errors.Is(err, ErrNotReadOnly), a)
		assert.Contains(t, err.Error(), "aws_bad")
	}
}

func TestForTables(t *testing.T) {
	all := testSpecs()

	doc, err := ForTables(all, nil)
	require.NoError(t, err)
	assert.Len(t, doc.Actions(), 8)

	doc, err = ForTables(all, []string{" aws_organizations_account", "aws_organizations_account", ""})
	require.NoError(t, err)
	assert.Equal(t, []string{"organizations:ListAccounts", "organizations:ListTagsForResource"}, doc.Actions())

	_, err = ForTables(all, []string{"aws_iam_user", "aws_iam_usr", "nope"})
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrUnknownTable))
	assert.Contains(t, err.Error(), `"aws_iam_usr", "nope"`)
	assert.Contains(t, err.Error(), "aws_iam_user")

	_, err = ForTables(all, []string{" ", ""})
	assert.ErrorIs(t, err, ErrNoTables)
}

// TestRegistryPolicy checks that the real tables yield a valid policy.
func TestRegistryPolicy(t *testing.T) {
	doc, err := Policy(tables.All())
	require.NoError(t, err)
	require.NotEmpty(t, doc.Actions())
	for _, a := range doc.Actions() {
		assert.True(t, vtab.ReadOnlyAction(a), a)
	}
	var back Document
	require.NoError(t, json.Unmarshal(doc.JSON(), &back))
	assert.Equal(t, doc, back)
}
