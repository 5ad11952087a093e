package exportertest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ctxtrace/trace"
)

// checkDelivery exports the test traces in two batches, as the pipeline
// does: several chunks per call, in a slice it clears and reuses once
// Export returns.
func checkDelivery(e *env) {
	chunks := fixture(e.t)
	scratch := make([]trace.Chunk, 0, len(chunks))
	half := len(chunks) / 2
	for _, part := range [][]trace.Chunk{chunks[:half], chunks[half:]} {
		batch := append(scratch[:0], part...)
		e.mustExport(batch)
		clear(batch)
	}
	e.mustShutdown()
	checkDelivered(e.t, "after Export and Shutdown", e.results(), spansOf(chunks))
}

// checkBatchNotKept writes other chunks over the batch slice once Export
// has returned: none of them may reach the destination.
func checkBatchNotKept(e *env) {
	chunks := fixture(e.t)
	batch := slices.Clone(chunks)
	e.mustExport(batch)
	over := decoys(e.t, 3)
	for i := range batch {
		batch[i] = over[i%len(over)]
	}
	e.mustShutdown()
	kept, rest := splitOff(e.results(), over)
	if len(kept) > 0 {
		e.t.Errorf("%d spans written into the batch slice after Export had returned reached the destination, "+
			"such as %s: Export kept the batch slice, which the pipeline clears and reuses; keep the Chunks instead",
			len(kept), describe(kept[0]))
	}
	checkDelivered(e.t, "after Export, overwriting the batch slice, and Shutdown", rest, spansOf(chunks))
}

// checkEmptyBatch exports a nil and an empty batch.
func checkEmptyBatch(e *env) {
	for _, b := range []struct {
		name  string
		batch []trace.Chunk
	}{{"a nil batch", nil}, {"an empty batch", []trace.Chunk{}}} {
		if err := e.export("Export of "+b.name, b.batch); err != nil {
			e.t.Errorf("Export of %s returned %v; want nil", b.name, err)
		}
	}
	e.mustShutdown()
	checkDelivered(e.t, "after empty batches and Shutdown", e.results(), nil)
}

// checkExportAfterShutdown exports one trace, shuts down, and exports the
// rest: that Export must fail and deliver nothing, and the first trace
// must have arrived.
func checkExportAfterShutdown(e *env) {
	chunks := fixture(e.t)
	before, after := chunks[:1], chunks[1:]
	e.mustExport(slices.Clone(before))
	e.mustShutdown()
	if err := e.export("Export after Shutdown", slices.Clone(after)); err == nil {
		e.t.Errorf("Export after Shutdown returned nil; want an error, so that the pipeline counts the batch as dropped")
	}
	late, rest := splitOff(e.results(), after)
	if len(late) > 0 {
		e.t.Errorf("%d spans exported after Shutdown reached the destination, such as %s; want none",
			len(late), describe(late[0]))
	}
	checkDelivered(e.t, "after Export, Shutdown and another Export", rest, spansOf(before))
}

// checkShutdownTwice calls Shutdown a second time, which must return
// without panicking and deliver nothing again.
func checkShutdownTwice(e *env) {
	chunks := fixture(e.t)
	e.mustExport(slices.Clone(chunks))
	e.mustShutdown()
	err := e.shutdown("a second Shutdown", e.ctx)
	e.t.Logf("a second Shutdown returned %v", err)
	checkDelivered(e.t, "after Export and Shutdown twice", e.results(), spansOf(chunks))
}

// checkFlush checks that a Flusher's Flush delivers what was exported,
// and that Shutdown then delivers it no second time.
func checkFlush(e *env) {
	f, ok := e.exp.(trace.Flusher)
	if !ok {
		e.t.Skip("the exporter is not a trace.Flusher")
	}
	chunks := fixture(e.t)
	e.mustExport(slices.Clone(chunks))
	if err := call(e.t, "Flush", func() error { return f.Flush(e.ctx) }); err != nil {
		e.t.Errorf("Flush returned %v; want nil", err)
	}
	want := spansOf(chunks)
	checkDelivered(e.t, "after Export and Flush, before Shutdown", e.results(), want)
	e.mustShutdown()
	checkDelivered(e.t, "after Export, Flush and Shutdown", e.results(), want)
}

// checkConcurrentExport has several goroutines call a NonBlockingExporter's
// Export at once, each with traces of its own, two chunks per call.
func checkConcurrentExport(e *env) {
	if _, ok := e.exp.(trace.NonBlockingExporter); !ok {
		e.t.Skip("the exporter is not a trace.NonBlockingExporter: the pipeline calls its Export from one goroutine at a time")
	}
	const goroutines, each = 8, 6
	chunks := traces(e.t, goroutines*each)
	if len(chunks) != goroutines*each {
		e.t.Fatalf("exportertest: %d traces came as %d chunks; want one chunk each", goroutines*each, len(chunks))
	}
	start := make(chan struct{})
	failures := make(chan string, len(chunks))
	var wg sync.WaitGroup
	for g := range goroutines {
		mine := chunks[g*each : (g+1)*each]
		wg.Go(func() {
			<-start
			for i := 0; i < len(mine); i += 2 {
				batch := slices.Clone(mine[i:min(i+2, len(mine))])
				switch o := try(func() error { return e.exp.Export(e.ctx, batch) }); {
				case o.panicked:
					failures <- fmt.Sprintf("Export panicked: %v\n%s", o.value, o.stack)
				case o.err != nil:
					failures <- fmt.Sprintf("Export returned %v; want nil", o.err)
				}
				clear(batch)
			}
		})
	}
	close(start)
	waitOrHang(e, &wg, fmt.Sprintf("Export called by %d goroutines at once", goroutines))
	close(failures)
	for f := range failures {
		e.t.Errorf("Export called by %d goroutines at once: %s", goroutines, f)
	}
	e.mustShutdown()
	checkDelivered(e.t, "after concurrent Exports and Shutdown", e.results(), spansOf(chunks))
}

// checkShutdownDoneContext calls Shutdown with a context that is already
// done, as the pipeline does when Tracer.Shutdown's deadline passed before
// the last export returned: it must return, with or without an error.
func checkShutdownDoneContext(e *env) {
	e.mustExport(fixture(e.t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := e.shutdown("Shutdown with a context that is already done", ctx)
	e.t.Logf("Shutdown with a done context returned %v", err)
}

// waitOrHang waits for wg, and fails the subtest if it has not finished
// within hangAfter.
func waitOrHang(e *env, wg *sync.WaitGroup, what string) {
	e.t.Helper()
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	timer := time.NewTimer(hangAfter)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		e.t.Fatalf("%s did not return within %v: it hangs", what, hangAfter)
	}
}

// splitOff separates the spans of got that belong to chunks from the rest.
func splitOff(got []Span, chunks []trace.Chunk) (of, rest []Span) {
	ids := map[uint64]bool{}
	for _, c := range chunks {
		for _, s := range c.Spans() {
			ids[s.SpanID()] = true
		}
	}
	for _, s := range got {
		if ids[s.SpanID] {
			of = append(of, s)
		} else {
			rest = append(rest, s)
		}
	}
	return of, rest
}
