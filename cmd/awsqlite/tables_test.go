package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/awsqlite/awsqlite/vtab"
)

func TestColumnListNotes(t *testing.T) {
	spec := &vtab.Spec{
		Name: "aws_x", Description: "X.", Scope: vtab.Global,
		Columns: []vtab.Column{
			{Name: "name", Type: vtab.Text, Description: "The name."},
			{Name: "pool_id", Type: vtab.Text, Description: "The pool."},
			{Name: "start_time", Type: vtab.Text, Description: "The start."},
			{Name: "mfa", Type: vtab.Integer, Description: "MFA.", Hydrate: "mfa"},
		},
		KeyColumns: []vtab.KeyColumn{
			{Name: "name"},
			{Name: "pool_id", Required: true},
			{Name: "start_time", Operators: []vtab.Op{vtab.EQ, vtab.GE}},
		},
		Hydrates: []vtab.Hydrate{{Name: "mfa", Actions: []string{"iam:ListMFADevices"}}},
	}
	notes := map[string]string{}
	types := map[string]string{}
	for _, row := range columnList(spec).Data {
		notes[row[0].(string)] = row[3].(string)
		types[row[0].(string)] = row[1].(string)
	}
	assert.Equal(t, "key (=)", notes["name"])
	assert.Equal(t, "required key (=)", notes["pool_id"])
	assert.Equal(t, "key (=, >=)", notes["start_time"])
	assert.Equal(t, "hydrated (iam:ListMFADevices)", notes["mfa"])
	assert.Equal(t, "INTEGER", types["mfa"])
	for _, c := range []string{"connection", "account_id", "region"} {
		assert.Equal(t, "automatic", notes[c], c)
	}
}

func TestNearNames(t *testing.T) {
	names := []string{"aws_iam_user", "aws_iam_group", "aws_iam_role", "aws_cognito_user", "aws_organizations_account"}
	assert.Equal(t, []string{"aws_iam_user"}, nearNames("aws_iam_usr", names, 3))
	assert.Equal(t, []string{"aws_iam_role"}, nearNames("AWS_IAM_ROLES", names, 3))
	assert.Contains(t, nearNames("account", names, 3), "aws_organizations_account")
	assert.Empty(t, nearNames("zzzzzzzz", names, 3))
	assert.Equal(t, 3, editDistance("kitten", "sitting"))
}
