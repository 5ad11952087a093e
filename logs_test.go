package trace_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/ctxtrace/trace"
)

// TestLogHandlerConformance runs the standard library's handler tests on
// the wrapper.
func TestLogHandlerConformance(t *testing.T) {
	var buf bytes.Buffer
	h := trace.LogHandler(slog.NewJSONHandler(&buf, nil))
	results := func() []map[string]any {
		var out []map[string]any
		for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			var m map[string]any
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
		return out
	}
	if err := slogtest.TestHandler(h, results); err != nil {
		t.Fatal(err)
	}
}

func TestLogHandlerJoinsTrace(t *testing.T) {
	tr, _ := newTracer(t, trace.WithEnv("prod"), trace.WithVersion("1.2"))
	var buf bytes.Buffer
	log := slog.New(trace.LogHandler(slog.NewJSONHandler(&buf, nil)))
	ctx, s := tr.Start(context.Background(), "op")
	log.InfoContext(ctx, "inside", "k", "v")
	log.Info("outside")
	s.Finish()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	var in, out map[string]any
	json.Unmarshal([]byte(lines[0]), &in)
	json.Unmarshal([]byte(lines[1]), &out)
	// As dd-trace-go by default: the whole 128-bit id in hex, the span id
	// in decimal.
	if in["dd.trace_id"] != s.TraceID().String() || len(s.TraceID().String()) != 32 ||
		in["dd.span_id"] != strconv.FormatUint(s.SpanID(), 10) {
		t.Errorf("ids: %v, want trace %s span %d", in, s.TraceID(), s.SpanID())
	}
	if in["dd.service"] != "svc" || in["dd.env"] != "prod" || in["dd.version"] != "1.2" || in["k"] != "v" {
		t.Errorf("in: %v", in)
	}
	if _, ok := out["dd.trace_id"]; ok {
		t.Errorf("a record without a span was joined: %v", out)
	}
	// Behind a group too.
	buf.Reset()
	log128 := slog.New(trace.LogHandler(slog.NewJSONHandler(&buf, nil)).WithAttrs([]slog.Attr{slog.String("a", "b")}).WithGroup("g"))
	log128.InfoContext(ctx, "x")
	var grouped map[string]any
	if err := json.Unmarshal(buf.Bytes(), &grouped); err != nil {
		t.Fatal(err)
	}
	// Datadog reads dd.* at the top level: a group must not swallow them.
	if grouped["dd.trace_id"] != s.TraceID().String() || grouped["a"] != "b" {
		t.Errorf("128-bit id not at the top level: %s", buf.String())
	}
	buf.Reset()
	log128.InfoContext(ctx, "y", "inner", 1)
	if !strings.Contains(buf.String(), `"g":{"inner":1}`) {
		t.Errorf("group lost its attributes: %s", buf.String())
	}
	quiet := slog.New(trace.LogHandler(discardHandler{}))
	if allocs := testing.AllocsPerRun(100, func() {
		quiet.InfoContext(context.Background(), "no span")
	}); allocs > 0 {
		t.Errorf("%v allocations for a record without a span", allocs)
	}
}

type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (d discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discardHandler) WithGroup(string) slog.Handler           { return d }

// Logs joined to traces: each record logged with a span's context carries
// the span's ids and the tracer's service, env and version.
func ExampleLogHandler() {
	tr := trace.New(trace.WithService("shop"), trace.WithEnv("prod"), trace.WithVersion("1.4.2"))
	defer tr.Shutdown(context.Background())
	log := slog.New(trace.LogHandler(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // deterministic output
			}
			return a
		},
	})))
	ctx, span := tr.Start(context.Background(), "checkout", trace.WithSpanID(1234), trace.StartTime(time.Unix(0, 0)))
	defer span.Finish()
	log.InfoContext(ctx, "order placed", "order", 1042)
	// Output:
	// {"level":"INFO","msg":"order placed","order":1042,"dd.trace_id":"1234","dd.span_id":"1234","dd.service":"shop","dd.env":"prod","dd.version":"1.4.2"}
}

// TestLogHandler64BitTraceID: DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED=false
// writes the lower 64 bits in decimal, as dd-trace-go does; so does a
// trace id without an upper half, whatever the variable says.
func TestLogHandler64BitTraceID(t *testing.T) {
	tr, _ := newTracer(t)
	ctx, s := tr.Start(context.Background(), "op")
	defer s.Finish()
	lower := strconv.FormatUint(s.TraceID().Lower(), 10)
	for _, tc := range []struct {
		env  string
		ctx  context.Context
		want string
	}{
		{"false", ctx, lower},
		{"true", ctx, s.TraceID().String()},
		{"true", trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.NewTraceID(0, 42), SpanID: 7})), ""},
	} {
		t.Setenv("DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED", tc.env)
		var buf bytes.Buffer
		log := slog.New(trace.LogHandler(slog.NewJSONHandler(&buf, nil)))
		lctx := tc.ctx
		if tc.want == "" { // a span of a 64-bit trace
			var span *trace.Span
			lctx, span = tr.Start(tc.ctx, "child")
			defer span.Finish()
			tc.want = "42"
		}
		log.InfoContext(lctx, "m")
		var got map[string]any
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got["dd.trace_id"] != tc.want {
			t.Errorf("env %s: dd.trace_id %v, want %s", tc.env, got["dd.trace_id"], tc.want)
		}
	}
}
