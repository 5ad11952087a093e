package otlp

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The parsers of the OTEL_* variables' values. Each returns what it could
// read and says what it could not; none panics, whatever it is given
// (FuzzParseHeaders, FuzzParseResourceAttributes, FuzzParseTimeout).

// parseList reads the W3C-baggage-like list of OTEL_EXPORTER_OTLP_HEADERS
// and OTEL_RESOURCE_ATTRIBUTES: key=value members separated by commas,
// spaces around each trimmed, keys and values percent-decoded. It calls
// member with each member it reads, or with the error of one it cannot.
// Empty members (",,") are skipped.
func parseList(s string, member func(key, val string, err error)) {
	for m := range strings.SplitSeq(s, ",") {
		m = strings.TrimSpace(m)
		if m == "" {
			continue
		}
		k, v, ok := strings.Cut(m, "=")
		if !ok {
			member("", "", fmt.Errorf("member %q has no '='", m))
			continue
		}
		key, err := url.PathUnescape(strings.TrimSpace(k))
		if err != nil {
			member("", "", fmt.Errorf("key %q: %w", k, err))
			continue
		}
		val, err := url.PathUnescape(strings.TrimSpace(v))
		if err != nil {
			member("", "", fmt.Errorf("value of %q: %w", key, err))
			continue
		}
		if key == "" {
			member("", "", fmt.Errorf("member %q has an empty key", m))
			continue
		}
		member(key, val, nil)
	}
}

// parseHeaders reads OTEL_EXPORTER_OTLP_HEADERS: every member that makes
// a valid header, and the errors of those that do not, which are left
// out. A later member with the same key wins.
func parseHeaders(s string) (map[string]string, []error) {
	var (
		out  map[string]string
		errs []error
	)
	parseList(s, func(key, val string, err error) {
		if err == nil {
			err = validHeader(key, val)
		}
		if err != nil {
			errs = append(errs, err)
			return
		}
		if out == nil {
			out = map[string]string{}
		}
		out[key] = val
	})
	return out, errs
}

// validHeader says whether key and val make a header field that HTTP and
// gRPC both accept.
func validHeader(key, val string) error {
	for i := 0; i < len(key); i++ {
		if !isTokenChar(key[i]) {
			return fmt.Errorf("header name %q is not a valid token", key)
		}
	}
	for i := 0; i < len(val); i++ {
		if c := val[i]; c < ' ' && c != '\t' || c == 0x7f {
			return fmt.Errorf("value of header %q holds a control character", key)
		}
	}
	return nil
}

// isTokenChar reports whether c may appear in an HTTP field name (RFC
// 9110's tchar).
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// errResource is wrapped by parseResourceAttributes' errors.
var errResource = errors.New("malformed resource attributes")

// parseResourceAttributes reads OTEL_RESOURCE_ATTRIBUTES. As the
// specification asks, a value with any malformed member is discarded
// whole: nil and the error.
func parseResourceAttributes(s string) (map[string]string, error) {
	var (
		out  map[string]string
		errs []error
	)
	parseList(s, func(key, val string, err error) {
		if err != nil {
			errs = append(errs, err)
			return
		}
		if out == nil {
			out = map[string]string{}
		}
		out[key] = val
	})
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w: %w", errResource, errors.Join(errs...))
	}
	return out, nil
}

// maxTimeoutMillis keeps a timeout in milliseconds within a Duration.
const maxTimeoutMillis = int64(1<<63-1) / int64(time.Millisecond)

// parseTimeout reads OTEL_EXPORTER_OTLP_TIMEOUT: a whole number of
// milliseconds, more than 0.
func parseTimeout(s string) (time.Duration, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number of milliseconds", s)
	}
	if n <= 0 || n > maxTimeoutMillis {
		return 0, fmt.Errorf("%d milliseconds is not a usable timeout", n)
	}
	return time.Duration(n) * time.Millisecond, nil
}

// parseBool reads OTEL_EXPORTER_OTLP_INSECURE: true or false, in any case.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%q is neither true nor false", s)
}
