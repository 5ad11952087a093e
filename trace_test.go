package trace_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

func TestParenting(t *testing.T) {
	tr, spans := newTracer(t)
	ctx, root := tr.Start(context.Background(), "root")
	cctx, child := tr.Start(ctx, "child")
	_, grandchild := tr.Start(cctx, "grandchild")
	_, explicit := tr.Start(cctx, "explicit", trace.ChildOf(root.Context())) // ChildOf beats the context
	_, fresh := tr.Start(cctx, "fresh", trace.ChildOf(trace.SpanContext{}))  // the zero context: a new root
	for _, s := range []*trace.Span{fresh, explicit, grandchild, child, root} {
		s.Finish()
	}
	got := byName(spans())
	r := got["root"]
	if r.ParentID() != 0 || !r.IsLocalRoot() {
		t.Errorf("root: parent %d, local root %v", r.ParentID(), r.IsLocalRoot())
	}
	for name, parent := range map[string]string{"child": "root", "grandchild": "child", "explicit": "root"} {
		s := got[name]
		if s.ParentID() != got[parent].SpanID() || s.TraceID() != r.TraceID() || s.IsLocalRoot() {
			t.Errorf("%s: parent %d (want %s's %d), trace %s", name, s.ParentID(), parent, got[parent].SpanID(), s.TraceID())
		}
	}
	if f := got["fresh"]; f.TraceID() == r.TraceID() || f.ParentID() != 0 || !f.IsLocalRoot() {
		t.Errorf("ChildOf(zero) did not start a new trace: %v", f)
	}
}

func TestIDs(t *testing.T) {
	tr, spans := newTracer(t)
	t0 := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	_, s := tr.Start(context.Background(), "op", trace.WithSpanID(42), trace.StartTime(t0))
	s.Finish(trace.FinishTime(t0.Add(-time.Second))) // before the start: clamped to 0
	got := spans()[0]
	if got.SpanID() != 42 || got.TraceID().Lower() != 42 {
		t.Errorf("span %d, trace lower %d; want 42 for both", got.SpanID(), got.TraceID().Lower())
	}
	if got.TraceID().Upper() != uint64(t0.Unix())<<32 {
		t.Errorf("trace upper = %x, want the start's Unix seconds in the top 32 bits", got.TraceID().Upper())
	}
	if got.Duration() != 0 || !got.Start().Equal(t0) || !got.End().Equal(t0) {
		t.Errorf("start %v duration %v", got.Start(), got.Duration())
	}

	// Random ids: distinct, non-zero, positive as int64.
	seen := map[uint64]bool{}
	tr2, spans2 := newTracer(t)
	for range 1000 {
		_, s := tr2.Start(context.Background(), "op")
		s.Finish()
	}
	for _, s := range spans2() {
		id := s.SpanID()
		if id == 0 || id>>63 != 0 || seen[id] {
			t.Fatalf("bad or repeated span id %d", id)
		}
		seen[id] = true
	}
}

