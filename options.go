package trace

import (
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"time"

	"github.com/ctxtrace/trace/internal/hook"
)

// Option configures a Tracer; see New.
type Option func(*config)

// Limits bounds what one span may hold. A zero field means its default.
type Limits struct {
	// Tags is the most tags a span keeps; later new keys are dropped and
	// counted in Stats.TagsDropped. Default 1024.
	Tags int
	// KeyLength is the most bytes of a tag key; longer keys are cut.
	// Default 200, the Datadog Agent's own limit.
	KeyLength int
	// ValueLength is the most bytes of a text value; longer ones are cut at
	// a character boundary and counted in Stats.TagsTruncated. Default
	// 25,000, the Datadog Agent's own limit.
	ValueLength int
}

// Defaults, each changed by the option named beside it.
const (
	defaultBatchBytes    = 1 << 20         // withBatchSize
	defaultFlushInterval = 2 * time.Second // WithFlushInterval
	defaultExportTimeout = 10 * time.Second
	defaultPartialFlush  = 1000 // WithPartialFlush
	defaultStackDepth    = 32   // WithStackDepth
)

// Limits the Datadog Agent applies to names, which we apply first so that
// nothing we send needs normalizing.
const (
	maxNameLen     = 100
	maxResourceLen = 5000
)

type config struct {
	service, env, version string
	globalTags            []tag
	exporter              Exporter
	sampler               Sampler
	logger                *slog.Logger
	queueBytes            int // the memory budget
	batchBytes            int
	flushInterval         time.Duration
	exportTimeout         time.Duration
	partialFlush          int
	stackDepth            int
	limits                Limits
	propagator            Propagator
	serviceMapping        map[string]string
	onStart               func(*Span)
	onFinish              func(*Span)
	traceID64             bool // 64-bit trace ids: no upper half
	// pprof labels left out under code hotspots (see hotspots.go), set
	// through internal/hook by ddtrace/tracer's WithProfiler* options.
	noHotspots, noEndpoints bool
	peerService             peerServiceConfig // WithPeerService (peerservice.go)
}

func newConfig(opts []Option) config {
	c := config{
		service:       filepath.Base(os.Args[0]),
		exporter:      Discard,
		sampler:       KeepAll,
		queueBytes:    defaultMemoryBudget,
		batchBytes:    defaultBatchBytes,
		flushInterval: defaultFlushInterval,
		exportTimeout: defaultExportTimeout,
		partialFlush:  defaultPartialFlush,
		stackDepth:    defaultStackDepth,
		limits:        Limits{Tags: 1024, KeyLength: 200, ValueLength: 25000},
	}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	return c
}

// WithService names the service that spans belong to unless they say
// otherwise. Default: the program's file name, as in dd-trace-go.
func WithService(name string) Option {
	return func(c *config) {
		if name != "" {
			c.service, _ = clean(name, maxNameLen)
		}
	}
}

// WithEnv sets the environment ("prod", "staging"), recorded on every span
// as the tag env.
func WithEnv(env string) Option { return func(c *config) { c.env = env } }

// WithVersion sets the application's version, recorded as the tag version
// on the spans of the tracer's own service.
func WithVersion(version string) Option { return func(c *config) { c.version = version } }

// WithGlobalTag adds a tag to every span the tracer starts, converted as
// Span.SetTag converts values. A later WithGlobalTag with the same key wins.
func WithGlobalTag(key string, value any) Option {
	return func(c *config) {
		if key == "" {
			return
		}
		v := toValue(value)
		for i := range c.globalTags {
			if c.globalTags[i].key == key {
				c.globalTags[i].val = v
				return
			}
		}
		c.globalTags = append(c.globalTags, tag{key, v})
	}
}

// WithExporter sets where finished traces go. Default: Discard. Combine
// several with MultiExporter.
func WithExporter(e Exporter) Option {
	return func(c *config) {
		if e != nil {
			c.exporter = e
		}
	}
}

