// Command benchtable reads `go test -bench -benchmem` output and prints two
// tables of medians per workload and tracer.
//
// The timing table has every workload whose results carry ns/op: the median
// ns/op, B/op and allocs/op of every tracer and how many times faster ours is
// than each peer (peer ns/op ÷ ours ns/op).
//
// The metrics table has every workload that reports metrics of its own
// (testing.B.ReportMetric, such as spans/s or delivered%): one row per
// metric, the median of each tracer that ran it, and ours ÷ peer for each
// peer. A benchmark that suppresses ns/op (ReportMetric(0, "ns/op")) appears
// only there.
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

// baseline names the entry that runs a workload without any tracer.
const baseline = "bare"

// tracerOrder fixes the order of the known tracers; others follow by name.
var tracerOrder = []string{"ours", "ddtrace", "otel"}

// The units the testing package reports itself (-benchmem included).
const (
	unitNs     = "ns/op"
	unitBytes  = "B/op"
	unitAllocs = "allocs/op"
	unitMBs    = "MB/s"
)

func builtin(unit string) bool {
	switch unit {
	case unitNs, unitBytes, unitAllocs, unitMBs:
		return true
	}
	return false
}

// metricOrder puts these metrics first in the metrics table, in this order;
// others follow in the order they were first seen (go test sorts a line's
// metrics by unit).
var metricOrder = []string{"spans/s", "B/span", "spans/cpu-s", "delivered%"}

// A sample is one result line: unit → value.
type sample map[string]float64

type key struct{ workload, tracer string }

type results struct {
	workloads []string            // in order of first appearance
	tracers   map[string][]string // workload → tracers, in order of first appearance
	metrics   map[string][]string // workload → its own units, in order of first appearance
	samples   map[key][]sample
	header    []string // goos/goarch/cpu lines
}

var benchLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+((?:\s+[-+0-9.eE]+ \S+)+)\s*$`)

func parse(r io.Reader) (*results, error) {
	res := &results{tracers: map[string][]string{}, metrics: map[string][]string{}, samples: map[key][]sample{}}
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
		s := sample{}
		fields := strings.Fields(m[2])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%q: %v", line, err)
			}
			unit := fields[i+1]
			s[unit] = v
			if !builtin(unit) && !slices.Contains(res.metrics[workload], unit) {
				res.metrics[workload] = append(res.metrics[workload], unit)
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
	for _, units := range res.metrics {
		rank := func(u string) int {
			if i := slices.Index(metricOrder, u); i >= 0 {
				return i
			}
			return len(metricOrder)
		}
		slices.SortStableFunc(units, func(a, b string) int { return rank(a) - rank(b) })
	}
	return res, sc.Err()
}

// median of xs; -1 if xs is empty.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return -1
	}
	v := slices.Clone(xs)
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// medianOf is the median of unit over the samples that report it; -1 if none
// does.
func medianOf(ss []sample, unit string) float64 {
	var xs []float64
	for _, s := range ss {
		if v, ok := s[unit]; ok {
			xs = append(xs, v)
		}
	}
	return median(xs)
}

// timed reports whether any sample carries ns/op.
func timed(ss []sample) bool {
	return slices.ContainsFunc(ss, func(s sample) bool { _, ok := s[unitNs]; return ok })
}

func orderTracers(ts []string, withKnown bool) []string {
	rank := func(t string) int {
		if i := slices.Index(tracerOrder, t); i >= 0 {
			return i
		}
		return len(tracerOrder)
	}
	out := slices.Clone(ts)
	if withKnown {
		// Known tracers always listed (missing ones show as "not run").
		for _, t := range tracerOrder {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
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

// num formats a median: "—" when missing; with one decimal under below;
// else as an integer, with thousands separators.
func num(v, below float64) string {
	switch {
	case v < 0:
		return "—"
	case v < below:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	s := strconv.FormatFloat(v, 'f', 0, 64)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func render(w io.Writer, res *results) {
	for _, h := range res.header {
		fmt.Fprintln(w, h)
	}
	if len(res.header) > 0 {
		fmt.Fprintln(w)
	}
	first := true
	if t := timingTable(res); t != nil {
		fmt.Fprintln(w, "Timing: medians per op; ours N× faster = peer ns/op ÷ ours ns/op")
		fmt.Fprintln(w)
		writeTable(w, t, []bool{false, false, true, true, true, true, false})
		first = false
	}
	if t := metricsTable(res); t != nil {
		if !first {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, "Reported metrics: medians; ours ÷ peer is the ratio of the medians")
		fmt.Fprintln(w)
		right := make([]bool, len(t[0]))
		for i := 2; i < len(right); i++ {
			right[i] = true
		}
		writeTable(w, t, right)
	}
}

func timingTable(res *results) [][]string {
	rows := [][]string{{"workload", "tracer", "runs", "ns/op", "B/op", "allocs/op", "peer ns ÷ ours ns"}}
	for _, wl := range res.workloads {
		if !slices.ContainsFunc(res.tracers[wl], func(tr string) bool { return timed(res.samples[key{wl, tr}]) }) {
			continue
		}
		ref, haveRef := res.samples[key{wl, reference}]
		refNs := medianOf(ref, unitNs)
		// A "bare" entry runs the workload with no tracer at all (a
		// middleware benchmark's handler alone); with one, the table also
		// compares the tracers' overheads: ns/op minus bare's.
		bare, haveBare := res.samples[key{wl, baseline}]
		bareNs := medianOf(bare, unitNs)
		for i, tr := range orderTracers(res.tracers[wl], true) {
			name := ""
			if i == 0 {
				name = wl
			}
			ss, ok := res.samples[key{wl, tr}]
			if !ok {
				rows = append(rows, []string{name, tr, "0", "—", "—", "—", "not run"})
				continue
			}
			ns := medianOf(ss, unitNs)
			ratio := "—"
			switch {
			case tr == reference:
				ratio = "(reference)"
			case tr == baseline:
				ratio = "(no tracer: the baseline)"
			case haveRef && refNs > 0 && ns > 0:
				r := ns / refNs
				if r >= 1 {
					ratio = fmt.Sprintf("ours %.2f× faster", r)
				} else {
					ratio = fmt.Sprintf("ours %.2f× slower", 1/r)
				}
				if haveBare && refNs > bareNs && ns > bareNs {
					ratio += fmt.Sprintf("; overhead %.2f×", (ns-bareNs)/(refNs-bareNs))
				}
			}
			rows = append(rows, []string{name, tr, strconv.Itoa(len(ss)),
				num(ns, 100), num(medianOf(ss, unitBytes), 0), num(medianOf(ss, unitAllocs), 0), ratio})
		}
	}
	if len(rows) == 1 {
		return nil
	}
	return rows
}

func metricsTable(res *results) [][]string {
	// The tracers of every workload with metrics of its own; ours first.
	var tracers []string
	for _, wl := range res.workloads {
		if len(res.metrics[wl]) == 0 {
			continue
		}
		for _, tr := range res.tracers[wl] {
			if !slices.Contains(tracers, tr) {
				tracers = append(tracers, tr)
			}
		}
	}
	if len(tracers) == 0 {
		return nil
	}
	tracers = orderTracers(tracers, false)
	var peers []string
	for _, tr := range tracers {
		if tr != reference {
			peers = append(peers, tr)
		}
	}
	head := append([]string{"workload", "metric"}, tracers...)
	for _, p := range peers {
		head = append(head, reference+" ÷ "+p)
	}
	head = append(head, "runs")
	rows := [][]string{head}
	for _, wl := range res.workloads {
		for i, unit := range res.metrics[wl] {
			name := ""
			if i == 0 {
				name = wl
			}
			row := []string{name, unit}
			meds := map[string]float64{}
			var runs []string
			for _, tr := range tracers {
				ss, ok := res.samples[key{wl, tr}]
				m := -1.0
				if ok {
					m = medianOf(ss, unit)
				}
				meds[tr] = m
				row = append(row, num(m, 1000))
				runs = append(runs, strconv.Itoa(len(ss)))
			}
			for _, p := range peers {
				ratio := "—"
				if r, v := meds[reference], meds[p]; r >= 0 && v > 0 {
					ratio = fmt.Sprintf("%.2f×", r/v)
				}
				row = append(row, ratio)
			}
			row = append(row, strings.Join(runs, "/"))
			rows = append(rows, row)
		}
	}
	if len(rows) == 1 {
		return nil
	}
	return rows
}

// writeTable aligns text columns left and right-aligned ones right.
func writeTable(w io.Writer, rows [][]string, rightAligned []bool) {
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
