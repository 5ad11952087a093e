package interop

// TestRuntimeMetricsMatchDD runs dd-trace-go v1.74.8 with WithRuntimeMetrics
// against a DogStatsD stand-in on 127.0.0.1 until it has sent a round of
// runtime metrics (its ticker fires ten seconds after Start), runs one
// round of ours (internal/runtimemetrics, ticked by hand), and compares
// the metric names, their types, timestamps, tag keys and the tag values
// both must agree on. Every difference must be explained by
// runtimeMetricsDifferences.

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/internal/dogstatsd"
	"github.com/ctxtrace/trace/internal/dogstatsd/dsdtest"
	"github.com/ctxtrace/trace/internal/runtimemetrics"
	"github.com/google/go-cmp/cmp"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

// infoNoStatsdPort is an /info answer without config.statsd_port: with
// one, dd-trace-go replaces the port of WithDogstatsdAddress by the
// Agent's.
const infoNoStatsdPort = `{"version": "7.70.0", "endpoints": ["/v0.4/traces"], "config": {}}`

// runtimeMetricsDifferences explains the names only one side sends, by
// exact name or by prefix.
var runtimeMetricsDifferences = []struct{ name, reason string }{
	{"datadog.dogstatsd.client.", "datadog-go's own telemetry (its client's packets and bytes): our client sends none"},
	{"datadog.tracer.", "the tracer's health metrics (started, flush_triggered, traces_dropped, ...): not runtime metrics, not sent by ours"},
	{"runtime.go.metrics.skipped_values", "a count sent only when a value is absurd (2⁶⁴-1 from GOGC=off, a negative difference): both send it then"},
}

// tagValueDifferences are the tags whose values differ by design.
var tagValueDifferences = map[string]string{
	"runtime-id":     "each tracer has its own (dd-trace-go's globalconfig, ours agent.RuntimeID)",
	"tracer_version": "the tracer's own version: v1.74.8 against " + agent.TracerVersion,
}

// cumulativeNames are the runtime.go.metrics.* names that come from a
// total or a histogram of all time: both tracers leave one out when it did
// not change during the round (and is not zero), so which are sent
// depends on what the process did in that round.
func cumulativeNames() map[string]bool {
	out := map[string]bool{}
	for _, d := range metrics.All() {
		if !d.Cumulative && d.Name != "/sched/latencies:seconds" {
			continue
		}
		path, unit, _ := strings.Cut(strings.TrimPrefix(d.Name, "/"), ":")
		base := "runtime.go.metrics." + strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' {
				return r
			}
			return '_'
		}, path+"."+unit)
		out[base] = true
		if d.Kind == metrics.KindFloat64Histogram {
			for _, s := range []string{".avg", ".min", ".max", ".median", ".p95", ".p99"} {
				out[base+s] = true
			}
		}
	}
	return out
}

// metricShape is what must agree between the two for one name.
type metricShape struct {
	Type      string
	Timestamp bool
	TagKeys   string
}

func shapes(t *testing.T, side string, msgs []dsdtest.Message) (map[string]metricShape, map[string]map[string]string) {
	t.Helper()
	out := map[string]metricShape{}
	values := map[string]map[string]string{}
	for _, m := range msgs {
		s := metricShape{Type: m.Type, Timestamp: m.Timestamp != "", TagKeys: strings.Join(m.TagKeys(), ",")}
		if prev, ok := out[m.Name]; ok && prev != s {
			t.Errorf("%s sends %s in two shapes: %+v and %+v", side, m.Name, prev, s)
		}
		out[m.Name] = s
		values[m.Name] = map[string]string{}
		for _, tag := range m.Tags {
			k, v, _ := strings.Cut(tag, ":")
			values[m.Name][k] = v
		}
	}
	return out, values
}

