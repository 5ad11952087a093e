package trace

import (
	"context"
	rtrace "runtime/trace"
	"time"

	"github.com/ctxtrace/trace/internal/hotspots"
	"github.com/ctxtrace/trace/internal/id"
)

// A span is born here, in named steps: its parent is resolved, it joins
// its parent's trace or starts one, its start options and the tracer's
// defaults apply, what extraction left for a local root is recorded, and
// a local root gets its trace's sampling decision.

// start is Start: inherit says whether the span belongs to the tracer of
// the span in ctx rather than to t.
func (t *Tracer) start(ctx context.Context, name string, opts []SpanOption, inherit bool) (context.Context, *Span) {
	if ctx == nil {
		ctx = context.Background()
	}
	var cfg spanConfig
	cfg.apply(opts)
	parent, t := resolveParent(ctx, &cfg, t, inherit)
	if t == nil || t.noop {
		return ctx, nil
	}
	// A span started from context.Background() (a root, or any span of
	// dd-trace-go's StartSpan, whose context is thrown away) shares its
	// allocation with its context: the context then pins nothing that
	// the span does not (BenchmarkFloor, BenchmarkRootSpan3Tags).
	// (context.Background() is of a comparable type: comparing a context of
	// any type with it cannot panic.)
	s, c := t.newSpan(name, parent, &cfg, opts, ctx == context.Background())
	if rtrace.IsEnabled() {
		// The Go execution tracer is on: make the span a task, so that
		// `go tool trace` shows it, nested under its parent span's task,
		// with its ids logged for finding it in Datadog. Off, this costs
		// one atomic load.
		ctx, s.task = rtrace.NewTask(ctx, name)
		rtrace.Logf(ctx, "span", "trace_id=%s span_id=%d", s.traceID, s.spanID)
	}
	if hotspots.Enabled() {
		// The profiler wants code hotspots: label the goroutine with the
		// span (see hotspots.go). Off, this costs one atomic load.
		ctx = s.profileLabels(ctx, parent)
	}
	if c == nil || ctx != context.Background() {
		c = &spanCtx{} // the parent is the caller's context, or a task's
	}
	c.Context, c.span = ctx, s
	return c, s
}

// resolveParent finds the new span's parent: ChildOf's, else the span or
// remote context ctx carries. With inherit, the span's tracer is the one of
// the span in ctx, if there is one.
func resolveParent(ctx context.Context, cfg *spanConfig, t *Tracer, inherit bool) (SpanContext, *Tracer) {
	parent := cfg.parent
	if !cfg.hasParent || inherit {
		var fromCtx SpanContext
		var found any
		if c, ok := ctx.(*spanCtx); ok {
			found = c.span // the common case, without an interface call
		} else {
			found = ctx.Value(ctxKey{})
		}
		switch v := found.(type) {
		case *Span:
			fromCtx = SpanContext{span: v}
			if inherit {
				t = v.tracer
			}
		case SpanContext:
			fromCtx = v
		}
		if !cfg.hasParent {
			parent = fromCtx
		}
	}
	return parent, t
}

// rootSpan is a local root: the span and its trace's state in one
// allocation. Children point at their root's state and stay smaller.
type rootSpan struct {
	Span
	ts traceState
}

// spanAndCtx and rootAndCtx are a span, or a local root, and the context
// that carries it, in one allocation.
type (
	spanAndCtx struct {
		Span
		ctx spanCtx
	}
	rootAndCtx struct {
		rootSpan
		ctx spanCtx
	}
)

// newSpan builds a span under parent (which may be the zero SpanContext).
// Its Tag and Tags options are applied here, straight onto the span. With
// withCtx, the span is allocated with room for its context, which it
// returns (nil otherwise).
func (t *Tracer) newSpan(name string, parent SpanContext, cfg *spanConfig, opts []SpanOption, withCtx bool) (*Span, *spanCtx) {
	var s *Span
	var c *spanCtx
	switch {
	case parent.span != nil && withCtx:
		x := &spanAndCtx{}
		s, c = &x.Span, &x.ctx
	case parent.span != nil:
		s = &Span{}
	case withCtx:
		r := &rootAndCtx{}
		s, c = &r.Span, &r.ctx
		s.trace = &r.ts
	default:
		r := &rootSpan{}
		s = &r.Span
		s.trace = &r.ts
	}
	s.tracer = t
	s.name = s.cleanLocked(name, maxNameLen)
	s.resource = s.name
	s.start, s.spanID = cfg.start, cfg.spanID
	if s.start.IsZero() {
		s.start = time.Now()
	}
	if s.spanID == 0 {
		s.spanID = id.Span()
	}
	var parentService string
	if p := parent.span; p != nil {
		parentService = s.joinLocal(p)
	} else {
		s.startTrace(parent)
	}
	s.applyStartOptions(cfg, opts)
	s.applyServiceDefaults()
	if s.localRoot {
		s.applyExtracted(parent)
	}
	// As in dd-trace-go, a span enters its service if its service differs
	// from its local parent's when it starts, tags included.
	s.topLevel = s.localRoot || s.service != parentService
	if s.localRoot && !s.trace.hasPriority {
		s.sample()
	}
	t.stats.started.add(s.spanID)
	if t.cfg.onStart != nil {
		t.cfg.onStart(s)
	}
	return s, c
}

