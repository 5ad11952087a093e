package trace_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/exporter/memory"
)

// extView is what SetTag leaves on a span and its trace, for comparing
// with what dd-trace-go v2.3.0's Span.SetTag (the code dd-trace-go v1.74.8
// runs, through its v1 shim's SetTag) leaves: the span's fields and tags
// (an error.stack by its presence), the error mark, and the trace's
// priority and decision maker.
type extView struct {
	Name, Service, Resource, Type string
	Error                         bool
	Tags                          map[string]any // string, or float64 for a number
	Priority                      trace.Priority
	DM                            string // _dd.p.dm, "" when absent
}

// extBase is the view of a span named "op" of service "svc" that nobody
// tagged: kept by the default sampler.
func extBase(edit func(v *extView)) extView {
	v := extView{Name: "op", Service: "svc", Resource: "op", Tags: map[string]any{}, Priority: trace.PriorityAutoKeep, DM: "-0"}
	if edit != nil {
		edit(&v)
	}
	return v
}

func withTags(kv ...any) func(v *extView) {
	return func(v *extView) {
		for i := 0; i+1 < len(kv); i += 2 {
			v.Tags[kv[i].(string)] = kv[i+1]
		}
	}
}

func viewOf(c trace.Chunk) extView {
	s := c.Span(0)
	v := extView{Name: s.Name(), Service: s.Service(), Resource: s.Resource(), Type: s.Type(), Error: s.IsError(), Tags: map[string]any{}}
	for k, val := range s.Tags() {
		switch {
		case k == ext.ErrorStack:
			v.Tags[k] = "<stack>"
		case val.IsNumber():
			v.Tags[k] = val.Float64()
		default:
			v.Tags[k] = val.String()
		}
	}
	v.Priority, _ = c.Priority()
	for k, val := range c.Tags() {
		if k == "_dd.p.dm" {
			v.DM = val
		}
	}
	return v
}

