package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		src   string
		stmts []string
		rest  string
	}{
		{"select 1", nil, "select 1"},
		{"select 1;", []string{"select 1"}, ""},
		{"select 1; select 2;\n", []string{"select 1", "select 2"}, ""},
		{";; ;", nil, ""},
		{"-- only a comment;\n", nil, ""},
		{"/* c; */ select 1;", []string{"/* c; */ select 1"}, ""},
		{"select ';' as a;", []string{"select ';' as a"}, ""},
		{"select 'it''s;' ;", []string{"select 'it''s;'"}, ""},
		{`select "a;b" from [x;y] where ` + "`c;d`" + ` = 1; select 2`, []string{`select "a;b" from [x;y] where ` + "`c;d`" + ` = 1`}, "select 2"},
		{"select 'open;\n", nil, "select 'open;"},
		{"select 1 -- trailing; comment\n;", []string{"select 1 -- trailing; comment"}, ""},
		{"select 1; -- trailing comment", []string{"select 1"}, ""},
		{"create temp trigger t after insert on x begin select 1; select 2; end; select 3;",
			[]string{"create temp trigger t after insert on x begin select 1; select 2; end", "select 3"}, ""},
		{"create trigger t after insert on x begin select 1;", nil, "create trigger t after insert on x begin select 1;"},
		{"create table end(x); select 1;", []string{"create table end(x)", "select 1"}, ""},
	}
	for _, tt := range tests {
		stmts, rest := splitStatements(tt.src)
		assert.Equal(t, tt.stmts, stmts, tt.src)
		assert.Equal(t, tt.rest, rest, tt.src)
	}
}
