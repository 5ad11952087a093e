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
	const digits = "0123456789abcdef"
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, digits[(v>>uint(shift))&0xf])
	}
	return b
}
