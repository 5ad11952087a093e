package ddconv_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/internal/ddconv"
)

// TestFinishOptions finishes spans with dd-trace-go's finish options
// converted, and checks what each records.
func TestFinishOptions(t *testing.T) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	withErr := func(err error) ddtrace.FinishOption { return func(c *ddtrace.FinishConfig) { c.Error = err } }
	finishAt := func(tm time.Time) ddtrace.FinishOption { return func(c *ddtrace.FinishConfig) { c.FinishTime = tm } }
	noStack := func(c *ddtrace.FinishConfig) { c.NoDebugStack = true }
	frames := func(n, skip uint) ddtrace.FinishOption {
		return func(c *ddtrace.FinishConfig) { c.StackFrames, c.SkipStackFrames = n, skip }
	}
	cases := []struct {
		name      string
		opts      []ddtrace.FinishOption
		errored   bool
		stack     bool
		duration  time.Duration // 0: not checked
		wantCount int
	}{
		{"none", nil, false, false, 0, 0},
		{"nil option", []ddtrace.FinishOption{nil}, false, false, 0, 0},
		{"finish time", []ddtrace.FinishOption{finishAt(at.Add(time.Second))}, false, false, time.Second, 1},
		{"error", []ddtrace.FinishOption{withErr(errors.New("boom"))}, true, true, 0, 1},
		{"error without stack", []ddtrace.FinishOption{withErr(errors.New("boom")), noStack}, true, false, 0, 2},
		{"error with frames", []ddtrace.FinishOption{withErr(errors.New("boom")), frames(0, 1)}, true, true, 0, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ddconv.FinishOptions(c.opts)
			if len(got) != c.wantCount {
				t.Errorf("%d options, want %d", len(got), c.wantCount)
			}
			exp := memory.New()
			tr := trace.New(trace.WithExporter(exp))
			_, s := tr.Start(context.Background(), "op", trace.StartTime(at))
			s.Finish(got...)
			if err := tr.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			snap := exp.Spans()[0]
			_, hasStack := snap.Tag("error.stack")
			if snap.IsError() != c.errored || hasStack != c.stack || c.duration != 0 && snap.Duration() != c.duration {
				t.Errorf("error %v stack %v duration %v; want %v, %v, %v", snap.IsError(), hasStack, snap.Duration(), c.errored, c.stack, c.duration)
			}
		})
	}
}
