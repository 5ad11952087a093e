package trace_test

import (
	"bytes"
	"context"
	rtrace "runtime/trace"
	"strconv"
	"testing"

	"github.com/ctxtrace/trace"
)

// TestGoExecutionTracerTasks checks that while runtime/trace runs, each
// span becomes a task: its name, and the log line with its ids, are in the
// execution trace; spans started before or after tracing leave no mark.
func TestGoExecutionTracerTasks(t *testing.T) {
	tr := trace.New(trace.WithExporter(trace.Discard))
	defer tr.Shutdown(context.Background())

	_, before := tr.Start(context.Background(), "span-before-tracing-7f3a")
	before.Finish()

	var buf bytes.Buffer
	if err := rtrace.Start(&buf); err != nil {
		t.Skipf("the execution tracer is already in use: %v", err)
	}
	ctx, root := tr.Start(context.Background(), "checkout-root-9c1e")
	_, child := tr.Start(ctx, "checkout-child-41bd")
	child.Finish()
	root.Finish()
	rtrace.Stop()

	_, after := tr.Start(context.Background(), "span-after-tracing-b2d0")
	after.Finish()

	out := buf.Bytes()
	for _, want := range []string{"checkout-root-9c1e", "checkout-child-41bd", "span_id=" + strconv.FormatUint(child.SpanID(), 10)} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("execution trace lacks %q", want)
		}
	}
	for _, absent := range []string{"span-before-tracing-7f3a", "span-after-tracing-b2d0"} {
		if bytes.Contains(out, []byte(absent)) {
			t.Errorf("execution trace has %q, started while tracing was off", absent)
		}
	}
}

// TestGoExecutionTracerOffCostsNothing checks that with the execution
// tracer off a span's start and finish allocate no more than they did
// before tasks existed: the span and the context carrying it (apart, so
// that a finished span does not keep the caller's context alive), and
// nothing for runtime/trace.
func TestGoExecutionTracerOffCostsNothing(t *testing.T) {
	if rtrace.IsEnabled() {
		t.Skip("the execution tracer is on")
	}
	tr := trace.New(trace.WithExporter(trace.Discard))
	defer tr.Shutdown(context.Background())
	ctx := context.Background()
	allocs := testing.AllocsPerRun(1000, func() {
		_, s := tr.Start(ctx, "op")
		s.Finish()
	})
	if allocs > 2 {
		t.Errorf("%v allocations per span with the execution tracer off, want at most 2", allocs)
	}
}
