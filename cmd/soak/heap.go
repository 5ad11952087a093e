package main

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctxtrace/trace"
)

// The live heap is measured two ways while the load runs.
//
// Exactly, every -heap-every: the workers are stopped between two
// iterations (pauser), runtime.GC runs twice and /gc/heap/live:bytes is
// read. With nothing allocating and a complete cycle just done, that is
// the heap the program holds; the memory check uses it.
//
// Roughly, every sampleEvery, without forcing a GC: /gc/heap/live:bytes
// (what the last cycle marked, objects allocated during it included) and
// /memory/classes/heap/objects:bytes (which adds the garbage not yet
// swept). Both count garbage; they are printed only.

const (
	liveMetric    = "/gc/heap/live:bytes"
	objectsMetric = "/memory/classes/heap/objects:bytes"
)

// heapFigures are in bytes.
type heapFigures struct {
	base    uint64        // exact live heap before the run
	peak    uint64        // most exact live heap: paused samples and end
	end     uint64        // exact live heap at the end of the load
	samples int           // exact samples taken during the load
	paused  time.Duration // time the workers spent stopped for them

	roughLive    uint64 // most /gc/heap/live:bytes without a forced GC
	roughObjects uint64 // most heap objects without a forced GC

	budgetPeak uint64 // most trace.Stats.MemoryInUse seen
}

type heapReader struct{ samples []metrics.Sample }

func newHeapReader() *heapReader {
	return &heapReader{samples: []metrics.Sample{{Name: liveMetric}, {Name: objectsMetric}}}
}

// read returns the two metrics; after runtime.GC both are the live heap.
func (r *heapReader) read() (live, objects uint64) {
	metrics.Read(r.samples)
	return sampleValue(r.samples[0]), sampleValue(r.samples[1])
}

// exact runs two GCs and returns the live heap.
func (r *heapReader) exact() uint64 {
	runtime.GC()
	runtime.GC()
	live, _ := r.read()
	return live
}

func sampleValue(s metrics.Sample) uint64 {
	if s.Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s.Value.Uint64()
}

// pauser stops the load's workers between iterations. Each worker calls
// checkpoint at the top of its loop and done when it returns; pause
// returns once every worker still running is parked in checkpoint, and
// resume lets them go on.
type pauser struct {
	want atomic.Bool   // a pause is on; changed under mu only
	kick chan struct{} // wakes a paced worker sleeping until its next span

	mu       sync.Mutex
	running  int           // workers that have not returned
	parked   int           // of which waiting in checkpoint
	all      chan struct{} // closed once parked == running during a pause
	release  chan struct{} // closed by resume
	pausedAt time.Time
	paused   time.Duration // total of the pauses that stopped a worker
}

func newPauser(workers int) *pauser {
	return &pauser{running: workers, kick: make(chan struct{}, 1)}
}

// checkpoint parks the calling worker while a pause is on, and returns how
// long it was parked.
func (p *pauser) checkpoint() time.Duration {
	if !p.want.Load() {
		return 0
	}
	p.mu.Lock()
	if !p.want.Load() {
		p.mu.Unlock()
		return 0
	}
	p.parked++
	if p.parked == p.running {
		close(p.all)
	}
	release := p.release
	p.mu.Unlock()
	t0 := time.Now()
	<-release
	return time.Since(t0)
}

// done tells p that the calling worker has returned.
func (p *pauser) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running--
	if p.want.Load() && p.parked == p.running {
		close(p.all)
	}
}

// sleep waits for d, or until a pause is asked for.
func (p *pauser) sleep(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-p.kick:
	}
}

// pause returns once every running worker is parked.
func (p *pauser) pause() {
	p.mu.Lock()
	p.all, p.release, p.parked = make(chan struct{}), make(chan struct{}), 0
	p.pausedAt = time.Now()
	p.want.Store(true)
	if p.running == 0 {
		close(p.all)
	}
	all := p.all
	p.mu.Unlock()
	select {
	case p.kick <- struct{}{}:
	default:
	}
	<-all
}

// resume ends the pause.
func (p *pauser) resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.want.Store(false)
	close(p.release)
	if p.parked > 0 {
		p.paused += time.Since(p.pausedAt)
	}
}

// pausedFor returns the time the pauses stopped the workers.
func (p *pauser) pausedFor() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused
}

// heapWatch samples the heap and the tracer's memory budget while the load
// runs.
type heapWatch struct {
	tr    *trace.Tracer
	p     *pauser
	every time.Duration // between exact samples
	r     *heapReader
	figs  heapFigures
}

func newHeapWatch(tr *trace.Tracer, p *pauser, every time.Duration) *heapWatch {
	return &heapWatch{tr: tr, p: p, every: every, r: newHeapReader()}
}

// start samples until the returned function is called; that returns the
// figures gathered (peak, samples, paused, rough*, budgetPeak).
func (w *heapWatch) start() (stop func() heapFigures) {
	quit, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		rough, exact := time.NewTicker(sampleEvery), time.NewTicker(w.every)
		defer rough.Stop()
		defer exact.Stop()
		for {
			w.glance()
			select {
			case <-rough.C:
			case <-exact.C:
				w.exact()
			case <-quit:
				return
			}
		}
	}()
	return func() heapFigures {
		close(quit)
		<-ended
		w.figs.paused = w.p.pausedFor()
		return w.figs
	}
}

// glance reads the heap without a GC, and the budget in use.
func (w *heapWatch) glance() {
	live, objects := w.r.read()
	w.figs.roughLive = max(w.figs.roughLive, live)
	w.figs.roughObjects = max(w.figs.roughObjects, objects)
	w.figs.budgetPeak = max(w.figs.budgetPeak, w.tr.Stats().MemoryInUse)
}

// exact stops the workers, measures the live heap and lets them go on.
func (w *heapWatch) exact() {
	w.p.pause()
	live := w.r.exact()
	inUse := w.tr.Stats().MemoryInUse
	w.p.resume()
	w.figs.samples++
	w.figs.peak = max(w.figs.peak, live)
	w.figs.budgetPeak = max(w.figs.budgetPeak, inUse)
}