func TestRemoteParent(t *testing.T) {
	tr, spans := newTracer(t, trace.WithSampler(trace.SamplerFunc(func(trace.SamplingParams) trace.Decision {
		t.Error("the sampler ran for a trace that arrived with a decision")
		return trace.Decision{}
	})))
	remote := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:     trace.NewTraceID(0xabc, 0xdef),
		SpanID:      77,
		Priority:    trace.PriorityUserKeep,
		HasPriority: true,
		Origin:      "synthetics",
		Tags:        map[string]string{"_dd.p.dm": "-3"},
		Baggage:     map[string]string{"k": "v"},
		Remote:      true,
	})
	if !remote.IsRemote() || !remote.IsValid() {
		t.Fatal("remote context invalid")
	}
	ctx := trace.ContextWithSpanContext(context.Background(), remote)
	if got := trace.SpanContextFromContext(ctx); got.SpanID() != 77 {
		t.Fatalf("SpanContextFromContext = %d", got.SpanID())
	}
	if trace.SpanFromContext(ctx) != nil {
		t.Error("a remote context is not a local span")
	}
	ctx, s := tr.Start(ctx, "server")
	sc := s.Context()
	if p, ok := sc.Priority(); !ok || p != trace.PriorityUserKeep || sc.Origin() != "synthetics" || sc.IsRemote() {
		t.Errorf("context: priority %v %v origin %q remote %v", p, ok, sc.Origin(), sc.IsRemote())
	}
	if v, _ := sc.Tag("_dd.p.dm"); v != "-3" {
		t.Errorf("_dd.p.dm = %q", v)
	}
	if s.BaggageItem("k") != "v" {
		t.Error("baggage not inherited from the remote parent")
	}
	_, c := tr.Start(ctx, "child")
	c.Finish()
	s.Finish()
	got := byName(spans())
	srv := got["server"]
	if srv.TraceID() != trace.NewTraceID(0xabc, 0xdef) || srv.ParentID() != 77 || !srv.IsLocalRoot() {
		t.Errorf("server span: %v", srv)
	}
	if got["child"].ParentID() != srv.SpanID() {
		t.Error("child not under the server span")
	}
}

func TestServiceInheritance(t *testing.T) {
	tr, spans := newTracer(t, trace.WithEnv("prod"), trace.WithVersion("1.2.3"), trace.WithGlobalTag("team", "core"), trace.WithGlobalTag("team", "infra"), trace.WithGlobalTag("", "x"))
	ctx, root := tr.Start(context.Background(), "root")
	octx, other := tr.Start(ctx, "db", trace.Service("postgres"), trace.Type("sql"), trace.Resource("SELECT 1"))
	_, inherit := tr.Start(octx, "inherits")
	inherit.Finish()
	other.Finish()
	root.Finish()
	got := byName(spans())
	if got["root"].Service() != "svc" || got["db"].Service() != "postgres" || got["inherits"].Service() != "postgres" {
		t.Errorf("services: %s %s %s", got["root"].Service(), got["db"].Service(), got["inherits"].Service())
	}
	if db := got["db"]; db.Type() != "sql" || db.Resource() != "SELECT 1" {
		t.Errorf("db: %v", db)
	}
	for name, s := range got {
		tg := tags(s)
		if tg["env"].String() != "prod" || tg["team"].String() != "infra" {
			t.Errorf("%s: tags %v", name, tg)
		}
		_, hasVersion := tg["version"]
		if hasVersion != (s.Service() == "svc") {
			t.Errorf("%s: version present = %v for service %s", name, hasVersion, s.Service())
		}
	}
}

func TestStartOptionsTags(t *testing.T) {
	var seen map[string]trace.Value
	sampler := trace.SamplerFunc(func(p trace.SamplingParams) trace.Decision {
		seen = map[string]trace.Value{}
		for k, v := range p.Tags() {
			seen[k] = v
		}
		if v, ok := p.Tag("b"); !ok || v.String() != "two" {
			t.Errorf("Tag(b) = %v %v", v, ok)
		}
		if p.Name != "op" || p.Service != "svc" || p.Resource != "res" || p.TraceID.IsZero() || p.Span() == nil || p.Span().Name() != "op" {
			t.Errorf("params = %+v", p)
		}
		return trace.Decision{Priority: trace.PriorityAutoKeep}
	})
	tr, spans := newTracer(t, trace.WithSampler(sampler))
	_, s := tr.Start(context.Background(), "op", trace.Resource("res"), trace.Tag("a", 1), trace.Tag("b", "two"), trace.Tag("c", 3.5))
	s.Finish()
	if len(seen) != 3 {
		t.Errorf("the sampler saw %v", seen)
	}
	if got := tags(spans()[0]); len(got) != 3 {
		t.Errorf("tags = %v", got)
	}
}

