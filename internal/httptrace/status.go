package httptrace

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/ctxtrace/trace/internal/env"
)

// statusStrings holds the decimal text of every valid status code, so that
// tagging one costs no allocation.
var statusStrings = func() (s [500]string) {
	for i := range s {
		s[i] = strconv.Itoa(100 + i)
	}
	return s
}()

// statusValues are statusStrings as tag values, boxed once: a string put
// in an interface costs an allocation.
var statusValues = func() (v [500]any) {
	for i := range v {
		v[i] = statusStrings[i]
	}
	return v
}()

// statusValue returns StatusString(status) as a tag value.
func statusValue(status int) any {
	if status >= 100 && status < 600 {
		return statusValues[status-100]
	}
	return strconv.Itoa(status)
}

// StatusString returns status in decimal, without allocating for a valid
// status code.
func StatusString(status int) string {
	if status >= 100 && status < 600 {
		return statusStrings[status-100]
	}
	return strconv.Itoa(status)
}

// StatusError is the error a span records for a status its check calls an
// error, as dd-trace-go words it: "500: Internal Server Error".
func StatusError(status int) error {
	return errors.New(StatusString(status) + ": " + http.StatusText(status))
}

// ServerError is the default status check of server spans: 500–599.
func ServerError(status int) bool { return status >= 500 && status < 600 }

// ClientError is the default status check of client spans: 400–499.
func ClientError(status int) bool { return status >= 400 && status < 500 }

// Variables that change the default status checks, as in dd-trace-go.
const (
	EnvServerErrorStatuses = "DD_TRACE_HTTP_SERVER_ERROR_STATUSES"
	EnvClientErrorStatuses = "DD_TRACE_HTTP_CLIENT_ERROR_STATUSES"
)

// StatusCheckFromEnv returns the status check the variable key describes
// ("500-599,404": codes and inclusive ranges, comma-separated), or def
// when it is unset, empty or not of that form, as dd-trace-go reads it.
func StatusCheckFromEnv(key string, def func(int) bool) func(int) bool {
	if f := ParseStatuses(env.String(key, "")); f != nil {
		return f
	}
	return def
}

// ParseStatuses reads a list of status codes and inclusive ranges
// ("400,500-599"), or returns nil when s is empty or not of that form.
func ParseStatuses(s string) func(int) bool {
	if s == "" {
		return nil
	}
	var ranges [][2]int
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			hi = lo
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil {
			return nil
		}
		ranges = append(ranges, [2]int{a, b})
	}
	return func(status int) bool {
		for _, r := range ranges {
			if status >= r[0] && status <= r[1] {
				return true
			}
		}
		return false
	}
}
