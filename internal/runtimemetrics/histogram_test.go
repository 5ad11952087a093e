package runtimemetrics

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHistogram(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name    string
		counts  []uint64
		buckets []float64
		summary [6]float64 // avg, min, max, median, p95, p99
		samples [][2]float64
	}{
		{
			name:    "empty",
			counts:  []uint64{0, 0},
			buckets: []float64{0, 1, 2},
		},
		{
			name:    "one bucket",
			counts:  []uint64{0, 4, 0},
			buckets: []float64{0, 10, 20, 30},
			summary: [6]float64{15, 10, 20, 15, 19.5, 19.9},
			samples: [][2]float64{{15, 0.25}},
		},
		{
			name:    "two buckets",
			counts:  []uint64{1, 3},
			buckets: []float64{0, 2, 4},
			// avg (1*1 + 3*3)/4; median: rank 2 of 4 is a third into [2,4).
			summary: [6]float64{2.5, 0, 4, 2 + 2.0/3, 2 + 2*(3.8-1)/3, 2 + 2*(3.96-1)/3},
			samples: [][2]float64{{1, 1}, {3, 1.0 / 3}},
		},
		{
			name:    "open edges are their finite bound",
			counts:  []uint64{2, 0, 2},
			buckets: []float64{-inf, 1, 2, inf},
			summary: [6]float64{1.5, 1, 2, 1, 2, 2},
			samples: [][2]float64{{1, 0.5}, {2, 0.5}},
		},
		{
			name:    "unbounded on both sides",
			counts:  []uint64{5},
			buckets: []float64{-inf, inf},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := histSummary(tt.counts, tt.buckets)
			if diff := cmp.Diff(tt.summary, got, approx); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
			var samples [][2]float64
			forEachSample(tt.counts, tt.buckets, func(v, rate float64) { samples = append(samples, [2]float64{v, rate}) })
			if diff := cmp.Diff(tt.samples, samples, approx); diff != "" {
				t.Errorf("samples (-want +got):\n%s", diff)
			}
		})
	}
}

var approx = cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(a)) })

func TestSubtract(t *testing.T) {
	diff := make([]uint64, 3)
	if subtract(diff, []uint64{5, 2, 7}, []uint64{5, 2, 7}) {
		if !cmp.Equal(diff, []uint64{0, 0, 0}) {
			t.Errorf("diff %v", diff)
		}
	} else {
		t.Error("equal histograms differ")
	}
	if subtract(diff, []uint64{6, 2, 9}, []uint64{5, 2, 7}) || !cmp.Equal(diff, []uint64{1, 0, 2}) {
		t.Errorf("diff %v", diff)
	}
}
