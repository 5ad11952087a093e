// Package exportertest checks that a trace.Exporter keeps the contract the
// tracer's pipeline relies on, as testing/slogtest does for log/slog
// handlers. The contract is set out in the trace package's documentation,
// under "Writing an exporter".
//
// A test gives Run a function that makes a fresh exporter, writing to a
// destination the test can read, and returns with it a function that reads
// back what reached that destination as Spans:
//
//	func TestConformance(t *testing.T) {
//		exportertest.Run(t, func(t *testing.T) (trace.Exporter, func() []exportertest.Span) {
//			var buf bytes.Buffer
//			exp := myexporter.New(&buf)
//			return exp, func() []exportertest.Span { return parse(t, buf.Bytes()) }
//		})
//	}
//
// Run makes its spans with a real trace.Tracer: a single-span trace, a tree
// three levels deep, a span with five text and five numeric tags, an error
// span under a healthy parent, and a trace handed on as a partial chunk
// (trace.WithPartialFlush) and its last chunk. Then it calls the exporter's
// Export, Flush and Shutdown itself, as the pipeline would, in one subtest
// per rule, each with an exporter of its own:
//
//   - delivery: every span reaches the destination exactly once, with its
//     128-bit trace id, span and parent ids, name, service, resource, type,
//     start and duration to the nanosecond, error flag, and tags, text as
//     text and numbers as numbers;
//   - batch-not-kept: overwriting the batch slice after Export returns
//     changes nothing at the destination (the pipeline reuses the slice);
//   - empty-batch: a nil or empty batch is accepted and delivers nothing;
//   - export-after-shutdown: Export after Shutdown returns an error,
//     delivers nothing and does not panic, and what came before Shutdown
//     was delivered;
//   - shutdown-twice: a second Shutdown returns, does not panic and
//     delivers nothing again;
//   - flush: for a trace.Flusher, Flush delivers what was exported, and
//     Shutdown after it delivers nothing again (skipped otherwise);
//   - concurrent-export: for a trace.NonBlockingExporter, Export called by
//     several goroutines at once delivers every span exactly once (skipped
//     otherwise; run it with -race);
//   - shutdown-done-context: Shutdown given a context that is already done
//     returns, with or without an error.
//
// The result function is called only after Shutdown or Flush has
// returned, so an exporter that buffers need not deliver during Export. It
// may return the spans in any order. Their Meta and Metrics may hold more
// than the span's own tags: what the exporter adds of its own, such as a
// language or a process id, is ignored; only the tags of the span's
// trace.Snapshot are compared. What a destination stores differently the
// function turns back: a Datadog Agent, for one, holds the lower 64 bits of
// the trace id, and the upper half in the tag _dd.p.tid.
//
// A failed check says which span and field, and which rule. No check
// measures time: a call to the exporter that has not returned after a
// minute fails its subtest as a hang, and that is all.
package exportertest

import (
	"context"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
)

// Span is what an exporter must carry of a finished span to its
// destination, in a form any destination can be read back into.
type Span struct {
	TraceID  trace.TraceID // all 128 bits
	SpanID   uint64
	ParentID uint64 // 0 for a root
	Name     string // Datadog's operation name
	Service  string
	Resource string
	Type     string // "" when the span has none
	Start    time.Time
	Duration time.Duration
	Error    bool
	Meta     map[string]string  // text tags
	Metrics  map[string]float64 // numeric tags
}

// FromSnapshot returns s as a Span: what the destination of an exporter
// that keeps snapshots, such as exporter/memory, holds.
func FromSnapshot(s trace.Snapshot) Span {
	out := Span{
		TraceID:  s.TraceID(),
		SpanID:   s.SpanID(),
		ParentID: s.ParentID(),
		Name:     s.Name(),
		Service:  s.Service(),
		Resource: s.Resource(),
		Type:     s.Type(),
		Start:    s.Start(),
		Duration: s.Duration(),
		Error:    s.IsError(),
		Meta:     map[string]string{},
		Metrics:  map[string]float64{},
	}
	for i := range s.NumTags() {
		k, v := s.TagAt(i)
		if v.IsNumber() {
			out.Metrics[k] = v.Float64()
		} else {
			out.Meta[k] = v.String()
		}
	}
	return out
}

