package trace

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// Tracer starts spans and exports them. Create one with New, make it the
// default with SetDefault, and call Shutdown before the program exits. A
// Tracer is safe for concurrent use.
type Tracer struct {
	cfg   config
	noop  bool
	stats stats
	pipe  *pipeline

	shutdownOnce sync.Once
	shutdownErr  error
}

// New returns a Tracer configured by opts and starts its export pipeline.
// Without WithExporter, finished traces are discarded.
func New(opts ...Option) *Tracer {
	t := &Tracer{cfg: newConfig(opts)}
	if src, ok := t.cfg.exporter.(rateSource); ok {
		if rcv, ok := t.cfg.sampler.(rateReceiver); ok {
			src.SetRateReceiver(rcv)
		}
	}
	t.pipe = newPipeline(pipelineConfig{
		exporter:      t.cfg.exporter,
		logger:        t.cfg.logger,
		flushInterval: t.cfg.flushInterval,
		exportTimeout: t.cfg.exportTimeout,
		batchBytes:    t.cfg.batchBytes,
		partialFlush:  t.cfg.partialFlush,
		budget:        t.cfg.queueBytes,
		stats:         &t.stats,
		drops:         func() Drops { return t.Stats().Dropped },
	})
	if u, ok := t.cfg.exporter.(BudgetUser); ok {
		u.UseBudget(t.pipe.budget)
	}
	go t.pipe.run() // once the tracer is whole: the batcher reads it
	return t
}

// noopTracer is what Default returns until SetDefault: it starts no spans,
// allocates nothing, and returns contexts unchanged.
var noopTracer = &Tracer{noop: true}

var defaultTracer atomic.Pointer[Tracer]

// Default returns the tracer set by SetDefault, or a no-op tracer that
// records nothing and costs almost nothing.
func Default() *Tracer {
	if t := defaultTracer.Load(); t != nil {
		return t
	}
	return noopTracer
}

// SetDefault makes t the tracer used by the package-level Start and Do. A
// nil t restores the no-op tracer. It does not shut down the previous one.
func SetDefault(t *Tracer) { defaultTracer.Store(t) }

// Enabled reports whether t records spans: false for the no-op tracer.
func (t *Tracer) Enabled() bool { return t != nil && !t.noop }

// Service returns the tracer's service name.
func (t *Tracer) Service() string {
	if t == nil {
		return ""
	}
	return t.cfg.service
}

// Start starts a span named name and returns a context carrying it. The
// parent is, in order: the SpanContext given by ChildOf; the span carried by
// ctx; a remote parent stored in ctx by ContextWithSpanContext or Extract;
// otherwise the span starts a new trace. A nil ctx means
// context.Background().
//
// The span belongs to the tracer of the span in ctx if there is one, so a
// library calling Start joins its caller's trace and tracer; otherwise to
// Default().
//
// The caller must call Finish on the span. Start costs two allocations:
// the span and the small context that carries it (see
// BenchmarkStartFinish).
func Start(ctx context.Context, name string, opts ...SpanOption) (context.Context, *Span) {
	return Default().start(ctx, name, opts, true)
}

// Start starts a span with t, as the package-level Start does, except that
// the span always belongs to t.
func (t *Tracer) Start(ctx context.Context, name string, opts ...SpanOption) (context.Context, *Span) {
	return t.start(ctx, name, opts, false)
}

// errNilFunc is returned by Do when it is given no function.
var errNilFunc = errors.New("trace: Do called with a nil function")

// Do runs fn inside a span named name and returns fn's error. The span is
// the parent of everything fn starts with the context it is given. An error
// fn returns is recorded on the span. If fn panics, the panic value and its
// stack are recorded, the span is finished, and the panic continues
// unchanged. The span is finished however fn ends, runtime.Goexit included.
//
// Do costs what Start and Finish cost plus one closure call; like
// runtime/trace.WithRegion, it is the easy path and seldom the bottleneck.
func Do(ctx context.Context, name string, fn func(context.Context) error, opts ...SpanOption) error {
	return do(Default(), true, ctx, name, fn, opts)
}

// Do is the package-level Do with t's spans.
func (t *Tracer) Do(ctx context.Context, name string, fn func(context.Context) error, opts ...SpanOption) error {
	return do(t, false, ctx, name, fn, opts)
}

func do(t *Tracer, inherit bool, ctx context.Context, name string, fn func(context.Context) error, opts []SpanOption) (err error) {
	if fn == nil {
		return errNilFunc
	}
	ctx, span := t.start(ctx, name, opts, inherit)
	if span == nil {
		return fn(ctx)
	}
	returned := false
	defer func() {
		if returned {
			span.finish(finishConfig{err: err}, 4)
			return
		}
		r := recover()
		if r != nil {
			span.recordPanic(r, panicStack(1, span.tracer.cfg.stackDepth))
		}
		span.Finish()
		if r != nil {
			panic(r)
		}
	}()
	err = fn(ctx)
	returned = true
	return err
}

// Flush exports every chunk already queued and waits until the exporter has
// taken it, or until ctx is done; an exporter that buffers (a Flusher) is
// then flushed too. Spans of traces still running stay where they are.
func (t *Tracer) Flush(ctx context.Context) error {
	if !t.Enabled() {
		return nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if err := t.pipe.flush(ctx); err != nil {
		return err
	}
	if f, ok := t.cfg.exporter.(Flusher); ok {
		return f.Flush(ctx)
	}
	return nil
}

// Shutdown stops the tracer: it exports every finished span already queued,
// shuts the exporter down and stops the tracer's goroutine, waiting at most
// until ctx is done. Past that it cancels the export in flight, counts its
// spans as dropped and returns ctx's error; the goroutine ends as soon as the
// exporter returns. Spans that finish afterwards are dropped and counted.
// Later calls return the first call's result.
func (t *Tracer) Shutdown(ctx context.Context) error {
	if !t.Enabled() {
		return nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	t.shutdownOnce.Do(func() { t.shutdownErr = t.pipe.shutdown(ctx) })
	return t.shutdownErr
}
