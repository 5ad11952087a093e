// Command soak checks the tracer's promises on memory, latency, goroutines
// and accounting against a Datadog Agent that misbehaves.
//
// For each mode and rate it starts a stand-in agent on 127.0.0.1, builds a
// tracer as a user would (agent.New(agent.WithURL(...)) and trace.New with
// default settings), finishes spans for -duration, shuts the tracer down
// and prints one block of figures and checks. It exits with status 1 if a
// check fails.
//
//	go run ./cmd/soak                                 # down, blackhole, slow, 500; rates 5 and full; 60s each
//	go run ./cmd/soak -mode=down,healthy -duration=10s
//
// Modes: down (a closed port), blackhole (accepts, never reads nor answers),
// slow (200 {} after 5s), 500 (500 to everything), healthy (200 {} at once).
// Rates: a number of spans a second from one goroutine, or "full": 16
// goroutines finishing spans as fast as they can, every 100th trace a root
// with 5 children.
//
// The live heap is measured exactly every -heap-every (2s): the load's
// goroutines stop between two iterations, runtime.GC runs twice and
// runtime/metrics' /gc/heap/live:bytes is read, then they go on. Neither the
// pause nor the GCs fall inside a timed Finish call, and the pauses are not
// counted in the load time nor the rate. Growth (the most live heap, those
// samples and the end of the load, less the live heap before the run, also
// after two GCs) decides the memory check. Every 250ms the heap is also
// read without a GC; those figures count garbage and are printed only. The
// tracer's Stats.MemoryInUse is read at every sample and its peak printed
// against the budget.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	defaultBudget = 32 << 20 // the tracer's default budget (trace.WithMemoryBudget)
	budgetSlack   = 16 << 20 // growth allowed beyond the budget
	maxFinishP99  = 50 * time.Microsecond
	mib           = 1 << 20
)

func main() {
	results, err := run(os.Args[1:], os.Stdout)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "soak:", err)
		}
		os.Exit(2)
	}
	for _, r := range results {
		if !r.passed() {
			os.Exit(1)
		}
	}
}

// run parses args, runs every (mode, rate) and prints to out.
func run(args []string, out io.Writer) ([]*result, error) {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	modeFlag := fs.String("mode", "down,blackhole,slow,500", "stand-in agents, comma-separated: "+strings.Join(modes, ","))
	rateFlag := fs.String("rate", "5,full", `load levels, comma-separated: spans a second from one goroutine, or "full"`)
	duration := fs.Duration("duration", 60*time.Second, "load time of each run")
	budget := fs.Int("budget", 0, "bytes for trace.WithMemoryBudget; 0 leaves the default (32 MiB)")
	shutdown := fs.Duration("shutdown", 5*time.Second, "deadline of the tracer's Shutdown")
	heapEvery := fs.Duration("heap-every", 2*time.Second, "how often to stop the load, run two GCs and measure the live heap")
	quiet := fs.Bool("quiet", false, "discard the tracer's log lines (they are still counted)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	runModes, err := parseModes(*modeFlag)
	if err != nil {
		return nil, err
	}
	rates, err := parseRates(*rateFlag)
	if err != nil {
		return nil, err
	}
	if *duration <= 0 || *shutdown <= 0 || *heapEvery <= 0 {
		return nil, errors.New("-duration, -shutdown and -heap-every must be positive")
	}
	if *budget < 0 {
		return nil, errors.New("-budget must not be negative")
	}
	installLogger(*quiet)

	b, note := budgetFor(*budget)
	fmt.Fprintf(out, "soak: %s, GOMAXPROCS %d, %v per run, Shutdown deadline %v, budget %s (%s), exact heap every %v\n",
		runtime.Version(), runtime.GOMAXPROCS(0), *duration, *shutdown, fmtBytes(int64(b)), note, *heapEvery)
	var results []*result
	for _, m := range runModes {
		for _, r := range rates {
			res, err := runOne(runConfig{mode: m, rate: r, duration: *duration, budget: *budget,
				shutdown: *shutdown, heapEvery: *heapEvery})
			if err != nil {
				return results, fmt.Errorf("mode %s rate %s: %w", m, r.label, err)
			}
			printResult(out, res)
			results = append(results, res)
		}
	}
	printSummary(out, results)
	return results, nil
}

func parseModes(s string) ([]string, error) {
	var out []string
	for _, m := range strings.Split(s, ",") {
		m = strings.TrimSpace(m)
		if !slices.Contains(modes, m) {
			return nil, fmt.Errorf("unknown mode %q (want %s)", m, strings.Join(modes, ","))
		}
		out = append(out, m)
	}
	return out, nil
}

func parseRates(s string) ([]rateSpec, error) {
	var out []rateSpec
	for _, r := range strings.Split(s, ",") {
		r = strings.TrimSpace(r)
		if r == "full" {
			out = append(out, rateSpec{label: r})
			continue
		}
		n, err := strconv.ParseFloat(r, 64)
		if err != nil || n <= 0 || n > 1e6 {
			return nil, fmt.Errorf("bad rate %q: want spans a second (0 < n <= 1e6) or \"full\"", r)
		}
		out = append(out, rateSpec{label: r, perSecond: n})
	}
	return out, nil
}

// budgetFor returns the budget the memory check holds the tracer to, and
// where it comes from.
func budgetFor(flagBytes int) (int, string) {
	if flagBytes > 0 {
		return flagBytes, "set by -budget"
	}
	return defaultBudget, "the tracer's default"
}

// logCount counts the log records the tracer and exporter write (through
// slog.Default, as a user's program would have them).
var (
	logCount   atomic.Uint64
	loggerOnce sync.Once
)

type countingHandler struct{ slog.Handler }

func (h countingHandler) Handle(ctx context.Context, r slog.Record) error {
	logCount.Add(1)
	return h.Handler.Handle(ctx, r)
}

func (h countingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return countingHandler{h.Handler.WithAttrs(as)}
}

func (h countingHandler) WithGroup(name string) slog.Handler {
	return countingHandler{h.Handler.WithGroup(name)}
}

// installLogger makes slog's default logger count its records, once per
// process: the first call decides whether they are also written to stderr.
func installLogger(quiet bool) {
	loggerOnce.Do(func() {
		var w io.Writer = os.Stderr
		if quiet {
			w = io.Discard
		}
		slog.SetDefault(slog.New(countingHandler{slog.NewTextHandler(w, nil)}))
	})
}
