package tracehttp

import "unicode/utf8"

// Bounds on what a request puts into a span. A server's request comes from
// anyone: net/http accepts any token as a method, up to the size of the
// request line, and dd-trace-go's contrib/net/http copies it into
// http.method and the resource as it is, so a 500 KB method made a span
// of 30 KB and a new resource per request.
const (
	// maxMethodLen is the longest method kept as it is. The longest
	// method in IANA's registry, UPDATEREDIRECTREF, has 17 bytes.
	maxMethodLen = 24
	// otherMethod replaces a method that is longer, or not an HTTP token,
	// in http.method and in the resource, as OpenTelemetry's semantic
	// conventions do: it bounds both the size and the number of
	// resources a caller can create.
	otherMethod = "_OTHER"
	// maxRouteLen bounds http.route and the route part of the resource.
	maxRouteLen = maxResource
)

// method returns m as spans show it: m itself when it is a token of at
// most maxMethodLen bytes (or empty, which net/http's client sends as
// GET), otherMethod otherwise.
func method(m string) string {
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

// truncate cuts s to at most n bytes, at a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
