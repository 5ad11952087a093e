package grpc

import (
	"context"
	"strings"

	"google.golang.org/grpc/metadata"

	"github.com/ctxtrace/trace"
)

// Incoming metadata is extracted from as a trace.HeaderCarrier: both are a
// map[string][]string read without regard to case, and the trace package
// ranges a HeaderCarrier directly, where a carrier of another type costs
// a callback and the extractor's state on the heap (BenchmarkContribGRPC).

// inject returns ctx with outgoing metadata that carries the span of ctx
// (or the remote parent it carries), written by t's propagator through w
// (nil: a new one); ctx itself when it carries neither. The caller's
// outgoing metadata is copied, never changed.
func inject(ctx context.Context, t *trace.Tracer, w *mdWriter) context.Context {
	md, ok := metadata.FromOutgoingContext(ctx) // a copy
	if !ok {
		md = make(metadata.MD, 8)
	}
	if w == nil {
		w = new(mdWriter)
	}
	w.md = md
	if err := t.Inject(ctx, w); err != nil {
		return ctx
	}
	return metadata.NewOutgoingContext(ctx, md)
}

// injectAny is inject for a context that may carry no span: then it
// returns ctx without building metadata.
func injectAny(ctx context.Context, t *trace.Tracer) context.Context {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return ctx
	}
	return inject(ctx, t, nil)
}

// mdWriter is the carrier inject writes to. The values' one-element
// slices are cut from one array rather than allocated one by one.
type mdWriter struct {
	md   metadata.MD
	vals [6]string // what the default styles write: 4 Datadog headers, 2 W3C
	n    int
}

// Set replaces key's values with val, under the lower-case key gRPC
// requires. Replacing rather than appending matters when a program
// forwards the metadata it received: the server must not see two trace
// ids.
func (w *mdWriter) Set(key, val string) {
	k := lowerKey(key)
	if w.n == len(w.vals) {
		w.md[k] = []string{val}
		return
	}
	w.vals[w.n] = val
	w.md[k] = w.vals[w.n : w.n+1 : w.n+1]
	w.n++
}

// lowerKey returns key in lower case. The propagators' keys are lower case
// already: checking costs a third of strings.ToLower's checks
// (BenchmarkContribGRPC).
func lowerKey(key string) string {
	for i := 0; i < len(key); i++ {
		if c := key[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(key)
		}
	}
	return key
}
