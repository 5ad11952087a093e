package interop

// Client-side statistics (exporter/agent's WithStatsComputation) against
// dd-trace-go v1.74.8 with its stats computation on: the same workload
// through each tracer, each to its own stand-in Agent whose /info allows
// them, the /v0.6/stats payloads decoded with the Agent's own types
// (pbgo/trace.ClientStatsPayload's msgp decoder, the latency sketches with
// sketches-go), and compared group by group. clientstats_agent_test.go
// compares ours with the Agent's own concentrator.

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	"github.com/DataDog/datadog-agent/pkg/trace/config"
	ddsk "github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/pb/sketchpb"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"

	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

// statsTraces is how many traces the workload records: a third kept, the
// rest dropped by manual.drop (a seventh of them with an error span).
const statsTraces = 120

// csInfo is the /info of an Agent 7.x that takes client-side statistics;
// its peer tags are the Agent's own defaults (what its /info lists).
func csInfo(t *testing.T) string {
	b, err := json.Marshal(map[string]any{
		"version":             "7.70.0",
		"endpoints":           []string{"/v0.3/traces", "/v0.4/traces", "/v0.6/stats", "/v0.7/traces", "/telemetry/proxy/"},
		"client_drop_p0s":     true,
		"span_meta_structs":   true,
		"obfuscation_version": 1,
		"config":              map[string]any{"default_env": "none", "statsd_port": 8125},
		"peer_tags":           config.New().ConfiguredPeerTags(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestStatsWorkloadsIdentical(t *testing.T) {
	dd := funcSource(t, "clientstats_dd_test.go", "ddStatsWorkload")
	ours := funcSource(t, "clientstats_ours_test.go", "oursStatsWorkload")
	if dd != ours {
		t.Errorf("ddStatsWorkload and oursStatsWorkload differ; keep them identical\n--- dd\n%s\n--- ours\n%s", dd, ours)
	}
}

// csGroup is one group's statistics, keyed by csKey, with its sketches'
// counts and quantiles as sketches-go reads them.
type csGroup struct {
	Hits, Errors, Duration, TopLevelHits uint64
	OK, Err                              string // count and quantiles of each sketch
	ok, err                              *ddsk.DDSketch
}

func (g *csGroup) add(o *pb.ClientGroupedStats) error {
	g.Hits += o.Hits
	g.Errors += o.Errors
	g.Duration += o.Duration
	g.TopLevelHits += o.TopLevelHits
	for _, s := range []struct {
		b   []byte
		dst **ddsk.DDSketch
	}{{o.OkSummary, &g.ok}, {o.ErrorSummary, &g.err}} {
		var msg sketchpb.DDSketch
		if err := proto.Unmarshal(s.b, &msg); err != nil {
			return err
		}
		sk, err := ddsk.FromProto(&msg)
		if err != nil {
			return err
		}
		if *s.dst == nil {
			*s.dst = sk
		} else if err := (*s.dst).MergeWith(sk); err != nil {
			return err
		}
	}
	g.OK, g.Err = csSketchString(g.ok), csSketchString(g.err)
	return nil
}

func csSketchString(s *ddsk.DDSketch) string {
	if s.IsEmpty() {
		return "empty"
	}
	q, _ := s.GetValuesAtQuantiles([]float64{0, 0.5, 0.9, 0.99, 1})
	return fmt.Sprintf("n=%v q=%.6g", s.GetCount(), q)
}

// csKey is the Agent's aggregation key of a group, with its bucket.
func csKey(b *pb.ClientStatsBucket, g *pb.ClientGroupedStats) string {
	peers := slices.Clone(g.PeerTags)
	slices.Sort(peers)
	return fmt.Sprintf("bucket=%d service=%s name=%s resource=%q type=%s kind=%s status=%d grpc=%q root=%d synthetics=%v peers=%v",
		b.Start, g.Service, g.Name, g.Resource, g.Type, g.SpanKind, g.HTTPStatusCode, g.GRPCStatusCode, g.IsTraceRoot,
		g.Synthetics, peers)
}

// csStats decodes every /v0.6/stats payload a stand-in received, with the
// Agent's msgp decoder, and returns the groups by key (merged across
// payloads) and the payloads without their buckets.
func csStats(t *testing.T, a *fakeAgent) (map[string]*csGroup, []*pb.ClientStatsPayload) {
	t.Helper()
	groups := map[string]*csGroup{}
	var payloads []*pb.ClientStatsPayload
	for _, r := range a.requests() {
		if r.Path != "/v0.6/stats" {
			continue
		}
		p := &pb.ClientStatsPayload{}
		if rest, err := p.UnmarshalMsg(r.Body); err != nil || len(rest) != 0 {
			t.Fatalf("the Agent's decoder: %v (%d bytes left)", err, len(rest))
		}
		for _, b := range p.Stats {
			if b.Duration != 10e9 || b.Start%10e9 != 0 {
				t.Errorf("bucket %d+%d", b.Start, b.Duration)
			}
			for _, g := range b.Stats {
				k := fmt.Sprintf("env=%s version=%s host=%s %s", p.Env, p.Version, p.Hostname, csKey(b, g))
				if groups[k] == nil {
					groups[k] = &csGroup{}
				}
				if err := groups[k].add(g); err != nil {
					t.Fatalf("%s: %v", k, err)
				}
			}
		}
		p.Stats = nil
		payloads = append(payloads, p)
	}
	return groups, payloads
}

// csSent returns the spans sent in trace payloads, as "trace index:name"
// (the index from the root's start, t0 + 7ms·i), the sums of the
// dropped-P0 headers, and how many payloads lack
// Datadog-Client-Computed-Stats: yes.
func csSent(t *testing.T, a *fakeAgent, t0 time.Time) (spans []string, p0Traces, p0Spans, unmarked int) {
	t.Helper()
	for _, r := range a.traceRequests() {
		var n, m int
		fmt.Sscan(r.Header.Get("Datadog-Client-Dropped-P0-Traces"), &n)
		fmt.Sscan(r.Header.Get("Datadog-Client-Dropped-P0-Spans"), &m)
		p0Traces, p0Spans = p0Traces+n, p0Spans+m
		if r.Header.Get("Datadog-Client-Computed-Stats") != "yes" {
			unmarked++
		}
		traces, err := decodeV04(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range traces {
			var first int64 = -1
			for _, s := range tr {
				if first < 0 || s.Start < first {
					first = s.Start
				}
			}
			i := (first - t0.UnixNano()) / int64(7*time.Millisecond)
			for _, s := range tr {
				spans = append(spans, fmt.Sprintf("%03d:%s", i, s.Name))
			}
		}
	}
	slices.Sort(spans)
	return spans, p0Traces, p0Spans, unmarked
}

// TestClientStatsSameAsDD runs the workload through dd-trace-go and ours
// and compares what each sends.
func TestClientStatsSameAsDD(t *testing.T) {
	info := csInfo(t)
	t0 := time.Now().Add(20 * time.Second) // in the future: no bucket clamped to "the oldest" on either side
	ddAgent, ourAgent := newFakeAgent(t, info), newFakeAgent(t, info)
	ddStatsWorkload(ddAgent.addr(), t0, ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	oursStatsWorkload(ourAgent.addr(), t0)

	ddGroups, ddPayloads := csStats(t, ddAgent)
	ourGroups, ourPayloads := csStats(t, ourAgent)
	if len(ourGroups) < 10 {
		t.Fatalf("only %d groups", len(ourGroups))
	}
	if d := cmp.Diff(ddGroups, ourGroups, cmp.AllowUnexported(csGroup{}), cmp.Comparer(func(a, b *ddsk.DDSketch) bool { return true })); d != "" {
		t.Errorf("statistics groups differ (-dd +ours):\n%s", d)
	}
	var hits uint64
	for _, g := range ourGroups {
		hits += g.Hits
	}
	// Per trace: the root, the database call, the RPC, the cache, the
	// producer; the internal render span has none.
	if hits != 5*statsTraces {
		t.Errorf("%d hits, want %d", hits, 5*statsTraces)
	}

	// The payloads' own fields: the same, but for what dd-trace-go leaves
	// empty and ours fills in (the differences listed in exporter/agent's
	// package documentation).
	if len(ddPayloads) == 0 || len(ourPayloads) == 0 {
		t.Fatalf("payloads: %d dd, %d ours", len(ddPayloads), len(ourPayloads))
	}
	for i, p := range ourPayloads {
		if p.Service != "checkout" || p.Lang != "go" || !strings.HasPrefix(p.TracerVersion, "ctxtrace/") ||
			len(p.RuntimeID) != 36 || p.Sequence != uint64(i+1) {
			t.Errorf("our payload %d: %+v", i, p)
		}
		p.Service, p.Lang, p.TracerVersion, p.RuntimeID, p.Sequence = "", "", "", "", 0
	}
	for _, p := range ddPayloads {
		p.Tags = nil // dd-trace-go sends nil, ours an empty array: the same on the wire's decoder side
	}
	for _, p := range ourPayloads {
		p.Tags = nil
	}
	if d := cmp.Diff(ddPayloads[0], ourPayloads[0], cmp.Comparer(proto.Equal)); d != "" {
		t.Errorf("payload fields differ (-dd +ours):\n%s", d)
	}

	// The same spans are sent: the kept traces, and the dropped ones
	// that have an error span, whole.
	ddSpans, ddP0Traces, ddP0Spans, ddUnmarked := csSent(t, ddAgent, t0)
	ourSpans, ourP0Traces, ourP0Spans, ourUnmarked := csSent(t, ourAgent, t0)
	// Every payload of ours says its statistics are computed. dd-trace-go's
	// last payload, which Stop flushes after it has made the global tracer
	// a no-op one, does not say so (the no-op tracer's configuration says
	// no statistics): an Agent would count those traces a second time.
	if ourUnmarked != 0 {
		t.Errorf("%d of our trace payloads lack Datadog-Client-Computed-Stats: yes", ourUnmarked)
	}
	t.Logf("dd-trace-go: %d of %d trace payloads lack Datadog-Client-Computed-Stats: yes", ddUnmarked, len(ddAgent.traceRequests()))
	if d := cmp.Diff(ddSpans, ourSpans); d != "" {
		t.Errorf("spans sent differ (-dd +ours):\n%s", d)
	}
	dropped, errorKept := 0, 0
	for i := range statsTraces {
		switch {
		case i%3 == 0:
		case i%7 == 0:
			errorKept++
		default:
			dropped++
		}
	}
	if want := 6 * (statsTraces - dropped); len(ourSpans) != want {
		t.Errorf("%d spans sent, want %d", len(ourSpans), want)
	}
	// dd-trace-go also counts, as dropped, the spans of the sampled-out
	// chunks it sends because of an error; ours counts what it drops.
	if ourP0Traces != dropped || ourP0Spans != 6*dropped || ddP0Traces != dropped || ddP0Spans != 6*(dropped+errorKept) {
		t.Errorf("dropped-P0 headers: ours %d traces %d spans, dd %d traces %d spans; want %d, %d and %d, %d",
			ourP0Traces, ourP0Spans, ddP0Traces, ddP0Spans, dropped, 6*dropped, dropped, 6*(dropped+errorKept))
	}

	// Headers of the stats requests: dd-trace-go obfuscates resources
	// itself when the Agent's obfuscation_version allows, and says so;
	// ours leaves it to the Agent.
	for _, a := range []*fakeAgent{ddAgent, ourAgent} {
		for _, r := range a.requests() {
			if r.Path != "/v0.6/stats" {
				continue
			}
			obf := r.Header.Get("Datadog-Obfuscation-Version")
			if r.Header.Get("Content-Type") != "application/msgpack" || r.Header.Get("Datadog-Meta-Lang") != "go" ||
				(a == ddAgent) != (obf == "1") {
				t.Errorf("stats request headers (dd: %v): %v", a == ddAgent, r.Header)
			}
		}
	}
}

// TestClientStatsWithoutDropP0s: an Agent that serves /v0.6/stats but
// does not let clients drop sampled-out traces. dd-trace-go then tells it
// that the statistics are computed (Datadog-Client-Computed-Stats: yes)
// and computes none (it computes them only when it may drop P0s), so
// nobody counts those traces; ours leaves the statistics to the Agent.
func TestClientStatsWithoutDropP0s(t *testing.T) {
	info := strings.Replace(csInfo(t), `"client_drop_p0s":true`, `"client_drop_p0s":false`, 1)
	ddAgent, ourAgent := newFakeAgent(t, info), newFakeAgent(t, info)

	ddtracer.Start(ddtracer.WithAgentAddr(ddAgent.addr()), ddtracer.WithStatsComputation(true),
		ddtracer.WithLogStartup(false), ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	ddtracer.StartSpan("op").Finish()
	// Sent while the tracer is live (see TestClientStatsSameAsDD on Stop's
	// payload): dd-trace-go's Flush hands the payload to a goroutine.
	ddtracer.Flush()
	for deadline := time.Now().Add(10 * time.Second); len(ddAgent.traceRequests()) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("dd-trace-go sent no trace payload")
		}
	}
	ddtracer.Stop()
	oursStatsWorkload(ourAgent.addr(), time.Now())

	for name, a := range map[string]*fakeAgent{"dd": ddAgent, "ours": ourAgent} {
		reqs := a.traceRequests()
		if len(reqs) == 0 {
			t.Fatalf("%s: no trace payload", name)
		}
		claimed := reqs[0].Header.Get("Datadog-Client-Computed-Stats") == "yes"
		stats := len(csStatsRequests(a))
		t.Logf("%s: Datadog-Client-Computed-Stats: %v, %d stats payloads", name, claimed, stats)
		if want := name == "dd"; claimed != want || stats != 0 {
			t.Errorf("%s: claimed computed statistics: %v (want %v), %d stats payloads (want 0)", name, claimed, want, stats)
		}
	}
	if spans, _, _, _ := csSent(t, ourAgent, time.Time{}); len(spans) != 6*statsTraces {
		t.Errorf("ours sent %d spans, want every one (%d)", len(spans), 6*statsTraces)
	}
}
