package grpc

import (
	"slices"
	"strings"

	"google.golang.org/grpc/codes"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/internal/env"
)

// Option configures the interceptors and stats handlers. Not every option
// applies to every one of them: each says which it does not.
type Option func(*config)

// InterceptorOption is Option, under the name dd-trace-go used first,
// deprecated in favor of Option (without the marker dd-trace-go does not
// give it either).
type InterceptorOption = Option

// config is what the options set. Interceptors and stats handlers read it
// without a lock once made.
type config struct {
	service         string // WithServiceName; "" means the default
	defaultService  string // "grpc.server" or "grpc.client"
	server          bool
	v1              bool // DD_TRACE_SPAN_ATTRIBUTE_SCHEMA=v1
	envService      bool // DD_SERVICE was set when the config was made
	spanName        string
	nonErrorCodes   map[codes.Code]bool
	streamCalls     bool
	streamMessages  bool
	noDebugStack    bool
	untraced        map[string]struct{}
	metadataTags    bool
	ignoredMetadata map[string]struct{}
	requestTags     bool
	errorDetailTags bool
	spanOpts        []trace.SpanOption // WithSpanOptions, WithAnalytics*, in order
	customTags      []trace.SpanOption // WithCustomTag, one per key
	customKeys      []string           // the key of each of customTags
}

// newConfig returns the configuration of a server (or client) side, with
// dd-trace-go's defaults and then opts.
func newConfig(server bool, opts []Option) *config {
	c := &config{
		server:         server,
		v1:             strings.EqualFold(env.String("DD_TRACE_SPAN_ATTRIBUTE_SCHEMA", ""), "v1"),
		streamCalls:    true,
		streamMessages: true,
		nonErrorCodes:  map[codes.Code]bool{codes.Canceled: true},
		ignoredMetadata: map[string]struct{}{
			"x-datadog-trace-id": {}, "x-datadog-parent-id": {}, "x-datadog-sampling-priority": {},
		},
		envService: env.String("DD_SERVICE", "") != "",
	}
	c.spanName, c.defaultService = "grpc.client", "grpc.client"
	if server {
		c.spanName, c.defaultService = "grpc.server", "grpc.server"
	}
	if c.v1 {
		c.spanName += ".request"
	}
	if on, _ := env.Bool("DD_TRACE_GRPC_ANALYTICS_ENABLED", false); on {
		c.spanOpts = append(c.spanOpts, analyticsTag(1))
	}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	return c
}

// untracedMethod reports whether WithUntracedMethods names method.
func (c *config) untracedMethod(method string) bool {
	_, ok := c.untraced[method]
	return ok
}

// WithServiceName sets the service of the spans. Default, on the server
// side: the tracer's service when one was set (DD_SERVICE or
// tracer.WithService), else "grpc.server"; on the client side
// "grpc.client", or the tracer's service under
// DD_TRACE_SPAN_ATTRIBUTE_SCHEMA=v1 or
// DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED. An empty name keeps the
// default.
func WithServiceName(name string) Option {
	return func(c *config) { c.service = name }
}

// WithStreamCalls enables or disables spans for streaming calls (default
// on). It does not apply to the stats handlers.
func WithStreamCalls(enabled bool) Option {
	return func(c *config) { c.streamCalls = enabled }
}

// WithStreamMessages enables or disables a "grpc.message" span for every
// message a stream sends or receives (default on). It does not apply to
// the stats handlers.
func WithStreamMessages(enabled bool) Option {
	return func(c *config) { c.streamMessages = enabled }
}

// NoDebugStack leaves the stack out of the errors recorded on spans, for
// programs where errors are frequent and taking stacks costs too much.
func NoDebugStack() Option {
	return func(c *config) { c.noDebugStack = true }
}

// NonErrorCodes sets the status codes that do not mark a span as an error,
// replacing the default, codes.Canceled. codes.OK never does.
func NonErrorCodes(cs ...codes.Code) InterceptorOption {
	return func(c *config) {
		c.nonErrorCodes = make(map[codes.Code]bool, len(cs))
		for _, code := range cs {
			c.nonErrorCodes[code] = true
		}
	}
}

// WithAnalytics enables App Analytics for the spans (a rate of 1); false
// does nothing.
func WithAnalytics(on bool) Option {
	return func(c *config) {
		if on {
			c.spanOpts = append(c.spanOpts, analyticsTag(1))
		}
	}
}

