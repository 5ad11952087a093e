package otlp

import (
	"bytes"
	"io"
	"net"
	"slices"
	"sync/atomic"

	"github.com/ctxtrace/trace"
)

// payload is an encoded request waiting for a sender, holding its bytes
// of the memory budget: the body as it is sent, compressed when the
// request is (HTTP with gzip: Export compresses it).
type payload struct {
	buf   *[]byte
	spans int
	mem   *trace.MemoryBudget
	held  int // bytes taken from mem: the body's capacity when it was taken
}

// free gives p's memory back to the budget, and its body to the pool
// when nothing reads it any more (reuse).
func (e *Exporter) free(p *payload, reuse bool) {
	p.mem.Release(p.held)
	if reuse {
		e.bodies.put(p.buf)
	}
	p.buf = nil
}

// request is what a sender sends at once: a payload, and the payloads
// queued behind it that fit with it below the maximum request size, when
// requests may be joined (Exporter.joinable: but over HTTP with gzip). An
// ExportTraceServiceRequest is a list of ResourceSpans fields, so the
// bodies of several, one after the other, are the request of them all.
//
// Joining is what lets a burst drain: a request's round trip costs about
// the same whatever its size, most of it spent waiting for the scheduler
// to run the goroutines that write it, read the answer and hand it over,
// behind the busy goroutines that make spans (BenchmarkOTLPDelivered).
// Idle, a sender finds nothing queued and sends each payload as it
// comes, without waiting for more.
type request struct {
	parts []*payload
	body  [][]byte // the parts' bodies, in order: what is sent
	size  int      // bytes of body
	spans int
	// lent counts the readers of body the transport has not given back:
	// net/http may read a body after the answer came (when the server
	// answered before reading it all), and gRPC after a call ended. The
	// bodies go back to the pool only when none is out. A request that
	// leaves readers out has the next one count anew.
	lent *atomic.Int64
}

// add appends p to the request.
func (r *request) add(p *payload) {
	if r.lent == nil {
		r.lent = new(atomic.Int64)
	}
	r.parts = append(r.parts, p)
	r.body = append(r.body, *p.buf)
	r.size += len(*p.buf)
	r.spans += p.spans
}

// done gives back the memory of every part, counts each settled, and
// empties the request for the sender's next one.
func (r *request) done(e *Exporter) {
	reuse := r.lent.Load() == 0
	for i, p := range r.parts {
		e.free(p, reuse)
		e.pending.Done()
		r.parts[i], r.body[i] = nil, nil
	}
	r.parts, r.body = r.parts[:0], r.body[:0]
	r.size, r.spans = 0, 0
	if !reuse {
		r.lent = nil // left to the readers still out
	}
}

// reader returns a reader of the body, parts one after the other,
// without copying them, lent until it is closed.
func (r *request) reader() io.ReadCloser {
	r.lent.Add(1)
	var rd io.Reader
	if len(r.body) == 1 {
		rd = bytes.NewReader(r.body[0])
	} else {
		b := net.Buffers(slices.Clone(r.body)) // reading consumes it
		rd = &b
	}
	return &lentReader{Reader: rd, lent: r.lent}
}

// lentReader is a reader of a request's body that gives it back when
// closed, once.
type lentReader struct {
	io.Reader
	lent   *atomic.Int64
	closed atomic.Bool
}

func (l *lentReader) Close() error {
	if l.closed.CompareAndSwap(false, true) {
		l.lent.Add(-1)
	}
	return nil
}