// joinLocal makes s a child of p, a span of this process, in p's trace,
// and returns p's service.
func (s *Span) joinLocal(p *Span) string {
	p.mu.Lock()
	s.service, s.baggage = p.service, p.baggage
	service := p.service
	p.mu.Unlock()
	s.trace, s.traceID, s.parentID = p.trace, p.traceID, p.spanID
	s.trace.mu.Lock()
	s.trace.open++
	s.trace.mu.Unlock()
	return service
}

// startTrace makes s a local root: of a new trace, or of the trace of a
// remote parent.
func (s *Span) startTrace(parent SpanContext) {
	s.localRoot = true
	ts := s.trace
	ts.open, ts.one[0] = 1, Snapshot{s}
	s.service = s.tracer.cfg.service
	// A remote parent without ids (baggage only, or B3's "b3: 0") still
	// hands over its baggage and its decision.
	s.baggage = parent.baggage
	if parent.hasPriority {
		ts.priority, ts.hasPriority = parent.priority, true
	}
	if !parent.traceID.IsZero() {
		s.traceID, s.parentID = parent.traceID, parent.spanID
		ts.origin, ts.tags, ts.w3c = parent.origin, parent.tags, parent.w3c
		return
	}
	var hi uint64
	if !s.tracer.cfg.traceID64 {
		hi = id.TraceHigh(s.start)
	}
	s.traceID = NewTraceID(hi, s.spanID)
	ts.w3c = localW3C
}

// applyStartOptions applies the span options: service, resource and type,
// then the tracer's global tags and env, then the Tag and WithLinks
// options in order.
func (s *Span) applyStartOptions(cfg *spanConfig, opts []SpanOption) {
	if cfg.service != "" {
		s.service = s.cleanLocked(cfg.service, maxNameLen)
	}
	if cfg.resource != "" {
		s.resource = s.cleanLocked(cfg.resource, maxResourceLen)
	}
	if cfg.spanType != "" {
		s.spanType = s.cleanLocked(cfg.spanType, maxNameLen)
	}
	for _, g := range s.tracer.cfg.globalTags {
		s.tags.add(g.key, g.val)
	}
	if env := s.tracer.cfg.env; env != "" {
		s.setValueLocked("env", stringValue(env))
	}
	s.applyTagOptions(opts, false)
}

// applyTagOptions applies the Tag and WithLinks options of opts, in order,
// and those of the groups among them; with shared, the tags of the group
// being applied were shared already (see Group).
func (s *Span) applyTagOptions(opts []SpanOption, shared bool) {
	for i := range opts {
		switch o := &opts[i]; o.kind {
		case optTag:
			if shared {
				continue
			}
			if rv, ok := sliceOf(o.val); ok {
				s.setSlice(o.str, rv, false)
			} else {
				s.setTagLocked(o.str, toValue(o.val), o.val)
			}
		case optLinks:
			links, _ := o.val.([]Link)
			for _, l := range links {
				s.addLinkLocked(l)
			}
		case optGroup:
			g := o.val.(*groupOpts)
			share := shared || g.tags != nil && s.tags.share(g.tags, &s.tracer.cfg.limits)
			s.applyTagOptions(g.opts, share)
		}
	}
}

// applyServiceDefaults renames the service as WithServiceMapping says, and
// puts the tracer's version on spans of its own service: judged after the
// start options (a service.name tag among them), as dd-trace-go does,
// unless a tag set it already.
func (s *Span) applyServiceDefaults() {
	cfg := &s.tracer.cfg
	if to, ok := cfg.serviceMapping[s.service]; ok {
		s.service = s.cleanLocked(to, maxNameLen)
	}
	if cfg.version != "" && s.service == cfg.service {
		if _, set := s.tags.get("version"); !set {
			s.setValueLocked("version", stringValue(cfg.version))
		}
	}
}

// applyExtracted records on a local root what extraction left for it: the
// last Datadog parent upstream, a propagation error, links to other traces.
func (s *Span) applyExtracted(parent SpanContext) {
	if parent.ddParent != 0 {
		s.setValueLocked(tagParentID, stringValue(hex16(parent.ddParent)))
	}
	if x := parent.extracted; x != nil {
		if x.propError != "" {
			s.setValueLocked(tagPropagationError, stringValue(x.propError))
		}
		for _, l := range x.links {
			s.addLinkLocked(l)
		}
	}
}

// sample asks the tracer's sampler about the trace s starts.
func (s *Span) sample() {
	d := s.tracer.cfg.sampler.Sample(SamplingParams{
		TraceID: s.traceID, Name: s.name, Service: s.service,
		Resource: s.resource, Type: s.spanType, span: s,
	})
	s.applyDecisionLocked(d)
}

// applyDecisionLocked records a sampler's decision on a local root.
func (s *Span) applyDecisionLocked(d Decision) {
	switch d.Mechanism {
	case MechanismAgentRate:
		s.setValueLocked("_dd.agent_psr", numberValue(d.Rate))
	case MechanismRule:
		s.setValueLocked("_dd.rule_psr", numberValue(d.Rate))
	}
	if d.Limited {
		s.setValueLocked("_dd.limit_psr", numberValue(d.LimitRate))
	}
	s.trace.setPriority(d.Priority, d.Mechanism)
}
