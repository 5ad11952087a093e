package agent_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/internal/ddsketch"
)

// requestTrace records one web request: a server root, a failing or
// succeeding database call to another service (a client span with peer
// tags), an internal helper (no statistics) and a measured cache call.
func requestTrace(tr *trace.Tracer, t0 time.Time, rootDur time.Duration, dbErr error, drop bool) {
	ctx, root := tr.Start(context.Background(), "web.request", trace.Resource("GET /posts"), trace.Type("web"),
		trace.Tag("span.kind", "server"), trace.StartTime(t0))
	root.SetTag("http.status_code", 200)
	if drop {
		root.Drop()
	}
	_, db := tr.Start(ctx, "postgres.query", trace.Service("postgres"), trace.Resource("SELECT 1"), trace.Type("sql"),
		trace.Tag("span.kind", "client"), trace.Tag("db.instance", "users"), trace.Tag("out.host", "10.1.2.3"),
		trace.Tag("peer.service", "pg"), trace.StartTime(t0.Add(time.Millisecond)))
	db.Finish(trace.FinishTime(t0.Add(3*time.Millisecond)), trace.WithError(dbErr), trace.StackDepth(0, 0))
	_, helper := tr.Start(ctx, "helper", trace.StartTime(t0))
	helper.Finish(trace.FinishTime(t0.Add(time.Millisecond)))
	_, cache := tr.Start(ctx, "cache.get", trace.Tag("_dd.measured", 1), trace.StartTime(t0))
	cache.Finish(trace.FinishTime(t0.Add(2 * time.Millisecond)))
	root.Finish(trace.FinishTime(t0.Add(rootDur)))
}

func TestClientStatsPayload(t *testing.T) {
	s := newStandIn(t)
	s.setInfo(infoStats)
	tr, exp := statsTracer(t, s)
	t0 := time.Now()
	requestTrace(tr, t0, 5*time.Millisecond, errors.New("boom"), false)
	requestTrace(tr, t0, 7*time.Millisecond, nil, true) // dropped: not sent, but counted
	flush(t, tr)

	reqs := s.stats()
	if len(reqs) != 1 {
		t.Fatalf("%d stats payloads, want 1", len(reqs))
	}
	p := reqs[0].payload
	if p.Env != "prod" || p.Version != "1.2.3" || p.Service != "svc" || p.Lang != "go" ||
		p.TracerVersion != agent.TracerVersion || p.RuntimeID != agent.RuntimeID() || p.Sequence != 1 ||
		p.Hostname != "" || p.ContainerID != "" || len(p.Tags) != 0 || len(p.Stats) != 1 {
		t.Errorf("payload: %+v", p)
	}
	b := p.Stats[0]
	if b.Duration != 10e9 || b.Start%10e9 != 0 || int64(b.Start) > t0.UnixNano() || int64(b.Start)+10e9 <= t0.UnixNano() {
		t.Errorf("bucket %d+%d for spans ending near %d", b.Start, b.Duration, t0.UnixNano())
	}
	if h := reqs[0].header; h.Get("Content-Type") != "application/msgpack" || h.Get("Datadog-Meta-Lang") != "go" {
		t.Errorf("headers %v", h)
	}
	type group struct {
		Hits, Errors, TopLevel, Duration uint64
		Status                           uint32
		Type                             string
		Peers                            []string
		Root                             int32
		OK, Err                          float64
	}
	got := map[string]group{}
	for k, g := range s.groups() {
		got[k] = group{g.Hits, g.Errors, g.TopLevelHits, g.Duration, g.HTTPStatusCode, g.Type, g.PeerTags,
			g.IsTraceRoot, g.okCount, g.errCount}
	}
	ms := uint64(time.Millisecond)
	want := map[string]group{
		"svc|web.request|GET /posts|server": {2, 0, 2, 12 * ms, 200, "web", nil, 1, 2, 0},
		"postgres|postgres.query|SELECT 1|client": {2, 1, 2, 4 * ms, 0, "sql",
			[]string{"db.instance:users", "out.host:blocked-ip-address", "peer.service:pg"}, 2, 1, 1},
		"svc|cache.get|cache.get|": {2, 0, 0, 4 * ms, 0, "", nil, 2, 2, 0},
	}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("groups (-want +got):\n%s", d)
	}
	// The latency distribution: 5 and 7 ms, within 1%.
	root := s.groups()["svc|web.request|GET /posts|server"]
	if lo, _ := root.ok.Quantile(0); math.Abs(lo-5e6) > 0.01*5e6 {
		t.Errorf("p0 %v, want 5ms ± 1%%", lo)
	}
	if hi, _ := root.ok.Quantile(1); math.Abs(hi-7e6) > 0.01*7e6 {
		t.Errorf("p100 %v, want 7ms ± 1%%", hi)
	}

	// The kept trace went out with the Agent told that its statistics
	// are done, and how much was dropped.
	treqs := s.reqs()
	if len(treqs) != 1 || len(treqs[0].traces) != 1 || len(treqs[0].traces[0]) != 4 {
		t.Fatalf("trace payloads: %+v", treqs)
	}
	h := treqs[0].header
	if h.Get("Datadog-Client-Computed-Stats") != "yes" || h.Get("Datadog-Client-Computed-Top-Level") != "yes" ||
		h.Get("Datadog-Client-Dropped-P0-Traces") != "1" || h.Get("Datadog-Client-Dropped-P0-Spans") != "4" {
		t.Errorf("trace payload headers: %v", h)
	}
	shutdown(t, tr)
	es := exp.Stats()
	if es.Dropped.SampledOut != 4 || es.ClientStats.ChunksDropped != 1 || es.ClientStats.Spans != 6 ||
		es.ClientStats.Payloads != 1 || es.ClientStats.Cut != 0 || es.ClientStats.Failed != 0 {
		t.Errorf("stats: %+v", es)
	}
	accounting(t, tr, exp, 4)
}

