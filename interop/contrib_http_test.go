package interop

// TestNetHTTPSameWire serves the same requests through net/http handlers
// traced by dd-trace-go v1.74.8's contrib/net/http and by ours, and sends
// the same requests through their traced clients, each tracer sending to
// its own stand-in Agent. Servers: WrapHandler with the defaults, with a
// resource and a service, with every option (header tags, App Analytics,
// span options, a status check, a resource namer, an ignored request);
// WrapHandler inside the standard library's ServeMux (the pattern is the
// route); the traced ServeMux with method, wildcard, catch-all and host
// patterns and a request that matches none; TraceAndServe, with and
// without a resource. Requests:
// success, client error, server error, panic, a handler that writes
// nothing, a child span, query strings with secrets to obfuscate, headers
// recorded as tags (by the tracer's WithHeaderTags and the integration's),
// a caller's propagated trace. Clients: WrapClient with the defaults and
// WrapRoundTripper with every option, to a server that answers 200, 404,
// 500 and closes the connection (EOF), to a refused port, with user
// information and a fragment in the URL, under a parent span. The answers
// of both must be the same; the payloads are decoded with the Agent's
// decoders and compared span by span with compareSides, each span named
// after its request (nameByRequest). A difference fails the test unless
// netHTTPKnownDiffs lists it with its reason; a listed difference that no
// longer happens fails it too.
//
// The scenarios are written once per package (contrib_http_dd_test.go,
// contrib_http_ours_test.go); TestNetHTTPScenariosIdentical fails when the
// two differ other than by name.
//
//	go test -run 'TestNetHTTP' -v

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path"
	"testing"

	"github.com/google/go-cmp/cmp"
	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

// withHeaders are the headers of requests that check header tags.
var withHeaders = http.Header{"X-Request-Id": {" id-1 ", "id-2"}, "X-User": {"u1"}, "X-Custom": {"c"},
	"X-Other": {"not recorded"}}

// The server scenario's requests, by handler. Each URL is used once: the
// spans are named after it.
var (
	httpPlainCases = []httpCase{
		{method: "GET", target: "/plain/ok?q=1&token=secret123&password=hunter2"},
		{method: "GET", target: "/plain/client-error"},
		{method: "GET", target: "/plain/server-error"},
		{method: "GET", target: "/plain/panic"},
		{method: "GET", target: "/plain/empty"},
		{method: "GET", target: "/plain/child"},
		{method: "GET", target: "/plain/headers", header: withHeaders},
		{method: "GET", target: "/plain/propagated", header: propagated},
		{method: "POST", target: "https://secure.example/plain/ok?api_key=abc&page=2"},
	}
	httpNamedCases = []httpCase{
		{method: "GET", target: "/named/ok"},
		{method: "GET", target: "/named/server-error"},
	}
	httpOptsCases = []httpCase{
		{method: "GET", target: "/opts/ok", header: withHeaders},
		{method: "GET", target: "/opts/client-error"},
		{method: "GET", target: "/opts/panic"},
		{method: "GET", target: "/opts/ignored"},
	}
	httpStdCases = []httpCase{
		{method: "GET", target: "/std/items/42"},
		{method: "GET", target: "/std/items/43?token=x"},
	}
	httpMuxCases = []httpCase{
		{method: "GET", target: "/mux/users/7?secret=s3&v=1"},
		{method: "POST", target: "/mux/users", body: `{"name":"x"}`},
		{method: "GET", target: "/mux/panic"},
		{method: "GET", target: "/mux/server-error"},
		{method: "GET", target: "/mux/files/a/b.txt"},
		{method: "GET", target: "http://host.example/mux/host"},
		{method: "GET", target: "/mux/missing"},
		{method: "DELETE", target: "/mux/users/7"},
		{method: "GET", target: "/mux/users/8", header: propagated},
	}
	httpTASCases = []httpCase{
		{method: "GET", target: "/tas/ok"},
		{method: "GET", target: "/tas/server-error"},
		{method: "POST", target: "/tas/no-resource"},
	}
)

