package interop

// TestOurPayloadsDecodeWithAgentDecoder runs our tracer and Agent exporter
// through a wide set of traces against a stand-in Agent, with a memory
// exporter beside it, and checks every payload with the Agent's own
// decoders: each span arrives exactly once, as the tracer recorded it, with
// what the wire adds (DDWIRE.md) where dd-trace-go puts it.
//
//	go test -run TestOurPayloadsDecodeWithAgentDecoder -v

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	"github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace/idx"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/exporter/memory"
)

// wireMetaAdded and wireMetricsAdded are the keys the exporter adds to what
// the tracer recorded (plus the chunk's propagated tags, _dd.p.*).
var (
	wireMetaAdded    = []string{"language", "runtime-id", "_dd.origin", "_dd.base_service", "_dd.p.tid", "_dd.span_links"}
	wireMetricsAdded = []string{"_sampling_priority_v1", "process_id", "_dd.profiling.enabled", "_dd.top_level", "_dd.trace_span_attribute_schema"}
)

type ourConfig struct {
	name         string
	maxPayload   int // agent.WithMaxPayload; 0 keeps the default
	partialFlush int // trace.WithPartialFlush; 0 keeps the default
	// v05 sends the v0.5 protocol (a string table and span arrays), which
	// the Agent decodes with pb.Traces.UnmarshalMsgDictionary; span links
	// then travel only as the _dd.span_links tag.
	v05 bool
}

func TestOurPayloadsDecodeWithAgentDecoder(t *testing.T) {
	configs := []ourConfig{
		{name: "default_limits"},
		// 64 KiB payloads: the 2,000-span trace is cut into pieces across
		// payloads, and the one span larger than a payload is dropped.
		{name: "small_payloads_split", maxPayload: 64 << 10},
		{name: "partial_flush_3", maxPayload: 64 << 10, partialFlush: 3},
		{name: "v05_default_limits", v05: true},
		{name: "v05_small_payloads_split", maxPayload: 64 << 10, v05: true},
	}
	rawSeen, ran := map[string]bool{}, 0
	for _, cfg := range configs {
		t.Run(cfg.name, func(t *testing.T) { ran++; runOurWire(t, cfg, rawSeen) })
	}
	if ran > 0 && !t.Failed() {
		staleRaw(t, rawSeen) // every configuration sends the remote parent that shows them
	}
}

