// Command benchtable reads `go test -bench -benchmem` output and prints, for
// each workload, the median ns/op, B/op and allocs/op of every tracer and how
// many times faster ours is than each peer (peer ns/op ÷ ours ns/op).
//
// Benchmark names are Benchmark<Workload>/<tracer>[-GOMAXPROCS]. Usage:
//
//	go test -run '^$' -bench . -benchmem -count 5 | go run ./cmd/benchtable
//	go run ./cmd/benchtable bench.txt
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// reference is the tracer the others are compared with.
const reference = "ours"

// tracerOrder fixes the order of the known tracers; others follow by name.
var tracerOrder = []string{"ours", "ddtrace", "otel"}

type sample struct{ ns, bytes, allocs float64 }

type key struct{ workload, tracer string }

type results struct {
	workloads []string            // in order of first appearance
	tracers   map[string][]string // workload → tracers, in order of first appearance
	samples   map[key][]sample
	header    []string // goos/goarch/cpu lines
}

var benchLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+([0-9.]+) ns/op(.*)$`)

func parse(r io.Reader) (*results, error) {
	res := &results{tracers: map[string][]string{}, samples: map[key][]sample{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		for _, p := range []string{"goos:", "goarch:", "cpu:"} {
			if strings.HasPrefix(line, p) && !slices.Contains(res.header, line) {
				res.header = append(res.header, line)
			}
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		workload, tracer, ok := strings.Cut(m[1], "/")
		if !ok {
			continue // not a side-by-side benchmark
		}
		ns, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return nil, fmt.Errorf("%q: %v", line, err)
		}
		s := sample{ns: ns, bytes: -1, allocs: -1}
		fields := strings.Fields(m[3])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			switch fields[i+1] {
			case "B/op":
				s.bytes = v
			case "allocs/op":
				s.allocs = v
			}
		}
		k := key{workload, tracer}
		if _, seen := res.tracers[workload]; !seen {
			res.workloads = append(res.workloads, workload)
		}
		if !slices.Contains(res.tracers[workload], tracer) {
			res.tracers[workload] = append(res.tracers[workload], tracer)
		}
		res.samples[k] = append(res.samples[k], s)
	}
	return res, sc.Err()
}

// median of xs, ignoring negative values (missing); -1 if none are left.
func median(xs []float64) float64 {
	var v []float64
	for _, x := range xs {
		if x >= 0 {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return -1
	}
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func medians(ss []sample) sample {
	col := func(f func(sample) float64) float64 {
		xs := make([]float64, len(ss))
		for i, s := range ss {
			xs[i] = f(s)
		}
		return median(xs)
	}
	return sample{
		ns:     col(func(s sample) float64 { return s.ns }),
		bytes:  col(func(s sample) float64 { return s.bytes }),
		allocs: col(func(s sample) float64 { return s.allocs }),
	}
}

func orderTracers(ts []string) []string {
	rank := func(t string) int {
		if i := slices.Index(tracerOrder, t); i >= 0 {
			return i
		}
		return len(tracerOrder)
	}
	out := slices.Clone(ts)
	// Known tracers first in their fixed order, always listed (missing ones
	// show as "—"), then the rest by name.
	for _, t := range tracerOrder {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return out
}

func num(v float64, unit string) string {
	if v < 0 {
		return "—"
	}
	switch {
	case unit == "ns" && v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
}

func render(w io.Writer, res *results) {
	for _, h := range res.header {
		fmt.Fprintln(w, h)
	}
	if len(res.header) > 0 {
		fmt.Fprintln(w)
	}
	rows := [][]string{{"workload", "tracer", "runs", "ns/op", "B/op", "allocs/op", "peer ns ÷ ours ns"}}
	for _, wl := range res.workloads {
		ref, haveRef := res.samples[key{wl, reference}]
		var refMed sample
		if haveRef {
			refMed = medians(ref)
		}
		for i, tr := range orderTracers(res.tracers[wl]) {
			name := ""
			if i == 0 {
				name = wl
			}
			ss, ok := res.samples[key{wl, tr}]
			if !ok {
				rows = append(rows, []string{name, tr, "0", "—", "—", "—", "not run"})
				continue
			}
			m := medians(ss)
			ratio := "—"
			switch {
			case tr == reference:
				ratio = "(reference)"
			case haveRef && refMed.ns > 0:
				r := m.ns / refMed.ns
				if r >= 1 {
					ratio = fmt.Sprintf("ours %.2f× faster", r)
				} else {
					ratio = fmt.Sprintf("ours %.2f× slower", 1/r)
				}
			}
			rows = append(rows, []string{name, tr, strconv.Itoa(len(ss)),
				num(m.ns, "ns"), num(m.bytes, "B"), num(m.allocs, "allocs"), ratio})
		}
	}
	// Text columns align left, numbers right.
	rightAligned := []bool{false, false, true, true, true, true, false}
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for c, cell := range r {
			width[c] = max(width[c], utf8.RuneCountInString(cell))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for c, cell := range r {
			pad := strings.Repeat(" ", width[c]-utf8.RuneCountInString(cell))
			if c > 0 {
				b.WriteString("  ")
			}
			if rightAligned[c] {
				b.WriteString(pad + cell)
			} else {
				b.WriteString(cell + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func main() {
	var in io.Reader = os.Stdin
	switch len(os.Args) {
	case 1:
	case 2:
		f, err := os.Open(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchtable:", err)
			os.Exit(1)
		}
		defer f.Close()
		in = f
	default:
		fmt.Fprintln(os.Stderr, "usage: benchtable [go-test-bench-output]")
		os.Exit(2)
	}
	res, err := parse(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if len(res.workloads) == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no Benchmark<Workload>/<tracer> results in the input")
		os.Exit(1)
	}
	render(os.Stdout, res)
}