// WithSampler sets the sampler that decides, at each local root, whether the
// trace is kept. Default: KeepAll.
func WithSampler(s Sampler) Option {
	return func(c *config) {
		if s != nil {
			c.sampler = s
		}
	}
}

// WithLogger sets where the tracer reports trouble (dropped spans, failed
// exports), at most once per interval. Default: slog.Default().
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// withBatchSize sets how many bytes of queued spans trigger an export
// before the flush interval is up, and how much one export takes. Default
// 1 MiB. Tests reach it through export_test.go.
func withBatchSize(bytes int) Option {
	return func(c *config) {
		if bytes > 0 {
			c.batchBytes = bytes
		}
	}
}

// WithFlushInterval sets how often queued spans are exported. Default
// 2 seconds.
func WithFlushInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.flushInterval = d
		}
	}
}

// WithPartialFlush sets how many finished spans of an unfinished trace are
// held before they are handed on as a partial chunk, so that a long-lived
// root does not keep its children in memory. Default 1,000.
func WithPartialFlush(spans int) Option {
	return func(c *config) {
		if spans > 0 {
			c.partialFlush = spans
		}
	}
}

// WithStackDepth sets how many frames an error's stack keeps (error.stack),
// at most 256; 0 records no stacks. Default 32.
func WithStackDepth(frames int) Option {
	return func(c *config) { c.stackDepth = max(frames, 0) }
}

// WithPropagator sets how span contexts cross process boundaries (Inject,
// Extract). Default: the styles of the DD_TRACE_PROPAGATION_STYLE*
// variables, or datadog, tracecontext and baggage; see PropagatorFromEnv and NewPropagator.
func WithPropagator(p Propagator) Option {
	return func(c *config) {
		if p != nil {
			c.propagator = p
		}
	}
}

// WithServiceMapping renames services: a span whose service is a key of
// mapping gets the value instead, as dd-trace-go's WithServiceMapping does
// (for example to tell the databases of two environments apart).
func WithServiceMapping(mapping map[string]string) Option {
	return func(c *config) {
		if len(mapping) > 0 {
			c.serviceMapping = maps.Clone(mapping)
		}
	}
}

func init() {
	// For mocktracer's OpenSpans: a hook on every span's path, which only
	// test tools of this module may set (see internal/hook).
	hook.OnStart = func(f func(span any)) any {
		return Option(func(c *config) { c.onStart = func(s *Span) { f(s) } })
	}
	// For ddtrace/tracer's WithProfilerCodeHotspots and
	// WithProfilerEndpoints: which pprof labels spans carry.
	hook.ProfilerLabels = func(codeHotspots, endpoints bool) any {
		return Option(func(c *config) { c.noHotspots, c.noEndpoints = !codeHotspots, !endpoints })
	}
}

// WithTraceID128 chooses between 128-bit trace ids (true, the default:
// the upper half holds the start time, as in dd-trace-go) and 64-bit ones,
// for backends that read only 64 bits
// (DD_TRACE_128_BIT_TRACEID_GENERATION_ENABLED=false).
func WithTraceID128(on bool) Option { return func(c *config) { c.traceID64 = !on } }

// WithLimits bounds what a span may hold; zero fields keep their defaults.
func WithLimits(l Limits) Option {
	return func(c *config) {
		if l.Tags > 0 {
			c.limits.Tags = l.Tags
		}
		if l.KeyLength > 0 {
			c.limits.KeyLength = l.KeyLength
		}
		if l.ValueLength > 0 {
			c.limits.ValueLength = l.ValueLength
		}
	}
}

// spanConfig is what SpanOptions set. Tag options are not collected here:
// newSpan applies them straight onto the span.
type spanConfig struct {
	resource, spanType, service string
	start                       time.Time
	parent                      SpanContext
	hasParent                   bool
	spanID                      uint64
}

type spanOptKind uint8

