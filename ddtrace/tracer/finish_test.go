package tracer_test

import (
	"context"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/exporter/memory"
)

// TestFinishTime: the span ends when FinishTime says, not when Finish is
// called.
func TestFinishTime(t *testing.T) {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp))
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	trace.SetDefault(tr)
	defer trace.SetDefault(nil)
	s := tracer.StartSpan("op", tracer.StartTime(start))
	s.Finish(tracer.FinishTime(start.Add(1500 * time.Millisecond)))
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := exp.Spans()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1", len(spans))
	}
	if d := spans[0].Duration(); d != 1500*time.Millisecond {
		t.Errorf("duration %v, want 1.5s", d)
	}
}
