package e2e

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/require"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/internal/motoserver"
)

// MotoAccountID is the account moto serves.
const MotoAccountID = "123456789012"

// MotoHCL is one connection on moto, in us-east-1.
const MotoHCL = `connection "moto" {
  regions = ["us-east-1"]
}
`

// Moto starts a fresh moto_server (skipping the test when it is missing,
// except under CI=true) and opens a session on it with hcl (MotoHCL when
// empty). The session reaches moto through a proxy that logs the calls for
// Calls; Endpoint is moto itself, for seeding with AWSConfig. Fake is nil.
func Moto(t testing.TB, hcl string, opts ...connection.Option) *Env {
	t.Helper()
	env := &Env{Endpoint: motoserver.Start(t), Stderr: &Buffer{}, moto: &motoLog{}}
	target, err := url.Parse(env.Endpoint)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		env.moto.record(r)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	if hcl == "" {
		hcl = MotoHCL
	}
	env.open(t, hcl, append([]connection.Option{
		connection.WithEndpoint(srv.URL),
		connection.WithStaticCredentials("testing", "testing"),
	}, opts...))
	return env
}

// AWSConfig is an SDK configuration for moto (us-east-1, moto's test
// credentials), for seeding it.
func (e *Env) AWSConfig() aws.Config {
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(e.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
}

// motoLog counts the calls through the proxy in front of moto (which keeps
// no log) by service, from the SigV4 scope, and operation, from the Query
// protocol's Action or the JSON protocols' X-Amz-Target (REST calls have
// none).
type motoLog struct {
	mu sync.Mutex
	n  map[[2]string]int
}

func (l *motoLog) record(r *http.Request) {
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return
	}
	var service, operation string
	if _, cred, ok := strings.Cut(r.Header.Get("Authorization"), "Credential="); ok {
		if scope := strings.Split(cred, "/"); len(scope) >= 5 {
			service = scope[3]
		}
	}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		operation = target[strings.LastIndex(target, ".")+1:]
	} else if form, err := url.ParseQuery(string(body)); err == nil {
		operation = form.Get("Action")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == nil {
		l.n = map[[2]string]int{}
	}
	l.n[[2]string{service, operation}]++
}

func (l *motoLog) count(service, operation string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n[[2]string{service, operation}]
}

func (l *motoLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n = nil
}
