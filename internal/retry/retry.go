// Package retry holds what the exporters share to wait between attempts:
// a wait that a context cuts short, and the reading of Retry-After.
package retry

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sleep waits d, and reports false if ctx ended first (at once, for a
// d of zero or less, whether ctx is still live).
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// ParseAfter reads a Retry-After header: a number of seconds or an HTTP
// date (relative to now), at most limit. It returns 0 for none or a
// malformed one.
func ParseAfter(h string, now time.Time, limit time.Duration) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if n, err := strconv.ParseInt(h, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, int64(limit/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return min(max(t.Sub(now), 0), limit)
	}
	return 0
}
