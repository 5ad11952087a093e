package trace_test

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// waitGoroutines waits until the goroutine count is back to want.
func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want %d:\n%s", runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// eventually polls tr's stats until ok holds, for at most 5 seconds, and
// returns the last stats.
func eventually(t *testing.T, tr *trace.Tracer, ok func(trace.Stats) bool) trace.Stats {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st := tr.Stats()
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Errorf("stats never reached the expected state: %+v", st)
			return st
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkAccounting asserts that every span started was either exported or
// dropped for a reason.
func checkAccounting(t *testing.T, st trace.Stats) {
	t.Helper()
	if st.SpansStarted != st.SpansFinished || st.SpansFinished != st.SpansExported+st.Dropped.Total() || st.SpansQueued != 0 {
		t.Errorf("accounting does not add up: %+v", st)
	}
}

// TestConcurrentTraces: 8 goroutines × 10,000 traces of 3 nested spans.
// Every span reaches the exporter exactly once, and Shutdown leaves no
// goroutine behind.
func TestConcurrentTraces(t *testing.T) {
	const goroutines, traces = 8, 10_000
	before := runtime.NumGoroutine()
	exp := memory.New()
	// The queue is sized for the whole run: this test is about delivery,
	// not about drops, which TestSlowExporter covers.
	tr := trace.New(trace.WithExporter(exp), trace.WithMemoryBudget(1<<30), trace.WithFlushInterval(5*time.Millisecond))
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range traces {
				ctx, a := tr.Start(context.Background(), "a")
				ctx, b := tr.Start(ctx, "b")
				_, c := tr.Start(ctx, "c")
				c.Finish()
				b.Finish()
				a.Finish()
			}
		})
	}
	wg.Wait()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	const want = goroutines * traces * 3
	spans := exp.Spans()
	if len(spans) != want {
		t.Fatalf("exported %d spans, want %d", len(spans), want)
	}
	seen := make(map[uint64]struct{}, want)
	for _, s := range spans {
		seen[s.SpanID()] = struct{}{}
	}
	if len(seen) != want {
		t.Errorf("%d distinct spans among %d: some arrived twice", len(seen), want)
	}
	if n := len(exp.Traces()); n != goroutines*traces {
		t.Errorf("%d traces, want %d", n, goroutines*traces)
	}
	st := tr.Stats()
	if st.SpansStarted != want || st.SpansExported != want || st.Dropped.Total() != 0 {
		t.Errorf("stats = %+v", st)
	}
	checkAccounting(t, st)
	waitGoroutines(t, before)
}

// TestSlowExporter: an exporter that does not return until the test lets
// it never holds up Start or Finish: the whole loop runs while it is
// stuck (were Finish to wait for it, the loop would never end), and what
// the budget cannot hold is dropped and counted.
func TestSlowExporter(t *testing.T) {
	before := runtime.NumGoroutine()
	exp := &blockingExporter{release: make(chan struct{})}
	tr := trace.New(trace.WithExporter(exp), trace.WithMemoryBudget(256<<10), trace.WithFlushInterval(10*time.Millisecond))
	const n = 50_000
	loop := make(chan struct{})
	go func() {
		defer close(loop)
		for range n {
			ctx, a := tr.Start(context.Background(), "a")
			_, b := tr.Start(ctx, "b")
			b.Finish()
			a.Finish()
		}
	}()
	select {
	case <-loop:
	case <-time.After(time.Minute): // a hang detector, not a speed check
		t.Fatal("Start/Finish waited for a stuck exporter")
	}
	close(exp.release)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	st := tr.Stats()
	if st.Dropped.QueueFull == 0 {
		t.Error("nothing was dropped: the budget did not fill, so the test proves nothing")
	}
	if st.SpansStarted != 2*n {
		t.Errorf("started %d, want %d", st.SpansStarted, 2*n)
	}
	checkAccounting(t, st)
	waitGoroutines(t, before)
}

// blockingExporter blocks until released or until ctx is done.
type blockingExporter struct {
	release chan struct{}
	calls   atomic.Int32
	ignore  bool // ignore ctx
}

