// The benchmarks of ours.

package bench

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	ctrace "github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/exporter/memory"
)

func init() {
	register(contender{name: "ours", rank: 0, root: oursTracerRoot, rootParallel: oursTracerRootParallel, child: oursTracerChild,
		encode: oursEncode, delivered: oursDelivered})
	// ours' own API (trace.Start), beside the dd-trace-go API of "ours".
	register(contender{name: "ours-native", rank: 5, root: oursRoot, rootParallel: oursRootParallel, child: oursChild})
}

// quiet silences ours, as discardLogger silences dd-trace-go.
var quiet = slog.New(slog.DiscardHandler)

// oursExporter is where ours sends its spans in the benchmarks and tests
// that measure spans: the Datadog Agent exporter with its defaults, sending to
// the same stand-in agent as dd-trace-go, so both pay for encoding and HTTP.
func oursExporter() ctrace.Exporter {
	return oursAgent(standIn.url())
}

// oursAgent is ours' Datadog Agent exporter sending to url, silenced.
func oursAgent(url string, opts ...agent.Option) *agent.Exporter {
	return agent.New(append([]agent.Option{agent.WithURL(url), agent.WithLogger(quiet)}, opts...)...)
}

func newOurs() *ctrace.Tracer { return newOursTo(oursExporter()) }

func newOursTo(exp ctrace.Exporter) *ctrace.Tracer {
	return ctrace.New(ctrace.WithService("bench"), ctrace.WithLogger(quiet), ctrace.WithExporter(exp))
}

func oursRoot(b *testing.B) {
	tr := newOurs()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, span := tr.Start(ctx, spanName, ctrace.Resource(resourceName))
		span.SetTag(keyMethod, method)
		span.SetTag(keyStatusCode, statusCode)
		span.SetTag(keyWeight, weight)
		span.Finish()
	}
	b.StopTimer()
	tr.Shutdown(context.Background())
	reportExported(b, int64(tr.Stats().SpansExported), int64(b.N))
}

func oursRootParallel(b *testing.B) {
	tr := newOurs()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, span := tr.Start(ctx, spanName, ctrace.Resource(resourceName))
			span.SetTag(keyMethod, method)
			span.SetTag(keyStatusCode, statusCode)
			span.SetTag(keyWeight, weight)
			span.Finish()
		}
	})
	b.StopTimer()
	tr.Shutdown(context.Background())
	reportExported(b, int64(tr.Stats().SpansExported), int64(b.N))
}

func oursChild(b *testing.B) {
	tr := newOurs()
	ctx, root := tr.Start(context.Background(), spanName, ctrace.Resource(resourceName))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		_, child := tr.Start(ctx, childName)
		child.Finish()
		if i%childrenPerRoot == 0 {
			b.StopTimer()
			root.Finish()
			ctx, root = tr.Start(context.Background(), spanName, ctrace.Resource(resourceName))
			b.StartTimer()
		}
	}
	b.StopTimer()
	root.Finish()
	tr.Shutdown(context.Background())
	reportExported(b, int64(tr.Stats().SpansExported), childSpans(b.N))
}

// oursTrace records the trace of BenchmarkEncode and BenchmarkDelivered.
func oursTrace(tr *ctrace.Tracer) {
	ctx, root := tr.Start(context.Background(), spanName, ctrace.Resource(resourceName))
	oursTags(root)
	for range traceChildren {
		_, child := tr.Start(ctx, childName)
		oursTags(child)
		child.Finish()
	}
	root.Finish()
}

func oursTags(s *ctrace.Span) {
	s.SetTag(keyMethod, method)
	s.SetTag(keyRoute, route)
	s.SetTag(keyTier, tier)
	s.SetTag(keyStatusCode, statusCode)
	s.SetTag(keyWeight, weight)
}

