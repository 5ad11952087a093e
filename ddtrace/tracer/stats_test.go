package tracer_test

import (
	"net"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// discardLogger drops the tracer's messages: the Agent is down on purpose.
type discardLogger struct{}

func (discardLogger) Log(string) {}

// TestStatsWithAgentDown: with the Agent down, the spans finished before
// Stop are counted as dropped by the exporter, not as exported, and
// tracer.Stats still says so after Stop. It fails when Stats counts what
// the exporter accepted as exported, whatever became of it at the Agent
// (SpansExported 10, nothing dropped), and when Stop forgets the tracer
// (the zero Stats).
func TestStatsWithAgentDown(t *testing.T) {
	tracer.Start(tracer.WithTraceEnabled(false))
	if st := tracer.Stats(); st != (trace.Stats{}) {
		t.Errorf("Stats without a tracer = %+v, want zero", st)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	tracer.Start(tracer.WithAgentAddr(addr), tracer.WithSendRetries(0),
		tracer.WithLogger(discardLogger{}), tracer.WithLogStartup(false), tracer.WithService("svc"))
	defer tracer.Stop()
	const n = 10
	for range n {
		tracer.StartSpan("op").Finish()
	}
	if st := tracer.Stats(); st.SpansStarted != n || st.SpansFinished != n {
		t.Errorf("while running: %+v", st)
	}
	tracer.Stop() // waits for the exporter to give up on the Agent

	st := tracer.Stats()
	if st.SpansStarted != n || st.SpansExported != 0 || st.Dropped.Exporter != n || st.SpansQueued != 0 {
		t.Errorf("after Stop with the Agent down: %+v; want %d started and dropped by the exporter", st, n)
	}
	if st.SpansStarted != st.SpansExported+st.Dropped.Total() {
		t.Errorf("started %d != exported %d + dropped %d (%+v)", st.SpansStarted, st.SpansExported, st.Dropped.Total(), st.Dropped)
	}
}
