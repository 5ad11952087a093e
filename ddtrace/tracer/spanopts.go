package tracer

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/internal/ddconv"
)

// StartSpanOption configures a span as it starts: dd-trace-go's
// ddtrace.StartSpanOption, the same type, so options of your own making
// work too.
type StartSpanOption = ddtrace.StartSpanOption

// FinishOption configures how a span finishes: ddtrace.FinishOption.
type FinishOption = ddtrace.FinishOption

// SpanLink relates a span to another that is not its parent:
// ddtrace.SpanLink.
type SpanLink = ddtrace.SpanLink

// startScratch is the working space of one start through this package:
// the config the options fill in, the map their tags go to and the trace
// package's options they become. The options are functions the compiler
// cannot see into, so a config given to them escapes: without reuse, every
// start allocates the config, the map and the slice (5 allocations more
// than trace.Start in BenchmarkStartSpanVars).
type startScratch struct {
	cfg  ddtrace.StartSpanConfig
	tags map[string]any
	opts [8]trace.SpanOption
}

// maxScratchTags is the most tags a start's map may have held for the
// map to be reused: a cleared map keeps its size, and ranging over it
// costs in proportion.
const maxScratchTags = 16

var startScratches = sync.Pool{New: func() any { return &startScratch{tags: make(map[string]any, 4)} }}

// startOptions applies opts to a reused config, with ctx as its Context,
// and returns the trace package's options they describe; release gives
// the scratch back once trace.Start has returned. An option keeps cfg
// only for its call, as dd-trace-go's options do.
func startOptions(ctx context.Context, opts []StartSpanOption) (*startScratch, []trace.SpanOption) {
	sc := startScratches.Get().(*startScratch)
	sc.cfg.Tags = sc.tags
	sc.cfg.Context = ctx
	for _, o := range opts {
		if o != nil {
			o(&sc.cfg)
		}
	}
	return sc, ddconv.AppendSpanOptions(sc.opts[:0], &sc.cfg, contextOf)
}

// release clears sc (so that it holds nothing of the span's) and gives it
// back for reuse.
func (sc *startScratch) release() {
	if len(sc.tags) > maxScratchTags {
		sc.tags = make(map[string]any, 4)
	} else {
		clear(sc.tags)
	}
	clear(sc.opts[:])
	sc.cfg = ddtrace.StartSpanConfig{}
	startScratches.Put(sc)
}

func fromTraceLink(l trace.Link) SpanLink {
	return SpanLink{
		TraceID:     l.TraceID.Lower(),
		TraceIDHigh: l.TraceID.Upper(),
		SpanID:      l.SpanID,
		Attributes:  l.Attributes,
		Tracestate:  l.Tracestate,
		Flags:       l.Flags,
	}
}

// Tag sets a tag as the span starts.
func Tag(k string, v any) StartSpanOption {
	return func(cfg *ddtrace.StartSpanConfig) {
		if cfg.Tags == nil {
			cfg.Tags = map[string]any{}
		}
		cfg.Tags[k] = v
	}
}

// ResourceName sets the span's resource.
func ResourceName(name string) StartSpanOption { return Tag(ext.ResourceName, name) }

// SpanType sets the span's type ("web", "db", "cache"...).
func SpanType(name string) StartSpanOption { return Tag(ext.SpanType, name) }

// ServiceName sets the span's service.
func ServiceName(name string) StartSpanOption { return Tag(ext.ServiceName, name) }

// Measured asks the Agent to compute statistics on the span (_dd.measured).
func Measured() StartSpanOption { return Tag("_dd.measured", 1) }

// AnalyticsRate sets the span's App Analytics rate (_dd1.sr.eausr); NaN is
// ignored.
func AnalyticsRate(rate float64) StartSpanOption {
	if math.IsNaN(rate) {
		return func(*ddtrace.StartSpanConfig) {}
	}
	return Tag(ext.EventSampleRate, rate)
}

// ChildOf makes the span a child of ctx. It wins over a span carried by the
// context given to StartSpanFromContext. A SpanContext of your own making
// is a remote parent: its ids (the whole trace id when it implements
// ddtrace.SpanContextW3C) and baggage.
func ChildOf(ctx SpanContext) StartSpanOption {
	return func(cfg *ddtrace.StartSpanConfig) { cfg.Parent = ctx }
}

// StartTime sets when the span started.
func StartTime(t time.Time) StartSpanOption {
	return func(cfg *ddtrace.StartSpanConfig) { cfg.StartTime = t }
}

// WithSpanID sets the span's id; on a span that starts a trace, the lower
// half of the trace id too.
func WithSpanID(id uint64) StartSpanOption {
	return func(cfg *ddtrace.StartSpanConfig) { cfg.SpanID = id }
}

// WithSpanLinks links the span to others as it starts.
func WithSpanLinks(links []SpanLink) StartSpanOption {
	return func(cfg *ddtrace.StartSpanConfig) { cfg.SpanLinks = append(cfg.SpanLinks, links...) }
}

// WithError records err on the span as it finishes.
func WithError(err error) FinishOption {
	return func(cfg *ddtrace.FinishConfig) { cfg.Error = err }
}

// FinishTime sets when the span finished.
func FinishTime(t time.Time) FinishOption {
	return func(cfg *ddtrace.FinishConfig) { cfg.FinishTime = t }
}

// NoDebugStack leaves the stack out of an error given with WithError.
func NoDebugStack() FinishOption {
	return func(cfg *ddtrace.FinishConfig) { cfg.NoDebugStack = true }
}

// StackFrames keeps at most n frames of an error's stack (32 when n is 0),
// skipping the innermost skip. The tracer keeps at most 256 frames,
// however large n.
func StackFrames(n, skip uint) FinishOption {
	return func(cfg *ddtrace.FinishConfig) { cfg.StackFrames, cfg.SkipStackFrames = n, skip }
}
