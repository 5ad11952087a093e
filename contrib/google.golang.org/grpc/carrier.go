package grpc

import (
	"context"
	"strings"

	"google.golang.org/grpc/metadata"

	"github.com/ctxtrace/trace"
)

// mdCarrier adapts incoming gRPC metadata as a carrier that the tracer's
// propagator extracts from.
type mdCarrier metadata.MD

// ForeachKey calls handler for every value of every key.
func (c mdCarrier) ForeachKey(handler func(key, val string) error) error {
	for k, vals := range c {
		for _, v := range vals {
			if err := handler(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// inject returns ctx with outgoing metadata that carries the span of ctx
// (or the remote parent it carries), written by t's propagator; ctx itself
// when it carries neither. The caller's outgoing metadata is copied, never
// changed.
func inject(ctx context.Context, t *trace.Tracer) context.Context {
	md, ok := metadata.FromOutgoingContext(ctx) // a copy
	if !ok {
		md = make(metadata.MD, 8)
	}
	w := &mdWriter{md: md}
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
	return inject(ctx, t)
}

// mdWriter is the carrier inject writes to. The values' one-element
// slices are cut from one array rather than allocated one by one.
type mdWriter struct {
	md   metadata.MD
	vals [8]string
	n    int
}

// Set replaces key's values with val, under the lower-case key gRPC
// requires. Replacing rather than appending matters when a program
// forwards the metadata it received: the server must not see two trace
// ids.
func (w *mdWriter) Set(key, val string) {
	k := strings.ToLower(key)
	if w.n == len(w.vals) {
		w.md[k] = []string{val}
		return
	}
	w.vals[w.n] = val
	w.md[k] = w.vals[w.n : w.n+1 : w.n+1]
	w.n++
}
