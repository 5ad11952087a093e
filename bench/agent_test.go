package bench

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
)

// standInAgent is a minimal Datadog Agent on 127.0.0.1: it reads and discards
// every request body, answers the trace endpoints the way a fresh agent does,
// and counts what it received so tests can check that a tracer really sent.
type standInAgent struct {
	srv *httptest.Server

	payloads atomic.Int64 // requests to /v0.4/traces or /v0.5/traces
	traces   atomic.Int64 // sum of their X-Datadog-Trace-Count headers
	bytes    atomic.Int64 // body bytes received on the trace endpoints
	other    atomic.Int64 // requests to any other path
}

func newStandInAgent() *standInAgent {
	a := &standInAgent{}
	a.srv = httptest.NewUnstartedServer(http.HandlerFunc(a.serveHTTP))
	// httptest listens on 127.0.0.1 by default; make that explicit.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic("bench: stand-in agent: " + err.Error())
	}
	a.srv.Listener = l
	a.srv.Start()
	return a
}

// addr is host:port, the form tracer.WithAgentAddr takes.
func (a *standInAgent) addr() string { return a.srv.Listener.Addr().String() }

// url is the agent's base URL, for exporters that take one.
func (a *standInAgent) url() string { return a.srv.URL }

func (a *standInAgent) close() { a.srv.Close() }

func (a *standInAgent) serveHTTP(w http.ResponseWriter, r *http.Request) {
	n, _ := io.Copy(io.Discard, r.Body)
	r.Body.Close()
	switch r.URL.Path {
	case "/v0.4/traces", "/v0.5/traces":
		a.payloads.Add(1)
		a.bytes.Add(n)
		if c, err := strconv.ParseInt(r.Header.Get("X-Datadog-Trace-Count"), 10, 64); err == nil {
			a.traces.Add(c)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"rate_by_service":{}}`)
	case "/info":
		a.other.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"version":"bench-stand-in","endpoints":["/v0.4/traces","/v0.5/traces"]}`)
	case "/telemetry/proxy/api/v2/apmtelemetry":
		a.other.Add(1)
		w.WriteHeader(http.StatusAccepted)
	default:
		// Remote configuration, stats and anything else: not offered.
		a.other.Add(1)
		http.NotFound(w, r)
	}
}
