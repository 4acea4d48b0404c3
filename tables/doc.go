// Package tables declares awsqlite's AWS tables, one file per service: each
// table is a vtab.Spec value (columns, key columns, list/get/hydrate
// functions and the IAM actions they need). It holds no credential or client
// code: clients come from the target's connection.Client.
//
// All is the registry of every table.
package tables
