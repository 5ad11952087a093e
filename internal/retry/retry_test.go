package retry

import (
	"context"
	"net/http"
	"testing"
	"time"
)

func TestParseAfter(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	for h, want := range map[string]time.Duration{
		"": 0, "  ": 0, "0": 0, "-3": 0, "x": 0, "7": 7 * time.Second, " 7 ": 7 * time.Second,
		"99999999999999": time.Minute,
		now.Add(30 * time.Second).Format(http.TimeFormat): 30 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
		now.Add(time.Hour).Format(http.TimeFormat):        time.Minute,
	} {
		if got := ParseAfter(h, now, time.Minute); got != want {
			t.Errorf("ParseAfter(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestSleep(t *testing.T) {
	if !Sleep(context.Background(), 0) || !Sleep(context.Background(), time.Nanosecond) {
		t.Error("Sleep with a live context reported false")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Sleep(ctx, 0) || Sleep(ctx, time.Hour) {
		t.Error("Sleep with an ended context reported true")
	}
}
