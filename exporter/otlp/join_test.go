package otlp

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/ctxtrace/trace"
)

// exportBehind exports batch one chunk per call to exp, whose one sender
// is held by the first request at s until the others are queued, then
// shuts exp down.
func exportBehind(t *testing.T, exp *Exporter, s *sink, batch []trace.Chunk) {
	t.Helper()
	s.hang = make(chan struct{})
	if err := exp.Export(context.Background(), batch[:1]); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first request", func() bool { return s.attemptCount() == 1 })
	for i := 1; i < len(batch); i++ {
		if err := exp.Export(context.Background(), batch[i:i+1]); err != nil {
			t.Fatal(err)
		}
	}
	close(s.hang)
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestJoin checks that requests waiting for a sender go out as one, which
// the destination reads as the request of them all; compressed ones
// over HTTP go out one by one.
func TestJoin(t *testing.T) {
	for _, c := range []struct {
		p        Protocol
		comp     string
		requests int
	}{{HTTPProtobuf, "none", 2}, {GRPC, "none", 2}, {GRPC, "gzip", 2}, {HTTPProtobuf, "gzip", 10}} {
		t.Run(string(c.p)+"/"+c.comp, func(t *testing.T) {
			s := newSink(t, c.p, nil)
			exp, err := New(s.options(WithConcurrency(1), WithCompression(c.comp))...)
			if err != nil {
				t.Fatal(err)
			}
			exportBehind(t, exp, s, chunksOf(t, 10))
			if n := s.attemptCount(); n != c.requests {
				t.Errorf("%d requests; want %d", n, c.requests)
			}
			st := exp.Stats()
			if got := uniqueSpans(t, s.received()); got != 30 || st.SpansSent != 30 || st.Requests != uint64(c.requests) {
				t.Errorf("%d spans arrived; Stats = %+v; want 30 sent in %d requests", got, st, c.requests)
			}
		})
	}
}

// TestJoinBelowMax checks that joined requests stay below the maximum
// request size, and that every span arrives once.
func TestJoinBelowMax(t *testing.T) {
	var mu sync.Mutex
	var sizes []int
	spans := 0
	hold := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		var req coltracepb.ExportTraceServiceRequest
		if err == nil {
			err = proto.Unmarshal(body, &req)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		sizes = append(sizes, len(body))
		for _, rs := range req.GetResourceSpans() {
			for _, ss := range rs.GetScopeSpans() {
				spans += len(ss.GetSpans())
			}
		}
		first := len(sizes) == 1
		mu.Unlock()
		if first {
			<-hold
		}
	}))
	defer srv.Close()
	batch := chunksOf(t, 20)
	// One trace's request is about 600 bytes: three or four join.
	const maxReq = 2000
	exp, err := New(WithEndpoint(srv.URL), WithConcurrency(1), WithMaxRequestBytes(maxReq),
		withGetenv(envMap(nil)), WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	if err := exp.Export(context.Background(), batch[:1]); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first request", func() bool { mu.Lock(); defer mu.Unlock(); return len(sizes) == 1 })
	for i := 1; i < len(batch); i++ {
		if err := exp.Export(context.Background(), batch[i:i+1]); err != nil {
			t.Fatal(err)
		}
	}
	close(hold)
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if spans != 60 || exp.Stats().SpansSent != 60 {
		t.Errorf("%d spans arrived, %d sent; want 60", spans, exp.Stats().SpansSent)
	}
	if len(sizes) < 3 || len(sizes) >= len(batch) {
		t.Errorf("%d requests for %d traces; want them joined, several to a request", len(sizes), len(batch))
	}
	for _, n := range sizes {
		if n > maxReq {
			t.Errorf("a request of %d bytes; the maximum is %d", n, maxReq)
		}
	}
}

// TestCompressedBudget checks that, over HTTP with gzip, a waiting
// request holds its compressed size of the memory budget: a budget too
// small for one encoded request holds several compressed ones.
func TestCompressedBudget(t *testing.T) {
	s := newSink(t, HTTPProtobuf, nil)
	exp, err := New(s.options(WithConcurrency(1), WithCompression("gzip"))...)
	if err != nil {
		t.Fatal(err)
	}
	batch := chunksOf(t, 300)
	enc := exp.newEncoder()
	size := 0
	enc.emit = func(e *encoder) { size = e.requestSize() }
	for _, c := range batch {
		enc.chunk(c, true)
	}
	enc.flush()
	// Too small for one encoded request; gzip makes them a fifth of it.
	budget := trace.NewMemoryBudget(size * 7 / 8)
	exp.UseBudget(budget)
	s.hang = make(chan struct{})
	// Four requests of the whole batch each: one is sent, three wait.
	for range 4 {
		if err := exp.Export(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
	}
	if st := exp.Stats(); st.Dropped.QueueFull != 0 {
		t.Errorf("Stats = %+v; want nothing dropped: the budget (%d bytes) holds four compressed requests of %d encoded bytes",
			st, budget.Limit(), size)
	}
	close(s.hang)
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := exp.Stats()
	if st.SpansSent != 4*900 || st.Bytes >= uint64(size) {
		t.Errorf("Stats = %+v; want %d spans sent in compressed requests, well below %d bytes", st, 4*900, 4*size)
	}
	if n := budget.InUse(); n != 0 {
		t.Errorf("%d bytes of the budget still taken after Shutdown", n)
	}
}

// TestGRPCBytesCompressed checks that over gRPC with gzip Stats.Bytes
// counts the requests as gRPC sent them, compressed.
func TestGRPCBytesCompressed(t *testing.T) {
	sent := map[string]uint64{}
	for _, comp := range []string{"none", "gzip"} {
		s := newSink(t, GRPC, nil)
		exp, err := New(s.options(WithCompression(comp))...)
		if err != nil {
			t.Fatal(err)
		}
		exportOnce(t, exp, chunksOf(t, 300))
		st := exp.Stats()
		if st.SpansSent != 900 {
			t.Fatalf("%s: Stats = %+v; want 900 spans sent", comp, st)
		}
		sent[comp] = st.Bytes
	}
	if sent["gzip"] == 0 || sent["gzip"] >= sent["none"]/4 {
		t.Errorf("Bytes = %d compressed, %d not; want the compressed size, a fraction", sent["gzip"], sent["none"])
	}
}
