package trace_test

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// guard is a context for waits that must end: its deadline detects a hang,
// it does not time anything.
func guard(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// quietLogger drops what the tracer logs: drops are expected here.
func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestOpenRootDoesNotHoldChildren: a root that never finishes must not
// keep its finished children, nor their share of the budget, forever. They
// are handed on as partial chunks after a few flush intervals.
//
// It fails when finished spans wait for their trace to complete (or for
// the partial-flush threshold, 1,000 spans by default, which 50 children
// never reach): nothing arrives, and SpansQueued stays at 50.
func TestOpenRootDoesNotHoldChildren(t *testing.T) {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp), trace.WithFlushInterval(5*time.Millisecond))
	defer tr.Shutdown(context.Background())
	ctx, root := tr.Start(context.Background(), "root")
	_ = root // never finished
	for range 50 {
		_, c := tr.Start(ctx, "child")
		c.Finish()
	}
	got, err := exp.WaitForSpans(guard(t), 50)
	if err != nil {
		t.Fatalf("%d of 50 finished children arrived while their root stays open: %v", len(got), err)
	}
	n := 0
	for _, c := range exp.Chunks() {
		if !c.Partial() {
			t.Errorf("a chunk of a trace whose root is open is not partial")
		}
		for _, s := range c.Spans() {
			if s.Name() == "root" {
				t.Errorf("the open root was exported")
			}
			n++
		}
	}
	if n != 50 {
		t.Errorf("%d spans exported, want the 50 children", n)
	}
	st := eventually(t, tr, func(st trace.Stats) bool { return st.SpansQueued == 0 })
	if st.SpansFinished != 50 || st.SpansExported != 50 || st.PartialChunks == 0 || st.PartialChunks != st.Chunks {
		t.Errorf("stats %+v", st)
	}
}

// TestShutdownExportsChildrenOfOpenTrace: at Shutdown, the finished spans
// of a trace still open go out as a partial chunk. It fails when Shutdown
// exports only the queue and forgets the spans held for open traces: they
// are then neither exported nor counted as dropped.
func TestShutdownExportsChildrenOfOpenTrace(t *testing.T) {
	exp := memory.New()
	// An hour: no interval passes, so only Shutdown can hand them on.
	tr := trace.New(trace.WithExporter(exp), trace.WithFlushInterval(time.Hour))
	ctx, root := tr.Start(context.Background(), "root")
	for range 10 {
		_, c := tr.Start(ctx, "child")
		c.Finish()
	}
	if err := tr.Shutdown(guard(t)); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range exp.Chunks() {
		if !c.Partial() {
			t.Error("a chunk of an open trace is not partial")
		}
		n += c.Len()
	}
	st := tr.Stats()
	if n != 10 || st.SpansExported != 10 || st.SpansQueued != 0 || st.PartialChunks == 0 {
		t.Errorf("%d of 10 finished children exported at Shutdown; stats %+v", n, st)
	}
	root.Finish() // after Shutdown: dropped, and counted
	st = tr.Stats()
	if st.Dropped.Shutdown != 1 {
		t.Errorf("the root finished after Shutdown: %+v", st)
	}
	checkAccounting(t, st)
}

// TestStatsCountEachTracersOwnSpans: in a trace that tracer A's root began
// and tracer B's spans joined (B.Start under A's span), the trace is
// exported by A, and each tracer counts its own spans: A 1, B 100. It
// fails when the tracer that exports a chunk counts all of its spans: A
// would show 101 exported of 1 started, and B 100 started and none
// exported or dropped.
func TestStatsCountEachTracersOwnSpans(t *testing.T) {
	cases := []struct {
		name       string
		rootLast   bool
		failExport bool // A's exporter fails: B's spans are dropped, counted on B
	}{
		{"A's root finishes last", true, false},
		{"B's span finishes last", false, false},
		{"A's exporter fails", true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			expA, expB := memory.New(), memory.New()
			var ea trace.Exporter = expA
			if c.failExport {
				ea = failingExporter{}
			}
			a := trace.New(trace.WithService("a"), trace.WithExporter(ea), trace.WithLogger(quietLogger()))
			b := trace.New(trace.WithService("b"), trace.WithExporter(expB), trace.WithLogger(quietLogger()))
			ctx, root := a.Start(context.Background(), "root")
			children := make([]*trace.Span, 100)
			for i := range children {
				_, children[i] = b.Start(ctx, "child")
				if children[i].TraceID() != root.TraceID() || children[i].ParentID() != root.SpanID() {
					t.Fatal("B's span is not a child of A's")
				}
			}
			if !c.rootLast {
				root.Finish()
			}
			for _, s := range children {
				s.Finish()
			}
			if c.rootLast {
				root.Finish()
			}
			for _, tr := range []*trace.Tracer{a, b} {
				if err := tr.Shutdown(guard(t)); err != nil {
					t.Fatal(err)
				}
			}
			if !c.failExport && (expA.Len() != 101 || len(expA.Traces()) != 1 || expB.Len() != 0) {
				t.Errorf("A exported %d spans in %d traces, B %d: the trace goes whole to its root's tracer",
					expA.Len(), len(expA.Traces()), expB.Len())
			}
			for _, x := range []struct {
				name string
				tr   *trace.Tracer
				own  uint64
			}{{"A", a, 1}, {"B", b, 100}} {
				st := x.tr.Stats()
				done := st.SpansExported
				if c.failExport {
					done = st.Dropped.ExportFailed
				}
				if st.SpansStarted != x.own || st.SpansFinished != x.own || done != x.own {
					t.Errorf("tracer %s started %d of its own spans; stats %+v", x.name, x.own, st)
				}
				checkAccounting(t, st)
			}
		})
	}
}

