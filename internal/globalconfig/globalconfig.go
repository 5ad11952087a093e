// Package globalconfig holds the process-wide settings that dd-trace-go's
// tracer options set for the integrations (tracehttp and contrib/...) to
// read: the App Analytics rate, the headers recorded as tags, and whether
// integrations keep service names of their own.
package globalconfig

import (
	"math"
	"net/textproto"
	"strings"
	"sync/atomic"
)

var analyticsRate atomic.Uint64 // float64 bits; NaN: not set

func init() { analyticsRate.Store(math.Float64bits(math.NaN())) }

// SetAnalyticsRate sets the App Analytics rate integrations put on their
// spans (_dd1.sr.eausr); NaN unsets it.
func SetAnalyticsRate(rate float64) { analyticsRate.Store(math.Float64bits(rate)) }

// AnalyticsRate returns the App Analytics rate, or NaN when none is set.
func AnalyticsRate() float64 { return math.Float64frombits(analyticsRate.Load()) }

var removeServiceNames atomic.Bool

// SetRemoveIntegrationServiceNames makes integrations use the tracer's
// service instead of names of their own (DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED).
func SetRemoveIntegrationServiceNames(on bool) { removeServiceNames.Store(on) }

// RemoveIntegrationServiceNames reports whether integrations use the
// tracer's service.
func RemoveIntegrationServiceNames() bool { return removeServiceNames.Load() }

var headerTags atomic.Pointer[[]HeaderTag] // nil: none

// HeaderTag is one HTTP header recorded as a span tag, as dd-trace-go's
// WithHeaderTags and DD_TRACE_HEADER_TAGS name it.
type HeaderTag struct {
	// Header is the header's name as http.Header keys it (canonical MIME
	// form, as textproto.CanonicalMIMEHeaderKey makes it).
	Header string
	// Request is the tag of the request's header: the tag the entry
	// names, else "http.request.headers.<header>".
	Request string
	// Response is the tag of the response's header:
	// "http.response.headers.<header>" when the entry names no tag, ""
	// (not recorded) when it does. dd-trace-go v2.3.0's net/http
	// integration records no response headers; Datadog's other tracers
	// do, under these names.
	Response string
}

// SetHeaderTags replaces the headers recorded as tags. Each entry is
// "header" or "header:tag", read as dd-trace-go reads them: lower-cased
// and trimmed, split at the last colon; without a tag, the tag is
// "http.request.headers." followed by the header with every character
// but letters, digits, spaces and dashes replaced by "_". Entries without
// a header or a tag are skipped; of two entries for one header, the later
// wins.
func SetHeaderTags(entries []string) {
	tags := ParseHeaderTags(entries)
	if len(tags) == 0 {
		headerTags.Store(nil)
		return
	}
	headerTags.Store(&tags)
}

// ParseHeaderTags reads entries as SetHeaderTags does, for an integration
// given headers of its own (dd-trace-go's contrib WithHeaderTags options).
func ParseHeaderTags(entries []string) []HeaderTag {
	var tags []HeaderTag
	at := map[string]int{} // header -> index in tags
	for _, e := range entries {
		h, ok := parseHeaderTag(e)
		if !ok {
			continue
		}
		if i, dup := at[h.Header]; dup {
			tags[i] = h
			continue
		}
		at[h.Header] = len(tags)
		tags = append(tags, h)
	}
	return tags
}

// HeaderTags returns the headers recorded as tags, or nil: one atomic
// load. The slice must not be changed.
func HeaderTags() []HeaderTag {
	if p := headerTags.Load(); p != nil {
		return *p
	}
	return nil
}

// parseHeaderTag reads one entry of SetHeaderTags.
func parseHeaderTag(entry string) (HeaderTag, bool) {
	header := strings.ToLower(strings.TrimSpace(entry))
	var t HeaderTag
	if i := strings.LastIndexByte(header, ':'); i >= 0 {
		header, t.Request = strings.TrimSpace(header[:i]), strings.TrimSpace(header[i+1:])
	} else {
		name := tagName(header)
		t.Request, t.Response = "http.request.headers."+name, "http.response.headers."+name
	}
	t.Header = textproto.CanonicalMIMEHeaderKey(header)
	return t, t.Header != "" && t.Request != ""
}

// tagName replaces in h every character but ASCII letters, digits, spaces
// and dashes by "_", as dd-trace-go's regular expression [^a-zA-Z0-9 -]
// does: one "_" per character, or per byte of invalid UTF-8.
func tagName(h string) string {
	var b strings.Builder
	b.Grow(len(h))
	for _, r := range h {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == ' ', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}
