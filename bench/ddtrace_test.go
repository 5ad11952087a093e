package bench

import (
	"bytes"
	"context"
	"testing"
	"time"

	v2tracer "github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/tinylib/msgp/msgp"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func init() {
	register(contender{name: "ddtrace", rank: 1, root: ddRoot, rootParallel: ddRootParallel, child: ddChild,
		encode: ddEncode, delivered: ddDelivered})
}

// discardLogger silences dd-trace-go.
type discardLogger struct{}

func (discardLogger) Log(string) {}

// startDD starts dd-trace-go's global tracer, sending to the stand-in agent.
func startDD() { startDDAt(standIn.addr()) }

// startDDAt starts dd-trace-go's global tracer, sending to the agent at
// addr (host:port).
func startDDAt(addr string) {
	tracer.Start(
		tracer.WithAgentAddr(addr),
		tracer.WithLogStartup(false),
		tracer.WithLogger(discardLogger{}),
		tracer.WithService("bench"),
	)
}

func ddRoot(b *testing.B) {
	startDD()
	before := standIn.counts().Traces
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		span := tracer.StartSpan(spanName, tracer.ResourceName(resourceName))
		span.SetTag(keyMethod, method)
		span.SetTag(keyStatusCode, statusCode)
		span.SetTag(keyWeight, weight)
		span.Finish()
	}
	b.StopTimer()
	tracer.Stop()
	// Each trace is one root span: the traces the agent counted are the
	// spans dd-trace-go delivered.
	reportExported(b, standIn.counts().Traces-before, int64(b.N))
}

func ddRootParallel(b *testing.B) {
	startDD()
	before := standIn.counts().Traces
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			span := tracer.StartSpan(spanName, tracer.ResourceName(resourceName))
			span.SetTag(keyMethod, method)
			span.SetTag(keyStatusCode, statusCode)
			span.SetTag(keyWeight, weight)
			span.Finish()
		}
	})
	b.StopTimer()
	tracer.Stop()
	// Each trace is one root span: the traces the agent counted are the
	// spans dd-trace-go delivered.
	reportExported(b, standIn.counts().Traces-before, int64(b.N))
}

func ddChild(b *testing.B) {
	startDD()
	newRoot := func() (tracer.Span, context.Context) {
		root := tracer.StartSpan(spanName, tracer.ResourceName(resourceName))
		return root, tracer.ContextWithSpan(context.Background(), root)
	}
	root, ctx := newRoot()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		child, _ := tracer.StartSpanFromContext(ctx, childName)
		child.Finish()
		if i%childrenPerRoot == 0 {
			b.StopTimer()
			root.Finish()
			root, ctx = newRoot()
			b.StartTimer()
		}
	}
	b.StopTimer()
	root.Finish()
	tracer.Stop()
}

// ddTrace records the trace of BenchmarkEncode and BenchmarkDelivered, with
// children started from a context as in BenchmarkChildSpan.
func ddTrace() {
	root := tracer.StartSpan(spanName, tracer.ResourceName(resourceName))
	ddTags(root)
	ctx := tracer.ContextWithSpan(context.Background(), root)
	for range traceChildren {
		child, _ := tracer.StartSpanFromContext(ctx, childName)
		ddTags(child)
		child.Finish()
	}
	root.Finish()
}

func ddTags(s ddtrace.Span) {
	s.SetTag(keyMethod, method)
	s.SetTag(keyRoute, route)
	s.SetTag(keyTier, tier)
	s.SetTag(keyStatusCode, statusCode)
	s.SetTag(keyWeight, weight)
}

// ddEncode: dd-trace-go's payload type is unexported, but what its v0.4
// payload does with each trace is public: every *Span (v2, which v1.74.8 runs)
// has the msgp-generated EncodeMsg and Msgsize methods, and the payload grows
// its buffer by the trace's Msgsize and msgp.Encodes the trace (an array
// header, then each span) into it. ddSpanList does that through those public
// methods. The trace is recorded once through the v2 API (the global tracer v1
// starts is v2's), with the tracer sending to the stand-in agent, so the spans
// carry every tag dd-trace-go adds before it encodes them; it is then
// stopped, so nothing else touches them. Every encodeFlushEvery traces the
// benchmark starts a new buffer with the timer stopped, as dd-trace-go
// starts a new payload at each flush.
func ddEncode(b *testing.B) {
	trace := ddRecordV2()
	if len(trace) != traceSpans {
		b.Fatalf("recorded %d spans, want %d", len(trace), traceSpans)
	}
	buf := new(bytes.Buffer)
	var encoded int64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		buf.Grow(trace.Msgsize())
		if err := msgp.Encode(buf, trace); err != nil {
			b.Fatal(err)
		}
		if i%encodeFlushEvery == 0 {
			b.StopTimer()
			encoded += int64(buf.Len())
			buf = new(bytes.Buffer)
			b.StartTimer()
		}
	}
	b.StopTimer()
	encoded += int64(buf.Len())
	reportEncode(b, encoded, int64(b.N*traceSpans))
}

// ddSpanList is one trace of dd-trace-go v2 spans as its v0.4 payload
// encodes it: a msgpack array of span maps.
type ddSpanList []*v2tracer.Span

