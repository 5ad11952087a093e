package interop

// Helpers of the side-by-side tests of HTTP framework integrations
// (TestGinSameWire, TestEchoSameWire): serving a list of requests through a
// traced handler in process, and comparing the two tracers' server spans,
// which all share the name http.request, by the request that made them.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
)

// httpCase is one request of a scenario.
type httpCase struct {
	method, target string
	header         http.Header
	body           string
}

// propagated are the headers of a caller in another service: Datadog's
// style, so that both tracers read the same parent, and baggage, of which
// server spans record some items as tags.
var propagated = http.Header{
	"X-Datadog-Trace-Id":          {"1234567890"},
	"X-Datadog-Parent-Id":         {"987654321"},
	"X-Datadog-Sampling-Priority": {"1"},
	"X-Datadog-Origin":            {"synthetics"},
	"Baggage":                     {"user.id=u42,session.id=s1,other=x"},
}

// serveCases sends each case through h, in process and in order, and
// returns what h answered, one line per case; a panic that h lets through
// is reported as such, as net/http's server would swallow it.
func serveCases(h http.Handler, cases []httpCase) []string {
	var out []string
	for _, c := range cases {
		out = append(out, serveCase(h, c))
	}
	return out
}

func serveCase(h http.Handler, c httpCase) (res string) {
	r := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
	r.Header.Set("User-Agent", "interop/1.0")
	for k, vs := range c.header {
		r.Header[k] = vs
	}
	w := httptest.NewRecorder()
	defer func() {
		if p := recover(); p != nil {
			res = fmt.Sprintf("%s %s -> panic %v", c.method, c.target, p)
		}
	}()
	h.ServeHTTP(w, r)
	return fmt.Sprintf("%s %s -> %d %q", c.method, c.target, w.Code, w.Body.String())
}

// compareHTTPSides decodes both Agents' payloads, names every span after
// the request that made it (see nameByRequest), compares the two sides
// with compareSides and fails on each difference that known does not
// list, and on each listed one that no longer happens. It returns dd's
// side, for the caller's own checks of what the scenario made.
func compareHTTPSides(t *testing.T, ddAgent, ourAgent *fakeAgent, known map[string]string) side {
	t.Helper()
	dd := readSide(t, "dd", nameByRequest(t, "dd", ddAgent.traceRequests()))
	ours := readSide(t, "ours", nameByRequest(t, "ours", ourAgent.traceRequests()))
	rawSeen := map[string]bool{}
	for _, req := range ourAgent.traceRequests() {
		rawCheck(t, "ours", req.Body, rawSeen)
	}
	if t.Failed() {
		return dd
	}
	dd.reqs, ours.reqs = nil, nil // payload boundaries depend on flush timing
	found := map[string]bool{}
	for _, d := range compareSides(dd, ours) {
		if reason, ok := known[d.id]; ok {
			found[d.id] = true
			t.Logf("known difference %s: %s (%s)", d.id, d.detail, reason)
			continue
		}
		t.Errorf("difference %s: %s", d.id, d.detail)
	}
	staleDiffs(t, known, found)
	t.Logf("dd: %d spans in %d chunks; ours: %d spans in %d chunks", len(dd.spans), len(dd.chunks), len(ours.spans), len(ours.chunks))
	return dd
}

// nameByRequest checks each payload with both of the Agent's decoders and
// returns it re-encoded with every span renamed after the request that
// made it, so that readSide can match the spans of both sides by name: a
// span with an http.url becomes "<name> <http.method> <http.url>", any
// other "<its parent's new name> > <name>".
func nameByRequest(t *testing.T, who string, reqs []recordedRequest) []recordedRequest {
	t.Helper()
	var traces []pb.Traces
	byID := map[uint64]*pb.Span{}
	for i, r := range reqs {
		tr, tp, err := decodeBoth(r.Body)
		if err != nil {
			t.Errorf("%s: payload %d: %v", who, i, err)
			continue
		}
		for _, d := range idxDisagreements(tr, tp) {
			t.Errorf("%s: payload %d: decoders disagree: %s", who, i, d)
		}
		for _, chunk := range tr {
			for _, sp := range chunk {
				byID[sp.SpanID] = sp
			}
		}
		traces = append(traces, tr)
	}
	names := map[uint64]string{}
	var nameOf func(sp *pb.Span, depth int) string
	nameOf = func(sp *pb.Span, depth int) string {
		if n, ok := names[sp.SpanID]; ok {
			return n
		}
		n := sp.Name
		if u, ok := sp.Meta["http.url"]; ok {
			n += " " + sp.Meta["http.method"] + " " + u
		} else if p := byID[sp.ParentID]; p != nil && depth < 10 {
			n = nameOf(p, depth+1) + " > " + n
		}
		names[sp.SpanID] = n
		return n
	}
	for _, sp := range byID {
		nameOf(sp, 0)
	}
	var out []recordedRequest
	for i, tr := range traces {
		for _, chunk := range tr {
			for _, sp := range chunk {
				sp.Name = names[sp.SpanID]
			}
		}
		body, err := tr.MarshalMsg(nil)
		if err != nil {
			t.Fatalf("%s: payload %d: re-encoding: %v", who, i, err)
		}
		out = append(out, recordedRequest{Method: "PUT", Path: "/v0.4/traces", Body: body})
	}
	return out
}
