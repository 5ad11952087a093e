package main

import (
	"math/bits"
	"time"
)

// hist is a fixed-size log-linear histogram of durations in nanoseconds:
// values below 2^subBits each have their own bucket, and every power of two
// above is split into 2^subBits equal buckets, so a quantile is off by at
// most 1/32 (about 3%). Recording allocates nothing; each goroutine keeps its
// own hist and they are merged at the end.
type hist struct {
	counts [numBuckets]uint64
	n      uint64
	max    uint64
}

const (
	subBits    = 5
	subCount   = 1 << subBits
	numBuckets = (64 - subBits + 1) * subCount
)

// bucketOf returns the index of the bucket holding v.
func bucketOf(v uint64) int {
	if v < subCount {
		return int(v)
	}
	k := bits.Len64(v) - 1 // v is in [2^k, 2^(k+1)), k >= subBits
	g := k - subBits + 1   // group of buckets, >= 1
	return g<<subBits + int(v>>(k-subBits)) - subCount
}

// bucketRange returns the smallest and the largest value of bucket i.
func bucketRange(i int) (lo, hi uint64) {
	g, s := i>>subBits, uint64(i&(subCount-1))
	if g == 0 {
		return s, s
	}
	width := uint64(1) << (g - 1)
	lo = (subCount + s) << (g - 1)
	return lo, lo + width - 1
}

// record adds one duration; negative ones count as zero.
func (h *hist) record(d time.Duration) {
	v := uint64(max(d, 0))
	h.counts[bucketOf(v)]++
	h.n++
	if v > h.max {
		h.max = v
	}
}

// merge adds o's counts to h.
func (h *hist) merge(o *hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// quantile returns the largest value of the bucket holding the q-th
// quantile (0 < q <= 1), never more than the largest value recorded: an
// upper bound within 3% of the true figure.
func (h *hist) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			_, hi := bucketRange(i)
			return time.Duration(min(hi, h.max))
		}
	}
	return time.Duration(h.max)
}

// latencies are the figures printed for a hist.
type latencies struct {
	n                    uint64
	p50, p99, p999, peak time.Duration
}

func (h *hist) summary() latencies {
	return latencies{
		n:    h.n,
		p50:  h.quantile(0.50),
		p99:  h.quantile(0.99),
		p999: h.quantile(0.999),
		peak: time.Duration(h.max),
	}
}
