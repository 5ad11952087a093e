package trace

import (
	"context"
	"runtime/pprof"
	"strconv"
)

// Code hotspots: while the profiler has turned internal/hotspots on, a
// span puts Datadog's pprof labels on the goroutine that starts it and on
// the context Start returns, so that CPU samples name the span they ran
// under; Finish sets back the labels the goroutine had before. Off, Start
// pays one atomic load for it (see BenchmarkStartFinish) and Finish one
// nil check.
//
// A span keeps pprof's label sets, never the contexts that carried them:
// a finished span waiting for export pins no caller's context (see
// spanCtx), and Finish clears what it kept.

// Datadog's label keys, in sorted order, which pprof.Labels takes without
// sorting.
const (
	labelLocalRootID = "local root span id"
	labelSpanID      = "span id"
	labelEndpoint    = "trace endpoint"
)

// spanLabels is what a span keeps of pprof labels, read and written under
// the span's lock.
type spanLabels struct {
	restore labelCtx // the labels before the span, set back by Finish
	active  labelCtx // the span's own labels
}

// labelCtx is a context whose pprof labels are set, a label set taken
// from another context (see pprofKey), and whose other values and
// deadline are those of its embedded context.
type labelCtx struct {
	context.Context
	set any
}

// Value answers pprof's key with the label set and asks the embedded
// context for anything else.
func (c *labelCtx) Value(key any) any {
	if key == pprofKey {
		return c.set
	}
	return c.Context.Value(key)
}

// pprofKey is the key under which runtime/pprof keeps a context's labels,
// learnt at init by letting pprof.Label ask a context that notes the key
// it is asked for, then checked. It stays nil if this Go's runtime/pprof
// does not keep labels so, and then spans get no labels (and the hotspots
// tests fail).
var pprofKey any

func init() {
	p := &keyProbe{Context: context.Background()}
	pprof.Label(p, labelSpanID)
	pprofKey = p.key
	labeled := pprof.WithLabels(context.Background(), pprof.Labels(labelSpanID, "1"))
	c := &labelCtx{Context: context.Background(), set: labeled.Value(p.key)}
	if v, ok := pprof.Label(c, labelSpanID); !ok || v != "1" {
		pprofKey = nil
	}
}

// keyProbe is a context that notes the last key it was asked for.
type keyProbe struct {
	context.Context
	key any
}

// Value notes key and finds nothing.
func (p *keyProbe) Value(key any) any {
	p.key = key
	return nil
}

// profileLabels, for a span s starting under parent with ctx, labels the
// goroutine and returns ctx with the labels, as dd-trace-go does: the
// span's id and its local root's under code hotspots, the local root's
// resource under endpoints. The labels before are ctx's or, when ctx has
// none, the local parent's, for spans started with ChildOf and a bare
// context (dd-trace-go's StartSpan).
func (s *Span) profileLabels(ctx context.Context, parent SpanContext) context.Context {
	cfg := &s.tracer.cfg
	if pprofKey == nil || cfg.noHotspots && cfg.noEndpoints {
		return ctx
	}
	root := s.trace.root()
	var kv [6]string
	n := 0
	if !cfg.noHotspots {
		id := strconv.FormatUint(s.spanID, 10)
		kv[0], kv[1], kv[2], kv[3] = labelLocalRootID, id, labelSpanID, id
		if root != s {
			kv[1] = strconv.FormatUint(root.spanID, 10)
		}
		n = 4
	}
	if !cfg.noEndpoints {
		root.mu.Lock()
		if endpointSafe(root.spanType) {
			kv[n], kv[n+1] = labelEndpoint, root.resource
			n += 2
		}
		root.mu.Unlock()
	}
	if n == 0 {
		return ctx
	}
	before := ctx.Value(pprofKey)
	if p := parent.span; before == nil && p != nil {
		p.mu.Lock()
		if p.labels != nil {
			before = p.labels.active.set
		}
		p.mu.Unlock()
		if before != nil {
			ctx = &labelCtx{Context: ctx, set: before}
		}
	}
	ctx = pprof.WithLabels(ctx, pprof.Labels(kv[:n]...))
	l := &spanLabels{
		restore: labelCtx{Context: context.Background(), set: before},
		active:  labelCtx{Context: context.Background(), set: ctx.Value(pprofKey)},
	}
	s.mu.Lock()
	s.labels = l
	s.mu.Unlock()
	pprof.SetGoroutineLabels(ctx)
	return ctx
}

// endpointSafe reports whether a local root of type spanType may name the
// endpoint: its resource is unlikely to hold personal data (a web route, an
// RPC method, a custom span's), unlike a query's. dd-trace-go's rule.
func endpointSafe(spanType string) bool {
	return spanType == "web" || spanType == "rpc" || spanType == ""
}

// relabelEndpointLocked, after a local root's resource changed, puts the
// new resource in its "trace endpoint" label and on the calling goroutine,
// as dd-trace-go does when a resource is set late (after routing). Spans
// started earlier keep the endpoint they saw. s.mu is held.
func (s *Span) relabelEndpointLocked() {
	l := s.labels
	if l == nil || !s.localRoot || s.tracer.cfg.noEndpoints || !endpointSafe(s.spanType) {
		return
	}
	ctx := pprof.WithLabels(&l.active, pprof.Labels(labelEndpoint, s.resource))
	l.active.set = ctx.Value(pprofKey)
	pprof.SetGoroutineLabels(ctx)
}
