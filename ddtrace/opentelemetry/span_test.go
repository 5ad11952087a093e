package opentelemetry_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/ctxtrace/trace"
	otelbridge "github.com/ctxtrace/trace/ddtrace/opentelemetry"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// allKinds are attributes of every value kind OpenTelemetry has.
func allKinds(prefix string) []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String(prefix+"s", "text"),
		attribute.Bool(prefix+"b", true),
		attribute.Int(prefix+"i", 42),
		attribute.Int64(prefix+"big", 1<<60),
		attribute.Float64(prefix+"f", 2.5),
		attribute.BoolSlice(prefix+"bs", []bool{true, false}),
		attribute.IntSlice(prefix+"is", []int{1, 2}),
		attribute.Float64Slice(prefix+"fs", []float64{0.5}),
		attribute.StringSlice(prefix+"ss", []string{"a", "b"}),
		attribute.ByteSlice(prefix+"bytes", []byte("raw")),
		attribute.Slice(prefix+"any", attribute.StringValue("x"), attribute.IntValue(7), attribute.StringSliceValue([]string{"n"})),
		attribute.Map(prefix+"map", attribute.String("k", "v"), attribute.Int("n", 1)),
		{Key: attribute.Key(prefix + "empty")},
	}
}

// allKindsTags is what allKinds becomes, as tags.
func allKindsTags(prefix string) map[string]string {
	return map[string]string{
		prefix + "s": "text", prefix + "b": "true", prefix + "i": "#42", prefix + "big": "1152921504606846976",
		prefix + "f": "#2.5", prefix + "bs.0": "true", prefix + "bs.1": "false", prefix + "is.0": "#1",
		prefix + "is.1": "#2", prefix + "fs.0": "#0.5", prefix + "ss.0": "a", prefix + "ss.1": "b",
		prefix + "bytes": "raw", prefix + "any.0": "x", prefix + "any.1": "#7", prefix + "any.2": `["n"]`,
		prefix + "map": `{"k":"v","n":1}`, prefix + "empty": "<nil>",
	}
}

func TestAttributesBecomeTags(t *testing.T) {
	_, tr, done := newProvider(t)
	_, sp := tr.Start(context.Background(), "work", oteltrace.WithAttributes(allKinds("start.")...))
	sp.SetAttributes(allKinds("set.")...)
	sp.End()
	got := tagMap(only(t, done()))
	want := allKindsTags("start.")
	for k, v := range allKindsTags("set.") {
		want[k] = v
	}
	want["span.kind"] = "internal" // no kind, no operation name: internal
	if diff := cmp.Diff(want, onlyKeys(got, want)); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
}

// onlyKeys returns the entries of got whose keys want has.
func onlyKeys(got, want map[string]string) map[string]string {
	out := map[string]string{}
	for k := range want {
		if v, ok := got[k]; ok {
			out[k] = v
		}
	}
	return out
}

func TestReservedAttributes(t *testing.T) {
	_, tr, done := newProvider(t)
	_, a := tr.Start(context.Background(), "at.start", oteltrace.WithAttributes(
		attribute.String("service.name", "other-svc"), attribute.String("resource.name", "res"),
		attribute.String("span.type", "web"), attribute.Bool("analytics.event", true),
		attribute.Int("http.response.status_code", 201), attribute.String("operation.name", "My.Op")))
	a.End()
	_, b := tr.Start(context.Background(), "set.later")
	b.SetAttributes(attribute.String("service.name", "svc2"), attribute.String("resource.name", "res2"),
		attribute.String("span.type", "db"), attribute.String("analytics.event", "true"),
		attribute.Int("http.response.status_code", 404), attribute.String("operation.name", "Later.Op"))
	b.End()
	_, c := tr.Start(context.Background(), "set.false")
	c.SetAttributes(attribute.Bool("analytics.event", false), attribute.Int("operation.name", 3))
	c.End()
	spans := byResource(done().Spans())

	s := spans["res"]
	if s.Service() != "other-svc" || s.Type() != "web" || s.Name() != "my.op" {
		t.Errorf("start attributes: service %q type %q name %q; want other-svc, web, my.op", s.Service(), s.Type(), s.Name())
	}
	tags := tagMap(s)
	if tags["_dd1.sr.eausr"] != "#1" || tags["http.response.status_code"] != "#201" || tags["operation.name"] != "My.Op" {
		t.Errorf("start attributes: tags %v: want _dd1.sr.eausr 1, http.response.status_code 201 and operation.name kept, as dd-trace-go", tags)
	}
	s = spans["res2"]
	tags = tagMap(s)
	if s.Service() != "svc2" || s.Type() != "db" || s.Name() != "later.op" {
		t.Errorf("set later: service %q type %q name %q; want svc2, db, later.op", s.Service(), s.Type(), s.Name())
	}
	if tags["_dd1.sr.eausr"] != "#1" || tags["http.status_code"] != "404" {
		t.Errorf("set later: tags %v: want _dd1.sr.eausr 1 and http.status_code \"404\"", tags)
	}
	for _, k := range []string{"http.response.status_code", "operation.name", "analytics.event"} {
		if _, ok := tags[k]; ok {
			t.Errorf("set later: tag %s kept; dd-trace-go remaps it", k)
		}
	}
	s = spans["set.false"]
	if tags := tagMap(s); tags["_dd1.sr.eausr"] != "#0" || s.Name() != "internal" {
		t.Errorf("analytics.event false, operation.name not a string: _dd1.sr.eausr %q, name %q; want 0 and internal", tags["_dd1.sr.eausr"], s.Name())
	}
}

