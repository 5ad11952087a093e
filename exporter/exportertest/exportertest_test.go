package exportertest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
)

// buffered is an exporter that converts what it is given into Spans at
// once and delivers them on Flush and Shutdown: a Flusher and a
// NonBlockingExporter, so that every check runs. Its fault, when set,
// breaks one rule, for TestFaulty.
type buffered struct {
	fault string

	mu        sync.Mutex
	pending   []Span
	kept      [][]trace.Chunk // fault "keeps-batch": batch slices, read at Flush
	delivered []Span
	closed    bool
	never     chan struct{} // fault "ignores-done-context": waited on forever
}

var errClosed = errors.New("buffered: shut down")

func (b *buffered) NonBlocking() {}

func (b *buffered) Export(_ context.Context, batch []trace.Chunk) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		switch b.fault {
		case "panics-after-shutdown":
			panic("export after shutdown")
		case "accepts-after-shutdown":
		default:
			return errClosed
		}
	}
	if b.fault == "keeps-batch" {
		b.kept = append(b.kept, batch)
		return nil
	}
	for _, c := range batch {
		for _, s := range c.Spans() {
			b.pending = append(b.pending, b.convert(s))
		}
	}
	if b.closed { // accepts-after-shutdown
		b.flushLocked()
	}
	return nil
}

// convert turns s into a Span, breaking it as the fault says.
func (b *buffered) convert(s trace.Snapshot) Span {
	out := FromSnapshot(s)
	switch b.fault {
	case "numbers-as-text":
		for k, v := range out.Metrics {
			out.Meta[k] = strconv.FormatFloat(v, 'g', -1, 64)
			delete(out.Metrics, k)
		}
	case "drops-upper-trace-id":
		out.TraceID = trace.NewTraceID(0, out.TraceID.Lower())
	case "microseconds":
		out.Start = out.Start.Truncate(time.Microsecond)
	}
	return out
}

func (b *buffered) flushLocked() {
	for _, batch := range b.kept {
		for _, c := range batch {
			for _, s := range c.Spans() {
				b.pending = append(b.pending, b.convert(s))
			}
		}
	}
	b.kept = nil
	b.delivered = append(b.delivered, b.pending...)
	if b.fault == "delivers-twice" {
		b.delivered = append(b.delivered, b.pending...)
	}
	b.pending = nil
}

func (b *buffered) Flush(context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	return nil
}

func (b *buffered) Shutdown(ctx context.Context) error {
	if b.fault == "ignores-done-context" && ctx.Err() != nil {
		<-b.never
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	b.closed = true
	return nil
}

func (b *buffered) results() []Span {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Span(nil), b.delivered...)
}

func newBuffered(fault string) func(t *testing.T) (trace.Exporter, func() []Span) {
	return func(t *testing.T) (trace.Exporter, func() []Span) {
		b := &buffered{fault: fault, never: make(chan struct{})}
		return b, b.results
	}
}

func TestRun(t *testing.T) {
	Run(t, newBuffered(""))
}

// TestFromSnapshot checks the fixture and its conversion: the checks rely
// on both.
func TestFromSnapshot(t *testing.T) {
	chunks := fixture(t)
	spans := spansOf(chunks)
	if len(spans) != 12 {
		t.Fatalf("the fixture has %d spans; want 12", len(spans))
	}
	for _, s := range spans {
		if s.Name == "tagged" && (len(s.Meta) != 7 || len(s.Metrics) != 5) {
			t.Errorf("tagged span: meta %v, metrics %v; want 5 text tags, env and version, and 5 numbers", s.Meta, s.Metrics)
		}
		if s.Name == "payment.charge" && (!s.Error || s.Meta["error.message"] != "card declined") {
			t.Errorf("error span: %+v", s)
		}
	}
}

const faultEnv = "EXPORTERTEST_FAULT"

// TestFaulty runs Run on the exporter that breaks the rule $EXPORTERTEST_FAULT
// names. TestCatchesFaults runs it in a child process, and expects it to
// fail.
func TestFaulty(t *testing.T) {
	fault := os.Getenv(faultEnv)
	if fault == "" {
		t.Skip("run by TestCatchesFaults")
	}
	hangAfter = 2 * time.Second
	Run(t, newBuffered(fault))
}

// TestCatchesFaults checks that Run fails an exporter that breaks a rule,
// saying which.
func TestCatchesFaults(t *testing.T) {
	if os.Getenv(faultEnv) != "" {
		t.Skip("in the child process")
	}
	for _, c := range []struct{ fault, want string }{
		{"keeps-batch", "Export kept the batch slice"},
		{"numbers-as-text", `numeric tag "ratio" arrived as the text "0.25"`},
		{"drops-upper-trace-id", "all 128 bits must arrive"},
		{"microseconds", "to the nanosecond"},
		{"delivers-twice", "times; want once"},
		{"panics-after-shutdown", "Export after Shutdown panicked"},
		{"accepts-after-shutdown", "Export after Shutdown returned nil"},
		{"ignores-done-context", "Shutdown with a context that is already done did not return"},
	} {
		t.Run(c.fault, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestFaulty$", "-test.count=1")
			cmd.Env = append(os.Environ(), faultEnv+"="+c.fault)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("Run passed an exporter whose fault is %s:\n%s", c.fault, out)
			}
			if !strings.Contains(string(out), c.want) || !strings.Contains(string(out), "--- FAIL") {
				t.Errorf("Run failed without saying %q:\n%s", c.want, out)
			}
		})
	}
}
