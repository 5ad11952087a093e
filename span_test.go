package trace_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ctxtrace/trace"
)

type stringer struct{ s string }

func (s stringer) String() string { return "str:" + s.s }

type panicky struct{}

func (panicky) String() string { panic("no string for you") }

type nilStringer struct{ p *string }

func (n *nilStringer) String() string { return *n.p }

func TestSetTagRouting(t *testing.T) {
	var nilPtr *nilStringer
	cases := []struct {
		name  string
		val   any
		isNum bool
		str   string
		num   float64
	}{
		{"string", "GET", false, "GET", 0},
		{"empty string", "", false, "", 0},
		{"true", true, false, "true", 0},
		{"false", false, false, "false", 0},
		{"int", 42, true, "", 42},
		{"negative int", -7, true, "", -7},
		{"int64 below 2^53", int64(1<<53 - 1), true, "", 1<<53 - 1},
		{"int64 at 2^53", int64(1 << 53), false, "9007199254740992", 0},
		{"int64 at -2^53", int64(-1 << 53), false, "-9007199254740992", 0},
		{"pointer to int", ptrTo(5), true, "", 5},
		{"pointer to string", ptrTo("s"), false, "s", 0},
		{"pointer to bool", ptrTo(true), false, "true", 0},
		{"nil pointer", (*int)(nil), false, "<nil>", 0},
		{"pointer Stringer", &stringer{"p"}, false, "str:p", 0},
		{"array", [2]string{"a", "b"}, false, "[a b]", 0},
		{"int64 past 2^53", int64(1<<53 + 1), false, "9007199254740993", 0},
		{"int64 past -2^53", int64(-(1 << 53) - 1), false, "-9007199254740993", 0},
		{"int past 2^53", 1<<53 + 3, false, "9007199254740995", 0},
		{"uint64 max", uint64(math.MaxUint64), false, "18446744073709551615", 0},
		{"uint", uint(5), true, "", 5},
		{"uint past 2^53", uint(1<<53 + 1), false, "9007199254740993", 0},
		{"int8", int8(-8), true, "", -8},
		{"int16", int16(16), true, "", 16},
		{"int32", int32(32), true, "", 32},
		{"uint8", uint8(8), true, "", 8},
		{"uint16", uint16(16), true, "", 16},
		{"uint32", uint32(32), true, "", 32},
		{"float32", float32(1.5), true, "", 1.5},
		{"float64", 0.25, true, "", 0.25},
		{"bytes", []byte("raw"), false, "raw", 0},
		{"stringer", stringer{"x"}, false, "str:x", 0},
		{"error", errors.New("boom"), false, "boom", 0},
		{"nil", nil, false, "<nil>", 0},
		{"struct", struct{ A int }{3}, false, "{3}", 0},
		{"Value", trace.NumberValue(9), true, "", 9},
		{"panicking String", panicky{}, false, "%!v(PANIC=no string for you)", 0},
		{"nil pointer Stringer", nilPtr, false, "%!v(PANIC=runtime error: invalid memory address or nil pointer dereference)", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := one(t, func(s *trace.Span) { s.SetTag("k", c.val) })
			v, ok := s.Tag("k")
			if !ok {
				t.Fatal("tag k missing")
			}
			if v.IsNumber() != c.isNum {
				t.Fatalf("IsNumber = %v, want %v", v.IsNumber(), c.isNum)
			}
			if !c.isNum && v.String() != c.str {
				t.Errorf("value = %q, want %q", v.String(), c.str)
			}
			if c.isNum && v.Float64() != c.num {
				t.Errorf("value = %v, want %v", v.Float64(), c.num)
			}
		})
	}
}

