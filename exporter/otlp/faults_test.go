package otlp

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/connectivity"

	"github.com/ctxtrace/trace"
)

// deadAddr returns an address on 127.0.0.1 where nothing listens.
func deadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestServerDown checks that a destination nobody answers costs retries
// until the timeout, then the spans, counted as failed; the tracer never
// waits for it.
func TestServerDown(t *testing.T) {
	for _, p := range []Protocol{HTTPProtobuf, GRPC} {
		t.Run(string(p), func(t *testing.T) {
			endpoint := deadAddr(t)
			if p == HTTPProtobuf {
				endpoint = "http://" + endpoint
			}
			clk := newFakeClock()
			exp, err := New(WithProtocol(p), WithEndpoint(endpoint), WithInsecure(), withClock(clk),
				withGetenv(envMap(nil)), WithLogger(slog.New(slog.DiscardHandler)))
			if err != nil {
				t.Fatal(err)
			}
			st := exportTraces(t, exp, 4)
			es := exp.Stats()
			if es.Dropped.Failed != 12 || es.SpansSent != 0 || es.Retries == 0 {
				t.Errorf("exporter Stats = %+v; want the 12 spans failed after retries", es)
			}
			if st.SpansFinished != st.SpansExported+st.Dropped.Total() || st.Dropped.Exporter != 12 {
				t.Errorf("tracer Stats = %+v; want the 12 spans dropped by the exporter", st)
			}
		})
	}
}

// TestServerHanging checks that a destination that never answers holds
// no caller: Export returns at once, Flush gives up with its context,
// attempts end at the timeout, and Shutdown returns by its deadline,
// counting what was lost.
func TestServerHanging(t *testing.T) {
	for _, p := range []Protocol{HTTPProtobuf, GRPC} {
		t.Run(string(p), func(t *testing.T) {
			s := newSink(t, p, nil)
			s.hang = make(chan struct{})
			t.Cleanup(func() { close(s.hang) })
			exp, err := New(s.options(WithTimeout(time.Hour), WithConcurrency(1))...)
			if err != nil {
				t.Fatal(err)
			}
			batch := chunksOf(t, 3)
			for i := range batch {
				if err := exp.Export(context.Background(), batch[i:i+1]); err != nil {
					t.Fatal(err)
				}
			}
			waitFor(t, "the first request to reach the hanging destination", func() bool { return s.attemptCount() > 0 })
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			if err := exp.Flush(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Flush = %v; want it to give up with its context", err)
			}
			cancel()
			ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			if err := exp.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Shutdown = %v; want it to give up with its context", err)
			}
			waitFor(t, "every span to be counted", func() bool { return exp.Stats().SpansDropped == 9 })
			if st := exp.Stats(); st.Dropped.Shutdown != 9 {
				t.Errorf("Stats = %+v; want the 9 spans dropped at shutdown", st)
			}
			if err := exp.Export(context.Background(), batch); !errors.Is(err, ErrShutdown) {
				t.Errorf("Export after Shutdown = %v; want ErrShutdown", err)
			}
		})
	}
}

// TestAttemptTimeout checks that an attempt that gets no answer ends at
// the request's timeout and its spans are counted as failed.
func TestAttemptTimeout(t *testing.T) {
	s := newSink(t, HTTPProtobuf, nil)
	s.hang = make(chan struct{})
	t.Cleanup(func() { close(s.hang) })
	exp, err := New(s.options(WithTimeout(20 * time.Millisecond))...)
	if err != nil {
		t.Fatal(err)
	}
	exportOnce(t, exp, chunksOf(t, 1))
	if st := exp.Stats(); st.Dropped.Failed != 3 {
		t.Errorf("Stats = %+v; want the 3 spans failed", st)
	}
}

