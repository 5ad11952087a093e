// Package pprofdelta turns the cumulative heap, block and mutex profiles of
// runtime/pprof into delta profiles, as Datadog's profiler uploads them
// (delta-heap.pprof, delta-block.pprof, delta-mutex.pprof).
//
// # What a delta is
//
// runtime/pprof counts allocations, contentions and delays since the program
// started. A [Computer] remembers the previous profile it was given and, for
// each stack and label set, subtracts the previous values from the new ones,
// for the sample types named in [New] only:
//
//	heap := pprofdelta.New("alloc_objects", "alloc_space")
//	block := pprofdelta.New("contentions", "delay")
//
// Other sample types, such as the heap's inuse_objects and inuse_space, are
// snapshots and are kept as they are. Samples whose values are all zero
// afterwards are left out, so a stack that did nothing between two profiles
// is gone from the delta. The first profile is subtracted from nothing: its
// delta holds the totals since the program started, as Datadog's does.
//
// # Matching samples
//
// Location, function and string ids are not stable between two outputs of
// runtime/pprof, so samples are matched by content: each location by its
// address and resolved lines (function name, system name, file, start line,
// line and column), each label by its resolved key, value and unit, and a
// sample by its stack and label set. Samples with the same content in one
// profile are merged.
//
// # The output
//
// The result is a gzipped profile.proto with the input's sample types,
// mappings, period and comments, the new samples, and only the locations
// and functions those samples use; strings nothing uses are emptied, so
// indexes stay valid. Its time_nanos and duration_nanos span the window
// between the two profiles.
//
// # Bad input
//
// Delta validates every reference it follows and returns an error rather
// than panicking. Memory is proportional to the input: the uncompressed
// profile is capped at [MaxDecodedSize], content is hashed rather than
// copied, and the Computer keeps only the previous profile's values (plus
// one reusable gzip compressor).
//
// # Performance considerations
//
// A delta reads its input in a few passes and allocates per distinct
// stack, not per byte; BenchmarkDelta measures a 2000-sample profile. Unlike
// Datadog's fastdelta, which keeps every stack it has ever seen, a Computer
// forgets stacks that are absent from the latest profile, so its memory
// follows the profile's size rather than the program's history.
package pprofdelta
