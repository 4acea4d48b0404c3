package awsfake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Server is an in-process, multi-account AWS emulator. The zero value is not
// usable; create one with New or NewSeeded.
type Server struct {
	mu    sync.Mutex // guards all state below (accounts, creds, orgs, rng, ...)
	rng   *rand.Rand
	base  time.Time // deterministic clock for creation dates
	tick  int
	reqID uint64

	accounts     map[string]*Account
	accountOrder []string
	creds        map[string]*Credential
	orgs         map[string]*Org // by organization id
	awsPolicies  []*Policy

	// Ext holds per-service server-wide state for services added in other
	// files (see ExtOf). Guarded by the state lock.
	Ext map[string]any

	// routing tables (written at construction only)
	jsonRoutes  map[string]map[string]*route // target prefix -> op
	jsonSigning map[string]string            // target prefix -> signing name
	queryRoutes map[string]map[string]*route // signing name -> action
	queryFlav   map[string]queryFlavor       // signing name -> flavor
	restRoutes  []*route
	throttle    map[string]apiErrTemplate // signing name -> throttling error

	logMu sync.Mutex
	calls []Call

	faultMu sync.Mutex
	latency time.Duration
	faults  []*faultRule

	httpSrv  *http.Server
	listener net.Listener
	url      string
}

// registerServices lists the per-service registration functions run by New.
// Engineers adding a service append their function here.
var registerServices = []func(*Server){
	(*Server).registerSTS,
	(*Server).registerIAM,
	(*Server).registerOrganizations,
}

// extraServices lets other files add registrations without editing the list
// above: call RegisterService from an init function in your file.
var extraServices []func(*Server)

// RegisterService adds a service registration function run by every New.
// Call it from an init function in the service's file.
func RegisterService(f func(*Server)) { extraServices = append(extraServices, f) }

// New returns a server with seed 1 (deterministic ids and dates).
func New() *Server { return NewSeeded(1) }

// NewSeeded returns a server whose generated ids are derived from seed.
func NewSeeded(seed uint64) *Server {
	s := &Server{
		rng:         rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		base:        time.Date(2024, 1, 15, 9, 0, 0, 0, time.UTC),
		accounts:    map[string]*Account{},
		creds:       map[string]*Credential{},
		orgs:        map[string]*Org{},
		Ext:         map[string]any{},
		jsonRoutes:  map[string]map[string]*route{},
		jsonSigning: map[string]string{},
		queryRoutes: map[string]map[string]*route{},
		queryFlav:   map[string]queryFlavor{},
		throttle:    map[string]apiErrTemplate{},
	}
	s.queryService("iam", "https://iam.amazonaws.com/doc/2010-05-08/", false)
	s.queryService("sts", "https://sts.amazonaws.com/doc/2011-06-15/", false)
	s.queryService("ec2", "http://ec2.amazonaws.com/doc/2016-11-15/", true)
	for prefix, name := range map[string]string{
		"AWSOrganizationsV20161128":         "organizations",
		"AWSCognitoIdentityProviderService": "cognito-idp",
		"DirectoryService_20150416":         "ds",
		"AWSIdentityStore":                  "identitystore",
		"SWBExternalService":                "sso",
		"CloudTrail_20131101":               "cloudtrail",
	} {
		s.jsonService(prefix, name)
	}
	s.setThrottle("iam", 400, "Throttling", "Rate exceeded")
	s.setThrottle("sts", 400, "Throttling", "Rate exceeded")
	s.setThrottle("ec2", 503, "RequestLimitExceeded", "Request limit exceeded.")
	s.setThrottle("organizations", 400, "TooManyRequestsException", "AWS Organizations can't complete your request because another request is already in progress. Try again later.")
	s.setThrottle("cognito-idp", 400, "TooManyRequestsException", "Too many requests")
	s.setThrottle("connect", 429, "ThrottlingException", "Rate exceeded")
	s.initAWSPolicies()
	for _, f := range registerServices {
		f(s)
	}
	for _, f := range extraServices {
		f(s)
	}
	return s
}

// ---------------------------------------------------------------- lifecycle

// Start listens on 127.0.0.1 on a free port and serves in the background.
func (s *Server) Start() *Server {
	if err := s.StartOn("127.0.0.1:0"); err != nil {
		panic(err)
	}
	return s
}

