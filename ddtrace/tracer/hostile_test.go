package tracer_test

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/exporter/memory"
)

// TestStackFramesHuge: StackFrames takes uints; a huge one must neither
// wrap to a negative int nor size a buffer of that many frames (before the
// fix: a panic in makeslice).
func TestStackFramesHuge(t *testing.T) {
	cases := []struct {
		n, skip  uint
		min, max int // frames kept
	}{
		{2, 0, 2, 2},
		{math.MaxUint, 0, 1, 256},
		{uint(math.MaxInt) + 1, 0, 1, 256},
		{math.MaxUint32, 0, 1, 256},
		{math.MaxUint, math.MaxUint, 0, 0},
		{10, math.MaxUint32, 0, 0},
	}
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp))
	trace.SetDefault(tr)
	defer trace.SetDefault(nil)
	for i, c := range cases {
		s := tracer.StartSpan("op" + strconv.Itoa(i))
		s.Finish(tracer.WithError(errors.New("boom")), tracer.StackFrames(c.n, c.skip))
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := map[string]trace.Snapshot{}
	for _, s := range exp.Spans() {
		got[s.Name()] = s
	}
	for i, c := range cases {
		s := got["op"+strconv.Itoa(i)]
		stack, _ := s.Tag("error.stack")
		if n := strings.Count(stack.String(), "\n\t"); !s.IsError() || n < c.min || n > c.max {
			t.Errorf("StackFrames(%d, %d): error %v, %d frames, want %d to %d", c.n, c.skip, s.IsError(), n, c.min, c.max)
		}
	}
}
