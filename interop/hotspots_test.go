package interop

// TestHotspotsLabels proves that our spans label CPU profile samples as
// dd-trace-go's do (code hotspots and endpoints): the same scenario runs
// against both tracers under a CPU profile, and the samples of a busy loop
// must carry the same labels, parsed with github.com/google/pprof.

import (
	"bytes"
	"context"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/pprof/profile"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/hook"
	"github.com/ctxtrace/trace/internal/hotspots"
)

// burnSink keeps burn's work from being optimised away.
var burnSink uint64

// burn spends CPU: a fixed amount of work, never a duration.
//
//go:noinline
func burn() {
	x := burnSink | 1
	for i := 0; i < 1<<23; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	burnSink = x
}

// burnLabels runs burn on the calling goroutine under a CPU profile, in
// rounds, until a profile holds samples of burn, and returns their labels.
// Only this goroutine runs burn, so every one of them shows its labels.
func burnLabels(t *testing.T) []map[string]string {
	t.Helper()
	const rounds = 100
	for range rounds {
		var buf bytes.Buffer
		if err := pprof.StartCPUProfile(&buf); err != nil {
			t.Fatalf("StartCPUProfile: %v", err)
		}
		burn()
		pprof.StopCPUProfile()
		p, err := profile.Parse(&buf)
		if err != nil {
			t.Fatalf("parsing the CPU profile: %v", err)
		}
		var got []map[string]string
		for _, s := range p.Sample {
			if !inBurn(s) {
				continue
			}
			m := map[string]string{}
			for k, v := range s.Label {
				m[k] = strings.Join(v, ",")
			}
			got = append(got, m)
		}
		if len(got) > 0 {
			return got
		}
	}
	t.Fatalf("no sample of burn in %d CPU profiles", rounds)
	return nil
}

// inBurn reports whether s was taken in burn.
func inBurn(s *profile.Sample) bool {
	for _, loc := range s.Location {
		for _, l := range loc.Line {
			if l.Function != nil && strings.HasSuffix(l.Function.Name, "interop.burn") {
				return true
			}
		}
	}
	return false
}

// hotspotsTracer is what the scenario needs of a tracer: start a span from
// ctx, returning the context that carries it, its id and its Finish.
type hotspotsTracer func(ctx context.Context, name, resource, spanType string) (context.Context, uint64, func())

// ourHotspots starts spans with our tracer.
func ourHotspots(tr *trace.Tracer) hotspotsTracer {
	return func(ctx context.Context, name, resource, spanType string) (context.Context, uint64, func()) {
		ctx, s := tr.Start(ctx, name, trace.Resource(resource), trace.Type(spanType))
		return ctx, s.SpanID(), func() { s.Finish() }
	}
}

// ddHotspots starts spans with dd-trace-go's global tracer.
func ddHotspots(ctx context.Context, name, resource, spanType string) (context.Context, uint64, func()) {
	opts := []tracer.StartSpanOption{tracer.ResourceName(resource)}
	if spanType != "" {
		opts = append(opts, tracer.SpanType(spanType))
	}
	s, ctx := tracer.StartSpanFromContext(ctx, name, opts...)
	return ctx, s.Context().SpanID(), func() { s.Finish() }
}

// hotspotsScenario runs spans under the caller's own label and checks the
// labels of CPU samples taken under each, and after each finishes, for a
// tracer with code hotspots and endpoints as given.
func hotspotsScenario(t *testing.T, start hotspotsTracer, codeHotspots, endpoints bool) {
	want := func(step string, labels map[string]string) {
		t.Helper()
		for _, got := range burnLabels(t) {
			if diff := cmp.Diff(labels, got); diff != "" {
				t.Errorf("%s: a sample's labels (-want +got):\n%s", step, diff)
				return
			}
		}
	}
	spanLabels := func(span, root uint64, endpoint string) map[string]string {
		m := map[string]string{"user": "x"}
		if codeHotspots {
			m["span id"] = strconv.FormatUint(span, 10)
			m["local root span id"] = strconv.FormatUint(root, 10)
		}
		if endpoints && endpoint != "" {
			m["trace endpoint"] = endpoint
		}
		return m
	}
	pprof.Do(context.Background(), pprof.Labels("user", "x"), func(ctx context.Context) {
		user := map[string]string{"user": "x"}
		want("before any span", user)

		rctx, root, finishRoot := start(ctx, "web.request", "GET /posts", "web")
		want("under the root", spanLabels(root, root, "GET /posts"))
		_, child, finishChild := start(rctx, "db.query", "SELECT 1", "sql")
		want("under the child", spanLabels(child, root, "GET /posts"))
		finishChild()
		want("after the child's Finish", spanLabels(root, root, "GET /posts"))
		finishRoot()
		want("after the root's Finish", user)

		// A query's resource does not name the endpoint.
		_, sql, finishSQL := start(ctx, "db.query", "SELECT 2", "sql")
		want("under an sql root", spanLabels(sql, sql, ""))
		finishSQL()
		want("after the sql root's Finish", user)
	})
}

func TestHotspotsLabels(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		codeHotspots, endpoints bool
	}{
		{"both", true, true},
		{"no_endpoints", true, false},
		{"no_hotspots", false, true},
	} {
		t.Run("dd/"+tc.name, func(t *testing.T) {
			opts := []tracer.StartOption{
				tracer.WithProfilerCodeHotspots(tc.codeHotspots),
				tracer.WithProfilerEndpoints(tc.endpoints),
			}
			runDD(t, "", opts, false, func(t *testing.T) {
				hotspotsScenario(t, ddHotspots, tc.codeHotspots, tc.endpoints)
			})
		})
		t.Run("ours/"+tc.name, func(t *testing.T) {
			// As the profiler does at Start and Stop.
			hotspots.Enable(true)
			defer hotspots.Enable(false)
			tr := trace.New(trace.WithService("svc"),
				hook.ProfilerLabels(tc.codeHotspots, tc.endpoints).(trace.Option))
			defer tr.Shutdown(context.Background())
			hotspotsScenario(t, ourHotspots(tr), tc.codeHotspots, tc.endpoints)
		})
	}
}

func TestHotspotsOffByDefault(t *testing.T) {
	// Without the profiler, our spans label nothing (dd-trace-go labels
	// goroutines whether or not its profiler runs).
	tr := trace.New(trace.WithService("svc"))
	defer tr.Shutdown(context.Background())
	pprof.Do(context.Background(), pprof.Labels("user", "x"), func(ctx context.Context) {
		_, s := tr.Start(ctx, "web.request")
		defer s.Finish()
		for _, got := range burnLabels(t) {
			if diff := cmp.Diff(map[string]string{"user": "x"}, got); diff != "" {
				t.Fatalf("a sample's labels with the profiler off (-want +got):\n%s", diff)
			}
		}
	})
}
