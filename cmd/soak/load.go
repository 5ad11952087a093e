package main

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
)

const (
	fullWorkers  = 16                     // goroutines at the "full" rate
	treeEvery    = 100                    // at the "full" rate, every treeEvery-th trace is a tree
	treeChildren = 5                      // children of such a tree's root
	sampleEvery  = 250 * time.Millisecond // between rough heap samples
	settleFor    = 5 * time.Second        // how long goroutines and the exporter may take to settle after Shutdown

	// payload is the ~100-byte string tag of every span.
	payload = "soak-payload:0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnop"
)

// rateSpec is one load level: spans per second from one goroutine, or
// (perSecond == 0) fullWorkers goroutines as fast as they can.
type rateSpec struct {
	label     string
	perSecond float64
}

func (r rateSpec) full() bool { return r.perSecond == 0 }

// runConfig is one (mode, rate) run.
type runConfig struct {
	mode      string
	rate      rateSpec
	duration  time.Duration // load time, pauses for the exact heap not included
	budget    int           // passed to trace.WithMemoryBudget when > 0
	shutdown  time.Duration // Shutdown's deadline
	heapEvery time.Duration // between exact live-heap samples
}

// result is what one run measured.
type result struct {
	mode, rate   string
	loadTime     time.Duration // pauses for the exact heap not included
	lat          latencies
	heap         heapFigures
	budget       int
	budgetNote   string
	gBefore      int // goroutines before the stand-in and the tracer
	gAfter       int // after Shutdown and the stand-in's end
	shutdownTook time.Duration
	shutdownErr  error
	settleTook   time.Duration // waiting after Shutdown for SpansQueued to reach 0
	tr           trace.Stats
	exp          agent.Stats
	logs         uint64 // log records at info or above during the run
	checks       []check
}

// runOne runs the load of rc against a fresh stand-in and tracer, shuts
// them down and measures.
func runOne(rc runConfig) (*result, error) {
	res := &result{mode: rc.mode, rate: rc.rate.label}
	n := 1
	if rc.rate.full() {
		n = fullWorkers
	}
	// Made before the baseline, not counted in growth.
	hists := make([]*hist, n)
	for i := range hists {
		hists[i] = new(hist)
	}
	p, reader := newPauser(n), newHeapReader()
	base := reader.exact()
	res.gBefore = runtime.NumGoroutine()
	logsBefore := logCount.Load()

	si, err := startStandIn(rc.mode)
	if err != nil {
		return nil, err
	}
	exp := agent.New(agent.WithURL("http://" + si.addr))
	opts := []trace.Option{trace.WithService("soak"), trace.WithExporter(exp)}
	res.budget, res.budgetNote = budgetFor(rc.budget)
	if rc.budget > 0 {
		opts = append(opts, trace.WithMemoryBudget(rc.budget))
	}
	tr := trace.New(opts...)

	stopWatching := newHeapWatch(tr, p, rc.heapEvery).start()
	elapsed := runLoad(tr, rc, p, hists)
	res.heap = stopWatching()
	res.heap.base = base
	res.loadTime = elapsed - res.heap.paused
	res.heap.end = reader.exact()
	res.heap.peak = max(res.heap.peak, res.heap.end)
	res.heap.budgetPeak = max(res.heap.budgetPeak, tr.Stats().MemoryInUse)

	shutDown(res, rc, tr, exp, si)
	res.logs = logCount.Load() - logsBefore

	for _, h := range hists[1:] {
		hists[0].merge(h)
	}
	res.lat = hists[0].summary()
	res.checks = evaluate(res, rc.rate.full())
	return res, nil
}

// shutDown shuts the tracer down, stops the stand-in, lets the exporter
// and the goroutines settle and reads the final counters.
func shutDown(res *result, rc runConfig, tr *trace.Tracer, exp *agent.Exporter, si *standIn) {
	ctx, cancel := context.WithTimeout(context.Background(), rc.shutdown)
	start := time.Now()
	res.shutdownErr = tr.Shutdown(ctx)
	res.shutdownTook = time.Since(start)
	cancel()
	si.stop()
	// If the deadline passed with a transport stuck, its spans are still
	// pending in the exporter until the transport gives up (the stand-in
	// has just closed its connections).
	res.settleTook = waitQueued(tr, settleFor)
	res.gAfter = waitGoroutines(res.gBefore, settleFor)
	res.tr, res.exp = tr.Stats(), exp.Stats()
}