// StartOn listens on addr (e.g. "127.0.0.1:4566") and serves in the background.
func (s *Server) StartOn(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.listener = l
	s.url = "http://" + l.Addr().String()
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.httpSrv.Serve(l) }()
	return nil
}

// URL is the base endpoint to give the SDK clients (BaseEndpoint).
func (s *Server) URL() string { return s.url }

// Close stops the listener started by Start/StartOn.
func (s *Server) Close() {
	if s.httpSrv != nil {
		_ = s.httpSrv.Close()
	}
}

// Handler returns the server as an http.Handler (for httptest or custom muxes).
func (s *Server) Handler() http.Handler { return s }

// Update runs f with the state lock held; use it to mutate returned state
// objects (users, roles, org accounts...) while clients may be calling.
func (s *Server) Update(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// ExtOf returns the value stored under key in m, creating it with mk first.
// Use with Server.Ext or Account.Ext for per-service state.
func ExtOf[T any](m map[string]any, key string, mk func() *T) *T {
	if v, ok := m[key].(*T); ok {
		return v
	}
	v := mk()
	m[key] = v
	return v
}

// ---------------------------------------------------------------- routing

type protocol int

const (
	protoQuery protocol = iota
	protoJSON
	protoREST
)

type queryFlavor struct {
	xmlns string
	ec2   bool
}

// JSONHandler handles one JSON 1.x operation; in is the raw request body.
type JSONHandler func(c *Ctx, in json.RawMessage) (any, error)

// QueryHandler handles one Query operation; the form is in c.Form. It returns
// the children of the <OpResult> element (EC2 flavor: of <OpResponse>).
type QueryHandler func(c *Ctx) ([]*X, error)

// RESTHandler handles one REST-JSON operation; body is the raw request body.
type RESTHandler func(c *Ctx, body json.RawMessage) (any, error)

// Route is a registered operation. Set Anonymous to accept unsigned calls.
type Route struct {
	Anonymous bool
}

type route struct {
	Route
	proto   protocol
	service string
	op      string
	jsonH   JSONHandler
	queryH  QueryHandler
	restH   RESTHandler
	method  string
	pattern []string // REST path segments; "{Name}" captures, "{Name+}" greedy
	status  int      // REST success status (default 200)
}

// jsonService records the SigV4 signing name used by a JSON target prefix.
func (s *Server) jsonService(prefix, signingName string) { s.jsonSigning[prefix] = signingName }

// queryService sets the XML namespace and flavor of a Query service.
func (s *Server) queryService(signingName, xmlns string, ec2Style bool) {
	s.queryFlav[signingName] = queryFlavor{xmlns: xmlns, ec2: ec2Style}
}

// setThrottle sets the error returned for injected throttling on a service.
func (s *Server) setThrottle(signingName string, status int, code, msg string) {
	s.throttle[signingName] = apiErrTemplate{status, code, msg}
}

// handleJSON registers a JSON 1.x operation under its X-Amz-Target prefix.
func (s *Server) handleJSON(prefix, op string, h JSONHandler) *Route {
	m := s.jsonRoutes[prefix]
	if m == nil {
		m = map[string]*route{}
		s.jsonRoutes[prefix] = m
	}
	svc := s.jsonSigning[prefix]
	if svc == "" {
		svc = prefix
	}
	r := &route{proto: protoJSON, service: svc, op: op, jsonH: h}
	m[op] = r
	return &r.Route
}

// handleQuery registers a Query (or EC2 Query) action for a signing name.
func (s *Server) handleQuery(signingName, action string, h QueryHandler) *Route {
	m := s.queryRoutes[signingName]
	if m == nil {
		m = map[string]*route{}
		s.queryRoutes[signingName] = m
	}
	r := &route{proto: protoQuery, service: signingName, op: action, queryH: h}
	m[action] = r
	return &r.Route
}

// handleREST registers a REST-JSON operation: method, a path pattern such as
// "/users-summary/{InstanceId}" and the operation name used in the call log.
func (s *Server) handleREST(signingName, method, pattern, op string, h RESTHandler) *Route {
	r := &route{proto: protoREST, service: signingName, op: op, restH: h, method: method,
		pattern: splitPath(pattern)}
	s.restRoutes = append(s.restRoutes, r)
	return &r.Route
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func matchREST(pattern []string, path string) (map[string]string, bool) {
	segs := splitPath(path)
	params := map[string]string{}
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "+}") {
			if i >= len(segs) {
				return nil, false
			}
			params[p[1:len(p)-2]] = strings.Join(segs[i:], "/")
			return params, true
		}
		if i >= len(segs) {
			return nil, false
		}
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				return nil, false
			}
			params[p[1:len(p)-1]] = v
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	if len(segs) != len(pattern) {
		return nil, false
	}
	return params, true
}

