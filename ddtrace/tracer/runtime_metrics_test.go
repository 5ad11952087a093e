package tracer

import (
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/internal/dogstatsd/dsdtest"
	"github.com/ctxtrace/trace/internal/runtimemetrics"
	"github.com/google/go-cmp/cmp"
)

func clearRuntimeMetricsEnv(t *testing.T) {
	for _, k := range []string{"DD_RUNTIME_METRICS_ENABLED", "OTEL_METRICS_EXPORTER", "DD_RUNTIME_METRICS_V2_ENABLED",
		"DD_APM_TRACING_ENABLED", "DD_DOGSTATSD_URL", "DD_ENTITY_ID", "DD_ENV", "DD_SERVICE", "DD_VERSION"} {
		t.Setenv(k, "")
	}
}

func TestRuntimeMetricsOptions(t *testing.T) {
	var c config
	WithRuntimeMetrics()(&c)
	WithDogstatsdAddress("10.0.0.1:8125")(&c)
	if !c.runtimeMetrics || c.dogstatsdAddr != "10.0.0.1:8125" {
		t.Errorf("config %+v", c)
	}
}

func TestRuntimeMetricsFromEnv(t *testing.T) {
	tests := []struct {
		dd, otel string
		want     bool
		wantErr  bool
	}{
		{},
		{dd: "true", want: true},
		{dd: "1", want: true},
		{dd: "false"},
		{dd: "maybe", wantErr: true},
		{otel: "none"},
		{otel: "otlp", wantErr: true},
		{dd: "true", otel: "otlp", want: true}, // DD_ wins, as in dd-trace-go
	}
	for _, tt := range tests {
		clearRuntimeMetricsEnv(t)
		t.Setenv("DD_RUNTIME_METRICS_ENABLED", tt.dd)
		t.Setenv("OTEL_METRICS_EXPORTER", tt.otel)
		c := config{runtimeMetrics: !tt.want}
		err := runtimeMetricsFromEnv(&c)
		if c.runtimeMetrics != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("DD=%q OTEL=%q: runtimeMetrics %v, error %v", tt.dd, tt.otel, c.runtimeMetrics, err)
		}
	}
}

// oneRound runs a round of what c asks for, sent to srv, and returns the
// names that arrived, with the tags of the first.
func oneRound(t *testing.T, c *config, srv *dsdtest.Server) (map[string]bool, []string) {
	t.Helper()
	c.dogstatsdAddr = srv.Addr()
	ticks := make(chan time.Time)
	r, client, err := newRuntimeMetrics(c, slog.Default(), runtimemetrics.WithTicks(ticks))
	if err != nil || r == nil {
		t.Fatalf("newRuntimeMetrics: %v, %v", r, err)
	}
	r.Start()
	ticks <- time.Now()
	r.Stop()
	client.Close()
	msgs, err := srv.Drain(time.Now().Add(time.Minute))
	if err != nil || len(msgs) == 0 {
		t.Fatalf("drain: %d messages, %v", len(msgs), err)
	}
	names := map[string]bool{}
	for _, m := range msgs {
		names[m.Name] = true
	}
	return names, msgs[0].Tags
}

func TestRuntimeMetricsRound(t *testing.T) {
	clearRuntimeMetricsEnv(t)
	srv := dsdtest.ListenUDP(t)
	c := config{service: "svc", env: "prod", runtimeMetrics: true, tags: map[string]any{"team": "core"}}
	names, tags := oneRound(t, &c, srv)
	for _, n := range []string{"runtime.go.num_goroutine", "runtime.go.mem_stats.heap_alloc", "runtime.go.metrics.enabled"} {
		if !names[n] {
			t.Errorf("%s not sent", n)
		}
	}
	want := []string{"lang:go", "lang_version:" + runtime.Version(), "env:prod", "runtime-id:" + agent.RuntimeID(),
		"team:core", "tracer_version:" + agent.TracerVersion, "service:svc"}
	if diff := cmp.Diff(want, tags[:min(len(tags), len(want))]); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}

	// By default (no WithRuntimeMetrics), the runtime/metrics set only.
	c.runtimeMetrics = false
	names, _ = oneRound(t, &c, srv)
	for n := range names {
		if !strings.HasPrefix(n, "runtime.go.metrics.") {
			t.Errorf("%s sent without WithRuntimeMetrics", n)
		}
	}
	if !names["runtime.go.metrics.enabled"] {
		t.Error("runtime.go.metrics.enabled not sent by default")
	}

	// DD_RUNTIME_METRICS_V2_ENABLED=false leaves the runtime.go.* set.
	t.Setenv("DD_RUNTIME_METRICS_V2_ENABLED", "false")
	c.runtimeMetrics = true
	names, _ = oneRound(t, &c, srv)
	if names["runtime.go.metrics.enabled"] || !names["runtime.go.num_goroutine"] {
		t.Errorf("with v2 off: %v", names)
	}
}

func TestRuntimeMetricsOff(t *testing.T) {
	clearRuntimeMetricsEnv(t)
	t.Setenv("DD_RUNTIME_METRICS_V2_ENABLED", "false")
	c := config{dogstatsdAddr: "unix:///nonexistent/dsd.sock"}
	if r, _, err := newRuntimeMetrics(&c, slog.Default()); r != nil || err != nil {
		t.Errorf("nothing asked: %v, %v", r, err)
	}
	t.Setenv("DD_RUNTIME_METRICS_V2_ENABLED", "")
	t.Setenv("DD_APM_TRACING_ENABLED", "false")
	c.runtimeMetrics = true
	if r, _, err := newRuntimeMetrics(&c, slog.Default()); r != nil || err != nil {
		t.Errorf("APM tracing off: %v, %v", r, err)
	}
	startRuntimeMetrics(&c, slog.Default())() // a no-op stop
}

// startRuntimeMetrics with an address where nothing listens, and one that
// cannot be read: Start and stop return, and stop can be called twice.
func TestStartRuntimeMetrics(t *testing.T) {
	clearRuntimeMetricsEnv(t)
	c := config{runtimeMetrics: true, dogstatsdAddr: "unix:///nonexistent/dsd.sock"}
	stop := startRuntimeMetrics(&c, slog.Default())
	stop()
	stop()
	c.dogstatsdAddr = "tcp://h:1"
	startRuntimeMetrics(&c, slog.Default())()
}