// TestSampledOut checks which sampled-out chunks are still sent.
func TestSampledOut(t *testing.T) {
	s := newStandIn(t)
	s.setInfo(infoStats)
	tr, exp := statsTracer(t, s, agent.WithSpanSampler(keepByName("kept.op")))
	start := func(name string, opts ...trace.SpanOption) (context.Context, *trace.Span) {
		return tr.Start(context.Background(), name, opts...)
	}
	// Dropped whole.
	ctx, r := start("plain")
	r.Drop()
	_, c := tr.Start(ctx, "plain.child")
	c.Finish()
	r.Finish()
	// An error span keeps the chunk.
	ctx, r = start("with.error")
	r.Drop()
	_, c = tr.Start(ctx, "failing")
	c.Finish(trace.WithError(errors.New("x")), trace.StackDepth(0, 0))
	r.Finish()
	// App Analytics keeps the chunk.
	_, r = start("analytics", trace.Tag("_dd1.sr.eausr", 1))
	r.Drop()
	r.Finish()
	// Single span sampling keeps one span, sent alone.
	ctx, r = start("partly")
	r.Drop()
	_, c = tr.Start(ctx, "kept.op")
	c.Finish()
	r.Finish()
	// A kept trace.
	_, r = start("kept")
	r.Finish()
	flush(t, tr)
	shutdown(t, tr)

	var names []string
	mechanism := map[string]any{}
	for _, sp := range s.spans() {
		names = append(names, sp["name"].(string))
		if m, ok := sp["metrics"].(map[string]any)["_dd.span_sampling.mechanism"]; ok {
			mechanism[sp["name"].(string)] = m
		}
	}
	slices.Sort(names)
	if d := cmp.Diff([]string{"analytics", "failing", "kept", "kept.op", "with.error"}, names); d != "" {
		t.Errorf("spans sent (-want +got):\n%s", d)
	}
	if len(mechanism) != 1 || mechanism["kept.op"] == nil {
		t.Errorf("single span sampling marks: %v", mechanism)
	}
	es := exp.Stats()
	if es.Dropped.SampledOut != 3 || es.ClientStats.ChunksDropped != 1 {
		t.Errorf("dropped %d spans, %d chunks whole; want 3 and 1", es.Dropped.SampledOut, es.ClientStats.ChunksDropped)
	}
	accounting(t, tr, exp, 5)
}

// keepByName is a span sampler that keeps the spans named name.
type keepByName string

func (k keepByName) SampleSpan(s trace.Snapshot) (float64, float64, bool) {
	return 1, 0, s.Name() == string(k)
}

