package tables

import (
	"sort"

	"github.com/awsqlite/awsqlite/vtab"
)

// registry holds every table constructor; each service file registers its
// tables in init.
var registry []func() *vtab.Spec

func register(specs ...func() *vtab.Spec) { registry = append(registry, specs...) }

// All returns a fresh spec of every AWS table, sorted by name: the one
// registry of tables.
func All() []*vtab.Spec {
	out := make([]*vtab.Spec, 0, len(registry))
	for _, f := range registry {
		out = append(out, f())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
