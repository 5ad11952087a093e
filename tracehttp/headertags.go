package tracehttp

import (
	"math"
	"net/http"
	"strings"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/env"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

// Process-wide settings that dd-trace-go's tracer options and variables
// give HTTP integrations, which ddtrace/tracer keeps in internal/globalconfig:
// headers recorded as tags (WithHeaderTags, DD_TRACE_HEADER_TAGS) and the
// App Analytics rate (WithAnalytics, WithAnalyticsRate,
// DD_TRACE_ANALYTICS_ENABLED). Each request reads them with an atomic
// load, and pays nothing more when they are not set.

// tagEventSampleRate is the App Analytics rate of a span.
const tagEventSampleRate = "_dd1.sr.eausr"

// httpAnalyticsEnabled reports DD_TRACE_HTTP_ANALYTICS_ENABLED, which
// gives server spans App Analytics at a rate of 1 whatever the global
// rate, as dd-trace-go's net/http integration reads it when a handler is
// wrapped. A value that is not a boolean is false, as there.
func httpAnalyticsEnabled() bool {
	on, _ := env.Bool("DD_TRACE_HTTP_ANALYTICS_ENABLED", false)
	return on
}

// appendAnalytics appends the App Analytics rate tag, if there is a rate:
// 1 when forced (DD_TRACE_HTTP_ANALYTICS_ENABLED, server spans only),
// else the global rate.
func appendAnalytics(dst []trace.SpanOption, forced bool) []trace.SpanOption {
	rate := globalconfig.AnalyticsRate()
	if forced {
		rate = 1
	}
	if math.IsNaN(rate) {
		return dst
	}
	return append(dst, trace.Tag(tagEventSampleRate, rate))
}

// appendRequestHeaders appends a tag for each header of tags the request
// has, as dd-trace-go's net/http integration does: the values joined by
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
// their own are left out: dd-trace-go records no response headers, and
// the response's value would replace the request's under that tag.
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
