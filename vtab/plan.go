package vtab

import (
	"fmt"
	"strconv"
	"strings"

	sqlitevtab "modernc.org/sqlite/vtab"
)

// Plan encoding
//
// BestIndex and Filter talk through idxNum and idxStr, the way SQLite's
// ext/misc/series.c does:
//
//	idxNum  bit 0 (planGet): every one of Spec.GetKeys is constrained with "=";
//	        Filter calls Get instead of List.
//	idxStr  "<colUsed hex>;<arg>,<arg>,..."
//	        colUsed is the query's column bitmask (bit 63 stands for column 63
//	        and above). Each <arg> names what one argv[] value of Filter is,
//	        in argv order:
//	          <column><op>  a pushed-down constraint, e.g. "name=" or
//	                        "start_time>=". The column may be a key column or
//	                        one of connection, account_id, region (pruning).
//	          #limit        the LIMIT value.
//	          #offset       the OFFSET value (added to the limit: the table
//	                        must produce limit+offset rows).
//
// A plan that lacks a required key column is refused in BestIndex with
// ErrMissingKey when the query has no constraint on it at all; when the
// constraint exists but is not usable in this plan (a join evaluated in the
// other order), the plan gets a prohibitive cost so SQLite picks another.
const planGet = 1

// Costs: a full listing pays one API call per page of every target; key
// columns and pruning narrow it; Get is one call.
const (
	costFullScan   = 1e6
	costGet        = 10
	costProhibited = 1e18
)

// The columns the engine appends to every table that is not Local.
var autoColumns = []Column{
	{Name: "connection", Type: Text, Description: "The awsqlite connection the row was read through."},
	{Name: "account_id", Type: Text, Description: "The AWS account ID the row belongs to."},
	{Name: "region", Type: Text, Description: "The AWS region of the row, 'global' for global services."},
}

// planArg is one argv value of Filter.
type planArg struct {
	Column string
	Op     Op
}

func (a planArg) String() string {
	if a.Op == "" {
		return a.Column
	}
	return a.Column + string(a.Op)
}

// plan is what BestIndex decided.
type plan struct {
	Get     bool
	ColUsed uint64
	Args    []planArg
}

func (p plan) encode() (int64, string) {
	var b strings.Builder
	b.WriteString(strconv.FormatUint(p.ColUsed, 16))
	b.WriteByte(';')
	for i, a := range p.Args {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(a.String())
	}
	var n int64
	if p.Get {
		n |= planGet
	}
	return n, b.String()
}

func decodePlan(idxNum int, idxStr string) (plan, error) {
	p := plan{Get: idxNum&planGet != 0}
	used, args, ok := strings.Cut(idxStr, ";")
	if !ok {
		return p, fmt.Errorf("vtab: malformed plan %q", idxStr)
	}
	var err error
	if p.ColUsed, err = strconv.ParseUint(used, 16, 64); err != nil {
		return p, fmt.Errorf("vtab: malformed plan %q: %w", idxStr, err)
	}
	if args == "" {
		return p, nil
	}
	for _, a := range strings.Split(args, ",") {
		if strings.HasPrefix(a, "#") {
			p.Args = append(p.Args, planArg{Column: a})
			continue
		}
		i := strings.IndexAny(a, "=<>")
		if i <= 0 {
			return p, fmt.Errorf("vtab: malformed plan argument %q", a)
		}
		p.Args = append(p.Args, planArg{Column: a[:i], Op: Op(a[i:])})
	}
	return p, nil
}

func opOf(op sqlitevtab.ConstraintOp) (Op, bool) {
	switch op {
	case sqlitevtab.OpEQ:
		return EQ, true
	case sqlitevtab.OpGT:
		return GT, true
	case sqlitevtab.OpGE:
		return GE, true
	case sqlitevtab.OpLT:
		return LT, true
	case sqlitevtab.OpLE:
		return LE, true
	}
	return "", false
}

