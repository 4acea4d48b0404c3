// Package connection is the only place in awsqlite that builds an
// aws.Config.
//
// It reads the HCL configuration (settings, connection and organization
// blocks), turns every connection into credentials (the default chain or a
// named profile, then optionally an assumed role with an external ID), and
// hands the tables one *Client per connection and region with typed,
// cached service clients.
//
// The Manager implements vtab.TargetProvider: it expands regions (globs such
// as "eu-*" against a static list of commercial regions), discovers the
// member accounts of organization blocks (cached for cache_ttl, one
// in-flight discovery shared by concurrent callers), prunes targets by
// connection, account and region before any API call, and applies the
// on_error policy (warn: record and report once on stderr; fail: return an
// error naming the connection and account).
//
// Credentials are cached once per (base identity, role ARN, external ID), so
// a role is assumed once per account until its session expires. Every client
// carries the retry policy (standard retryer with throttling backoff), a
// per-account client-side rate limit for the services that throttle early
// (IAM, Organizations) and a middleware that counts API calls per
// connection, service and operation.
//
// Errors and log lines never contain access keys, secret keys or session
// tokens.
package connection
