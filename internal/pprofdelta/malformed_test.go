package pprofdelta

import (
	"bytes"
	"compress/gzip"
	"math"
	"slices"
	"strings"
	"testing"
)

// msg builds a message from fields, each made by one of the append helpers.
func msg(fields ...func([]byte) []byte) []byte {
	var b []byte
	for _, f := range fields {
		b = f(b)
	}
	return b
}

func vf(num uint32, v uint64) func([]byte) []byte {
	return func(b []byte) []byte { return appendVarintField(b, num, v) }
}

func bf(num uint32, data []byte) func([]byte) []byte {
	return func(b []byte) []byte { return appendBytesField(b, num, data) }
}

func TestDeltaRejectsMalformed(t *testing.T) {
	valid := synth{types: heapTypes, samples: []synthSample{
		labelled([]int64{1, 2}, [][2]string{{"k", "v"}}, "a", "main"),
	}}.encode()
	valid = slices.Clip(valid) // so that each append below copies it
	if _, err := New("alloc_space").Delta(valid); err != nil {
		t.Fatalf("base profile: %v", err)
	}
	// The synth profile has 2 locations (ids 1, 2), functions 101 and 102,
	// and fewer than 50 strings.
	sampleAt := func(fields ...func([]byte) []byte) []byte {
		return appendBytesField(nil, profSample, msg(fields...))
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(valid)
	zw.Close()
	tests := []struct {
		name, wantErr string
		in            []byte
	}{
		{"empty", "empty string table", nil},
		{"no string table", "empty string table", appendBytesField(nil, profSampleType, nil)},
		{"truncated tag", "truncated", []byte{0x80}},
		{"truncated varint", "truncated", []byte{0x08, 0x80}},
		{"varint overflow", "overflow", append([]byte{0x08}, bytes.Repeat([]byte{0xff}, 10)...)},
		{"length past end", "truncated", append(valid, 0x12, 0x05, 0x01)},
		{"group wire type", "wire type", append(valid, 0x0b)},
		{"field number 0", "field number", append(valid, 0x00, 0x00)},
		{"first string not empty", "string_table[0]", appendBytesField(nil, profStringTable, []byte("x"))},
		{"string table as varint", "want bytes", append(valid, msg(vf(profStringTable, 1))...)},
		{"sample type string out of range", "out of range",
			append(valid, bf(profSampleType, msg(vf(valueTypeType, 1000)))(nil)...)},
		{"comment out of range", "out of range", append(valid, msg(vf(profComment, math.MaxUint64))...)},
		{"sample with too few values", "values", append(valid, sampleAt(vf(sampleValue, 1))...)},
		{"sample with unknown location", "unknown location",
			append(valid, sampleAt(vf(sampleLocationID, 77), vf(sampleValue, 1), vf(sampleValue, 1))...)},
		{"packed location ids truncated", "packed",
			append(valid, sampleAt(bf(sampleLocationID, []byte{0x80}), vf(sampleValue, 1), vf(sampleValue, 1))...)},
		{"label string out of range", "out of range",
			append(valid, sampleAt(vf(sampleValue, 1), vf(sampleValue, 1), bf(sampleLabel, msg(vf(labelKey, 999))))...)},
		{"label as varint", "want bytes", append(valid, sampleAt(vf(sampleLabel, 1))...)},
		{"location id 0", "reserved id 0", append(valid, bf(profLocation, msg(vf(locationAddress, 1)))(nil)...)},
		{"duplicate location id", "duplicate location", append(valid, bf(profLocation, msg(vf(locationID, 1)))(nil)...)},
		{"line with unknown function", "unknown function",
			append(valid, bf(profLocation, msg(vf(locationID, 9), bf(locationLine, msg(vf(lineFunctionID, 5)))))(nil)...)},
		{"duplicate function id", "duplicate function", append(valid, bf(profFunction, msg(vf(functionID, 101)))(nil)...)},
		{"function name out of range", "out of range",
			append(valid, bf(profFunction, msg(vf(functionID, 7), vf(functionName, 1<<40)))(nil)...)},
		{"mapping id 0", "reserved id 0", append(valid, bf(profMapping, nil)(nil)...)},
		{"mapping file out of range", "out of range",
			append(valid, bf(profMapping, msg(vf(mappingID, 1), vf(mappingFilename, 500)))(nil)...)},
		{"time as bytes", "want varint", append(valid, bf(profTimeNanos, nil)(nil)...)},
		{"corrupt gzip", "gzip", append([]byte{0x1f, 0x8b}, valid...)},
		{"truncated gzip", "EOF", gz.Bytes()[:gz.Len()-6]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := New("alloc_space").Delta(tt.in)
			if err == nil {
				t.Fatalf("Delta accepted it and wrote %d bytes", len(out))
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestDecompressLimit(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(make([]byte, 1<<20)) // compresses about a thousandfold
	zw.Close()
	if _, err := decompress(gz.Bytes(), 1<<20); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	if _, err := decompress(gz.Bytes(), 1<<20-1); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Errorf("over the limit: err = %v", err)
	}
	if _, err := decompress(make([]byte, 11), 10); err == nil {
		t.Error("plain input over the limit accepted")
	}
}

func TestVarint(t *testing.T) {
	for _, v := range []uint64{0, 1, 127, 128, 300, 1<<32 - 1, 1 << 63, math.MaxUint64} {
		b := appendVarint(nil, v)
		if len(b) != varintSize(v) {
			t.Errorf("varintSize(%d) = %d, encoded %d bytes", v, varintSize(v), len(b))
		}
		got, n := decodeVarint(b)
		if got != v || n != len(b) {
			t.Errorf("decode(encode(%d)) = %d, %d bytes; want %d bytes", v, got, n, len(b))
		}
		if _, n := decodeVarint(b[:len(b)-1]); n != 0 {
			t.Errorf("truncated encoding of %d: n = %d, want 0", v, n)
		}
	}
	if _, n := decodeVarint([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}); n != -1 {
		t.Errorf("65-bit varint: n = %d, want -1", n)
	}
}