func runOurWire(t *testing.T, cfg ourConfig, rawSeen map[string]bool) {
	fa := newFakeAgent(t, infoNoStats)
	aopts := []agent.Option{agent.WithURL(fa.srv.URL), agent.WithProtocol("v0.4")}
	if cfg.v05 {
		aopts[1] = agent.WithProtocol("v0.5")
	}
	if cfg.maxPayload > 0 {
		aopts = append(aopts, agent.WithMaxPayload(cfg.maxPayload))
	}
	agentExp := agent.New(aopts...)
	mem := memory.New()
	topts := []trace.Option{
		trace.WithService("svc"), trace.WithEnv("prod"), trace.WithVersion("1.2.3"),
		trace.WithExporter(trace.MultiExporter(agentExp, mem)),
	}
	if cfg.partialFlush > 0 {
		topts = append(topts, trace.WithPartialFlush(cfg.partialFlush))
	}
	tr := trace.New(topts...)
	richWorkload(t, tr)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}

	// What went in: every snapshot, with its chunk.
	type rec struct {
		snap  trace.Snapshot
		chunk int // index in mem.Chunks()
	}
	type key struct{ trace, span uint64 }
	in := map[key]rec{}
	memChunks := mem.Chunks()
	for ci, c := range memChunks {
		for _, s := range c.Spans() {
			k := key{s.TraceID().Lower(), s.SpanID()}
			if _, dup := in[k]; dup {
				t.Fatalf("memory exporter: span %v twice", s)
			}
			in[k] = rec{s, ci}
		}
	}

	// Spans the exporter must drop: larger than a whole payload.
	tooLarge := map[key]bool{}
	if cfg.maxPayload > 0 && cfg.maxPayload < 100<<10 {
		s, ok := mem.Find("huge.too_large")
		if !ok {
			t.Fatal("huge.too_large not recorded")
		}
		tooLarge[key{s.TraceID().Lower(), s.SpanID()}] = true
	}

	// What came out.
	seen := map[key]int{}
	piecesOf := map[int]int{} // memory chunk -> spans seen on the wire
	runtimeID := ""
	pid := float64(os.Getpid())
	// report fails the test for one span, up to a point: a broken encoder
	// would otherwise print thousands of diffs.
	reported := 0
	report := func(format string, args ...any) {
		t.Helper()
		if reported++; reported <= 40 {
			t.Errorf(format, args...)
		}
	}
	defer func() {
		if reported > 40 {
			t.Errorf("... and %d more span errors", reported-40)
		}
	}()
	reqs := fa.traceRequests()
	if len(reqs) == 0 {
		t.Fatal("no payload received")
	}
	for ri, r := range reqs {
		at := fmt.Sprintf("payload %d", ri)
		if want := map[bool]string{false: "/v0.4/traces", true: "/v0.5/traces"}[cfg.v05]; r.Path != want {
			t.Errorf("%s: sent to %s, want %s", at, r.Path, want)
		}
		var trs pb.Traces
		if cfg.v05 {
			if err := trs.UnmarshalMsgDictionary(r.Body); err != nil {
				t.Errorf("%s: pb.Traces.UnmarshalMsgDictionary: %v", at, err)
				continue
			}
		} else {
			var tp *idx.InternalTracerPayload
			var err error
			if trs, tp, err = decodeBoth(r.Body); err != nil {
				t.Errorf("%s: %v", at, err)
				continue
			}
			rawCheck(t, at, r.Body, rawSeen)
			for _, d := range idxDisagreements(trs, tp) {
				t.Errorf("%s: decoders disagree: %s", at, d)
			}
		}
		checkOurHeaders(t, at, r, len(trs))
		if cfg.maxPayload > 0 && len(r.Body) >= cfg.maxPayload {
			t.Errorf("%s: %d bytes, not below the maximum %d", at, len(r.Body), cfg.maxPayload)
		}
		for ci, chunk := range trs {
			if len(chunk) == 0 {
				report("%s chunk %d: empty", at, ci)
				continue
			}
			memChunk := -1
			for si, ws := range chunk {
				at := fmt.Sprintf("%s chunk %d span %d (%q)", at, ci, si, ws.Name)
				k := key{ws.TraceID, ws.SpanID}
				seen[k]++
				rc, ok := in[k]
				if !ok {
					report("%s: not a span the tracer recorded", at)
					continue
				}
				if memChunk == -1 {
					memChunk = rc.chunk
				} else if rc.chunk != memChunk {
					report("%s: spans of two chunks in one wire chunk", at)
				}
				piecesOf[rc.chunk]++
				s, c := rc.snap, memChunks[rc.chunk]
				if s.IsLocalRoot() && si != 0 {
					report("%s: the local root is not the first span of its chunk", at)
				}
				if ws.TraceID != chunk[0].TraceID {
					report("%s: trace id differs within the chunk", at)
				}

				// The span as recorded, minus what the wire adds.
				chunkTagKeys := []string{}
				for k := range c.Tags() {
					chunkTagKeys = append(chunkTagKeys, k)
				}
				addedMeta := ownless(s, append(append([]string{}, wireMetaAdded...), chunkTagKeys...))
				addedMetrics := ownless(s, wireMetricsAdded)
				got := toWireSpan(ws)
				got.Meta, got.Metrics = without(ws.Meta, addedMeta), without(ws.Metrics, addedMetrics)
				want := snapshotWire(s)
				if cfg.v05 {
					want.Links = nil // no field for them: _dd.span_links carries them
				}
				if d := cmp.Diff(want, got, cmpopts.EquateNaNs(), cmpopts.EquateEmpty()); d != "" {
					report("%s: recorded vs wire (-recorded +wire):\n%s", at, d)
				}

				// What the wire adds, where DDWIRE.md says.
				if runtimeID == "" {
					runtimeID = ws.Meta["runtime-id"]
					if !uuidRE.MatchString(runtimeID) {
						report("%s: runtime-id %q is not a UUID v4", at, runtimeID)
					}
				}
				wantMeta := map[string]string{"language": "go", "runtime-id": runtimeID}
				if o := c.Origin(); o != "" && s.IsLocalRoot() {
					wantMeta["_dd.origin"] = o
				}
				if s.Service() != "" && !strings.EqualFold(s.Service(), s.BaseService()) {
					wantMeta["_dd.base_service"] = s.BaseService()
				}
				if s.NumLinks() > 0 {
					wantMeta["_dd.span_links"] = ws.Meta["_dd.span_links"] // checked below
					checkLinksJSON(t, at, s, ws.Meta["_dd.span_links"])
				}
				if si == 0 { // chunk head: the trace-level tags
					for k, v := range c.Tags() {
						wantMeta[k] = v
					}
					if hi := s.TraceID().Upper(); hi != 0 {
						wantMeta["_dd.p.tid"] = fmt.Sprintf("%016x", hi)
					}
				}
				wantMetrics := map[string]float64{"process_id": pid}
				if p, ok := c.Priority(); ok {
					wantMetrics["_sampling_priority_v1"] = float64(p)
				}
				if s.IsLocalRoot() {
					wantMetrics["_dd.profiling.enabled"] = 0
				}
				if s.IsTopLevel() {
					wantMetrics["_dd.top_level"] = 1
					wantMetrics["_dd.trace_span_attribute_schema"] = 0
				}
				if d := cmp.Diff(only(wantMeta, addedMeta), only(ws.Meta, addedMeta), cmpopts.EquateEmpty()); d != "" {
					report("%s: meta added by the wire (-want +got):\n%s", at, d)
				}
				if d := cmp.Diff(only(wantMetrics, addedMetrics), only(ws.Metrics, addedMetrics), cmpopts.EquateEmpty()); d != "" {
					report("%s: metrics added by the wire (-want +got):\n%s", at, d)
				}
			}
		}
	}

	// Every span exactly once, except those too large for any payload.
	for k, n := range seen {
		if n != 1 {
			t.Errorf("span %v on the wire %d times", in[k].snap, n)
		}
		if tooLarge[k] {
			t.Errorf("span %v is larger than a payload but was sent", in[k].snap)
		}
	}
	missing := 0
	for k, r := range in {
		if seen[k] == 0 && !tooLarge[k] {
			if missing++; missing <= 10 {
				t.Errorf("span %v never reached the wire", r.snap)
			}
		}
	}
	if missing > 10 {
		t.Errorf("... %d spans missing in all", missing)
	}
	for ci, c := range memChunks {
		want := c.Len()
		for _, s := range c.Spans() {
			if tooLarge[key{s.TraceID().Lower(), s.SpanID()}] {
				want--
			}
		}
		if piecesOf[ci] != want {
			t.Errorf("chunk %d (%d spans): %d reached the wire", ci, c.Len(), piecesOf[ci])
		}
	}

	st := agentExp.Stats()
	if st.Dropped.TooLarge != uint64(len(tooLarge)) || st.Dropped.Total() != st.Dropped.TooLarge {
		t.Errorf("exporter drops: %+v, want %d too large and nothing else", st.Dropped, len(tooLarge))
	}
	if st.SpansReceived != uint64(len(in)) || st.SpansSent != uint64(len(in)-len(tooLarge)) {
		t.Errorf("exporter: received %d sent %d, want %d and %d", st.SpansReceived, st.SpansSent, len(in), len(in)-len(tooLarge))
	}
	if ts := tr.Stats(); ts.Dropped.Total() != 0 || ts.SpansExported != uint64(len(in)) {
		t.Errorf("tracer stats: %+v", ts)
	}
	t.Logf("%d spans in %d chunks, %d payloads; %d too large", len(in), len(memChunks), len(reqs), len(tooLarge))
}

