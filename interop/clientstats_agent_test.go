package interop

// Our client-side statistics against the Datadog Agent's own concentrator
// (pkg/trace/stats v0.67.0, the version dd-trace-go v1.74.8 runs): the
// workload once with statistics on (what we compute), and once with them
// off, so that every trace reaches the stand-in Agent; those full traces
// go through the Agent's concentrator as its pipeline hands them over
// (root, env and version read from the chunk, the client's top-level marks
// honoured), and the groups must agree.

import (
	"sync"
	"testing"
	"time"

	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	"github.com/DataDog/datadog-agent/pkg/trace/config"
	"github.com/DataDog/datadog-agent/pkg/trace/stats"
	"github.com/DataDog/datadog-agent/pkg/trace/traceutil"
	"github.com/DataDog/datadog-agent/pkg/trace/version"
	"github.com/DataDog/datadog-go/v5/statsd"
	ddsk "github.com/DataDog/sketches-go/ddsketch"
	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// csWriter keeps what the Agent's concentrator flushes.
type csWriter struct {
	mu       sync.Mutex
	payloads []*pb.StatsPayload
}

func (w *csWriter) Write(p *pb.StatsPayload) {
	w.mu.Lock()
	w.payloads = append(w.payloads, p)
	w.mu.Unlock()
}

// agentConcentrator runs the full traces a stand-in received through the
// Agent's concentrator and returns its groups, keyed as csStats keys them.
func agentConcentrator(t *testing.T, a *fakeAgent, conf *config.AgentConfig) map[string]*csGroup {
	t.Helper()
	w := &csWriter{}
	c := stats.NewConcentrator(conf, w, time.Now(), &statsd.NoOpClient{})
	var input stats.Input
	for _, r := range a.traceRequests() {
		traces, err := decodeV04(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		for _, spans := range traces {
			for _, s := range spans {
				traceutil.UpdateTracerTopLevel(s) // Datadog-Client-Computed-Top-Level: yes
			}
			root := traceutil.GetRoot(spans)
			chunk := &pb.TraceChunk{Spans: spans, Origin: root.Meta["_dd.origin"]}
			input.Traces = append(input.Traces, traceutil.ProcessedTrace{
				TraceChunk:     chunk,
				Root:           root,
				TracerEnv:      traceutil.GetEnv(root, chunk),
				AppVersion:     version.GetAppVersionFromTrace(root, chunk),
				TracerHostname: root.Meta["_dd.hostname"],
				GitCommitSha:   version.GetGitCommitShaFromTrace(root, chunk),
			})
		}
	}
	c.Add(input)
	w.Write(c.Flush(true))
	groups := map[string]*csGroup{}
	for _, sp := range w.payloads {
		for _, p := range sp.Stats {
			for _, b := range p.Stats {
				for _, g := range b.Stats {
					k := "env=" + p.Env + " version=" + p.Version + " host=" + p.Hostname + " " + csKey(b, g)
					if groups[k] == nil {
						groups[k] = &csGroup{}
					}
					if err := groups[k].add(g); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	return groups
}

func TestClientStatsMatchAgentConcentrator(t *testing.T) {
	info := csInfo(t)
	t0 := time.Now().Add(20 * time.Second) // in the future for both runs: the same buckets
	withStats, full := newFakeAgent(t, info), newFakeAgent(t, info)
	oursStatsWorkload(withStats.addr(), t0)
	oursStatsWorkload(full.addr(), t0, tracer.WithStatsComputation(false))

	ours, _ := csStats(t, withStats)
	if n := len(csStatsRequests(full)); n != 0 {
		t.Fatalf("%d stats payloads with statistics off", n)
	}
	spans, _, _, _ := csSent(t, full, t0)
	if len(spans) != 6*statsTraces {
		t.Fatalf("%d spans reached the Agent with statistics off, want every one (%d)", len(spans), 6*statsTraces)
	}
	conf := config.New()
	conf.DefaultEnv = "none"
	agent := agentConcentrator(t, full, conf)
	if len(agent) < 10 {
		t.Fatalf("the Agent's concentrator made %d groups", len(agent))
	}
	if d := cmp.Diff(agent, ours, cmp.AllowUnexported(csGroup{}), cmp.Comparer(func(a, b *ddsk.DDSketch) bool { return true })); d != "" {
		t.Errorf("groups differ (-agent +ours):\n%s", d)
	}
}

func csStatsRequests(a *fakeAgent) []recordedRequest {
	var out []recordedRequest
	for _, r := range a.requests() {
		if r.Path == "/v0.6/stats" {
			out = append(out, r)
		}
	}
	return out
}
