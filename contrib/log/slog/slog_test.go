package slog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/ctxtrace/trace"
	ddslog "github.com/ctxtrace/trace/contrib/log/slog"
)

func newTracer(t *testing.T) *trace.Tracer {
	tr := trace.New(trace.WithService("svc"), trace.WithEnv("prod"), trace.WithVersion("1"), trace.WithExporter(trace.Discard))
	t.Cleanup(func() { tr.Shutdown(context.Background()) })
	return tr
}

func records(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		out = append(out, m)
	}
	return out
}

// TestConformance runs the standard library's handler tests on both
// constructors.
func TestConformance(t *testing.T) {
	for name, mk := range map[string]func(*bytes.Buffer) slog.Handler{
		"NewJSONHandler": func(b *bytes.Buffer) slog.Handler { return ddslog.NewJSONHandler(b, nil) },
		"WrapHandler":    func(b *bytes.Buffer) slog.Handler { return ddslog.WrapHandler(slog.NewJSONHandler(b, nil)) },
	} {
		var buf bytes.Buffer
		if err := slogtest.TestHandler(mk(&buf), func() []map[string]any { return records(t, &buf) }); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestIDs: the two keys dd-trace-go's integration writes, at the top
// level, and nothing else of the tracer's.
func TestIDs(t *testing.T) {
	tr := newTracer(t)
	ctx, s := tr.Start(context.Background(), "op")
	defer s.Finish()
	var buf bytes.Buffer
	log := slog.New(ddslog.NewJSONHandler(&buf, nil))
	log.InfoContext(ctx, "in", "k", "v")
	log.WithGroup("g").With("a", 1).InfoContext(ctx, "grouped", "k", "v")
	log.Info("outside")
	recs := records(t, &buf)
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	tid, sid := s.TraceID().String(), strconv.FormatUint(s.SpanID(), 10)
	for i, r := range recs[:2] {
		if r["dd.trace_id"] != tid || r["dd.span_id"] != sid {
			t.Errorf("record %d: ids %v %v, want %s %s", i, r["dd.trace_id"], r["dd.span_id"], tid, sid)
		}
		for _, k := range []string{"dd.service", "dd.env", "dd.version"} {
			if _, ok := r[k]; ok {
				t.Errorf("record %d has %s, which dd's integration does not write", i, k)
			}
		}
	}
	if g, _ := recs[1]["g"].(map[string]any); g["a"] != 1.0 || g["k"] != "v" {
		t.Errorf("group: %v", recs[1])
	}
	if _, ok := recs[2]["dd.trace_id"]; ok {
		t.Errorf("a record without a span was joined: %v", recs[2])
	}
}

// TestTraceIDForms: the variable, read when the handler is made, and a
// trace id without an upper half.
func TestTraceIDForms(t *testing.T) {
	tr := newTracer(t)
	ctx, s := tr.Start(context.Background(), "op")
	defer s.Finish()
	remote := trace.ContextWithSpanContext(context.Background(),
		trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.NewTraceID(0, 42), SpanID: 7}))
	ctx64, s64 := tr.Start(remote, "child")
	defer s64.Finish()
	lower := strconv.FormatUint(s.TraceID().Lower(), 10)
	for _, c := range []struct {
		env  string
		ctx  context.Context
		want string
	}{
		{"", ctx, s.TraceID().String()},
		{"true", ctx, s.TraceID().String()},
		{"false", ctx, lower},
		{"true", ctx64, "42"},
		{"false", ctx64, "42"},
	} {
		t.Setenv("DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED", c.env)
		var buf bytes.Buffer
		slog.New(ddslog.NewJSONHandler(&buf, nil)).InfoContext(c.ctx, "m")
		if got := records(t, &buf)[0]["dd.trace_id"]; got != c.want {
			t.Errorf("env %q: dd.trace_id %v, want %s", c.env, got, c.want)
		}
	}
}

// Logs joined to traces with the JSON handler: the ids of the span in the
// context are added to each record.
func ExampleNewJSONHandler() {
	tr := trace.New(trace.WithService("shop"), trace.WithExporter(trace.Discard))
	defer tr.Shutdown(context.Background())
	log := slog.New(ddslog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // deterministic output
			}
			return a
		},
	}))
	remote := trace.ContextWithSpanContext(context.Background(),
		trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.NewTraceID(0, 1234), SpanID: 1}))
	ctx, span := tr.Start(remote, "checkout", trace.WithSpanID(5678), trace.StartTime(time.Unix(0, 0)))
	defer span.Finish()
	log.InfoContext(ctx, "order placed", "order", 1042)
	// Output:
	// {"level":"INFO","msg":"order placed","order":1042,"dd.trace_id":"1234","dd.span_id":"5678"}
}

// Wrapping a handler of your own: the ids go at the top level of the
// record, whatever groups the logger has opened.
func ExampleWrapHandler() {
	tr := trace.New(trace.WithService("shop"), trace.WithExporter(trace.Discard))
	defer tr.Shutdown(context.Background())
	h := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	log := slog.New(ddslog.WrapHandler(h)).WithGroup("req")
	remote := trace.ContextWithSpanContext(context.Background(),
		trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.NewTraceID(0, 1234), SpanID: 1}))
	ctx, span := tr.Start(remote, "checkout", trace.WithSpanID(5678))
	defer span.Finish()
	log.InfoContext(ctx, "served", "status", 200)
	// Output:
	// level=INFO msg=served dd.trace_id=1234 dd.span_id=5678 req.status=200
}