func hasOp(ops []Op, op Op) bool {
	for _, o := range ops {
		if o == op {
			return true
		}
	}
	return false
}

// bestIndex fills info for spec. It is the only planner of the engine.
func bestIndex(spec *Spec, cols []Column, info *sqlitevtab.IndexInfo) error {
	p := plan{ColUsed: info.ColUsed}
	handledAll := true
	pushed := map[string]bool{} // column+op already pushed
	groups := map[string]string{}
	var limitIdx, offsetIdx = -1, -1
	var unusableRequired = map[string]bool{}
	pruned := 0
	keys := 0
	eqKeys := map[string]bool{}

	for i := range info.Constraints {
		c := &info.Constraints[i]
		switch c.Op {
		case sqlitevtab.OpLIMIT:
			limitIdx = i
			continue
		case sqlitevtab.OpOFFSET:
			offsetIdx = i
			continue
		}
		if c.Column < 0 || c.Column >= len(cols) {
			handledAll = false
			continue
		}
		name := cols[c.Column].Name
		op, okOp := opOf(c.Op)
		if !c.Usable {
			if kc := spec.KeyColumn(name); kc != nil && kc.Required {
				unusableRequired[name] = true
			}
			handledAll = false
			continue
		}
		if !okOp || pushed[name+string(op)] {
			handledAll = false
			continue
		}
		isAuto := spec.Scope != Local && (name == "connection" || name == "account_id" || name == "region")
		switch {
		case isAuto && op == EQ:
			c.Omit = true
			pruned++
		default:
			kc := spec.KeyColumn(name)
			if kc == nil || !hasOp(kc.Ops(), op) {
				handledAll = false
				continue
			}
			if kc.Group != "" {
				if first, ok := groups[kc.Group]; ok && first != name {
					handledAll = false
					continue
				}
				groups[kc.Group] = name
			}
			c.Omit = kc.Exact
			if !kc.Exact {
				handledAll = false
			}
			keys++
			if op == EQ {
				eqKeys[name] = true
			}
		}
		pushed[name+string(op)] = true
		c.ArgIndex = len(p.Args)
		p.Args = append(p.Args, planArg{Column: name, Op: op})
	}

	// Required key columns.
	cost := float64(costFullScan)
	for _, kc := range spec.KeyColumns {
		if !kc.Required {
			continue
		}
		found := false
		for _, a := range p.Args {
			if a.Column == kc.Name {
				found = true
			}
		}
		if found {
			continue
		}
		if unusableRequired[kc.Name] {
			cost = costProhibited
			continue
		}
		return fmt.Errorf("%s: %w %q: add WHERE %s = ... to the query", spec.Name, ErrMissingKey, kc.Name, kc.Name)
	}

	// LIMIT is only safe when SQLite will not drop rows we produced.
	if handledAll && limitIdx >= 0 {
		info.Constraints[limitIdx].ArgIndex = len(p.Args)
		p.Args = append(p.Args, planArg{Column: "#limit"})
		if offsetIdx >= 0 {
			info.Constraints[offsetIdx].ArgIndex = len(p.Args)
			p.Args = append(p.Args, planArg{Column: "#offset"})
		}
	}

	rows := spec.EstimatedRows
	if rows <= 0 {
		rows = 1000
	}
	if spec.Get != nil && len(spec.GetKeys) > 0 {
		all := true
		for _, k := range spec.GetKeys {
			if !eqKeys[k] {
				all = false
			}
		}
		p.Get = all
	}
	switch {
	case p.Get && cost < costProhibited:
		cost = costGet
		rows = 1
		info.IdxFlags |= sqlitevtab.IndexScanUnique
	case cost < costProhibited:
		for i := 0; i < keys; i++ {
			cost /= 10
			rows = max(rows/10, 1)
		}
		for i := 0; i < pruned; i++ {
			cost /= 4
		}
	}
	info.EstimatedCost = cost
	info.EstimatedRows = rows
	info.IdxNum, info.IdxStr = p.encode()
	return nil
}
