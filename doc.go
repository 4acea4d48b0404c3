// Package awsqlite is the public Go API of awsqlite: SQL over the identities
// of an AWS estate.
//
// Open returns a *sql.DB whose connections already have every table; New
// returns a Session that also gives access to the connection manager (for
// the awsqlite_connection and awsqlite_errors tables, discovery and checks).
// The driver is registered as "awsqlite", so
//
//	db, err := sql.Open("awsqlite", "path/to/config.hcl")
//
// works too (an empty name looks the configuration up the usual way:
// $AWSQLITE_CONFIG, ./awsqlite.hcl, ~/.config/awsqlite/config.hcl, else the
// default credential chain).
package awsqlite
