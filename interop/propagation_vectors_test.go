package interop

// TestDDExtractVectors replays extract vectors recorded from dd-trace-go
// v1.74.8 (testdata/ddprop_extract.json: the datadog and b3 styles, without
// the dd quirks we deliberately do not copy) through our propagator, and
// compares what we extract, and the child span we then send to an Agent,
// with what dd-trace-go extracted and sent.
//
// Every vector must match, or be listed in vectorDiffs with the reason; a
// listed vector that matches again fails too, so the list stays true.
//
//	go test -run TestDDExtractVectors -v    # the differences, vector by vector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
)

// vectorDiffs are the vectors on which we differ from dd-trace-go, and why.
var vectorDiffs = map[string]string{
	"b3m_short_trace_id": "B3 ids must be 16 or 32 hex digits (trace) and 16 (span) per the B3 spec; dd accepts any length (\"4d2\"); " +
		"we answer corrupted, so the request starts a new trace",
	"b3m_bad_trace_id": "a non-hex x-b3-traceid: dd says not found (it ignores the bad id), we say corrupted; " +
		"either way no context is extracted",
	"b3m_sampled_d": "x-b3-sampled: d: dd says corrupted (it parses with Atoi); we read it as debug (priority 2), " +
		"as we do in the single header, where B3 defines d",
	"b3m_sampled_2": "x-b3-sampled: 2: dd keeps priority 2 (any integer); B3 defines only 1 and 0, so we say corrupted",
	"b3m_flags_only": "X-B3-Flags: 1 (debug): dd ignores the header (no priority, local sampling gives 1 and _dd.p.dm=-1); " +
		"B3 says debug implies accept, we give priority 2 (user keep), no _dd.p.dm",
	"b3m_128bit": "X-B3-Flags: 1 with X-B3-Sampled: 0: dd ignores Flags (priority 0); B3 says debug implies accept, " +
		"we give priority 2 and the trace is kept",
	"b3s_64bit_d":   "b3 single header sampled d (debug): dd maps it to priority 1, we to 2 (debug is a forced keep)",
	"dd_ot_baggage": "an empty baggage key (header \"ot-baggage-\"): dd keeps an item with key \"\", we drop it",
	"dd_origin_raw": "an origin outside printable ASCII (here \"é\"): dd keeps any origin as it is; we drop it and record " +
		"_dd.propagation_error=decoding_error, since it goes out again on every request of the trace, where a control " +
		"character makes net/http refuse the request (see originError in prop_limits.go)",
}

type ddVector struct {
	Name           string              `json:"name"`
	StylesExtract  string              `json:"styles_extract"`
	Env            map[string]string   `json:"env"`
	Carrier        string              `json:"carrier"`
	HeadersIn      map[string]string   `json:"headers_in"`
	HeadersInMulti map[string][]string `json:"headers_in_multi"`
	Note           string              `json:"note"`
	Want           struct {
		Error *string        `json:"error"`
		Ctx   *ddVectorCtx   `json:"ctx"`
		Spans []ddVectorSpan `json:"agent_spans"`
	} `json:"want"`
}

type ddVectorCtx struct {
	TraceID  string            `json:"trace_id"` // 32 hex digits
	SpanID   string            `json:"span_id"`  // decimal
	Priority *int              `json:"priority"`
	Origin   string            `json:"origin"`
	Tags     map[string]string `json:"propagating_tags"`
	Baggage  map[string]string `json:"baggage"`
}

type ddVectorSpan struct {
	TraceID  json.Number       `json:"trace_id"`
	SpanID   json.Number       `json:"span_id"`
	ParentID json.Number       `json:"parent_id"`
	Priority *float64          `json:"_sampling_priority_v1"`
	Meta     map[string]string `json:"meta"`
}

const vectorChildID = 0x1234567890abcdef // the child span id the vectors were recorded with

func TestDDExtractVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/ddprop_extract.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Vectors []ddVector `json:"vectors"`
	}
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Vectors) < 40 {
		t.Fatalf("only %d vectors", len(doc.Vectors))
	}
	seen := map[string]bool{}
	var same, differ int
	for _, v := range doc.Vectors {
		seen[v.Name] = true
		t.Run(v.Name, func(t *testing.T) {
			diffs := runDDVector(t, v)
			reason, known := vectorDiffs[v.Name]
			switch {
			case len(diffs) == 0 && !known:
				same++
			case len(diffs) == 0 && known:
				t.Errorf("matches dd-trace-go now; remove it from vectorDiffs (%s)", reason)
			case !known:
				t.Errorf("differs from dd-trace-go:\n  %s", strings.Join(diffs, "\n  "))
			default:
				differ++
				t.Logf("known difference: %s\n  %s", reason, strings.Join(diffs, "\n  "))
			}
		})
	}
	for name := range vectorDiffs {
		if !seen[name] {
			t.Errorf("vectorDiffs names %s, which is not in testdata", name)
		}
	}
	t.Logf("%d vectors: %d as dd-trace-go, %d known differences", len(doc.Vectors), same, differ)
}