// runLoad finishes spans for rc.duration, pauses not included, and returns
// how long it took, pauses included.
func runLoad(tr *trace.Tracer, rc runConfig, p *pauser, hists []*hist) time.Duration {
	start := time.Now()
	deadline := start.Add(rc.duration)
	if !rc.rate.full() {
		paced(tr, rc.rate.perSecond, p, deadline, hists[0])
		return time.Since(start)
	}
	var wg sync.WaitGroup
	for _, h := range hists {
		wg.Add(1)
		go func() {
			defer wg.Done()
			flatOut(tr, p, deadline, h)
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// paced finishes perSecond spans a second from the calling goroutine until
// deadline, which moves on by the time spent parked, as does the schedule.
// The run lasts its duration whatever the rate.
func paced(tr *trace.Tracer, perSecond float64, p *pauser, deadline time.Time, h *hist) {
	defer p.done()
	ctx := context.Background()
	interval := time.Duration(float64(time.Second) / perSecond)
	next := time.Now()
	for i := 0; ; {
		if d := p.checkpoint(); d > 0 {
			next, deadline = next.Add(d), deadline.Add(d)
		}
		now := time.Now()
		if !now.Before(deadline) {
			return
		}
		if now.Before(next) {
			p.sleep(min(next.Sub(now), deadline.Sub(now))) // wakes early for a pause
			continue
		}
		oneSpan(ctx, tr, i, h)
		i++
		next = next.Add(interval)
	}
}

// flatOut finishes spans as fast as it can until deadline, which moves on
// by the time spent parked; every treeEvery-th trace is a root with
// treeChildren children.
func flatOut(tr *trace.Tracer, p *pauser, deadline time.Time, h *hist) {
	defer p.done()
	ctx := context.Background()
	for i := 1; ; i++ {
		deadline = deadline.Add(p.checkpoint())
		var end time.Time
		if i%treeEvery == 0 {
			end = tree(ctx, tr, i, h)
		} else {
			end = oneSpan(ctx, tr, i, h)
		}
		if !end.Before(deadline) {
			return
		}
	}
}

func oneSpan(ctx context.Context, tr *trace.Tracer, n int, h *hist) time.Time {
	_, sp := tr.Start(ctx, "soak.op", trace.Resource("/r"))
	setTags(sp, n)
	return timedFinish(sp, h)
}

func tree(ctx context.Context, tr *trace.Tracer, n int, h *hist) time.Time {
	ctx, root := tr.Start(ctx, "soak.op", trace.Resource("/r"))
	setTags(root, n)
	for range treeChildren {
		_, child := tr.Start(ctx, "soak.op", trace.Resource("/r"))
		setTags(child, n)
		timedFinish(child, h)
	}
	return timedFinish(root, h)
}

func setTags(sp *trace.Span, n int) {
	sp.SetTag("soak.kind", "steady")
	sp.SetTag("soak.n", n)
	sp.SetTag("soak.payload", payload)
}

// timedFinish finishes sp, records how long Finish took, and returns when
// it returned.
func timedFinish(sp *trace.Span, h *hist) time.Time {
	t0 := time.Now()
	sp.Finish()
	t1 := time.Now()
	h.record(t1.Sub(t0))
	return t1
}

// waitQueued polls until the tracer holds no span waiting, or for d, and
// returns how long it waited.
func waitQueued(tr *trace.Tracer, d time.Duration) time.Duration {
	start := time.Now()
	for tr.Stats().SpansQueued > 0 && time.Since(start) < d {
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

// waitGoroutines polls until at most want goroutines run, or for d, and
// returns the last count.
func waitGoroutines(want int, d time.Duration) int {
	deadline := time.Now().Add(d)
	for {
		n := runtime.NumGoroutine()
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
}