func (e *blockingExporter) Export(ctx context.Context, batch []trace.Chunk) error {
	e.calls.Add(1)
	if e.ignore {
		<-e.release
		return nil
	}
	select {
	case <-e.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *blockingExporter) Shutdown(context.Context) error { return nil }

func TestShutdownDeadline(t *testing.T) {
	before := runtime.NumGoroutine()
	exp := &blockingExporter{release: make(chan struct{})}
	tr := trace.New(trace.WithExporter(exp))
	for range 10 {
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	// The exporter never returns on its own: Shutdown returning at all
	// shows it gave up at its deadline.
	err := tr.Shutdown(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want a deadline error", err)
	}
	if err2 := tr.Shutdown(context.Background()); err2 != err {
		t.Errorf("a second Shutdown returned %v, want the first result", err2)
	}
	waitGoroutines(t, before) // the cancelled export returned and the batcher stopped
	// The batcher counts the abandoned export's spans once the exporter
	// has returned, which may be a moment after Shutdown gave up: wait
	// for it rather than for the goroutine count, which other tests'
	// goroutines ending can satisfy early.
	st := eventually(t, tr, func(st trace.Stats) bool { return st.Dropped.Shutdown == 10 })
	checkAccounting(t, st)

	// After Shutdown, finished spans are counted, not lost.
	_, s := tr.Start(context.Background(), "late")
	s.Finish()
	if st := tr.Stats(); st.Dropped.Shutdown != 11 {
		t.Errorf("a span finished after Shutdown: %+v", st)
	}
	if err := tr.Flush(context.Background()); err == nil {
		t.Error("Flush after Shutdown succeeded")
	}
}

func TestShutdownWithExporterIgnoringContext(t *testing.T) {
	before := runtime.NumGoroutine()
	exp := &blockingExporter{release: make(chan struct{}), ignore: true}
	tr := trace.New(trace.WithExporter(exp))
	_, s := tr.Start(context.Background(), "op")
	s.Finish()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := tr.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v", err)
	}
	close(exp.release) // the exporter returns at last, and the batcher exits
	waitGoroutines(t, before)
}

func TestFlush(t *testing.T) {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp), trace.WithFlushInterval(time.Hour))
	defer tr.Shutdown(context.Background())
	_, s := tr.Start(context.Background(), "op")
	s.Finish()
	if exp.Len() != 0 {
		t.Fatal("exported before the interval")
	}
	if err := tr.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if exp.Len() != 1 {
		t.Fatalf("Flush exported %d spans", exp.Len())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := tr.Flush(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Flush with a cancelled context = %v", err)
	}
	//lint:ignore SA1012 a nil context is tolerated, and this is the test that says so
	if err := tr.Flush(nil); err != nil {
		t.Errorf("Flush(nil) = %v", err)
	}
}

func TestFlushWaitsForExporter(t *testing.T) {
	exp := &blockingExporter{release: make(chan struct{})}
	tr := trace.New(trace.WithExporter(exp))
	defer tr.Shutdown(context.Background())
	_, s := tr.Start(context.Background(), "op")
	s.Finish()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := tr.Flush(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Flush = %v, want the deadline while the exporter blocks", err)
	}
	close(exp.release)
}

func TestBatchSizeTriggersExport(t *testing.T) {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp), trace.WithFlushInterval(time.Hour), trace.WithBatchSize(1))
	defer tr.Shutdown(context.Background())
	_, s := tr.Start(context.Background(), "op")
	s.Finish()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := exp.WaitForSpans(ctx, 1); err != nil {
		t.Fatal("a full batch was not exported before the interval:", err)
	}
}

func TestPartialFlush(t *testing.T) {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp), trace.WithPartialFlush(3))
	ctx, root := tr.Start(context.Background(), "root")
	for range 7 {
		_, c := tr.Start(ctx, "child")
		c.Finish()
	}
	root.Finish()
	tr.Shutdown(context.Background())
	var sizes []int
	var partial []bool
	for _, c := range exp.Chunks() {
		sizes = append(sizes, c.Len())
		partial = append(partial, c.Partial())
	}
	if len(sizes) != 3 || sizes[0] != 3 || sizes[1] != 3 || sizes[2] != 2 {
		t.Fatalf("chunk sizes %v, want [3 3 2]", sizes)
	}
	if !partial[0] || !partial[1] || partial[2] {
		t.Errorf("partial flags %v", partial)
	}
	if st := tr.Stats(); st.PartialChunks != 2 || st.Chunks != 3 {
		t.Errorf("stats %+v", st)
	}
	if n := len(exp.Traces()); n != 1 {
		t.Errorf("the chunks form %d traces, want 1", n)
	}
}

