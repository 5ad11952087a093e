package trace_test

import (
	"context"
	"testing"

	"github.com/ctxtrace/trace"
)

// TestSpanPointerLinks: a link with zero ids is kept when it is a span
// pointer, and ignored otherwise.
func TestSpanPointerLinks(t *testing.T) {
	tr, spans := newTracer(t)
	pointer := trace.Link{Attributes: map[string]string{"link.kind": "span-pointer", "ptr.hash": "h"}}
	_, s := tr.Start(context.Background(), "op", trace.WithLinks(pointer, trace.Link{Attributes: map[string]string{"a": "b"}}))
	s.AddLink(pointer)
	s.AddLink(trace.Link{})
	s.Finish()
	got := spans()[0]
	if got.NumLinks() != 2 {
		t.Fatalf("%d links, want the two pointers", got.NumLinks())
	}
	for i := range got.NumLinks() {
		if l := got.LinkAt(i); l.Attributes["ptr.hash"] != "h" || !l.TraceID.IsZero() || l.SpanID != 0 {
			t.Errorf("link %d: %+v", i, l)
		}
	}
}
