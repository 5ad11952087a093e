package otlp

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ctxtrace/trace/internal/retry"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/proto"
)

// userAgent names the exporter to the destination, as the OpenTelemetry
// SDKs' exporters do.
const userAgent = "ctxtrace-otlp-go/" + sdkVersion

// MaxRetryAfter bounds how long the exporter honours a destination's
// Retry-After or RetryInfo; the request's timeout bounds it further.
const MaxRetryAfter = time.Minute

// maxResponse bounds how much of an answer is read: a real one is small,
// and a broken one must not cost memory.
const maxResponse = 64 << 10

// httpTransport posts requests as application/x-protobuf, compressed by
// Export when gzip is on.
type httpTransport struct {
	client  *http.Client
	own     bool // made here: its idle connections are ours to close
	url     string
	headers http.Header
}

func newHTTP(cfg settings, client *http.Client) *httpTransport {
	t := &httpTransport{client: client, url: cfg.url}
	if t.client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		// A connection kept for each sender: beyond two (net/http's
		// default), each request of a busy exporter would dial anew.
		tr.MaxIdleConnsPerHost = cfg.concurrency
		t.client, t.own = &http.Client{Transport: tr}, true
	}
	t.headers = http.Header{}
	for k, v := range cfg.headers {
		t.headers.Set(k, v)
	}
	t.headers.Set("Content-Type", "application/x-protobuf")
	t.headers.Set("User-Agent", userAgent)
	if cfg.gzip {
		t.headers.Set("Content-Encoding", "gzip")
	}
	return t
}

func (t *httpTransport) export(ctx context.Context, r *request) result {
	body := r.reader()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, body)
	if err != nil {
		body.Close()
		return result{outcome: rejected, err: err}
	}
	req.ContentLength = int64(r.size)
	req.GetBody = func() (io.ReadCloser, error) { return r.reader(), nil }
	for k, v := range t.headers {
		req.Header[k] = v
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return result{outcome: retryable, err: err}
	}
	defer resp.Body.Close()
	answer, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	code := resp.StatusCode
	switch {
	case code/100 == 2:
		if !protobufAnswer(resp.Header.Get("Content-Type")) {
			return result{outcome: accepted} // a proxy's "OK": nothing to read
		}
		return partialSuccess(answer, readErr)
	case code == http.StatusTooManyRequests, code == http.StatusBadGateway,
		code == http.StatusServiceUnavailable, code == http.StatusGatewayTimeout:
		return result{
			outcome:    retryable,
			retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
			err:        httpError(code, answer),
		}
	}
	return result{outcome: rejected, err: httpError(code, answer)}
}

// protobufAnswer reports whether an answer of Content-Type ct is to be
// read as protobuf: when it says so, or says nothing.
func protobufAnswer(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	switch strings.ToLower(strings.TrimSpace(mt)) {
	case "", "application/x-protobuf", "application/protobuf":
		return true
	}
	return false
}

// partialSuccess reads a successful answer: an ExportTraceServiceResponse,
// whose partial_success says how many spans were rejected. An answer that
// cannot be read is a success all the same, with a message that says so.
func partialSuccess(answer []byte, readErr error) result {
	res := result{outcome: accepted}
	if readErr != nil || len(answer) > maxResponse {
		res.message = "unreadable answer to a successful request"
		return res
	}
	resp, err := parseResponse(answer)
	if err != nil {
		res.message = "unreadable answer to a successful request: " + err.Error()
		return res
	}
	res.rejectedSpans, res.message = resp.rejectedSpans, resp.message
	return res
}

// httpError describes a failed answer: its status, and the message of the
// google.rpc.Status its body holds, or the start of its body.
func httpError(code int, body []byte) error {
	var st status.Status
	msg := ""
	if err := proto.Unmarshal(body, &st); err == nil && st.GetMessage() != "" {
		msg = st.GetMessage()
	} else if len(body) > 0 {
		msg = strings.ToValidUTF8(string(body[:min(len(body), 256)]), "?")
	}
	if msg == "" {
		return fmt.Errorf("HTTP %d %s", code, http.StatusText(code))
	}
	return fmt.Errorf("HTTP %d %s: %s", code, http.StatusText(code), msg)
}

func (t *httpTransport) close() {
	if t.own {
		t.client.CloseIdleConnections()
	}
}

// parseRetryAfter reads a Retry-After header, at most MaxRetryAfter.
func parseRetryAfter(h string, now time.Time) time.Duration {
	return retry.ParseAfter(h, now, MaxRetryAfter)
}
