package main

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSoakRuns runs the soak briefly against a healthy and a down stand-in,
// at both rates. It checks that the program runs and that, after Shutdown,
// every span is accounted for; timing, latency and memory figures depend on
// the machine and are not asserted.
func TestSoakRuns(t *testing.T) {
	var out bytes.Buffer
	results, err := run([]string{"-mode=healthy,down", "-rate=5,full", "-duration=300ms", "-shutdown=1s",
		"-heap-every=100ms", "-quiet"}, &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 4 {
		t.Fatalf("%d runs, want 4", len(results))
	}
	for _, r := range results {
		if r.tr.SpansStarted == 0 {
			t.Errorf("%s/%s: no span started", r.mode, r.rate)
		}
		if c := r.check("accounting"); !c.ok {
			t.Errorf("%s/%s: accounting: %s", r.mode, r.rate, c.detail)
		}
		// How many samples fit in the run depends on the machine's load;
		// the end-of-load measure is always taken.
		if r.heap.peak == 0 || r.heap.paused < 0 {
			t.Errorf("%s/%s: exact heap peak %d, paused %v", r.mode, r.rate, r.heap.peak, r.heap.paused)
		}
	}
	if !strings.Contains(out.String(), "== summary") {
		t.Error("no summary printed")
	}
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{{"-mode=nope"}, {"-rate=0"}, {"-rate=fast"}, {"-duration=0"}, {"-heap-every=0"},
		{"-budget=-1"}, {"extra"}} {
		if _, err := run(args, new(bytes.Buffer)); err == nil {
			t.Errorf("run(%q) accepted bad flags", args)
		}
	}
}

// TestPauser checks that pause returns only once every running worker is
// parked, that none moves on until resume, and that a worker returning
// during a pause does not hold it up.
func TestPauser(t *testing.T) {
	const workers = 8
	p := newPauser(workers)
	var iterations atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer p.done()
			for i := 0; ; i++ {
				p.checkpoint()
				select {
				case <-stop:
					return
				default:
				}
				if w == 0 && i == 1000 {
					return // one worker ends early
				}
				iterations.Add(1)
			}
		}()
	}
	for range 50 {
		p.pause()
		n := iterations.Load()
		time.Sleep(time.Millisecond)
		if m := iterations.Load(); m != n {
			t.Fatalf("workers went on while paused: %d then %d iterations", n, m)
		}
		p.resume()
	}
	close(stop)
	wg.Wait()
	p.pause() // no worker left: returns at once
	p.resume()
	if p.pausedFor() <= 0 {
		t.Error("no time counted as paused")
	}
}

func TestHist(t *testing.T) {
	var h hist
	for v := range 1000 {
		h.record(time.Duration(1000 + v))
	}
	h.record(5_000_000)
	s := h.summary()
	if s.n != 1001 || s.peak != 5_000_000 {
		t.Errorf("n %d max %v", s.n, s.peak)
	}
	// Quantiles are upper bounds within 1/32 of the true value.
	for _, c := range []struct {
		q    float64
		want int64
	}{{0.5, 1500}, {0.99, 1990}} {
		got := int64(h.quantile(c.q))
		if got < c.want || got > c.want+c.want/32+1 {
			t.Errorf("quantile(%v) = %d, want within 3%% above %d", c.q, got, c.want)
		}
	}
	for i := range numBuckets {
		lo, hi := bucketRange(i)
		if bucketOf(lo) != i || bucketOf(hi) != i {
			t.Fatalf("bucket %d: range [%d, %d] maps to %d, %d", i, lo, hi, bucketOf(lo), bucketOf(hi))
		}
	}
}
