package httptrace

import (
	"context"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

func newTracer(t *testing.T) (*trace.Tracer, *memory.Exporter) {
	t.Helper()
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp), trace.WithService("web"), trace.WithFlushInterval(5*time.Millisecond))
	t.Cleanup(func() { _ = tr.Shutdown(context.Background()) })
	return tr, exp
}

// spans shuts tr down, which flushes it, and returns what it exported.
func spans(t *testing.T, tr *trace.Tracer, exp *memory.Exporter) []trace.Snapshot {
	t.Helper()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	return exp.Spans()
}

// tags returns a span's tags as text, with numbers marked "#".
func tags(s trace.Snapshot) map[string]string {
	out := map[string]string{}
	for k, v := range s.Tags() {
		if v.IsNumber() {
			out[k] = "#" + v.String()
			continue
		}
		out[k] = v.String()
	}
	return out
}
