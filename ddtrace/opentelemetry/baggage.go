package opentelemetry

import (
	"context"

	otelbaggage "go.opentelemetry.io/otel/baggage"

	"github.com/ctxtrace/trace"
)

// mergeBaggage joins the two baggages a new span s meets, as dd-trace-go
// merges OpenTelemetry's baggage and its own: the items of
// OpenTelemetry's baggage in ctx become s's baggage items, so that the
// tracer's propagation (and s's children) carry them; the items s
// inherited from its parent (a span, or an extracted context) that
// OpenTelemetry's baggage lacks join it in the returned context, so that
// OpenTelemetry's propagators carry them. Where both have a key,
// OpenTelemetry's value wins. An item OpenTelemetry's baggage refuses
// (its size limits, an invalid key) is left out of it. Without baggage on
// either side this costs no allocation.
func mergeBaggage(ctx context.Context, s *trace.Span) context.Context {
	ob := otelbaggage.FromContext(ctx)
	if ob.Len() > 0 {
		for _, m := range ob.Members() {
			if s.BaggageItem(m.Key()) != m.Value() {
				s.SetBaggageItem(m.Key(), m.Value())
			}
		}
	}
	merged, changed := ob, false
	for k, v := range s.Context().Baggage() {
		if ob.Len() > 0 && ob.Member(k).Key() != "" {
			continue
		}
		m, err := otelbaggage.NewMemberRaw(k, v)
		if err != nil {
			continue
		}
		if next, err := merged.SetMember(m); err == nil {
			merged, changed = next, true
		}
	}
	if !changed {
		return ctx
	}
	return otelbaggage.ContextWithBaggage(ctx, merged)
}
