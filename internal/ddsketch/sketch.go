// Package ddsketch is DDSketch, the quantile sketch of Datadog's trace
// statistics: the latency distributions of the client-side statistics
// (exporter/agent) are sent as DDSketch protobuf messages, which the
// Datadog Agent decodes and merges.
//
// A sketch counts values in bins whose bounds grow geometrically (a
// logarithmic mapping of gamma = (1+a)/(1-a) for a relative accuracy a),
// so that any quantile it returns lies within a of the true value. The
// bins are stored densely, at most a fixed number of them: past it, the
// lowest bins are collapsed, which keeps the accuracy of the high
// quantiles and bounds memory. Values too close to zero to have a bin
// (and zero itself) are counted apart.
//
// Sketches made by New use the Agent's settings for trace statistics: 1%
// relative accuracy and 2048 bins (github.com/DataDog/sketches-go's
// LogCollapsingLowestDenseDDSketch(0.01, 2048)); the interop module checks
// the two against each other.
package ddsketch

import (
	"errors"
	"math"
)

// The Agent's settings for the latency distributions of trace statistics.
const (
	RelativeAccuracy = 0.01
	MaxBins          = 2048
)

// Sketch is a DDSketch. Its zero value is not usable: make one with New
// or Decode. It is not safe for concurrent use.
type Sketch struct {
	m        mapping
	pos, neg store // positive values, and the opposites of negative ones
	zero     float64
}

// defaultMapping is the mapping of RelativeAccuracy.
var defaultMapping, _ = newMapping(gammaFor(RelativeAccuracy), 0)

// New returns an empty sketch with the Agent's settings: RelativeAccuracy,
// and at most MaxBins bins for positive values (and as many for negative
// ones). It allocates its bins when values come.
func New() *Sketch {
	return &Sketch{m: defaultMapping, pos: store{maxBins: MaxBins}, neg: store{maxBins: MaxBins}}
}

// ErrUntrackable is returned by Add for NaN and for values beyond the
// largest the sketch can index (about 1.3e308 with New's settings).
var ErrUntrackable = errors.New("ddsketch: value cannot be tracked")

// Add counts v once.
func (s *Sketch) Add(v float64) error {
	switch {
	case v > s.m.minValue:
		if v > s.m.maxValue {
			return ErrUntrackable
		}
		s.pos.add(s.m.index(v), 1)
	case v < -s.m.minValue:
		if v < -s.m.maxValue {
			return ErrUntrackable
		}
		s.neg.add(s.m.index(-v), 1)
	case math.IsNaN(v):
		return ErrUntrackable
	default:
		s.zero++
	}
	return nil
}

// Growth returns how many bytes Add(v) would allocate: 0 when v falls in
// the bins the sketch holds already. Callers that count memory against a
// budget ask before they add.
func (s *Sketch) Growth(v float64) int {
	switch {
	case v > s.m.minValue && v <= s.m.maxValue:
		return s.pos.growth(s.m.index(v))
	case v < -s.m.minValue && v >= -s.m.maxValue:
		return s.neg.growth(s.m.index(-v))
	}
	return 0
}

// Bytes returns the memory the sketch's bins hold.
func (s *Sketch) Bytes() int { return s.pos.bytes() + s.neg.bytes() }

// Count returns how many values were counted.
func (s *Sketch) Count() float64 { return s.neg.count + s.zero + s.pos.count }

// IsEmpty reports whether no value was counted.
func (s *Sketch) IsEmpty() bool { return s.Count() == 0 }

// Quantile returns the value at quantile q (0 <= q <= 1), within the
// relative accuracy of the true value (for the quantiles that collapsed
// bins do not reach), and false when the sketch is empty or q is out of
// range. It ranks values as sketches-go does, so that both return the
// same values for the same bins.
func (s *Sketch) Quantile(q float64) (float64, bool) {
	if !(q >= 0 && q <= 1) {
		return math.NaN(), false
	}
	count := s.Count()
	if count == 0 {
		return math.NaN(), false
	}
	rank := float64(q * (count - 1)) // float64(): no fused multiply-add
	switch {
	case rank < s.neg.count:
		return -s.m.value(s.neg.keyAtRank(s.neg.count - 1 - rank)), true
	case rank < s.zero+s.neg.count:
		return 0, true
	}
	return s.m.value(s.pos.keyAtRank(rank - s.zero - s.neg.count)), true
}
