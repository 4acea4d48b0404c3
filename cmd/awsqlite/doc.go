// Command awsqlite queries the identities in an AWS estate with SQL: an
// interactive shell (the default command), "query" for scripts and
// exports, "tables" to browse the schema, and the setup commands
// (connections, test, policy, template).
//
// Each file adds its commands to the subcommands registry in init; main.go
// and root.go build the tree, map errors to exit codes (0 ok, 1 query or
// runtime error, 2 usage or configuration error) and print them on stderr
// as "awsqlite: <message>". Results are the only thing on stdout.
package main
