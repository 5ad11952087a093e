package main

import (
	"errors"
	"fmt"
	"sort"

	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/ext"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/mocktracer"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

type str struct{}

func (str) String() string { return "rendered" }

func dump(name string, s mocktracer.Span) {
	fmt.Printf("== %s op=%q id=%d parent=%d integ=%q\n", name, s.OperationName(), s.SpanID(), s.ParentID(), safeInteg(s))
	tags := s.Tags()
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := tags[k]
		if k == "error.stack" {
			v = fmt.Sprint(len(fmt.Sprint(v)) > 0)
		}
		fmt.Printf("  Tags[%s] = %T %#v\n", k, v, v)
	}
	fmt.Printf("  links=%#v events=%#v\n", s.Links(), s.Events())
	fmt.Printf("  ctx %T %d %d\n", s.Context(), s.Context().TraceID(), s.Context().SpanID())
	if w, ok := s.Context().(ddtrace.SpanContextW3C); ok {
		fmt.Println("  w3c", w.TraceID128())
	}
}

func safeInteg(s mocktracer.Span) (r string) {
	defer func() {
		if e := recover(); e != nil {
			r = fmt.Sprint("PANIC ", e)
		}
	}()
	return s.Integration()
}

func tag(s mocktracer.Span, k string) {
	v := s.Tag(k)
	if k == "error.stack" {
		v = fmt.Sprint(len(fmt.Sprint(v)) > 0)
	}
	fmt.Printf("  Tag(%s) = %T %#v\n", k, v, v)
}

func main() {
	mt := mocktracer.Start()
	fmt.Println("active", mocktracer.IsActive())
	sp := tracer.StartSpan("op", tracer.Tag("opt.int", 7), tracer.Tag("opt.err", errors.New("x")), tracer.Tag(ext.HTTPCode, 201))
	sp.SetTag("int", 1)
	sp.SetTag("int64", int64(2))
	sp.SetTag("big", int64(1)<<60)
	sp.SetTag("float", 1.5)
	sp.SetTag("uint", uint(3))
	sp.SetTag("string", "s")
	sp.SetTag("bool", true)
	sp.SetTag("err", errors.New("boom"))
	sp.SetTag("stringer", str{})
	sp.SetTag("bytes", []byte("b"))
	sp.SetTag("slice", []int{1, 2})
	sp.SetTag("nil", nil)
	sp.SetTag(ext.ResourceName, "res")
	sp.SetTag(ext.SpanType, "web")
	sp.SetTag(ext.ServiceName, "svc")
	sp.SetTag(ext.ManualKeep, true)
	sp.SetTag(ext.Component, "net/http")
	tracer.Measured()(&ddtrace.StartSpanConfig{})
	for _, k := range []string{"int", "big", "bool", "err", ext.HTTPCode, "opt.err", ext.SamplingPriority, ext.Error, ext.ErrorStack, "missing", ext.ManualKeep} {
		tag(openOf(mt, "op"), k)
	}
	sp.Finish()
	s := mt.FinishedSpans()[0]
	dump("s", s)
	for _, k := range []string{"int", "big", "bool", "err", ext.HTTPCode, ext.SamplingPriority, ext.Error, ext.ErrorStack, "missing", ext.ManualKeep, "span.name", ext.ResourceName, ext.ServiceName, ext.SpanType, "nil", "slice.0"} {
		tag(s, k)
	}
	mt.Reset()

	c := []struct {
		name string
		set  func(ddtrace.Span)
		fin  []ddtrace.FinishOption
	}{
		{"code200", func(s ddtrace.Span) { s.SetTag(ext.HTTPCode, 200) }, nil},
		{"code200s", func(s ddtrace.Span) { s.SetTag(ext.HTTPCode, "200") }, nil},
		{"errerr", func(s ddtrace.Span) { s.SetTag(ext.Error, errors.New("bad")) }, nil},
		{"errtrue", func(s ddtrace.Span) { s.SetTag(ext.Error, true) }, nil},
		{"errfalse", func(s ddtrace.Span) { s.SetTag(ext.Error, true); s.SetTag(ext.Error, false) }, nil},
		{"errstr", func(s ddtrace.Span) { s.SetTag(ext.Error, "oops") }, nil},
		{"finerr", func(s ddtrace.Span) {}, []ddtrace.FinishOption{tracer.WithError(errors.New("fin"))}},
		{"finerrnostack", func(s ddtrace.Span) {}, []ddtrace.FinishOption{tracer.WithError(errors.New("fin")), tracer.NoDebugStack()}},
		{"prio", func(s ddtrace.Span) { s.SetTag(ext.SamplingPriority, 2) }, nil},
		{"keepint", func(s ddtrace.Span) { s.SetTag(ext.ManualKeep, 5) }, nil},
		{"drop", func(s ddtrace.Span) { s.SetTag(ext.ManualDrop, true) }, nil},
		{"analytics", func(s ddtrace.Span) { s.SetTag(ext.AnalyticsEvent, true) }, nil},
		{"measured", func(s ddtrace.Span) { s.SetTag("_dd.measured", 1) }, nil},
		{"component", func(s ddtrace.Span) { s.SetTag(ext.Component, 5) }, nil},
	}
	for _, tc := range c {
		s := tracer.StartSpan(tc.name)
		tc.set(s)
		s.Finish(tc.fin...)
		fs := mt.FinishedSpans()
		dump(tc.name, fs[len(fs)-1])
		for _, k := range []string{ext.Error, ext.ErrorStack, ext.HTTPCode, ext.SamplingPriority, ext.ManualKeep} {
			tag(fs[len(fs)-1], k)
		}
	}
	mt.Reset()
	m := tracer.StartSpan("measured", tracer.Measured(), tracer.ServiceName("s2"), tracer.ResourceName("r2"), tracer.SpanType("t2"))
	ch := tracer.StartSpan("child", tracer.ChildOf(m.Context()))
	ch.Finish()
	m.Finish()
	for _, s := range mt.FinishedSpans() {
		dump("m", s)
	}
	mt.Stop()
	fmt.Println("active", mocktracer.IsActive())
}

func openOf(mt mocktracer.Tracer, name string) mocktracer.Span {
	for _, s := range mt.OpenSpans() {
		if s.OperationName() == name {
			return s
		}
	}
	return nil
}
