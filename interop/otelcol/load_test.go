package otelcol

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/otlp"
	"github.com/ctxtrace/trace/interop/otelcol/internal/collector"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// producers is how many goroutines record spans at once in the load tests.
const producers = 8

// arrivedIDs returns how many times each span id arrived at col.
func arrivedIDs(t *testing.T, col *collector.Collector) map[uint64]int {
	t.Helper()
	requests, err := col.Traces()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[uint64]int{}
	for _, td := range requests {
		eachSpan(td, func(s ptrace.Span) {
			id := s.SpanID()
			var v uint64
			for _, b := range id {
				v = v<<8 | uint64(b)
			}
			ids[v]++
		})
	}
	return ids
}

func eachSpan(td ptrace.Traces, fn func(ptrace.Span)) {
	for i := range td.ResourceSpans().Len() {
		sss := td.ResourceSpans().At(i).ScopeSpans()
		for j := range sss.Len() {
			spans := sss.At(j).Spans()
			for k := range spans.Len() {
				fn(spans.At(k))
			}
		}
	}
}

// duplicates returns the ids that arrived more than once.
func duplicates(ids map[uint64]int) []string {
	var out []string
	for id, n := range ids {
		if n > 1 {
			out = append(out, fmt.Sprintf("%016x×%d", id, n))
		}
	}
	return out
}

func shutdown(t *testing.T, tr *trace.Tracer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

// TestTenThousand sends 10,000 spans from 8 goroutines at once, over each
// transport: every one arrives, once, and the exporter says so.
func TestTenThousand(t *testing.T) {
	const spans, perTrace = 10_000, 5
	for _, proto := range []otlp.Protocol{otlp.HTTPProtobuf, otlp.GRPC} {
		t.Run(string(proto), func(t *testing.T) {
			col := collector.Start(t)
			exp := newExporter(t, col, proto)
			tr := trace.New(trace.WithService("load"), trace.WithExporter(exp), trace.WithLogger(testLogger(t)))
			var wg sync.WaitGroup
			for g := range producers {
				wg.Go(func() {
					for i := range spans / perTrace / producers {
						ctx, root := tr.Start(context.Background(), "root", trace.Tag("goroutine", g), trace.Tag("i", i))
						for range perTrace - 1 {
							_, child := tr.Start(ctx, "child")
							child.Finish()
						}
						root.Finish()
					}
				})
			}
			wg.Wait()
			shutdown(t, tr)
			ids := arrivedIDs(t, col)
			st := exp.Stats()
			t.Logf("%d unique span ids arrived; exporter: %d sent in %d requests, %d dropped", len(ids), st.SpansSent, st.Requests, st.SpansDropped)
			if len(ids) != spans || st.SpansSent != spans || st.SpansDropped != 0 {
				t.Errorf("%d unique span ids arrived, exporter sent %d, dropped %d (%+v); want %d, %d, 0",
					len(ids), st.SpansSent, st.SpansDropped, st.Dropped, spans, spans)
			}
			if d := duplicates(ids); len(d) > 0 {
				t.Errorf("spans arrived more than once: %v", d)
			}
			if ts := tr.Stats(); ts.SpansFinished != spans || ts.SpansExported != spans || ts.Dropped.Total() != 0 {
				t.Errorf("tracer stats %+v; want %d finished and exported, none dropped", ts, spans)
			}
		})
	}
}

// Phases of TestOutage, as producers see them when a span finishes.
const (
	beforeOutage = iota
	duringOutage // from the Collector's exit to the call to Restart
	afterOutage
)

// outageLength is the scenario's outage; nothing is asserted about time.
const outageLength = 3 * time.Second

// produced is what one producer of TestOutage finished.
type produced struct {
	ids   []uint64
	phase []int8
}

// TestOutage stops the Collector for 3 s while 8 goroutines record spans,
// then restarts it on the same ports. In the end every span finished
// arrived once or is counted as dropped, with its reason: arrived + dropped
// == finished.
func TestOutage(t *testing.T) {
	for _, proto := range []otlp.Protocol{otlp.HTTPProtobuf, otlp.GRPC} {
		t.Run(string(proto), func(t *testing.T) { outage(t, proto) })
	}
}

func outage(t *testing.T, proto otlp.Protocol) {
	col := collector.Start(t)
	exp := newExporter(t, col, proto)
	tr := trace.New(trace.WithService("outage"), trace.WithExporter(exp), trace.WithLogger(testLogger(t)))
	var phase atomic.Int32
	stop := make(chan struct{})
	out := make([]produced, producers)
	var wg sync.WaitGroup
	for g := range producers {
		wg.Go(func() { produce(tr, &phase, stop, &out[g]) })
	}
	waitFor(t, "a first delivery", func() bool { return exp.Stats().SpansSent > 0 })
	col.Stop()
	phase.Store(duringOutage)
	time.Sleep(outageLength) // the outage itself: the scenario, not a synchronization
	phase.Store(afterOutage)
	col.Restart()
	sentAtRestart := exp.Stats().SpansSent
	waitFor(t, "a delivery after the restart", func() bool { return exp.Stats().SpansSent > sentAtRestart })
	close(stop)
	wg.Wait()
	shutdown(t, tr)
	checkOutage(t, arrivedIDs(t, col), out, exp.Stats(), tr.Stats())
}

// produce records two-span traces until stop closes, pacing itself so that
// the Collector's file stays small, and notes each span's id and phase.
func produce(tr *trace.Tracer, phase *atomic.Int32, stop <-chan struct{}, out *produced) {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		ctx, root := tr.Start(context.Background(), "root")
		_, child := tr.Start(ctx, "child")
		child.Finish()
		p := int8(phase.Load())
		root.Finish()
		out.ids = append(out.ids, child.SpanID(), root.SpanID())
		out.phase = append(out.phase, p, p)
	}
}

