package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
)

// check is one promise, kept or not; na marks one that does not apply to
// the run (the Finish p99 below the full rate).
type check struct {
	name   string
	ok, na bool
	detail string
}

func (c check) verdict() string {
	switch {
	case c.na:
		return "n/a"
	case c.ok:
		return "PASS"
	}
	return "FAIL"
}

func (r *result) passed() bool {
	for _, c := range r.checks {
		if !c.ok && !c.na {
			return false
		}
	}
	return true
}

func (r *result) check(name string) check {
	for _, c := range r.checks {
		if c.name == name {
			return c
		}
	}
	return check{name: name, na: true}
}

// growth is the most exact live heap seen less the baseline.
func (r *result) growth() int64 { return int64(r.heap.peak) - int64(r.heap.base) }

// evaluate decides each check of a finished run.
func evaluate(r *result, full bool) []check {
	limit := int64(r.budget + budgetSlack)
	mem := check{name: "memory", ok: r.growth() <= limit,
		detail: fmt.Sprintf("exact live-heap growth %s <= budget %s + 16 MiB", fmtBytes(r.growth()), fmtBytes(int64(r.budget)))}
	gor := check{name: "goroutines", ok: r.gAfter <= r.gBefore,
		detail: fmt.Sprintf("%d after Shutdown <= %d before", r.gAfter, r.gBefore)}
	ok, detail := accounting(r.tr, r.exp)
	acc := check{name: "accounting", ok: ok, detail: detail}
	p99 := check{name: "p99", na: !full, ok: r.lat.p99 <= maxFinishP99,
		detail: fmt.Sprintf("Finish p99 %s <= %s", fmtDur(r.lat.p99), maxFinishP99)}
	if !full {
		p99.detail = "checked at the full rate only"
	}
	return []check{p99, mem, gor, acc}
}

// accounting checks, once Shutdown has returned and the exporter has
// settled, that every span started was accepted by the destination or
// dropped and counted with a reason. The tracer's Stats include the
// exporter's drops (Dropped.Exporter) and count as exported what the
// destination accepted, so the tracer's books alone must balance, and agree
// with the exporter's.
func accounting(ts trace.Stats, es agent.Stats) (ok bool, detail string) {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	if ts.SpansStarted != ts.SpansFinished {
		fail("tracer started %d != finished %d", ts.SpansStarted, ts.SpansFinished)
	}
	if ts.SpansFinished != ts.SpansExported+ts.Dropped.Total() {
		fail("tracer finished %d != exported %d + dropped %d", ts.SpansFinished, ts.SpansExported, ts.Dropped.Total())
	}
	if ts.SpansQueued != 0 {
		fail("tracer still holds %d span(s)", ts.SpansQueued)
	}
	if ts.SpansExported != es.SpansSent {
		fail("tracer exported %d != exporter sent %d", ts.SpansExported, es.SpansSent)
	}
	if ts.Dropped.Exporter != es.Dropped.Total() {
		fail("tracer's exporter drops %d != exporter dropped %d", ts.Dropped.Exporter, es.Dropped.Total())
	}
	if es.SpansReceived != es.SpansSent+es.Dropped.Total() {
		fail("exporter received %d != sent %d + dropped %d", es.SpansReceived, es.SpansSent, es.Dropped.Total())
	}
	detail = fmt.Sprintf("started %d = finished %d = exported %d + dropped %d (exporter's %d = its own %d), queued %d",
		ts.SpansStarted, ts.SpansFinished, ts.SpansExported, ts.Dropped.Total(),
		ts.Dropped.Exporter, es.Dropped.Total(), ts.SpansQueued)
	if len(bad) > 0 {
		detail += ": " + strings.Join(bad, "; ")
	}
	return len(bad) == 0, detail
}