func (l ddSpanList) EncodeMsg(w *msgp.Writer) error {
	if err := w.WriteArrayHeader(uint32(len(l))); err != nil {
		return err
	}
	for _, s := range l {
		if err := s.EncodeMsg(w); err != nil {
			return err
		}
	}
	return nil
}

func (l ddSpanList) Msgsize() int {
	n := msgp.ArrayHeaderSize
	for _, s := range l {
		n += s.Msgsize()
	}
	return n
}

// ddRecordV2 records the trace of ddTrace through dd-trace-go's v2 API, root
// first then the children in start order (dd-trace-go's order in a trace),
// and returns it once the tracer has sent it and stopped.
func ddRecordV2() ddSpanList {
	v2tracer.Start(
		v2tracer.WithAgentAddr(standIn.addr()),
		v2tracer.WithLogStartup(false),
		v2tracer.WithLogger(discardLogger{}),
		v2tracer.WithService("bench"),
	)
	tags := func(s *v2tracer.Span) {
		s.SetTag(keyMethod, method)
		s.SetTag(keyRoute, route)
		s.SetTag(keyTier, tier)
		s.SetTag(keyStatusCode, statusCode)
		s.SetTag(keyWeight, weight)
	}
	root := v2tracer.StartSpan(spanName, v2tracer.ResourceName(resourceName))
	tags(root)
	list := ddSpanList{root}
	ctx := v2tracer.ContextWithSpan(context.Background(), root)
	for range traceChildren {
		child, _ := v2tracer.StartSpanFromContext(ctx, childName)
		tags(child)
		child.Finish()
		list = append(list, child)
	}
	root.Finish()
	v2tracer.Stop()
	return list
}

// ddDelivered: see BenchmarkDelivered. tracer.Stop flushes and waits for
// the agent's answers.
func ddDelivered(b *testing.B) {
	runDelivered(b, func(p *agentProcess) (func(), func()) {
		startDDAt(p.addr)
		return ddTrace, tracer.Stop
	})
}

// TestDDTraceExports checks that dd-trace-go, set up as in the benchmarks,
// really sends its traces to the stand-in agent.
func TestDDTraceExports(t *testing.T) {
	before := standIn.counts()
	payloads, traces := before.Payloads, before.Traces
	startDD()
	const n = 10
	for range n {
		span := tracer.StartSpan(spanName, tracer.ResourceName(resourceName))
		span.SetTag(keyMethod, method)
		span.SetTag(keyStatusCode, statusCode)
		span.SetTag(keyWeight, weight)
		span.Finish()
	}
	tracer.Stop() // flushes
	// Stop flushes synchronously in current releases; allow a little slack.
	deadline := time.Now().Add(5 * time.Second)
	for standIn.traces.Load()-traces < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := standIn.payloads.Load() - payloads; got < 1 {
		t.Errorf("stand-in agent received %d trace payloads from dd-trace-go, want at least 1", got)
	}
	if got := standIn.traces.Load() - traces; got != n {
		t.Errorf("stand-in agent received %d traces from dd-trace-go, want %d", got, n)
	}
	if got := standIn.counts().sub(before); got.Spans != n || got.Bad != 0 {
		t.Errorf("stand-in agent counted %d spans (%d bad payloads) from dd-trace-go, want %d (0)", got.Spans, got.Bad, n)
	}
}

// TestDDTraceDelivers checks BenchmarkDelivered's setup for dd-trace-go: the
// stand-in agent in its child process counts every span of three traces.
func TestDDTraceDelivers(t *testing.T) {
	p, err := sharedAgentProcess()
	if err != nil {
		t.Fatal(err)
	}
	before, err := p.counts()
	if err != nil {
		t.Fatal(err)
	}
	startDDAt(p.addr)
	for range 3 {
		ddTrace()
	}
	tracer.Stop()
	after, err := p.counts()
	if err != nil {
		t.Fatal(err)
	}
	if got := after.sub(before); got.Spans != 3*traceSpans || got.Traces != 3 || got.Bad != 0 {
		t.Errorf("stand-in agent process received %+v from dd-trace-go, want 3 traces, %d spans, 0 bad", got, 3*traceSpans)
	}
}

// TestDDEncodeMatchesPayload checks that ddEncode encodes what dd-trace-go
// sends: ddSpanList's encoding of a recorded trace decodes as one trace of
// traceSpans spans, and its size is what the stand-in agent received for
// that trace, give or take the payload's header.
func TestDDEncodeMatchesPayload(t *testing.T) {
	before := standIn.counts()
	trace := ddRecordV2()
	got := standIn.counts().sub(before)
	var buf bytes.Buffer
	if err := msgp.Encode(&buf, trace); err != nil {
		t.Fatal(err)
	}
	n, err := countSpans(append([]byte{0x91}, buf.Bytes()...), false)
	if err != nil || n != traceSpans {
		t.Fatalf("ddSpanList decodes as %d spans (%v), want %d", n, err, traceSpans)
	}
	if got.Spans != traceSpans || got.Payloads != 1 {
		t.Fatalf("stand-in agent received %+v, want 1 payload of %d spans", got, traceSpans)
	}
	if d := got.Bytes - int64(buf.Len()); d < 0 || d > 8 {
		t.Errorf("the payload dd-trace-go sent is %d bytes, ddSpanList's encoding of it %d", got.Bytes, buf.Len())
	}
}