func TestSetTagReplacesAcrossKinds(t *testing.T) {
	s := one(t, func(s *trace.Span) {
		s.SetTag("a", 1)
		s.SetTag("b", "x")
		s.SetTag("a", "now text")
		s.SetTag("b", 2.5)
	})
	var keys []string
	for k := range s.Tags() {
		keys = append(keys, k)
	}
	if got := strings.Join(keys, ","); got != "a,b" {
		t.Fatalf("keys = %s, want a,b (first-set order, no duplicates)", got)
	}
	meta, metrics := map[string]string{}, map[string]float64{}
	for k, v := range s.Tags() {
		if v.IsNumber() {
			metrics[k] = v.Float64()
		} else {
			meta[k] = v.String()
		}
	}
	if meta["a"] != "now text" || len(meta) != 1 {
		t.Errorf("meta = %v", meta)
	}
	if metrics["b"] != 2.5 || len(metrics) != 1 {
		t.Errorf("metrics = %v", metrics)
	}
}

func TestSetTagSpecialKeys(t *testing.T) {
	s := one(t, func(s *trace.Span) {
		s.SetTag("service.name", "other")
		s.SetTag("resource.name", "GET /x")
		s.SetTag("span.type", "web")
		s.SetTag("span.name", "renamed")
	})
	if s.Service() != "other" || s.Resource() != "GET /x" || s.Type() != "web" || s.Name() != "renamed" {
		t.Fatalf("got %v", s)
	}
	if s.NumTags() != 0 {
		t.Errorf("special keys stored as tags: %v", tags(s))
	}
}

func TestSetTagError(t *testing.T) {
	cases := []struct {
		name    string
		vals    []any
		errored bool
		msg     string
	}{
		{"error value", []any{fs.ErrNotExist}, true, "file does not exist"},
		{"true", []any{true}, true, ""},
		{"false clears", []any{true, false}, false, ""},
		{"nil clears", []any{true, nil}, false, ""},
		{"other value", []any{"bad things"}, true, ""}, // marked, no message: as dd-trace-go
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := one(t, func(s *trace.Span) {
				for _, v := range c.vals {
					s.SetTag("error", v)
				}
			})
			if s.IsError() != c.errored {
				t.Fatalf("IsError = %v", s.IsError())
			}
			msg, _ := s.Tag("error.message")
			if msg.String() != c.msg {
				t.Errorf("error.message = %q, want %q", msg.String(), c.msg)
			}
		})
	}
	s := one(t, func(s *trace.Span) { s.SetTag("error", fmt.Errorf("wrapped: %w", fs.ErrNotExist)) })
	if typ, _ := s.Tag("error.type"); typ.String() != "*fmt.wrapError" {
		t.Errorf("error.type = %q", typ.String())
	}
	if st, _ := s.Tag("error.stack"); !strings.Contains(st.String(), "TestSetTagError") {
		t.Errorf("error.stack does not start in the caller:\n%s", st.String())
	}
}

func TestSetError(t *testing.T) {
	err := errors.New("boom")
	s := one(t, func(s *trace.Span) { s.SetError(err) })
	got := tags(s)
	if !s.IsError() || got["error.message"].String() != "boom" || got["error.type"].String() != "*errors.errorString" {
		t.Fatalf("tags = %v", got)
	}
	st := got["error.stack"].String()
	first := strings.SplitN(st, "\n", 2)[0]
	if !strings.Contains(first, "TestSetError") {
		t.Errorf("the stack's first frame is %q, want the caller of SetError", first)
	}

	s = one(t, func(s *trace.Span) { s.SetError(nil) })
	if s.IsError() || s.NumTags() != 0 {
		t.Errorf("SetError(nil) changed the span: %v", tags(s))
	}

	s = one(t, func(s *trace.Span) { s.SetError(err) }, trace.WithStackDepth(0))
	if _, ok := s.Tag("error.stack"); ok {
		t.Error("WithStackDepth(0) still recorded a stack")
	}
}

