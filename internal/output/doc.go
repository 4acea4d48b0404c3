// Package output writes query results in the formats awsqlite exports:
// table, csv, json, jsonl, markdown and line.
//
// Writers stream row by row from a Rows (a *sql.Rows or a Static result);
// only the aligned formats (table and markdown) hold every row in memory to
// measure column widths. Values keep their SQLite storage class: in JSON,
// INTEGER and REAL values are numbers, NULL is null and TEXT is always a
// string, even when it holds a JSON document.
package output