func TestSamplingDecisions(t *testing.T) {
	cases := []struct {
		name     string
		decision trace.Decision
		after    func(*trace.Span)
		priority trace.Priority
		dm       string
		metrics  map[string]float64
	}{
		{"keep all", trace.Decision{Priority: trace.PriorityAutoKeep}, nil, trace.PriorityAutoKeep, "-0", nil},
		{"agent rate", trace.Decision{Priority: trace.PriorityAutoKeep, Mechanism: trace.MechanismAgentRate, Rate: 0.5}, nil,
			trace.PriorityAutoKeep, "-1", map[string]float64{"_dd.agent_psr": 0.5}},
		{"rule drop", trace.Decision{Priority: trace.PriorityUserReject, Mechanism: trace.MechanismRule, Rate: 0, Limited: true, LimitRate: 0.75}, nil,
			trace.PriorityUserReject, "", map[string]float64{"_dd.rule_psr": 0, "_dd.limit_psr": 0.75}},
		{"manual keep wins", trace.Decision{Priority: trace.PriorityAutoReject}, func(s *trace.Span) { s.SetTag("manual.keep", true) },
			trace.PriorityUserKeep, "-4", nil},
		{"manual keep false is ignored", trace.Decision{Priority: trace.PriorityAutoReject}, func(s *trace.Span) { s.SetTag("manual.keep", false) },
			trace.PriorityAutoReject, "", nil},
		{"manual drop", trace.Decision{Priority: trace.PriorityAutoKeep}, func(s *trace.Span) { s.SetTag("manual.drop", true) },
			trace.PriorityUserReject, "", nil},
		{"Keep method", trace.Decision{Priority: trace.PriorityAutoReject}, func(s *trace.Span) { s.Keep() },
			trace.PriorityUserKeep, "-4", nil},
		{"Drop method", trace.Decision{Priority: trace.PriorityAutoKeep}, func(s *trace.Span) { s.Drop() },
			trace.PriorityUserReject, "", nil},
		{"sampling.priority", trace.Decision{Priority: trace.PriorityAutoKeep}, func(s *trace.Span) { s.SetTag("sampling.priority", 2) },
			trace.PriorityUserKeep, "-4", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			exp := memory.New()
			calls := 0
			tr := trace.New(trace.WithExporter(exp), trace.WithSampler(trace.SamplerFunc(func(trace.SamplingParams) trace.Decision {
				calls++
				return c.decision
			})))
			ctx, root := tr.Start(context.Background(), "root")
			_, child := tr.Start(ctx, "child")
			if c.after != nil {
				c.after(child)
			}
			child.Finish()
			root.Finish()
			if err := tr.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			if calls != 1 {
				t.Errorf("sampler called %d times, want once per trace", calls)
			}
			chunks := exp.Chunks()
			if len(chunks) != 1 {
				t.Fatalf("%d chunks", len(chunks))
			}
			if p, ok := chunks[0].Priority(); !ok || p != c.priority {
				t.Errorf("priority = %v %v, want %v", p, ok, c.priority)
			}
			dm := ""
			for k, v := range chunks[0].Tags() {
				if k == "_dd.p.dm" {
					dm = v
				}
			}
			if dm != c.dm {
				t.Errorf("_dd.p.dm = %q, want %q", dm, c.dm)
			}
			rootSnap, _ := exp.Find("root")
			got := map[string]float64{}
			for k, v := range rootSnap.Tags() {
				if v.IsNumber() {
					got[k] = v.Float64()
				}
			}
			for k, v := range c.metrics {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
				}
			}
		})
	}
}

