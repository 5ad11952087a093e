package agent_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
)

// TestBurst: 200,000 spans finished at once by 16 goroutines, against a
// healthy agent in another process, with the default settings (a 32 MiB
// memory budget): every one arrives.
func TestBurst(t *testing.T) {
	// Whether a burst drains in time depends on the machine being the
	// test's: beside other packages' tests (go test ./... runs them in
	// parallel) it measures them, not the tracer. Run it on its own:
	//	TRACE_LOAD_TESTS=1 go test -run 'TestBurst$' ./exporter/agent
	if os.Getenv("TRACE_LOAD_TESTS") == "" || testing.Short() || raceEnabled || testing.CoverMode() != "" {
		t.Skip("a load test: set TRACE_LOAD_TESTS=1, without -short, -race or -cover")
	}
	srv := newChildStandIn(t)
	exp := agent.New(agent.WithURL(srv.url))
	tr := trace.New(trace.WithService("burst"), trace.WithExporter(exp))
	// A program starts its tracer before its bursts: by then the Agent's
	// /info has offered v0.5, whose spans take a third of the memory.
	waitInfo(t, exp)
	const goroutines, perG = 16, 12_500
	start := time.Now()
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range perG {
				_, s := tr.Start(context.Background(), "op", trace.Resource("/burst"))
				s.SetTag("k", "v")
				s.SetTag("n", 1)
				s.Finish()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	shutdown(t, tr)
	got := srv.count(t)
	t.Logf("%d spans finished in %v; %d arrived; tracer %+v; exporter %+v", goroutines*perG, elapsed, got, tr.Stats(), exp.Stats())
	if got != goroutines*perG {
		t.Errorf("%d of %d spans arrived", got, goroutines*perG)
	}
	accounting(t, tr, exp, got)
}

// TestOutage: the agent answers 500 for three seconds while spans keep
// finishing; with the default settings, they all arrive once it recovers.
func TestOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("a three-second outage")
	}
	srv := newStandIn(t)
	srv.countOnly = true
	var down atomic.Bool
	down.Store(true)
	srv.setRespond(func(w http.ResponseWriter, _ *http.Request, _ int) {
		if down.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		io.WriteString(w, `{}`)
	})
	logs := &logRecorder{}
	// Short flush intervals, so that payloads meet the outage; the retry
	// policy is the default.
	exp := agent.New(agent.WithURL(srv.url()), agent.WithLogger(slog.New(logs)), agent.WithFlushInterval(100*time.Millisecond))
	tr := trace.New(trace.WithExporter(exp), trace.WithFlushInterval(100*time.Millisecond))
	const perSecond, seconds = 3000, 3
	start := time.Now()
	for i := range perSecond * seconds {
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
		if i%perSecond == perSecond-1 {
			time.Sleep(time.Until(start.Add(time.Duration(i/perSecond+1) * time.Second)))
		}
	}
	down.Store(false)
	shutdown(t, tr)
	srv.mu.Lock()
	got := srv.counted
	srv.mu.Unlock()
	if got != perSecond*seconds {
		t.Errorf("%d of %d spans arrived after a %ds outage; exporter %+v", got, perSecond*seconds, seconds, exp.Stats())
	}
	if st := exp.Stats(); st.Retries == 0 {
		t.Error("no retries during the outage")
	}
	if n := logs.count("could not send"); n != 0 {
		t.Errorf("%d payloads given up on", n)
	}
	accounting(t, tr, exp, got)
}

// waitInfo waits for the Agent's /info to have answered.
func waitInfo(t *testing.T, exp *agent.Exporter) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, ok := exp.Info(); ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the stand-in agent's /info never answered")
		}
	}
}
