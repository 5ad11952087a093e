package profiler

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"runtime/pprof"
	"slices"
	"time"
)

// profile is one collected profile: its file name and its data.
type profile struct {
	pt   ProfileType
	name string // the part and file name: cpu.pprof, delta-heap.pprof, ...
	data []byte
}

// collect ends period c at now: it collects the heap, block, mutex,
// goroutine and metrics profiles, then stops the CPU profile (last, so that
// it sees the collection's own work, as in dd-trace-go) and the execution
// trace, and returns the batch to upload.
func (p *profiler) collect(c *cycle, now time.Time) *batch {
	bat := &batch{seq: c.seq, start: c.start, end: now, traceEnabled: p.cfg.trace.enabled}
	for _, t := range []ProfileType{HeapProfile, BlockProfile, MutexProfile, GoroutineProfile, MetricsProfile} {
		if !p.cfg.has(t) {
			continue
		}
		began := time.Now()
		prof, err := p.collectOne(t, now)
		if err != nil {
			p.collectError(t, err)
			continue
		}
		p.cfg.timing("datadog.profiling.go.collect_time", time.Since(began), append(slices.Clip(p.cfg.tags), t.Tag()))
		bat.profiles = append(bat.profiles, prof)
	}
	if data := p.stopCPU(c); data != nil {
		bat.profiles = append(bat.profiles, profile{CPUProfile, kinds[CPUProfile].filename, data})
	}
	if data := cmpOrBytes(c.traced, p.stopTrace(c)); data != nil {
		bat.profiles = append(bat.profiles, profile{executionTrace, kinds[executionTrace].filename, data})
		bat.traced = true
	}
	slices.SortStableFunc(bat.profiles, func(a, b profile) int {
		return slices.Index(order, a.pt) - slices.Index(order, b.pt)
	})
	return bat
}

func cmpOrBytes(a, b []byte) []byte {
	if a != nil {
		return a
	}
	return b
}

// collectOne collects one of the profiles read at the end of a period.
func (p *profiler) collectOne(t ProfileType, now time.Time) (profile, error) {
	k := kinds[t]
	if t == MetricsProfile {
		data, err := p.met.report(now)
		return profile{t, k.filename, data}, err
	}
	prof := pprof.Lookup(k.name)
	if prof == nil {
		return profile{}, errors.New("no such runtime profile")
	}
	var buf bytes.Buffer
	if err := prof.WriteTo(&buf, 0); err != nil {
		return profile{}, err
	}
	if !p.cfg.deltaProfiles || len(k.delta) == 0 {
		return profile{t, k.filename, buf.Bytes()}, nil
	}
	began := time.Now()
	data, isDelta, err := p.deltaOf(t, buf.Bytes())
	p.cfg.timing("datadog.profiling.go.delta_time", time.Since(began), append(slices.Clip(p.cfg.tags), t.Tag()))
	if err != nil {
		return profile{}, fmt.Errorf("delta profile: %w", err)
	}
	name := k.filename
	if isDelta {
		name = "delta-" + name
	}
	return profile{t, name, data}, nil
}

// collectError says, once per interval for each type, that a profile
// could not be collected, and counts it.
func (p *profiler) collectError(t ProfileType, err error) {
	p.counts.collectErrors.Add(1)
	p.cfg.count("datadog.profiling.go.collect_error", 1, append(slices.Clip(p.cfg.tags), t.Tag()))
	if p.limiter.Allow("collect " + t.String()) {
		p.log.Warn("profiler: could not collect a profile; skipping it",
			slog.String("profile", t.String()), slog.String("error", err.Error()))
	}
}

// startCPU starts c's CPU profile.
func (p *profiler) startCPU(c *cycle) {
	c.cpuAt = time.Time{}
	if p.cfg.cpuProfileRate != 0 {
		// Set before each start: StartCPUProfile would set its own.
		runtime.SetCPUProfileRate(p.cfg.cpuProfileRate)
	}
	buf := new(bytes.Buffer)
	if err := pprof.StartCPUProfile(buf); err != nil {
		p.collectError(CPUProfile, err)
		return
	}
	c.cpu = buf
}

// stopCPU stops c's CPU profile, if it runs, and returns it.
func (p *profiler) stopCPU(c *cycle) []byte {
	c.cpuAt = time.Time{}
	if c.cpu == nil {
		return nil
	}
	pprof.StopCPUProfile()
	data := c.cpu.Bytes()
	c.cpu = nil
	return data
}

// shouldTrace reports whether period seq records an execution trace: the
// first always (start-up is unlike the rest), the others at random, on
// average once per trace period.
func (p *profiler) shouldTrace(seq uint64) bool {
	t := p.cfg.trace
	return t.enabled && (seq == 0 || rand.Float64()*float64(t.period) < float64(p.cfg.period))
}
