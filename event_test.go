package trace_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace"
)

type eventPoint struct{ X int }

func TestAddEventKeepsConvertedCopies(t *testing.T) {
	at := time.Unix(1700000000, 123456789)
	strs, ints, floats := []string{"a", "b"}, []int{1, -2}, []float32{1.5, -0.25}
	attrs := map[string]any{
		"str": "v", "bool": true, "int": 42, "i8": int8(-8), "i16": int16(16), "i32": int32(-32), "i64": int64(1 << 60),
		"u8": uint8(200), "u16": uint16(16), "u32": uint32(32), "u": uint(7), "u64": uint64(1<<63 + 5), "uptr": uintptr(9),
		"f32": float32(1.5), "f64": 2.25, "nan": math.NaN(),
		"strs": strs, "bools": []bool{true, false}, "ints": ints, "u64s": []uint64{1, 1<<63 + 1}, "bytes": []byte("hi"),
		"floats": floats, "f64s": []float64{0.5}, "empty": []string{}, "nilslice": []int(nil),
		"dur": 1500 * time.Millisecond, "err": errors.New("boom"), "value": trace.Value{},
		// Dropped: kinds the Agent has no type for.
		"nil": nil, "struct": eventPoint{1}, "ptr": &eventPoint{2}, "map": map[string]int{"a": 1}, "anys": []any{"x"},
		"": "empty key",
	}
	var snap trace.Snapshot
	var st trace.Stats
	{
		tr, spans := newTracer(t)
		_, s := tr.Start(context.Background(), "op")
		s.AddEvent(trace.Event{Name: "first", Time: at, Attributes: attrs})
		s.AddEvent(trace.Event{Name: "bare", Time: at.Add(time.Second)})
		// The caller reuses its map and slices: the span kept copies.
		attrs["str"], strs[0], ints[0], floats[0] = "changed", "changed", 99, 99
		delete(attrs, "bool")
		s.Finish()
		snap = spans()[0]
		st = tr.Stats()
	}
	if snap.NumEvents() != 2 {
		t.Fatalf("%d events, want 2", snap.NumEvents())
	}
	got := snap.EventAt(0)
	want := map[string]any{
		"str": "v", "bool": true, "int": int64(42), "i8": int64(-8), "i16": int64(16), "i32": int64(-32), "i64": int64(1 << 60),
		"u8": int64(200), "u16": int64(16), "u32": int64(32), "u": int64(7), "u64": "9223372036854775813", "uptr": int64(9),
		"f32": 1.5, "f64": 2.25, "nan": math.NaN(),
		"strs": []string{"a", "b"}, "bools": []bool{true, false}, "ints": []int64{1, -2},
		"u64s": []string{"1", "9223372036854775809"}, "bytes": []int64{'h', 'i'},
		"floats": []float64{1.5, -0.25}, "f64s": []float64{0.5}, "empty": []string{}, "nilslice": []int64{},
		"dur": "1.5s", "err": "boom", "value": "",
	}
	if got.Name != "first" || !got.Time.Equal(at) {
		t.Errorf("event 0 is %q at %v", got.Name, got.Time)
	}
	if d := cmp.Diff(want, got.Attributes, cmp.Comparer(sameFloat)); d != "" {
		t.Errorf("attributes (-want +got):\n%s", d)
	}
	if st.TagsDropped != 6 {
		t.Errorf("TagsDropped = %d, want 6 (nil, struct, ptr, map, []any, empty key)", st.TagsDropped)
	}
	if bare := snap.EventAt(1); bare.Name != "bare" || bare.Attributes != nil || !bare.Time.Equal(at.Add(time.Second)) {
		t.Errorf("event 1: %+v", bare)
	}
	// What EventAt returns is the caller's to change.
	got.Attributes["str"] = "mutated"
	got.Attributes["strs"].([]string)[0] = "mutated"
	if again := snap.EventAt(0).Attributes; again["str"] != "v" || again["strs"].([]string)[0] != "a" {
		t.Error("an event changed through EventAt")
	}
	if (trace.Snapshot{}).NumEvents() != 0 {
		t.Error("the empty snapshot has events")
	}
}