// oursEncode: ours' encoder is internal to exporter/agent, so it is measured
// through Exporter.Export, which only encodes (sending happens on the
// exporter's own goroutines, after a flush). The trace is recorded once with
// the memory exporter; each op exports that one chunk. Payloads are flushed to
// the in-process stand-in agent every encodeFlushEvery traces with the timer
// stopped, and the flush size is set so high that nothing is sent otherwise.
// B/span is the bytes the agent accepted over the spans sent.
func oursEncode(b *testing.B) {
	ctx := context.Background()
	mem := memory.New()
	rec := newOursTo(mem)
	oursTrace(rec)
	if err := rec.Shutdown(ctx); err != nil {
		b.Fatal(err)
	}
	batch := mem.Chunks()
	if n := mem.Len(); n != traceSpans || len(batch) != 1 {
		b.Fatalf("recorded %d spans in %d chunks, want %d in 1", n, len(batch), traceSpans)
	}
	exp := oursAgent(standIn.url(), agent.WithFlushSize(1<<30), agent.WithFlushInterval(time.Hour))
	defer exp.Shutdown(ctx)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		if err := exp.Export(ctx, batch); err != nil {
			b.Fatal(err)
		}
		if i%encodeFlushEvery == 0 {
			b.StopTimer()
			if err := exp.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	}
	b.StopTimer()
	if err := exp.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	st := exp.Stats()
	if want := uint64(b.N * traceSpans); st.SpansSent != want || st.Dropped.Total() != 0 {
		b.Fatalf("sent %d spans, want %d; dropped %+v", st.SpansSent, want, st.Dropped)
	}
	reportEncode(b, int64(st.Bytes), int64(st.SpansSent))
}

// oursDelivered: see BenchmarkDelivered. The tracer and exporter run with
// their defaults; Shutdown flushes both and waits for the agent's answers.
func oursDelivered(b *testing.B) {
	runDelivered(b, func(p *agentProcess) (func(), func()) {
		tr := newOursTo(oursAgent(p.url))
		return func() { oursTrace(tr) }, func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := tr.Shutdown(ctx); err != nil {
				b.Errorf("Shutdown: %v", err)
			}
		}
	})
}

// countingExporter counts the spans it is handed and drops them.
type countingExporter struct{ spans atomic.Int64 }

func (e *countingExporter) Export(_ context.Context, batch []ctrace.Chunk) error {
	for _, c := range batch {
		e.spans.Add(int64(c.Len()))
	}
	return nil
}

func (e *countingExporter) Shutdown(context.Context) error { return nil }

// TestOursExports checks that ours, set up as in the benchmarks, hands its
// spans to the exporter (oursExporter() and a counter side by side), and that
// the stand-in agent received them.
func TestOursExports(t *testing.T) {
	before := standIn.counts()
	counter := &countingExporter{}
	tr := ctrace.New(ctrace.WithService("bench"), ctrace.WithExporter(ctrace.MultiExporter(oursExporter(), counter)))
	ctx, root := tr.Start(context.Background(), spanName, ctrace.Resource(resourceName))
	root.SetTag(keyMethod, method)
	root.SetTag(keyStatusCode, statusCode)
	root.SetTag(keyWeight, weight)
	_, child := tr.Start(ctx, childName)
	child.Finish()
	root.Finish()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if got := counter.spans.Load(); got != 2 {
		t.Errorf("exporter received %d spans, want 2", got)
	}
	// Shutdown waited for the agent's answer, given after counting.
	got := standIn.counts().sub(before)
	if got.Payloads < 1 || got.Traces != 1 || got.Spans != 2 || got.Bad != 0 {
		t.Errorf("stand-in agent received %+v from ours, want at least 1 payload, 1 trace, 2 spans, 0 bad", got)
	}
}

// TestOursDelivers checks BenchmarkDelivered's setup for ours: the stand-in
// agent in its child process counts every span of three traces.
func TestOursDelivers(t *testing.T) {
	p, err := sharedAgentProcess()
	if err != nil {
		t.Fatal(err)
	}
	before, err := p.counts()
	if err != nil {
		t.Fatal(err)
	}
	tr := newOursTo(oursAgent(p.url))
	for range 3 {
		oursTrace(tr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	after, err := p.counts()
	if err != nil {
		t.Fatal(err)
	}
	if got := after.sub(before); got.Spans != 3*traceSpans || got.Traces != 3 || got.Bad != 0 {
		t.Errorf("stand-in agent process received %+v from ours, want 3 traces, %d spans, 0 bad", got, 3*traceSpans)
	}
}