func TestStatus(t *testing.T) {
	type call struct {
		code otelcodes.Code
		desc string
	}
	cases := []struct {
		name      string
		calls     []call
		attrs     []attribute.KeyValue
		errored   bool
		tags      map[string]string // expected; "" for absent
		typeIsErr bool              // error.type is *errors.errorString
	}{
		{name: "unset", tags: map[string]string{"otel.status_code": "", "error.message": ""}},
		{name: "error", calls: []call{{otelcodes.Error, "boom"}}, errored: true, typeIsErr: true,
			tags: map[string]string{"otel.status_code": "Error", "otel.status_description": "boom", "error.message": "boom"}},
		{name: "error then ok", calls: []call{{otelcodes.Error, "boom"}, {otelcodes.Ok, "fine"}},
			tags: map[string]string{"otel.status_code": "Ok", "otel.status_description": "", "error.message": ""}},
		{name: "ok then error", calls: []call{{otelcodes.Ok, ""}, {otelcodes.Error, "late"}},
			tags: map[string]string{"otel.status_code": "Ok", "error.message": ""}},
		{name: "error twice", calls: []call{{otelcodes.Error, "a"}, {otelcodes.Error, "b"}}, errored: true, typeIsErr: true,
			tags: map[string]string{"otel.status_code": "Error", "error.message": "b"}},
		{name: "error then unset", calls: []call{{otelcodes.Error, "a"}, {otelcodes.Unset, "x"}}, errored: true,
			tags: map[string]string{"otel.status_code": "Error", "error.message": "a"}},
		{name: "error without description", calls: []call{{otelcodes.Error, ""}}, errored: true, typeIsErr: true,
			tags: map[string]string{"otel.status_code": "Error", "otel.status_description": "", "error.message": ""}},
		{name: "invalid code", calls: []call{{otelcodes.Code(42), "x"}}, tags: map[string]string{"otel.status_code": ""}},
		{name: "error.type given", calls: []call{{otelcodes.Error, "boom"}}, attrs: []attribute.KeyValue{attribute.String("error.type", "500")},
			errored: true, tags: map[string]string{"error.type": "500", "error.message": "boom", "error.stack": ""}},
		{name: "error.message given", calls: []call{{otelcodes.Error, "boom"}}, attrs: []attribute.KeyValue{attribute.String("error.message", "mine")},
			errored: true, tags: map[string]string{"error.message": "mine", "error.type": ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, tr, done := newProvider(t)
			_, sp := tr.Start(context.Background(), "op", oteltrace.WithAttributes(c.attrs...))
			for _, cl := range c.calls {
				sp.SetStatus(cl.code, cl.desc)
			}
			sp.End()
			s := only(t, done())
			if s.IsError() != c.errored {
				t.Errorf("error = %v, want %v", s.IsError(), c.errored)
			}
			tags := tagMap(s)
			for k, want := range c.tags {
				if got := tags[k]; got != want {
					t.Errorf("tag %s = %q, want %q", k, got, want)
				}
			}
			if c.typeIsErr && (tags["error.type"] != "*errors.errorString" || tags["error.stack"] == "") {
				t.Errorf("error.type %q, error.stack %d bytes: want *errors.errorString and a stack", tags["error.type"], len(tags["error.stack"]))
			}
		})
	}
}