// checkOurHeaders checks the request headers DDWIRE.md lists.
func checkOurHeaders(t *testing.T, at string, r recordedRequest, chunks int) {
	t.Helper()
	want := map[string]string{
		"Content-Type":                      "application/msgpack",
		"Content-Length":                    fmt.Sprint(len(r.Body)),
		"Datadog-Meta-Lang":                 "go",
		"Datadog-Meta-Lang-Version":         strings.TrimPrefix(goVersion(), "go"),
		"Datadog-Meta-Lang-Interpreter":     goInterpreter(),
		"Datadog-Meta-Tracer-Version":       agent.TracerVersion,
		"X-Datadog-Trace-Count":             fmt.Sprint(chunks),
		"Datadog-Client-Computed-Top-Level": "yes",
		"Datadog-Client-Dropped-P0-Traces":  "0",
		"Datadog-Client-Dropped-P0-Spans":   "0",
	}
	for k, v := range want {
		if got := r.Header.Values(k); len(got) != 1 || got[0] != v {
			t.Errorf("%s: header %s = %q, want %q", at, k, got, v)
		}
	}
}

// snapshotWire is a snapshot as the wire should carry it, before what the
// wire adds.
func snapshotWire(s trace.Snapshot) wireSpan {
	w := wireSpan{
		Service: s.Service(), Name: s.Name(), Resource: s.Resource(), Type: s.Type(),
		TraceID: s.TraceID().Lower(), SpanID: s.SpanID(), ParentID: s.ParentID(),
		Start: s.Start().UnixNano(), Duration: int64(s.Duration()),
		Meta: map[string]string{}, Metrics: map[string]float64{},
	}
	if s.IsError() {
		w.Error = 1
	}
	for i := range s.NumLinks() {
		l := s.LinkAt(i)
		w.Links = append(w.Links, wireLink{l.TraceID.Upper(), l.TraceID.Lower(), l.SpanID, l.Attributes, l.Tracestate, l.Flags})
	}
	for k, v := range s.Tags() {
		if v.IsNumber() {
			w.Metrics[k] = v.Float64()
		} else {
			w.Meta[k] = v.String()
		}
	}
	return w
}

