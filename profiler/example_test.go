package profiler_test

import (
	"log"
	"time"

	"github.com/ctxtrace/trace/profiler"
)

// Start the profiler at the top of main and stop it on the way out. The
// Agent's address, service, env and version come from the DD_* variables
// unless given here.
func Example() {
	err := profiler.Start(
		profiler.WithService("checkout"),
		profiler.WithEnv("prod"),
		profiler.WithVersion("1.4.2"),
		profiler.WithProfileTypes(profiler.CPUProfile, profiler.HeapProfile, profiler.GoroutineProfile),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer profiler.Stop()
	// ... the program ...
}

// The block and mutex profiles are off by default: their options turn them
// on with a sampling rate.
func Example_contention() {
	err := profiler.Start(
		profiler.MutexProfileFraction(profiler.DefaultMutexFraction),
		profiler.BlockProfileRate(profiler.DefaultBlockRate),
		profiler.WithPeriod(30*time.Second),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer profiler.Stop()
}
