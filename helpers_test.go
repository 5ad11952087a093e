package trace_test

import (
	"context"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// newTracer returns a tracer that records into a memory exporter, and a
// function that shuts it down and returns every span it exported.
func newTracer(t testing.TB, opts ...trace.Option) (*trace.Tracer, func() []trace.Snapshot) {
	t.Helper()
	exp := memory.New()
	tr := trace.New(append([]trace.Option{trace.WithService("svc"), trace.WithExporter(exp)}, opts...)...)
	t.Cleanup(func() { tr.Shutdown(context.Background()) })
	return tr, func() []trace.Snapshot {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := tr.Shutdown(ctx); err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
		return exp.Spans()
	}
}

// one runs fn on a fresh span named "op", finishes it, and returns its
// snapshot.
func one(t testing.TB, fn func(*trace.Span), opts ...trace.Option) trace.Snapshot {
	t.Helper()
	tr, spans := newTracer(t, opts...)
	_, s := tr.Start(context.Background(), "op")
	fn(s)
	s.Finish()
	got := spans()
	if len(got) != 1 {
		t.Fatalf("got %d spans, want 1", len(got))
	}
	return got[0]
}

func tags(s trace.Snapshot) map[string]trace.Value {
	m := map[string]trace.Value{}
	for k, v := range s.Tags() {
		m[k] = v
	}
	return m
}

func byName(spans []trace.Snapshot) map[string]trace.Snapshot {
	m := map[string]trace.Snapshot{}
	for _, s := range spans {
		m[s.Name()] = s
	}
	return m
}
