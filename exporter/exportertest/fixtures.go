package exportertest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
)

// The spans the checks export are made by real tracers, whose exporter is
// a recorder: the chunks are what the pipeline hands over, in the order it
// hands them over. Times are set by hand, with odd nanoseconds, so that an
// exporter that rounds them is caught.

// recorder is the exporter of the tracers that make the spans.
type recorder struct {
	mu     sync.Mutex
	chunks []trace.Chunk
}

func (r *recorder) Export(_ context.Context, batch []trace.Chunk) error {
	r.mu.Lock()
	r.chunks = append(r.chunks, batch...)
	r.mu.Unlock()
	return nil
}

func (r *recorder) Shutdown(context.Context) error { return nil }

// clock returns the time d after the start of a recording.
type clock func(d time.Duration) time.Time

// record runs build with a new tracer configured by opts, shuts the
// tracer down, and returns the chunks it exported, in order.
func record(t *testing.T, build func(tr *trace.Tracer, at clock), opts ...trace.Option) []trace.Chunk {
	t.Helper()
	rec := &recorder{}
	tr := trace.New(append([]trace.Option{
		trace.WithService("exportertest"),
		trace.WithEnv("conformance"),
		trace.WithVersion("1.2.3"),
		trace.WithExporter(rec),
		trace.WithLogger(slog.New(slog.DiscardHandler)),
	}, opts...)...)
	base := time.Now().Truncate(time.Second).Add(123456789 * time.Nanosecond)
	build(tr, func(d time.Duration) time.Time { return base.Add(d) })
	ctx, cancel := context.WithTimeout(context.Background(), hangAfter)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatalf("exportertest: the tracer making the test spans did not shut down: %v", err)
	}
	if st := tr.Stats(); st.Dropped.Total() != 0 || st.SpansExported != st.SpansStarted {
		t.Fatalf("exportertest: the tracer making the test spans lost some: %+v", st)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.chunks
}

// fixture returns the chunks of the test traces, the chunks of each trace
// in order: a single span, a tree, a span with ten tags, an error, and a
// partial chunk followed by its trace's last chunk.
func fixture(t *testing.T) []trace.Chunk {
	t.Helper()
	chunks := record(t, func(tr *trace.Tracer, at clock) {
		single(tr, at)
		tree(tr, at)
		tagged(tr, at)
		failed(tr, at)
	})
	partial := record(t, partialTrace, trace.WithPartialFlush(2))
	if !slices.ContainsFunc(partial, trace.Chunk.Partial) {
		t.Fatal("exportertest: trace.WithPartialFlush(2) made no partial chunk; the test cannot check one")
	}
	return append(chunks, partial...)
}

func single(tr *trace.Tracer, at clock) {
	_, s := tr.Start(context.Background(), "cache.get", trace.Service("redis"),
		trace.Resource("GET user:42"), trace.Type("cache"), trace.StartTime(at(0)))
	s.Finish(trace.FinishTime(at(250*time.Microsecond + 3)))
}

// tree is a root, a child and a grandchild, and a second child.
func tree(tr *trace.Tracer, at clock) {
	ctx, root := tr.Start(context.Background(), "http.request",
		trace.Resource("POST /checkout"), trace.Type("web"), trace.StartTime(at(1)))
	cctx, child := tr.Start(ctx, "auth.check", trace.StartTime(at(10*time.Microsecond+7)))
	_, grand := tr.Start(cctx, "db.query", trace.Service("postgres"),
		trace.Resource("SELECT name FROM users WHERE id = ?"), trace.Type("sql"),
		trace.StartTime(at(20*time.Microsecond+11)))
	grand.Finish(trace.FinishTime(at(900*time.Microsecond + 13)))
	child.Finish(trace.FinishTime(at(time.Millisecond + 17)))
	_, render := tr.Start(ctx, "render", trace.StartTime(at(time.Millisecond+19)))
	render.Finish(trace.FinishTime(at(2*time.Millisecond + 21)))
	root.Finish(trace.FinishTime(at(3*time.Millisecond + 23)))
}

// tagged is a span with five text tags and five numeric ones.
func tagged(tr *trace.Tracer, at clock) {
	_, s := tr.Start(context.Background(), "tagged", trace.StartTime(at(29)))
	s.SetTag("http.method", "GET")
	s.SetTag("http.url", "https://example.com/search?q=caf%C3%A9&page=2")
	s.SetTag("quoted", `say "hi" = <ok> & \ bye`)
	s.SetTag("unicode", "café ☕ 日本語")
	s.SetTag("multi.line", "first line\nsecond\tline")
	s.SetTag("retries", 3)
	s.SetTag("ratio", 0.25)
	s.SetTag("negative", -17.5)
	s.SetTag("large", 1<<52+1) // exact as a float64: a number, not text
	s.SetTag("zero", 0)
	s.Finish(trace.FinishTime(at(31*time.Microsecond + 31)))
}

// failed is an error span under a root that did not fail.
func failed(tr *trace.Tracer, at clock) {
	ctx, root := tr.Start(context.Background(), "payment", trace.StartTime(at(37)))
	_, charge := tr.Start(ctx, "payment.charge", trace.Service("payments"),
		trace.StartTime(at(41*time.Microsecond+41)))
	charge.SetError(errors.New("card declined"))
	charge.Finish(trace.FinishTime(at(30*time.Millisecond + 43)))
	root.Finish(trace.FinishTime(at(32*time.Millisecond + 47)))
}

// partialTrace, with WithPartialFlush(2), is handed on as a partial chunk
// of two items, then a chunk of the third item and the root.
func partialTrace(tr *trace.Tracer, at clock) {
	ctx, root := tr.Start(context.Background(), "batch.job", trace.StartTime(at(53)))
	for i := range 3 {
		start := time.Duration(i+1)*time.Millisecond + 59
		_, item := tr.Start(ctx, "batch.item", trace.Resource(fmt.Sprintf("item %d", i)),
			trace.StartTime(at(start)))
		item.Finish(trace.FinishTime(at(start + 500*time.Microsecond + 61)))
	}
	root.Finish(trace.FinishTime(at(5*time.Millisecond + 67)))
}

// decoys returns n single-span traces, for writing over a batch slice.
func decoys(t *testing.T, n int) []trace.Chunk {
	t.Helper()
	return record(t, func(tr *trace.Tracer, at clock) {
		for i := range n {
			_, s := tr.Start(context.Background(), "decoy", trace.StartTime(at(time.Duration(i))))
			s.Finish(trace.FinishTime(at(time.Duration(i) + time.Microsecond)))
		}
	})
}

// traces returns n traces of three spans each, a chunk per trace.
func traces(t *testing.T, n int) []trace.Chunk {
	t.Helper()
	return record(t, func(tr *trace.Tracer, at clock) {
		for i := range n {
			start := time.Duration(i) * time.Millisecond
			ctx, root := tr.Start(context.Background(), "concurrent", trace.StartTime(at(start+1)),
				trace.Tag("trace.index", i))
			cctx, child := tr.Start(ctx, "concurrent.child", trace.StartTime(at(start+3)))
			_, grand := tr.Start(cctx, "concurrent.grandchild", trace.StartTime(at(start+5)),
				trace.Tag("kind", "leaf"))
			grand.Finish(trace.FinishTime(at(start + 7)))
			child.Finish(trace.FinishTime(at(start + 11)))
			root.Finish(trace.FinishTime(at(start + 13)))
		}
	})
}
