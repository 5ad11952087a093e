package opentracer_test

import (
	"context"
	"fmt"

	"github.com/opentracing/opentracing-go"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/opentracer"
	"github.com/ctxtrace/trace/exporter/memory"
)

// Code written against OpenTracing keeps working, its spans exported by
// trace.
func Example() {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp), trace.WithService("billing"))
	opentracing.SetGlobalTracer(opentracer.Wrap(tr))
	defer opentracing.SetGlobalTracer(opentracing.NoopTracer{})

	parent := opentracing.StartSpan("invoice.create")
	child := opentracing.StartSpan("pdf.render", opentracing.ChildOf(parent.Context()))
	child.SetTag("pages", 3)
	child.Finish()
	parent.Finish()

	_ = tr.Shutdown(context.Background())
	for _, s := range exp.Spans() {
		fmt.Println(s.Name(), s.Service(), s.TraceID() == opentracer.Span(parent).TraceID())
	}
	// Unordered output:
	// invoice.create billing true
	// pdf.render billing true
}
