package ddsketch

import (
	"errors"
	"math"
)

// mapping maps positive values to integer bin indexes, logarithmically:
// index(v) = floor(log(v)/log(gamma) + offset). Every value of a bin lies
// within the relative accuracy (gamma-1)/(gamma+1) of the value the bin
// stands for. It is DDSketch's "logarithmic" mapping, the one whose
// protobuf form has interpolation NONE.
type mapping struct {
	gamma      float64
	offset     float64 // indexOffset
	multiplier float64 // 1/log(gamma)
	minValue   float64 // the smallest value with an index; below it counts as zero
	maxValue   float64 // the largest value with an index
}

// gammaFor returns the gamma of a relative accuracy.
func gammaFor(relativeAccuracy float64) float64 {
	return (1 + relativeAccuracy) / (1 - relativeAccuracy)
}

var errMapping = errors.New("ddsketch: invalid index mapping")

// newMapping returns the mapping of gamma and offset, as the Agent builds
// it from a sketch's protobuf form.
func newMapping(gamma, offset float64) (mapping, error) {
	if !(gamma > 1) || math.IsInf(gamma, 0) || math.IsNaN(offset) || math.IsInf(offset, 0) {
		return mapping{}, errMapping
	}
	m := mapping{gamma: gamma, offset: offset, multiplier: 1 / math.Log(gamma)}
	// The indexes must fit an int32 (the protobuf form's sint32), and
	// math.Exp must not overflow when a bin's value is computed.
	const (
		minNormal   = 0x1p-1022
		expOverflow = 7.094361393031e+02
	)
	m.minValue = math.Max(math.Exp((math.MinInt32-offset)/m.multiplier+1), minNormal*gamma)
	m.maxValue = math.Min(math.Exp((math.MaxInt32-offset)/m.multiplier-1), math.Exp(expOverflow)/(2*gamma)*(gamma+1))
	if !(m.minValue < m.maxValue) {
		return mapping{}, errMapping
	}
	return m, nil
}

// index returns the bin of v, for minValue < v <= maxValue.
func (m *mapping) index(v float64) int {
	// Written as the Agent's sketches compute it, so that a value falls
	// in the same bin here and there.
	index := math.Log(v)*m.multiplier + m.offset
	if index >= 0 {
		return int(index)
	}
	return int(index) - 1
}

// lowerBound returns the smallest value of bin i.
func (m *mapping) lowerBound(i int) float64 {
	return math.Exp((float64(i) - m.offset) / m.multiplier)
}

// value returns the value bin i stands for: within the relative accuracy
// of every value in it.
func (m *mapping) value(i int) float64 {
	return m.lowerBound(i) * (1 + m.relativeAccuracy())
}

func (m *mapping) relativeAccuracy() float64 { return 1 - 2/(1+m.gamma) }
