package trace

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// spanView is what a test compares of a finished span: everything a tag
// can change, tags in order.
type spanView struct {
	Name, Service, Resource, Type string
	Error                         bool
	Priority                      Priority
	Tags                          []string
}

func viewSpan(x Snapshot) spanView {
	v := spanView{Name: x.Name(), Service: x.Service(), Resource: x.Resource(), Type: x.Type(), Error: x.IsError()}
	v.Priority = x.s.trace.priority
	for i := range x.NumTags() {
		k, val := x.TagAt(i)
		kind, text := "s", val.String()
		if val.IsNumber() {
			kind = "n"
		}
		if k == "error.stack" {
			text = "<stack>" // one frame deeper inside a group: see setErrorTagLocked
		}
		v.Tags = append(v.Tags, k+"="+kind+":"+text)
	}
	return v
}

// startBoth starts and finishes one span with opts given one by one, and
// one with the same options in a Group, each with a fresh tracer made with
// topts; each then gets after, and reports the spans and the tracers'
// tag counters.
func startBoth(t *testing.T, opts []SpanOption, topts []Option, after func(*Span)) (one, grouped Snapshot, st [2]Stats) {
	t.Helper()
	run := func(opts ...SpanOption) (Snapshot, Stats) {
		tr := New(append([]Option{WithService("svc"), WithEnv("prod")}, topts...)...)
		defer tr.Shutdown(context.Background())
		_, s := tr.Start(context.Background(), "op", opts...)
		if after != nil {
			after(s)
		}
		s.Finish()
		return Snapshot{s}, tr.Stats()
	}
	one, st[0] = run(opts...)
	grouped, st[1] = run(Group(opts...))
	return one, grouped, st
}

// TestGroupAsOneByOne: a span started with a Group of options is the span
// started with the same options one by one, whether its tags are shared or
// not: values of every kind, special keys, slices, duplicate keys, invalid
// UTF-8, nested groups, the tracer's limits, and tags set afterwards.
func TestGroupAsOneByOne(t *testing.T) {
	errBoom := fmt.Errorf("boom")
	n := 7
	cases := []struct {
		name   string
		opts   []SpanOption
		topts  []Option
		after  func(*Span)
		shared bool
	}{
		{name: "plain", shared: true, opts: []SpanOption{Tag("a", "x"), Tag("b", 2), Tag("c", 2.5), Tag("d", true),
			Tag("e", uint8(3)), Tag("f", int64(1)<<60), Resource("r"), Type("t"), Service("s2")}},
		{name: "duplicates", shared: true, opts: []SpanOption{Tag("a", "x"), Tag("b", 1), Tag("a", "y")}},
		{name: "invalid UTF-8", shared: true, opts: []SpanOption{Tag("k\xff", "v\xfe"), Tag("z", "ok")}},
		{name: "nested", shared: true, opts: []SpanOption{Tag("a", "x"), Group(Tag("b", 1), Group(Tag("c", "z"))), Tag("d", 4)}},
		{name: "measured number", shared: true, opts: []SpanOption{Tag("_dd.measured", 1), Tag("a", "x")}},
		{name: "special keys", opts: []SpanOption{Tag("a", "x"), Tag("error", true), Tag("service.name", "s3"),
			Tag("resource.name", "r3"), Tag("span.type", "t3"), Tag("span.name", "n3"), Tag("manual.keep", true), Tag("z", 1)}},
		{name: "measured bool", opts: []SpanOption{Tag("_dd.measured", true), Tag("analytics.event", false)}},
		{name: "error value", opts: []SpanOption{Tag("a", "x"), Tag("error", errBoom)}},
		{name: "slice", opts: []SpanOption{Tag("a", []int{1, 2}), Tag("b", "x")}},
		{name: "other types", opts: []SpanOption{Tag("a", errBoom), Tag("b", &n), Tag("c", []byte("x")), Tag("d", nil)}},
		{name: "key too long", topts: []Option{WithLimits(Limits{KeyLength: 3})}, opts: []SpanOption{Tag("abcdef", "x"), Tag("g", "y")}},
		{name: "value too long", topts: []Option{WithLimits(Limits{ValueLength: 3})}, opts: []SpanOption{Tag("a", "xyzxyz"), Tag("g", "y")}},
		{name: "too many tags", topts: []Option{WithLimits(Limits{Tags: 3})}, opts: []SpanOption{Tag("a", 1), Tag("b", 2), Tag("c", 3)}},
		{name: "global tag first", topts: []Option{WithGlobalTag("g", "v")}, shared: true, opts: []SpanOption{Tag("a", 1), Tag("b", 2)}},
		{name: "key held already", topts: []Option{WithGlobalTag("a", "v")}, opts: []SpanOption{Tag("a", 1), Tag("b", 2)}},
		{name: "version after", topts: []Option{WithVersion("1.2")}, shared: true, opts: []SpanOption{Tag("a", 1), Tag("version", "0.9")}},
		{name: "set after", shared: true, opts: []SpanOption{Tag("a", "x"), Tag("b", 2), Tag("c", 3)},
			after: func(s *Span) { s.SetTag("b", "changed"); s.SetTag("new", 1); s.SetTag("a", 9) }},
		{name: "set after, others", shared: true, opts: []SpanOption{Tag("a", "x")},
			after: func(s *Span) {
				s.SetTag("o1", 1)
				s.SetTag("o2", 2)
				s.SetTag("o3", 3)
				s.SetTag("o4", 4)
				s.SetTag("o5", 5)
				s.SetTag("o6", 6)
			}},
		{name: "empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			one, grouped, st := startBoth(t, c.opts, c.topts, c.after)
			if diff := cmp.Diff(viewSpan(one), viewSpan(grouped)); diff != "" {
				t.Errorf("one by one (-) and grouped (+) differ:\n%s", diff)
			}
			if st[0].TagsDropped != st[1].TagsDropped || st[0].TagsTruncated != st[1].TagsTruncated {
				t.Errorf("dropped %d and %d, truncated %d and %d", st[0].TagsDropped, st[1].TagsDropped, st[0].TagsTruncated, st[1].TagsTruncated)
			}
			if c.after == nil {
				if got := grouped.s.tags.shared != nil; got != c.shared {
					t.Errorf("shared = %t, want %t", got, c.shared)
				}
			}
		})
	}
}

