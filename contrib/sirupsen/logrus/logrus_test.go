package logrus

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/ctxtrace/trace"
)

func newTracer(t *testing.T) *trace.Tracer {
	tr := trace.New(trace.WithService("svc"), trace.WithEnv("prod"), trace.WithExporter(trace.Discard))
	t.Cleanup(func() { tr.Shutdown(context.Background()) })
	return tr
}

// logged logs one entry per context through a JSON logger with the hook
// and returns the entries as written.
func logged(t *testing.T, ctxs ...context.Context) []map[string]any {
	t.Helper()
	var buf bytes.Buffer
	l := logrus.New()
	l.Out = &buf
	l.Formatter = &logrus.JSONFormatter{DisableTimestamp: true}
	l.AddHook(&DDContextLogHook{})
	for _, ctx := range ctxs {
		l.WithContext(ctx).WithField("k", "v").Info("m")
	}
	var out []map[string]any
	dec := json.NewDecoder(&buf)
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	if len(out) != len(ctxs) {
		t.Fatalf("%d entries for %d calls", len(out), len(ctxs))
	}
	return out
}

func TestFire(t *testing.T) {
	tr := newTracer(t)
	ctx, s := tr.Start(context.Background(), "op")
	defer s.Finish()
	remote := trace.ContextWithSpanContext(context.Background(),
		trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.NewTraceID(0, 42), SpanID: 7}))
	ctx64, s64 := tr.Start(remote, "child")
	defer s64.Finish()
	sid := strconv.FormatUint(s.SpanID(), 10)
	for _, on := range []bool{true, false} {
		hex128 = on
		got := logged(t, ctx, ctx64, context.Background())
		want := s.TraceID().String()
		if !on {
			want = strconv.FormatUint(s.TraceID().Lower(), 10)
		}
		if got[0]["dd.trace_id"] != want || got[0]["dd.span_id"] != sid || got[0]["k"] != "v" {
			t.Errorf("128-bit logging %v: %v, want trace id %s span id %s", on, got[0], want, sid)
		}
		for _, k := range []string{"dd.service", "dd.env", "dd.version"} {
			if _, ok := got[0][k]; ok {
				t.Errorf("has %s, which dd's hook does not write", k)
			}
		}
		if got[1]["dd.trace_id"] != "42" || got[1]["dd.span_id"] != strconv.FormatUint(s64.SpanID(), 10) {
			t.Errorf("64-bit trace, 128-bit logging %v: %v", on, got[1])
		}
		if _, ok := got[2]["dd.trace_id"]; ok {
			t.Errorf("an entry without a span was joined: %v", got[2])
		}
	}
	hex128 = true
}

// TestFireOddEntries: no entry, no context, no Data: nothing panics.
func TestFireOddEntries(t *testing.T) {
	tr := newTracer(t)
	ctx, s := tr.Start(context.Background(), "op")
	defer s.Finish()
	var h *DDContextLogHook
	for _, e := range []*logrus.Entry{nil, {}, {Context: context.Background()}} {
		if err := h.Fire(e); err != nil {
			t.Error(err)
		}
	}
	e := &logrus.Entry{Context: ctx}
	if err := h.Fire(e); err != nil || e.Data["dd.span_id"] != strconv.FormatUint(s.SpanID(), 10) {
		t.Errorf("entry without Data: %v %v", err, e.Data)
	}
	// The field dd-trace-go embeds its hook by works the same.
	e = &logrus.Entry{Context: ctx, Data: logrus.Fields{}}
	var hook DDContextLogHook
	if err := hook.DDContextLogHook.Fire(e); err != nil || e.Data["dd.trace_id"] != s.TraceID().String() {
		t.Errorf("through the field: %v %v", err, e.Data)
	}
}

func TestLevels(t *testing.T) {
	var h DDContextLogHook
	got := h.Levels()
	if !slices.Equal(got, logrus.AllLevels) || !slices.Equal(h.DDContextLogHook.Levels(), logrus.AllLevels) {
		t.Errorf("Levels() = %v, want %v", got, logrus.AllLevels)
	}
	got[0] = logrus.TraceLevel // the caller's to change
	if h.Levels()[0] != logrus.PanicLevel {
		t.Error("Levels shares its slice")
	}
}
