package agent_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/internal/ddsketch"
)

// infoStats is an /info of an Agent that takes client-side statistics, as
// Agent 7.70 answers (trimmed), with peer tags.
const infoStats = `{"version":"7.70.0","endpoints":["/v0.4/traces","/v0.5/traces","/v0.6/stats"],
 "client_drop_p0s":true,"span_events":true,"obfuscation_version":1,
 "config":{"default_env":"agent-env"},"peer_tags":["db.instance","out.host","peer.service"]}`

// The Agent's ClientStatsPayload (pbgo/trace), as its msgp decoder reads
// it: the test decodes strictly (no unknown field, exact types).
type statsPayload struct {
	Hostname, Env, Version string
	Stats                  []statsBucket
	Lang, TracerVersion    string
	RuntimeID              string
	Sequence               uint64
	AgentAggregation       string
	Service, ContainerID   string
	Tags                   []string
	GitCommitSha, ImageTag string
	ProcessTagsHash        uint64
	ProcessTags            string
}

type statsBucket struct {
	Start, Duration uint64
	Stats           []groupedStats
	AgentTimeShift  int64
}

type groupedStats struct {
	Service, Name, Resource     string
	HTTPStatusCode              uint32
	Type, DBType                string
	Hits, Errors, Duration      uint64
	OkSummary, ErrorSummary     []byte
	Synthetics                  bool
	TopLevelHits                uint64
	SpanKind                    string
	PeerTags                    []string
	IsTraceRoot                 int32
	GRPCStatusCode              string
	ok, errs                    *ddsketch.Sketch // decoded summaries
	okCount, errCount, p50, p99 float64
}

type statsRequest struct {
	header  http.Header
	payload statsPayload
}

func (s *standIn) handleStats(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	p, err := decodeStats(body)
	if err != nil {
		s.t.Errorf("the stand-in agent could not decode a stats payload: %v", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.statsReqs = append(s.statsReqs, statsRequest{header: r.Header.Clone(), payload: p})
	n, respond := len(s.statsReqs), s.statsRespond
	s.mu.Unlock()
	if respond != nil {
		respond(w, n)
	}
}

func decodeStats(body []byte) (statsPayload, error) {
	var p statsPayload
	d := msgpack.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields(true)
	if err := d.Decode(&p); err != nil {
		return p, err
	}
	for i := range p.Stats {
		for j := range p.Stats[i].Stats {
			g := &p.Stats[i].Stats[j]
			var err error
			if g.ok, err = ddsketch.Decode(g.OkSummary); err != nil {
				return p, fmt.Errorf("OkSummary: %w", err)
			}
			if g.errs, err = ddsketch.Decode(g.ErrorSummary); err != nil {
				return p, fmt.Errorf("ErrorSummary: %w", err)
			}
			g.okCount, g.errCount = g.ok.Count(), g.errs.Count()
			g.p50, _ = g.ok.Quantile(0.5)
			g.p99, _ = g.ok.Quantile(0.99)
		}
	}
	return p, nil
}

func (s *standIn) stats() []statsRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]statsRequest(nil), s.statsReqs...)
}

// groups returns every group received, by "service|name|resource|kind".
func (s *standIn) groups() map[string]groupedStats {
	out := map[string]groupedStats{}
	for _, r := range s.stats() {
		for _, b := range r.payload.Stats {
			for _, g := range b.Stats {
				k := g.Service + "|" + g.Name + "|" + g.Resource + "|" + g.SpanKind
				if old, ok := out[k]; ok {
					g.Hits += old.Hits
					g.Errors += old.Errors
					g.Duration += old.Duration
					g.TopLevelHits += old.TopLevelHits
				}
				out[k] = g
			}
		}
	}
	return out
}

func (s *standIn) setInfo(info string) {
	s.mu.Lock()
	s.info = info
	s.mu.Unlock()
}

// discovered waits until the exporter's request for /info is over.
func discovered(t *testing.T, exp *agent.Exporter) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := agent.WaitDiscovered(ctx, exp); err != nil {
		t.Fatal("the exporter never finished asking /info")
	}
}

// statsTracer is a tracer exporting to s with client-side statistics on,
// once the exporter has read /info.
func statsTracer(t *testing.T, s *standIn, opts ...agent.Option) (*trace.Tracer, *agent.Exporter) {
	t.Helper()
	exp := agent.New(append([]agent.Option{agent.WithURL(s.url()), agent.WithStatsComputation(true), fastRetries(2)}, opts...)...)
	tr := trace.New(trace.WithService("svc"), trace.WithEnv("prod"), trace.WithVersion("1.2.3"), trace.WithExporter(exp))
	discovered(t, exp)
	return tr, exp
}

func flush(t *testing.T, tr *trace.Tracer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tr.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
}
