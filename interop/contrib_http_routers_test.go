package interop

// TestRoutersSameWire serves the same requests through go-chi/chi v5 and
// gorilla/mux routers traced by dd-trace-go v1.74.8's contrib/go-chi/chi.v5
// and contrib/gorilla/mux and by ours, each tracer sending to its own
// stand-in Agent. chi: the middleware with the defaults (route patterns
// with parameters, a catch-all, a mounted router, a route that does not
// exist, a method not allowed), with every option and chi's recoverer
// after it, and with a resource namer. gorilla/mux: NewRouter with the
// defaults (a regular-expression variable, a host template, a path
// prefix, no route, a method not allowed), and WrapRouter with every
// option and StrictSlash. Requests: success, client error, server error,
// panic, a child span, query strings with secrets to obfuscate, headers
// recorded as tags, a caller's propagated trace. The answers must be the
// same; the payloads are decoded with the Agent's decoders and compared
// span by span with compareSides, each span named after its request
// (nameByRequest). A difference fails the test unless routersKnownDiffs
// lists it with its reason; a listed difference that no longer happens
// fails it too.
//
// The scenario is written once per package (contrib_http_routers_dd_test.go,
// contrib_http_routers_ours_test.go, three functions each);
// TestRoutersScenariosIdentical fails when the two differ other than by
// their names.
//
//	go test -run 'TestRouters' -v

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

// The scenario's requests, by router. Each URL is used once: the spans are
// named after it.
var (
	chiCases = []httpCase{
		{method: "GET", target: "/c/users/42?q=1&token=secret123"},
		{method: "GET", target: "/c/users/43/child", header: withHeaders},
		{method: "GET", target: "/c/client-error"},
		{method: "GET", target: "/c/server-error"},
		{method: "GET", target: "/c/panic"},
		{method: "POST", target: "/c/users", body: `{"name":"x"}`},
		{method: "GET", target: "/c/files/a/b.txt"},
		{method: "GET", target: "/c/api/v1/items/9"},
		{method: "GET", target: "/c/missing"},
		{method: "DELETE", target: "/c/users/44"},
		{method: "GET", target: "/c/users/45", header: propagated},
	}
	chiOptsCases = []httpCase{
		{method: "GET", target: "/co/users/1/", header: withHeaders},
		{method: "GET", target: "/co/client-error"},
		{method: "GET", target: "/co/panic"},
		{method: "GET", target: "/co/ignored"},
	}
	chiNamedCases = []httpCase{
		{method: "GET", target: "/cn/7"},
	}
	muxCases = []httpCase{
		{method: "GET", target: "/m/users/42?password=hunter2&page=1"},
		{method: "GET", target: "/m/users/43/child", header: withHeaders},
		{method: "GET", target: "/m/client-error"},
		{method: "GET", target: "/m/server-error"},
		{method: "GET", target: "/m/panic"},
		{method: "GET", target: "http://api.host.example/m/host"},
		{method: "GET", target: "/m/static/css/site.css"},
		{method: "GET", target: "/m/missing"},
		{method: "POST", target: "/m/users/44"},
		{method: "GET", target: "/m/users/45", header: propagated},
	}
	muxOptsCases = []httpCase{
		{method: "GET", target: "/mo/users/1/", header: withHeaders},
		{method: "GET", target: "/mo/users/2"},
		{method: "GET", target: "/mo/server-error"},
		{method: "GET", target: "/mo/ignored"},
	}
)

// routersKnownDiffs are the understood differences of TestRoutersSameWire,
// keyed as compareSides names them, with the reason.
var routersKnownDiffs = map[string]string{}

func init() {
	panicDiffs(routersKnownDiffs, "http.request GET http://example.com/c/panic", "http.request GET http://example.com/m/panic")
	// chi sets http.route and the resource after the handler returns, so
	// a panic leaves them out of dd's span (its resource is the span's
	// name); ours has them.
	for _, k := range []string{"resource", "meta http.route"} {
		routersKnownDiffs["http.request GET http://example.com/c/panic | "+k] =
			"a panicking handler: dd's chi middleware sets no route and no resource; we set both"
	}
	for _, n := range []string{"mo/users/1/", "mo/users/2", "mo/server-error"} {
		routersKnownDiffs["http.request GET http://example.com/"+n+" | meta error.stack"] = noDebugStackReason
	}
}

func TestRoutersScenariosIdentical(t *testing.T) {
	for _, f := range []string{"RoutersScenario", "ChiRouters", "MuxRouters"} {
		dd := funcSource(t, "contrib_http_routers_dd_test.go", "dd"+f)
		ours := funcSource(t, "contrib_http_routers_ours_test.go", "ours"+f)
		// The scenario calls the other two by their own names.
		names := strings.NewReplacer("ddChiRouters", "ChiRouters", "ddMuxRouters", "MuxRouters",
			"oursChiRouters", "ChiRouters", "oursMuxRouters", "MuxRouters")
		if names.Replace(dd) != names.Replace(ours) {
			t.Errorf("dd%s and ours%s differ; keep them identical\n--- dd\n%s\n--- ours\n%s", f, f, dd, ours)
		}
	}
}

func TestRoutersSameWire(t *testing.T) {
	ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
	ddAnswers := ddRoutersScenario(t, ddAgent.addr(), ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	ourAnswers := oursRoutersScenario(t, ourAgent.addr())
	if diff := cmp.Diff(ddAnswers, ourAnswers); diff != "" {
		t.Errorf("the routers answered differently (-dd +ours):\n%s", diff)
	}
	dd := compareHTTPSides(t, ddAgent, ourAgent, routersKnownDiffs)
	// The scenario does what it means to, on dd's side: a server span per
	// request but the two ignored ones, and two children.
	all := len(chiCases) + len(chiOptsCases) + len(chiNamedCases) + len(muxCases) + len(muxOptsCases)
	if want := all - 2 + 2; len(dd.spans) != want {
		t.Errorf("dd: %d spans, want %d", len(dd.spans), want)
	}
	t.Logf("answers: %q", ourAnswers)
}
