package trace_test

import (
	"context"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/ctxtrace/trace"
)

// stuckExporter holds the first Export, and every one after it, until
// released, whatever its context says: a destination that has stopped
// answering. Everything finished meanwhile waits in the tracer, which must
// keep it within its memory budget.
type stuckExporter struct {
	entered  chan struct{} // closed by the first Export
	release  chan struct{}
	once     sync.Once
	released sync.Once
}

func newStuckExporter() *stuckExporter {
	return &stuckExporter{entered: make(chan struct{}), release: make(chan struct{})}
}

func (e *stuckExporter) Export(context.Context, []trace.Chunk) error {
	e.once.Do(func() { close(e.entered) })
	<-e.release
	return nil
}

func (e *stuckExporter) Shutdown(context.Context) error { return nil }

func (e *stuckExporter) unstick() { e.released.Do(func() { close(e.release) }) }

// liveHeap returns the bytes of the heap still reachable after a full
// collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// megabyte returns a new 1 MiB string that shares its bytes with nothing
// else, so that whatever keeps it keeps its own megabyte. It is the zeroed
// allocation itself, marked with i, not a copy: copying 15,000 megabytes
// would make the test slow under the race detector.
func megabyte(i int) string {
	b := make([]byte, 1<<20)
	strconv.AppendInt(b[:0], int64(i), 10)
	return unsafe.String(&b[0], len(b))
}

// bigError is an error whose message is a megabyte.
type bigError struct{ msg string }

func (e bigError) Error() string { return e.msg }

// TestMemoryBudgetBoundsWhatSpansPin finishes 3,000 spans, each carrying
// its own 1 MiB value, while the exporter is stuck: the live heap must not
// grow much past the 8 MiB budget, whichever way the value reaches the
// span.
//
// It fails when a span is admitted by an estimate of its size that leaves
// out what it references (baggage, links), or when a value cut to its
// limit is a substring of the original: the span then pins the whole
// megabyte while the budget counts the 25,000 bytes kept, and a budget
// that admits a few hundred such spans holds hundreds of megabytes.
func TestMemoryBudgetBoundsWhatSpansPin(t *testing.T) {
	const (
		spans  = 3000
		budget = 8 << 20
		slack  = 16 << 20 // the tracer's own structures, the runtime's, the test's
	)
	// A link needs a context to point at, from a tracer of its own so that
	// the one measured counts only its spans.
	anchorTracer := trace.New(trace.WithExporter(trace.Discard))
	defer anchorTracer.Shutdown(context.Background())
	_, anchor := anchorTracer.Start(context.Background(), "anchor")
	anchor.Finish()
	linkTo := anchor.Context()

	kinds := []struct {
		name string
		// span starts and finishes one span that is given v.
		span func(tr *trace.Tracer, i int, v string)
		// refused: the budget cannot hold 3,000 of these spans, even cut.
		refused bool
	}{
		{"tag", func(tr *trace.Tracer, _ int, v string) {
			_, s := tr.Start(context.Background(), "op")
			s.SetTag("big", v) // cut to Limits.ValueLength
			s.Finish()
		}, true},
		{"error message", func(tr *trace.Tracer, _ int, v string) {
			_, s := tr.Start(context.Background(), "op")
			s.SetError(bigError{v})
			s.Finish()
		}, true},
		{"resource", func(tr *trace.Tracer, _ int, v string) {
			_, s := tr.Start(context.Background(), "op", trace.Resource(v))
			s.Finish()
		}, true},
		{"baggage", func(tr *trace.Tracer, _ int, v string) {
			_, s := tr.Start(context.Background(), "op")
			s.SetBaggageItem("big", v)
			s.Finish()
		}, false},
		{"link attribute", func(tr *trace.Tracer, i int, v string) {
			l := trace.Link{TraceID: linkTo.TraceID(), SpanID: linkTo.SpanID(), Attributes: map[string]string{"big": v}}
			if i%2 == 0 {
				_, s := tr.Start(context.Background(), "op", trace.WithLinks(l))
				s.Finish()
				return
			}
			_, s := tr.Start(context.Background(), "op")
			s.AddLink(l)
			s.Finish()
		}, true},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			exp := newStuckExporter()
			tr := trace.New(trace.WithExporter(exp), trace.WithMemoryBudget(budget), trace.WithLogger(quietLogger()))
			t.Cleanup(func() {
				exp.unstick()
				tr.Shutdown(context.Background())
			})
			before := liveHeap()
			growth := func() int64 { return int64(liveHeap()) - int64(before) }
			for i := range spans {
				k.span(tr, i, megabyte(i))
				// Look now and then rather than only at the end: a tracer
				// that pins every value would otherwise take gigabytes
				// before the test could say so.
				if (i+1)%500 == 0 {
					if g := growth(); g > budget+slack {
						t.Fatalf("after %d spans the live heap grew by %d MiB with a %d MiB budget (stats %+v)",
							i+1, g>>20, budget>>20, tr.Stats())
					}
				}
			}
			held := tr.Stats()
			g := growth()
			if g > budget+slack {
				t.Errorf("the live heap grew by %d MiB with a %d MiB budget (stats %+v)", g>>20, budget>>20, held)
			}
			t.Logf("live heap grew by %.1f MiB; %d spans held, %d refused", float64(g)/(1<<20), held.SpansQueued, held.Dropped.QueueFull)
			if held.SpansQueued == 0 {
				t.Errorf("no span is held behind the stuck exporter, so the test proves nothing: %+v", held)
			}

			exp.unstick()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a hang guard
			defer cancel()
			if err := tr.Shutdown(ctx); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			st := tr.Stats()
			if st.SpansFinished != spans || st.SpansFinished != st.SpansExported+st.Dropped.Total() || st.SpansQueued != 0 {
				t.Errorf("finished %d != exported %d + dropped %d (%+v), %d still queued",
					st.SpansFinished, st.SpansExported, st.Dropped.Total(), st.Dropped, st.SpansQueued)
			}
			if k.refused && st.Dropped.QueueFull == 0 {
				t.Errorf("the budget refused nothing, yet %d spans of this kind cannot fit in %d MiB: %+v", spans, budget>>20, st)
			}
			if st.MemoryInUse != 0 {
				t.Errorf("%d bytes of the budget still taken after Shutdown", st.MemoryInUse)
			}
		})
	}
}