// ddRuntimeMetrics starts dd-trace-go, waits for a round of both of its
// runtime metrics sets, stops it and returns everything it sent.
func ddRuntimeMetrics(t *testing.T) []dsdtest.Message {
	t.Helper()
	a := newFakeAgent(t, infoNoStatsdPort)
	srv := dsdtest.ListenUDP(t)
	tracer.Start(
		tracer.WithAgentAddr(a.addr()),
		tracer.WithService("svc"),
		tracer.WithEnv("prod"),
		tracer.WithServiceVersion("1.2.3"),
		tracer.WithLogStartup(false),
		tracer.WithLogger(silentLogger{}),
		tracer.WithRuntimeMetrics(),
		tracer.WithDogstatsdAddress(srv.Addr()),
	)
	stopped := false
	defer func() {
		if !stopped {
			tracer.Stop()
		}
	}()
	// Generous: the round is due ten seconds after Start.
	deadline := time.Now().Add(3 * time.Minute)
	var msgs []dsdtest.Message
	sawMemStats, sawV2 := false, false
	for !sawMemStats || !sawV2 {
		got, _, err := srv.Next(deadline)
		if err != nil {
			t.Fatalf("waiting for dd-trace-go's runtime metrics (memstats %v, v2 %v): %v", sawMemStats, sawV2, err)
		}
		for _, m := range got {
			sawMemStats = sawMemStats || m.Name == "runtime.go.num_goroutine"
			sawV2 = sawV2 || m.Name == "runtime.go.metrics.enabled"
		}
		msgs = append(msgs, got...)
	}
	// Stop waits for the rounds in progress and flushes the client.
	tracer.Stop()
	stopped = true
	rest, err := srv.Drain(deadline)
	if err != nil {
		t.Fatal(err)
	}
	return append(msgs, rest...)
}

// ourRuntimeMetrics runs one round of ours, both sets, with the tags
// ddtrace/tracer gives them for the same configuration.
func ourRuntimeMetrics(t *testing.T) []dsdtest.Message {
	t.Helper()
	srv := dsdtest.ListenUDP(t)
	id := runtimemetrics.Identity{Service: "svc", Env: "prod", RuntimeID: agent.RuntimeID(), TracerVersion: agent.TracerVersion}
	client, err := dogstatsd.New(dogstatsd.WithAddress(srv.Addr()), dogstatsd.WithTags(id.Tags()...))
	if err != nil {
		t.Fatal(err)
	}
	ticks := make(chan time.Time)
	r := runtimemetrics.New(client, runtimemetrics.WithTicks(ticks))
	r.Start()
	runtime.GC() // let totals move, as they do over ten seconds
	ticks <- time.Now()
	r.Stop()
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
	msgs, err := srv.Drain(time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func explainName(name string, cumulative map[string]bool) (string, bool) {
	if cumulative[name] {
		return "a total or histogram left out when unchanged during the round", true
	}
	for _, d := range runtimeMetricsDifferences {
		if name == d.name || strings.HasSuffix(d.name, ".") && strings.HasPrefix(name, d.name) {
			return d.reason, true
		}
	}
	return "", false
}

func TestRuntimeMetricsMatchDD(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for dd-trace-go's ten-second ticker")
	}
	for _, k := range []string{"DD_ENTITY_ID", "DD_ENV", "DD_SERVICE", "DD_DOGSTATSD_URL", "DD_RUNTIME_METRICS_V2_ENABLED"} {
		t.Setenv(k, "")
	}
	t.Setenv("DD_VERSION", "1.2.3") // datadog-go, and ours, add it as a tag
	dd, ddValues := shapes(t, "dd-trace-go", ddRuntimeMetrics(t))
	ours, ourValues := shapes(t, "ours", ourRuntimeMetrics(t))

	cumulative := cumulativeNames()
	names := map[string]bool{}
	for n := range dd {
		names[n] = true
	}
	for n := range ours {
		names[n] = true
	}
	var explained []string
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range names {
			if !yield(n) {
				return
			}
		}
	}) {
		d, inDD := dd[name]
		o, inOurs := ours[name]
		switch {
		case inDD && inOurs:
			if diff := cmp.Diff(d, o); diff != "" {
				t.Errorf("%s (-dd +ours):\n%s", name, diff)
			}
			for k, v := range ddValues[name] {
				if _, ok := tagValueDifferences[k]; !ok && ourValues[name][k] != v {
					t.Errorf("%s: tag %s is %q in dd-trace-go, %q in ours", name, k, v, ourValues[name][k])
				}
			}
		default:
			side := map[bool]string{true: "dd-trace-go", false: "ours"}[inDD]
			if reason, ok := explainName(name, cumulative); ok {
				explained = append(explained, fmt.Sprintf("%s only: %s (%s)", side, name, reason))
			} else {
				t.Errorf("%s is sent by %s only", name, side)
			}
		}
	}
	if _, ok := dd["runtime.go.metrics.enabled"]; !ok {
		t.Error("dd-trace-go sent no runtime.go.metrics.enabled")
	}
	t.Logf("%d names from dd-trace-go, %d from ours; explained differences:\n%s",
		len(dd), len(ours), strings.Join(explained, "\n"))
}