// TestSetTagExtKeys sets the keys dd-trace-go's SetTag gives a meaning to,
// with the value types it tells apart, and compares with what dd-trace-go
// does (read in ddtrace/tracer/span.go of dd-trace-go v2.3.0: SetTag,
// setTagError, setTagBool, setMeta, setMetric, and the v1 shim's SetTag,
// which renames sampling.priority). Where we part from dd on purpose, the
// case says so; interop's TestTagKeysSameWire shows the same on the wire.
func TestSetTagExtKeys(t *testing.T) {
	const keySamplingPriority = ext.SamplingPriority
	yes, no := true, false
	two, name := 2, "from.ptr"
	cases := []struct {
		name string
		key  string
		vals []any
		want extView
	}{
		// analytics.event: only a bool means something (setTagBool).
		{"analytics true", ext.AnalyticsEvent, []any{true}, extBase(withTags(ext.EventSampleRate, 1.0))},
		{"analytics false", ext.AnalyticsEvent, []any{false}, extBase(withTags(ext.EventSampleRate, 0.0))},
		{"analytics *bool", ext.AnalyticsEvent, []any{&yes}, extBase(withTags(ext.EventSampleRate, 1.0))},
		{"analytics text", ext.AnalyticsEvent, []any{"true"}, extBase(withTags(ext.AnalyticsEvent, "true"))},
		{"analytics number", ext.AnalyticsEvent, []any{1}, extBase(withTags(ext.AnalyticsEvent, 1.0))},
		{"event sample rate", ext.EventSampleRate, []any{0.25}, extBase(withTags(ext.EventSampleRate, 0.25))},

		// _dd.measured: dd gives it no meaning in SetTag; a bool is our fix
		// (dd stores the text "true", which the Agent ignores).
		{"measured 1", "_dd.measured", []any{1}, extBase(withTags("_dd.measured", 1.0))},
		{"measured true", "_dd.measured", []any{true}, extBase(withTags("_dd.measured", 1.0))},
		{"measured false", "_dd.measured", []any{false}, extBase(withTags("_dd.measured", 0.0))},
		{"measured text", "_dd.measured", []any{"1"}, extBase(withTags("_dd.measured", "1"))},

		// manual.keep / manual.drop: true acts, false does nothing
		// (setTagBool); a number under manual.keep is swallowed unless it is
		// 5, samplernames.AppSec (setMetric); anything else is a plain tag.
		{"keep true", ext.ManualKeep, []any{true}, extBase(func(v *extView) { v.Priority, v.DM = 2, "-4" })},
		{"keep *bool", ext.ManualKeep, []any{&yes}, extBase(func(v *extView) { v.Priority, v.DM = 2, "-4" })},
		{"keep false", ext.ManualKeep, []any{false}, extBase(nil)},
		{"keep nil *bool", ext.ManualKeep, []any{(*bool)(nil)}, extBase(nil)},
		{"keep text", ext.ManualKeep, []any{"true"}, extBase(withTags(ext.ManualKeep, "true"))},
		{"keep 1", ext.ManualKeep, []any{1}, extBase(nil)},
		{"keep appsec", ext.ManualKeep, []any{5}, extBase(func(v *extView) { v.Priority, v.DM = 2, "-5" })},
		{"drop true", ext.ManualDrop, []any{true}, extBase(func(v *extView) { v.Priority, v.DM = -1, "" })},
		{"drop false", ext.ManualDrop, []any{false}, extBase(nil)},
		{"drop number", ext.ManualDrop, []any{1}, extBase(withTags(ext.ManualDrop, 1.0))},
		{"drop text", ext.ManualDrop, []any{"true"}, extBase(withTags(ext.ManualDrop, "true"))},

		// sampling.priority: the v1 shim's setMetric path; dd also takes
		// fractions (truncated), ints past int8 and, by a bug, stores a text
		// value as the meta _sampling_priority_v1shim. We ignore those.
		{"priority 2", keySamplingPriority, []any{2}, extBase(func(v *extView) { v.Priority, v.DM = 2, "-4" })},
		{"priority -1", keySamplingPriority, []any{-1}, extBase(func(v *extView) { v.Priority, v.DM = -1, "" })},
		{"priority *int", keySamplingPriority, []any{&two}, extBase(func(v *extView) { v.Priority, v.DM = 2, "-4" })},
		{"priority nil *int", keySamplingPriority, []any{(*int)(nil)}, extBase(func(v *extView) { v.Priority, v.DM = 0, "" })},
		{"priority text", keySamplingPriority, []any{"2"}, extBase(nil)},
		{"priority fraction", keySamplingPriority, []any{1.5}, extBase(nil)},

		// error (setTagError).
		{"error true", ext.Error, []any{true}, extBase(func(v *extView) { v.Error = true })},
		{"error false clears", ext.Error, []any{true, false}, extBase(nil)},
		{"error nil clears", ext.Error, []any{true, nil}, extBase(nil)},
		{"error nil *bool clears", ext.Error, []any{true, (*bool)(nil)}, extBase(nil)},
		{"error *bool", ext.Error, []any{&yes}, extBase(func(v *extView) { v.Error = true })},
		{"error *bool false", ext.Error, []any{true, &no}, extBase(nil)},
		{"error text", ext.Error, []any{"a text"}, extBase(func(v *extView) { v.Error = true })},
		{"error value", ext.Error, []any{errors.New("boom")}, extBase(func(v *extView) {
			v.Error = true
			withTags(ext.ErrorMsg, "boom", ext.ErrorType, "*errors.errorString", ext.ErrorStack, "<stack>")(v)
		})},

		// The span's fields (setMeta). A number is our fix: dd's setMetric
		// stores it as a metric named after the key, the field unchanged.
		{"service", ext.ServiceName, []any{"other"}, extBase(func(v *extView) { v.Service = "other" })},
		{"service number", ext.ServiceName, []any{42}, extBase(func(v *extView) { v.Service = "42" })},
		{"resource", ext.ResourceName, []any{"GET /r"}, extBase(func(v *extView) { v.Resource = "GET /r" })},
		{"type", ext.SpanType, []any{ext.SpanTypeWeb}, extBase(func(v *extView) { v.Type = "web" })},
		{"name", ext.SpanName, []any{"renamed"}, extBase(func(v *extView) { v.Name = "renamed" })},
		{"name *string", ext.SpanName, []any{&name}, extBase(func(v *extView) { v.Name = "from.ptr" })},
		{"name nil *string", ext.SpanName, []any{(*string)(nil)}, extBase(func(v *extView) { v.Name = "" })},
		{"name bool", ext.SpanName, []any{true}, extBase(func(v *extView) { v.Name = "true" })},

		// Keys dd names but gives no meaning in SetTag: plain tags.
		{"component", ext.Component, []any{"net/http"}, extBase(withTags(ext.Component, "net/http"))},
		{"span kind", ext.SpanKind, []any{ext.SpanKindClient}, extBase(withTags(ext.SpanKind, "client"))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			exp := memory.New()
			tr := trace.New(trace.WithService("svc"), trace.WithExporter(exp))
			_, s := tr.Start(context.Background(), "op")
			for _, v := range c.vals {
				s.SetTag(c.key, v)
			}
			s.Finish()
			if err := tr.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			chunks := exp.Chunks()
			if len(chunks) != 1 || chunks[0].Len() != 1 {
				t.Fatalf("got %d chunks, want one of one span", len(chunks))
			}
			if diff := cmp.Diff(c.want, viewOf(chunks[0])); diff != "" {
				t.Errorf("SetTag(%q, %v) (-want +got):\n%s", c.key, c.vals, diff)
			}
		})
	}
}

// TestTagOptionExtKeys gives the same keys as start options: dd-trace-go
// applies a start option's tags with SetTag, so they mean the same.
func TestTagOptionExtKeys(t *testing.T) {
	exp := memory.New()
	tr := trace.New(trace.WithService("svc"), trace.WithExporter(exp))
	_, s := tr.Start(context.Background(), "op",
		trace.Tag(ext.AnalyticsEvent, true), trace.Tag("_dd.measured", true),
		trace.Tag(ext.ManualKeep, true), trace.Tag(ext.Error, errors.New("at start")))
	s.Finish()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := viewOf(exp.Chunks()[0])
	want := extBase(func(v *extView) {
		v.Error, v.Priority, v.DM = true, 2, "-4"
		withTags(ext.EventSampleRate, 1.0, "_dd.measured", 1.0,
			ext.ErrorMsg, "at start", ext.ErrorType, "*errors.errorString", ext.ErrorStack, "<stack>")(v)
	})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// The stack of an error given at start begins at the tracer's start of
	// the span, not in the tag handling, and reaches this test.
	st, _ := exp.Spans()[0].Tag(ext.ErrorStack)
	first, _, _ := strings.Cut(st.String(), "\n")
	for _, inner := range []string{"setErrorTagLocked", "setSpecialLocked", "setTagLocked", "applyStartOptions", "newSpan", "describeError"} {
		if strings.Contains(first, inner) {
			t.Errorf("error.stack starts in %s: %q", inner, first)
		}
	}
	if !strings.Contains(st.String(), "TestTagOptionExtKeys") {
		t.Errorf("error.stack does not reach the caller:\n%s", st.String())
	}
}
