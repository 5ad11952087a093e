package interop

// TestTracehttpSameWireAsDD serves and sends the same requests through our
// own middleware, tracehttp (Handler around a ServeMux, Transport, both
// WithQueryString(true)), and through dd-trace-go v1.74.8's
// contrib/net/http (NewServeMux, WrapClient), each tracer sending to its
// own stand-in Agent, and compares the spans through the Agent's decoders
// with compareSides, each named after its request. tracehttp makes its
// spans with the engine contrib/net/http uses; this test holds it to dd's
// wire where the two mean the same: network.destination.port a number,
// http.host, http.errors ("404 Not Found", "EOF"), a panicking handler's
// route and resource, the query string obfuscated. A difference fails the
// test unless tracehttpKnownDiffs lists it with its reason; a listed
// difference that no longer happens fails it too.
//
//	go test -run 'TestTracehttpSameWireAsDD' -v

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	ddhttp "gopkg.in/DataDog/dd-trace-go.v1/contrib/net/http"
	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	ourtracer "github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/tracehttp"
)

var tracehttpCases = []httpCase{
	{method: "GET", target: "/t/users/7?token=abc&x=1", header: withHeaders},
	{method: "GET", target: "/t/client-error"},
	{method: "GET", target: "/t/server-error"},
	{method: "GET", target: "/t/panic"},
	{method: "GET", target: "/t/users/8", header: propagated},
}

// tracehttpKnownDiffs are the understood differences of
// TestTracehttpSameWireAsDD, keyed as compareSides names them.
var tracehttpKnownDiffs = map[string]string{}

func init() {
	panicDiffs(tracehttpKnownDiffs, "http.request GET http://example.com/t/panic")
	// tracehttp also records response headers named by the tracer's
	// WithHeaderTags (see TestHeaderTagsSameAsDD).
	for _, n := range []string{"t/users/7?<redacted>&x=1", "t/users/8"} {
		tracehttpKnownDiffs["http.request GET http://example.com/"+n+" | meta http.response.headers.x-request-id"] = responseHeaderReason
	}
}

func TestTracehttpSameWireAsDD(t *testing.T) {
	target, refused := clientTarget(t)
	mux := func() *http.ServeMux {
		m := http.NewServeMux()
		m.HandleFunc("GET /t/users/{id}", tracehttpApp)
		m.HandleFunc("/t/", tracehttpApp)
		return m
	}
	urls := []string{target + "/ok?password=p&x=1", target + "/client-error", target + "/eof", refused + "/refused"}
	ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)

	ddtracer.Start(ddtracer.WithService("svc"), ddtracer.WithAgentAddr(ddAgent.addr()), ddtracer.WithLogStartup(false),
		ddtracer.WithLogger(silentLogger{}), ddtracer.WithDogstatsdAddress("127.0.0.1:9"),
		ddtracer.WithHeaderTags([]string{"X-Request-Id"}))
	dm := ddhttp.NewServeMux()
	dm.HandleFunc("GET /t/users/{id}", tracehttpApp)
	dm.HandleFunc("/t/", tracehttpApp)
	ddAnswers := append(serveCases(dm, tracehttpCases), sendAll(t, ddhttp.WrapClient(&http.Client{Transport: noKeepAlive()}), urls)...)
	ddtracer.Stop()
	ddtracer.Start(ddtracer.WithHeaderTags(nil), ddtracer.WithLogStartup(false), ddtracer.WithLogger(silentLogger{}),
		ddtracer.WithAgentAddr(newFakeAgent(t, infoNoStats).addr()))
	ddtracer.Stop()

	ourtracer.Start(ourtracer.WithService("svc"), ourtracer.WithAgentAddr(ourAgent.addr()), ourtracer.WithLogStartup(false),
		ourtracer.WithLogger(silentLogger{}), ourtracer.WithHeaderTags([]string{"X-Request-Id"}))
	ourAnswers := append(serveCases(tracehttp.Handler(mux(), tracehttp.WithQueryString(true)), tracehttpCases),
		sendAll(t, &http.Client{Transport: tracehttp.Transport(noKeepAlive(), tracehttp.WithQueryString(true))}, urls)...)
	ourtracer.Stop()
	ourtracer.Start(ourtracer.WithHeaderTags(nil), ourtracer.WithLogStartup(false), ourtracer.WithLogger(silentLogger{}),
		ourtracer.WithAgentAddr(newFakeAgent(t, infoNoStats).addr()))
	ourtracer.Stop()

	if strings.Join(ddAnswers, "\n") != strings.Join(ourAnswers, "\n") {
		t.Errorf("answers differ:\ndd   %q\nours %q", ddAnswers, ourAnswers)
	}
	dd := compareHTTPSides(t, ddAgent, ourAgent, tracehttpKnownDiffs)
	if want := len(tracehttpCases) + len(urls); len(dd.spans) != want {
		t.Errorf("dd: %d spans, want %d", len(dd.spans), want)
	}
}

func tracehttpApp(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/client-error"):
		w.WriteHeader(http.StatusNotFound)
	case strings.HasSuffix(r.URL.Path, "/server-error"):
		w.WriteHeader(http.StatusBadGateway)
	case strings.HasSuffix(r.URL.Path, "/panic"):
		panic("tracehttp panic")
	default:
		w.Header().Set("X-Request-Id", "resp")
		fmt.Fprint(w, r.PathValue("id"))
	}
}

func noKeepAlive() *http.Transport { return &http.Transport{DisableKeepAlives: true} }

// sendAll sends a GET to each URL with c and returns what came back.
func sendAll(t *testing.T, c *http.Client, urls []string) []string {
	var out []string
	for _, u := range urls {
		req, err := http.NewRequestWithContext(context.Background(), "GET", u, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(req)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		resp.Body.Close()
		out = append(out, resp.Status)
	}
	return out
}
