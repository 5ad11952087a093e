package trace_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
)

// dropReport is what one "spans dropped" record says.
type dropReport struct {
	exportFailed uint64
	text         string
}

// dropReports returns the drop records h received.
func dropReports(h *recordHandler) []dropReport {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []dropReport
	for _, r := range h.records {
		if !strings.Contains(r.Message, "dropped") {
			continue
		}
		var d dropReport
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "export_failed" {
				d.exportFailed = a.Value.Uint64()
			}
			d.text += a.String() + " "
			return true
		})
		out = append(out, d)
	}
	return out
}

// failTwenty finishes and flushes 20 spans through a failing exporter,
// calling midway (if not nil) after the tenth, shuts the tracer down, and
// checks that all 20 were counted as failed exports.
func failTwenty(t *testing.T, panics bool, interval time.Duration, midway func(*recordHandler)) *recordHandler {
	t.Helper()
	h := &recordHandler{}
	tr := trace.New(trace.WithExporter(failingExporter{panics}), trace.WithLogger(slog.New(h)), trace.WithFlushInterval(interval))
	for i := range 20 {
		if i == 10 && midway != nil {
			midway(h)
		}
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
		err := tr.Flush(context.Background())
		// With a short interval, a tick may have exported the span (and
		// failed) before Flush: then Flush has nothing to export.
		if err == nil && interval >= time.Hour {
			t.Errorf("panics=%v: Flush through a failing exporter returned nil", panics)
		}
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Errorf("panics=%v: Shutdown = %v", panics, err)
	}
	st := tr.Stats()
	if st.Dropped.ExportFailed != 20 || st.SpansExported != 0 {
		t.Errorf("panics=%v: stats %+v", panics, st)
	}
	checkAccounting(t, st)
	return h
}

func wantError(panics bool) string {
	if panics {
		return "exporter panicked: exporter bug"
	}
	return "agent unreachable"
}

// TestExportFailuresAreCountedAndLoggedOnce: 20 failed exports within one
// interval make one log record, with the count and the last error. The
// interval is an hour, so that the only report is the one Shutdown makes
// for what the interval held back: nothing here depends on how the
// scheduler interleaves the batcher's ticks with the test.
//
// (The test this replaces used a 1 ms interval and expected all 20
// failures in one record: whether the batcher's first report came before
// or after the twentieth failure was up to the scheduler.)
func TestExportFailuresAreCountedAndLoggedOnce(t *testing.T) {
	for _, panics := range []bool{false, true} {
		h := failTwenty(t, panics, time.Hour, nil)
		reports := dropReports(h)
		if len(reports) != 1 {
			t.Fatalf("panics=%v: %d drop reports for 20 failures in one interval, want 1: %+v", panics, len(reports), reports)
		}
		r := reports[0]
		if r.exportFailed != 20 || !strings.Contains(r.text, wantError(panics)) {
			t.Errorf("panics=%v: report %q, want export_failed=20 and the error", panics, r.text)
		}
	}
}

// TestExportFailureReportsAddUp: however the failures fall into intervals,
// the reports say each failure once and none is left unsaid at Shutdown,
// and each report that counts failures says the last error. The interval
// is 1 ms, and the test waits, after ten failures, for the batcher's first
// report: the other ten then fall in an interval that only Shutdown's
// report can close, as the reports' own limit (once per ratelog.Every) is
// far from over.
//
// It fails when the report at Shutdown obeys that limit like the others:
// the last ten failures are then never said.
func TestExportFailureReportsAddUp(t *testing.T) {
	for _, panics := range []bool{false, true} {
		h := failTwenty(t, panics, time.Millisecond, func(h *recordHandler) {
			for deadline := time.Now().Add(30 * time.Second); len(dropReports(h)) == 0; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) { // a hang guard
					t.Fatalf("panics=%v: ten failures and no report", panics)
				}
			}
		})
		reports := dropReports(h)
		var sum uint64
		for _, r := range reports {
			sum += r.exportFailed
			if r.exportFailed > 0 && !strings.Contains(r.text, wantError(panics)) {
				t.Errorf("panics=%v: report %q lacks the error", panics, r.text)
			}
		}
		if len(reports) == 0 || sum != 20 {
			t.Errorf("panics=%v: %d reports count %d failures, want 20: %+v", panics, len(reports), sum, reports)
		}
	}
}
