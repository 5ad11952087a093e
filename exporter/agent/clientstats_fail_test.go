package agent_test

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
)

// TestClientStatsEndpointFails: a stats endpoint that fails is retried and
// then counted; the traces are not held up.
func TestClientStatsEndpointFails(t *testing.T) {
	s := newStandIn(t)
	s.setInfo(infoStats)
	s.statsRespond = func(w http.ResponseWriter, n int) { w.WriteHeader(http.StatusServiceUnavailable) }
	tr, exp := statsTracer(t, s)
	requestTrace(tr, time.Now(), time.Millisecond, nil, false)
	requestTrace(tr, time.Now(), time.Millisecond, nil, true)
	shutdown(t, tr)
	if n := len(s.stats()); n != 3 {
		t.Errorf("%d attempts, want 3 (2 retries)", n)
	}
	es := exp.Stats()
	if es.ClientStats.Failed != 1 || es.ClientStats.Payloads != 0 || es.SpansSent != 4 || es.Dropped.SampledOut != 4 {
		t.Errorf("stats: %+v", es)
	}
}

// TestClientStatsRefused: an Agent that answers 404 (or another 4xx) at
// /v0.6/stats does not take them after all: the exporter stops computing
// statistics and sends every trace again, for the Agent to count.
func TestClientStatsRefused(t *testing.T) {
	s := newStandIn(t)
	s.setInfo(infoStats)
	s.statsRespond = func(w http.ResponseWriter, n int) { http.NotFound(w, nil) }
	logs := &logRecorder{}
	tr, exp := statsTracer(t, s, agent.WithLogger(slog.New(logs)))
	requestTrace(tr, time.Now(), time.Millisecond, nil, true) // dropped: statistics still on
	flush(t, tr)
	requestTrace(tr, time.Now(), time.Millisecond, nil, true) // sent: statistics off
	flush(t, tr)
	shutdown(t, tr)
	if n := len(s.stats()); n != 1 {
		t.Errorf("%d stats payloads, want 1 (no retry of a 404, none after)", n)
	}
	reqs := s.reqs()
	if len(reqs) != 1 || len(reqs[0].traces) != 1 {
		t.Fatalf("trace payloads: %+v", reqs)
	}
	h := reqs[0].header
	if h.Get("Datadog-Client-Computed-Stats") != "" || h.Get("Datadog-Client-Dropped-P0-Traces") != "1" {
		t.Errorf("headers after the refusal: %v", h)
	}
	if es := exp.Stats(); es.ClientStats.Failed != 1 || es.Dropped.SampledOut != 4 || es.SpansSent != 4 {
		t.Errorf("stats: %+v", es)
	}
	if logs.count("refused client-side statistics") != 1 {
		t.Errorf("logs: %v", logs.msgs)
	}
}

// TestClientStatsShutdownDeadline: a stats endpoint that never answers
// does not hold Shutdown past its deadline, and leaves no goroutine.
func TestClientStatsShutdownDeadline(t *testing.T) {
	before := runtime.NumGoroutine()
	s := newStandIn(t)
	s.setInfo(infoStats)
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	s.statsRespond = func(w http.ResponseWriter, n int) { <-release }
	tr, _ := statsTracer(t, s, agent.WithLogger(slog.New(&logRecorder{})))
	requestTrace(tr, time.Now(), time.Millisecond, nil, false)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := tr.Shutdown(ctx); err == nil {
		t.Error("Shutdown met its deadline with the statistics still unsent")
	}
	once.Do(func() { close(release) })
	s.srv.Close()
	waitGoroutines(t, before)
}

// TestClientStatsConcurrent exports from many goroutines at once, with
// statistics on: every span is counted once.
func TestClientStatsConcurrent(t *testing.T) {
	s := newStandIn(t)
	s.setInfo(infoStats)
	s.countOnly = true
	tr, exp := statsTracer(t, s)
	const goroutines, traces = 8, 300
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range traces {
				ctx, root := tr.Start(context.Background(), "web.request")
				if (g+i)%10 != 0 {
					root.Drop()
				}
				_, c := tr.Start(ctx, "db", trace.Service("db"))
				c.Finish()
				root.Finish()
			}
		})
	}
	wg.Wait()
	shutdown(t, tr)
	g := s.groups()
	if g["svc|web.request|web.request|"].Hits != goroutines*traces || g["db|db|db|"].Hits != goroutines*traces {
		t.Errorf("groups: %+v", g)
	}
	es := exp.Stats()
	if es.ClientStats.Spans != 2*goroutines*traces || es.SpansSent != 2*goroutines*traces/10 {
		t.Errorf("stats: %+v", es)
	}
	accounting(t, tr, exp, -1)
}
