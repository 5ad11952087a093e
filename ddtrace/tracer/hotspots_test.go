package tracer_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"

	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/internal/hotspots"
)

// quietLogger drops the tracer's messages: no Agent listens here.
type quietLogger struct{}

func (quietLogger) Log(string) {}

// goroutineLabels returns the pprof labels of the calling goroutine, read
// from the goroutine profile, whose records show each goroutine's labels:
// the caller's record is the one whose stack holds goroutineLabels.
func goroutineLabels(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		t.Fatal(err)
	}
	found, n := "", 0
	for rec := range strings.SplitSeq(buf.String(), "\n\n") {
		if !strings.Contains(rec, "tracer_test.goroutineLabels+") {
			continue
		}
		n++
		found = "{}"
		for line := range strings.SplitSeq(rec, "\n") {
			if l, ok := strings.CutPrefix(line, "# labels: "); ok {
				found = l
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d goroutines in goroutineLabels, want 1:\n%s", n, buf.String())
	}
	return found
}

func TestProfilerHotspotsOptions(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		env                     map[string]string
		opts                    []tracer.StartOption
		codeHotspots, endpoints bool
	}{
		{name: "defaults", codeHotspots: true, endpoints: true},
		{name: "no hotspots", opts: []tracer.StartOption{tracer.WithProfilerCodeHotspots(false)}, endpoints: true},
		{name: "no endpoints", opts: []tracer.StartOption{tracer.WithProfilerEndpoints(false)}, codeHotspots: true},
		{name: "env off", env: map[string]string{
			"DD_PROFILING_CODE_HOTSPOTS_COLLECTION_ENABLED": "false",
			"DD_PROFILING_ENDPOINT_COLLECTION_ENABLED":      "false",
		}},
		{name: "option over env", env: map[string]string{"DD_PROFILING_ENDPOINT_COLLECTION_ENABLED": "false"},
			opts: []tracer.StartOption{tracer.WithProfilerEndpoints(true)}, codeHotspots: true, endpoints: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			tracer.Start(append([]tracer.StartOption{tracer.WithAgentAddr("127.0.0.1:1"),
				tracer.WithSendRetries(0), tracer.WithLogStartup(false), tracer.WithLogger(quietLogger{})}, tc.opts...)...)
			defer tracer.Stop()
			hotspots.Enable(true) // as the profiler does
			defer hotspots.Enable(false)
			s, _ := tracer.StartSpanFromContext(context.Background(), "web.request", tracer.ResourceName("/posts"))
			id := strconv.FormatUint(s.Context().SpanID(), 10)
			var want []string
			if tc.codeHotspots {
				want = append(want, fmt.Sprintf("%q:%q", "local root span id", id), fmt.Sprintf("%q:%q", "span id", id))
			}
			if tc.endpoints {
				want = append(want, fmt.Sprintf("%q:%q", "trace endpoint", "/posts"))
			}
			if got, w := goroutineLabels(t), "{"+strings.Join(want, ", ")+"}"; got != w {
				t.Errorf("labels = %s, want %s", got, w)
			}
			s.Finish()
			if got := goroutineLabels(t); got != "{}" {
				t.Errorf("after Finish, labels = %s, want none", got)
			}
		})
	}
}