// TestTagsTruncatedCountsOnlyKeptTags: a tag refused because the span is
// full is counted once, as dropped, even if its key or value was too long.
// It fails when the cut is counted before the tag's fate is known: the tag
// is then counted both truncated and dropped.
func TestTagsTruncatedCountsOnlyKeptTags(t *testing.T) {
	tr := trace.New(trace.WithExporter(trace.Discard), trace.WithLimits(trace.Limits{Tags: 4, KeyLength: 16, ValueLength: 16}))
	defer tr.Shutdown(context.Background())
	_, s := tr.Start(context.Background(), "op")
	defer s.Finish()
	for i := range 4 {
		s.SetTag("k"+strconv.Itoa(i), "v")
	}
	before := tr.Stats()
	if before.TagsDropped != 0 || before.TagsTruncated != 0 {
		t.Fatalf("the span is not just full: %+v", before)
	}
	long := strings.Repeat("x", 100)
	s.SetTag("new", long) // a long value on a new key: dropped
	s.SetTag(long, "v")   // a long new key: dropped
	after := tr.Stats()
	if d, c := after.TagsDropped-before.TagsDropped, after.TagsTruncated-before.TagsTruncated; d != 2 || c != 0 {
		t.Errorf("two tags refused by a full span: %d dropped, %d truncated; want 2 and 0", d, c)
	}
	s.SetTag("k0", long) // a key the span has: replaced, and cut
	last := tr.Stats()
	if d, c := last.TagsDropped-after.TagsDropped, last.TagsTruncated-after.TagsTruncated; d != 0 || c != 1 {
		t.Errorf("a long value replacing a tag: %d dropped, %d truncated; want 0 and 1", d, c)
	}
}

// flushWatcher counts the spans exported before the test's last Flush.
type flushWatcher struct {
	last         atomic.Bool // the test's last Flush has begun
	early, spans atomic.Int64
}

func (e *flushWatcher) Export(_ context.Context, batch []trace.Chunk) error {
	for _, c := range batch {
		e.spans.Add(int64(c.Len()))
		if !e.last.Load() {
			e.early.Add(int64(c.Len()))
		}
	}
	return nil
}

func (e *flushWatcher) Shutdown(context.Context) error { return nil }

// TestFlushWithDoneContextAlwaysFails: a done context is reported at once,
// every time, and nothing is asked of the batcher. A span finishes before
// each call, so a call that reached the batcher would export the spans
// queued so far; as no interval passes and no batch fills, nothing may be
// exported before the test's last Flush.
//
// It fails when Flush selects between handing its request to the idle
// batcher and the context's Done channel: select picks at random among
// ready cases, so about half of the calls reach the batcher, which exports
// (runtime.Gosched lets it run before the next call), and a call whose
// answer comes back before it looks at its context again returns nil.
func TestFlushWithDoneContextAlwaysFails(t *testing.T) {
	exp := &flushWatcher{}
	tr := trace.New(trace.WithExporter(exp), trace.WithFlushInterval(time.Hour), trace.WithBatchSize(1<<30))
	defer tr.Shutdown(context.Background())
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()
	const n = 1000
	for i := range n {
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
		if err := tr.Flush(cancelled); !errors.Is(err, context.Canceled) {
			t.Fatalf("call %d: Flush with a cancelled context = %v", i, err)
		}
		if err := tr.Flush(expired); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("call %d: Flush with an expired context = %v", i, err)
		}
		runtime.Gosched()
	}
	exp.last.Store(true)
	if err := tr.Flush(guard(t)); err != nil {
		t.Fatalf("the batcher no longer flushes: %v", err)
	}
	if early, all := exp.early.Load(), exp.spans.Load(); early != 0 || all != n {
		t.Errorf("%d of %d spans exported before the Flush with a live context: a Flush with a done context asked the batcher to export", early, all)
	}
}
