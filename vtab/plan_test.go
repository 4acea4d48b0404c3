package vtab

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sqlitevtab "modernc.org/sqlite/vtab"
)

func planSpec() *Spec {
	v := func(r *Row) any { return nil }
	return &Spec{
		Name:        "t",
		Description: "T.",
		Columns: []Column{
			{Name: "name", Description: "N.", Value: v},    // 0
			{Name: "path", Description: "P.", Value: v},    // 1
			{Name: "created", Description: "C.", Value: v}, // 2
			{Name: "event", Description: "E.", Value: v},   // 3
			{Name: "user", Description: "U.", Value: v},    // 4
			{Name: "other", Description: "O.", Value: v},   // 5
			// 6 connection, 7 account_id, 8 region
		},
		KeyColumns: []KeyColumn{
			{Name: "name", Exact: true},
			{Name: "path"},
			{Name: "created", Operators: []Op{GE, LE}},
			{Name: "event", Group: "lookup", Exact: true},
			{Name: "user", Group: "lookup", Exact: true},
		},
		GetKeys:     []string{"name"},
		Get:         func(context.Context, *Query) (any, error) { return nil, nil },
		GetActions:  []string{"x:GetT"},
		List:        func(context.Context, *Query) (Pager, error) { return nil, nil },
		ListActions: []string{"x:ListT"},
	}
}

type con = sqlitevtab.Constraint

func c(col int, op sqlitevtab.ConstraintOp) con {
	return con{Column: col, Op: op, Usable: true, ArgIndex: -1}
}

func TestBestIndex(t *testing.T) {
	unusable := c(0, sqlitevtab.OpEQ)
	unusable.Usable = false
	tests := []struct {
		name     string
		spec     func(*Spec)
		in       []con
		idxNum   int64
		idxStr   string
		argIndex []int
		omit     []bool
		cost     float64
		rows     int64
		err      string
	}{
		{name: "full scan", in: nil, idxStr: "0;", cost: costFullScan, rows: 1000},
		{name: "get by exact key", in: []con{c(0, sqlitevtab.OpEQ)}, idxNum: planGet, idxStr: "0;name=",
			argIndex: []int{0}, omit: []bool{true}, cost: costGet, rows: 1},
		{name: "prefix key is rechecked by sqlite", in: []con{c(1, sqlitevtab.OpEQ)}, idxStr: "0;path=",
			argIndex: []int{0}, omit: []bool{false}, cost: costFullScan / 10, rows: 100},
		{name: "pruning columns", in: []con{c(7, sqlitevtab.OpEQ), c(6, sqlitevtab.OpEQ), c(8, sqlitevtab.OpEQ)},
			idxStr: "0;account_id=,connection=,region=", argIndex: []int{0, 1, 2}, omit: []bool{true, true, true},
			cost: costFullScan / 64, rows: 1000},
		{name: "range operators", in: []con{c(2, sqlitevtab.OpGE), c(2, sqlitevtab.OpLE), c(2, sqlitevtab.OpGT)},
			idxStr: "0;created>=,created<=", argIndex: []int{0, 1, -1}, omit: []bool{false, false, false},
			cost: costFullScan / 100, rows: 10},
		{name: "one attribute of a group", in: []con{c(3, sqlitevtab.OpEQ), c(4, sqlitevtab.OpEQ)},
			idxStr: "0;event=", argIndex: []int{0, -1}, omit: []bool{true, false},
			cost: costFullScan / 10, rows: 100},
		{name: "limit when everything is handled", in: []con{c(0, sqlitevtab.OpEQ), c(-1, sqlitevtab.OpLIMIT), c(-1, sqlitevtab.OpOFFSET)},
			idxNum: planGet, idxStr: "0;name=,#limit,#offset", argIndex: []int{0, 1, 2}, omit: []bool{true, false, false},
			cost: costGet, rows: 1},
		{name: "no limit when sqlite filters rows", in: []con{c(5, sqlitevtab.OpEQ), c(-1, sqlitevtab.OpLIMIT)},
			idxStr: "0;", argIndex: []int{-1, -1}, omit: []bool{false, false}, cost: costFullScan, rows: 1000},
		{name: "non-key operator left to sqlite", in: []con{c(0, sqlitevtab.OpLIKE)},
			idxStr: "0;", argIndex: []int{-1}, omit: []bool{false}, cost: costFullScan, rows: 1000},
		{name: "duplicate equality pushed once", in: []con{c(0, sqlitevtab.OpEQ), c(0, sqlitevtab.OpEQ)},
			idxNum: planGet, idxStr: "0;name=", argIndex: []int{0, -1}, omit: []bool{true, false}, cost: costGet, rows: 1},
		{name: "required key missing", spec: func(s *Spec) { s.KeyColumns[1].Required = true },
			in: []con{c(0, sqlitevtab.OpEQ)}, err: `t: missing required key column "path": add WHERE path = ... to the query`},
		{name: "required key not usable in this plan", spec: func(s *Spec) { s.KeyColumns[0].Required = true },
			in: []con{unusable}, idxStr: "0;", argIndex: []int{-1}, omit: []bool{false}, cost: costProhibited, rows: 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := planSpec()
			if tt.spec != nil {
				tt.spec(s)
			}
			info := &sqlitevtab.IndexInfo{Constraints: append([]con(nil), tt.in...)}
			err := bestIndex(s, Columns(s), info)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				assert.ErrorIs(t, err, ErrMissingKey)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.idxNum, info.IdxNum, "idxNum")
			assert.Equal(t, tt.idxStr, info.IdxStr, "idxStr")
			assert.Equal(t, tt.cost, info.EstimatedCost, "cost")
			assert.Equal(t, tt.rows, info.EstimatedRows, "rows")
			for i := range tt.in {
				assert.Equal(t, tt.argIndex[i], info.Constraints[i].ArgIndex, "argIndex of constraint %d", i)
				assert.Equal(t, tt.omit[i], info.Constraints[i].Omit, "omit of constraint %d", i)
			}
			p, err := decodePlan(int(info.IdxNum), info.IdxStr)
			require.NoError(t, err)
			n, str := p.encode()
			assert.Equal(t, info.IdxNum, n)
			assert.Equal(t, info.IdxStr, str, "plan round-trips")
		})
	}
}

func TestValidateRejectsBadSpecs(t *testing.T) {
	s := planSpec()
	require.NoError(t, Validate(s))
	s.Name = "BadName"
	s.Columns[0].Description = "no period"
	s.KeyColumns = append(s.KeyColumns, KeyColumn{Name: "missing"})
	s.ListActions = []string{"iam:DeleteUser"}
	err := Validate(s)
	require.Error(t, err)
	for _, want := range []string{"not snake_case", "column name: description", "key column missing is not a column", "iam:DeleteUser is not read-only"} {
		assert.Contains(t, err.Error(), want)
	}
}