// ---------------------------------------------------------------- context

// Ctx is what a handler sees of one call.
type Ctx struct {
	S          *Server
	Call       *Call       // the call-log entry being built
	Caller     *Credential // nil for anonymous routes called unsigned
	Account    *Account    // the caller's account (nil if anonymous)
	Service    string      // SigV4 signing name
	Operation  string
	Region     string
	HTTP       *http.Request
	Form       url.Values        // Query protocol parameters
	PathParams map[string]string // REST path parameters
	Query      url.Values        // REST query string
	flavor     queryFlavor
}

// Param records a key request parameter in the call log (ignored if empty).
func (c *Ctx) Param(k, v string) {
	if v == "" || len(v) > 512 || secretKey(k) {
		return
	}
	if c.Call.Params == nil {
		c.Call.Params = map[string]string{}
	}
	c.Call.Params[k] = v
}

// Decode unmarshals a JSON request body (empty body = {}) into v.
func (c *Ctx) Decode(in json.RawMessage, v any) error {
	if len(bytes.TrimSpace(in)) == 0 {
		return nil
	}
	if err := json.Unmarshal(in, v); err != nil {
		return Errorf(400, "SerializationException", "failed to decode request: %v", err)
	}
	return nil
}

// CallerARN is the caller's ARN (or "anonymous").
func (c *Ctx) CallerARN() string {
	if c.Caller == nil {
		return "anonymous"
	}
	return c.Caller.ARN
}

// AccessDenied returns the protocol-appropriate access denied error for the
// current operation: "User: ARN is not authorized to perform: svc:Op".
func (c *Ctx) AccessDenied(resource string) *APIError {
	return accessDenied(c.protoOf(), c.Service, c.Operation, c.CallerARN(), resource)
}

func (c *Ctx) protoOf() protocol {
	switch {
	case c.Form != nil:
		return protoQuery
	case c.PathParams != nil:
		return protoREST
	}
	return protoJSON
}

func actionPrefix(service string) string {
	switch service {
	case "cognito-idp":
		return "cognito-idp"
	case "ds":
		return "ds"
	}
	return service
}

