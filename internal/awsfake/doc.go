// Package awsfake is an in-process AWS emulator that speaks the real wire
// protocols, so the real aws-sdk-go-v2 clients can be pointed at it with
// BaseEndpoint = srv.URL(). It is stdlib only.
//
// Requests are identified by the SigV4 Authorization header: the access key
// id selects the caller (base credentials registered with AddCredentials, or
// temporary credentials minted by sts:AssumeRole), and the credential scope
// gives the service signing name and region. Signatures are not verified.
//
// # Adding a service
//
// Put the service in its own file and register its handlers from an init-style
// function that New calls (add one line to the registerServices list in
// server.go), e.g. in cognito.go:
//
//	func (s *Server) registerCognito() {
//		s.handleJSON("AWSCognitoIdentityProviderService", "ListUsers",
//			func(c *Ctx, in json.RawMessage) (any, error) {
//				var req struct{ UserPoolId, PaginationToken string; Limit *int }
//				if err := c.Decode(in, &req); err != nil { return nil, err }
//				c.Param("UserPoolId", req.UserPoolId)
//				...
//				return map[string]any{"Users": users, "PaginationToken": next}, nil
//			})
//	}
//
// Three protocols are supported:
//
//   - JSON 1.0/1.1 (X-Amz-Target: Prefix.Operation): s.handleJSON(prefix, op, fn).
//     fn returns any value that encoding/json can marshal (use Epoch(t) for
//     timestamps) or an *APIError. Register the signing name of the prefix
//     with s.jsonService(prefix, signingName) if it is not already known.
//   - Query / EC2 Query (form body Action=...): s.handleQuery(signingName, action, fn).
//     fn returns []*X (the children of <ActionResult>, built with El, T,
//     Members, TimeEl...). The namespace/flavor per signing name is set with
//     s.queryService(name, xmlns, ec2Style); iam, sts and ec2 are preset.
//   - REST-JSON: s.handleREST(signingName, method, "/users-summary/{InstanceId}", op, fn).
//     Path parameters are in c.PathParams, the query string in c.Query.
//
// Handlers run while the server's state lock is held, so they may read and
// write state freely but must not call the exported, locking mutators
// (AddUser, AddAccount, ...); use the unexported variants. Handlers should
// record the key request parameters in the call log with c.Param (the JSON
// and Query dispatchers already record every scalar top-level input field
// whose name does not look secret).
//
// Errors: return Errorf(status, code, format, ...) or one of the helpers
// (ErrAccessDenied, ErrNotFound...). The dispatcher renders it in the
// protocol's real shape. Fault injection (SetLatency, Inject) and the call
// log (Calls, CountCalls, ResetCalls) apply to every registered handler.
package awsfake
