package pprofdelta

import (
	"bytes"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	knownCount = 1000
	knownSize  = 4096 // a size class, so the runtime records it exactly
	sizeLabel  = "[bytes=/4096]"
)

var (
	retained [][]byte // allocated by allocRetained, alive for the whole test
	known    [][]byte // allocated by allocKnown between two profiles
	garbage  [][]byte // allocated by allocFreed, dropped before profiling
)

//go:noinline
func allocKnown(dst [][]byte) {
	for i := range dst {
		dst[i] = make([]byte, knownSize)
	}
}

//go:noinline
func allocRetained(dst [][]byte) {
	for i := range dst {
		dst[i] = make([]byte, knownSize)
	}
}

//go:noinline
func allocFreed(dst [][]byte) {
	for i := range dst {
		dst[i] = make([]byte, knownSize)
	}
}

// writeProfile collects a runtime/pprof profile by name. The heap profile
// reflects the last completed GC, so one is forced first.
func writeProfile(t *testing.T, name string) []byte {
	t.Helper()
	runtime.GC()
	var buf bytes.Buffer
	if err := pprof.Lookup(name).WriteTo(&buf, 0); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// funcTotals sums, over the samples whose leaf frame is in fn and whose
// labels contain label, each value. Heap samples are labelled with their
// object size, which tells the test's allocations from the runtime's.
func funcTotals(s summary, fn, label string) []int64 {
	var total []int64
	for key, row := range s.samples {
		leaf, _, _ := strings.Cut(key, "\n")
		if !strings.Contains(leaf, "."+fn+" ") || !strings.Contains(key, label) {
			continue
		}
		if total == nil {
			total = make([]int64, len(row))
		}
		for i, v := range row {
			total[i] += v
		}
	}
	return total
}

func TestHeapDelta(t *testing.T) {
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 1 // record every allocation, unscaled
	t.Cleanup(func() { runtime.MemProfileRate = old })

	retained = make([][]byte, knownCount)
	allocRetained(retained)
	garbage = make([][]byte, knownCount)
	allocFreed(garbage)
	garbage = nil
	known = make([][]byte, knownCount)
	t.Cleanup(func() { retained, known = nil, nil })

	c := New("alloc_objects", "alloc_space")
	p1 := writeProfile(t, "heap")
	d1, err := c.Delta(p1)
	if err != nil {
		t.Fatal(err)
	}
	allocKnown(known)
	p2 := writeProfile(t, "heap")
	d2, err := c.Delta(p2)
	if err != nil {
		t.Fatal(err)
	}

	s1, s2 := readProfile(t, p1), readProfile(t, p2)
	got1, got2 := readProfile(t, d1), readProfile(t, d2)
	cols := []int{s2.column(t, "alloc_objects"), s2.column(t, "alloc_space")}
	if diff := cmp.Diff(expectDelta(summary{}, s1, cols), got1.samples); diff != "" {
		t.Errorf("first delta is not the cumulative profile (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(expectDelta(s1, s2, cols), got2.samples); diff != "" {
		t.Errorf("delta (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(s2.types, got2.types); diff != "" {
		t.Errorf("sample types (-want +got):\n%s", diff)
	}

	// (a) what allocKnown allocated between the profiles, exactly; its
	// objects are still alive, so the in-use values say the same.
	want := []int64{knownCount, knownCount * knownSize, knownCount, knownCount * knownSize}
	if diff := cmp.Diff(want, funcTotals(got2, "allocKnown", sizeLabel)); diff != "" {
		t.Errorf("allocKnown in delta (-want +got):\n%s", diff)
	}
	// (b) allocFreed's objects were allocated before both profiles and are
	// freed, so nothing of it changed: gone from the delta. (Its totals are
	// cumulative over the test binary's run, hence at least, not equal.)
	before, after := funcTotals(s1, "allocFreed", sizeLabel), funcTotals(s2, "allocFreed", sizeLabel)
	if !cmp.Equal(before, after) || len(after) != 4 || after[0] < knownCount || after[2] != 0 {
		t.Fatalf("allocFreed in the profiles = %v then %v, want unchanged and freed", before, after)
	}
	if got := funcTotals(got2, "allocFreed", sizeLabel); got != nil {
		t.Errorf("allocFreed in delta = %v, want absent", got)
	}
	// (c) allocRetained allocated nothing in between, but its objects are
	// in use: the in-use values are kept as they are.
	if diff := cmp.Diff([]int64{0, 0, knownCount, knownCount * knownSize}, funcTotals(got2, "allocRetained", sizeLabel)); diff != "" {
		t.Errorf("allocRetained in delta (-want +got):\n%s", diff)
	}
	// The window starts at the previous profile; a wall clock that stepped
	// back leaves the new profile's own times.
	wantTime, wantDuration := s1.time, s2.time-s1.time
	if s2.time <= s1.time {
		wantTime, wantDuration = s2.time, s2.duration
	}
	if got2.time != wantTime || got2.duration != wantDuration {
		t.Errorf("delta window = [%d, +%d], want [%d, +%d]", got2.time, got2.duration, wantTime, wantDuration)
	}
	if got1.time != s1.time {
		t.Errorf("first delta time = %d, want %d", got1.time, s1.time)
	}
	if got2.locations >= s2.locations {
		t.Errorf("delta kept %d of %d locations, want unused ones pruned", got2.locations, s2.locations)
	}
	runtime.KeepAlive(retained)
	runtime.KeepAlive(known)
}

//go:noinline
func blockKnown(ch chan struct{}) { <-ch }

//go:noinline
func blockOnce(ch chan struct{}) { <-ch }

// blockTimes makes block, running in its own goroutine, block on a channel
// receive n times. Each send waits until the receiver is parked, found by
// its goroutine dump rather than by sleeping, so each receive is one
// contention whatever the scheduling.
func blockTimes(n int, block func(chan struct{}), name string) {
	ch := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range n {
			block(ch)
		}
	}()
	for range n {
		for !parked(name) {
			runtime.Gosched()
		}
		ch <- struct{}{}
	}
	<-done
}

// parked reports whether a goroutine is blocked receiving in fn.
func parked(fn string) bool {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "[chan receive") && strings.Contains(g, "."+fn+"(") {
			return true
		}
	}
	return false
}

