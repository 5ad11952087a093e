package main

import (
	"strings"
	"testing"
)

const sampleOutput = `goos: linux
goarch: amd64
pkg: github.com/ctxtrace/trace/bench
cpu: AMD EPYC
BenchmarkRootSpan3Tags/ours-2      	  100000	       300 ns/op	     448 B/op	       1 allocs/op
BenchmarkRootSpan3Tags/ours-2      	  100000	       100 ns/op	     448 B/op	       1 allocs/op
BenchmarkRootSpan3Tags/ours-2      	  100000	       200 ns/op	     448 B/op	       1 allocs/op
BenchmarkRootSpan3Tags/ddtrace-2   	  100000	      4000 ns/op	    4300 B/op	      36 allocs/op
BenchmarkRootSpan3Tags/ddtrace-2   	  100000	      5000 ns/op	    4302 B/op	      38 allocs/op
BenchmarkRootSpan3Tags/otel-2      	  100000	       50.5 ns/op
BenchmarkChildSpan/ddtrace-2       	  100000	      1866 ns/op	    2198 B/op	      20 allocs/op
BenchmarkUnrelated-2               	  100000	      1866 ns/op
BenchmarkEncode/ours-2         	  262214	      4000 ns/op	       383.8 B/span	   2500000 spans/s	      80 B/op	       1 allocs/op
BenchmarkEncode/ours-2         	  262214	      4000 ns/op	       383.8 B/span	   2000000 spans/s	      80 B/op	       1 allocs/op
BenchmarkEncode/ddtrace-2      	  148543	      8000 ns/op	       397.3 B/span	   1000000 spans/s	   12593 B/op	       1 allocs/op
BenchmarkDelivered/ours-2         	  133152	       100.0 delivered%	    600000 spans/cpu-s	   11538 B/op	      56 allocs/op
BenchmarkDelivered/ours-2         	  133152	       100.0 delivered%	    700000 spans/cpu-s	   11538 B/op	      56 allocs/op
BenchmarkDelivered/ddtrace-2      	   63406	        75.00 delivered%	    200000 spans/cpu-s	   26093 B/op	     256 allocs/op
PASS
`

func TestParseAndMedians(t *testing.T) {
	res, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.workloads, ","); got != "RootSpan3Tags,ChildSpan,Encode,Delivered" {
		t.Fatalf("workloads = %q", got)
	}
	for _, c := range []struct {
		workload, tracer, unit string
		want                   float64
	}{
		{"RootSpan3Tags", "ours", "ns/op", 200},
		{"RootSpan3Tags", "ours", "B/op", 448},
		{"RootSpan3Tags", "ddtrace", "ns/op", 4500},
		{"RootSpan3Tags", "ddtrace", "B/op", 4301},
		{"RootSpan3Tags", "ddtrace", "allocs/op", 37},
		{"RootSpan3Tags", "otel", "ns/op", 50.5},
		{"RootSpan3Tags", "otel", "B/op", -1}, // no -benchmem
		{"Encode", "ours", "spans/s", 2250000},
		{"Encode", "ddtrace", "B/span", 397.3},
		{"Delivered", "ours", "spans/cpu-s", 650000},
		{"Delivered", "ours", "ns/op", -1}, // suppressed
		{"Delivered", "ddtrace", "delivered%", 75},
	} {
		if got := medianOf(res.samples[key{c.workload, c.tracer}], c.unit); got != c.want {
			t.Errorf("%s/%s median %s = %v, want %v", c.workload, c.tracer, c.unit, got, c.want)
		}
	}
	if got := strings.Join(res.metrics["Encode"], ","); got != "spans/s,B/span" {
		t.Errorf("Encode metrics = %q", got)
	}
	if got := len(res.metrics["RootSpan3Tags"]); got != 0 {
		t.Errorf("RootSpan3Tags has %d metrics of its own, want 0", got)
	}
}

func TestRender(t *testing.T) {
	res, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	render(&b, res)
	out := b.String()
	timing, metrics, ok := strings.Cut(out, "Reported metrics")
	if !ok {
		t.Fatalf("no metrics table:\n%s", out)
	}
	for _, want := range []string{
		"cpu: AMD EPYC",
		"ours 22.50× faster", // 4500 / 200
		"ours 3.96× slower",  // 200 / 50.5
		"not run",            // ChildSpan has no ours and no otel
		"(reference)",
		"ours 2.00× faster", // Encode: 8000 / 4000
	} {
		if !strings.Contains(timing, want) {
			t.Errorf("timing table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(timing, "Delivered") {
		t.Errorf("Delivered (no ns/op) is in the timing table:\n%s", out)
	}
	for _, want := range []string{
		"ours ÷ ddtrace",
		"2,250,000", // Encode ours spans/s
		"2.25×",     // 2,250,000 / 1,000,000
		"0.97×",     // 383.8 / 397.3
		"383.8",     // Encode ours B/span
		"3.25×",     // 650,000 / 200,000
		"1.33×",     // 100 / 75
		"2/1",       // runs
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(metrics, "otel") || strings.Contains(metrics, "RootSpan3Tags") {
		t.Errorf("metrics table lists what reports no metrics of its own:\n%s", out)
	}
}

func TestNum(t *testing.T) {
	for v, want := range map[float64]string{-1: "—", 0: "0.0", 99.94: "99.9", 383.8: "384", 1000: "1,000", 2370648: "2,370,648"} {
		if got := num(v, 100); got != want {
			t.Errorf("num(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestRenderBaselineOverhead(t *testing.T) {
	const out = `BenchmarkHTTPMiddleware/bare-2     	1000	       100 ns/op	      24 B/op	       2 allocs/op
BenchmarkHTTPMiddleware/ours-2     	1000	      1100 ns/op	    1000 B/op	      14 allocs/op
BenchmarkHTTPMiddleware/ddtrace-2  	1000	      5100 ns/op	    8000 B/op	      81 allocs/op
`
	res, err := parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	render(&b, res)
	for _, want := range []string{"ours 4.64× faster; overhead 5.00×", "(no tracer: the baseline)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}
