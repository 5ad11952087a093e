package interop

// TestEchoSameWire serves the same requests through echo v4.16.5 routers
// traced by dd-trace-go v1.74.8's contrib/labstack/echo.v4 and by ours,
// each tracer sending to its own stand-in Agent: route patterns with path
// parameters and a wildcard, success, a JSON POST, *echo.HTTPError
// returned (4xx, 5xx, with an internal error, wrapped), a plain error, a
// status written without an error, an error after the response was
// written, a route that does not exist and a method not allowed, query
// strings with secrets to obfuscate, headers recorded as tags, a caller's
// propagated trace, a child span of the handler, custom tags, an ignored
// request, App Analytics, the default service, a status check, an error
// check, an error translator, NoDebugStack, and panics: with echo's
// recovery after the middleware and before it. The answers of both
// routers must be the same; the payloads are decoded with the Agent's
// decoders and compared span by span with compareSides, each span named
// after its request (nameByRequest). A difference fails the test unless
// echoKnownDiffs lists it with its reason; a listed difference that no
// longer happens fails it too.
//
// The scenario is written once per package (contrib_echo_dd_test.go,
// contrib_echo_ours_test.go); TestEchoScenariosIdentical fails when the
// two differ other than by name.
//
//	go test -run 'TestEcho' -v

import (
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

// Errors the strict router's handlers return and its options know.
var (
	errEchoIgnored  = errors.New("ignored failure")
	errEchoConflict = errors.New("conflicting update")
)

// echoAppCases go to the router with the middleware first and echo's
// recovery after it.
var echoAppCases = []httpCase{
	{method: "GET", target: "/users/42?q=1&token=secret123&password=hunter2"},
	{method: "GET", target: "/users/43", header: http.Header{
		"X-Request-Id": {" id-1 ", "id-2"}, "X-User": {"u1"}, "X-Other": {"not recorded"}}},
	{method: "GET", target: "/users/44", header: propagated},
	{method: "POST", target: "/users", body: `{"name":"x"}`},
	{method: "GET", target: "/files/a/b.txt"},
	{method: "GET", target: "/teapot"},
	{method: "GET", target: "/unavailable"},
	{method: "GET", target: "/error"},
	{method: "GET", target: "/wrapped"},
	{method: "GET", target: "/status"},
	{method: "GET", target: "/late-error"},
	{method: "GET", target: "/panic"},
	{method: "GET", target: "/health"},
	{method: "GET", target: "/missing?api_key=abc"},
	{method: "DELETE", target: "/teapot"},
}

// echoStrictCases go to the router with echo's recovery before the
// middleware.
var echoStrictCases = []httpCase{
	{method: "GET", target: "/strict/ok"},
	{method: "GET", target: "/strict/teapot"},
	{method: "GET", target: "/strict/ignored"},
	{method: "GET", target: "/strict/conflict"},
	{method: "GET", target: "/strict/none"},
	{method: "GET", target: "/strict/panic"},
}

// echoKnownDiffs are the understood differences of TestEchoSameWire, keyed
// as compareSides names them, with the reason.
var echoKnownDiffs = map[string]string{
	// dd registers the deferred finish after the handler returns, so a
	// panic that goes through its middleware (echo's Recover before it)
	// leaves the span unfinished and the request out of the trace (a dd
	// bug); we finish it, with the panic as its error and status 500.
	"http.request GET http://example.com/strict/panic | span": "dd never finishes the span of a panic through its middleware; we record the panic, status 500",
	"chunks": "follows from /strict/panic, whose span only we send",

	// An error returned after the response was written: echo sends
	// nothing more, the client got 200. dd records the error's status
	// (500); we record the status sent, and the error.
	"http.request GET http://example.com/late-error | meta http.status_code": "an error after the response was written: dd records 500, we the 200 the client got",

	// An error WithErrorCheck excludes: dd falls back to the response's
	// status before echo's error handler wrote it, 200 (a dd bug: the
	// client gets 500); we record the error's status and no error.
	"http.request GET http://example.com/strict/ignored | meta http.status_code": "an error the error check excludes: dd records 200, we the error's status (500), what the client gets",
}

// echoNoStackReason: with NoDebugStack, dd's FinishRequestSpan writes an
// empty error.stack on every span, with an error or not, to undo the stack
// its status error recorded; we write no error.stack.
const echoNoStackReason = "NoDebugStack: dd writes an empty error.stack on every span; we write none"

func init() {
	for _, path := range []string{"ok", "teapot", "ignored", "conflict", "none"} {
		echoKnownDiffs["http.request GET http://example.com/strict/"+path+" | meta error.stack"] = echoNoStackReason
	}
}

func TestEchoScenariosIdentical(t *testing.T) {
	dd := funcSource(t, "contrib_echo_dd_test.go", "ddEchoScenario")
	ours := funcSource(t, "contrib_echo_ours_test.go", "oursEchoScenario")
	if dd != ours {
		t.Errorf("ddEchoScenario and oursEchoScenario differ; keep them identical\n--- dd\n%s\n--- ours\n%s", dd, ours)
	}
}

func TestEchoSameWire(t *testing.T) {
	ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
	ddAnswers := ddEchoScenario(t, ddAgent.addr(), ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	ourAnswers := oursEchoScenario(t, ourAgent.addr())
	if diff := cmp.Diff(ddAnswers, ourAnswers); diff != "" {
		t.Errorf("the routers answered differently (-dd +ours):\n%s", diff)
	}
	dd := compareHTTPSides(t, ddAgent, ourAgent, echoKnownDiffs)
	// The scenario does what it means to, on dd's side: one server span
	// per request but the ignored one and the panic dd loses, a child for
	// three of them.
	if want := len(echoAppCases) - 1 + len(echoStrictCases) - 1 + 3; len(dd.spans) != want {
		t.Errorf("dd: %d spans, want %d", len(dd.spans), want)
	}
}
