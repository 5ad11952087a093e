package trace

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// Hostile input through the span API (GitHub issue "Under pressure", items
// 7 to 9): nothing a caller passes makes the tracer recurse without end,
// allocate without bound, take quadratic time, or read a value wrongly.

type selfPointer *selfPointer

type box struct{ V any }

type panicStringer struct{ v any }

func (p panicStringer) String() string { panic(p.v) }

func TestHostileSetTagValues(t *testing.T) {
	var p selfPointer
	p = &p
	loop := []any{nil}
	loop[0] = loop
	m := map[string]any{}
	m["m"] = m
	viaStruct := []any{nil}
	viaStruct[0] = box{viaStruct}
	var deep any = 1
	for range 100_000 {
		deep = []any{deep}
	}
	var wide any = "x"
	for range 64 {
		wide = []any{wide, wide} // 2^64 leaves for fmt to print
	}
	normal := map[string]any{"a": []int{1, 2}, "b": box{3}, "c": []any{"x", 1.5, nil}}
	cases := []struct {
		name   string
		value  any
		prefix string // what the stored text starts with
	}{
		{"pointer to itself", p, "0x"},
		{"slice containing itself", box{loop}, "{[[[["},
		{"map containing itself", m, "map[m:map[m:"},
		{"cycle through a struct", box{viaStruct}, "{[{[{"},
		{"100,000 levels", box{deep}, "{[[[["},
		{"exponential sharing", box{wide}, "{[[[["},
		{"panic with a cycle", panicStringer{loop}, "%!v(PANIC=[[[["},
		{"ordinary nesting, as fmt prints it", normal, fmt.Sprint(normal)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			exp := &recordAll{}
			tr := New(WithExporter(exp))
			_, s := tr.Start(context.Background(), "op", Tag("start", c.value))
			s.SetTag("k", c.value)
			s.SetTag("list", []any{c.value, 1})
			s.SetTags(func(yield func(string, any) bool) { yield("seq", c.value) })
			s.SetTag("self", loop) // one tag per element: self.0
			s.Finish()
			tr.Shutdown(context.Background())
			x := exp.find("op")
			if v, _ := x.Tag("self.0"); !strings.HasPrefix(v.String(), "[[[[") {
				t.Errorf("self.0 = %.60q", v.String())
			}
			for _, key := range []string{"start", "k", "seq", "list.0"} {
				v, ok := x.Tag(key)
				got := v.String()
				if !ok || !strings.HasPrefix(got, c.prefix) || !utf8.ValidString(got) || len(got) > maxFormatBytes {
					t.Errorf("%s = %.60q (%d bytes), want it to start with %.60q", key, got, len(got), c.prefix)
				}
			}
		})
	}
}

func TestHostileStackDepth(t *testing.T) {
	frames := func(stack string) int { return strings.Count(stack, "\n\t") }
	var recurse func(n int, fn func())
	recurse = func(n int, fn func()) {
		if n == 0 {
			fn()
			return
		}
		recurse(n-1, fn)
	}
	e := errors.New("boom")
	cases := []struct {
		name       string
		opts       []Option
		run        func(tr *Tracer)
		min, max   int // frames in error.stack
		wantNoSpan bool
	}{
		{"SetError under WithStackDepth(MaxInt)", []Option{WithStackDepth(math.MaxInt)}, func(tr *Tracer) {
			_, s := tr.Start(context.Background(), "op")
			recurse(400, func() { s.SetError(e) })
			s.Finish()
		}, maxStackDepth, maxStackDepth, false},
		{"StackDepth(MaxInt, 0)", nil, func(tr *Tracer) {
			_, s := tr.Start(context.Background(), "op")
			s.Finish(WithError(e), StackDepth(math.MaxInt, 0))
		}, 1, maxStackDepth, false},
		{"StackDepth(MaxInt, MaxInt)", nil, func(tr *Tracer) {
			_, s := tr.Start(context.Background(), "op")
			s.Finish(WithError(e), StackDepth(math.MaxInt, math.MaxInt))
		}, 0, 0, false},
		{"StackDepth(1000, 0) 400 frames deep", nil, func(tr *Tracer) {
			_, s := tr.Start(context.Background(), "op")
			recurse(400, func() { s.Finish(WithError(e), StackDepth(1000, 0)) })
		}, maxStackDepth, maxStackDepth, false},
		{"a panic in Do under WithStackDepth(MaxInt)", []Option{WithStackDepth(math.MaxInt)}, func(tr *Tracer) {
			defer func() { _ = recover() }()
			recurse(400, func() {
				_ = tr.Do(context.Background(), "op", func(context.Context) error { panic("boom") })
			})
		}, maxStackDepth, maxStackDepth, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			exp := &recordAll{}
			tr := New(append([]Option{WithExporter(exp)}, c.opts...)...)
			c.run(tr)
			tr.Shutdown(context.Background())
			x := exp.find("op")
			stack, _ := x.Tag(tagErrorStack)
			if !x.IsError() || frames(stack.String()) < c.min || frames(stack.String()) > c.max {
				t.Errorf("error %v, %d frames, want %d to %d", x.IsError(), frames(stack.String()), c.min, c.max)
			}
		})
	}
}

// priorities records the priority of each chunk exported.
type priorities struct{ got []Priority }

