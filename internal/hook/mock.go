package hook

// OnFinish, set by package trace, returns a trace.Option (as an any) that
// calls f with every span of the tracer as it finishes: the *trace.Span
// and its trace.Snapshot (as anys), on the goroutine that called Finish,
// once the span is frozen, in the order spans finish. f must not block and
// must be safe for concurrent use. mocktracer records spans this way, in
// the order dd-trace-go's mocktracer shows them.
var OnFinish func(f func(span, snapshot any)) any

// NoService, set by package trace, returns a trace.Option (as an any) that
// leaves the tracer's service empty, where trace.WithService("") keeps the
// default (the program's name): dd-trace-go's mocktracer gives spans no
// service unless they name one.
var NoService func() any