func TestBlockDelta(t *testing.T) {
	runtime.SetBlockProfileRate(1) // record every blocking event
	// The rate cannot be read back; 0 is the default that nothing in this
	// package changes.
	t.Cleanup(func() { runtime.SetBlockProfileRate(0) })

	blockTimes(3, blockOnce, "blockOnce")
	c := New("contentions", "delay")
	p1 := writeProfile(t, "block")
	d1, err := c.Delta(p1)
	if err != nil {
		t.Fatal(err)
	}
	blockTimes(knownCount/10, blockKnown, "blockKnown")
	p2 := writeProfile(t, "block")
	d2, err := c.Delta(p2)
	if err != nil {
		t.Fatal(err)
	}

	s1, s2 := readProfile(t, p1), readProfile(t, p2)
	got1, got2 := readProfile(t, d1), readProfile(t, d2)
	cols := []int{s2.column(t, "contentions"), s2.column(t, "delay")}
	if diff := cmp.Diff(expectDelta(summary{}, s1, cols), got1.samples); diff != "" {
		t.Errorf("first delta is not the cumulative profile (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(expectDelta(s1, s2, cols), got2.samples); diff != "" {
		t.Errorf("delta (-want +got):\n%s", diff)
	}
	// (a) blockKnown's contentions, all of them between the profiles.
	if got := frameTotals(got2, "blockKnown"); len(got) != 2 || got[0] != knownCount/10 || got[1] <= 0 {
		t.Errorf("blockKnown in delta = %v, want [%d >0]", got, knownCount/10)
	}
	// (b) blockOnce blocked before both profiles only: gone from the delta.
	before, after := frameTotals(s1, "blockOnce"), frameTotals(s2, "blockOnce")
	if !cmp.Equal(before, after) || len(after) != 2 || after[0] < 3 {
		t.Fatalf("blockOnce in the profiles = %v then %v, want unchanged", before, after)
	}
	if got := frameTotals(got2, "blockOnce"); got != nil {
		t.Errorf("blockOnce in delta = %v, want absent", got)
	}
}

// frameTotals sums the values of the samples with fn anywhere in the stack.
func frameTotals(s summary, fn string) []int64 {
	var total []int64
	for key, row := range s.samples {
		if !strings.Contains(key, "."+fn+" ") {
			continue
		}
		if total == nil {
			total = make([]int64, len(row))
		}
		for i, v := range row {
			total[i] += v
		}
	}
	return total
}
