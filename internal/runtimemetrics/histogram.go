package runtimemetrics

import "math"

// DogStatsD cannot carry a histogram, so each of runtime/metrics'
// histograms goes out as what dd-trace-go sends for it: one distribution
// sample per non-empty bucket (the bucket's middle, weighted by its count
// through the sample rate) and six gauges (avg, min, max, median, p95,
// p99). Values inside a bucket are taken as spread evenly; an open edge
// bucket (down to -Inf or up to +Inf) is taken as its finite bound.

// histStats are the six gauges' suffixes, in the order they are sent.
var histStats = [6]string{".avg", ".min", ".max", ".median", ".p95", ".p99"}

// quantileRanks are the quantiles the gauges need, ascending: min, median,
// p95, p99, max.
var quantileRanks = [5]float64{0, 0.5, 0.95, 0.99, 1}

// bounds returns bucket i's range with open edges closed, and whether the
// range is still infinite (a histogram whose only bucket is unbounded):
// past such a bucket there is nothing to say.
func bounds(buckets []float64, i int) (lo, hi float64, ok bool) {
	lo, hi = buckets[i], buckets[i+1]
	if i == 0 && math.IsInf(lo, -1) {
		lo = hi
	}
	if i == len(buckets)-2 && math.IsInf(hi, 1) {
		hi = lo
	}
	return lo, hi, !(lo == hi && math.IsInf(lo, 0))
}

// histSummary computes the six gauges of a histogram of counts over
// buckets (len(buckets) == len(counts)+1), in histStats' order.
func histSummary(counts []uint64, buckets []float64) (out [6]float64) {
	var total, sum float64
	for i, n := range counts {
		lo, hi, ok := bounds(buckets, i)
		if !ok {
			sum, total = 0, 0
			break
		}
		sum += float64(n) * (lo + hi) / 2
		total += float64(n)
	}
	if total > 0 {
		out[0] = sum / total
	}
	q := quantiles(counts, buckets)
	out[1], out[2], out[3], out[4], out[5] = q[0], q[4], q[1], q[2], q[3]
	return out
}

// quantiles returns the quantileRanks of the histogram, interpolating
// linearly inside the bucket where each rank falls; zero for an empty one.
func quantiles(counts []uint64, buckets []float64) (out [5]float64) {
	var total float64
	for _, n := range counts {
		total += float64(n)
	}
	var below float64 // samples in the buckets before i
	j := 0
	for i, n := range counts {
		if j == len(quantileRanks) {
			break
		}
		lo, hi, ok := bounds(buckets, i)
		if !ok {
			break
		}
		upTo := below + float64(n)
		for ; j < len(quantileRanks) && upTo > 0 && upTo >= total*quantileRanks[j]; j++ {
			out[j] = lo + (hi-lo)*(total*quantileRanks[j]-below)/float64(n)
		}
		below = upTo
	}
	return out
}

// forEachSample calls f with the middle of every non-empty bucket and the
// rate that makes the one sample stand for the bucket's count.
func forEachSample(counts []uint64, buckets []float64, f func(value, rate float64)) {
	for i, n := range counts {
		lo, hi, ok := bounds(buckets, i)
		if !ok {
			return
		}
		if n > 0 {
			f((lo+hi)/2, 1/float64(n))
		}
	}
}

// subtract writes a-b into diff, bucket by bucket, and reports whether
// every difference is zero. runtime/metrics' histograms only grow.
func subtract(diff, a, b []uint64) (same bool) {
	same = true
	for i := range diff {
		diff[i] = a[i] - b[i]
		if diff[i] != 0 {
			same = false
		}
	}
	return same
}
