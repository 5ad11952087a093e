package memory_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

func TestRecordsAndGroups(t *testing.T) {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp))
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// Two traces, the first finishing in two chunks (a late child).
	ctx, a := tr.Start(context.Background(), "a", trace.StartTime(t0.Add(time.Second)))
	_, b := tr.Start(context.Background(), "b", trace.StartTime(t0))
	_, early := tr.Start(ctx, "a.early", trace.StartTime(t0.Add(2*time.Second)), trace.WithSpanID(5))
	_, tie := tr.Start(ctx, "a.tie", trace.StartTime(t0.Add(2*time.Second)), trace.WithSpanID(4))
	early.Finish()
	tie.Finish()
	a.Finish()
	b.Finish()
	_, late := tr.Start(ctx, "a.late", trace.StartTime(t0))
	late.Finish()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}

	if exp.Len() != 5 || len(exp.Spans()) != 5 {
		t.Fatalf("Len %d, Spans %d", exp.Len(), len(exp.Spans()))
	}
	traces := exp.Traces()
	if len(traces) != 2 {
		t.Fatalf("%d traces", len(traces))
	}
	// Chunks of different traces arrive in no set order; find trace a.
	ta := traces[0]
	if ta[0].Name() == "b" {
		ta = traces[1]
	}
	var names []string
	for _, s := range ta {
		names = append(names, s.Name())
	}
	// Sorted by start, then span id.
	want := []string{"a.late", "a", "a.tie", "a.early"}
	if len(names) != len(want) {
		t.Fatalf("trace a: %v", names)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("trace a: %v, want %v", names, want)
		}
	}
	if s, ok := exp.Find("b"); !ok || s.Name() != "b" {
		t.Error("Find(b)")
	}
	if _, ok := exp.Find("nope"); ok {
		t.Error("Find found a missing span")
	}
	if len(exp.Chunks()) != 3 {
		t.Errorf("%d chunks, want 3", len(exp.Chunks()))
	}
}

func TestShutdownKeepsSpans(t *testing.T) {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp))
	_, s := tr.Start(context.Background(), "op")
	s.Finish()
	tr.Shutdown(context.Background())
	if exp.Len() != 1 {
		t.Fatal("spans forgotten at Shutdown")
	}
	if err := exp.Export(context.Background(), nil); !errors.Is(err, memory.ErrShutdown) {
		t.Errorf("Export after Shutdown = %v", err)
	}
	exp.Reset()
	if exp.Len() != 0 || len(exp.Spans()) != 0 {
		t.Error("Reset kept spans")
	}
	if err := exp.Export(context.Background(), nil); err != nil {
		t.Errorf("Export after Reset = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := exp.Export(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Export with a cancelled context = %v", err)
	}
}

func TestWaitForSpans(t *testing.T) {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp), trace.WithFlushInterval(time.Millisecond))
	defer tr.Shutdown(context.Background())
	go func() {
		for range 3 {
			_, s := tr.Start(context.Background(), "op")
			s.Finish()
			time.Sleep(time.Millisecond)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	spans, err := exp.WaitForSpans(ctx, 3)
	if err != nil || len(spans) != 3 {
		t.Fatalf("WaitForSpans = %d spans, %v", len(spans), err)
	}

	short, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	spans, err = exp.WaitForSpans(short, 100)
	if !errors.Is(err, context.DeadlineExceeded) || len(spans) != 3 {
		t.Errorf("WaitForSpans past its deadline = %d spans, %v", len(spans), err)
	}
}