// TestQueueFull fills the memory budget while the destination hangs:
// every span finished is, in the end, sent or counted as dropped with its
// reason, by the exporter and by the tracer.
func TestQueueFull(t *testing.T) {
	for _, p := range []Protocol{HTTPProtobuf, GRPC} {
		t.Run(string(p), func(t *testing.T) {
			s := newSink(t, p, nil)
			s.hang = make(chan struct{})
			exp, err := New(s.options(WithConcurrency(1), WithTimeout(time.Hour))...)
			if err != nil {
				t.Fatal(err)
			}
			tr := trace.New(trace.WithExporter(exp), trace.WithMemoryBudget(256<<10),
				trace.WithLogger(slog.New(slog.DiscardHandler)))
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					for i := range 3000 {
						ctx, root := tr.Start(context.Background(), "root", trace.Tag("g", g))
						_, child := tr.Start(ctx, "child", trace.Tag("i", i))
						child.Finish()
						root.Finish()
					}
				})
			}
			wg.Wait()
			waitFor(t, "the budget to fill", func() bool { return exp.Stats().Dropped.QueueFull > 0 || tr.Stats().Dropped.QueueFull > 0 })
			close(s.hang) // the destination answers again
			s.mu.Lock()
			s.hang = nil
			s.mu.Unlock()
			if err := tr.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			st, es := tr.Stats(), exp.Stats()
			if st.SpansFinished != 24000 || st.SpansExported+st.Dropped.Total() != st.SpansFinished {
				t.Errorf("tracer Stats = %+v; want 24000 finished = exported + dropped", st)
			}
			if es.SpansReceived != es.SpansSent+es.SpansDropped {
				t.Errorf("exporter Stats = %+v; want received = sent + dropped", es)
			}
			if got := uniqueSpans(t, s.received()); uint64(got) != es.SpansSent || es.SpansSent != st.SpansExported {
				t.Errorf("%d spans arrived; the exporter says %d sent, the tracer %d exported", got, es.SpansSent, st.SpansExported)
			}
			t.Logf("finished %d, sent %d, dropped %+v (exporter %+v)", st.SpansFinished, es.SpansSent, st.Dropped, es.Dropped)
		})
	}
}

// uniqueSpans counts the span ids received, failing on a duplicate.
func uniqueSpans(t *testing.T, got []gotSpan) int {
	t.Helper()
	seen := map[uint64]bool{}
	for _, g := range got {
		if seen[g.spanID()] {
			t.Errorf("span %x arrived twice", g.spanID())
		}
		seen[g.spanID()] = true
	}
	return len(seen)
}

// TestShutdownEnds checks that Shutdown ends every goroutine the
// exporter started and closes its connections, over both transports.
func TestShutdownEnds(t *testing.T) {
	for _, p := range []Protocol{HTTPProtobuf, GRPC} {
		s := newSink(t, p, nil)
		exp, err := New(s.options(WithConcurrency(4))...)
		if err != nil {
			t.Fatal(err)
		}
		exportOnce(t, exp, chunksOf(t, 2))
		select {
		case <-exp.ended:
		default:
			t.Errorf("%s: senders still run after Shutdown", p)
		}
		if g, ok := exp.transport.(*grpcTransport); ok && g.conn.GetState() != connectivity.Shutdown {
			t.Errorf("the gRPC connection is %s after Shutdown", g.conn.GetState())
		}
		if err := exp.Shutdown(context.Background()); err != nil {
			t.Errorf("a second Shutdown = %v", err)
		}
	}
}

// TestExporterLimits fills the exporter's own limits while the
// destination hangs, exporting one trace per call: the memory budget, and
// the queue of requests. What does not fit is dropped and counted, and
// the budget is whole again once Shutdown has returned.
func TestExporterLimits(t *testing.T) {
	for _, c := range []struct {
		name   string
		budget int
		traces int
	}{{"budget", 16 << 10, 300}, {"queue", 64 << 20, queueLength + 300}} {
		t.Run(c.name, func(t *testing.T) {
			s := newSink(t, HTTPProtobuf, nil)
			s.hang = make(chan struct{})
			exp, err := New(s.options(WithConcurrency(1), WithTimeout(time.Hour))...)
			if err != nil {
				t.Fatal(err)
			}
			budget := trace.NewMemoryBudget(c.budget)
			exp.UseBudget(budget)
			batch := chunksOf(t, c.traces)
			for i := range batch {
				if err := exp.Export(context.Background(), batch[i:i+1]); err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					// The sender holds the first request alone: the
					// others wait, and none joins it.
					waitFor(t, "the first request", func() bool { return s.attemptCount() == 1 })
				}
			}
			if exp.Stats().Dropped.QueueFull == 0 {
				t.Errorf("nothing was dropped; the %s was not filled", c.name)
			}
			close(s.hang)
			if err := exp.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			st := exp.Stats()
			if st.SpansReceived != uint64(3*c.traces) || st.SpansSent+st.SpansDropped != st.SpansReceived {
				t.Errorf("Stats = %+v; want %d received = sent + dropped", st, 3*c.traces)
			}
			if got := uniqueSpans(t, s.received()); uint64(got) != st.SpansSent {
				t.Errorf("%d spans arrived; the exporter says it sent %d", got, st.SpansSent)
			}
			if n := budget.InUse(); n != 0 {
				t.Errorf("%d bytes of the budget still taken after Shutdown", n)
			}
		})
	}
}