// Run checks the exporters that newExporter makes, one subtest per rule
// (see the package documentation). newExporter is called once per subtest,
// with the subtest's t: it returns a fresh exporter, writing to a fresh
// destination, and a function that returns every span that has reached
// that destination so far. Run shuts down every exporter it is given,
// before the cleanups that newExporter registers run.
func Run(t *testing.T, newExporter func(t *testing.T) (trace.Exporter, func() []Span)) {
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			exp, results := newExporter(t)
			if exp == nil || results == nil {
				t.Fatal("exportertest: newExporter returned a nil exporter or a nil result function")
			}
			ctx, cancel := context.WithTimeout(context.Background(), hangAfter)
			e := &env{t: t, exp: exp, results: results, ctx: ctx}
			t.Cleanup(func() {
				e.cleanup()
				cancel()
			})
			c.run(e)
		})
	}
}

// check is one rule and the subtest that checks it.
type check struct {
	name string
	run  func(e *env)
}

var checks = []check{
	{"delivery", checkDelivery},
	{"batch-not-kept", checkBatchNotKept},
	{"empty-batch", checkEmptyBatch},
	{"export-after-shutdown", checkExportAfterShutdown},
	{"shutdown-twice", checkShutdownTwice},
	{"flush", checkFlush},
	{"concurrent-export", checkConcurrentExport},
	{"shutdown-done-context", checkShutdownDoneContext},
}

// env is one subtest's exporter and destination.
type env struct {
	t       *testing.T
	exp     trace.Exporter
	results func() []Span
	ctx     context.Context // for Export, Flush and Shutdown, as the pipeline gives them
	shut    bool            // Shutdown was called
}

// export calls Export with batch, as the pipeline would.
func (e *env) export(what string, batch []trace.Chunk) error {
	e.t.Helper()
	return call(e.t, what, func() error { return e.exp.Export(e.ctx, batch) })
}

// mustExport calls Export and fails the subtest if it returns an error.
func (e *env) mustExport(batch []trace.Chunk) {
	e.t.Helper()
	if err := e.export("Export", batch); err != nil {
		e.t.Fatalf("Export of %d chunks (%d spans) returned %v; want nil", len(batch), countSpans(batch), err)
	}
}

// shutdown calls Shutdown with ctx.
func (e *env) shutdown(what string, ctx context.Context) error {
	e.t.Helper()
	e.shut = true
	return call(e.t, what, func() error { return e.exp.Shutdown(ctx) })
}

// mustShutdown calls Shutdown with a live context and fails the subtest
// if it returns an error.
func (e *env) mustShutdown() {
	e.t.Helper()
	if err := e.shutdown("Shutdown", e.ctx); err != nil {
		e.t.Fatalf("Shutdown returned %v; want nil: it had time to deliver what it was given", err)
	}
}

// cleanup shuts down an exporter that the subtest left running (it was
// skipped, or failed early), so that none outlives its subtest.
func (e *env) cleanup() {
	if e.shut {
		return
	}
	done := make(chan outcome, 1)
	go func() { done <- try(func() error { return e.exp.Shutdown(e.ctx) }) }()
	timer := time.NewTimer(hangAfter)
	defer timer.Stop()
	select {
	case o := <-done:
		if o.panicked {
			e.t.Errorf("Shutdown, called by Run's cleanup, panicked: %v\n%s", o.value, o.stack)
		}
	case <-timer.C:
		e.t.Errorf("Shutdown, called by Run's cleanup, did not return within %v: it hangs", hangAfter)
	}
}

func countSpans(chunks []trace.Chunk) int {
	n := 0
	for _, c := range chunks {
		n += c.Len()
	}
	return n
}
