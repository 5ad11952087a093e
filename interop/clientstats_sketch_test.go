package interop

// Our DDSketch (internal/ddsketch, written by hand for the root module)
// against github.com/DataDog/sketches-go v1.4.7, the sketch the Datadog
// Agent and dd-trace-go use for the latency distributions of trace
// statistics, built as they build it: LogCollapsingLowestDenseDDSketch(0.01,
// 2048).

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	ddsk "github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/pb/sketchpb"
	"google.golang.org/protobuf/proto"

	"github.com/ctxtrace/trace/internal/ddsketch"
)

// csDistributions are skewed samples: latencies in nanoseconds.
var csDistributions = []struct {
	name string
	draw func(r *rand.Rand) float64
}{
	{"lognormal", func(r *rand.Rand) float64 { return math.Exp(13.8 + 1.5*r.NormFloat64()) }},
	{"pareto", func(r *rand.Rand) float64 { return 1e4 / math.Pow(1-r.Float64(), 1/1.2) }},
	{"pareto heavy", func(r *rand.Rand) float64 { return 1e3 / math.Pow(1-r.Float64(), 1/0.6) }},
	// More than 2048 bins apart: both sketches collapse their lowest bins.
	{"collapsing", func(r *rand.Rand) float64 { return math.Exp(r.Float64() * 60) }},
	{"with zeros", func(r *rand.Rand) float64 { return float64(r.IntN(3)) * math.Exp(10+r.NormFloat64()) }},
}

var csQuantiles = []float64{0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1}

// TestSketchAgainstSketchesGo: the same values give the same quantiles in
// both sketches, within 1% of the exact ones (where no bin was collapsed);
// sketches-go decodes our bytes, and we decode its, to the same quantiles;
// and the bytes are the same.
func TestSketchAgainstSketchesGo(t *testing.T) {
	for _, d := range csDistributions {
		t.Run(d.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(11, 12))
			ours := ddsketch.New()
			theirs, err := ddsk.LogCollapsingLowestDenseDDSketch(0.01, 2048)
			if err != nil {
				t.Fatal(err)
			}
			values := make([]float64, 200_000)
			for i := range values {
				values[i] = d.draw(r)
				if err := ours.Add(values[i]); err != nil {
					t.Fatal(err)
				}
				if err := theirs.Add(values[i]); err != nil {
					t.Fatal(err)
				}
			}
			slices.Sort(values)

			ourBytes := ours.AppendProto(nil)
			theirBytes, err := proto.Marshal(theirs.ToProto())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ourBytes, theirBytes) {
				t.Errorf("encodings differ: %d bytes ours, %d theirs", len(ourBytes), len(theirBytes))
			}
			// sketches-go reads our bytes as the Agent does.
			var msg sketchpb.DDSketch
			if err := proto.Unmarshal(ourBytes, &msg); err != nil {
				t.Fatalf("sketches-go cannot read our bytes: %v", err)
			}
			decoded, err := ddsk.FromProto(&msg)
			if err != nil {
				t.Fatal(err)
			}
			ourDecoded, err := ddsketch.Decode(theirBytes)
			if err != nil {
				t.Fatalf("we cannot read sketches-go's bytes: %v", err)
			}
			collapsed := d.name == "collapsing"
			for _, q := range csQuantiles {
				o, _ := ours.Quantile(q)
				th, _ := theirs.GetValueAtQuantile(q)
				dec, _ := decoded.GetValueAtQuantile(q)
				od, _ := ourDecoded.Quantile(q)
				if o != th || dec != th || od != th {
					t.Errorf("q%v: ours %v, sketches-go %v, sketches-go from our bytes %v, ours from its bytes %v", q, o, th, dec, od)
				}
				exact := values[int(q*float64(len(values)-1))]
				if collapsed && q < 0.5 {
					continue // the collapsed low quantiles lose their accuracy, in both
				}
				if math.Abs(o-exact) > 0.01*exact*(1+1e-12) {
					t.Errorf("q%v = %v, exact %v: beyond 1%%", q, o, exact)
				}
			}
			if decoded.GetCount() != float64(len(values)) || ours.Count() != float64(len(values)) {
				t.Errorf("counts %v, %v", decoded.GetCount(), ours.Count())
			}
		})
	}
}
