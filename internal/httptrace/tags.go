package httptrace

import (
	"math"
	"net/http"
	"strings"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/env"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

// Tag keys, as dd-trace-go's HTTP integrations write them.
const (
	spanNameDefault = "http.request"
	tagMethod       = "http.method"
	tagURL          = "http.url"
	tagStatus       = "http.status_code"
	tagRoute        = "http.route"
	tagHost         = "http.host"
	tagAgent        = "http.useragent"
	tagErrors       = "http.errors"
	tagKind         = "span.kind"
	tagComponent    = "component"
	tagDestName     = "network.destination.name"
	tagDestPort     = "network.destination.port"
	tagMeasured     = "_dd.measured"
	// TagEventSampleRate is the App Analytics rate of a span.
	TagEventSampleRate = "_dd1.sr.eausr"
)

var (
	serverKind = trace.Tag(tagKind, "server")
	clientKind = trace.Tag(tagKind, "client")
	measured   = trace.Tag(tagMeasured, 1)
)

// Analytics is an integration's App Analytics setting. The zero value
// defers to the global rate (WithAnalytics, WithAnalyticsRate,
// DD_TRACE_ANALYTICS_ENABLED), read at each request.
type Analytics struct {
	set  bool
	rate float64
}

// AnalyticsRate sets the rate; NaN turns App Analytics off for the
// integration whatever the global rate.
func AnalyticsRate(rate float64) Analytics { return Analytics{set: true, rate: rate} }

// AnalyticsOff turns App Analytics off for the integration.
func AnalyticsOff() Analytics { return Analytics{set: true, rate: math.NaN()} }

// Rate returns the rate spans carry, or NaN for none.
func (a Analytics) Rate() float64 {
	if a.set {
		return a.rate
	}
	return globalconfig.AnalyticsRate()
}

// HTTPAnalyticsEnabled reports DD_TRACE_HTTP_ANALYTICS_ENABLED, which
// gives server spans App Analytics at a rate of 1 whatever the global
// rate, as dd-trace-go's net/http integration reads it when a handler is
// wrapped. A value that is not a boolean is false, as there.
func HTTPAnalyticsEnabled() bool { return analyticsEnabled("HTTP") }

// IntegrationAnalytics is an integration's default App Analytics setting,
// as dd-trace-go reads it when the integration is configured: a rate of 1
// when DD_TRACE_<prefix>_ANALYTICS_ENABLED is true (prefix "HTTP",
// "CHI", "MUX", "GIN", "ECHO"...), else the global rate.
func IntegrationAnalytics(prefix string) Analytics {
	if analyticsEnabled(prefix) {
		return AnalyticsRate(1)
	}
	return Analytics{}
}

func analyticsEnabled(prefix string) bool {
	on, _ := env.Bool("DD_TRACE_"+prefix+"_ANALYTICS_ENABLED", false)
	return on
}

func appendAnalytics(dst []trace.SpanOption, a Analytics) []trace.SpanOption {
	if rate := a.Rate(); !math.IsNaN(rate) {
		dst = append(dst, trace.Tag(TagEventSampleRate, rate))
	}
	return dst
}

// HeaderTags is an integration's setting of the headers recorded as tags.
// The zero value defers to the global setting (WithHeaderTags,
// DD_TRACE_HEADER_TAGS), read at each request.
type HeaderTags struct {
	set  bool
	tags []globalconfig.HeaderTag
}

// OwnHeaderTags records the headers entries name ("header" or
// "header:tag", read as globalconfig.ParseHeaderTags reads them) instead
// of the global ones; no entries record none.
func OwnHeaderTags(entries []string) HeaderTags {
	return HeaderTags{set: true, tags: globalconfig.ParseHeaderTags(entries)}
}

func (h HeaderTags) list() []globalconfig.HeaderTag {
	if h.set {
		return h.tags
	}
	return globalconfig.HeaderTags()
}

// appendRequestHeaders appends a tag for each header of tags the request
// has, as dd-trace-go's HTTP integrations do: the values joined by
// commas, trimmed.
func appendRequestHeaders(dst []trace.SpanOption, h http.Header, tags []globalconfig.HeaderTag) []trace.SpanOption {
	for _, t := range tags {
		if vs, ok := h[t.Header]; ok {
			dst = append(dst, trace.Tag(t.Request, headerValue(vs)))
		}
	}
	return dst
}

// setResponseHeaders tags span with each header of tags the response
// has, under its http.response.headers.* tag. Entries that name a tag of
// their own are left out: the response's value would replace the
// request's under that tag.
func setResponseHeaders(span *trace.Span, h http.Header, tags []globalconfig.HeaderTag) {
	for _, t := range tags {
		if vs, ok := h[t.Header]; ok && t.Response != "" {
			span.SetTag(t.Response, headerValue(vs))
		}
	}
}

func headerValue(vs []string) string {
	if len(vs) == 1 {
		return strings.TrimSpace(vs[0])
	}
	return strings.TrimSpace(strings.Join(vs, ","))
}