func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func TestAddEventTimeNilSpanAndFinish(t *testing.T) {
	tr, spans := newTracer(t)
	_, s := tr.Start(context.Background(), "op")
	before := time.Now()
	s.AddEvent(trace.Event{Name: "now"})
	after := time.Now()
	s.Finish()
	s.AddEvent(trace.Event{Name: "late"}) // after Finish: ignored
	var nilSpan *trace.Span
	nilSpan.AddEvent(trace.Event{Name: "nil"})
	snap := spans()[0]
	if snap.NumEvents() != 1 {
		t.Fatalf("%d events, want 1", snap.NumEvents())
	}
	if e := snap.EventAt(0); e.Name != "now" || e.Time.Before(before) || e.Time.After(after) {
		t.Errorf("event %q at %v, want between %v and %v", e.Name, e.Time, before, after)
	}
	if st := tr.Stats(); st.TagsDropped != 0 || st.TagsTruncated != 0 {
		t.Errorf("stats count an ignored event: %+v", st)
	}
}

func TestAddEventLimits(t *testing.T) {
	tr, spans := newTracer(t, trace.WithLimits(trace.Limits{Tags: 6, KeyLength: 4, ValueLength: 3}))
	_, s := tr.Start(context.Background(), "op")
	// 1 (event) + 1 + 1: cut name, cut key, cut value.
	s.AddEvent(trace.Event{Name: "long name", Attributes: map[string]any{"longkey": "value", "b": true}})
	// 1 + 2 of a slice of 5: the slice is cut to the room left, and the
	// attribute after it finds none. "abcd1" and "abcd2" are the same key
	// once cut: the second is dropped.
	s.AddEvent(trace.Event{Name: "e2", Attributes: map[string]any{"abcd1": 1, "abcd2": 2, "s": []int{1, 2, 3, 4, 5}, "z": 1}})
	s.AddEvent(trace.Event{Name: "no room"})
	s.Finish()
	snap := spans()[0]
	want := []trace.Event{
		{Name: "lon", Attributes: map[string]any{"long": "val", "b": true}},
		{Name: "e2", Attributes: map[string]any{"abcd": int64(1), "s": []int64{1}}},
	}
	var got []trace.Event
	for i := range snap.NumEvents() {
		e := snap.EventAt(i)
		e.Time = time.Time{}
		got = append(got, e)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
	st := tr.Stats()
	// Dropped: "abcd2" (same key once cut), "z" (no room), the third event.
	// Cut: the name, "longkey", "value", "abcd1", the slice; what was
	// dropped counts as dropped only ("abcd2", the third event's name).
	if st.TagsDropped != 3 || st.TagsTruncated != 5 {
		t.Errorf("TagsDropped = %d (want 3), TagsTruncated = %d (want 5)", st.TagsDropped, st.TagsTruncated)
	}
}

// TestAddEventBoundsSlices gives an event a slice far longer than the span
// may hold: the span copies no more than Limits.Tags elements of it.
func TestAddEventBoundsSlices(t *testing.T) {
	huge := make([]float64, 1<<20)
	snap := one(t, func(s *trace.Span) {
		s.AddEvent(trace.Event{Name: "big", Attributes: map[string]any{"xs": huge}})
	}, trace.WithLimits(trace.Limits{Tags: 8}))
	if n := len(snap.EventAt(0).Attributes["xs"].([]float64)); n != 7 {
		t.Errorf("the span kept %d elements, want 7 (8 entries, less one for the event)", n)
	}
}

// callsBack is an attribute value whose String method adds an event to the
// span that holds it: AddEvent must run it outside the span's lock.
type callsBack struct{ s *trace.Span }

func (c callsBack) String() string {
	c.s.AddEvent(trace.Event{Name: "from String"})
	return "called back"
}

func TestAddEventConcurrentWithFinish(t *testing.T) {
	tr, spans := newTracer(t)
	_, s := tr.Start(context.Background(), "op")
	s.AddEvent(trace.Event{Name: "outer", Attributes: map[string]any{"cb": callsBack{s}}})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			attrs := map[string]any{"g": g}
			for i := range 100 {
				attrs["i"] = i // the same map, reused: the span copies it
				s.AddEvent(trace.Event{Name: "loop", Attributes: attrs})
			}
		}()
	}
	s.Finish()
	wg.Wait()
	snap := spans()[0]
	if n := snap.NumEvents(); n < 2 || n > 402 {
		t.Fatalf("%d events", n)
	}
	if e0, e1 := snap.EventAt(0), snap.EventAt(1); e0.Name != "from String" || e1.Name != "outer" || e1.Attributes["cb"] != "called back" {
		t.Errorf("events 0 and 1: %+v, %+v", e0, e1)
	}
}