func TestFinishOptions(t *testing.T) {
	tr, spans := newTracer(t)
	ctx := context.Background()
	err := errors.New("bad")

	_, a := tr.Start(ctx, "with-stack")
	a.Finish(trace.WithError(err))
	_, b := tr.Start(ctx, "no-stack")
	b.Finish(trace.WithError(err), trace.StackDepth(0, 0))
	_, c := tr.Start(ctx, "one-frame")
	c.Finish(trace.WithError(err), trace.StackDepth(1, 0))
	_, d := tr.Start(ctx, "nil-error")
	d.Finish(trace.WithError(nil))

	got := byName(spans())
	st, _ := got["with-stack"].Tag("error.stack")
	if !strings.HasPrefix(st.String(), "github.com/ctxtrace/trace_test.TestFinishOptions") {
		t.Errorf("stack starts with %q", strings.SplitN(st.String(), "\n", 2)[0])
	}
	if _, ok := got["no-stack"].Tag("error.stack"); ok || !got["no-stack"].IsError() {
		t.Errorf("NoStack: %v", tags(got["no-stack"]))
	}
	st, _ = got["one-frame"].Tag("error.stack")
	if n := strings.Count(st.String(), "\n"); n != 2 {
		t.Errorf("StackDepth(1, 0) kept %d lines:\n%s", n, st.String())
	}
	if got["nil-error"].IsError() {
		t.Error("WithError(nil) marked the span")
	}
}

func TestLimits(t *testing.T) {
	tr, spans := newTracer(t, trace.WithLimits(trace.Limits{Tags: 3, KeyLength: 4, ValueLength: 5}))
	_, s := tr.Start(context.Background(), strings.Repeat("n", 300))
	s.SetTag("a", 1)
	s.SetTag("b", 2)
	s.SetTag("longkey", "x")    // cut to "long"
	s.SetTag("d", 4)            // a fourth key: dropped
	s.SetTag("a", "héllo wörd") // replacing is fine; value cut at a character
	s.SetTag("", "empty key")   // dropped
	s.SetResource(strings.Repeat("r", 6000))
	s.Finish()
	got := spans()[0]
	if len(got.Name()) != 100 {
		t.Errorf("name has %d bytes, want 100", len(got.Name()))
	}
	if len(got.Resource()) != 5000 {
		t.Errorf("resource has %d bytes, want 5000", len(got.Resource()))
	}
	tg := tags(got)
	if _, ok := tg["long"]; !ok || len(tg) != 3 {
		t.Errorf("tags = %v", tg)
	}
	if v := tg["a"].String(); v != "héll" || !utf8.ValidString(v) {
		t.Errorf("a = %q, want the value cut at a character boundary", v)
	}
	st := tr.Stats()
	if st.TagsDropped != 2 {
		t.Errorf("TagsDropped = %d, want 2", st.TagsDropped)
	}
	if st.TagsTruncated != 4 { // key, value, name, resource
		t.Errorf("TagsTruncated = %d, want 4", st.TagsTruncated)
	}
}

func TestInvalidUTF8IsRepaired(t *testing.T) {
	s := one(t, func(s *trace.Span) {
		s.SetTag("k\xff", "v\xfe\xfd")
		s.SetName("n\xc0")
	})
	for k, v := range s.Tags() {
		if !utf8.ValidString(k) || !utf8.ValidString(v.String()) {
			t.Errorf("invalid UTF-8 kept: %q=%q", k, v.String())
		}
	}
	if s.Name() != "n\uFFFD" {
		t.Errorf("name = %q", s.Name())
	}
}

func TestManyTags(t *testing.T) {
	// Past indexAt tags, lookups use a map: 100,000 distinct keys on one
	// span must stay fast and bounded by Limits.Tags.
	s := one(t, func(s *trace.Span) {
		for i := range 100_000 {
			s.SetTag(fmt.Sprintf("key%d", i), i)
		}
		s.SetTag("key7", "replaced")
	})
	if s.NumTags() != 1024 {
		t.Fatalf("NumTags = %d, want the default limit 1024", s.NumTags())
	}
	if v, _ := s.Tag("key7"); v.String() != "replaced" {
		t.Errorf("key7 = %v", v)
	}
	if v, _ := s.Tag("key1023"); v.Float64() != 1023 {
		t.Errorf("key1023 = %v", v)
	}
}