// TestGroupShared: spans of one group share its tags until one of them
// sets one of its keys, which changes that span alone.
func TestGroupShared(t *testing.T) {
	tr := New(WithService("svc"))
	defer tr.Shutdown(context.Background())
	g := Group(Tag("component", "grpc"), Tag("span.kind", "server"), Tag("rpc.system", "grpc"), Resource("/a/B"))
	_, s1 := tr.Start(context.Background(), "op", g)
	_, s2 := tr.Start(context.Background(), "op", g)
	if s1.tags.shared == nil || s1.tags.shared != s2.tags.shared {
		t.Fatalf("not shared: %p %p", s1.tags.shared, s2.tags.shared)
	}
	s1.SetTag("span.kind", "client")
	s1.Finish()
	s2.Finish()
	if v, _ := (Snapshot{s1}).Tag("span.kind"); v.String() != "client" {
		t.Errorf("s1 span.kind = %v", v)
	}
	if v, _ := (Snapshot{s2}).Tag("span.kind"); v.String() != "server" {
		t.Errorf("s2 span.kind = %v", v)
	}
	if s1.tags.shared != nil || s2.tags.shared == nil {
		t.Errorf("after the change: s1 shares %t, s2 shares %t", s1.tags.shared != nil, s2.tags.shared != nil)
	}
}

// TestGroupConcurrent starts spans of one group on several goroutines,
// some changing its tags: for the race detector.
func TestGroupConcurrent(t *testing.T) {
	tr := New(WithService("svc"))
	defer tr.Shutdown(context.Background())
	g := Group(Tag("a", "x"), Tag("b", 1))
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 200 {
				_, s := tr.Start(context.Background(), "op", g)
				if j%2 == 0 {
					s.SetTag("a", i)
				}
				for k, v := range (Snapshot{s}).Tags() {
					_, _ = k, v.String()
				}
				s.Finish()
			}
		})
	}
	wg.Wait()
}

// TestGroupStartOptions: the non-tag options of a group (resource, type,
// service, parent, span id, start time, links) apply as given one by one.
func TestGroupStartOptions(t *testing.T) {
	tr := New(WithService("svc"))
	defer tr.Shutdown(context.Background())
	_, parent := tr.Start(context.Background(), "parent")
	defer parent.Finish()
	start := parent.StartTime()
	l := Link{TraceID: NewTraceID(1, 2), SpanID: 3}
	_, s := tr.Start(context.Background(), "op", Group(Resource("r"), Type("t"), Service("s2"), ChildOf(parent.Context()),
		WithSpanID(42), StartTime(start), WithLinks(l)))
	s.Finish()
	x := Snapshot{s}
	if x.Resource() != "r" || x.Type() != "t" || x.Service() != "s2" || x.ParentID() != parent.SpanID() ||
		x.SpanID() != 42 || !x.Start().Equal(start) || x.NumLinks() != 1 || x.LinkAt(0).SpanID != 3 {
		t.Errorf("got %v, links %d", x, x.NumLinks())
	}
}

// TestGroupManyTags: a group past the inline tags and the overflow's own
// room, shared, and then unshared by a change, keeps every tag in order.
func TestGroupManyTags(t *testing.T) {
	var opts []SpanOption
	for i := range 40 {
		opts = append(opts, Tag(fmt.Sprintf("k%02d", i), strings.Repeat("v", i)))
	}
	one, grouped, _ := startBoth(t, opts, nil, func(s *Span) { s.SetTag("k17", "changed"); s.SetTag("extra", 1) })
	if diff := cmp.Diff(viewSpan(one), viewSpan(grouped)); diff != "" {
		t.Errorf("one by one (-) and grouped (+) differ:\n%s", diff)
	}
	if v, ok := grouped.Tag("k39"); !ok || v.String() != strings.Repeat("v", 39) {
		t.Errorf("k39 = %v, %t", v, ok)
	}
}
