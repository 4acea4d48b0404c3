package tables

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"

	"github.com/aws/smithy-go"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/vtab"
)

// client returns the connection's client source of a target.
func client(q *vtab.Query) (*connection.Client, error) { return connection.ClientOf(q.Target) }

// col declares a column read from the listed item of type T.
func col[T any](name string, typ vtab.Type, desc string, f func(T) any) vtab.Column {
	return vtab.Column{Name: name, Type: typ, Description: desc, Value: func(r *vtab.Row) any {
		it, ok := r.Item.(T)
		if !ok {
			return nil
		}
		return f(it)
	}}
}

// hcol declares a column read from what hydrate function h returned (H).
// The column is NULL when the hydrate call found nothing.
func hcol[H any](name string, typ vtab.Type, desc, h string, f func(H) any) vtab.Column {
	return vtab.Column{Name: name, Type: typ, Description: desc, Hydrate: h, Value: func(r *vtab.Row) any {
		v, ok := r.Hydrated(h).(H)
		if !ok {
			return nil
		}
		return f(v)
	}}
}

// hydrate declares a per-row call that receives the listed item as T.
func hydrate[T any](name string, actions []string, f func(ctx context.Context, c *connection.Client, q *vtab.Query, item T) (any, error)) vtab.Hydrate {
	return vtab.Hydrate{Name: name, Actions: actions, Func: func(ctx context.Context, q *vtab.Query, item any) (any, error) {
		it, ok := item.(T)
		if !ok {
			return nil, nil
		}
		c, err := client(q)
		if err != nil {
			return nil, err
		}
		return f(ctx, c, q, it)
	}}
}

// pages adapts an SDK paginator to vtab.Pager: next fetches one page of
// items; more is the paginator's HasMorePages. A "not found" answer ends
// the listing with no rows: a pushed-down id that does not exist (or a
// parent deleted since it was listed) matches nothing.
func pages[T any](more func() bool, next func(ctx context.Context) ([]T, error)) vtab.Pager {
	return vtab.PagerFunc(func(ctx context.Context) (vtab.Page, error) {
		items, err := next(ctx)
		if notFound(err) {
			return vtab.Page{}, nil
		}
		if err != nil {
			return vtab.Page{}, err
		}
		out := make([]any, len(items))
		for i, it := range items {
			out[i] = it
		}
		return vtab.Page{Items: out, More: more()}, nil
	})
}

// single is a Pager of one page.
func single(items []any) vtab.Pager {
	return vtab.PagerFunc(func(context.Context) (vtab.Page, error) {
		return vtab.Page{Items: items}, nil
	})
}

// collect reads every page of an SDK paginator (for hydrate calls that must
// see all members, such as a group's users).
func collect[T any](ctx context.Context, more func() bool, next func(ctx context.Context) ([]T, error)) ([]T, error) {
	var all []T
	for more() {
		items, err := next(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
	}
	return all, nil
}

// notFound reports whether err is an AWS "no such thing" error.
func notFound(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "NoSuchEntity", "ResourceNotFoundException", "NotFoundException", "UserNotFoundException",
		"EntityDoesNotExistException", "AccountNotFoundException", "OrganizationalUnitNotFoundException",
		"InvalidInstanceID.NotFound":
		return true
	}
	return false
}

// policyJSON decodes a URL-encoded IAM policy document into JSON text;
// IAM returns documents URL-encoded.
func policyJSON(doc *string) any {
	if doc == nil {
		return nil
	}
	s := *doc
	if u, err := url.QueryUnescape(s); err == nil {
		s = u
	}
	if !json.Valid([]byte(s)) {
		return s
	}
	return json.RawMessage(s)
}

// tagMap turns a list of key/value tags into a JSON object.
func tagMap[T any](tags []T, kv func(T) (*string, *string)) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		k, v := kv(t)
		if k == nil {
			continue
		}
		val := ""
		if v != nil {
			val = *v
		}
		m[*k] = val
	}
	return m
}

// str returns the text of an optional string, nil when absent.
func str(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