func TestNilSpan(t *testing.T) {
	var s *trace.Span
	s.SetTag("k", "v")
	s.SetTags(nil)
	s.SetError(errors.New("x"))
	s.SetName("n")
	s.SetResource("r")
	s.SetBaggageItem("k", "v")
	s.Keep()
	s.Drop()
	s.Finish(trace.WithError(errors.New("x")))
	if s.BaggageItem("k") != "" || s.Context().IsValid() || s.SpanID() != 0 || !s.TraceID().IsZero() {
		t.Error("a nil span returned data")
	}
	if s.String() != "<nil span>" {
		t.Error(s.String())
	}
}

func TestFinishFreezes(t *testing.T) {
	tr, spans := newTracer(t)
	_, s := tr.Start(context.Background(), "op")
	s.SetTag("k", "before")
	s.Finish()
	s.SetTag("k", "after")
	s.SetTag("new", 1)
	s.SetName("renamed")
	s.SetResource("other")
	s.SetError(errors.New("late"))
	s.SetBaggageItem("b", "v")
	s.Finish()
	s.Finish(trace.WithError(errors.New("late")))
	got := spans()
	if len(got) != 1 {
		t.Fatalf("exported %d spans, want 1 (Finish is idempotent)", len(got))
	}
	x := got[0]
	if v, _ := x.Tag("k"); v.String() != "before" || x.NumTags() != 1 || x.Name() != "op" || x.Resource() != "op" || x.IsError() {
		t.Errorf("the snapshot changed after Finish: %v %v", x, tags(x))
	}
	if s.BaggageItem("b") != "" {
		t.Error("baggage set after Finish")
	}
}

func TestSpanMethodsAreConcurrencySafe(t *testing.T) {
	tr, spans := newTracer(t)
	ctx, s := tr.Start(context.Background(), "op")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				s.SetTag(fmt.Sprintf("g%d", g), i)
				s.SetName("op")
				s.SetBaggageItem("b", "v")
				_ = s.BaggageItem("b")
				_ = s.Context()
				_, c := tr.Start(ctx, "child")
				c.Finish()
				if i == 100 {
					s.Finish()
				}
			}
		})
	}
	wg.Wait()
	got := spans()
	if len(got) != 1+8*200 {
		t.Fatalf("exported %d spans, want %d", len(got), 1+8*200)
	}
}

func TestBaggage(t *testing.T) {
	tr, spans := newTracer(t)
	ctx, root := tr.Start(context.Background(), "root")
	root.SetBaggageItem("user", "ada")
	cctx, child := tr.Start(ctx, "child")
	root.SetBaggageItem("user", "grace") // copy on write: the child keeps its value
	root.SetBaggageItem("", "ignored")
	if got := child.BaggageItem("user"); got != "ada" {
		t.Errorf("child baggage = %q", got)
	}
	if v, ok := trace.SpanContextFromContext(cctx).BaggageItem("user"); !ok || v != "ada" {
		t.Errorf("SpanContext baggage = %q %v", v, ok)
	}
	child.Finish()
	root.Finish()
	for _, s := range spans() {
		for k := range s.Tags() {
			if k == "user" {
				t.Errorf("baggage written as a tag on %s", s.Name())
			}
		}
	}
}

func TestSetTags(t *testing.T) {
	s := one(t, func(s *trace.Span) {
		s.SetTags(func(yield func(string, any) bool) {
			_ = yield("a", 1) && yield("b", "two")
		})
	})
	if s.NumTags() != 2 {
		t.Fatalf("tags = %v", tags(s))
	}
}

// reentrant calls back into the span from its Error and String methods:
// the span must not hold its lock while it runs them.
type reentrant struct{ s **trace.Span }

func (r reentrant) Error() string  { (*r.s).SetTag("inside", 1); return "reentrant" }
func (r reentrant) String() string { (*r.s).SetTag("inside", 2); return "reentrant" }