// waitFor polls cond until it holds, failing the test after a generous
// bound.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within 2 minutes", what)
		}
		time.Sleep(10 * time.Millisecond) // polling interval
	}
}

func checkOutage(t *testing.T, ids map[uint64]int, out []produced, st otlp.Stats, ts trace.Stats) {
	t.Helper()
	var finished, during, duringArrived int
	phaseOf := map[uint64]int8{}
	for _, p := range out {
		for i, id := range p.ids {
			phaseOf[id] = p.phase[i]
			finished++
			if p.phase[i] == duringOutage {
				during++
				if ids[id] > 0 {
					duringArrived++
				}
			}
		}
	}
	for id := range ids {
		if _, ok := phaseOf[id]; !ok {
			t.Errorf("span %016x arrived but was never finished", id)
		}
	}
	if d := duplicates(ids); len(d) > 0 {
		t.Errorf("spans arrived more than once: %v", d)
	}
	// Spans the tracer dropped before the exporter saw them, and those the
	// exporter dropped (the tracer's Dropped.Exporter mirrors them).
	pipeline := ts.Dropped.QueueFull + ts.Dropped.ExportFailed + ts.Dropped.Shutdown
	arrived := len(ids)
	t.Logf("finished %d spans, %d of them during the outage; arrived %d (%d of the outage's); exporter: sent %d, dropped %d %+v, %d requests, %d retries; tracer dropped %d before exporting",
		finished, during, arrived, duringArrived, st.SpansSent, st.SpansDropped, st.Dropped, st.Requests, st.Retries, pipeline)
	if during == 0 {
		t.Error("no span finished during the outage: the scenario did not happen")
	}
	if uint64(arrived)+st.SpansDropped+pipeline != uint64(finished) {
		t.Errorf("arrived %d + dropped by the exporter %d + by the tracer %d != finished %d",
			arrived, st.SpansDropped, pipeline, finished)
	}
	if st.SpansSent != uint64(arrived) || ts.SpansFinished != uint64(finished) {
		t.Errorf("exporter says %d sent, %d arrived; tracer says %d finished, producers %d", st.SpansSent, arrived, ts.SpansFinished, finished)
	}
}
