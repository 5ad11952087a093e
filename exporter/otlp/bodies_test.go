package otlp

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ctxtrace/trace"
)

// TestBodyPool checks the memory a body takes from the budget: its
// capacity, at least what was asked and at most a tenth more, or nothing
// when the budget has no room.
func TestBodyPool(t *testing.T) {
	var bp bodyPool
	mem := trace.NewMemoryBudget(64 << 20)
	for _, n := range []int{0, 1, 4096, 4097, 100_000, 3_999_999, DefaultMaxRequestBytes, 5_000_000} {
		b := bp.get(mem, n)
		if b == nil {
			t.Fatalf("get(%d) = nil with room in the budget", n)
		}
		if c := cap(*b); c < n || c > max(n+n/10+512, 4096) || len(*b) != 0 || mem.InUse() != c {
			t.Errorf("get(%d): len %d, cap %d, budget in use %d; want an empty body of at least %d, at most a tenth more, all of it taken",
				n, len(*b), c, mem.InUse(), n)
		}
		mem.Release(cap(*b))
		bp.put(b)
	}
	small := trace.NewMemoryBudget(10_000)
	if b := bp.get(small, 20_000); b != nil || small.InUse() != 0 {
		t.Errorf("get over the budget = %v, %d bytes taken; want nil, none", b != nil, small.InUse())
	}
}

// TestLentBodyNotReused checks that a body the transport has not given
// back is not reused, and that the request after it counts anew.
func TestLentBodyNotReused(t *testing.T) {
	var e Exporter
	mem := trace.NewMemoryBudget(1 << 20)
	var r request
	var lent []*[]byte
	for range 50 {
		buf := e.bodies.get(mem, 1000)
		*buf = append(*buf, make([]byte, 1000)...)
		lent = append(lent, buf)
		e.pending.Add()
		r.add(&payload{buf: buf, spans: 1, mem: mem, held: cap(*buf)})
		body := r.reader() // the transport still reads it
		r.done(&e)
		body.Close() // a late close concerns the request it was lent from only
	}
	if n := mem.InUse(); n != 0 {
		t.Errorf("%d bytes of the budget still taken", n)
	}
	for range 50 {
		b := e.bodies.get(mem, 1000)
		for _, l := range lent {
			if b == l {
				t.Fatal("a body the transport had not given back was reused")
			}
		}
	}
	// A request whose reader was closed has its body back for reuse.
	buf := e.bodies.get(mem, 1000)
	e.pending.Add()
	r.add(&payload{buf: buf, spans: 1, mem: mem, held: cap(*buf)})
	body := r.reader()
	if _, err := io.Copy(io.Discard, body); err != nil {
		t.Fatal(err)
	}
	body.Close()
	body.Close() // twice: counted once
	if n := r.lent.Load(); n != 0 {
		t.Errorf("%d readers out after the only one was closed twice", n)
	}
	r.done(&e)
}

// TestEarlyAnswer sends requests to a server that answers before it has
// read them: net/http may still be writing a body when the answer
// arrives, and the body must not be reused before it is done (run with
// -race). Every span is counted once.
func TestEarlyAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer srv.Close()
	exp, err := New(WithEndpoint(srv.URL), WithConcurrency(2), withGetenv(envMap(nil)),
		WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	batch := chunksOf(t, 1000) // requests of about 150 KB
	for range 20 {
		if err := exp.Export(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := exp.Stats()
	if st.SpansReceived != 20*3000 || st.SpansSent+st.SpansDropped != st.SpansReceived {
		t.Errorf("Stats = %+v; want %d received = sent + dropped", st, 20*3000)
	}
}