func TestLateChildAfterTraceFlushed(t *testing.T) {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp))
	ctx, root := tr.Start(context.Background(), "root")
	root.Finish() // the trace is complete and handed on
	_, late := tr.Start(ctx, "late")
	late.Finish()
	tr.Shutdown(context.Background())
	chunks := exp.Chunks()
	if len(chunks) != 2 || chunks[0].Span(0).Name() != "root" || chunks[1].Span(0).Name() != "late" {
		t.Fatalf("chunks: %v", chunks)
	}
	if chunks[1].TraceID() != chunks[0].TraceID() || chunks[1].Span(0).ParentID() != chunks[0].Span(0).SpanID() {
		t.Error("the late child lost its trace")
	}
}

type failingExporter struct{ panics bool }

func (e failingExporter) Export(context.Context, []trace.Chunk) error {
	if e.panics {
		panic("exporter bug")
	}
	return errors.New("agent unreachable")
}
func (failingExporter) Shutdown(context.Context) error { return nil }

type recordHandler struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r)
	return nil
}
func (h *recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordHandler) WithGroup(string) slog.Handler      { return h }

// TestExportFailuresAreCountedAndLoggedOnce is in droplog_test.go.

func TestMultiExporterAndDiscard(t *testing.T) {
	a, b := memory.New(), memory.New()
	m := trace.MultiExporter(a, nil, b)
	tr := trace.New(trace.WithExporter(m))
	_, s := tr.Start(context.Background(), "op")
	s.Finish()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a.Len() != 1 || b.Len() != 1 {
		t.Errorf("a=%d b=%d", a.Len(), b.Len())
	}
	if err := m.Export(context.Background(), nil); err == nil {
		t.Error("exporting to shut-down exporters succeeded")
	}
	bad := trace.MultiExporter(failingExporter{}, trace.Discard)
	if err := bad.Export(context.Background(), nil); err == nil {
		t.Error("a failing member's error was lost")
	}
	if err := trace.Discard.Export(context.Background(), nil); err != nil {
		t.Error(err)
	}
	if err := trace.Discard.Shutdown(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestQueueBoundedInBytes(t *testing.T) {
	exp := &blockingExporter{release: make(chan struct{})}
	tr := trace.New(trace.WithExporter(exp), trace.WithMemoryBudget(64<<10), trace.WithFlushInterval(time.Hour))
	for range 10_000 {
		_, s := tr.Start(context.Background(), "op")
		s.SetTag("payload", strings.Repeat("x", 100))
		s.Finish()
	}
	st := tr.Stats()
	// Each span holds well over 100 bytes: 64 KiB holds a few hundred.
	if st.SpansQueued > 1000 || st.Dropped.QueueFull < 9000 {
		t.Errorf("a 64 KiB queue holds %d spans (dropped %d)", st.SpansQueued, st.Dropped.QueueFull)
	}
	close(exp.release)
	tr.Shutdown(context.Background())
	checkAccounting(t, tr.Stats())
}

// orderExporter records the order of calls and their overlap.
type orderExporter struct {
	mu       sync.Mutex
	calls    []string
	inExport bool
	overlap  bool
	delay    time.Duration
}

func (e *orderExporter) Export(ctx context.Context, _ []trace.Chunk) error {
	e.mu.Lock()
	e.calls = append(e.calls, "export")
	e.inExport = true
	e.mu.Unlock()
	time.Sleep(e.delay) // ignores ctx on purpose
	e.mu.Lock()
	e.inExport = false
	e.mu.Unlock()
	return nil
}

func (e *orderExporter) Shutdown(context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, "shutdown")
	e.overlap = e.overlap || e.inExport
	return errors.New("closed")
}

func TestExporterShutdownComesAfterTheLastExport(t *testing.T) {
	for _, delay := range []time.Duration{0, 200 * time.Millisecond} {
		before := runtime.NumGoroutine()
		exp := &orderExporter{delay: delay}
		tr := trace.New(trace.WithExporter(exp))
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		err := tr.Shutdown(ctx)
		cancel()
		if delay == 0 && (err == nil || err.Error() != "closed") {
			t.Errorf("Shutdown = %v, want the exporter's error", err)
		}
		if delay > 0 && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Shutdown = %v, want the deadline", err)
		}
		waitGoroutines(t, before)
		// The exporter's Shutdown comes once its Export has returned,
		// which may be after Shutdown's caller gave up: wait for it.
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			exp.mu.Lock()
			n := len(exp.calls)
			exp.mu.Unlock()
			if n == 2 {
				break
			}
		}
		exp.mu.Lock()
		if len(exp.calls) != 2 || exp.calls[1] != "shutdown" || exp.overlap {
			t.Errorf("delay %v: calls %v, overlap %v", delay, exp.calls, exp.overlap)
		}
		exp.mu.Unlock()
	}
}