func accessDenied(p protocol, service, op, arn, resource string) *APIError {
	msg := fmt.Sprintf("User: %s is not authorized to perform: %s:%s", arn, actionPrefix(service), op)
	if resource != "" {
		msg += " on resource: " + resource
	}
	switch {
	case p == protoQuery && service == "ec2":
		return &APIError{Status: 403, Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation. " + msg}
	case p == protoQuery:
		return &APIError{Status: 403, Code: "AccessDenied", Message: msg}
	case p == protoREST:
		return &APIError{Status: 403, Code: "AccessDeniedException", Message: msg}
	}
	return &APIError{Status: 400, Code: "AccessDeniedException", Message: msg}
}

// ---------------------------------------------------------------- errors

// APIError is an AWS service error. Fields are extra members of JSON error
// bodies (e.g. Organizations' "Reason").
type APIError struct {
	Status  int
	Code    string
	Message string
	Fields  map[string]any
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

type apiErrTemplate struct {
	status    int
	code, msg string
}

// Errorf builds an APIError.
func Errorf(status int, code, format string, args ...any) *APIError {
	return &APIError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// ---------------------------------------------------------------- call log

// Call is one logged API call. Secrets and session tokens are never logged.
type Call struct {
	Service     string // SigV4 signing name: iam, sts, organizations, ...
	Operation   string
	AccountID   string // the caller's account
	Region      string
	AccessKeyID string
	Params      map[string]string // key request parameters
	Error       string            // error code returned, "" on success
	Time        time.Time
}

// Calls returns a copy of the call log.
func (s *Server) Calls() []Call {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return append([]Call(nil), s.calls...)
}

// ResetCalls clears the call log.
func (s *Server) ResetCalls() {
	s.logMu.Lock()
	s.calls = nil
	s.logMu.Unlock()
}

// CountCalls counts logged calls of service/operation ("" matches any) that
// pass every filter.
func (s *Server) CountCalls(service, operation string, filters ...func(Call) bool) int {
	n := 0
outer:
	for _, c := range s.Calls() {
		if (service != "" && c.Service != service) || (operation != "" && c.Operation != operation) {
			continue
		}
		for _, f := range filters {
			if !f(c) {
				continue outer
			}
		}
		n++
	}
	return n
}

// InAccount is a CountCalls filter for the caller's account.
func InAccount(id string) func(Call) bool { return func(c Call) bool { return c.AccountID == id } }

// WithParam is a CountCalls filter on a logged parameter value.
func WithParam(k, v string) func(Call) bool { return func(c Call) bool { return c.Params[k] == v } }

func (s *Server) logCall(c Call) {
	s.logMu.Lock()
	s.calls = append(s.calls, c)
	s.logMu.Unlock()
}

func secretKey(k string) bool {
	l := strings.ToLower(k)
	if l == "nexttoken" || l == "paginationtoken" || l == "marker" {
		return false
	}
	return strings.Contains(l, "secret") || strings.Contains(l, "token") ||
		strings.Contains(l, "password")
}

// ---------------------------------------------------------------- faults

// Fault is an injected failure or delay. Empty Service/Operation/AccountID
// match anything. Err is "Throttling", "AccessDenied", "500" or "" (latency
// only); Code/Message/Status override the generated error. Times limits how
// many matching calls are affected (0 = all).
type Fault struct {
	Service, Operation, AccountID string
	// Region limits the fault to calls signed for one region (a region
	// that is not enabled for the account, say).
	Region        string
	Latency       time.Duration
	Err           string
	Code, Message string
	Status        int
	Times         int
}

type faultRule struct {
	Fault
	used int
}

// SetLatency adds d of latency to every call.
func (s *Server) SetLatency(d time.Duration) {
	s.faultMu.Lock()
	s.latency = d
	s.faultMu.Unlock()
}

// Inject adds a fault rule; the returned func removes it.
func (s *Server) Inject(f Fault) (remove func()) {
	r := &faultRule{Fault: f}
	s.faultMu.Lock()
	s.faults = append(s.faults, r)
	s.faultMu.Unlock()
	return func() {
		s.faultMu.Lock()
		defer s.faultMu.Unlock()
		for i, x := range s.faults {
			if x == r {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
				return
			}
		}
	}
}

// ClearFaults removes every fault rule and the global latency.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	s.faults = nil
	s.latency = 0
	s.faultMu.Unlock()
}

func (s *Server) matchFaults(service, op, account, region string) (time.Duration, *Fault) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	lat := s.latency
	var errF *Fault
	for _, r := range s.faults {
		if (r.Service != "" && r.Service != service) || (r.Operation != "" && r.Operation != op) ||
			(r.AccountID != "" && r.AccountID != account) || (r.Region != "" && r.Region != region) {
			continue
		}
		if r.Times > 0 && r.used >= r.Times {
			continue
		}
		r.used++
		lat += r.Latency
		if r.Err != "" && errF == nil {
			f := r.Fault
			errF = &f
		}
	}
	return lat, errF
}

func (s *Server) faultError(p protocol, service, op, arn string, f *Fault) *APIError {
	var e *APIError
	switch f.Err {
	case "Throttling", "throttle", "Throttle":
		t, ok := s.throttle[service]
		if !ok {
			t = apiErrTemplate{400, "ThrottlingException", "Rate exceeded"}
			if p == protoREST {
				t.status = 429
			}
		}
		e = &APIError{Status: t.status, Code: t.code, Message: t.msg}
	case "AccessDenied":
		e = accessDenied(p, service, op, arn, "")
	case "500", "InternalFailure", "5xx":
		code := "InternalFailure"
		if service == "ec2" {
			code = "InternalError"
		}
		e = &APIError{Status: 500, Code: code, Message: "We encountered an internal error. Please try again."}
	case "503", "ServiceUnavailable":
		e = &APIError{Status: 503, Code: "ServiceUnavailable", Message: "Service is unavailable."}
	default:
		e = &APIError{Status: 400, Code: f.Err, Message: f.Err}
	}
	if f.Code != "" {
		e.Code = f.Code
	}
	if f.Message != "" {
		e.Message = f.Message
	}
	if f.Status != 0 {
		e.Status = f.Status
	}
	return e
}

// ---------------------------------------------------------------- dispatch

func parseAuth(r *http.Request) (akid, region, service string) {
	cred := ""
	if h := r.Header.Get("Authorization"); h != "" {
		if i := strings.Index(h, "Credential="); i >= 0 {
			cred = h[i+len("Credential="):]
			if j := strings.IndexAny(cred, ", "); j >= 0 {
				cred = cred[:j]
			}
		}
	} else {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	parts := strings.Split(cred, "/")
	if len(parts) >= 5 {
		return parts[0], parts[2], parts[3]
	}
	if len(parts) > 0 {
		return parts[0], "", ""
	}
	return "", "", ""
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	akid, region, service := parseAuth(r)
	s.mu.Lock()
	s.reqID++
	reqID := fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", s.reqID, 0xa17e, 0xfa, 0xce, s.reqID*7919)
	s.mu.Unlock()
	w.Header().Set("X-Amzn-Requestid", reqID)

	c := &Ctx{S: s, HTTP: r, Region: region, Service: service}
	var rt *route
	var p protocol
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		p = protoJSON
		i := strings.LastIndex(target, ".")
		prefix, op := target, ""
		if i >= 0 {
			prefix, op = target[:i], target[i+1:]
		}
		c.Operation = op
		if c.Service == "" {
			c.Service = s.jsonSigning[prefix]
		}
		rt = s.jsonRoutes[prefix][op]
		if rt == nil {
			s.writeErr(w, c, p, reqID, Errorf(400, "UnknownOperationException", "Unknown operation %s", target))
			return
		}
	} else if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") || r.URL.Query().Get("Action") != "" {
		p = protoQuery
		form, err := url.ParseQuery(string(body))
		if err != nil {
			form = url.Values{}
		}
		for k, v := range r.URL.Query() {
			if _, ok := form[k]; !ok && !strings.HasPrefix(k, "X-Amz-") {
				form[k] = v
			}
		}
		c.Form = form
		c.Operation = form.Get("Action")
		c.flavor = s.queryFlav[c.Service]
		rt = s.queryRoutes[c.Service][c.Operation]
		if rt == nil {
			s.writeErr(w, c, p, reqID, Errorf(400, "InvalidAction", "Could not find operation %s for version %s", c.Operation, form.Get("Version")))
			return
		}
	} else {
		p = protoREST
		c.Query = r.URL.Query()
		for _, x := range s.restRoutes {
			if x.method != r.Method || (service != "" && x.service != service) {
				continue
			}
			if params, ok := matchREST(x.pattern, r.URL.EscapedPath()); ok {
				rt, c.PathParams = x, params
				break
			}
		}
		if rt == nil {
			s.writeErr(w, c, p, reqID, Errorf(404, "UnknownOperationException", "no route for %s %s", r.Method, r.URL.Path))
			return
		}
		c.Operation = rt.op
		if c.Service == "" {
			c.Service = rt.service
		}
	}

	call := Call{Service: c.Service, Operation: c.Operation, Region: region, AccessKeyID: akid, Time: time.Now()}
	c.Call = &call
	// generic parameter capture
	switch p {
	case protoQuery:
		for k, v := range c.Form {
			if k != "Action" && k != "Version" && len(v) > 0 {
				c.Param(k, v[0])
			}
		}
	case protoJSON:
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			for k, v := range m {
				switch x := v.(type) {
				case string:
					c.Param(k, x)
				case float64, bool:
					c.Param(k, fmt.Sprint(x))
				}
			}
		}
	case protoREST:
		for k, v := range c.PathParams {
			c.Param(k, v)
		}
		for k, v := range c.Query {
			if len(v) > 0 {
				c.Param(k, v[0])
			}
		}
	}

	finish := func(err *APIError) {
		if err != nil {
			call.Error = err.Code
		}
		s.logCall(call)
		if err != nil {
			s.writeErr(w, c, p, reqID, err)
		}
	}

	// authenticate
	if akid != "" || !rt.Anonymous {
		s.mu.Lock()
		cred, aerr := s.authenticate(p, akid)
		if aerr == nil {
			c.Caller = cred
			c.Account = s.accounts[cred.AccountID]
			call.AccountID = cred.AccountID
		}
		s.mu.Unlock()
		if aerr != nil {
			finish(aerr)
			return
		}
	}

	// faults
	lat, f := s.matchFaults(c.Service, c.Operation, call.AccountID, c.Region)
	if lat > 0 {
		if !sleepCtx(r.Context(), lat) {
			finish(Errorf(500, "RequestCanceled", "request canceled"))
			return
		}
	}
	if f != nil {
		finish(s.faultError(p, c.Service, c.Operation, c.CallerARN(), f))
		return
	}

	// handler
	s.mu.Lock()
	var out any
	var xout []*X
	var herr error
	switch p {
	case protoJSON:
		out, herr = rt.jsonH(c, body)
	case protoQuery:
		xout, herr = rt.queryH(c)
	case protoREST:
		out, herr = rt.restH(c, body)
	}
	s.mu.Unlock()
	if herr != nil {
		var ae *APIError
		if !errors.As(herr, &ae) {
			ae = Errorf(500, "InternalFailure", "%v", herr)
		}
		finish(ae)
		return
	}
	finish(nil)
	switch p {
	case protoJSON, protoREST:
		b := []byte("{}")
		if out != nil {
			var err error
			if b, err = json.Marshal(out); err != nil {
				b = []byte("{}")
			}
		}
		if p == protoJSON {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		} else {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(200)
		_, _ = w.Write(b)
	case protoQuery:
		var sb strings.Builder
		sb.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
		op := c.Operation
		if c.flavor.ec2 {
			sb.WriteString("<" + op + "Response xmlns=\"" + c.flavor.xmlns + "\">")
			T("requestId", reqID).write(&sb)
			for _, x := range xout {
				x.write(&sb)
			}
			sb.WriteString("</" + op + "Response>")
		} else {
			sb.WriteString("<" + op + "Response xmlns=\"" + c.flavor.xmlns + "\">")
			El(op+"Result", xout...).write(&sb)
			El("ResponseMetadata", T("RequestId", reqID)).write(&sb)
			sb.WriteString("</" + op + "Response>")
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, sb.String())
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// authenticate resolves an access key id (state lock held).
func (s *Server) authenticate(p protocol, akid string) (*Credential, *APIError) {
	if akid == "" {
		if p == protoQuery {
			return nil, Errorf(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
		}
		return nil, Errorf(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
	}
	cred := s.creds[akid]
	if cred == nil {
		if p == protoQuery {
			return nil, Errorf(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
		}
		return nil, Errorf(400, "UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	if !cred.Expires.IsZero() && time.Now().After(cred.Expires) {
		if p == protoQuery {
			return nil, Errorf(400, "ExpiredToken", "The security token included in the request is expired")
		}
		return nil, Errorf(400, "ExpiredTokenException", "The security token included in the request is expired")
	}
	return cred, nil
}

func (s *Server) writeErr(w http.ResponseWriter, c *Ctx, p protocol, reqID string, e *APIError) {
	status := e.Status
	if status == 0 {
		status = 400
	}
	switch p {
	case protoQuery:
		var sb strings.Builder
		sb.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
		if c.flavor.ec2 || c.Service == "ec2" {
			El("Response", El("Errors", El("Error", T("Code", e.Code), T("Message", e.Message))), T("RequestID", reqID)).write(&sb)
		} else {
			typ := "Sender"
			if status >= 500 {
				typ = "Receiver"
			}
			ns := c.flavor.xmlns
			if ns == "" {
				ns = "https://iam.amazonaws.com/doc/2010-05-08/"
			}
			sb.WriteString(`<ErrorResponse xmlns="` + ns + `">`)
			El("Error", T("Type", typ), T("Code", e.Code), T("Message", e.Message)).write(&sb)
			T("RequestId", reqID).write(&sb)
			sb.WriteString("</ErrorResponse>")
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, sb.String())
	default:
		m := map[string]any{}
		for k, v := range e.Fields {
			m[k] = v
		}
		m["__type"] = e.Code
		m["message"] = e.Message
		b, _ := json.Marshal(m)
		if p == protoJSON {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		} else {
			w.Header().Set("Content-Type", "application/json")
		}
		w.Header().Set("X-Amzn-Errortype", e.Code)
		w.WriteHeader(status)
		_, _ = w.Write(b)
	}
}

// ---------------------------------------------------------------- XML builder

// X is a node of a Query-protocol XML response.
type X struct {
	Name string
	Text string
	Kids []*X
	leaf bool
}

// El builds an element with children (nil children are skipped).
func El(name string, kids ...*X) *X { return &X{Name: name, Kids: kids} }

// T builds a text element (always emitted, even if empty).
func T(name, text string) *X { return &X{Name: name, Text: text, leaf: true} }

// TOpt builds a text element, or nil (omitted) if text is empty.
func TOpt(name, text string) *X {
	if text == "" {
		return nil
	}
	return T(name, text)
}

// Bool builds a true/false element.
func Bool(name string, b bool) *X { return T(name, fmt.Sprint(b)) }

// Int builds an integer element.
func Int(name string, n int) *X { return T(name, fmt.Sprint(n)) }

// TimeEl builds an ISO 8601 timestamp element (omitted if t is zero).
func TimeEl(name string, t time.Time) *X {
	if t.IsZero() {
		return nil
	}
	return T(name, ISO(t))
}

// TimePtr is TimeEl for optional timestamps.
func TimePtr(name string, t *time.Time) *X {
	if t == nil {
		return nil
	}
	return TimeEl(name, *t)
}

// Members builds <name><member>...</member>...</name>; each item's children
// become one member (the item's own name is ignored).
func Members(name string, items []*X) *X { return List(name, "member", items) }

// List is Members with a custom item element name (EC2 uses "item").
func List(name, itemName string, items []*X) *X {
	x := &X{Name: name}
	for _, it := range items {
		if it == nil {
			continue
		}
		x.Kids = append(x.Kids, &X{Name: itemName, Kids: it.Kids, Text: it.Text, leaf: it.leaf})
	}
	return x
}

// StrMembers builds a list of string members.
func StrMembers(name string, vals []string) *X {
	items := make([]*X, len(vals))
	for i, v := range vals {
		items[i] = T("member", v)
	}
	return Members(name, items)
}

func (x *X) write(sb *strings.Builder) {
	if x == nil {
		return
	}
	sb.WriteString("<" + x.Name + ">")
	if x.leaf {
		xmlEscape(sb, x.Text)
	}
	for _, k := range x.Kids {
		k.write(sb)
	}
	sb.WriteString("</" + x.Name + ">")
}

func xmlEscape(sb *strings.Builder, s string) {
	for _, r := range s {
		switch r {
		case '<':
			sb.WriteString("&lt;")
		case '>':
			sb.WriteString("&gt;")
		case '&':
			sb.WriteString("&amp;")
		case '"':
			sb.WriteString("&quot;")
		case '\'':
			sb.WriteString("&apos;")
		case '\r':
			sb.WriteString("&#xD;")
		default:
			sb.WriteRune(r)
		}
	}
}

// ---------------------------------------------------------------- helpers

// ISO formats t as AWS Query timestamps: 2024-05-01T12:00:00Z.
func ISO(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// Epoch converts t to JSON-protocol epoch seconds.
func Epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// URLEncodeDoc percent-encodes a policy document the way IAM returns it.
func URLEncodeDoc(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

const (
	upperB32  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	lowerAlnu = "abcdefghijklmnopqrstuvwxyz0123456789"
	b64chars  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// randStr returns n deterministic random characters from alphabet (lock held).
func (s *Server) randStr(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[s.rng.IntN(len(alphabet))]
	}
	return string(b)
}

// nextDate returns the next deterministic creation date (lock held).
func (s *Server) nextDate() time.Time {
	s.tick++
	return s.base.Add(time.Duration(s.tick) * 17 * time.Minute)
}

// NewID returns a deterministic IAM-style unique id with prefix (e.g. "AIDA").
func (s *Server) NewID(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return prefix + s.randStr(upperB32, 17)
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// ---------------------------------------------------------------- paging

// EncodeToken returns an opaque pagination token for offset off.
func EncodeToken(off int) string {
	return b64url(fmt.Sprintf("awsfake:%d", off))
}

// DecodeToken parses a token made by EncodeToken ("" = 0).
func DecodeToken(tok string) (int, bool) {
	if tok == "" {
		return 0, true
	}
	raw, ok := unb64url(tok)
	if !ok {
		return 0, false
	}
	var off int
	if _, err := fmt.Sscanf(raw, "awsfake:%d", &off); err != nil || off < 0 {
		return 0, false
	}
	return off, true
}

// Page computes [start,end) for n items given a token and page size, and
// the next token ("" when done).
func Page(n int, token string, size int) (start, end int, next string, ok bool) {
	start, ok = DecodeToken(token)
	if !ok || start > n {
		return 0, 0, "", false
	}
	end = start + size
	if end >= n {
		end = n
	} else {
		next = EncodeToken(end)
	}
	return start, end, next, true
}
