package trace_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/ctxtrace/trace"
)

// TestInjectSpanContext: the same headers as Inject with a context
// carrying the span, and the same errors for no carrier and no context.
func TestInjectSpanContext(t *testing.T) {
	tr := trace.New(trace.WithExporter(trace.Discard))
	defer tr.Shutdown(context.Background())
	ctx, span := tr.Start(context.Background(), "op")
	defer span.Finish()
	viaCtx, viaSC := http.Header{}, http.Header{}
	if err := tr.Inject(ctx, trace.HeaderCarrier(viaCtx)); err != nil {
		t.Fatal(err)
	}
	if err := tr.InjectSpanContext(span.Context(), trace.HeaderCarrier(viaSC)); err != nil {
		t.Fatal(err)
	}
	if len(viaSC) == 0 || len(viaSC) != len(viaCtx) {
		t.Fatalf("InjectSpanContext wrote %v; Inject %v", viaSC, viaCtx)
	}
	for k, v := range viaCtx {
		if viaSC.Get(k) != v[0] {
			t.Errorf("%s: %q, Inject wrote %q", k, viaSC.Get(k), v[0])
		}
	}
	got, err := tr.ExtractSpanContext(trace.HeaderCarrier(viaSC))
	if err != nil || got.TraceID() != span.TraceID() || got.SpanID() != span.SpanID() {
		t.Errorf("extracted %v, %v; want the span's ids", got, err)
	}
	if err := tr.InjectSpanContext(span.Context(), nil); !errors.Is(err, trace.ErrInvalidCarrier) {
		t.Errorf("nil carrier: %v", err)
	}
	if err := tr.InjectSpanContext(trace.SpanContext{}, trace.HeaderCarrier(http.Header{})); !errors.Is(err, trace.ErrInvalidSpanContext) {
		t.Errorf("zero context: %v", err)
	}
}
