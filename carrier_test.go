package trace_test

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// TestCarriersForeachKey: both carriers visit every value, and stop at the
// handler's first error, which they return.
func TestCarriersForeachKey(t *testing.T) {
	stop := errors.New("stop")
	h := trace.HeaderCarrier(http.Header{"A": {"1", "2"}, "B": {"3"}})
	m := trace.MapCarrier{"a": "1", "b": "2"}
	for name, c := range map[string]trace.TextMapReader{"HeaderCarrier": h, "MapCarrier": m} {
		n := 0
		if err := c.ForeachKey(func(string, string) error { n++; return nil }); err != nil || n != 3 && name == "HeaderCarrier" || n != 2 && name == "MapCarrier" {
			t.Errorf("%s: %d values, error %v", name, n, err)
		}
		n = 0
		if err := c.ForeachKey(func(string, string) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Errorf("%s: the handler's error: %v after %d values", name, err, n)
		}
	}
}

// TestSnapshotBaggage: a finished span's snapshot keeps the baggage it
// carried, its own and its parent's.
func TestSnapshotBaggage(t *testing.T) {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp))
	ctx, root := tr.Start(context.Background(), "root")
	root.SetBaggageItem("user", "ada")
	_, child := tr.Start(ctx, "child")
	child.SetBaggageItem("cart", "42")
	child.Finish()
	root.Finish()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	s, ok := exp.Find("child")
	if !ok {
		t.Fatal("child not exported")
	}
	if got := maps.Collect(s.Baggage()); len(got) != 2 || got["user"] != "ada" || got["cart"] != "42" {
		t.Errorf("child's baggage %v", got)
	}
	var zero trace.Snapshot
	if got := maps.Collect(zero.Baggage()); len(got) != 0 {
		t.Errorf("the zero snapshot's baggage %v", got)
	}
}