// runDDVector extracts v's headers with our propagator configured as v's
// environment says, starts the child dd-trace-go started, sends it to a
// stand-in Agent, and returns how the result differs from dd-trace-go's.
func runDDVector(t *testing.T, v ddVector) []string {
	for k, val := range v.Env {
		t.Setenv(k, val)
	}
	prop, err := trace.PropagatorFromEnv()
	if err != nil {
		t.Logf("PropagatorFromEnv: %v", err) // e.g. a tags limit above 512, clamped as dd does
	}
	fa := newFakeAgent(t, infoNoStats)
	tr := trace.New(
		trace.WithService("svc"),
		trace.WithSampler(ddDefaultSampling), // dd's decision for a trace without priority
		trace.WithPropagator(prop),
		trace.WithExporter(agent.New(agent.WithURL(fa.srv.URL))),
	)
	var carrier trace.TextMapReader
	if v.HeadersInMulti != nil {
		h := http.Header{}
		for k, vals := range v.HeadersInMulti {
			for _, val := range vals {
				h.Add(k, val)
			}
		}
		carrier = trace.HeaderCarrier(h)
	} else {
		carrier = trace.MapCarrier(maps.Clone(v.HeadersIn))
	}
	sc, xerr := tr.ExtractSpanContext(carrier)

	var diffs []string
	differ := func(what string, dd, ours any) {
		if fmt.Sprint(dd) != fmt.Sprint(ours) {
			diffs = append(diffs, fmt.Sprintf("%s: dd %v, ours %v", what, dd, ours))
		}
	}
	wantErr := "<nil>"
	if v.Want.Error != nil {
		wantErr = *v.Want.Error
	}
	differ("error", wantErr, errClass(xerr))
	if xerr == nil {
		_, child := tr.Start(context.Background(), "child", trace.ChildOf(sc), trace.WithSpanID(vectorChildID))
		child.Finish()
		if w := v.Want.Ctx; w != nil {
			differ("trace id", w.TraceID, sc.TraceID().String())
			differ("span id", w.SpanID, strconv.FormatUint(sc.SpanID(), 10))
			p, ok := sc.Priority()
			pi := int(p)
			differ("priority", optInt(w.Priority, w.Priority != nil), optInt(&pi, ok))
			differ("origin", strconv.Quote(w.Origin), strconv.Quote(sc.Origin()))
			// _dd.p.tid is part of our trace id, which is compared above.
			ddTags := maps.Clone(w.Tags)
			delete(ddTags, "_dd.p.tid")
			differ("propagated tags", sortedKV(ddTags), sortedKV(maps.Collect(sc.Tags())))
			differ("baggage", sortedKV(w.Baggage), sortedKV(maps.Collect(sc.Baggage())))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	var ours []ddVectorSpan
	for _, r := range fa.traceRequests() {
		traces, err := decodeV04(r.Body)
		if err != nil {
			t.Fatalf("our payload: %v", err)
		}
		for _, tc := range traces {
			for _, s := range tc {
				pr, ok := s.Metrics["_sampling_priority_v1"]
				meta := map[string]string{}
				for k, val := range s.Meta {
					if !vectorIgnoredMeta[k] {
						meta[k] = val
					}
				}
				ours = append(ours, ddVectorSpan{
					TraceID:  json.Number(strconv.FormatUint(s.TraceID, 10)),
					SpanID:   json.Number(strconv.FormatUint(s.SpanID, 10)),
					ParentID: json.Number(strconv.FormatUint(s.ParentID, 10)),
					Priority: optFloat(pr, ok),
					Meta:     meta,
				})
			}
		}
	}
	differ("agent spans", len(v.Want.Spans), len(ours))
	for i := range min(len(v.Want.Spans), len(ours)) {
		dd, o := v.Want.Spans[i], ours[i]
		at := "agent span: "
		differ(at+"trace_id", dd.TraceID, o.TraceID)
		differ(at+"span_id", dd.SpanID, o.SpanID)
		differ(at+"parent_id", dd.ParentID, o.ParentID)
		differ(at+"_sampling_priority_v1", derefF(dd.Priority), derefF(o.Priority))
		differ(at+"meta", sortedKV(dd.Meta), sortedKV(o.Meta))
	}
	return diffs
}

// vectorIgnoredMeta: meta that says nothing of propagation (the harness
// that recorded the vectors left out the same keys).
var vectorIgnoredMeta = map[string]bool{"language": true, "runtime-id": true, "_dd.base_service": true}

func errClass(err error) string {
	switch {
	case err == nil:
		return "<nil>"
	case errors.Is(err, trace.ErrSpanContextNotFound):
		return "span context not found"
	case errors.Is(err, trace.ErrSpanContextCorrupted):
		return "span context corrupted"
	}
	return err.Error()
}

func optInt(p *int, ok bool) string {
	if !ok || p == nil {
		return "none"
	}
	return strconv.Itoa(*p)
}

func optFloat(f float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return &f
}

func derefF(f *float64) string {
	if f == nil {
		return "none"
	}
	return strconv.FormatFloat(*f, 'g', -1, 64)
}

// sortedKV formats a map deterministically; nil and empty look alike.
func sortedKV(m map[string]string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: %q", k, m[k])
	}
	b.WriteByte('}')
	return b.String()
}
