package connection

import (
	"bytes"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// bodyBuffering hands the HTTP transport its own copy of each request body.
//
// Without it, the SDK's request body can be closed while the transport's
// writer goroutine still holds it; the transport then tears the connection
// down under the response being read, the SDK fails to decode the body
// ("use of closed network connection") and retries: an extra, duplicate API
// call after any pause between calls (SQLite consuming a page). AWS request
// bodies of the list/get/describe calls awsqlite makes are small form or
// JSON documents, so buffering them costs nothing measurable.
type bodyBuffering struct{ inner aws.HTTPClient }

// BufferRequestBodies wraps c (nil: http.DefaultClient) so the transport
// gets its own copy of each request body. Every client the Manager builds
// has it; tests that build SDK clients by hand should use it too.
func BufferRequestBodies(c aws.HTTPClient) aws.HTTPClient {
	if c == nil {
		c = http.DefaultClient
	}
	if _, ok := c.(bodyBuffering); ok {
		return c
	}
	return bodyBuffering{inner: c}
}

func (c bodyBuffering) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		req.ContentLength = int64(len(b))
	}
	return c.inner.Do(req)
}