func TestCallbacksDoNotDeadlock(t *testing.T) {
	tr, spans := newTracer(t)
	var s *trace.Span
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ctx context.Context
		ctx, s = tr.Start(context.Background(), "op")
		r := reentrant{&s}
		s.SetTag("k", r)
		s.SetTag("error", r)
		s.SetError(r)
		func() {
			defer func() { _ = recover() }()
			_ = tr.Do(ctx, "panics", func(ctx context.Context) error {
				inner := trace.SpanFromContext(ctx)
				panic(reentrant{&inner})
			})
		}()
		s.Finish(trace.WithError(r))
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("deadlock: a callback into the span blocked")
	}
	if got := byName(spans()); !got["op"].IsError() || !got["panics"].IsError() {
		t.Errorf("spans: %v", got)
	}
}

func TestSetTagSlices(t *testing.T) {
	s := one(t, func(s *trace.Span) {
		s.SetTag("list", []string{"a", "b"})
		s.SetTag("nums", []int{1, 2})
		s.SetTag("nested", [][]string{{"x"}, {"y", "z"}})
		s.SetTag("array", [2]bool{true, false})
		s.SetTag("bytes", []byte("text"))
		s.SetTag("stringer", stringers{"a"})
	}, trace.WithGlobalTag("g", "v"))
	got := map[string]string{}
	for k, v := range s.Tags() {
		got[k] = v.String()
	}
	want := map[string]string{
		"g": "v", "list.0": "a", "list.1": "b", "nums.0": "1", "nums.1": "2",
		"nested.0": "[x]", "nested.1": "[y z]", "array": "[true false]", "bytes": "text", "stringer": "many",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if v, _ := s.Tag("nums.1"); !v.IsNumber() {
		t.Error("numbers in a slice are not numbers")
	}
	// A Tag option expands too.
	tr, spans := newTracer(t, trace.WithLimits(trace.Limits{Tags: 3}))
	_, sp := tr.Start(context.Background(), "op", trace.Tag("l", []string{"a", "b", "c", "d", "e"}))
	sp.Finish()
	if n := spans()[0].NumTags(); n != 3 {
		t.Errorf("%d tags from a long slice, want the limit 3", n)
	}
}

func TestLinks(t *testing.T) {
	tr, spans := newTracer(t)
	_, other := tr.Start(context.Background(), "other")
	attrs := map[string]string{"link.kind": "follows"}
	_, s := tr.Start(context.Background(), "op", trace.WithLinks(trace.Link{TraceID: other.Context().TraceID(), SpanID: other.Context().SpanID(), Attributes: attrs}, trace.Link{}))
	attrs["link.kind"] = "changed" // the span kept a copy
	s.AddLink(trace.Link{TraceID: trace.NewTraceID(1, 2), SpanID: 3, Tracestate: "dd=s:1", Flags: 1})
	s.AddLink(trace.Link{TraceID: trace.NewTraceID(1, 2)}) // no span id: ignored
	s.Finish()
	s.AddLink(trace.Link{TraceID: trace.NewTraceID(1, 2), SpanID: 4}) // after Finish: ignored
	other.Finish()
	var nilSpan *trace.Span
	nilSpan.AddLink(trace.Link{})
	snap := byName(spans())["op"]
	if snap.NumLinks() != 2 {
		t.Fatalf("%d links", snap.NumLinks())
	}
	l0, l1 := snap.LinkAt(0), snap.LinkAt(1)
	if l0.TraceID != other.TraceID() || l0.SpanID != other.SpanID() || l0.Attributes["link.kind"] != "follows" {
		t.Errorf("link 0: %+v", l0)
	}
	l0.Attributes["link.kind"] = "mutated"
	if snap.LinkAt(0).Attributes["link.kind"] != "follows" {
		t.Error("a link's attributes changed through LinkAt")
	}
	if l1.SpanID != 3 || l1.Tracestate != "dd=s:1" || l1.Flags != 1 {
		t.Errorf("link 1: %+v", l1)
	}
	if (trace.Snapshot{}).NumLinks() != 0 {
		t.Error("empty snapshot has links")
	}
}

func ptrTo[T any](v T) *T { return &v }

// stringers is a slice type with a String method: its text, not a list.
type stringers []string

func (stringers) String() string { return "many" }
