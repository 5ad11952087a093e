package interop

// ddTagKeysScenario is TestTagKeysSameWire's scenario written against
// dd-trace-go v1.74.8's tracer and ext packages. oursTagKeysScenario in
// tagkeys_ours_test.go is the same function against ours: the two must stay
// identical apart from their names and the file's imports, which
// TestTagKeysScenariosIdentical checks.

import (
	"errors"
	"testing"

	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/ext"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func ddTagKeysScenario(t *testing.T, addr string, extra ...tracer.StartOption) {
	tracer.Start(append([]tracer.StartOption{
		tracer.WithService("svc"),
		tracer.WithEnv("prod"),
		tracer.WithServiceVersion("1.2.3"),
		tracer.WithAgentAddr(addr),
		tracer.WithLogStartup(false),
		tracer.WithLogger(silentLogger{}),
	}, extra...)...)
	defer tracer.Stop()

	yes, two := true, 2
	samplingPriority := ext.SamplingPriority
	// Keys that act on the span alone: one child of one root per key and
	// value. The root is measured, and top-level.
	root := tracer.StartSpan("keys.root", tracer.Measured())
	for _, c := range []struct {
		name, key string
		val       any
	}{
		{"analytics.true", ext.AnalyticsEvent, true},
		{"analytics.false", ext.AnalyticsEvent, false},
		{"analytics.ptr", ext.AnalyticsEvent, &yes},
		{"analytics.text", ext.AnalyticsEvent, "true"},
		{"analytics.number", ext.AnalyticsEvent, 1},
		{"eventrate", ext.EventSampleRate, 0.25},
		{"measured.int", "_dd.measured", 1},
		{"measured.bool", "_dd.measured", true},
		{"measured.text", "_dd.measured", "1"},
		{"error.true", ext.Error, true},
		{"error.false", ext.Error, false},
		{"error.nil", ext.Error, nil},
		{"error.nilptr", ext.Error, (*bool)(nil)},
		{"error.ptr", ext.Error, &yes},
		{"error.text", ext.Error, "a text"},
		{"error.value", ext.Error, errors.New("boom")},
		{"name.by.tag", ext.SpanName, "renamed.by.tag"},
		{"service.by.tag", ext.ServiceName, "other"},
		{"service.number", ext.ServiceName, 42},
		{"resource.by.tag", ext.ResourceName, "GET /r"},
		{"type.by.tag", ext.SpanType, ext.SpanTypeWeb},
		{"component", ext.Component, "net/http"},
		{"span.kind", ext.SpanKind, ext.SpanKindClient},
		{"keep.text", ext.ManualKeep, "true"},
		{"keep.one", ext.ManualKeep, 1},
		{"drop.one", ext.ManualDrop, 1},
		{"drop.text", ext.ManualDrop, "true"},
	} {
		s := tracer.StartSpan(c.name, tracer.ChildOf(root.Context()))
		s.SetTag(c.key, c.val)
		s.Finish()
	}
	opts := tracer.StartSpan("options", tracer.ChildOf(root.Context()), tracer.Tag(ext.AnalyticsEvent, true),
		tracer.Tag(ext.Error, errors.New("at start")), tracer.Measured())
	opts.Finish()
	svc := tracer.StartSpan("measured.service", tracer.ChildOf(root.Context()), tracer.ServiceName("db"), tracer.Measured())
	svc.Finish()
	root.Finish()

	// A top-level span measured after it started.
	late := tracer.StartSpan("measured.root.later")
	late.SetTag("_dd.measured", 1)
	late.Finish()

	// Keys that act on the trace: one trace each, set on its root before
	// its child starts.
	for _, c := range []struct {
		name, key string
		val       any
	}{
		{"trace.keep.true", ext.ManualKeep, true},
		{"trace.keep.ptr", ext.ManualKeep, &yes},
		{"trace.keep.false", ext.ManualKeep, false},
		{"trace.keep.appsec", ext.ManualKeep, 5},
		{"trace.drop.true", ext.ManualDrop, true},
		{"trace.drop.false", ext.ManualDrop, false},
		{"trace.priority.2", samplingPriority, 2},
		{"trace.priority.-1", samplingPriority, -1},
		{"trace.priority.ptr", samplingPriority, &two},
		{"trace.priority.fraction", samplingPriority, 1.5},
		{"trace.priority.text", samplingPriority, "2"},
	} {
		r := tracer.StartSpan(c.name)
		r.SetTag(c.key, c.val)
		ch := tracer.StartSpan(c.name+".child", tracer.ChildOf(r.Context()))
		ch.Finish()
		r.Finish()
	}
	kept := tracer.StartSpan("trace.keep.option", tracer.Tag(ext.ManualKeep, true))
	kept.Finish()
}