func TestDo(t *testing.T) {
	tr, spans := newTracer(t)
	want := errors.New("failed")
	var inner context.Context
	err := tr.Do(context.Background(), "outer", func(ctx context.Context) error {
		inner = ctx
		return trace.Do(ctx, "inner", func(context.Context) error { return want }, trace.Resource("r"))
	})
	if err != want {
		t.Fatalf("Do returned %v", err)
	}
	if trace.SpanFromContext(inner) == nil {
		t.Error("fn's context carries no span")
	}
	got := byName(spans())
	in, out := got["inner"], got["outer"]
	if in.ParentID() != out.SpanID() || in.Resource() != "r" {
		t.Errorf("inner: %v", in)
	}
	// The package-level Do joined the tracer of the span in its context,
	// though no default tracer is set.
	for _, s := range []trace.Snapshot{in, out} {
		if !s.IsError() {
			t.Errorf("%s not marked as an error", s.Name())
		}
		msg, _ := s.Tag("error.message")
		if msg.String() != "failed" {
			t.Errorf("%s: error.message = %q", s.Name(), msg.String())
		}
	}
	st, _ := out.Tag("error.stack")
	if !strings.HasPrefix(st.String(), "github.com/ctxtrace/trace_test.TestDo") {
		t.Errorf("the stack starts with %q, want Do's caller", strings.SplitN(st.String(), "\n", 2)[0])
	}
	if err := tr.Do(context.Background(), "nil", nil); err == nil {
		t.Error("Do(nil fn) returned nil")
	}
}

type panicValue struct{ n int }

func TestDoPanic(t *testing.T) {
	tr, spans := newTracer(t)
	pv := &panicValue{7}
	func() {
		defer func() {
			if r := recover(); r != pv {
				t.Errorf("recovered %v, want the original panic value", r)
			}
		}()
		_ = tr.Do(context.Background(), "panics", func(context.Context) error {
			panic(pv)
		})
		t.Error("Do returned after a panic")
	}()
	got := spans()
	if len(got) != 1 {
		t.Fatalf("%d spans, want 1: the panicking span is finished", len(got))
	}
	tg := tags(got[0])
	if !got[0].IsError() || tg["error.message"].String() != "panic: &{7}" || tg["error.type"].String() != "*trace_test.panicValue" {
		t.Errorf("tags = %v", tg)
	}
	if st := tg["error.stack"].String(); !strings.Contains(st, "TestDoPanic") {
		t.Errorf("stack does not show the panicking function:\n%s", st)
	}
}

func TestDoPanicWithError(t *testing.T) {
	tr, spans := newTracer(t)
	perr := errors.New("as error")
	func() {
		defer func() { _ = recover() }()
		_ = tr.Do(context.Background(), "op", func(context.Context) error { panic(perr) })
	}()
	tg := tags(spans()[0])
	if tg["error.type"].String() != "*errors.errorString" || tg["error.message"].String() != "panic: as error" {
		t.Errorf("tags = %v", tg)
	}
}

func TestDoGoexit(t *testing.T) {
	tr, spans := newTracer(t)
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = tr.Do(context.Background(), "exits", func(context.Context) error {
			runtime.Goexit()
			return nil
		})
	})
	wg.Wait()
	got := spans()
	if len(got) != 1 || got[0].IsError() {
		t.Fatalf("spans = %v", got)
	}
}

func TestDefaultTracer(t *testing.T) {
	if trace.Default().Enabled() {
		t.Fatal("the default tracer records before SetDefault")
	}
	ctx := context.Background()
	got, s := trace.Start(ctx, "op")
	if s != nil || got != ctx {
		t.Error("the no-op tracer returned a span or a new context")
	}
	called := false
	if err := trace.Do(ctx, "op", func(c context.Context) error { called = c == ctx; return nil }); err != nil || !called {
		t.Error("the no-op Do did not run fn with the same context")
	}
	if err := trace.Default().Shutdown(ctx); err != nil {
		t.Error(err)
	}
	if err := trace.Default().Flush(ctx); err != nil {
		t.Error(err)
	}
	if (trace.Default().Stats() != trace.Stats{}) {
		t.Error("no-op stats")
	}
	if allocs := testing.AllocsPerRun(100, func() {
		_, s := trace.Start(ctx, "op")
		s.Finish()
	}); allocs != 0 {
		t.Errorf("the no-op path allocates %v times", allocs)
	}

	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp))
	trace.SetDefault(tr)
	defer trace.SetDefault(nil)
	//lint:ignore SA1012 a nil context is tolerated, and this is the test that says so
	_, s = trace.Start(nil, "via default")
	s.Finish()
	tr.Shutdown(ctx)
	if _, ok := exp.Find("via default"); !ok || trace.Default() != tr {
		t.Error("SetDefault did not take")
	}
	trace.SetDefault(nil)
	if trace.Default().Enabled() {
		t.Error("SetDefault(nil) did not restore the no-op tracer")
	}
}

