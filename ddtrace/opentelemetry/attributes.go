package opentelemetry

import (
	"encoding/binary"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/ctxtrace/trace"
)

// OpenTelemetry's attributes as Datadog's tags, span events and span
// links: the value kinds, and the keys dd-trace-go gives a meaning of
// their own.

// Attribute keys SetAttributes remaps, as dd-trace-go does.
const (
	attrOperationName      = "operation.name"            // the operation name
	attrAnalyticsEvent     = "analytics.event"           // App Analytics: _dd1.sr.eausr 1 or 0
	attrHTTPResponseStatus = "http.response.status_code" // http.status_code, as text
)

// Datadog tags (ddtrace/ext's names).
const (
	tagSpanName        = "span.name"
	tagEventSampleRate = "_dd1.sr.eausr"
	tagHTTPStatusCode  = "http.status_code"
	tagError           = "error"
	tagErrorMessage    = "error.message"
	tagErrorType       = "error.type"
	tagErrorStack      = "error.stack"
)

// tagValue returns v as the tag value SetTag stores as dd-trace-go does:
// bools as "true" or "false", numbers as numbers (an int64 past ±2^53 as
// its decimal text), strings and byte slices as text, and slices as one
// tag per element, key.0, key.1 and so on. A slice of any values
// (attribute.SLICE) is one tag per element too, each a bool, number or
// string, or the text OpenTelemetry gives a nested slice or map; a map
// (attribute.MAP) is one tag, its text ({"k":v,...}). An empty value is
// "<nil>", as dd-trace-go stores nil.
func tagValue(v attribute.Value) any {
	switch v.Type() {
	case attribute.SLICE:
		elems := v.AsSlice()
		out := make([]any, len(elems))
		for i, e := range elems {
			out[i] = scalar(e)
		}
		return out
	case attribute.MAP:
		return v.String()
	}
	return v.AsInterface()
}

// scalar returns a bool, number or string as itself, anything else as
// OpenTelemetry's text for it.
func scalar(v attribute.Value) any {
	switch v.Type() {
	case attribute.BOOL, attribute.INT64, attribute.FLOAT64, attribute.STRING:
		return v.AsInterface()
	}
	return v.String()
}

// reserved returns the tag SetAttributes sets for the attribute k = v, with
// dd-trace-go's remapping: "operation.name" is the operation name
// ("span.name", lowercased; ignored unless a non-empty string),
// "analytics.event" the App Analytics rate (_dd1.sr.eausr, 1 for true or
// "true", or a non-zero number; else 0), "http.response.status_code" the
// text of http.status_code. Any other key is itself. An empty key returns
// "": no tag.
func reserved(k string, v attribute.Value) (string, any) {
	switch k {
	case "":
		return "", nil
	case attrOperationName:
		if v.Type() == attribute.STRING {
			if name := strings.ToLower(v.AsString()); name != "" {
				return tagSpanName, name
			}
		}
		return "", nil
	case attrAnalyticsEvent:
		rate := 0
		if b, err := strconv.ParseBool(v.AsString()); v.Type() == attribute.STRING && err == nil && b || v.AsBool() {
			rate = 1
		}
		return tagEventSampleRate, rate
	case attrHTTPResponseStatus:
		return tagHTTPStatusCode, statusText(v)
	}
	return k, tagValue(v)
}

// statusText returns an HTTP status code attribute as text: an integer's
// decimal digits, a float's integer part, a string as it is, anything else
// as OpenTelemetry formats it.
func statusText(v attribute.Value) string {
	switch v.Type() {
	case attribute.INT64:
		return strconv.FormatInt(v.AsInt64(), 10)
	case attribute.FLOAT64:
		return strconv.FormatFloat(float64(int64(v.AsFloat64())), 'f', -1, 64)
	}
	return v.String()
}

// eventAttributes returns attrs as a span event's attributes: bools,
// numbers, strings and their slices as they are, a byte slice as its
// bytes; a slice of any values or a map as OpenTelemetry's text for it.
// The trace package drops an empty value, as dd-trace-go does.
func eventAttributes(attrs []attribute.KeyValue) map[string]any {
	if len(attrs) == 0 {
		return nil
	}
	m := make(map[string]any, len(attrs))
	for _, a := range attrs {
		v := a.Value
		switch v.Type() {
		case attribute.SLICE, attribute.MAP:
			m[string(a.Key)] = v.String()
		default:
			m[string(a.Key)] = v.AsInterface()
		}
	}
	return m
}

// traceLinks converts OpenTelemetry's links.
func traceLinks(links []oteltrace.Link) []trace.Link {
	out := make([]trace.Link, len(links))
	for i, l := range links {
		out[i] = traceLink(l)
	}
	return out
}

// traceLink converts a link as dd-trace-go does: its attributes as text
// (OpenTelemetry's representation for protocols other than OTLP, where
// dd-trace-go uses the deprecated Value.Emit: they differ for bool slices,
// written as JSON here, and for some floats), its tracestate, and its
// trace flags with the top bit set, which tells Datadog that the flags are
// known (OpenTelemetry's always are).
func traceLink(l oteltrace.Link) trace.Link {
	sc := l.SpanContext
	var attrs map[string]string
	if len(l.Attributes) > 0 {
		attrs = make(map[string]string, len(l.Attributes))
		for _, a := range l.Attributes {
			attrs[string(a.Key)] = a.Value.String()
		}
	}
	sid := sc.SpanID()
	return trace.Link{
		TraceID:    trace.TraceID(sc.TraceID()),
		SpanID:     binary.BigEndian.Uint64(sid[:]),
		Attributes: attrs,
		Tracestate: sc.TraceState().String(),
		Flags:      uint32(sc.TraceFlags()) | 1<<31,
	}
}
