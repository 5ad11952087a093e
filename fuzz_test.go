package trace_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ctxtrace/trace"
)

func FuzzParseTraceID(f *testing.F) {
	for _, s := range []string{"0123456789abcdeffedcba9876543210", "fedcba9876543210", "", "0", strings.Repeat("0", 32), "ZZZZZZZZZZZZZZZZ", "0123456789ABCDEF"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := trace.ParseTraceID(s)
		if err != nil {
			if !id.IsZero() {
				t.Fatalf("error %v with a non-zero id", err)
			}
			return
		}
		if id.IsZero() {
			t.Fatal("parsed the zero id")
		}
		// What parses prints back as the same digits, lower case.
		want := strings.ToLower(s)
		if len(s) == 16 {
			want = strings.Repeat("0", 16) + want
		}
		if id.String() != want {
			t.Fatalf("%q printed back as %q", s, id.String())
		}
	})
}

// FuzzSetTag: whatever key and value a caller passes, the span stores valid
// UTF-8 within the limits, and nothing panics.
func FuzzSetTag(f *testing.F) {
	f.Add("http.method", "GET", int64(1), 0.5)
	f.Add("", "", int64(1<<53+1), math.Copysign(0, -1))
	f.Add("error", "\xff\xfe", int64(-1<<63), 1e308)
	// Over the limits below, and small: a large seed makes the fuzzer
	// spend its time minimizing it.
	f.Add(strings.Repeat("k", 20), strings.Repeat("é", 40), int64(256), 1.5)
	exp := &countExporter{}
	tr := trace.New(trace.WithExporter(exp), trace.WithLimits(trace.Limits{Tags: 8, KeyLength: 16, ValueLength: 64}))
	f.Cleanup(func() { tr.Shutdown(context.Background()) })
	f.Fuzz(func(t *testing.T, key, val string, n int64, x float64) {
		_, s := tr.Start(context.Background(), val, trace.Resource(key), trace.Tag(key, val))
		s.SetTag(key, val)
		s.SetTag(key+"n", n)
		s.SetTag(key+"x", x)
		s.SetTag(val, []byte(key))
		s.SetName(key)
		s.SetTag("sampling.priority", x)
		s.Finish()
		if err := tr.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		snap := exp.last
		// A priority is an integer that fits; anything else is ignored
		// (the sampler's keep stays), never wrapped.
		want := trace.PriorityAutoKeep
		if x == math.Trunc(x) && x >= math.MinInt8 && x <= math.MaxInt8 {
			want = trace.Priority(x)
		}
		manual := strings.HasPrefix(key, "manual.") || strings.HasPrefix(val, "manual.")
		if exp.priority != want && !manual {
			t.Fatalf("sampling.priority %v gave priority %d, want %d", x, exp.priority, want)
		}
		for k, v := range snap.Tags() {
			if !utf8.ValidString(k) || !utf8.ValidString(v.String()) || len(k) > 16 || len(v.String()) > 64 && !v.IsNumber() {
				t.Fatalf("stored %q=%q", k, v.String())
			}
		}
		if snap.NumTags() > 8 || !utf8.ValidString(snap.Name()) || !utf8.ValidString(snap.Resource()) {
			t.Fatalf("snapshot %v", snap)
		}
	})
}

// countExporter keeps the last span it was given, and its trace's
// priority; the fuzz target reads them after a synchronous Flush.
type countExporter struct {
	last     trace.Snapshot
	priority trace.Priority
}

func (e *countExporter) Export(_ context.Context, batch []trace.Chunk) error {
	for _, c := range batch {
		e.last = c.Span(c.Len() - 1)
		e.priority, _ = c.Priority()
	}
	return nil
}

func (e *countExporter) Shutdown(context.Context) error { return nil }
