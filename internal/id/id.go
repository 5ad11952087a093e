// Package id generates trace and span identifiers.
//
// Identifiers come from math/rand/v2's runtime-backed source, which is
// per-thread (ChaCha8 seeded by the runtime), takes no lock and costs about
// 5 ns; that matters because every span needs one and every root two.
package id

import (
	"math/rand/v2"
	"time"
)

// Span returns a random, non-zero 64-bit span id.
//
// The top bit is cleared, as dd-trace-go does, so that the id is a positive
// int64 for the libraries and backends that still parse span ids as signed
// integers.
func Span() uint64 {
	for {
		if v := rand.Uint64() &^ (1 << 63); v != 0 {
			return v
		}
	}
}

// TraceHigh returns the upper half of a new 128-bit trace id, in Datadog's
// layout: the Unix time in seconds in its top 32 bits and zeros below.
// Backends use the timestamp to age traces. The lower half is the root span's
// id, as in dd-trace-go, so a 64-bit system sees the same number in both.
func TraceHigh(now time.Time) uint64 {
	return uint64(uint32(now.Unix())) << 32
}

// AppendHex16 appends v as 16 lowercase hexadecimal digits, zero-padded:
// how span ids and the halves of trace ids are written in headers and tags.
func AppendHex16(b []byte, v uint64) []byte {
	var out [16]byte
	for i := 14; i >= 0; i -= 2 {
		p := hexPairs[v&0xff][:]
		out[i], out[i+1] = p[0], p[1]
		v >>= 8
	}
	return append(b, out[:]...)
}

// hexPairs holds the two digits of every byte: AppendHex16 writes them a
// byte at a time, for every header that carries an id.
var hexPairs = func() (t [256][2]byte) {
	const digits = "0123456789abcdef"
	for i := range t {
		t[i] = [2]byte{digits[i>>4], digits[i&0xf]}
	}
	return t
}()

// ParseHex16 reads 16 lowercase hexadecimal digits, as AppendHex16 writes
// them, and reports false for anything else.
func ParseHex16(s string) (uint64, bool) {
	if len(s) != 16 {
		return 0, false
	}
	var v uint64
	var bad byte
	for i := 0; i < 16; i++ {
		d := hexValues[s[i]]
		bad |= d
		v = v<<4 | uint64(d&0xf)
	}
	if bad&0xf0 != 0 {
		return 0, false
	}
	return v, true
}

// hexValues holds the value of each lowercase hex digit, and 0xff for any
// other byte: ParseHex16 reads every id of every header through it.
var hexValues = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i, c := range "0123456789abcdef" {
		t[c] = byte(i)
	}
	return t
}()