func (p *priorities) Export(_ context.Context, b []Chunk) error {
	for _, c := range b {
		pr, _ := c.Priority()
		p.got = append(p.got, pr)
	}
	return nil
}

func (p *priorities) Shutdown(context.Context) error { return nil }

func TestHostileSamplingPriorityTag(t *testing.T) {
	priorityAfter := func(v any, set bool) Priority {
		exp := &priorities{}
		tr := New(WithExporter(exp))
		_, s := tr.Start(context.Background(), "op")
		if set {
			s.SetTag(tagSamplingPriority, v)
		}
		s.Finish()
		tr.Shutdown(context.Background())
		return exp.got[0]
	}
	auto := priorityAfter(nil, false)
	cases := []struct {
		value any
		want  Priority
	}{
		{2, PriorityUserKeep},
		{-1, PriorityUserReject},
		{0, PriorityAutoReject},
		{int8(127), 127},
		{-128, -128},
		{2.0, PriorityUserKeep},
		{256, auto}, // would wrap to 0, a drop
		{257, auto}, // would wrap to 1
		{-129, auto},
		{uint8(255), auto},
		{int64(1) << 60, auto},
		{1.5, auto},
		{math.NaN(), auto},
		{math.Inf(1), auto},
		{"2", auto},
	}
	for _, c := range cases {
		if got := priorityAfter(c.value, true); got != c.want {
			t.Errorf("SetTag(%q, %T(%v)): priority %d, want %d", tagSamplingPriority, c.value, c.value, got, c.want)
		}
	}
}

// allocated returns the bytes fn allocates.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestHostileManyBaggageItems(t *testing.T) {
	tr := New()
	defer tr.Shutdown(context.Background())
	_, s := tr.Start(context.Background(), "op")
	keys := make([]string, 40_000)
	for i := range keys {
		keys[i] = "k" + strconv.Itoa(i)
	}
	// Copying the whole list on every call, as before, allocated 40,000²/2
	// items' worth: tens of gigabytes, and 41 s.
	n := allocated(func() {
		for _, k := range keys {
			s.SetBaggageItem(k, "v")
		}
		for i := range keys {
			s.SetBaggageItem("k0", keys[i])
		}
		for _, k := range keys {
			s.SetPropagatedTag("_dd.p."+k, "v")
		}
	})
	if n > 512<<20 {
		t.Errorf("%d MiB allocated", n>>20)
	}
	items, size := 0, 0
	for k, v := range s.Context().Baggage() {
		items, size = items+1, size+len(k)+len(v)
	}
	if items != maxBaggageMembers || size > maxBaggageBytes || s.BaggageItem("k0") != keys[len(keys)-1] {
		t.Errorf("%d baggage items, %d bytes; k0 = %q", items, size, s.BaggageItem("k0"))
	}
	items, size = 0, 0
	for k, v := range s.Context().Tags() {
		items, size = items+1, size+len(k)+len(v)
	}
	if items > maxPropagatedTags || size > defaultTagsHeaderMax || items < 10 {
		t.Errorf("%d propagated tags, %d bytes", items, size)
	}
	s.Finish()
}

func TestHostileBaggageBytes(t *testing.T) {
	tr := New()
	defer tr.Shutdown(context.Background())
	_, s := tr.Start(context.Background(), "op")
	steps := []struct {
		key, value string
		kept       bool
	}{
		{"huge", strings.Repeat("x", maxBaggageBytes), false}, // with its key, over
		{"big", strings.Repeat("x", 8000), true},
		{"more", strings.Repeat("x", 500), false},
		{"big", strings.Repeat("y", 8100), true},  // an update within the limit
		{"big", strings.Repeat("z", 8190), false}, // an update past it
		{"big", "small", true},
		{"more", strings.Repeat("x", 500), true},
	}
	for i, st := range steps {
		s.SetBaggageItem(st.key, st.value)
		if got := s.BaggageItem(st.key) == st.value; got != st.kept {
			t.Errorf("step %d: %s kept %v, want %v", i, st.key, got, st.kept)
		}
	}
	s.Finish()
}

// TestHostileBaggageSharing: a list shared by a parent, its children and
// their contexts is never written: each keeps what it had.
func TestHostileBaggageSharing(t *testing.T) {
	tr := New()
	defer tr.Shutdown(context.Background())
	ctx, root := tr.Start(context.Background(), "root")
	root.SetBaggageItem("a", "1")
	before := root.Context()
	_, child := tr.Start(ctx, "child")
	root.SetBaggageItem("a", "2")
	root.SetBaggageItem("b", "1")
	child.SetBaggageItem("c", "1")
	child.SetBaggageItem("a", "3")
	want := map[string]map[string]string{
		"root":    {"a": "2", "b": "1"},
		"child":   {"a": "3", "c": "1"},
		"context": {"a": "1"},
	}
	got := map[string]map[string]string{"root": {}, "child": {}, "context": {}}
	for k, v := range root.Context().Baggage() {
		got["root"][k] = v
	}
	for k, v := range child.Context().Baggage() {
		got["child"][k] = v
	}
	for k, v := range before.Baggage() {
		got["context"][k] = v
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("baggage %v, want %v", got, want)
	}
	child.Finish()
	root.Finish()
}
