package iampolicy

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func testOptions(t *testing.T) RoleOptions {
	doc, err := Policy(testSpecs())
	require.NoError(t, err)
	return RoleOptions{TrustedAccount: "111122223333", ExternalID: "o-example-Xk29fPq1", RoleName: "AwsqliteAudit", Policy: doc}
}

func TestRoleOptionsValidate(t *testing.T) {
	base := testOptions(t)
	cases := []struct {
		name string
		edit func(o *RoleOptions)
		ok   bool
	}{
		{"valid", func(o *RoleOptions) {}, true},
		{"external id with all allowed characters", func(o *RoleOptions) { o.ExternalID = "aZ09_+=,.@:/-" }, true},
		{"longest external id", func(o *RoleOptions) { o.ExternalID = strings.Repeat("x", 1224) }, true},
		{"longest role name", func(o *RoleOptions) { o.RoleName = strings.Repeat("r", 64) }, true},
		{"short account", func(o *RoleOptions) { o.TrustedAccount = "12345678901" }, false},
		{"account with letters", func(o *RoleOptions) { o.TrustedAccount = "12345678901a" }, false},
		{"empty external id", func(o *RoleOptions) { o.ExternalID = "" }, false},
		{"one-character external id", func(o *RoleOptions) { o.ExternalID = "x" }, false},
		{"external id too long", func(o *RoleOptions) { o.ExternalID = strings.Repeat("x", 1225) }, false},
		{"external id with a space", func(o *RoleOptions) { o.ExternalID = "ab cd" }, false},
		{"external id with a quote", func(o *RoleOptions) { o.ExternalID = `ab"cd` }, false},
		{"empty role name", func(o *RoleOptions) { o.RoleName = "" }, false},
		{"role name too long", func(o *RoleOptions) { o.RoleName = strings.Repeat("r", 65) }, false},
		{"role name with a slash", func(o *RoleOptions) { o.RoleName = "a/b" }, false},
		{"empty policy", func(o *RoleOptions) { o.Policy = Document{} }, false},
		{"write action", func(o *RoleOptions) {
			o.Policy = Document{Version: Version, Statement: []Statement{{Effect: "Allow", Action: []string{"iam:CreateUser"}, Resource: "*"}}}
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := base
			c.edit(&o)
			err := o.Validate()
			if c.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrInvalidInput) || errors.Is(err, ErrNotReadOnly), err)
			_, err = RoleTemplate(o)
			assert.Error(t, err)
			_, err = StackSetTemplate(o)
			assert.Error(t, err)
		})
	}
}

func TestPolicyTooLarge(t *testing.T) {
	o := testOptions(t)
	var actions []string
	for i := 0; i < 400; i++ {
		actions = append(actions, "iam:ListSomethingRatherLong"+strings.Repeat("x", 10)+string(rune('a'+i%26))+strings.Repeat("y", i%7))
	}
	o.Policy.Statement[0].Action = actions
	err := o.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "fewer tables")
}

func TestRoleTemplateShape(t *testing.T) {
	o := testOptions(t)
	tpl, err := RoleTemplate(o)
	require.NoError(t, err)
	raw, err := tpl.JSON()
	require.NoError(t, err)

	var got struct {
		Resources map[string]struct {
			Type       string
			Properties struct {
				RoleName                 string
				MaxSessionDuration       int
				AssumeRolePolicyDocument struct {
					Statement []struct {
						Effect    string
						Principal struct{ AWS string }
						Action    string
						Condition map[string]map[string]string
					}
				}
				Policies []struct {
					PolicyName     string
					PolicyDocument Document
				}
			}
		}
		Outputs map[string]struct{ Value map[string][]string }
	}
	require.NoError(t, json.Unmarshal(raw, &got))
	role := got.Resources["Role"]
	assert.Equal(t, "AWS::IAM::Role", role.Type)
	assert.Equal(t, "AwsqliteAudit", role.Properties.RoleName)
	assert.Equal(t, 3600, role.Properties.MaxSessionDuration)
	st := role.Properties.AssumeRolePolicyDocument.Statement
	require.Len(t, st, 1)
	assert.Equal(t, "Allow", st[0].Effect)
	assert.Equal(t, "arn:aws:iam::111122223333:root", st[0].Principal.AWS)
	assert.Equal(t, "sts:AssumeRole", st[0].Action)
	assert.Equal(t, map[string]map[string]string{"StringEquals": {"sts:ExternalId": "o-example-Xk29fPq1"}}, st[0].Condition)
	require.Len(t, role.Properties.Policies, 1)
	assert.Equal(t, o.Policy, role.Properties.Policies[0].PolicyDocument)
	assert.Equal(t, []string{"Role", "Arn"}, got.Outputs["RoleArn"].Value["Fn::GetAtt"])
}

