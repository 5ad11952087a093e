// Package tracer offers the calls of Datadog's Go tracer (dd-trace-go's
// ddtrace/tracer) as thin wrappers over the trace package, so that code
// written from Datadog's documentation compiles with only its import path
// changed:
//
//	import "github.com/ctxtrace/trace/ddtrace/tracer"
//
//	tracer.Start(tracer.WithServiceName("web"))
//	defer tracer.Stop()
//	span := tracer.StartSpan("web.request", tracer.ResourceName("/posts"))
//	defer span.Finish()
//	span.SetTag("http.method", "GET")
//
// Start wires what dd-trace-go wires: the Datadog Agent exporter, the
// DD_SERVICE, DD_ENV, DD_VERSION and DD_TAGS variables, and the
// propagation styles of DD_TRACE_PROPAGATION_STYLE*. Everything is the
// trace package underneath: a span started here and one started with
// trace.Start are the same kind of span, in the same trace.
//
// One difference on purpose: an explicit ChildOf always wins over a span
// carried by the context given to StartSpanFromContext (dd-trace-go lets
// the context's span win, DataDog/dd-trace-go#1384).
package tracer
