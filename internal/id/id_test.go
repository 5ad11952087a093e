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

func TestParseHex16(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0000000000000abc", 0xabc, true}, {"ffffffffffffffff", ^uint64(0), true}, {"0123456789abcdef", 0x0123456789abcdef, true},
		{"0000000000000ABC", 0, false}, {"000000000000abc", 0, false}, {"00000000000000abc", 0, false},
		{"000000000000000g", 0, false}, {"", 0, false}, {"+000000000000001", 0, false},
	} {
		if got, ok := ParseHex16(c.in); got != c.want || ok != c.ok {
			t.Errorf("ParseHex16(%q) = %x, %t; want %x, %t", c.in, got, ok, c.want, c.ok)
		}
	}
}

// FuzzParseHex16: ParseHex16 reads back what AppendHex16 writes, and
// nothing else.
func FuzzParseHex16(f *testing.F) {
	f.Add("0123456789abcdef")
	f.Add("0123456789ABCDEF")
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseHex16(s)
		if ok != (string(AppendHex16(nil, v)) == s) {
			t.Errorf("ParseHex16(%q) = %x, %t", s, v, ok)
		}
	})
}
