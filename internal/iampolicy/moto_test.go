package iampolicy_test

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/internal/iampolicy"
	"github.com/awsqlite/awsqlite/internal/motoserver"
	"github.com/awsqlite/awsqlite/tables"
)

const (
	motoTrusted    = "111122223333"
	motoExternalID = "o-example-Xk29fPq1"
)

// TestRoleTemplateDeploysOnMoto creates a stack from the generated role
// template (JSON) on moto's CloudFormation and checks the role IAM then
// holds.
func TestRoleTemplateDeploysOnMoto(t *testing.T) {
	opts := motoOptions(t, "AwsqliteAudit")
	tpl, err := iampolicy.RoleTemplate(opts)
	require.NoError(t, err)
	body, err := tpl.JSON()
	require.NoError(t, err)
	deployAndCheck(t, opts, string(body), nil)
}

// TestStackSetTemplateDeploysOnMoto creates a stack from the StackSet
// template (YAML) on moto. moto accepts but does not run the
// AWS::CloudFormation::StackSet resource, so this checks that the YAML
// parses as a template and that the management account's role is right.
func TestStackSetTemplateDeploysOnMoto(t *testing.T) {
	opts := motoOptions(t, "AwsqliteOrgAudit")
	tpl, err := iampolicy.StackSetTemplate(opts)
	require.NoError(t, err)
	body, err := tpl.YAML()
	require.NoError(t, err)
	deployAndCheck(t, opts, string(body), []cftypes.Parameter{{
		ParameterKey:   aws.String("OrganizationalUnitIds"),
		ParameterValue: aws.String("ou-abcd-11111111,ou-abcd-22222222"),
	}})
}

func motoOptions(t *testing.T, roleName string) iampolicy.RoleOptions {
	if testing.Short() {
		t.Skip("integration test")
	}
	policy, err := iampolicy.Policy(tables.All())
	require.NoError(t, err)
	return iampolicy.RoleOptions{TrustedAccount: motoTrusted, ExternalID: motoExternalID, RoleName: roleName, Policy: policy}
}

func deployAndCheck(t *testing.T, opts iampolicy.RoleOptions, body string, params []cftypes.Parameter) {
	endpoint := motoserver.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(endpoint),
	}
	cfn := cloudformation.NewFromConfig(cfg)
	iamc := iam.NewFromConfig(cfg)

	stack := aws.String("awsqlite-role")
	_, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName:    stack,
		TemplateBody: aws.String(body),
		Parameters:   params,
		Capabilities: []cftypes.Capability{cftypes.CapabilityCapabilityNamedIam},
	})
	require.NoError(t, err)
	waiter := cloudformation.NewStackCreateCompleteWaiter(cfn, func(o *cloudformation.StackCreateCompleteWaiterOptions) {
		o.MinDelay, o.MaxDelay = 100*time.Millisecond, time.Second
	})
	out, err := waiter.WaitForOutput(ctx, &cloudformation.DescribeStacksInput{StackName: stack}, time.Minute)
	require.NoError(t, err)
	require.Len(t, out.Stacks, 1)
	assert.Equal(t, cftypes.StackStatusCreateComplete, out.Stacks[0].StackStatus)

	var roleARN string
	for _, o := range out.Stacks[0].Outputs {
		if aws.ToString(o.OutputKey) == "RoleArn" {
			roleARN = aws.ToString(o.OutputValue)
		}
	}
	assert.Regexp(t, `^arn:aws:iam::\d{12}:role/`+opts.RoleName+`$`, roleARN)

	got, err := iamc.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(opts.RoleName)})
	require.NoError(t, err)
	assert.Equal(t, int32(iampolicy.MaxSessionDuration), aws.ToInt32(got.Role.MaxSessionDuration))
	raw, err := url.QueryUnescape(aws.ToString(got.Role.AssumeRolePolicyDocument))
	require.NoError(t, err)
	var trust struct {
		Statement []struct {
			Effect    string
			Principal struct{ AWS any }
			Action    any
			Condition map[string]map[string]any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(raw), &trust), raw)
	require.Len(t, trust.Statement, 1, raw)
	st := trust.Statement[0]
	assert.Equal(t, "Allow", st.Effect)
	assert.Equal(t, "arn:aws:iam::"+opts.TrustedAccount+":root", st.Principal.AWS)
	assert.Equal(t, "sts:AssumeRole", st.Action)
	assert.Equal(t, opts.ExternalID, st.Condition["StringEquals"]["sts:ExternalId"])

	pol, err := iamc.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(opts.RoleName), PolicyName: aws.String("awsqlite-read-only")})
	require.NoError(t, err)
	raw, err = url.QueryUnescape(aws.ToString(pol.PolicyDocument))
	require.NoError(t, err)
	var doc iampolicy.Document
	if err := json.Unmarshal([]byte(raw), &doc); err == nil {
		assert.Equal(t, opts.Policy.Actions(), doc.Actions())
	} else {
		// moto 5 returns an inline policy created through CloudFormation
		// as a Python dict literal rather than JSON; compare it as text.
		for _, a := range opts.Policy.Actions() {
			assert.Contains(t, raw, "'"+a+"'")
		}
		assert.Contains(t, raw, "'Effect': 'Allow'")
	}
}
