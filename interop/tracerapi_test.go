package interop

// TestTracerAPISameWire runs one scenario through dd-trace-go v1.74.8's
// ddtrace/tracer API and through ours (github.com/ctxtrace/trace/ddtrace/tracer),
// each against its own stand-in Agent: tracer.Start with service, env,
// version, agent address and no startup log; a root span with a resource
// and a type and string/int/float tags; children through
// StartSpanFromContext; Inject into an http.Header, Extract back, and a span
// ChildOf the extracted context; Finish; Stop.
//
// The scenario is written once per package, in tracerapi_dd_test.go
// (ddAPIScenario) and tracerapi_ours_test.go (oursAPIScenario);
// TestTracerAPIScenariosIdentical fails when the two functions differ other
// than by name, so they are one source of truth in two spellings.
//
// Both payloads are decoded with the Agent's decoders and compared span by
// span, by name, with TestSameCallsSameWire's readSide and compareSides (ids,
// times, runtime-id, process_id and error.stack values aside). The headers
// Inject wrote are compared too, with ids masked. A difference fails the
// test unless apiKnownDiffs lists it with its reason; a listed difference
// that no longer happens fails it too.
//
//	go test -run 'TestTracerAPI' -v

import (
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

// apiKnownDiffs are the understood differences of TestTracerAPISameWire,
// keyed as knownDiffs is (without the scenario), with the reason.
var apiKnownDiffs = map[string]string{
	// dd keeps the tracestate it extracted as a "tracestate" meta on the
	// span started from that context; we do not record it on the span.
	"remote.child | meta tracestate": "dd records the extracted W3C tracestate on the child span; we do not",

	// Our traceparent sets the W3C Trace Context Level 2 random flag (0x02)
	// on locally generated trace ids; dd writes 01.
	"injected header Traceparent": "we set the Level 2 random-trace-id flag (03); dd writes 01",

	// dd also writes the upper half of the trace id into tracestate as
	// t.tid; ours leaves it out (traceparent carries the whole id).
	"injected header Tracestate": "dd adds t.tid:<upper half> to the dd= tracestate member; we do not",
}

func TestTracerAPIScenariosIdentical(t *testing.T) {
	dd := funcSource(t, "tracerapi_dd_test.go", "ddAPIScenario")
	ours := funcSource(t, "tracerapi_ours_test.go", "oursAPIScenario")
	if dd != ours {
		t.Errorf("ddAPIScenario and oursAPIScenario differ; keep them identical\n--- dd\n%s\n--- ours\n%s", dd, ours)
	}
}

// funcSource prints a function's signature and body, without its name.
func funcSource(t *testing.T, file, name string) string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != name {
			continue
		}
		var b strings.Builder
		printer.Fprint(&b, fset, fd.Type)
		b.WriteString(" ")
		printer.Fprint(&b, fset, fd.Body)
		return b.String()
	}
	t.Fatalf("%s: no func %s", file, name)
	return ""
}

func TestTracerAPISameWire(t *testing.T) {
	ddAgent := newFakeAgent(t, infoNoStats)
	ddHeader := ddAPIScenario(t, ddAgent.addr(), ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	ourAgent := newFakeAgent(t, infoNoStats)
	ourHeader := oursAPIScenario(t, ourAgent.addr())

	dd := readSide(t, "dd", ddAgent.traceRequests())
	ours := readSide(t, "ours", ourAgent.traceRequests())
	rawSeen := map[string]bool{}
	for _, req := range ourAgent.traceRequests() {
		rawCheck(t, "ours", req.Body, rawSeen)
	}
	if t.Failed() {
		return
	}
	diffs := compareSides(dd, ours)
	diffs = append(diffs, compareInjected(ddHeader, ourHeader)...)
	found := map[string]bool{}
	for _, d := range diffs {
		if reason, ok := apiKnownDiffs[d.id]; ok {
			found[d.id] = true
			t.Logf("known difference %s: %s (%s)", d.id, d.detail, reason)
			continue
		}
		t.Errorf("difference %s: %s", d.id, d.detail)
	}
	var stale []string
	for id := range apiKnownDiffs {
		if !found[id] {
			stale = append(stale, id)
		}
	}
	sort.Strings(stale)
	for _, id := range stale {
		t.Errorf("known difference no longer seen (remove it from apiKnownDiffs): %s", id)
	}
	t.Logf("dd: %d spans in chunks %q; ours: %d spans in chunks %q", len(dd.spans), dd.chunks, len(ours.spans), ours.chunks)
	t.Logf("injected (dd): %v", ddHeader)
	t.Logf("injected (ours): %v", ourHeader)
}

// idRE matches what differs by nature in injected headers: 16 or 32 hex
// digits (ids in traceparent, tracestate, _dd.p.tid) and decimal ids.
var idRE = regexp.MustCompile(`\b[0-9a-f]{16}(?:[0-9a-f]{16})?\b|\b[0-9]{6,20}\b`)

// sortedMembers sorts the comma-separated members of an x-datadog-tags value.
func sortedMembers(v string) string {
	m := strings.Split(v, ",")
	sort.Strings(m)
	return strings.Join(m, ",")
}

// compareInjected compares the headers Inject wrote, ids masked.
func compareInjected(dd, ours http.Header) []wireDiff {
	var out []wireDiff
	for _, k := range sortedKeys(union(dd, ours)) {
		dv, ov := absent, absent
		if _, ok := dd[k]; ok {
			dv = idRE.ReplaceAllString(strings.Join(dd.Values(k), ","), "<id>")
		}
		if _, ok := ours[k]; ok {
			ov = idRE.ReplaceAllString(strings.Join(ours.Values(k), ","), "<id>")
		}
		if k == "X-Datadog-Tags" {
			// The members' order carries no meaning, and dd-trace-go's
			// varies from run to run (it ranges over a map).
			dv, ov = sortedMembers(dv), sortedMembers(ov)
		}
		if dv != ov {
			out = append(out, wireDiff{"injected header " + k, "dd=" + dv + " ours=" + ov})
		}
	}
	return out
}
