package agent_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
)

// TestBurst: 200,000 spans finished at once by 16 goroutines, against a
// healthy agent, with the default settings: every one arrives.
func TestBurst(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("a burst needs full speed: not with -short or -race")
	}
	srv := newStandIn(t)
	srv.countOnly = true
	exp := agent.New(agent.WithURL(srv.url()))
	tr := trace.New(trace.WithService("burst"), trace.WithExporter(exp))
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
	srv.mu.Lock()
	got := srv.counted
	srv.mu.Unlock()
	t.Logf("%d spans finished in %v; %d arrived; tracer %+v; exporter %+v", goroutines*perG, elapsed, got, tr.Stats(), exp.Stats())
	if got != goroutines*perG {
		t.Errorf("%d of %d spans arrived", got, goroutines*perG)
	}
	accounting(t, tr, exp, got)
}