const (
	optNone spanOptKind = iota
	optResource
	optType
	optService
	optTag
	optStart
	optChildOf
	optSpanID
	optLinks
	optGroup
)

// SpanOption configures a span when it starts; see Start and Do. It is a
// small value rather than a function, so that applying options inside
// Start allocates nothing: a function would take a pointer to the
// configuration, which escape analysis must then assume escapes.
type SpanOption struct {
	kind spanOptKind
	str  string
	num  uint64
	time time.Time
	val  any
}

func (c *spanConfig) apply(opts []SpanOption) {
	for i := range opts {
		o := &opts[i]
		switch o.kind {
		case optResource:
			c.resource = o.str
		case optType:
			c.spanType = o.str
		case optService:
			c.service = o.str
		case optStart:
			c.start = o.time
		case optSpanID:
			c.spanID = o.num
		case optChildOf:
			c.parent, _ = o.val.(SpanContext)
			c.hasParent = true
		case optGroup:
			c.apply(o.val.(*groupOpts).opts)
		}
	}
}

// Resource sets what the span acts on: an endpoint, a query, a job name.
// Datadog groups spans by it. Default: the span's name.
func Resource(resource string) SpanOption { return SpanOption{kind: optResource, str: resource} }

// Type sets the span's type: "web", "http", "sql", "cache", "custom"...
func Type(spanType string) SpanOption { return SpanOption{kind: optType, str: spanType} }

// Service sets the span's service instead of its parent's or the tracer's.
func Service(name string) SpanOption { return SpanOption{kind: optService, str: name} }

// Tag sets a tag when the span starts, so the sampler can see it. Values
// are converted as Span.SetTag converts them.
func Tag(key string, value any) SpanOption {
	return SpanOption{kind: optTag, str: key, val: value}
}

// StartTime sets when the span started, for spans recorded after the fact.
func StartTime(t time.Time) SpanOption { return SpanOption{kind: optStart, time: t} }

// ChildOf makes the span a child of parent, whatever span the context
// carries: an explicit parent always wins (unlike dd-trace-go, where the
// context's span silently overrides it). The zero SpanContext makes the span
// a new root.
func ChildOf(parent SpanContext) SpanOption { return SpanOption{kind: optChildOf, val: parent} }

// WithSpanID sets the span's id instead of a random one. On a span that
// starts a new trace it also becomes the lower half of the trace id, as in
// dd-trace-go. Zero means random.
func WithSpanID(id uint64) SpanOption { return SpanOption{kind: optSpanID, num: id} }

type finishConfig struct {
	end        time.Time
	err        error
	stackSet   bool
	stackDepth int
	stackSkip  int
}

type finishOptKind uint8

const (
	optFinishNone finishOptKind = iota
	optError
	optFinishTime
	optStack
)

// FinishOption configures how a span finishes; see Span.Finish. Like
// SpanOption, it is a value so that Finish allocates nothing.
type FinishOption struct {
	kind         finishOptKind
	err          error
	time         time.Time
	depth, skips int
}

func (c *finishConfig) apply(opts []FinishOption) {
	for i := range opts {
		o := &opts[i]
		switch o.kind {
		case optError:
			c.err = o.err
		case optFinishTime:
			c.end = o.time
		case optStack:
			c.stackSet, c.stackDepth, c.stackSkip = true, o.depth, o.skips
		}
	}
}

// WithError records err on the span as it finishes, as Span.SetError does;
// nil records nothing.
func WithError(err error) FinishOption { return FinishOption{kind: optError, err: err} }

// FinishTime sets when the span ended instead of now.
func FinishTime(t time.Time) FinishOption { return FinishOption{kind: optFinishTime, time: t} }

// StackDepth keeps at most frames frames of the stack of an error recorded
// by WithError, leaving out the skip innermost ones; StackDepth(0, 0)
// records no stack.
func StackDepth(frames, skip int) FinishOption {
	return FinishOption{kind: optStack, depth: max(frames, 0), skips: max(skip, 0)}
}