func TestContextHelpers(t *testing.T) {
	//lint:ignore SA1012 a nil context is tolerated, and this is the test that says so
	if trace.SpanFromContext(nil) != nil || trace.SpanContextFromContext(nil).IsValid() {
		t.Error("nil context")
	}
	bg := context.Background()
	if trace.ContextWithSpan(bg, nil) != bg || trace.ContextWithSpanContext(bg, trace.SpanContext{}) != bg {
		t.Error("attaching nothing changed the context")
	}
	//lint:ignore SA1012 a nil context is tolerated, and this is the test that says so
	if trace.ContextWithSpan(nil, nil) == nil || trace.ContextWithSpanContext(nil, trace.SpanContext{}) == nil {
		t.Error("nil context not replaced")
	}
	tr, _ := newTracer(t)
	_, s := tr.Start(bg, "op")
	defer s.Finish()
	ctx := trace.ContextWithSpan(bg, s)
	if trace.SpanFromContext(ctx) != s || trace.SpanContextFromContext(ctx).SpanID() != s.SpanID() {
		t.Error("ContextWithSpan")
	}
	if trace.SpanContextFromContext(bg).IsValid() {
		t.Error("empty context")
	}
}

type ctxKey string

func TestSpanContextBehavesAsContext(t *testing.T) {
	tr, _ := newTracer(t)
	parent, cancel := context.WithTimeout(context.WithValue(context.Background(), ctxKey("k"), "v"), time.Hour)
	ctx, s := tr.Start(parent, "op")
	defer s.Finish()
	if ctx.Value(ctxKey("k")) != "v" {
		t.Error("values of the parent are lost")
	}
	if d1, _ := ctx.Deadline(); d1.IsZero() {
		t.Error("deadline lost")
	}
	child, cancelChild := context.WithCancel(ctx)
	defer cancelChild()
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the parent did not reach a context derived from the span's")
	}
	if ctx.Err() != context.Canceled {
		t.Errorf("Err = %v", ctx.Err())
	}
	if !strings.Contains(ctx.(interface{ String() string }).String(), "WithSpan(op)") {
		t.Errorf("String = %s", ctx)
	}
}

func TestTraceIDs(t *testing.T) {
	id := trace.NewTraceID(0x0123456789abcdef, 0xfedcba9876543210)
	if id.String() != "0123456789abcdeffedcba9876543210" || id.Upper() != 0x0123456789abcdef || id.Lower() != 0xfedcba9876543210 {
		t.Fatal(id)
	}
	for in, ok := range map[string]bool{
		"0123456789abcdeffedcba9876543210": true,
		"0123456789ABCDEFFEDCBA9876543210": true,
		"fedcba9876543210":                 true,
		"00000000000000000000000000000000": false,
		"0000000000000000":                 false,
		"xyz":                              false,
		"0123456789abcdeffedcba987654321g": false,
	} {
		got, err := trace.ParseTraceID(in)
		if (err == nil) != ok {
			t.Errorf("ParseTraceID(%q) error %v", in, err)
		}
		if ok && !strings.EqualFold(strings.TrimLeft(got.String(), "0"), strings.TrimLeft(in, "0")) {
			t.Errorf("ParseTraceID(%q) = %s", in, got)
		}
	}
}

