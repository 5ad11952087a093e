package id

import (
	"testing"
	"time"
)

func TestSpan(t *testing.T) {
	seen := map[uint64]bool{}
	for range 100_000 {
		v := Span()
		if v == 0 || v>>63 != 0 {
			t.Fatalf("Span() = %d: zero or negative as int64", v)
		}
		if seen[v] {
			t.Fatalf("Span() repeated %d", v)
		}
		seen[v] = true
	}
}

func TestTraceHigh(t *testing.T) {
	now := time.Unix(0x6b08ec53, 999)
	if got := TraceHigh(now); got != 0x6b08ec5300000000 {
		t.Errorf("TraceHigh = %x", got)
	}
}

func BenchmarkSpan(b *testing.B) {
	for b.Loop() {
		_ = Span()
	}
}

func TestAppendHex16(t *testing.T) {
	if got := string(AppendHex16([]byte("x"), 0xabc)); got != "x0000000000000abc" {
		t.Error(got)
	}
	if got := string(AppendHex16(nil, ^uint64(0))); got != "ffffffffffffffff" {
		t.Error(got)
	}
}
