package interop

// TestPprofDelta checks internal/pprofdelta against github.com/google/pprof:
// every delta profile it writes parses with pprof's own reader, and equals
// what pprof's arithmetic gives on the same runtime/pprof profiles: the new
// profile merged with the previous one scaled by -1 on the delta sample
// types and by 0 on the others.
//
//	go test -race -count=1 -run PprofDelta .

import (
	"bytes"
	"fmt"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/pprof/profile"

	"github.com/ctxtrace/trace/internal/pprofdelta"
)

var (
	pdRetained [][]byte // allocated before the first heap profile, kept
	pdRecent   [][]byte // allocated between heap profiles, kept
	pdGarbage  [][]byte // allocated before the first heap profile, freed
)

//go:noinline
func pdAllocOnce(n int) {
	for range n {
		pdRetained = append(pdRetained, make([]byte, 4096))
	}
}

//go:noinline
func pdAllocFreed(n int) {
	for range n {
		pdGarbage = append(pdGarbage, make([]byte, 2048))
	}
}

//go:noinline
func pdAllocBetween(n int) {
	for range n {
		pdRecent = append(pdRecent, make([]byte, 1024))
	}
}

//go:noinline
func pdBlock(ch chan struct{}) { <-ch }

//go:noinline
func pdBlockEarly(ch chan struct{}) { <-ch }

// The mutex profile records a contention in the stack that unlocks.
//
//go:noinline
func pdUnlock(mu *sync.Mutex) { mu.Unlock() }

//go:noinline
func pdUnlockEarly(mu *sync.Mutex) { mu.Unlock() }

//go:noinline
func pdWaitLock(mu *sync.Mutex) {
	mu.Lock()
	defer mu.Unlock() // held for nothing: the wait to take it is the point
}

// pdParked reports whether a goroutine in fn is parked in state, found by a
// goroutine dump so that no test waits on a timer.
func pdParked(fn, state string) bool {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "["+state) && strings.Contains(g, "."+fn+"(") {
			return true
		}
	}
	return false
}

// pdContend makes one goroutine block in block on a channel, and another
// wait for a mutex that unlock releases, once each.
func pdContend(block func(chan struct{}), blockName string, unlock func(*sync.Mutex)) {
	ch := make(chan struct{})
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Go(func() { block(ch) })
	mu.Lock()
	wg.Go(func() { pdWaitLock(&mu) })
	for !pdParked(blockName, "chan receive") || !pdParked("pdWaitLock", "sync.Mutex.Lock") {
		runtime.Gosched()
	}
	ch <- struct{}{}
	unlock(&mu)
	wg.Wait()
}

// pdKind is a cumulative runtime profile and what the test knows of it.
type pdKind struct {
	name   string
	types  []string // its delta sample types
	active string   // a function active before and between the profiles
	early  string   // a function active before the first profile only
}

var pdKinds = []pdKind{
	{"heap", []string{"alloc_objects", "alloc_space"}, "pdAllocBetween", "pdAllocFreed"},
	{"block", []string{"contentions", "delay"}, "pdBlock", "pdBlockEarly"},
	{"mutex", []string{"contentions", "delay"}, "pdUnlock", "pdUnlockEarly"},
}

func TestPprofDelta(t *testing.T) {
	raw := pdCollect(t, 3)
	for _, k := range pdKinds {
		t.Run(k.name, func(t *testing.T) {
			pdCheckSeries(t, raw[k.name], k.types, k.active, k.early)
		})
	}
}

// pdCollect writes rounds profiles of each kind, with the active functions
// run before each. Every allocation and contention is recorded, unscaled,
// until it returns.
func pdCollect(t *testing.T, rounds int) map[string][][]byte {
	oldRate := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	oldFraction := runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)
	defer func() {
		runtime.MemProfileRate = oldRate
		runtime.SetMutexProfileFraction(oldFraction)
		runtime.SetBlockProfileRate(0) // cannot be read back; 0 is the default
	}()
	t.Cleanup(func() { pdRetained, pdRecent = nil, nil })

	raw := map[string][][]byte{}
	pdAllocOnce(100)
	pdAllocFreed(100)
	pdGarbage = nil
	pdContend(pdBlockEarly, "pdBlockEarly", pdUnlockEarly)
	for range rounds {
		pdAllocBetween(100)
		pdContend(pdBlock, "pdBlock", pdUnlock)
		runtime.GC() // the heap profile is as of the last GC
		for _, k := range pdKinds {
			var buf bytes.Buffer
			if err := pprof.Lookup(k.name).WriteTo(&buf, 0); err != nil {
				t.Fatal(err)
			}
			raw[k.name] = append(raw[k.name], buf.Bytes())
		}
	}
	return raw
}