func TestValue(t *testing.T) {
	s, n := trace.StringValue("x"), trace.NumberValue(1.5)
	if s.IsNumber() || s.Any() != "x" || s.Float64() != 0 {
		t.Error("string value")
	}
	if !n.IsNumber() || n.Any() != 1.5 || n.String() != "1.5" {
		t.Error("number value")
	}
	if !n.Equal(trace.NumberValue(1.5)) || n.Equal(s) || !trace.NumberValue(nan()).Equal(trace.NumberValue(nan())) {
		t.Error("Equal")
	}
}

func nan() float64 { var z float64; return z / z }

func TestDoRuntimePanicStack(t *testing.T) {
	tr, spans := newTracer(t)
	func() {
		defer func() { _ = recover() }()
		_ = tr.Do(context.Background(), "op", func(context.Context) error {
			var m map[string]int
			//lint:ignore SA5000 the panic inside the runtime is the point
			m["x"] = 1
			return nil
		})
	}()
	st, _ := spans()[0].Tag("error.stack")
	first := strings.SplitN(st.String(), "\n", 2)[0]
	if !strings.HasPrefix(first, "github.com/ctxtrace/trace_test.TestDoRuntimePanicStack") {
		t.Errorf("the stack starts at %q, want the function that panicked:\n%s", first, st.String())
	}
}

func TestServiceMapping(t *testing.T) {
	tr, spans := newTracer(t, trace.WithServiceMapping(map[string]string{"postgres": "postgres-eu", "svc": "svc-renamed"}))
	ctx, root := tr.Start(context.Background(), "root")
	_, db := tr.Start(ctx, "db", trace.Service("postgres"))
	_, other := tr.Start(ctx, "other", trace.Service("redis"))
	other.Finish()
	db.Finish()
	root.Finish()
	got := byName(spans())
	if got["root"].Service() != "svc-renamed" || got["db"].Service() != "postgres-eu" || got["other"].Service() != "redis" {
		t.Errorf("services: %s %s %s", got["root"].Service(), got["db"].Service(), got["other"].Service())
	}
}

func TestTraceID64(t *testing.T) {
	tr, spans := newTracer(t, trace.WithTraceID128(false))
	_, s := tr.Start(context.Background(), "op")
	s.Finish()
	if got := spans()[0].TraceID(); got.Upper() != 0 || got.Lower() == 0 {
		t.Errorf("trace id %s", got)
	}
}

func TestRootAndPropagatedTags(t *testing.T) {
	tr, _ := newTracer(t)
	ctx, root := tr.Start(context.Background(), "root")
	_, child := tr.Start(ctx, "child")
	if child.Root() != root || root.Root() != root {
		t.Error("Root")
	}
	child.SetPropagatedTag("_dd.p.team", "core")
	child.SetPropagatedTag("team", "refused") // not _dd.p.*
	child.SetPropagatedTag("_dd.p.dm", "-9")  // the sampler's own
	child.SetPropagatedTag("_dd.p.tid", "ff") // the trace id's
	sc := root.Context()
	if v, _ := sc.Tag("_dd.p.team"); v != "core" {
		t.Errorf("_dd.p.team = %q", v)
	}
	for _, k := range []string{"team", "_dd.p.tid"} {
		if _, ok := sc.Tag(k); ok {
			t.Errorf("%s accepted", k)
		}
	}
	if v, _ := sc.Tag("_dd.p.dm"); v == "-9" {
		t.Error("_dd.p.dm overwritten")
	}
	var nilSpan *trace.Span
	nilSpan.SetPropagatedTag("_dd.p.x", "y")
	if nilSpan.Root() != nil || nilSpan.IsFinished() || nilSpan.Name() != "" || nilSpan.ParentID() != 0 || !nilSpan.StartTime().IsZero() {
		t.Error("nil span accessors")
	}
	child.Finish()
	root.Finish()
}