// checkLinksJSON checks _dd.span_links, the JSON copy of the span's links
// (DDWIRE.md): one object per link, with dd-trace-go's field names.
func checkLinksJSON(t *testing.T, at string, s trace.Snapshot, js string) {
	t.Helper()
	var got []struct {
		TraceID     uint64            `json:"trace_id"`
		TraceIDHigh uint64            `json:"trace_id_high"`
		SpanID      uint64            `json:"span_id"`
		Attributes  map[string]string `json:"attributes"`
		Tracestate  string            `json:"tracestate"`
		Flags       uint32            `json:"flags"`
	}
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Errorf("%s: _dd.span_links %q: %v", at, clip(js), err)
		return
	}
	if len(got) != s.NumLinks() {
		t.Errorf("%s: _dd.span_links has %d links, the span %d", at, len(got), s.NumLinks())
		return
	}
	for i, g := range got {
		l := s.LinkAt(i)
		// JSON carries text as UTF-8: invalid bytes read back as U+FFFD.
		var attrs map[string]string
		if b, err := json.Marshal(l.Attributes); err == nil {
			_ = json.Unmarshal(b, &attrs)
		}
		l.Attributes = attrs
		if g.TraceID != l.TraceID.Lower() || g.TraceIDHigh != l.TraceID.Upper() || g.SpanID != l.SpanID ||
			!cmp.Equal(g.Attributes, l.Attributes, cmpopts.EquateEmpty()) || g.Tracestate != l.Tracestate || g.Flags != l.Flags {
			t.Errorf("%s: _dd.span_links[%d] = %+v, link %+v", at, i, g, l)
		}
	}
}

// ownless returns the keys of ks that s did not set itself: a tag the span
// set wins over what the wire would add under the same key.
func ownless(s trace.Snapshot, ks []string) map[string]bool {
	out := map[string]bool{}
	for _, k := range ks {
		if _, own := s.Tag(k); !own {
			out[k] = true
		}
	}
	return out
}