// WithAnalyticsRate sets the App Analytics rate of the spans; a rate
// outside [0, 1] does nothing.
func WithAnalyticsRate(rate float64) Option {
	return func(c *config) {
		if rate >= 0 && rate <= 1 {
			c.spanOpts = append(c.spanOpts, analyticsTag(rate))
		}
	}
}

func analyticsTag(rate float64) trace.SpanOption { return trace.Tag("_dd1.sr.eausr", rate) }

// WithIgnoredMethods names full methods ("/pkg.Service/Method") that get
// no spans.
//
// Deprecated: Use WithUntracedMethods, its new name.
func WithIgnoredMethods(ms ...string) Option { return WithUntracedMethods(ms...) }

// WithUntracedMethods names full methods ("/pkg.Service/Method") that the
// interceptors make no spans for, replacing any earlier list. The stats
// handlers trace them anyway, as in dd-trace-go.
func WithUntracedMethods(ms ...string) Option {
	set := make(map[string]struct{}, len(ms))
	for _, m := range ms {
		set[m] = struct{}{}
	}
	return func(c *config) { c.untraced = set }
}

// WithMetadataTags records the incoming metadata on server spans and on
// the spans of messages a server receives, as grpc.metadata.<key>.<i>
// tags, but for the keys WithIgnoredMetadata names.
func WithMetadataTags() Option {
	return func(c *config) { c.metadataTags = true }
}

// WithIgnoredMetadata adds keys that WithMetadataTags leaves out, besides
// x-datadog-trace-id, x-datadog-parent-id and x-datadog-sampling-priority.
func WithIgnoredMetadata(ms ...string) Option {
	return func(c *config) {
		for _, m := range ms {
			c.ignoredMetadata[m] = struct{}{}
		}
	}
}

// WithRequestTags records the request (protocol buffer messages, as JSON)
// on unary server spans and on the spans of messages a server receives,
// as the tag grpc.request.
func WithRequestTags() Option {
	return func(c *config) { c.requestTags = true }
}

// WithErrorDetailTags records the details of an error status on the span,
// as grpc.status_details._<i> tags in protocol buffer text format.
func WithErrorDetailTags() Option {
	return func(c *config) { c.errorDetailTags = true }
}

// WithCustomTag sets the tag key to value on every span the interceptors
// start (the stats handlers' spans excepted, as in dd-trace-go). The
// integration's own tags win over it, but for component and span.kind.
func WithCustomTag(key string, value interface{}) Option {
	return func(c *config) {
		if integrationOwns(key) {
			return
		}
		if i := slices.Index(c.customKeys, key); i >= 0 {
			c.customTags[i] = trace.Tag(key, value)
			return
		}
		c.customKeys = append(c.customKeys, key)
		c.customTags = append(c.customTags, trace.Tag(key, value))
	}
}

// WithSpanOptions adds options to every span started. Their tags
// (ResourceName, SpanType, ServiceName, Measured, Tag...) and span links
// apply; the integration's own service, resource and tags win over them.
// StartTime, WithSpanID and ChildOf given here are accepted and ignored:
// they would give every span one start time, one id or one parent.
func WithSpanOptions(opts ...ddtrace.StartSpanOption) Option {
	var sc ddtrace.StartSpanConfig
	for _, o := range opts {
		if o != nil {
			o(&sc)
		}
	}
	out := make([]trace.SpanOption, 0, len(sc.Tags)+1)
	for k, v := range sc.Tags {
		if !integrationOwns(k) {
			out = append(out, trace.Tag(k, v))
		}
	}
	if len(sc.SpanLinks) > 0 {
		links := make([]trace.Link, len(sc.SpanLinks))
		for i, l := range sc.SpanLinks {
			links[i] = trace.Link{TraceID: trace.NewTraceID(l.TraceIDHigh, l.TraceID), SpanID: l.SpanID,
				Attributes: l.Attributes, Tracestate: l.Tracestate, Flags: l.Flags}
		}
		out = append(out, trace.WithLinks(links...))
	}
	return func(c *config) { c.spanOpts = append(c.spanOpts, out...) }
}

// integrationOwns reports whether the integration always sets the tag key
// itself. In dd-trace-go its own service, resource and type options come
// after the user's and win; in the trace package these options apply
// before any tag, so the user's tags under these keys are left out here.
func integrationOwns(key string) bool {
	return key == "service.name" || key == "resource.name" || key == "span.type"
}
