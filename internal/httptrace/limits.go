package httptrace

import (
	"strings"
	"unicode/utf8"

	"github.com/ctxtrace/trace"
)

// Bounds on what a request puts into a span. A server's request comes from
// anyone: net/http accepts any token as a method, up to the size of the
// request line, and dd-trace-go's integrations copy it into http.method
// and the resource as it is, so a 500 KB method made a span of 30 KB and a
// new resource per request.
const (
	// maxMethodLen is the longest method kept as it is. The longest
	// method in IANA's registry, UPDATEREDIRECTREF, has 17 bytes.
	maxMethodLen = 24
	// otherMethod replaces a method that is longer, or not an HTTP token,
	// in http.method and in the resource, as OpenTelemetry's semantic
	// conventions do: it bounds both the size and the number of
	// resources a caller can create.
	otherMethod = "_OTHER"
	// MaxRouteLen bounds http.route and the route part of a resource.
	MaxRouteLen = 200
)

// Method returns m as spans show it: m itself when it is a token of at
// most 24 bytes (or empty, which net/http's client sends as GET),
// "_OTHER" otherwise.
func Method(m string) string {
	if len(m) > maxMethodLen {
		return otherMethod
	}
	for i := 0; i < len(m); i++ {
		if !isTokenChar(m[i]) {
			return otherMethod
		}
	}
	return m
}

// methodTags are the http.method tags of the common methods, made once:
// a string put in an interface costs an allocation.
var methodTags = func() map[string]trace.SpanOption {
	m := map[string]trace.SpanOption{}
	for _, v := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"} {
		m[v] = trace.Tag(tagMethod, v)
	}
	return m
}()

// methodTag returns the http.method tag of m, as Method shows it.
func methodTag(m string) trace.SpanOption {
	if o, ok := methodTags[m]; ok {
		return o
	}
	return trace.Tag(tagMethod, Method(m))
}

// isTokenChar reports whether c may appear in an HTTP token (RFC 9110).
func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

// Truncate cuts s to at most n bytes, at a character boundary.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// PatternRoute turns a net/http ServeMux pattern ("GET example.com/users/{id}")
// into its route, as dd-trace-go's net/http integration does: the text
// after the method ("example.com/users/{id}"), at most MaxRouteLen bytes.
func PatternRoute(pattern string) string {
	if i := strings.IndexAny(pattern, " \t"); i > 0 {
		pattern = strings.TrimLeft(pattern[i+1:], " \t")
	}
	return Truncate(pattern, MaxRouteLen)
}

// PatternPath is PatternRoute without a host: "/users/{id}".
func PatternPath(pattern string) string {
	r := PatternRoute(pattern)
	if i := strings.IndexByte(r, '/'); i > 0 {
		r = r[i:]
	}
	return r
}

// Quantize bounds a raw path's cardinality when there is no route: path
// segments that look like identifiers (containing digits, or long) become
// "?", and the result is at most MaxRouteLen bytes.
func Quantize(path string) string {
	if path == "" {
		return "/"
	}
	var b strings.Builder
	for seg := range strings.SplitSeq(strings.TrimPrefix(path, "/"), "/") {
		b.WriteByte('/')
		if isIdentifier(seg) {
			b.WriteByte('?')
		} else {
			b.WriteString(seg)
		}
		if b.Len() >= MaxRouteLen {
			break
		}
	}
	return Truncate(b.String(), MaxRouteLen)
}

func isIdentifier(seg string) bool {
	if len(seg) > 32 {
		return true
	}
	for i := 0; i < len(seg); i++ {
		if seg[i] >= '0' && seg[i] <= '9' {
			return true
		}
	}
	return false
}
