// Package vtab is awsqlite's generic engine: it turns declarative table specs
// (columns, key columns, list/get/hydrate functions, required IAM actions)
// into read-only SQLite virtual tables on modernc.org/sqlite.
//
// It alone writes BestIndex and Filter (see plan.go for the idxNum/idxStr
// encoding): key-column constraints are pushed to the API (IN through repeated
// Filter calls), connection/account_id/region constraints prune the fan-out
// before any API call, LIMIT caps page sizes and stops paging, and hydrate
// functions run only when the query uses one of their columns. Cursors fetch
// the next page only when the current one is used up; with several targets
// they fan out concurrently, bounded by the TargetProvider, and stream rows as
// pages arrive.
//
// The package knows nothing of AWS: targets and their clients come from a
// TargetProvider.
package vtab