// bufferingExporter is a Flusher and learns sampling rates.
type bufferingExporter struct {
	mu       sync.Mutex
	held     int
	flushed  int
	receiver interface{ ReceiveRates(map[string]float64) }
}

func (e *bufferingExporter) Export(_ context.Context, batch []trace.Chunk) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, c := range batch {
		e.held += c.Len()
	}
	return nil
}

func (e *bufferingExporter) Flush(context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.flushed += e.held
	e.held = 0
	return nil
}

func (e *bufferingExporter) Shutdown(context.Context) error { return nil }

func (e *bufferingExporter) SetRateReceiver(r interface{ ReceiveRates(map[string]float64) }) {
	e.receiver = r
}

type rateSampler struct {
	trace.Sampler
	rates map[string]float64
}

func (s *rateSampler) ReceiveRates(r map[string]float64) { s.rates = r }

func TestFlusherAndRateWiring(t *testing.T) {
	for _, multi := range []bool{false, true} {
		exp := &bufferingExporter{}
		var e trace.Exporter = exp
		if multi {
			e = trace.MultiExporter(exp, trace.Discard)
		}
		s := &rateSampler{Sampler: trace.KeepAll}
		tr := trace.New(trace.WithExporter(e), trace.WithSampler(s))
		if exp.receiver != s {
			t.Fatalf("multi=%v: the exporter was not connected to the sampler", multi)
		}
		exp.receiver.ReceiveRates(map[string]float64{"service:,env:": 0.5})
		if s.rates["service:,env:"] != 0.5 {
			t.Error("rates did not reach the sampler")
		}
		_, sp := tr.Start(context.Background(), "op")
		sp.Finish()
		if err := tr.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		exp.mu.Lock()
		if exp.flushed != 1 {
			t.Errorf("multi=%v: Flush did not reach the exporter's buffer (flushed %d)", multi, exp.flushed)
		}
		exp.mu.Unlock()
		tr.Shutdown(context.Background())
	}
	// A sampler that follows no rates leaves the exporter unconnected.
	exp := &bufferingExporter{}
	tr := trace.New(trace.WithExporter(exp))
	defer tr.Shutdown(context.Background())
	if exp.receiver != nil {
		t.Error("KeepAll connected as a rate receiver")
	}
}

func TestSnapshotServiceEntry(t *testing.T) {
	tr, spans := newTracer(t)
	ctx, root := tr.Start(context.Background(), "root")
	dctx, db := tr.Start(ctx, "db", trace.Service("postgres"))
	_, inner := tr.Start(dctx, "inner")
	_, same := tr.Start(ctx, "same")
	for _, s := range []*trace.Span{inner, same, db, root} {
		s.Finish()
	}
	got := byName(spans())
	for name, want := range map[string]bool{"root": true, "db": true, "inner": false, "same": false} {
		if got[name].IsTopLevel() != want {
			t.Errorf("%s: IsTopLevel = %v", name, !want)
		}
		if got[name].BaseService() != "svc" {
			t.Errorf("%s: BaseService = %q", name, got[name].BaseService())
		}
	}
}
