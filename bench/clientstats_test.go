package bench

// BenchmarkDeliveredStats: BenchmarkDelivered's workload with client-side
// statistics on and 10% of the traces kept, for ours
// (agent.WithStatsComputation) and dd-trace-go (tracer.WithStatsComputation,
// its default): each computes the trace statistics of every trace, sends
// them to /v0.6/stats, and sends only the kept traces. The stand-in Agent
// (in a child process, as for BenchmarkDelivered) allows it: its /info
// lists /v0.6/stats and client_drop_p0s.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tinylib/msgp/msgp"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	ctrace "github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/sampling"
)

// keepShare is the share of traces the samplers keep.
const keepShare = 0.1

// statsAgentEnv, set to 1, makes TestStatsAgentChild serve a stand-in
// Agent that allows client-side statistics (the child process of
// BenchmarkDeliveredStats).
const statsAgentEnv = "BENCH_STATS_AGENT_CHILD"

// statsHitsPath serves the hits counted in the statistics received.
const statsHitsPath = "/_bench/stats-hits"

// statsAgentInfo is the /info of an Agent 7.x that takes client-side
// statistics.
const statsAgentInfo = `{"version":"bench-stand-in","endpoints":["/v0.4/traces","/v0.5/traces","/v0.6/stats"],` +
	`"client_drop_p0s":true,"config":{"default_env":"none"},"peer_tags":["peer.service","db.instance","out.host"]}`

// TestStatsAgentChild is the child process's whole life: it serves the
// stand-in Agent until stdin closes. Run otherwise, it is skipped.
func TestStatsAgentChild(t *testing.T) {
	if os.Getenv(statsAgentEnv) != "1" {
		t.Skip("the stand-in Agent of BenchmarkDeliveredStats's child process")
	}
	a := &standInAgent{}
	var hits, bad atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/info":
			io.Copy(io.Discard, r.Body)
			io.WriteString(w, statsAgentInfo)
		case "/v0.6/stats":
			body, err := io.ReadAll(r.Body)
			n, err2 := statsHits(body)
			if err != nil || err2 != nil {
				bad.Add(1)
				http.Error(w, "undecodable stats payload", http.StatusBadRequest)
				return
			}
			hits.Add(n)
		case statsHitsPath:
			json.NewEncoder(w).Encode(map[string]int64{"hits": hits.Load(), "bad": bad.Load()})
		default:
			a.serveHTTP(w, r) // traces, counts
		}
	}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = l
	srv.Start()
	fmt.Println(srv.URL)
	io.Copy(io.Discard, os.Stdin)
	srv.Close()
}

// statsHits sums the Hits of the groups of a ClientStatsPayload of
// web.request, the root of the workload's trace: one per trace.
func statsHits(b []byte) (int64, error) {
	var hits int64
	err := walkMap(b, func(k string, v []byte) ([]byte, error) {
		if k != "Stats" {
			return msgp.Skip(v)
		}
		return walkArray(v, func(bucket []byte) ([]byte, error) {
			return walkMapRest(bucket, func(k string, v []byte) ([]byte, error) {
				if k != "Stats" {
					return msgp.Skip(v)
				}
				return walkArray(v, func(group []byte) ([]byte, error) {
					var name string
					var n int64
					rest, err := walkMapRest(group, func(k string, v []byte) ([]byte, error) {
						switch k {
						case "Name":
							s, rest, err := msgp.ReadStringBytes(v)
							name = s
							return rest, err
						case "Hits":
							u, rest, err := msgp.ReadUint64Bytes(v)
							n = int64(u)
							return rest, err
						}
						return msgp.Skip(v)
					})
					if name == spanName {
						hits += n
					}
					return rest, err
				})
			})
		})
	})
	return hits, err
}

func walkMap(b []byte, f func(k string, v []byte) ([]byte, error)) error {
	rest, err := walkMapRest(b, f)
	if err == nil && len(rest) != 0 {
		err = fmt.Errorf("%d bytes after the payload", len(rest))
	}
	return err
}

func walkMapRest(b []byte, f func(k string, v []byte) ([]byte, error)) ([]byte, error) {
	n, b, err := msgp.ReadMapHeaderBytes(b)
	for ; err == nil && n > 0; n-- {
		var k string
		if k, b, err = msgp.ReadStringBytes(b); err == nil {
			b, err = f(k, b)
		}
	}
	return b, err
}

func walkArray(b []byte, f func(v []byte) ([]byte, error)) ([]byte, error) {
	n, b, err := msgp.ReadArrayHeaderBytes(b)
	for ; err == nil && n > 0; n-- {
		b, err = f(b)
	}
	return b, err
}

var (
	statsAgentOnce sync.Once
	statsAgent     *agentProcess
	statsAgentErr  error
)

// sharedStatsAgent starts the child stand-in Agent on first use; it ends
// when this process does (its stdin closes).
func sharedStatsAgent() (*agentProcess, error) {
	statsAgentOnce.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			statsAgentErr = err
			return
		}
		cmd := exec.Command(exe, "-test.run=^TestStatsAgentChild$")
		cmd.Env = append(os.Environ(), statsAgentEnv+"=1")
		stdin, url, err := startChild(cmd, "stats stand-in agent process")
		if err != nil {
			statsAgentErr = err
			return
		}
		statsAgent = &agentProcess{cmd: cmd, stdin: stdin, url: url, addr: strings.TrimPrefix(url, "http://")}
	})
	return statsAgent, statsAgentErr
}

