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
PASS
`

func TestParseAndMedians(t *testing.T) {
	res, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.workloads, ","); got != "RootSpan3Tags,ChildSpan" {
		t.Fatalf("workloads = %q", got)
	}
	if m := medians(res.samples[key{"RootSpan3Tags", "ours"}]); m != (sample{200, 448, 1}) {
		t.Errorf("ours median = %+v", m)
	}
	if m := medians(res.samples[key{"RootSpan3Tags", "ddtrace"}]); m != (sample{4500, 4301, 37}) {
		t.Errorf("ddtrace median = %+v", m)
	}
	if m := medians(res.samples[key{"RootSpan3Tags", "otel"}]); m != (sample{50.5, -1, -1}) {
		t.Errorf("otel median (no -benchmem) = %+v", m)
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
	for _, want := range []string{
		"cpu: AMD EPYC",
		"ours 22.50× faster", // 4500 / 200
		"ours 3.96× slower",  // 200 / 50.5
		"not run",            // ChildSpan has no ours and no otel
		"(reference)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