func without[V any](m map[string]V, drop map[string]bool) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		if !drop[k] {
			out[k] = v
		}
	}
	return out
}

func only[V any](m map[string]V, keep map[string]bool) map[string]V {
	out := map[string]V{}
	for k, v := range m {
		if keep[k] {
			out[k] = v
		}
	}
	return out
}

type wireErr struct{ code int }

func (e wireErr) Error() string { return fmt.Sprintf("wire error %d", e.code) }

type named string

func (n named) String() string { return "named:" + string(n) }

// richWorkload makes every kind of trace the wire must carry.
func richWorkload(t *testing.T, tr *trace.Tracer) {
	bg := context.Background()

	// Roots with tags of every kind.
	{
		_, s := tr.Start(bg, "tags.kinds", trace.Resource("GET /kinds"), trace.Type("web"),
			trace.Tag("at.start", "yes"), trace.Tag("at.start.num", 3))
		n := 5
		str := "pointed"
		for k, v := range map[string]any{
			"str": "v", "empty": "", "bool.t": true, "bool.f": false,
			"int": 42, "int.neg": -7, "int8": int8(-8), "int16": int16(16), "int32": int32(-32), "int64": int64(64),
			"int64.big": int64(1 << 60), "int64.min": int64(math.MinInt64), "int64.2p53": int64(1 << 53),
			"int.big": 1 << 60, "uint": uint(7), "uint8": uint8(200), "uint16": uint16(65535), "uint32": uint32(1 << 31),
			"uint64.small": uint64(7), "uint64.big": uint64(1<<63 + 5), "uint64.max": uint64(math.MaxUint64),
			"f32": float32(1.5), "f64": 3.25, "nan": math.NaN(), "inf": math.Inf(1), "ninf": math.Inf(-1),
			"negzero": math.Copysign(0, -1), "huge.f": 1e300, "tiny.f": 5e-324,
			"nil": nil, "stringer": named("x"), "err.value": errors.New("not the error tag"),
			"bytes": []byte("raw bytes"), "dur": 1500 * time.Millisecond,
			"slice.str": []string{"a", "b"}, "slice.int": []int{1, 2, 3}, "slice.any": []any{1, "a", true, nil, 2.5},
			"slice.nested": [][]string{{"x"}, {"y", "z"}}, "array": [2]string{"p", "q"}, "slice.empty": []string{},
			"struct": struct{ A, B int }{1, 2}, "map": map[string]int{"a": 1}, "ptr.int": &n, "ptr.str": &str,
		} {
			s.SetTag(k, v)
		}
		s.SetTag("str.then.num", "x")
		s.SetTag("str.then.num", 1.0)
		s.SetTag("num.then.str", 1.0)
		s.SetTag("num.then.str", "x")
		s.SetBaggageItem("baggage.never.sent", "secret")
		s.Finish()
	}

	// Unicode, invalid UTF-8, values and keys at and beyond the limits.
	{
		_, s := tr.Start(bg, "unicode.ünï 你好 🎉", trace.Service("svc-ü"), trace.Resource("résumé ✓"))
		s.SetTag("ключ", "значение")
		s.SetTag("emoji", "🎉🎉")
		s.SetTag("bad.utf8", "a\xff\xfeb\xc3")
		s.SetTag("key.bad.\xff", "v")
		s.SetTag("nul", "a\x00b")
		s.SetTag(strings.Repeat("k", 200), "key at the limit")
		s.SetTag(strings.Repeat("K", 250), "key beyond the limit")
		s.SetTag("v.at.limit", strings.Repeat("v", 25000))
		s.SetTag("v.beyond.limit", strings.Repeat("w", 30000))
		s.Finish()
		_, s = tr.Start(bg, strings.Repeat("n", 150), trace.Resource(strings.Repeat("r", 6000)),
			trace.Service(strings.Repeat("s", 120)), trace.Type("t\xff"))
		s.SetTag("v.rune.straddles", strings.Repeat("x", 24999)+"é")
		s.SetTag("v.bad.at.limit", strings.Repeat("y", 24998)+"\xff\xff")
		s.Finish()
	}

	// Many tags: past the per-span limit.
	{
		_, s := tr.Start(bg, "many.tags")
		for i := range 1100 {
			if i%2 == 0 {
				s.SetTag(fmt.Sprintf("t%04d", i), i)
			} else {
				s.SetTag(fmt.Sprintf("t%04d", i), fmt.Sprint("value ", i))
			}
		}
		s.Finish()
	}

	// Children, service overrides, finish order.
	{
		ctx, root := tr.Start(bg, "web.request", trace.Resource("/posts"), trace.Type("web"))
		_, a := tr.Start(ctx, "child.a")
		dctx, db := tr.Start(ctx, "db.query", trace.Service("db"), trace.Resource("SELECT 1"), trace.Type("sql"))
		_, fetch := tr.Start(dctx, "db.fetch")
		_, upper := tr.Start(ctx, "svc.upper", trace.Service("SVC"))
		_, renamed := tr.Start(ctx, "renamed.later")
		renamed.SetTag("service.name", "cache")
		_, late := tr.Start(ctx, "child.after.root", trace.WithLinks(
			trace.Link{TraceID: a.Context().TraceID(), SpanID: a.Context().SpanID(), Attributes: map[string]string{"link.kind": "follows", "ü": "\xff"}},
			trace.Link{TraceID: trace.NewTraceID(0x2222222222222222, 0x1111111111111111), SpanID: 0x3333333333333333,
				Tracestate: "dd=s:1;t.dm:-4", Flags: 1},
			trace.Link{TraceID: trace.NewTraceID(0, 5), SpanID: 6},
			trace.Link{SpanID: 7}, // no trace id: ignored
		))
		late.AddLink(trace.Link{TraceID: db.Context().TraceID(), SpanID: db.Context().SpanID()})
		fetch.Finish()
		db.Finish()
		upper.Finish()
		renamed.Finish()
		root.Finish()
		a.Finish()
		late.Finish()
	}

	// Errors.
	{
		ctx, root := tr.Start(bg, "errors.root")
		_, s := tr.Start(ctx, "err.withError")
		s.Finish(trace.WithError(errors.New("boom")))
		_, s = tr.Start(ctx, "err.noStack")
		s.Finish(trace.WithError(wireErr{7}), trace.StackDepth(0, 0))
		_, s = tr.Start(ctx, "err.depth")
		s.Finish(trace.WithError(errors.New("shallow")), trace.StackDepth(2, 0))
		_, s = tr.Start(ctx, "err.setTag")
		s.SetTag("error", fmt.Errorf("wrapped: %w", errors.New("inner")))
		s.Finish()
		_, s = tr.Start(ctx, "err.true")
		s.SetTag("error", true)
		s.Finish()
		_, s = tr.Start(ctx, "err.text")
		s.SetTag("error", "a text")
		s.Finish()
		_, s = tr.Start(ctx, "err.cleared")
		s.SetError(errors.New("cleared"))
		s.SetTag("error", false)
		s.Finish()
		_ = tr.Do(ctx, "err.do", func(context.Context) error { return errors.New("from Do") })
		func() {
			defer func() { _ = recover() }()
			_ = tr.Do(ctx, "err.panic", func(context.Context) error { panic("oh no") })
		}()
		root.Finish()
	}

	// Remote parents.
	remotes := []trace.SpanContextConfig{
		{ // priority, origin, propagated tags incl. _dd.p.tid, 128-bit id
			TraceID: trace.NewTraceID(0x640cfd8d00000000, 1234567890123456789), SpanID: 987654321,
			Priority: trace.PriorityUserKeep, HasPriority: true, Origin: "synthetics",
			Tags: map[string]string{"_dd.p.dm": "-4", "_dd.p.tid": "640cfd8d00000000", "_dd.p.usr.id": "u1"}, Remote: true,
		},
		{ // 128-bit id without _dd.p.tid among the tags
			TraceID: trace.NewTraceID(0x650cfd8d00000000, 42), SpanID: 43,
			Priority: trace.PriorityAutoKeep, HasPriority: true, Tags: map[string]string{"_dd.p.dm": "-1"}, Remote: true,
		},
		{ // no decision upstream: the sampler decides
			TraceID: trace.NewTraceID(0, 77), SpanID: 78, Origin: "rum", Remote: true,
		},
		{ // sampled out upstream: still sent
			TraceID: trace.NewTraceID(0, 88), SpanID: 89, Priority: trace.PriorityAutoReject, HasPriority: true, Remote: true,
		},
	}
	for i, cfg := range remotes {
		rctx := trace.ContextWithSpanContext(bg, trace.NewSpanContext(cfg))
		ctx, s := tr.Start(rctx, fmt.Sprintf("remote%d.child", i), trace.Resource("r"))
		cctx, c := tr.Start(ctx, fmt.Sprintf("remote%d.grandchild", i))
		_, g := tr.Start(cctx, fmt.Sprintf("remote%d.greatgrandchild", i), trace.Service("other"))
		g.Finish()
		c.Finish()
		s.Finish()
	}

	// Manual keep and drop.
	{
		for i, mark := range []func(root, child *trace.Span){
			func(r, _ *trace.Span) { r.Keep() },
			func(r, _ *trace.Span) { r.Drop() },
			func(_, c *trace.Span) { c.Keep() },
			func(r, _ *trace.Span) { r.SetTag("manual.keep", true) },
			func(r, _ *trace.Span) { r.SetTag("manual.drop", true) },
			func(r, _ *trace.Span) { r.SetTag("sampling.priority", 2) },
			func(r, c *trace.Span) { r.Keep(); c.Drop() },
		} {
			ctx, r := tr.Start(bg, fmt.Sprintf("manual%d.root", i))
			_, c := tr.Start(ctx, fmt.Sprintf("manual%d.child", i))
			mark(r, c)
			c.Finish()
			r.Finish()
		}
	}

	// Explicit ids and times.
	{
		start := time.Date(2001, 2, 3, 4, 5, 6, 7, time.UTC)
		ctx, r := tr.Start(bg, "explicit.root", trace.WithSpanID(0x1234), trace.StartTime(start))
		_, c := tr.Start(ctx, "explicit.child", trace.StartTime(start.Add(time.Second)))
		c.Finish(trace.FinishTime(start)) // ends before it starts: duration 0
		r.Finish(trace.FinishTime(start.Add(time.Hour)))
	}

	// Too large for a 64 KiB payload: dropped and counted there.
	{
		ctx, r := tr.Start(bg, "huge.root")
		_, big := tr.Start(ctx, "huge.too_large")
		for i := range 3 {
			big.SetTag(fmt.Sprint("v", i), strings.Repeat(string(rune('a'+i)), 25000))
		}
		big.Finish()
		_, after := tr.Start(ctx, "huge.after")
		after.Finish()
		r.Finish()
	}

	// A 2,000-span trace: several payloads at 64 KiB, many partial chunks.
	{
		ctx, r := tr.Start(bg, "big.root", trace.Resource("batch"))
		var parents []context.Context
		for i := range 1999 {
			pctx := ctx
			if i%10 != 0 && len(parents) > 0 {
				pctx = parents[len(parents)-1]
			}
			cctx, c := tr.Start(pctx, "big.child", trace.Resource(fmt.Sprint("item ", i)))
			c.SetTag("i", i)
			c.SetTag("label", fmt.Sprintf("item-%05d %s", i, strings.Repeat("·", i%40)))
			if i%10 == 0 {
				parents = append(parents, cctx)
			}
			if i%97 == 0 {
				c.SetError(fmt.Errorf("item %d failed", i))
			}
			c.Finish()
		}
		r.Finish()
	}

	// Concurrent traces.
	{
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 25 {
					ctx, r := tr.Start(bg, "conc.root", trace.Tag("g", g), trace.Tag("i", i))
					_, c1 := tr.Start(ctx, "conc.c1")
					_, c2 := tr.Start(ctx, "conc.c2", trace.Service("conc-db"))
					c2.Finish()
					c1.Finish()
					r.Finish()
				}
			}()
		}
		wg.Wait()
	}
}