// statsHitsOf reads the hits the child counted in statistics payloads.
func statsHitsOf(p *agentProcess) (int64, error) {
	resp, err := countsClient.Get(p.url + statsHitsPath)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var c struct{ Hits, Bad int64 }
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		return 0, err
	}
	if c.Bad != 0 {
		return 0, fmt.Errorf("%d undecodable stats payloads", c.Bad)
	}
	return c.Hits, nil
}

// oursStatsTracer starts ours with statistics on, keeping keep of the
// traces (rules without a rate limit), once the exporter has read /info.
func oursStatsTracer(p *agentProcess, keep float64) *ctrace.Tracer {
	exp := oursAgent(p.url, agent.WithStatsComputation(true))
	tr := ctrace.New(ctrace.WithService("bench"), ctrace.WithLogger(quiet), ctrace.WithExporter(exp),
		ctrace.WithSampler(sampling.NewRules([]sampling.Rule{{SampleRate: keep}}, -1, nil)))
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if _, ok := exp.Info(); ok {
			break
		}
	}
	return tr
}

// ddStatsTracer starts dd-trace-go with statistics on, keeping keep of the
// traces (a rule, its rate limiter out of the way); tracer.Start reads
// /info before it returns.
func ddStatsTracer(tb testing.TB, p *agentProcess, keep float64) {
	tb.Setenv("DD_TRACE_RATE_LIMIT", "1000000000")
	tracer.Start(tracer.WithAgentAddr(p.addr), tracer.WithLogStartup(false), tracer.WithLogger(discardLogger{}),
		tracer.WithService("bench"), tracer.WithStatsComputation(true),
		tracer.WithSamplingRules([]tracer.SamplingRule{tracer.RateRule(keep)}))
}

func shutdownOurs(tb testing.TB, tr *ctrace.Tracer) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		tb.Errorf("Shutdown: %v", err)
	}
}

// BenchmarkDeliveredStats runs BenchmarkDelivered's bursts with client-side
// statistics on and keepShare of the traces kept, and reports, besides
// spans/cpu-s and delivered% (as BenchmarkDelivered), stats%: the traces
// the statistics counted (hits of the root's groups in the payloads the
// Agent received) as a share of the traces started.
func BenchmarkDeliveredStats(b *testing.B) {
	b.Run("ours", func(b *testing.B) {
		runDeliveredStats(b, func(p *agentProcess) (func(), func()) {
			tr := oursStatsTracer(p, keepShare)
			return func() { oursTrace(tr) }, func() { shutdownOurs(b, tr) }
		})
	})
	b.Run("ddtrace", func(b *testing.B) {
		runDeliveredStats(b, func(p *agentProcess) (func(), func()) {
			ddStatsTracer(b, p, keepShare)
			return ddTrace, tracer.Stop
		})
	})
}

func runDeliveredStats(b *testing.B, start func(p *agentProcess) (trace func(), stop func())) {
	b.Helper()
	p, err := sharedStatsAgent()
	if err != nil {
		b.Fatal(err)
	}
	before, err := p.counts()
	if err != nil {
		b.Fatal(err)
	}
	hits0, err := statsHitsOf(p)
	if err != nil {
		b.Fatal(err)
	}
	cpu := bursts(b, func() (func(), func()) { return start(p) })
	after, err := p.counts()
	if err != nil {
		b.Fatal(err)
	}
	hits1, err := statsHitsOf(p)
	if err != nil {
		b.Fatal(err)
	}
	got := after.sub(before)
	b.ReportMetric(100*float64(hits1-hits0)/float64(b.N), "stats%")
	reportDelivered(b, "stand-in agent", got.Spans, got.Bad, cpu)
}

// TestStatsDelivers checks BenchmarkDeliveredStats's setup for both
// tracers: with every trace kept, every span arrives; with none kept, none
// does; either way the statistics count every trace.
func TestStatsDelivers(t *testing.T) {
	p, err := sharedStatsAgent()
	if err != nil {
		t.Fatal(err)
	}
	for _, keep := range []float64{1, 0} {
		for _, c := range []struct {
			name  string
			start func() (func(), func())
		}{
			{"ours", func() (func(), func()) {
				tr := oursStatsTracer(p, keep)
				return func() { oursTrace(tr) }, func() { shutdownOurs(t, tr) }
			}},
			{"ddtrace", func() (func(), func()) {
				ddStatsTracer(t, p, keep)
				return ddTrace, tracer.Stop
			}},
		} {
			before, _ := p.counts()
			hits0, _ := statsHitsOf(p)
			trace, stop := c.start()
			for range 3 {
				trace()
			}
			stop()
			after, err := p.counts()
			if err != nil {
				t.Fatal(err)
			}
			hits1, err := statsHitsOf(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := after.sub(before); got.Spans != int64(keep*3*traceSpans) || got.Bad != 0 || hits1-hits0 != 3 {
				t.Errorf("%s, keeping %v: the agent received %+v and %d hits in statistics; want %v spans and 3 hits",
					c.name, keep, got, hits1-hits0, keep*3*traceSpans)
			}
		}
	}
}