func TestEventsAndRecordError(t *testing.T) {
	_, tr, done := newProvider(t)
	_, sp := tr.Start(context.Background(), "op")
	sp.AddEvent("retry", oteltrace.WithTimestamp(at), oteltrace.WithAttributes(
		attribute.Int("attempt", 2), attribute.StringSlice("hosts", []string{"a", "b"}), attribute.Map("m", attribute.Int("x", 1))))
	before := time.Now()
	sp.AddEvent("now")
	after := time.Now()
	sp.RecordError(nil)
	sp.RecordError(errors.New("boom"), oteltrace.WithAttributes(attribute.String("phase", "load")))
	sp.RecordError(pathErr{"x"}, oteltrace.WithStackTrace(true), oteltrace.WithTimestamp(at))
	sp.End()
	s := only(t, done())
	if s.NumEvents() != 4 {
		t.Fatalf("%d events, want 4 (a nil error records none)", s.NumEvents())
	}
	e := s.EventAt(0)
	want := map[string]any{"attempt": int64(2), "hosts": []string{"a", "b"}, "m": `{"x":1}`}
	if e.Name != "retry" || !e.Time.Equal(at) || !cmp.Equal(e.Attributes, want) {
		t.Errorf("event 0: %q at %v %v; want retry at %v %v", e.Name, e.Time, e.Attributes, at, want)
	}
	if e := s.EventAt(1); e.Name != "now" || e.Time.Before(before) || e.Time.After(after) || e.Attributes != nil {
		t.Errorf("event 1: %q at %v %v; want now, between %v and %v, no attributes", e.Name, e.Time, e.Attributes, before, after)
	}
	e = s.EventAt(2)
	want = map[string]any{"exception.type": "*errors.errorString", "exception.message": "boom", "phase": "load"}
	if e.Name != "exception" || !cmp.Equal(e.Attributes, want) {
		t.Errorf("RecordError: %q %v; want exception %v", e.Name, e.Attributes, want)
	}
	e = s.EventAt(3)
	st, _ := e.Attributes["exception.stacktrace"].(string)
	if e.Attributes["exception.type"] != "github.com/ctxtrace/trace/ddtrace/opentelemetry_test.pathErr" || !e.Time.Equal(at) ||
		!strings.Contains(st, "TestEventsAndRecordError") {
		t.Errorf("RecordError with a stack: %v at %v", e.Attributes, e.Time)
	}
	if s.IsError() {
		t.Error("RecordError marked the span as an error; only SetStatus does")
	}
}

type pathErr struct{ p string }

func (e pathErr) Error() string { return "bad path " + e.p }

func TestLinks(t *testing.T) {
	_, tr, done := newProvider(t)
	ts, err := oteltrace.ParseTraceState("dd=s:1,other=v")
	if err != nil {
		t.Fatal(err)
	}
	linked := oteltrace.NewSpanContext(oteltrace.SpanContextConfig{
		TraceID: oteltrace.TraceID{1: 1, 15: 2}, SpanID: oteltrace.SpanID{7: 3}, TraceFlags: oteltrace.FlagsSampled, TraceState: ts,
	})
	_, sp := tr.Start(context.Background(), "op", oteltrace.WithLinks(oteltrace.Link{SpanContext: linked,
		Attributes: []attribute.KeyValue{attribute.String("link.kind", "follows"), attribute.Int("n", 1)}}))
	sp.AddLink(oteltrace.Link{SpanContext: linked})
	sp.AddLink(oteltrace.Link{}) // invalid: ignored
	sp.End()
	sp.AddLink(oteltrace.Link{SpanContext: linked}) // after End: ignored
	s := only(t, done())
	if s.NumLinks() != 2 {
		t.Fatalf("%d links, want 2", s.NumLinks())
	}
	want := trace.Link{TraceID: trace.NewTraceID(1<<48, 2), SpanID: 3, Attributes: map[string]string{"link.kind": "follows", "n": "1"},
		Tracestate: "dd=s:1,other=v", Flags: 1 | 1<<31}
	if diff := cmp.Diff(want, s.LinkAt(0)); diff != "" {
		t.Errorf("link at start (-want +got):\n%s", diff)
	}
	want.Attributes = nil
	if diff := cmp.Diff(want, s.LinkAt(1)); diff != "" {
		t.Errorf("AddLink (-want +got):\n%s", diff)
	}
}

