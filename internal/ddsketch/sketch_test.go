package ddsketch

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// distributions are skewed samples, as latencies are.
var distributions = []struct {
	name string
	draw func(r *rand.Rand) float64
}{
	// Latencies in nanoseconds around a millisecond, with a long tail.
	{"lognormal", func(r *rand.Rand) float64 { return math.Exp(13.8 + 1.5*r.NormFloat64()) }},
	// Pareto with a heavy tail (alpha 1.2) from 10 µs.
	{"pareto", func(r *rand.Rand) float64 { return 1e4 / math.Pow(1-r.Float64(), 1/1.2) }},
	// Small integers, zeros included, as span durations on a coarse clock.
	{"integers", func(r *rand.Rand) float64 { return float64(r.IntN(50)) }},
	// Values of both signs.
	{"signed", func(r *rand.Rand) float64 { return r.NormFloat64() * 1e3 }},
}

var quantiles = []float64{0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1}

// TestQuantileAccuracy checks DDSketch's guarantee: the value at quantile
// q is within the relative accuracy of the sample's value of rank
// q·(n-1).
func TestQuantileAccuracy(t *testing.T) {
	for _, d := range distributions {
		t.Run(d.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			s := New()
			values := make([]float64, 100_000)
			for i := range values {
				values[i] = d.draw(r)
				if err := s.Add(values[i]); err != nil {
					t.Fatal(err)
				}
			}
			slices.Sort(values)
			if s.Count() != float64(len(values)) {
				t.Fatalf("count %v, want %d", s.Count(), len(values))
			}
			for _, q := range quantiles {
				got, ok := s.Quantile(q)
				want := values[int(q*float64(len(values)-1))]
				if !ok || math.Abs(got-want) > RelativeAccuracy*math.Abs(want)*(1+1e-12) {
					t.Errorf("q%v = %v, want %v ± %v%%", q, got, want, 100*RelativeAccuracy)
				}
			}
		})
	}
}

// TestCollapse adds values spanning far more bins than MaxBins: the bins
// stay bounded, the high quantiles keep their accuracy, and the result
// does not depend on the order of the values.
func TestCollapse(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	values := make([]float64, 20_000)
	for i := range values {
		values[i] = math.Exp(r.Float64() * 120) // e^0 .. e^120: about 6,000 bins
	}
	a, b := New(), New()
	for _, v := range values {
		a.Add(v)
	}
	shuffled := slices.Clone(values)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, v := range shuffled {
		b.Add(v)
	}
	if n := len(a.pos.used()); n != MaxBins {
		t.Errorf("%d bins in use, want %d", n, MaxBins)
	}
	if a.Bytes() > 8*MaxBins {
		t.Errorf("%d bytes of bins, want at most %d", a.Bytes(), 8*MaxBins)
	}
	if !bytes.Equal(a.AppendProto(nil), b.AppendProto(nil)) {
		t.Error("the order of the values changed the sketch")
	}
	slices.Sort(values)
	for _, q := range []float64{0.8, 0.9, 0.99, 1} {
		got, _ := a.Quantile(q)
		want := values[int(q*float64(len(values)-1))]
		if math.Abs(got-want) > RelativeAccuracy*want*(1+1e-12) {
			t.Errorf("q%v = %v, want %v", q, got, want)
		}
	}
	if a.Count() != float64(len(values)) {
		t.Errorf("count %v", a.Count())
	}
	// The lowest quantiles fell into the floor bin: above the true value.
	if got, _ := a.Quantile(0); got <= values[0] {
		t.Errorf("q0 = %v: the collapsed low values should read as the floor bin", got)
	}
}

// TestGrowth checks that Growth says what Add allocates.
func TestGrowth(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	s := New()
	for i := range 50_000 {
		v := math.Exp(r.NormFloat64()*20) * float64(1-2*(i%2)) // both signs, wide range
		grow, before := s.Growth(v), s.Bytes()
		s.Add(v)
		if got := s.Bytes() - before; got != grow {
			t.Fatalf("value %d (%v): Growth said %d bytes, Add took %d", i, v, grow, got)
		}
	}
}

func TestUntrackable(t *testing.T) {
	s := New()
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64} {
		if err := s.Add(v); err == nil {
			t.Errorf("Add(%v) accepted", v)
		}
		if s.Growth(v) != 0 {
			t.Errorf("Growth(%v) != 0", v)
		}
	}
	if !s.IsEmpty() {
		t.Error("untrackable values were counted")
	}
	if _, ok := s.Quantile(0.5); ok {
		t.Error("an empty sketch has no quantile")
	}
	s.Add(0)
	s.Add(math.SmallestNonzeroFloat64)
	if got, ok := s.Quantile(1); !ok || got != 0 {
		t.Errorf("values too small for a bin read as %v, want 0", got)
	}
	for _, q := range []float64{-0.1, 1.1, math.NaN()} {
		if _, ok := s.Quantile(q); ok {
			t.Errorf("Quantile(%v) accepted", q)
		}
	}
}