// TestClientStatsNeedAgent: without an Agent that allows them, no
// statistics are computed and every chunk is sent, as without the option.
func TestClientStatsNeedAgent(t *testing.T) {
	for name, setup := range map[string]func(*standIn){
		"no /v0.6/stats": func(s *standIn) { s.setInfo(strings.Replace(infoStats, `,"/v0.6/stats"`, "", 1)) },
		"no client_drop_p0s": func(s *standIn) {
			s.setInfo(strings.Replace(infoStats, `"client_drop_p0s":true`, `"client_drop_p0s":false`, 1))
		},
		"/info garbage":         func(s *standIn) { s.setInfo(`{"endpoints":["/v0.6/stats"],"client_drop_p0s":tr`) },
		"/info wrong types":     func(s *standIn) { s.setInfo(`{"endpoints":"/v0.6/stats","client_drop_p0s":true}`) },
		"/info not an object":   func(s *standIn) { s.setInfo(`["/v0.6/stats"]`) },
		"/info 404":             func(s *standIn) { s.infoStatus = 404 },
		"/info 500":             func(s *standIn) { s.infoStatus = 500 },
		"peer_tags wrong types": func(s *standIn) { s.setInfo(strings.Replace(infoStats, `"peer_tags":[`, `"peer_tags":[1,`, 1)) },
	} {
		t.Run(name, func(t *testing.T) {
			s := newStandIn(t)
			setup(s)
			tr, exp := statsTracer(t, s)
			requestTrace(tr, time.Now(), time.Millisecond, nil, true)
			flush(t, tr)
			shutdown(t, tr)
			if n := len(s.stats()); n != 0 {
				t.Errorf("%d stats payloads", n)
			}
			reqs := s.reqs()
			if len(reqs) != 1 || len(reqs[0].traces) != 1 || len(reqs[0].traces[0]) != 4 {
				t.Fatalf("the dropped trace was not sent: %+v", reqs)
			}
			if h := reqs[0].header.Get("Datadog-Client-Computed-Stats"); h != "" {
				t.Errorf("Datadog-Client-Computed-Stats: %q", h)
			}
			if es := exp.Stats(); es.ClientStats != (agent.ClientStats{}) || es.Dropped.SampledOut != 0 {
				t.Errorf("stats: %+v", es)
			}
		})
	}
}

// TestClientStatsOffByDefault: the environment decides when the option is
// not given, and the option beats it.
func TestClientStatsOffByDefault(t *testing.T) {
	for _, c := range []struct {
		name, env string
		opts      []agent.Option
		want      bool
	}{
		{"default", "", nil, false},
		{"env true", "true", nil, true},
		{"env 1", "1", nil, true},
		{"env false", "false", nil, false},
		{"env garbage", "maybe", nil, false},
		{"option beats env", "true", []agent.Option{agent.WithStatsComputation(false)}, false},
		{"option", "", []agent.Option{agent.WithStatsComputation(true)}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("DD_TRACE_STATS_COMPUTATION_ENABLED", c.env)
			s := newStandIn(t)
			s.setInfo(infoStats)
			exp := agent.New(append([]agent.Option{agent.WithURL(s.url())}, c.opts...)...)
			tr := trace.New(trace.WithService("svc"), trace.WithExporter(exp))
			discovered(t, exp)
			requestTrace(tr, time.Now(), time.Millisecond, nil, true)
			shutdown(t, tr)
			if got := len(s.stats()) == 1; got != c.want {
				t.Errorf("stats sent: %v, want %v", got, c.want)
			}
			if got := len(s.spans()) == 0; got != c.want {
				t.Errorf("the sampled-out trace dropped: %v, want %v", got, c.want)
			}
		})
	}
}

func TestClientStatsMaxGroups(t *testing.T) {
	s := newStandIn(t)
	s.setInfo(infoStats)
	tr, exp := statsTracer(t, s, agent.WithStatsMaxGroups(2))
	for i := range 5 {
		_, sp := tr.Start(context.Background(), "op", trace.Resource(strings.Repeat("r", i+1)))
		sp.Finish()
	}
	shutdown(t, tr)
	var hits uint64
	for _, g := range s.groups() {
		hits += g.Hits
	}
	if n := len(s.groups()); n != 2 || hits != 2 {
		t.Errorf("%d groups, %d hits; want 2 and 2", n, hits)
	}
	if cs := exp.Stats().ClientStats; cs.Cut != 3 || cs.Spans != 2 {
		t.Errorf("%+v: want 3 cut, 2 counted", cs)
	}
}

// TestClientStatsSketch checks the latency distribution the Agent reads
// on many spans: every quantile within 1%.
func TestClientStatsSketch(t *testing.T) {
	s := newStandIn(t)
	s.setInfo(infoStats)
	tr, _ := statsTracer(t, s)
	t0 := time.Now()
	var durs []float64
	for i := range 1000 {
		d := time.Duration(math.Exp(float64(i%97)/10)) * time.Microsecond
		durs = append(durs, float64(d))
		_, sp := tr.Start(context.Background(), "op", trace.StartTime(t0))
		sp.Finish(trace.FinishTime(t0.Add(d)))
	}
	shutdown(t, tr)
	g := s.groups()["svc|op|op|"]
	if g.Hits != 1000 || g.okCount != 1000 {
		t.Fatalf("%d hits, %v in the sketch", g.Hits, g.okCount)
	}
	slices.Sort(durs)
	for _, q := range []float64{0, 0.5, 0.9, 0.99, 1} {
		got, _ := g.ok.Quantile(q)
		want := durs[int(q*float64(len(durs)-1))]
		// 1% for the sketch, and 1/512 for the 10-bit mantissa the Agent
		// keeps of each duration.
		if math.Abs(got-want) > (ddsketch.RelativeAccuracy+1.0/512)*want {
			t.Errorf("q%v = %v, want %v", q, got, want)
		}
	}
}
