package profiler

import "fmt"

// ProfileType represents a type of profile that the profiler is able to run.
type ProfileType int

// The profile types, with dd-trace-go v1's values.
const (
	// HeapProfile reports memory allocation samples; used to monitor current
	// and historical memory usage, and to check for memory leaks.
	HeapProfile ProfileType = iota
	// CPUProfile determines where a program spends its time while actively
	// consuming CPU cycles (as opposed to while sleeping or waiting for I/O).
	CPUProfile
	// BlockProfile shows where goroutines block waiting on mutex and channel
	// operations. It is not enabled by default and may cause noticeable CPU
	// overhead; see DefaultBlockRate.
	BlockProfile
	// MutexProfile reports lock contention. It is not enabled by default.
	MutexProfile
	// GoroutineProfile reports the stack traces of all current goroutines.
	GoroutineProfile
	// MetricsProfile reports top-line runtime metrics (metrics.json). It is
	// always collected.
	MetricsProfile
)

// executionTrace is the runtime/trace execution tracer. It is not a public
// type: it is configured by the DD_PROFILING_EXECUTION_TRACE_* variables,
// never by WithProfileTypes.
const executionTrace ProfileType = -1

// kind describes how a profile type is collected and uploaded.
type kind struct {
	name     string   // pprof.Lookup's name, String's answer
	filename string   // the upload's part and file name, before any "delta-"
	delta    []string // the sample types made deltas of; none: never a delta
}

// kinds maps every profile type, the private ones included, to its kind.
var kinds = map[ProfileType]kind{
	CPUProfile:       {name: "cpu", filename: "cpu.pprof"},
	HeapProfile:      {name: "heap", filename: "heap.pprof", delta: []string{"alloc_objects", "alloc_space"}},
	BlockProfile:     {name: "block", filename: "block.pprof", delta: []string{"contentions", "delay"}},
	MutexProfile:     {name: "mutex", filename: "mutex.pprof", delta: []string{"contentions", "delay"}},
	GoroutineProfile: {name: "goroutine", filename: "goroutines.pprof"},
	MetricsProfile:   {name: "metrics", filename: "metrics.json"},
	executionTrace:   {name: "execution-trace", filename: "go.trace"},
}

// order is the order in which the profiles of a cycle are collected and
// attached: CPU first, as dd-trace-go does, so that the same order gives
// every delta the same span of time.
var order = []ProfileType{CPUProfile, HeapProfile, BlockProfile, MutexProfile, GoroutineProfile, MetricsProfile, executionTrace}

func (t ProfileType) kind() kind {
	if k, ok := kinds[t]; ok {
		return k
	}
	return kind{name: "unknown", filename: "unknown"}
}

// String returns the name of the profile ("cpu", "heap", ...), or
// "unknown".
func (t ProfileType) String() string { return t.kind().name }

// Filename returns the file name the profile is uploaded under (without the
// "delta-" prefix of delta profiles), or "unknown".
func (t ProfileType) Filename() string { return t.kind().filename }

// Tag returns the profile_type tag of the profile's metrics.
func (t ProfileType) Tag() string { return "profile_type:" + t.String() }

// UnmarshalText parses a profile type from its name: cpu, heap, block,
// mutex or goroutine.
func (t *ProfileType) UnmarshalText(text []byte) error {
	for _, pt := range []ProfileType{CPUProfile, HeapProfile, BlockProfile, MutexProfile, GoroutineProfile} {
		if string(text) == kinds[pt].name {
			*t = pt
			return nil
		}
	}
	return fmt.Errorf("unknown profile type: %s", text)
}

// public reports whether t may be given to WithProfileTypes.
func (t ProfileType) public() bool { return t >= HeapProfile && t <= MetricsProfile }
