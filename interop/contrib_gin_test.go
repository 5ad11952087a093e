package interop

// TestGinSameWire serves the same requests through gin v1.12.0 routers
// traced by dd-trace-go v1.74.8's contrib/gin-gonic/gin and by ours, each
// tracer sending to its own stand-in Agent: route patterns with path
// parameters and a catch-all, success, a JSON POST, 4xx and 5xx through
// c.AbortWithError (gin.errors), a bare status, query strings with secrets
// to obfuscate, a route that does not exist, headers recorded as tags, a
// caller's propagated trace, a child span of the handler, gintrace.HTML,
// an ignored request, a resource namer, App Analytics, the default
// service, and panics: with gin's recovery after the middleware, before
// it, and with none. The answers of both routers must be the same; the
// payloads are decoded with the Agent's decoders and compared span by
// span with compareSides, each span named after its request
// (nameByRequest). A difference fails the test unless ginKnownDiffs lists
// it with its reason; a listed difference that no longer happens fails it
// too.
//
// The scenario is written once per package (contrib_gin_dd_test.go,
// contrib_gin_ours_test.go); TestGinScenariosIdentical fails when the two
// differ other than by name.
//
//	go test -run 'TestGin' -v

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

// ginAppCases go to the router with the middleware first and gin's
// recovery after it.
var ginAppCases = []httpCase{
	{method: "GET", target: "/users/42?q=1&token=secret123&password=hunter2"},
	{method: "GET", target: "/users/43", header: http.Header{
		"X-Request-Id": {" id-1 ", "id-2"}, "X-User": {"u1"}, "X-Other": {"not recorded"}}},
	{method: "GET", target: "/users/44", header: propagated},
	{method: "POST", target: "/users", body: `{"name":"x"}`},
	{method: "GET", target: "/files/a/b.txt"},
	{method: "GET", target: "/client-error"},
	{method: "GET", target: "/server-error"},
	{method: "GET", target: "/unavailable"},
	{method: "GET", target: "/panic"},
	{method: "GET", target: "/html"},
	{method: "GET", target: "/html-missing"},
	{method: "GET", target: "/health"},
	{method: "GET", target: "/missing?api_key=abc"},
}

// ginOuterCases go to the router with gin's recovery before the
// middleware.
var ginOuterCases = []httpCase{
	{method: "GET", target: "/outer/ok"},
	{method: "GET", target: "/outer/panic"},
}

// ginBareCases go to the router without recovery.
var ginBareCases = []httpCase{
	{method: "GET", target: "/bare/x"},
	{method: "GET", target: "/bare/panic/now"},
}

// ginKnownDiffs are the understood differences of TestGinSameWire, keyed
// as compareSides names them, with the reason.
var ginKnownDiffs = map[string]string{}

// A panic that goes through dd's middleware (gin's recovery before it, or
// none) finishes its span with gin's writer's default status, 200, and no
// error (a dd bug: the client gets a 500 from gin's recovery or from
// net/http): panicDiffs, as for net/http.

// ginRenderReason: gin v1.12.0 adds a failed rendering to c.Errors
// instead of panicking, and dd's HTML records only panics; we record
// the error on the gin.render.html span.
const ginRenderReason = "a failed rendering: dd's gin.render.html span has no error (it records panics only); ours has the error"

func init() {
	panicDiffs(ginKnownDiffs, "http.request GET http://example.com/outer/panic", "http.request GET http://example.com/bare/panic/now")
	for _, k := range []string{"error", "meta error.message", "meta error.stack", "meta error.type"} {
		ginKnownDiffs["http.request GET http://example.com/html-missing > gin.render.html | "+k] = ginRenderReason
	}
}

func TestGinScenariosIdentical(t *testing.T) {
	dd := funcSource(t, "contrib_gin_dd_test.go", "ddGinScenario")
	ours := funcSource(t, "contrib_gin_ours_test.go", "oursGinScenario")
	if dd != ours {
		t.Errorf("ddGinScenario and oursGinScenario differ; keep them identical\n--- dd\n%s\n--- ours\n%s", dd, ours)
	}
}

func TestGinSameWire(t *testing.T) {
	ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
	ddAnswers := ddGinScenario(t, ddAgent.addr(), ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	ourAnswers := oursGinScenario(t, ourAgent.addr())
	if diff := cmp.Diff(ddAnswers, ourAnswers); diff != "" {
		t.Errorf("the routers answered differently (-dd +ours):\n%s", diff)
	}
	dd := compareHTTPSides(t, ddAgent, ourAgent, ginKnownDiffs)
	// The scenario does what it means to, on dd's side: one server span
	// per request but the ignored one, a child for five of them.
	if want := len(ginAppCases) - 1 + len(ginOuterCases) + len(ginBareCases) + 5; len(dd.spans) != want {
		t.Errorf("dd: %d spans, want %d", len(dd.spans), want)
	}
}