type bigValueKey struct{}

// TestFinishedSpanDoesNotKeepCallersContext: a span waiting for export
// must not keep the context it was started with, nor what that context's
// values reach, alive. It fails when the span embeds or points at its
// context (the context Start returns, which wraps the caller's): the
// megabyte below then lives as long as the stuck exporter holds the span.
func TestFinishedSpanDoesNotKeepCallersContext(t *testing.T) {
	exp := newStuckExporter()
	tr := trace.New(trace.WithExporter(exp), trace.WithFlushInterval(time.Hour))
	t.Cleanup(func() {
		exp.unstick()
		tr.Shutdown(context.Background())
	})
	// Get the exporter stuck on a first span, so that the spans below wait
	// in the queue behind it.
	_, first := tr.Start(context.Background(), "first")
	first.Finish()
	flushCtx, cancelFlush := context.WithCancel(context.Background())
	defer cancelFlush()
	go tr.Flush(flushCtx)
	select {
	case <-exp.entered:
	case <-time.After(30 * time.Second): // a hang guard
		t.Fatal("the exporter was never called")
	}

	collected := make(chan struct{})
	spans := func() []*trace.Span {
		v := new([1 << 20]byte)
		runtime.AddCleanup(v, func(c chan struct{}) { close(c) }, collected)
		ctx := context.WithValue(context.Background(), bigValueKey{}, v)
		ctx, root := tr.Start(ctx, "root")
		_, child := tr.Start(ctx, "child")
		child.Finish()
		root.Finish()
		return []*trace.Span{root, child}
	}()

	gone := false
	for range 50 {
		runtime.GC()
		select {
		case <-collected:
			gone = true
		case <-time.After(20 * time.Millisecond):
		}
		if gone {
			break
		}
	}
	if !gone {
		t.Error("the value in the caller's context is still alive while its finished spans wait for export")
	}
	if st := tr.Stats(); st.SpansQueued < 2 {
		t.Errorf("the spans are no longer held (%+v): the test proves nothing", st)
	}
	runtime.KeepAlive(spans) // the spans themselves stay reachable throughout
}
