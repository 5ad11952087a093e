package trace_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"reflect"
	"runtime"
	"strconv"
	"testing"

	"github.com/ctxtrace/trace"
)

// LogHandler after WithGroup (GitHub issue "Under pressure", item 9): a
// record's cost was quadratic in the attributes given after the group,
// 7.4 ms and 7.5 MB per record at 1,000 of them.

// logBuild is a chain of WithAttrs and WithGroup calls.
type logBuild func(slog.Handler) slog.Handler

func manyAttrs(n int) logBuild {
	return func(h slog.Handler) slog.Handler {
		h = h.WithGroup("g")
		for i := range n {
			h = h.WithAttrs([]slog.Attr{slog.Int("a"+strconv.Itoa(i), i)})
		}
		return h
	}
}

// TestLogHandlerGroupsMatchSlog: whatever the chain, a record comes out as
// the wrapped handler would write it with dd.* added at the top level.
func TestLogHandlerGroupsMatchSlog(t *testing.T) {
	a := func(k string, v any) []slog.Attr { return []slog.Attr{slog.Any(k, v)} }
	cases := []struct {
		name  string
		build logBuild
		attrs []any // the record's
	}{
		{"one group", func(h slog.Handler) slog.Handler { return h.WithGroup("g") }, []any{"k", 1}},
		{"attrs around groups", func(h slog.Handler) slog.Handler {
			return h.WithAttrs(a("top", 1)).WithGroup("g").WithAttrs(a("x", 2)).WithAttrs(a("y", 3)).WithGroup("h").WithAttrs(a("z", 4))
		}, []any{"k", 1, slog.Group("inner", "i", 5)}},
		{"empty groups", func(h slog.Handler) slog.Handler { return h.WithGroup("g").WithGroup("h") }, nil},
		{"group attrs, no record attrs", func(h slog.Handler) slog.Handler { return h.WithGroup("g").WithAttrs(a("x", 1)) }, nil},
		{"group, empty inner group", func(h slog.Handler) slog.Handler { return h.WithGroup("g").WithAttrs(a("x", 1)).WithGroup("h") }, nil},
		{"1,000 attrs after a group", manyAttrs(1000), []any{"k", 1}},
	}
	tr, _ := newTracer(t)
	ctx, span := tr.Start(context.Background(), "op")
	defer span.Finish()
	dd := []slog.Attr{
		slog.String("dd.trace_id", span.TraceID().String()),
		slog.String("dd.span_id", strconv.FormatUint(span.SpanID(), 10)),
		slog.String("dd.service", "svc"),
	}
	noTime := &slog.HandlerOptions{ReplaceAttr: func(_ []string, at slog.Attr) slog.Attr {
		if at.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return at
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got, want bytes.Buffer
			slog.New(c.build(trace.LogHandler(slog.NewJSONHandler(&got, noTime)))).InfoContext(ctx, "m", c.attrs...)
			slog.New(c.build(slog.NewJSONHandler(&want, noTime).WithAttrs(dd))).InfoContext(ctx, "m", c.attrs...)
			var g, w map[string]any
			if err := json.Unmarshal(got.Bytes(), &g); err != nil {
				t.Fatalf("%v: %s", err, got.String())
			}
			json.Unmarshal(want.Bytes(), &w)
			if !reflect.DeepEqual(g, w) {
				t.Errorf("got  %.300s\nwant %.300s", got.String(), want.String())
			}
		})
	}
}

// TestLogHandlerGroupsLinear: the memory a record costs grows linearly
// with the attributes given after a group (quadratically before: 7.5 MB
// per record at 1,000 attributes, four times as much at 2,000). Both
// counts make records over 16 KB, which slog.JSONHandler stops pooling
// buffers for: below, its own cost is a step.
func TestLogHandlerGroupsLinear(t *testing.T) {
	tr, _ := newTracer(t)
	ctx, span := tr.Start(context.Background(), "op")
	defer span.Finish()
	perRecord := func(n int) uint64 {
		log := slog.New(manyAttrs(n)(trace.LogHandler(slog.NewJSONHandler(io.Discard, nil))))
		log.InfoContext(ctx, "warm up")
		const records = 20
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range records {
			log.InfoContext(ctx, "m", "k", 1)
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / records
	}
	small, large := perRecord(2000), perRecord(4000)
	if large > 3*small || small > 2<<20 {
		t.Errorf("bytes per record: %d at 2,000 attributes, %d at 4,000", small, large)
	}
}