// TestMemoryBudgetCountsEvents finishes spans whose events hold a lot,
// while the exporter is stuck: the live heap must stay near the budget,
// whichever part of an event holds the bytes (see
// TestMemoryBudgetBoundsWhatSpansPin).
func TestMemoryBudgetCountsEvents(t *testing.T) {
	const (
		spans  = 3000
		budget = 8 << 20
		slack  = 16 << 20
	)
	kinds := map[string]func(v string) trace.Event{
		"name":   func(v string) trace.Event { return trace.Event{Name: v} },
		"string": func(v string) trace.Event { return trace.Event{Attributes: map[string]any{"big": v}} },
		"key":    func(v string) trace.Event { return trace.Event{Attributes: map[string]any{v: 1}} },
		"slice": func(v string) trace.Event {
			return trace.Event{Attributes: map[string]any{"big": []string{v, v, v, v, v, v, v, v}}}
		},
	}
	for name, event := range kinds {
		t.Run(name, func(t *testing.T) {
			exp := newStuckExporter()
			tr := trace.New(trace.WithExporter(exp), trace.WithMemoryBudget(budget), trace.WithLogger(quietLogger()),
				trace.WithLimits(trace.Limits{KeyLength: 25000}))
			t.Cleanup(func() {
				exp.unstick()
				tr.Shutdown(context.Background())
			})
			before := liveHeap()
			for i := range spans {
				_, s := tr.Start(context.Background(), "op")
				s.AddEvent(event(megabyte(i)))
				s.Finish()
				if (i+1)%500 == 0 {
					if g := int64(liveHeap()) - int64(before); g > budget+slack {
						t.Fatalf("after %d spans the live heap grew by %d MiB with a %d MiB budget", i+1, g>>20, budget>>20)
					}
				}
			}
			st := tr.Stats()
			if st.Dropped.QueueFull == 0 || st.SpansQueued == 0 {
				t.Errorf("the budget refused nothing, or held nothing: %+v", st)
			}
			exp.unstick()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a hang guard
			defer cancel()
			if err := tr.Shutdown(ctx); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			if st := tr.Stats(); st.MemoryInUse != 0 || st.SpansFinished != st.SpansExported+st.Dropped.Total() {
				t.Errorf("after Shutdown: %+v", st)
			}
		})
	}
}

func TestEventNamesAndStringsAreValidUTF8(t *testing.T) {
	snap := one(t, func(s *trace.Span) {
		s.AddEvent(trace.Event{Name: "bad\xff", Attributes: map[string]any{"k\xfe": []string{"v\xfd"}}})
	})
	e := snap.EventAt(0)
	if e.Name != "bad\uFFFD" || !cmp.Equal(e.Attributes, map[string]any{"k\uFFFD": []string{"v\uFFFD"}}) {
		t.Errorf("%q %q", e.Name, e.Attributes)
	}
	if strings.ContainsRune(e.Name, 0xff) {
		t.Error("invalid byte kept")
	}
}