func TestSetNameTimestampsAndEnd(t *testing.T) {
	p, tr, done := newProvider(t)
	ctx, sp := tr.Start(context.Background(), "GET", oteltrace.WithTimestamp(at),
		oteltrace.WithSpanKind(oteltrace.SpanKindServer), oteltrace.WithAttributes(attribute.String("http.request.method", "GET")))
	if !sp.IsRecording() || sp.TracerProvider() != p {
		t.Errorf("IsRecording %v, TracerProvider %v: want true and the provider", sp.IsRecording(), sp.TracerProvider())
	}
	if oteltrace.SpanFromContext(ctx) != sp {
		t.Error("the context does not carry the span")
	}
	sp.SetName("GET /users/{id}")
	sc := sp.SpanContext()
	sp.End(oteltrace.WithTimestamp(at.Add(1500 * time.Millisecond)))
	sp.End(oteltrace.WithTimestamp(at.Add(time.Hour)))
	// Everything after End is ignored.
	sp.SetName("later")
	sp.SetAttributes(attribute.String("late", "x"))
	sp.SetStatus(otelcodes.Error, "late")
	sp.AddEvent("late")
	sp.RecordError(errors.New("late"))
	otelbridge.EndOptions(sp, tracer.WithError(errors.New("late")))
	if sp.IsRecording() {
		t.Error("IsRecording after End")
	}
	if got := sp.SpanContext(); !got.Equal(sc) {
		t.Errorf("SpanContext after End %v, before %v", got, sc)
	}
	s := only(t, done())
	if s.Name() != "http.server.request" || s.Resource() != "GET /users/{id}" {
		t.Errorf("name %q resource %q; want http.server.request, GET /users/{id}", s.Name(), s.Resource())
	}
	if !s.Start().Equal(at) || s.Duration() != 1500*time.Millisecond {
		t.Errorf("start %v duration %v; want %v and 1.5s", s.Start(), s.Duration(), at)
	}
	tags := tagMap(s)
	if tags["span.kind"] != "server" || tags["late"] != "" || s.IsError() || s.NumEvents() != 0 {
		t.Errorf("tags %v, error %v, %d events: want span.kind server and nothing from after End", tags, s.IsError(), s.NumEvents())
	}
}

func TestEndOptions(t *testing.T) {
	_, tr, done := newProvider(t)
	_, a := tr.Start(context.Background(), "with.error", oteltrace.WithTimestamp(at))
	a.SetStatus(otelcodes.Error, "from status")
	otelbridge.EndOptions(a, tracer.WithError(errors.New("from options")), tracer.FinishTime(at.Add(time.Second)))
	a.End(oteltrace.WithTimestamp(at.Add(time.Minute)))
	_, b := tr.Start(context.Background(), "no.stack")
	otelbridge.EndOptions(b, tracer.WithError(errors.New("x")), tracer.NoDebugStack())
	b.End()
	otelbridge.EndOptions(oteltrace.SpanFromContext(context.Background()), tracer.WithError(errors.New("x"))) // not ours: nothing
	otelbridge.EndOptions(nil)
	spans := byResource(done().Spans())
	s := spans["with.error"]
	if tags := tagMap(s); !s.IsError() || tags["error.message"] != "from options" || s.Duration() != time.Second {
		t.Errorf("error %v message %q duration %v; want the options' error and finish time", s.IsError(), tags["error.message"], s.Duration())
	}
	s = spans["no.stack"]
	if tags := tagMap(s); !s.IsError() || tags["error.stack"] != "" {
		t.Errorf("NoDebugStack: error %v, stack %q", s.IsError(), tags["error.stack"])
	}
}

func TestContextWithStartOptions(t *testing.T) {
	_, tr, ttr, done := newProviderOver(t)
	if ctx := context.Background(); otelbridge.ContextWithStartOptions(ctx) != ctx {
		t.Error("ContextWithStartOptions without options changed the context")
	}
	var nilCtx context.Context // bad input to survive
	if otelbridge.ContextWithStartOptions(nilCtx, tracer.Measured()) == nil {
		t.Error("ContextWithStartOptions(nil) returned nil")
	}
	// A native parent, given with ChildOf, in a context that does not carry it.
	nctx, _ := ttr.Start(context.Background(), "native")
	native, _ := tracer.SpanFromContext(nctx)
	ctx := otelbridge.ContextWithStartOptions(context.Background(),
		tracer.ResourceName("from.options"), tracer.Tag("team", "options"), tracer.ServiceName("opt-svc"),
		tracer.ChildOf(native.Context()), tracer.Measured())
	ctx, sp := tr.Start(ctx, "name", oteltrace.WithAttributes(attribute.String("team", "attribute"), attribute.String("other", "kept")))
	_, child := tr.Start(ctx, "child")
	child.End()
	sp.End()
	native.Finish()
	spans := byResource(done().Spans())
	s := spans["from.options"]
	tags := tagMap(s)
	if tags["team"] != "options" || tags["other"] != "kept" || s.Service() != "opt-svc" || tags["_dd.measured"] != "#1" {
		t.Errorf("tags %v service %q: the options win over the attributes", tags, s.Service())
	}
	if n := spans["native"]; s.ParentID() != n.SpanID() || s.TraceID() != n.TraceID() {
		t.Errorf("span: parent %d trace %s; want the native span %d of trace %s (ChildOf)", s.ParentID(), s.TraceID(), n.SpanID(), n.TraceID())
	}
	if got := len(done().Chunks()); got != 1 {
		t.Errorf("%d chunks, want 1: ChildOf a span of this process joins its trace", got)
	}
	c := spans["child"]
	if c.ParentID() != s.SpanID() || tagMap(c)["team"] != "" || c.Resource() != "child" {
		t.Errorf("child: parent %d tags %v: the options are for one span only", c.ParentID(), tagMap(c))
	}
}
