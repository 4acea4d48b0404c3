package awsqlite_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite"
	"github.com/awsqlite/awsqlite/tables"
	"github.com/awsqlite/awsqlite/vtab"
)

// Every registered table, the meta tables included, passes spec validation
// (snake_case names, sentences for descriptions, key columns that exist,
// read-only IAM actions), and AWS tables declare a service and a scope that
// reads AWS.
func TestEveryTableSpecIsValid(t *testing.T) {
	s, err := awsqlite.New(context.Background(), nil)
	require.NoError(t, err)
	defer s.Close()
	specs := s.Engine().Specs()
	require.GreaterOrEqual(t, len(specs), len(tables.All())+2)
	for _, spec := range specs {
		t.Run(spec.Name, func(t *testing.T) {
			assert.NoError(t, vtab.Validate(spec))
			if spec.Scope == vtab.Local {
				assert.Regexp(t, `^awsqlite_`, spec.Name)
				return
			}
			assert.Regexp(t, `^aws_`, spec.Name)
			assert.NotEmpty(t, spec.Service, "service")
			for _, a := range spec.Actions() {
				assert.True(t, vtab.ReadOnlyAction(a), a)
			}
		})
	}
}
