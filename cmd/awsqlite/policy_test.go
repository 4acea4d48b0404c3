package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/awsqlite/awsqlite/internal/iampolicy"
	"github.com/awsqlite/awsqlite/tables"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestPolicyCommand(t *testing.T) {
	code, out, errOut := runCLI("policy")
	require.Equal(t, 0, code, errOut)
	var doc iampolicy.Document
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	want, err := iampolicy.Policy(tables.All())
	require.NoError(t, err)
	assert.Equal(t, want, doc)
	assert.True(t, strings.HasPrefix(out, "{\n  \"Version\": \"2012-10-17\",\n"), out)

	code, out, errOut = runCLI("policy", "--tables", "aws_iam_user")
	require.Equal(t, 0, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Contains(t, doc.Actions(), "iam:ListUsers")
	assert.NotContains(t, doc.Actions(), "organizations:ListAccounts")

	code, out, errOut = runCLI("policy", "--tables", "aws_iam_user,aws_nope")
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, `unknown table "aws_nope"`)
}

func TestTemplateCommand(t *testing.T) {
	base := []string{"template", "--trusted-account", "111122223333", "--external-id", "o-example-Xk29fPq1", "--role-name", "AwsqliteAudit"}

	code, out, errOut := runCLI(base...)
	require.Equal(t, 0, code, errOut)
	var y map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(out), &y))
	assert.Contains(t, out, "Type: AWS::IAM::Role\n")

	code, out, errOut = runCLI(append(base, "--format", "json", "--tables", "aws_iam_user")...)
	require.Equal(t, 0, code, errOut)
	var j map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &j))
	assert.Contains(t, out, `"sts:ExternalId": "o-example-Xk29fPq1"`)

	code, out, errOut = runCLI(append(base, "--stackset", "--format", "JSON")...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"AWS::CloudFormation::StackSet"`)

	bad := map[string][]string{
		"account":      {"template", "--trusted-account", "1111", "--external-id", "abc", "--role-name", "R"},
		"external id":  {"template", "--trusted-account", "111122223333", "--external-id", "a b", "--role-name", "R"},
		"role name":    {"template", "--trusted-account", "111122223333", "--external-id", "abc", "--role-name", "a/b"},
		"missing flag": {"template", "--trusted-account", "111122223333"},
		"format":       append(base, "--format", "xml"),
		"table":        append(base, "--tables", "nope"),
		"argument":     append(base, "extra"),
	}
	for name, args := range bad {
		code, out, errOut := runCLI(args...)
		assert.Equal(t, 2, code, "%s: %s", name, errOut)
		assert.Empty(t, out, name)
		assert.NotEmpty(t, errOut, name)
	}
}
