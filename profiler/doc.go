// Package profiler periodically collects the program's profiles and sends
// them to the Datadog Agent, as dd-trace-go's profiler package does, with
// the same API, so that a program moves over by changing its import path.
//
//	if err := profiler.Start(
//		profiler.WithService("checkout"),
//		profiler.WithEnv("prod"),
//		profiler.WithProfileTypes(profiler.CPUProfile, profiler.HeapProfile),
//	); err != nil {
//		log.Fatal(err)
//	}
//	defer profiler.Stop()
//
// # What is sent
//
// Every period (WithPeriod, one minute by default) the profiler collects
// the enabled profiles with runtime/pprof and uploads them to the Agent's
// /profiling/v1/input as dd-trace-go does: one multipart/form-data request
// with a part per profile (cpu.pprof, delta-heap.pprof, delta-block.pprof,
// delta-mutex.pprof, goroutines.pprof, metrics.json, go.trace), named by its
// file name, and an event.json part that carries the period, the list of
// attachments and the tags (tags_profiler). The CPU profile covers the last
// CPUDuration of the period. The heap, block and mutex profiles are sent as
// deltas over the period (WithDeltaProfiles, DD_PROFILING_DELTA). The first
// period, and then on average one period in
// DD_PROFILING_EXECUTION_TRACE_PERIOD (15 minutes), also carries a runtime
// execution trace of at most DD_PROFILING_EXECUTION_TRACE_LIMIT_BYTES
// (5 MiB), on amd64 and arm64 by default (DD_PROFILING_EXECUTION_TRACE_ENABLED).
//
// # Configuration
//
// Start reads DD_SERVICE, DD_ENV, DD_VERSION, DD_TAGS, the Agent's address
// (DD_TRACE_AGENT_URL, DD_AGENT_HOST, DD_TRACE_AGENT_PORT), DD_SITE,
// DD_API_KEY, DD_TRACE_STARTUP_LOGS, DD_GIT_* and the DD_PROFILING_*
// variables with dd-trace-go's meanings: ENABLED, DELTA, UPLOAD_TIMEOUT,
// AGENTLESS, URL, FLUSH_ON_EXIT, CODE_HOTSPOTS_COLLECTION_ENABLED and the
// EXECUTION_TRACE_* ones. Options override them. While the CPU profile is
// enabled and code hotspots are on (the default), spans label the
// goroutines they run on, so that CPU samples can be linked to traces.
//
// # Never in the way
//
// Collection and upload run on one goroutine of the profiler's own: Start
// returns at once, and nothing the program calls waits for the network.
// Each upload is bounded by the upload timeout; a connection error or a 5xx
// is retried once, at a random time within the next period, as
// dd-trace-go does, and a batch that still fails is dropped, counted and
// logged (once per interval). At most two batches are held: one waiting
// for its retry and the newest. Stop cancels an upload in flight and
// returns once the goroutine has ended (with DD_PROFILING_FLUSH_ON_EXIT,
// after one more upload, within the upload timeout).
//
// # Differences from dd-trace-go
//
// Collection is sequential where dd-trace-go runs a goroutine per profile,
// and the attachments come in a fixed order (cpu, heap, block, mutex,
// goroutines, metrics, go.trace). Stop cancels an upload in flight even
// with DD_PROFILING_FLUSH_ON_EXIT, so that it waits for one upload at most. A period that is not positive is an
// error from Start (dd-trace-go panics). The experimental goroutine wait
// profile (DD_PROFILING_WAIT_PROFILE), endpoint counts
// (DD_PROFILING_ENDPOINT_COUNT_ENABLED), process tags, the debug output
// directory (DD_PROFILING_OUTPUT_DIR), compression settings
// (DD_PROFILING_DEBUG_COMPRESSION_SETTINGS) and instrumentation telemetry
// are not implemented; WithAPIKey and WithAgentlessUpload are accepted and
// ignored, as in dd-trace-go v1.
package profiler