func TestStackSetTemplateShape(t *testing.T) {
	o := testOptions(t)
	tpl, err := StackSetTemplate(o)
	require.NoError(t, err)
	raw, err := tpl.JSON()
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(raw, &got))
	res := got["Resources"].(map[string]any)
	assert.Equal(t, "AWS::IAM::Role", res["Role"].(map[string]any)["Type"])
	ss := res["MemberRoles"].(map[string]any)
	assert.Equal(t, "AWS::CloudFormation::StackSet", ss["Type"])
	props := ss["Properties"].(map[string]any)
	assert.Equal(t, "SERVICE_MANAGED", props["PermissionModel"])
	assert.Equal(t, true, props["AutoDeployment"].(map[string]any)["Enabled"])
	group := props["StackInstancesGroup"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"OrganizationalUnitIds": map[string]any{"Ref": "OrganizationalUnitIds"}}, group["DeploymentTargets"])

	// The member template is the plain role template, as a JSON string.
	member, err := RoleTemplate(o)
	require.NoError(t, err)
	memberRaw, err := member.JSON()
	require.NoError(t, err)
	var want, body any
	require.NoError(t, json.Unmarshal(memberRaw, &want))
	require.NoError(t, json.Unmarshal([]byte(props["TemplateBody"].(string)), &body))
	assert.Equal(t, want, body)
}

// TestYAMLMatchesJSON parses the YAML with a real YAML parser and compares
// it with the JSON of the same template.
func TestYAMLMatchesJSON(t *testing.T) {
	o := testOptions(t)
	role, err := RoleTemplate(o)
	require.NoError(t, err)
	stackset, err := StackSetTemplate(o)
	require.NoError(t, err)
	for name, tpl := range map[string]*Template{"role": role, "stackset": stackset} {
		t.Run(name, func(t *testing.T) {
			j, err := tpl.JSON()
			require.NoError(t, err)
			y, err := tpl.YAML()
			require.NoError(t, err)
			var fromJSON, fromYAML any
			require.NoError(t, json.Unmarshal(j, &fromJSON))
			require.NoError(t, yaml.Unmarshal(y, &fromYAML))
			assert.Equal(t, normalize(fromJSON), normalize(fromYAML))
		})
	}
}

func TestYAMLScalars(t *testing.T) {
	m := Map{
		{"plain", "AWS::IAM::Role"},
		{"arn", "arn:aws:iam::111122223333:root"},
		{"date", "2012-10-17"},
		{"star", "*"},
		{"bool word", "yes"},
		{"Off", "Off"},
		{"null", "null"},
		{"number", "0123"},
		{"colon-space", "a: b"},
		{"comment", "a #b"},
		{"trailing colon", "a:"},
		{"quote", `say "hi" \ bye`},
		{"newline", "a\nb\tc"},
		{"controls", "a\x00b\x7f\u0085\u2028\ufeffc"},
		{"unicode", "caf\u00e9 \U0001F600"},
		{"invalid utf8", "a\xffb"},
		{"leading space", " a"},
		{"empty", ""},
		{"int", 42},
		{"bool", true},
		{"empty list", []any{}},
		{"empty map", Map{}},
		{"nested", []any{Map{{"a", "1"}, {"b", []string{"x", "y"}}}, []any{"z"}, "w"}},
	}
	y, err := YAML(m)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, yaml.Unmarshal(y, &got), string(y))
	assert.Equal(t, map[string]any{
		"plain":          "AWS::IAM::Role",
		"arn":            "arn:aws:iam::111122223333:root",
		"date":           "2012-10-17",
		"star":           "*",
		"bool word":      "yes",
		"Off":            "Off",
		"null":           "null",
		"number":         "0123",
		"colon-space":    "a: b",
		"comment":        "a #b",
		"trailing colon": "a:",
		"quote":          `say "hi" \ bye`,
		"newline":        "a\nb\tc",
		"controls":       "a\x00b\x7f\u0085\u2028\ufeffc",
		"unicode":        "caf\u00e9 \U0001F600",
		"invalid utf8":   "a\ufffdb",
		"leading space":  " a",
		"empty":          "",
		"int":            42,
		"bool":           true,
		"empty list":     []any{},
		"empty map":      map[string]any{},
		"nested":         []any{map[string]any{"a": "1", "b": []any{"x", "y"}}, []any{"z"}, "w"},
	}, got, string(y))

	_, err = YAML(Map{{"x", 1.5}})
	assert.Error(t, err)
}

// TestGolden pins the exact output of the templates.
func TestGolden(t *testing.T) {
	o := testOptions(t)
	role, err := RoleTemplate(o)
	require.NoError(t, err)
	stackset, err := StackSetTemplate(o)
	require.NoError(t, err)
	out := map[string]func() ([]byte, error){
		"role.json":     role.JSON,
		"role.yaml":     role.YAML,
		"stackset.json": stackset.JSON,
		"stackset.yaml": stackset.YAML,
		"policy.json":   func() ([]byte, error) { return o.Policy.JSON(), nil },
	}
	for name, f := range out {
		got, err := f()
		require.NoError(t, err)
		path := filepath.Join("testdata", name)
		if *update {
			require.NoError(t, os.MkdirAll("testdata", 0o755))
			require.NoError(t, os.WriteFile(path, got, 0o644))
			continue
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err, "run go test -update to create the golden files")
		assert.Equal(t, string(want), string(got), name)
	}
}

// normalize turns YAML's map[string]any/int and JSON's float64 into one form.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case int:
		return float64(x)
	}
	return v
}
