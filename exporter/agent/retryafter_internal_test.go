package agent

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	date := func(d time.Duration) string { return now.Add(d).Format(http.TimeFormat) }
	cases := []struct {
		name, header string
		want         time.Duration
	}{
		{"none", "", 0},
		{"seconds", "5", 5 * time.Second},
		{"one second", "1", time.Second},
		{"zero", "0", 0},
		{"the cap exactly", "60", MaxRetryAfter},
		{"negative", "-3", 0},
		{"garbage", "soon", 0},
		{"a fraction", "1.5", 0},
		{"seconds and garbage", "5s", 0},
		{"huge", "86400", MaxRetryAfter},
		{"HTTP date", date(30 * time.Second), 30 * time.Second},
		{"HTTP date now", date(0), 0},
		{"HTTP date past", date(-time.Hour), 0},
		{"RFC 850 date", now.Add(10 * time.Second).Format(time.RFC850), 10 * time.Second},
		{"ANSI C date", now.Add(20 * time.Second).Format(time.ANSIC), 20 * time.Second},
		{"a date that is not HTTP's", now.Add(10 * time.Second).Format(time.RFC3339), 0},
	}
	for _, c := range cases {
		if got := parseRetryAfter(c.header, now); got != c.want {
			t.Errorf("%s: parseRetryAfter(%q) = %v, want %v", c.name, c.header, got, c.want)
		}
	}
	// A date far ahead is honoured for MaxRetryAfter at most: send caps
	// what parseRetryAfter returns for a date, which may be more.
	if got := min(parseRetryAfter(date(24*time.Hour), now), MaxRetryAfter); got != MaxRetryAfter {
		t.Errorf("a date a day ahead: wait %v, want MaxRetryAfter", got)
	}
}