// pdCheckSeries runs a series of cumulative profiles through one Computer
// and compares each delta with pprof's.
func pdCheckSeries(t *testing.T, series [][]byte, deltaTypes []string, active, early string) {
	c := pprofdelta.New(deltaTypes...)
	var prev *profile.Profile
	for i, data := range series {
		cur, err := profile.ParseData(data)
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.Delta(data)
		if err != nil {
			t.Fatalf("profile %d: %v", i, err)
		}
		got, err := profile.ParseData(out)
		if err != nil {
			t.Fatalf("profile %d: pprof cannot parse the delta: %v", i, err)
		}
		if err := got.CheckValid(); err != nil {
			t.Fatalf("profile %d: invalid delta: %v", i, err)
		}
		want := pdExpected(t, prev, cur, deltaTypes)
		if diff := cmp.Diff(pdValues(want), pdValues(got)); diff != "" {
			t.Errorf("profile %d: delta differs from pprof's (-pprof +pprofdelta):\n%s", i, diff)
		}
		if diff := cmp.Diff(pdTypes(cur), pdTypes(got)); diff != "" {
			t.Errorf("profile %d: sample types (-want +got):\n%s", i, diff)
		}
		wantTime, wantDuration := cur.TimeNanos, cur.DurationNanos
		if prev != nil && cur.TimeNanos > prev.TimeNanos {
			wantTime, wantDuration = prev.TimeNanos, cur.TimeNanos-prev.TimeNanos
		}
		if got.TimeNanos != wantTime || got.DurationNanos != wantDuration {
			t.Errorf("profile %d: window [%d, +%d], want [%d, +%d]",
				i, got.TimeNanos, got.DurationNanos, wantTime, wantDuration)
		}
		if prev != nil {
			pdCheckSubtracted(t, i, cur, got, active, early)
		}
		prev = cur
	}
}

// pdExpected computes the delta with pprof: cur merged with prev scaled by
// -1 on the delta types and 0 on the others. Merge sums samples by stack
// and labels and drops those whose values are all zero.
func pdExpected(t *testing.T, prev, cur *profile.Profile, deltaTypes []string) *profile.Profile {
	t.Helper()
	srcs := []*profile.Profile{cur.Copy()}
	if prev != nil {
		old := prev.Copy()
		ratios := make([]float64, len(old.SampleType))
		for i, st := range old.SampleType {
			if slices.Contains(deltaTypes, st.Type) {
				ratios[i] = -1
			}
		}
		if err := old.ScaleN(ratios); err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, old)
	}
	want, err := profile.Merge(srcs)
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// pdCheckSubtracted checks that the comparison is not trivial: the active
// function shows in the delta with less than its cumulative total, and the
// early one, in the cumulative profile, is gone from the delta.
func pdCheckSubtracted(t *testing.T, i int, cur, got *profile.Profile, active, early string) {
	t.Helper()
	total, delta := pdSum(cur, active), pdSum(got, active)
	if delta <= 0 || delta >= total {
		t.Errorf("profile %d: %s has %d in the delta, %d in total; want 0 < delta < total", i, active, delta, total)
	}
	if total, delta := pdSum(cur, early), pdSum(got, early); total <= 0 || delta != 0 {
		t.Errorf("profile %d: %s has %d in the delta, %d in total; want 0 and more", i, early, delta, total)
	}
}

// pdSum sums the first value of the samples with fn in their stack.
func pdSum(p *profile.Profile, fn string) int64 {
	var sum int64
	for key, vals := range pdValues(p) {
		if strings.Contains(key, "."+fn+" ") {
			sum += vals[0]
		}
	}
	return sum
}

func pdTypes(p *profile.Profile) []string {
	var out []string
	for _, st := range p.SampleType {
		out = append(out, st.Type+"/"+st.Unit)
	}
	return out
}

// pdValues keys a profile's samples by resolved content, summing samples
// with equal keys and leaving out all-zero sums.
func pdValues(p *profile.Profile) map[string][]int64 {
	out := map[string][]int64{}
	for _, s := range p.Sample {
		var b strings.Builder
		for _, loc := range s.Location {
			fmt.Fprintf(&b, "%#x", loc.Address)
			for _, l := range loc.Line {
				if fn := l.Function; fn != nil {
					fmt.Fprintf(&b, " %s %s", fn.Name, fn.Filename)
				}
				fmt.Fprintf(&b, ":%d;", l.Line)
			}
			b.WriteByte('\n')
		}
		var labels []string
		for k, vs := range s.Label {
			labels = append(labels, fmt.Sprintf("%s=%q", k, vs))
		}
		for k, vs := range s.NumLabel {
			labels = append(labels, fmt.Sprintf("%s=%v%q", k, vs, s.NumUnit[k]))
		}
		slices.Sort(labels)
		key := b.String() + strings.Join(labels, ",")
		row := out[key]
		if row == nil {
			row = make([]int64, len(s.Value))
			out[key] = row
		}
		for i, v := range s.Value {
			row[i] += v
		}
	}
	for key, row := range out {
		if !slices.ContainsFunc(row, func(v int64) bool { return v != 0 }) {
			delete(out, key)
		}
	}
	return out
}
