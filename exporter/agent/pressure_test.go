package agent_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
)

// hangGuard bounds a wait that must end. It detects a hang; it times
// nothing.
const hangGuard = 30 * time.Second

// waitFor polls ok until it holds, failing the test after hangGuard.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(hangGuard); !ok(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
	}
}

// exporterAddsUp reports whether every span the exporter received was
// sent or dropped for a reason.
func exporterAddsUp(exp *agent.Exporter) bool {
	st := exp.Stats()
	return st.SpansReceived == st.SpansSent+st.Dropped.Total()
}

// TestRetryAfterPausesEverySender: an Agent that answers 429 with
// Retry-After: 60 gets no other request from the exporter until a minute
// has passed, from either sender, even though the exporter's own backoff
// is a millisecond; Shutdown, with a short deadline, then gives up on the
// ten payloads and counts their spans.
//
// It fails when the exporter ignores Retry-After: its millisecond backoff
// makes dozens of requests to the overloaded Agent before Shutdown's
// deadline (a thousand retries allowed, so they do not run out first); and
// when the pause is per sender, as the second sender's payloads go on.
func TestRetryAfterPausesEverySender(t *testing.T) {
	srv := newStandIn(t)
	srv.setRespond(func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "60")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	exp := agent.New(agent.WithURL(srv.url()),
		agent.WithRetries(1000, time.Millisecond, time.Millisecond),
		agent.WithConcurrency(2),
		agent.WithFlushSize(1), // a payload per trace: ten payloads
		agent.WithLogger(slog.New(&logRecorder{})))
	tr := trace.New(trace.WithExporter(exp), trace.WithLogger(slog.New(&logRecorder{})))
	for range 10 {
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
	}
	// Hand the spans over. The exporter's part of Flush waits for the
	// Agent, which asks for a minute: give up on that, and wait instead
	// for the tracer's batcher to have handed all ten over, which it does
	// whatever became of the Flush that asked.
	tr.Flush(ctxTimeout(t, 50*time.Millisecond))
	waitFor(t, "the exporter received the 10 spans", func() bool { return exp.Stats().SpansReceived == 10 })
	waitFor(t, "a request reached the stand-in", func() bool { return len(srv.reqs()) > 0 })

	err := exp.Shutdown(ctxTimeout(t, 100*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown while the Agent asks for a minute's pause = %v, want the deadline", err)
	}
	// At most one request per sender: the second may have left before the
	// first answer set the pause.
	if n := len(srv.reqs()); n > 2 {
		t.Errorf("the Agent asked for 60s with its first answer and got %d requests", n)
	}
	waitFor(t, "the exporter's counts add up", func() bool { return exporterAddsUp(exp) })
	if st := exp.Stats(); st.SpansSent != 0 || st.Dropped.Shutdown != 10 {
		t.Errorf("stats %+v: want the 10 spans dropped at shutdown", st)
	}
	tr.Shutdown(context.Background())
	accounting(t, tr, exp, 0)
}

// stuckTransport answers /info at once and holds every traces request
// until released, ignoring the request's context, as a transport without
// cancellation does.
type stuckTransport struct {
	entered chan struct{} // one value per traces request, if there is room
	release chan struct{}
	once    sync.Once
}

func newStuckTransport() *stuckTransport {
	return &stuckTransport{entered: make(chan struct{}, 1), release: make(chan struct{})}
}

func (rt *stuckTransport) unblock() { rt.once.Do(func() { close(rt.release) }) }

func (rt *stuckTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	answer := func(status int, body string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)), Request: r}
	}
	if !strings.HasSuffix(r.URL.Path, "/traces") {
		return answer(http.StatusNotFound, ""), nil
	}
	select {
	case rt.entered <- struct{}{}:
	default:
	}
	<-rt.release // r.Context() is ignored on purpose
	return answer(http.StatusOK, "{}"), nil
}

// TestShutdownWithTransportIgnoringContext: Shutdown returns by its
// context's deadline, with that deadline's error, even when the request in
// flight sits in a transport that ignores cancellation; once the transport
// returns, the exporter's counts add up.
//
// It fails (after the hang guard) when Shutdown, past its deadline,
// cancels the requests and then waits for every sender to return: a
// sender stuck in such a transport never does.
func TestShutdownWithTransportIgnoringContext(t *testing.T) {
	rt := newStuckTransport()
	t.Cleanup(rt.unblock) // whatever happens, let the sender go
	// The address is never dialled: the transport answers.
	exp := agent.New(agent.WithURL("http://127.0.0.1:1"),
		agent.WithHTTPClient(&http.Client{Transport: rt}),
		agent.WithLogger(slog.New(&logRecorder{})))
	tr := trace.New(trace.WithExporter(exp), trace.WithLogger(slog.New(&logRecorder{})))
	for range 3 {
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
	}
	// Hand the spans over (the send hangs, so the Flush gives up) and wait
	// for the batcher to have given the exporter all three.
	tr.Flush(ctxTimeout(t, 50*time.Millisecond))
	waitFor(t, "the exporter received the 3 spans", func() bool { return exp.Stats().SpansReceived == 3 })
	select {
	case <-rt.entered:
	case <-time.After(hangGuard):
		t.Fatal("no request reached the transport")
	}

	ctx := ctxTimeout(t, 100*time.Millisecond)
	done := make(chan error, 1)
	go func() { done <- exp.Shutdown(ctx) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Shutdown = %v, want an error wrapping the deadline", err)
		}
	case <-time.After(hangGuard):
		t.Fatal("Shutdown waits for a transport that ignores its context")
	}

	rt.unblock()
	waitFor(t, "the exporter's counts add up once the transport returns", func() bool { return exporterAddsUp(exp) })
	shutdown(t, tr)
	accounting(t, tr, exp, -1)
}