// printResult prints one run's block.
func printResult(w io.Writer, r *result) {
	secs := r.loadTime.Seconds()
	fmt.Fprintf(w, "\n== mode %s, rate %s: %s of load, %d Finish calls (%.0f/s)\n",
		r.mode, r.rate, fmtDur(r.loadTime), r.lat.n, float64(r.lat.n)/max(secs, 1e-9))
	row := func(label, text string, c check) {
		if text != "" {
			fmt.Fprintf(w, "  %-11s %s\n", label, text)
			label = ""
		}
		if c.name != "" {
			fmt.Fprintf(w, "  %-11s %s: %s\n", label, c.verdict(), c.detail)
		}
	}
	row("Finish", fmt.Sprintf("p50 %s  p99 %s  p99.9 %s  max %s",
		fmtDur(r.lat.p50), fmtDur(r.lat.p99), fmtDur(r.lat.p999), fmtDur(r.lat.peak)), r.check("p99"))
	h := r.heap
	row("live heap", fmt.Sprintf("exact (2 GCs, load stopped): base %s  peak %s  end of load %s  growth %s  (%d sample(s) during the load, paused %s)",
		fmtBytes(int64(h.base)), fmtBytes(int64(h.peak)), fmtBytes(int64(h.end)), fmtBytes(r.growth()),
		h.samples, fmtDur(h.paused)), check{})
	row("", fmt.Sprintf("incl. garbage (no GC forced, not checked): live at last GC peak %s  heap objects peak %s",
		fmtBytes(int64(h.roughLive)), fmtBytes(int64(h.roughObjects))), check{})
	row("", fmt.Sprintf("budget %s (%s); tracer's Stats.MemoryInUse peak %s (%.0f%% of budget), %s after Shutdown",
		fmtBytes(int64(r.budget)), r.budgetNote, fmtBytes(int64(h.budgetPeak)),
		100*float64(h.budgetPeak)/float64(max(r.budget, 1)), fmtBytes(int64(r.tr.MemoryInUse))), r.check("memory"))
	row("goroutines", fmt.Sprintf("before %d, after Shutdown %d", r.gBefore, r.gAfter), r.check("goroutines"))
	errText := "nil"
	if r.shutdownErr != nil {
		errText = r.shutdownErr.Error()
	}
	row("Shutdown", fmt.Sprintf("took %s, returned %s; queue empty %s later", fmtDur(r.shutdownTook), errText,
		fmtDur(r.settleTook)), check{})
	t, e := r.tr, r.exp
	row("tracer", fmt.Sprintf("started %d  finished %d  exported %d  queued %d  dropped %d (queue_full %d, export_failed %d, shutdown %d, exporter %d)",
		t.SpansStarted, t.SpansFinished, t.SpansExported, t.SpansQueued, t.Dropped.Total(),
		t.Dropped.QueueFull, t.Dropped.ExportFailed, t.Dropped.Shutdown, t.Dropped.Exporter), check{})
	row("exporter", fmt.Sprintf("received %d  sent %d  payloads %d  retries %d  dropped %d (queue_full %d, too_large %d, rejected %d, failed %d, shutdown %d)",
		e.SpansReceived, e.SpansSent, e.Payloads, e.Retries, e.Dropped.Total(),
		e.Dropped.QueueFull, e.Dropped.TooLarge, e.Dropped.Rejected, e.Dropped.Failed, e.Dropped.Shutdown), check{})
	row("accounting", "", r.check("accounting"))
	row("logs", fmt.Sprintf("%d record(s) at info level or above", r.logs), check{})
}

// printSummary prints one line per run.
func printSummary(w io.Writer, results []*result) {
	fmt.Fprintln(w, "\n== summary")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MODE\tRATE\tSPANS\tP50\tP99\tP99.9\tMAX\tGROWTH\tIN USE\tBUDGET\tG BEFORE→AFTER\tSHUTDOWN\tP99<=50µs\tMEMORY\tGOROUTINES\tACCOUNTING\tRESULT")
	failed := 0
	for _, r := range results {
		verdict := "PASS"
		if !r.passed() {
			verdict = "FAIL"
			failed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d→%d\t%s\t%s\t%s\t%s\t%s\t%s\n",
			r.mode, r.rate, r.tr.SpansStarted, fmtDur(r.lat.p50), fmtDur(r.lat.p99), fmtDur(r.lat.p999), fmtDur(r.lat.peak),
			fmtBytes(r.growth()), fmtBytes(int64(r.heap.budgetPeak)), fmtBytes(int64(r.budget)), r.gBefore, r.gAfter, fmtDur(r.shutdownTook),
			r.check("p99").verdict(), r.check("memory").verdict(), r.check("goroutines").verdict(),
			r.check("accounting").verdict(), verdict)
	}
	tw.Flush()
	if failed > 0 {
		fmt.Fprintf(w, "%d of %d runs FAILED\n", failed, len(results))
	} else {
		fmt.Fprintf(w, "all %d runs PASSED\n", len(results))
	}
}

func fmtBytes(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/mib) }

// fmtDur rounds d to about four significant figures.
func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d >= time.Microsecond:
		return d.Round(10 * time.Nanosecond).String()
	}
	return d.String()
}
