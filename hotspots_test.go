package trace_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/hook"
	"github.com/ctxtrace/trace/internal/hotspots"
)

// labelsNow returns the pprof labels of the calling goroutine.
func labelsNow(t *testing.T) string {
	t.Helper()
	labels, err := goroutineLabels()
	if err != nil {
		t.Fatal(err)
	}
	return labels
}

// goroutineLabels returns the pprof labels of the calling goroutine, read
// from the goroutine profile, whose records show each goroutine's labels:
// the caller's record is the one whose stack holds goroutineLabels.
func goroutineLabels() (string, error) {
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		return "", err
	}
	found := ""
	n := 0
	for rec := range strings.SplitSeq(buf.String(), "\n\n") {
		if !strings.Contains(rec, "trace_test.goroutineLabels+") {
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
		return "", fmt.Errorf("%d goroutines in goroutineLabels, want 1:\n%s", n, buf.String())
	}
	return found, nil
}

// labelString writes labels as the goroutine profile shows them.
func labelString(kv map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(kv)) {
		parts = append(parts, fmt.Sprintf("%q:%q", k, kv[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// spanLabels are the labels dd-trace-go gives span s of local root root,
// with the endpoint when endpoint is not "", and the extra ones.
func spanLabels(s, root *trace.Span, endpoint string, extra ...string) map[string]string {
	m := map[string]string{
		"span id":            strconv.FormatUint(s.SpanID(), 10),
		"local root span id": strconv.FormatUint(root.SpanID(), 10),
	}
	if endpoint != "" {
		m["trace endpoint"] = endpoint
	}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

// withHotspots turns code hotspots on for the test, as the profiler does.
func withHotspots(t *testing.T) {
	hotspots.Enable(true)
	t.Cleanup(func() { hotspots.Enable(false) })
}

func TestHotspotsLabelsAndRestore(t *testing.T) {
	withHotspots(t)
	tr, _ := newTracer(t)
	before := map[string]string{"user": "x"}
	pprof.Do(context.Background(), pprof.Labels("user", "x"), func(ctx context.Context) {
		rctx, root := tr.Start(ctx, "web.request", trace.Resource("GET /posts"))
		want := spanLabels(root, root, "GET /posts", "user", "x")
		if got := labelsNow(t); got != labelString(want) {
			t.Fatalf("root's goroutine labels = %s, want %s", got, labelString(want))
		}
		if v, _ := pprof.Label(rctx, "span id"); v != want["span id"] {
			t.Errorf("root's context: span id %q, want %q", v, want["span id"])
		}
		_, child := tr.Start(rctx, "db.query", trace.Type("sql"))
		if got, w := labelsNow(t), labelString(spanLabels(child, root, "GET /posts", "user", "x")); got != w {
			t.Errorf("child's goroutine labels = %s, want %s", got, w)
		}
		child.Finish()
		if got := labelsNow(t); got != labelString(want) {
			t.Errorf("after the child's Finish, labels = %s, want the root's %s", got, labelString(want))
		}
		root.Finish()
		if got := labelsNow(t); got != labelString(before) {
			t.Errorf("after the root's Finish, labels = %s, want those before it %s", got, labelString(before))
		}
		// A goroutine started now inherits the labels set back.
		done := make(chan string, 1)
		go func() {
			labels, err := goroutineLabels()
			if err != nil {
				labels = err.Error()
			}
			done <- labels
		}()
		if got := <-done; got != labelString(before) {
			t.Errorf("a goroutine started after Finish has labels %s, want %s", got, labelString(before))
		}
		// A second Finish sets nothing back.
		later := pprof.WithLabels(ctx, pprof.Labels("later", "y"))
		pprof.SetGoroutineLabels(later)
		root.Finish()
		if got, w := labelsNow(t), `{"later":"y", "user":"x"}`; got != w {
			t.Errorf("after a second Finish, labels = %s, want %s", got, w)
		}
	})
	if got := labelsNow(t); got != "{}" {
		t.Errorf("after pprof.Do, labels = %s, want none", got)
	}
}

func TestHotspotsChildOfBareContext(t *testing.T) {
	// dd-trace-go's StartSpan(ChildOf(parent)) has no context: the child
	// builds on its parent's labels, and Finish sets those back.
	withHotspots(t)
	tr, _ := newTracer(t)
	_, root := tr.Start(context.Background(), "root")
	_, child := tr.Start(context.Background(), "child", trace.ChildOf(root.Context()))
	if got, w := labelsNow(t), labelString(spanLabels(child, root, "root")); got != w {
		t.Errorf("child's labels = %s, want %s", got, w)
	}
	child.Finish()
	if got, w := labelsNow(t), labelString(spanLabels(root, root, "root")); got != w {
		t.Errorf("after the child's Finish, labels = %s, want the root's %s", got, w)
	}
	root.Finish()
	if got := labelsNow(t); got != "{}" {
		t.Errorf("after the root's Finish, labels = %s, want none", got)
	}
}

func TestHotspotsEndpoint(t *testing.T) {
	withHotspots(t)
	tr, _ := newTracer(t)
	for _, tc := range []struct {
		typ      string
		endpoint bool
	}{{"", true}, {"web", true}, {"rpc", true}, {"sql", false}, {"http", false}} {
		_, root := tr.Start(context.Background(), "op", trace.Resource("res"), trace.Type(tc.typ))
		want := spanLabels(root, root, "")
		if tc.endpoint {
			want["trace endpoint"] = "res"
		}
		if got := labelsNow(t); got != labelString(want) {
			t.Errorf("type %q: labels = %s, want %s", tc.typ, got, labelString(want))
		}
		root.Finish()
	}
	// A resource set after routing renames the endpoint, for the root's
	// goroutine and the spans started after; a child's own resource does
	// not.
	rctx, root := tr.Start(context.Background(), "web.request", trace.Type("web"))
	root.SetResource("GET /users/{id}")
	if got, w := labelsNow(t), labelString(spanLabels(root, root, "GET /users/{id}")); got != w {
		t.Errorf("after SetResource, labels = %s, want %s", got, w)
	}
	_, child := tr.Start(rctx, "child")
	child.SetResource("other")
	if got, w := labelsNow(t), labelString(spanLabels(child, root, "GET /users/{id}")); got != w {
		t.Errorf("child's labels = %s, want %s", got, w)
	}
	child.Finish()
	root.Finish()
}

func TestHotspotsTracerOptOut(t *testing.T) {
	withHotspots(t)
	for _, tc := range []struct{ hot, endpoints bool }{{false, true}, {true, false}, {false, false}} {
		tr, _ := newTracer(t, hook.ProfilerLabels(tc.hot, tc.endpoints).(trace.Option))
		_, s := tr.Start(context.Background(), "op")
		want := map[string]string{}
		if tc.hot {
			want = spanLabels(s, s, "")
		}
		if tc.endpoints {
			want["trace endpoint"] = "op"
		}
		if got := labelsNow(t); got != labelString(want) {
			t.Errorf("hotspots %v, endpoints %v: labels = %s, want %s", tc.hot, tc.endpoints, got, labelString(want))
		}
		s.Finish()
		if got := labelsNow(t); got != "{}" {
			t.Errorf("hotspots %v, endpoints %v: after Finish, labels = %s, want none", tc.hot, tc.endpoints, got)
		}
	}
}

func TestHotspotsOff(t *testing.T) {
	tr, _ := newTracer(t)
	pprof.Do(context.Background(), pprof.Labels("user", "x"), func(ctx context.Context) {
		_, s := tr.Start(ctx, "op")
		if got := labelsNow(t); got != `{"user":"x"}` {
			t.Errorf("hotspots off: labels = %s, want the caller's", got)
		}
		// Turned on while the span runs: its Finish leaves labels alone.
		withHotspots(t)
		s.Finish()
		if got := labelsNow(t); got != `{"user":"x"}` {
			t.Errorf("after Finish: labels = %s, want the caller's", got)
		}
	})
}

// BenchmarkHotspotsOnStartFinish is BenchmarkStartFinish while the
// profiler's code hotspots are on: what labelling a span costs.
func BenchmarkHotspotsOnStartFinish(b *testing.B) {
	tr := newBenchTracer(b)
	hotspots.Enable(true)
	b.Cleanup(func() { hotspots.Enable(false) })
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, s := tr.Start(ctx, "web.request", trace.Resource("/posts"))
		s.SetTag("http.method", benchMethod)
		s.SetTag("http.status_code", benchStatus)
		s.SetTag("sample.weight", benchWeight)
		s.Finish()
	}
}

// BenchmarkHotspotsOnChild is BenchmarkChild while code hotspots are on.
func BenchmarkHotspotsOnChild(b *testing.B) {
	tr := newBenchTracer(b)
	hotspots.Enable(true)
	b.Cleanup(func() { hotspots.Enable(false) })
	ctx, root := tr.Start(context.Background(), "root")
	defer root.Finish()
	b.ReportAllocs()
	for b.Loop() {
		_, s := tr.Start(ctx, "child")
		s.Finish()
	}
}
