package logcorr

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
)

func TestTraceID(t *testing.T) {
	for _, c := range []struct {
		upper, lower uint64
		hex128       bool
		want         string
	}{
		{0x0123456789abcdef, 0xfedcba9876543210, true, "0123456789abcdeffedcba9876543210"},
		{1, 2, true, "00000000000000010000000000000002"},
		{0x0123456789abcdef, 0xfedcba9876543210, false, "18364758544493064720"},
		{0, 42, true, "42"}, // no upper half: decimal, whatever hex128 says
		{0, 42, false, "42"},
		{^uint64(0), ^uint64(0), true, "ffffffffffffffffffffffffffffffff"},
	} {
		if got := TraceID(c.upper, c.lower, c.hex128); got != c.want {
			t.Errorf("TraceID(%x, %x, %v) = %q, want %q", c.upper, c.lower, c.hex128, got, c.want)
		}
		if c.hex128 && c.upper != 0 {
			if want := fmt.Sprintf("%016x%016x", c.upper, c.lower); TraceID(c.upper, c.lower, true) != want {
				t.Errorf("TraceID(%x, %x) differs from %%016x%%016x", c.upper, c.lower)
			}
		}
	}
	if SpanID(1<<63) != "9223372036854775808" {
		t.Errorf("SpanID = %q", SpanID(1<<63))
	}
}

func TestTraceID128FromEnv(t *testing.T) {
	for env, want := range map[string]bool{"": true, "true": true, "false": false, "0": false, "junk": true} {
		t.Setenv("DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED", env)
		if got := TraceID128(); got != want {
			t.Errorf("%q: TraceID128() = %v, want %v", env, got, want)
		}
	}
}

type spanKey struct{}

func lookup(ctx context.Context) (Fields, bool) {
	f, ok := ctx.Value(spanKey{}).(Fields)
	return f, ok
}

// TestHandlerFields: the empty strings are left out, the ids come first,
// and a group keeps its attributes but not dd.*.
func TestHandlerFields(t *testing.T) {
	var buf bytes.Buffer
	h := NewHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: noTime}), lookup, true)
	ctx := context.WithValue(context.Background(), spanKey{}, Fields{TraceIDUpper: 1, TraceIDLower: 2, SpanID: 3, Env: "prod"})
	log := slog.New(h)
	log.InfoContext(ctx, "a", "k", 1)
	log.WithGroup("g").With("x", 1).InfoContext(ctx, "b", "k", 2)
	log.Info("c")
	want := `{"level":"INFO","msg":"a","k":1,"dd.trace_id":"00000000000000010000000000000002","dd.span_id":"3","dd.env":"prod"}
{"level":"INFO","msg":"b","dd.trace_id":"00000000000000010000000000000002","dd.span_id":"3","dd.env":"prod","g":{"x":1,"k":2}}
{"level":"INFO","msg":"c"}
`
	if buf.String() != want {
		t.Errorf("got\n%swant\n%s", buf.String(), want)
	}
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		if !json.Valid(line) {
			t.Errorf("not JSON: %s", line)
		}
	}
}

func noTime(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