// panicDiffs: a handler that panics. dd's span records status 200 and no
// error (its deferred finish runs while the panic unwinds, before any
// status is written); ours records what net/http answers, 500, and the
// panic as the error (message, type, stack).
func panicDiffs(known map[string]string, names ...string) {
	for _, n := range names {
		for _, k := range []string{"error", "meta http.status_code", "meta error.message", "meta error.type", "meta error.stack"} {
			known[n+" | "+k] = "a panicking handler: dd records status 200 and no error; we record 500 and the panic"
		}
	}
}

// netHTTPKnownDiffs are the understood differences of TestNetHTTPSameWire,
// keyed as compareSides names them, with the reason.
var netHTTPKnownDiffs = map[string]string{}

// noDebugStackReason: with NoDebugStack, dd sets error.stack to "" on
// every span, errors or not (it blanks the stack its error tag made); we
// record no stack, and so no error.stack. A panic's stack, which shows
// where the panic was raised, we keep (dd records no panic).
const noDebugStackReason = "NoDebugStack: dd writes an empty error.stack on every span; we write none"

func init() {
	panicDiffs(netHTTPKnownDiffs, "http.request GET http://example.com/plain/panic",
		"http.request GET http://example.com/opts/panic", "http.request GET http://example.com/mux/panic")
	delete(netHTTPKnownDiffs, "http.request GET http://example.com/opts/panic | meta error.stack")
	for _, n := range []string{"opts/ok", "opts/client-error"} {
		netHTTPKnownDiffs["http.request GET http://example.com/"+n+" | meta error.stack"] = noDebugStackReason
	}
}

func TestNetHTTPScenariosIdentical(t *testing.T) {
	for _, f := range []string{"HTTPServerScenario", "HTTPClientScenario"} {
		dd := funcSource(t, "contrib_http_dd_test.go", "dd"+f)
		ours := funcSource(t, "contrib_http_ours_test.go", "ours"+f)
		if dd != ours {
			t.Errorf("dd%s and ours%s differ; keep them identical\n--- dd\n%s\n--- ours\n%s", f, f, dd, ours)
		}
	}
}

func TestNetHTTPSameWire(t *testing.T) {
	target, refused := clientTarget(t)
	ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
	ddAnswers := ddHTTPServerScenario(t, ddAgent.addr(), ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	ddAnswers = append(ddAnswers, ddHTTPClientScenario(t, ddAgent.addr(), target, refused, ddtracer.WithDogstatsdAddress("127.0.0.1:9"))...)
	ourAnswers := oursHTTPServerScenario(t, ourAgent.addr())
	ourAnswers = append(ourAnswers, oursHTTPClientScenario(t, ourAgent.addr(), target, refused)...)
	if diff := cmp.Diff(ddAnswers, ourAnswers); diff != "" {
		t.Errorf("the handlers and clients answered differently (-dd +ours):\n%s", diff)
	}
	dd := compareHTTPSides(t, ddAgent, ourAgent, netHTTPKnownDiffs)
	// The scenario does what it means to, on dd's side: a server span per
	// request but the ignored one, two children, a client span per request
	// but the ignored one, and the clients' parent.
	server := len(httpPlainCases) + len(httpNamedCases) + len(httpOptsCases) - 1 + len(httpStdCases) + len(httpMuxCases) + len(httpTASCases)
	if want := server + 1 + 8 + 4 + 1; len(dd.spans) != want {
		t.Errorf("dd: %d spans, want %d", len(dd.spans), want)
	}
	t.Logf("answers: %q", ourAnswers)
	t.Logf("spans: %q", sortedKeys(dd.spans))
}

// clientTarget starts the server the client scenario sends to, untraced,
// shared by both sides so that the URLs are the same: it answers by the
// path's last element, and says whether the request carried a trace. It
// also returns the URL of a port that refuses connections.
func clientTarget(t *testing.T) (target, refused string) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		traced := r.Header.Get("X-Datadog-Trace-Id") != ""
		switch path.Base(r.URL.Path) {
		case "client-error":
			w.WriteHeader(http.StatusNotFound)
		case "server-error":
			w.WriteHeader(http.StatusInternalServerError)
		case "eof":
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		fmt.Fprintf(w, "traced=%v", traced)
	}))
	t.Cleanup(srv.Close)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused = "http://" + l.Addr().String()
	l.Close()
	return srv.URL, refused
}
