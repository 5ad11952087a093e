package trace

import (
	"context"
	"testing"
	"time"
	"unsafe"
)

// uncomparableCtx is a context whose type cannot be compared: comparing
// two of them as interfaces would panic.
type uncomparableCtx struct {
	context.Context
	vals []string
}

// TestStartContexts: a span started from context.Background() shares its
// allocation with its context; from any other context, its context is
// apart. Either way the context carries the span and its parent's values,
// deadline and cancellation, whatever the parent's type.
func TestStartContexts(t *testing.T) {
	tr := New()
	defer tr.Shutdown(context.Background())
	type key struct{}
	deadline := time.Now().Add(time.Hour)
	withDeadline, cancel := context.WithDeadline(context.WithValue(context.Background(), key{}, "v"), deadline)
	defer cancel()
	for name, parent := range map[string]context.Context{
		"background":   context.Background(),
		"todo":         context.TODO(),
		"deadline":     withDeadline,
		"uncomparable": uncomparableCtx{Context: withDeadline, vals: []string{"x"}},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, s := tr.Start(parent, "op")
			defer s.Finish()
			if SpanFromContext(ctx) != s {
				t.Fatal("the context does not carry the span")
			}
			if parent == context.Background() {
				// s is the first field of a rootAndCtx, or the test fails.
				r := (*rootAndCtx)(unsafe.Pointer(s))
				if &r.ctx != ctx.(*spanCtx) {
					t.Error("a span started from context.Background() does not share its allocation with its context")
				}
			}
			if parent != context.Background() && parent != context.TODO() {
				if ctx.Value(key{}) != "v" {
					t.Error("the parent's value is lost")
				}
				if d, ok := ctx.Deadline(); !ok || !d.Equal(deadline) {
					t.Error("the parent's deadline is lost")
				}
			}
			// A child started from the span's context is a child.
			_, child := tr.Start(ctx, "child")
			child.Finish()
			if child.ParentID() != s.SpanID() {
				t.Error("the child is not the span's")
			}
		})
	}
}
