package stdout_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/stdout"
)

// t0 is when every test trace starts. Its Unix seconds, 0x695735a5, are the
// upper half of the trace ids.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// at returns t0 plus d.
func at(d time.Duration) trace.SpanOption { return trace.StartTime(t0.Add(d)) }

// until finishes a span at t0 plus d.
func until(d time.Duration) trace.FinishOption { return trace.FinishTime(t0.Add(d)) }

const us = time.Microsecond
const ms = time.Millisecond

// ruleSampler keeps every trace by rule, which records the internal tag
// _dd.rule_psr on the root: the tree hides it, the JSON lines keep it.
var ruleSampler = trace.SamplerFunc(func(trace.SamplingParams) trace.Decision {
	return trace.Decision{Priority: trace.PriorityUserKeep, Mechanism: trace.MechanismRule, Rate: 1}
})

// shop records a realistic trace of three levels: a web request that
// checks auth (which reads a cache), runs a failing query and renders.
func shop(tr *trace.Tracer) {
	ctx, root := tr.Start(context.Background(), "web.request",
		trace.Resource("GET /cart"), trace.Type("web"), at(0), trace.WithSpanID(1),
		trace.Tag("http.method", "GET"), trace.Tag("http.status_code", 500),
		trace.Tag("http.url", "/cart?id=42&ref=mail"))

	actx, auth := tr.Start(ctx, "auth.check", trace.Service("auth"), at(200*us), trace.WithSpanID(2),
		trace.Tag("user.id", "u-42"))
	_, cache := tr.Start(actx, "cache.get", at(300*us), trace.WithSpanID(3),
		trace.Tag("cache.hit", true), trace.Tag("cache.key", "session 42"))
	cache.Finish(until(312 * us))
	auth.Finish(until(1434 * us))

	_, db := tr.Start(ctx, "db.query", trace.Service("postgres"), trace.Type("sql"),
		trace.Resource("SELECT *\n  FROM carts\n WHERE id = ?"), at(2*ms), trace.WithSpanID(4),
		trace.Tag("db.rows", 0))
	db.Finish(until(7*ms), trace.WithError(errors.New("boom")), trace.StackDepth(0, 0))

	_, render := tr.Start(ctx, "render", at(7*ms), trace.WithSpanID(5),
		trace.Tag("bytes", 1536), trace.Tag("ratio", 0.25))
	render.Finish(until(7 * ms))

	root.Finish(until(10 * ms))
}

// export runs record through a tracer whose exporter is stdout.New(opts...)
// writing to a buffer, and returns what it wrote.
func export(t *testing.T, tracerOpts []trace.Option, record func(*trace.Tracer), opts ...stdout.Option) string {
	t.Helper()
	var buf bytes.Buffer
	exp := stdout.New(&buf, append([]stdout.Option{stdout.WithColor(false)}, opts...)...)
	tr := trace.New(append([]trace.Option{trace.WithService("shop"), trace.WithExporter(exp)}, tracerOpts...)...)
	record(tr)
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if d := tr.Stats().Dropped; d.Total() != 0 {
		t.Fatalf("spans dropped: %+v", d)
	}
	return buf.String()
}

// recorder is an Exporter that keeps the chunks it is given, so that tests
// can hand them to a stdout.Exporter directly.
type recorder struct{ chunks []trace.Chunk }

func (r *recorder) Export(_ context.Context, batch []trace.Chunk) error {
	r.chunks = append(r.chunks, batch...)
	return nil
}
func (r *recorder) Shutdown(context.Context) error { return nil }

// chunks records what fn does and returns the chunks, in the order they
// were exported.
func chunks(t *testing.T, fn func(*trace.Tracer)) []trace.Chunk {
	t.Helper()
	var r recorder
	tr := trace.New(trace.WithService("shop"), trace.WithExporter(&r))
	fn(tr)
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	return r.chunks
}

// oneSpan records a trace of one span.
func oneSpan(tr *trace.Tracer) {
	_, s := tr.Start(context.Background(), "job", at(0), trace.WithSpanID(9))
	s.Finish(until(ms))
}

// diff fails the test with a line diff when got is not want.
func diff(t *testing.T, got, want string) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("output differs (-want +got):\n%s\ngot:\n%s", d, got)
	}
}

func TestTree(t *testing.T) {
	tests := []struct {
		name string
		opts []stdout.Option
		want string
	}{
		{
			name: "default",
			want: `trace 695735a5000000000000000000000001 · 5 spans · 10ms
web.request GET /cart [shop]                                  10ms  ████████████████████████  http.method=GET  http.status_code=500  http.url="/cart?id=42&ref=mail"
├─ auth.check [auth]                                       1.234ms  ███░░░░░░░░░░░░░░░░░░░░░  user.id=u-42
│  └─ cache.get                                              12µs  ░█░░░░░░░░░░░░░░░░░░░░░░  cache.hit=true  cache.key="session 42"
├─ ✗ db.query SELECT * FROM carts WHERE id = ? [postgres]      5ms  ░░░░░████████████░░░░░░░  db.rows=0
│     ERROR *errors.errorString: boom
└─ render                                                      0ns  ░░░░░░░░░░░░░░░░░█░░░░░░  bytes=1536  ratio=0.25

`,
		},
		{
			name: "no bar",
			opts: []stdout.Option{stdout.WithBarWidth(0)},
			want: `trace 695735a5000000000000000000000001 · 5 spans · 10ms
web.request GET /cart [shop]                                  10ms  http.method=GET  http.status_code=500  http.url="/cart?id=42&ref=mail"
├─ auth.check [auth]                                       1.234ms  user.id=u-42
│  └─ cache.get                                              12µs  cache.hit=true  cache.key="session 42"
├─ ✗ db.query SELECT * FROM carts WHERE id = ? [postgres]      5ms  db.rows=0
│     ERROR *errors.errorString: boom
└─ render                                                      0ns  bytes=1536  ratio=0.25

`,
		},
		{
			name: "narrow bar",
			opts: []stdout.Option{stdout.WithBarWidth(5)},
			want: `trace 695735a5000000000000000000000001 · 5 spans · 10ms
web.request GET /cart [shop]                                  10ms  █████  http.method=GET  http.status_code=500  http.url="/cart?id=42&ref=mail"
├─ auth.check [auth]                                       1.234ms  █░░░░  user.id=u-42
│  └─ cache.get                                              12µs  █░░░░  cache.hit=true  cache.key="session 42"
├─ ✗ db.query SELECT * FROM carts WHERE id = ? [postgres]      5ms  ░███░  db.rows=0
│     ERROR *errors.errorString: boom
└─ render                                                      0ns  ░░░░█  bytes=1536  ratio=0.25

`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := export(t, []trace.Option{trace.WithSampler(ruleSampler)}, shop, tt.opts...)
			diff(t, got, tt.want)
		})
	}
}

func TestErrors(t *testing.T) {
	const stack = "shop.(*Cart).Load\n\t/src/shop/cart.go:42\nshop.handle\n\t/src/shop/http.go:17\n"
	tests := []struct {
		name   string
		tags   map[string]any // set with SetTag, in key order
		stacks bool
		want   string // the lines after the header
	}{
		{
			name: "mark only",
			tags: map[string]any{"error": true},
			want: "✗ job [shop]  1ms\n   ERROR\n",
		},
		{
			name: "message only",
			tags: map[string]any{"error": true, "error.message": "timed out"},
			want: "✗ job [shop]  1ms\n   ERROR timed out\n",
		},
		{
			name: "type only",
			tags: map[string]any{"error": true, "error.type": "*net.OpError"},
			want: "✗ job [shop]  1ms\n   ERROR *net.OpError\n",
		},
		{
			name: "multi-line message, innermost frame",
			tags: map[string]any{"error": true, "error.message": "first\nsecond\twith tab\n",
				"error.type": "*errors.joinError", "error.stack": stack},
			want: "✗ job [shop]  1ms\n" +
				"   ERROR *errors.joinError: first\n" +
				"         second with tab\n" +
				"     at shop.(*Cart).Load (/src/shop/cart.go:42)\n",
		},
		{
			name:   "whole stack",
			tags:   map[string]any{"error": true, "error.message": "boom", "error.stack": stack},
			stacks: true,
			want: "✗ job [shop]  1ms\n" +
				"   ERROR boom\n" +
				"     shop.(*Cart).Load\n" +
				"         /src/shop/cart.go:42\n" +
				"     shop.handle\n" +
				"         /src/shop/http.go:17\n",
		},
		{
			name: "stack of one line",
			tags: map[string]any{"error": true, "error.message": "boom", "error.stack": "main.main"},
			want: "✗ job [shop]  1ms\n   ERROR boom\n     at main.main\n",
		},
		{
			name: "error tags without the mark are plain tags",
			tags: map[string]any{"error.message": "old", "error.type": "x"},
			want: "job [shop]  1ms  error.message=old  error.type=x\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := export(t, nil, func(tr *trace.Tracer) {
				_, s := tr.Start(context.Background(), "job", at(0), trace.WithSpanID(9))
				// The error mark goes last: setting error.message by hand
				// does not mark the span.
				for _, k := range []string{"error.message", "error.type", "error.stack", "error"} {
					if v, ok := tt.tags[k]; ok {
						s.SetTag(k, v)
					}
				}
				s.Finish(until(ms))
			}, stdout.WithBarWidth(0), stdout.WithStacks(tt.stacks))
			_, body, _ := strings.Cut(got, "\n")
			diff(t, body, tt.want+"\n")
		})
	}
}

func TestParents(t *testing.T) {
	tests := []struct {
		name   string
		record func(*trace.Tracer)
		want   string
	}{
		{
			// A remote parent is not in the chunk: the local root is at the
			// top and shows its service. The header shows the origin and
			// that the sampler dropped the trace.
			name: "remote parent",
			record: func(tr *trace.Tracer) {
				ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
					TraceID: trace.NewTraceID(0xabc, 0xdef), SpanID: 77, Remote: true, Origin: "synthetics",
					Priority: trace.PriorityAutoReject, HasPriority: true,
				}))
				ctx, s := tr.Start(ctx, "consume", trace.Service("worker"), at(0), trace.WithSpanID(8))
				_, c := tr.Start(ctx, "decode", at(ms), trace.WithSpanID(9))
				c.Finish(until(2 * ms))
				s.Finish(until(4 * ms))
			},
			want: `trace 0000000000000abc0000000000000def · 2 spans · 4ms · origin synthetics (sampled out)
consume [worker]  4ms  ████
└─ decode         1ms  ░█░░

`,
		},
		{
			// Two spans each naming the other as parent: neither is at the
			// top, and both are still shown, once.
			name: "cycle",
			record: func(tr *trace.Tracer) {
				ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
					TraceID: trace.NewTraceID(0, 1), SpanID: 2, Remote: true,
				}))
				ctx, s := tr.Start(ctx, "a", at(0), trace.WithSpanID(1))
				_, c := tr.Start(ctx, "b", at(ms), trace.WithSpanID(2))
				c.Finish(until(2 * ms))
				s.Finish(until(4 * ms))
			},
			want: `trace 00000000000000000000000000000001 · 2 spans · 4ms
a [shop]  4ms  ████
└─ b      1ms  ░█░░

`,
		},
		{
			name: "own parent",
			record: func(tr *trace.Tracer) {
				ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
					TraceID: trace.NewTraceID(0, 7), SpanID: 7, Remote: true,
				}))
				_, s := tr.Start(ctx, "a", at(0), trace.WithSpanID(7))
				s.Finish(until(4 * ms))
			},
			want: `trace 00000000000000000000000000000007 · 1 span · 4ms
a [shop]  4ms  ████

`,
		},
		{
			// Two children share id 5 and start together: the first in
			// the chunk (the first to finish, b) is drawn first and takes
			// the grandchild; every span shows once.
			name: "duplicate ids",
			record: func(tr *trace.Tracer) {
				ctx, root := tr.Start(context.Background(), "root", at(0), trace.WithSpanID(1))
				actx, a := tr.Start(ctx, "a", at(ms), trace.WithSpanID(5))
				_, b := tr.Start(ctx, "b", at(ms), trace.WithSpanID(5))
				_, g := tr.Start(actx, "g", at(2*ms), trace.WithSpanID(6))
				b.Finish(until(2 * ms))
				g.Finish(until(3 * ms))
				a.Finish(until(3 * ms))
				root.Finish(until(4 * ms))
			},
			want: `trace 695735a5000000000000000000000001 · 4 spans · 4ms
root [shop]  4ms  ████
├─ b         1ms  ░█░░
│  └─ g      1ms  ░░█░
└─ a         2ms  ░██░

`,
		},
		{
			// A child that starts before its parent (clock skew, or a
			// start time given after the fact) widens the bars' window.
			// The error lines of a span with children keep the pipe that
			// leads to them.
			name: "child before its parent",
			record: func(tr *trace.Tracer) {
				ctx, root := tr.Start(context.Background(), "root", at(ms), trace.WithSpanID(1))
				_, c := tr.Start(ctx, "early", at(0), trace.WithSpanID(2))
				c.Finish(until(2 * ms))
				root.Finish(until(4*ms), trace.WithError(errors.New("late")), trace.StackDepth(0, 0))
			},
			want: `trace 695735a5000000000000000000000001 · 2 spans · 4ms
✗ root [shop]  3ms  ░███
│  ERROR *errors.errorString: late
└─ early       2ms  ██░░

`,
		},
		{
			// Spans that start together are ordered by span id.
			name: "same start",
			record: func(tr *trace.Tracer) {
				ctx, root := tr.Start(context.Background(), "root", at(0), trace.WithSpanID(1))
				for _, id := range []uint64{30, 10, 20} {
					_, c := tr.Start(ctx, fmt.Sprint("c", id), at(0), trace.WithSpanID(id))
					c.Finish(until(ms))
				}
				root.Finish(until(4 * ms))
			},
			want: `trace 695735a5000000000000000000000001 · 4 spans · 4ms
root [shop]  4ms  ████
├─ c10       1ms  █░░░
├─ c20       1ms  █░░░
└─ c30       1ms  █░░░

`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diff(t, export(t, nil, tt.record, stdout.WithBarWidth(4)), tt.want)
		})
	}
}

// partialTrace records a batch job whose root outlives its first two
// items: with WithPartialFlush(2) they are exported, and flushed here, as a
// partial chunk before the rest of the trace.
func partialTrace(tr *trace.Tracer) {
	ctx, root := tr.Start(context.Background(), "batch.run", at(0), trace.WithSpanID(1))
	for i := range 3 {
		_, c := tr.Start(ctx, "item", at(time.Duration(i+1)*ms), trace.WithSpanID(uint64(11+i)),
			trace.Tag("item.index", i))
		c.Finish(until(time.Duration(i+1)*ms + 500*us))
		if i == 1 {
			if err := tr.Flush(context.Background()); err != nil {
				panic(err)
			}
		}
	}
	root.Finish(until(5 * ms))
}

func TestPartial(t *testing.T) {
	partial := []trace.Option{trace.WithPartialFlush(2)}
	t.Run("tree", func(t *testing.T) {
		want := `trace 695735a5000000000000000000000001 · 2 spans · 1.5ms (partial)
item [shop]  500µs  ██░░░░  item.index=0
item [shop]  500µs  ░░░░██  item.index=1

trace 695735a5000000000000000000000001 · 2 spans · 5ms
batch.run [shop]     5ms  ██████
└─ item           500µs  ░░░░█░  item.index=2

`
		diff(t, export(t, partial, partialTrace, stdout.WithBarWidth(6)), want)
	})
	t.Run("json", func(t *testing.T) {
		lines := decodeLines(t, export(t, partial, partialTrace, stdout.WithJSON()))
		var got []string
		for _, l := range lines {
			got = append(got, fmt.Sprintf("%v %v %v", l["span_id"], l["parent_id"], l["partial"]))
		}
		want := []string{
			"000000000000000b 0000000000000001 true",
			"000000000000000c 0000000000000001 true",
			"0000000000000001 <nil> false",
			"000000000000000d 0000000000000001 false",
		}
		diff(t, strings.Join(got, "\n"), strings.Join(want, "\n"))
	})
}

// decodeLines decodes JSON lines, failing on anything but one object per
// line.
func decodeLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			t.Fatalf("line %d: %v: %s", len(lines)+1, err, sc.Bytes())
		}
		if d.More() {
			t.Fatalf("line %d holds more than one value: %s", len(lines)+1, sc.Bytes())
		}
		lines = append(lines, m)
	}
	return lines
}

func TestJSON(t *testing.T) {
	out := export(t, []trace.Option{trace.WithSampler(ruleSampler)}, shop, stdout.WithJSON(), stdout.WithColor(true))
	if strings.Contains(out, "\x1b") {
		t.Errorf("JSON lines are coloured:\n%s", out)
	}
	// The first line whole: field names, their order and formats are the
	// package's API.
	first, _, _ := strings.Cut(out, "\n")
	wantFirst := `{"trace_id":"695735a5000000000000000000000001","span_id":"0000000000000001","name":"web.request",` +
		`"service":"shop","resource":"GET /cart","type":"web","start":"2026-01-02T03:04:05.000000000Z",` +
		`"duration_ns":10000000,"error":false,"partial":false,` +
		`"meta":{"http.method":"GET","http.url":"/cart?id=42&ref=mail"},` +
		`"metrics":{"_dd.rule_psr":1,"http.status_code":500}}`
	diff(t, first, wantFirst)

	lines := decodeLines(t, out)
	tests := []struct {
		spanID, parentID, name, service, resource, typ, start string
		duration                                              int64
		isErr                                                 bool
		meta                                                  map[string]any
		metrics                                               map[string]any
	}{
		{"0000000000000001", "", "web.request", "shop", "GET /cart", "web", "2026-01-02T03:04:05.000000000Z", 10000000, false,
			map[string]any{"http.method": "GET", "http.url": "/cart?id=42&ref=mail"},
			map[string]any{"_dd.rule_psr": json.Number("1"), "http.status_code": json.Number("500")}},
		{"0000000000000002", "0000000000000001", "auth.check", "auth", "auth.check", "", "2026-01-02T03:04:05.000200000Z", 1234000, false,
			map[string]any{"user.id": "u-42"}, map[string]any{}},
		{"0000000000000003", "0000000000000002", "cache.get", "auth", "cache.get", "", "2026-01-02T03:04:05.000300000Z", 12000, false,
			map[string]any{"cache.hit": "true", "cache.key": "session 42"}, map[string]any{}},
		{"0000000000000004", "0000000000000001", "db.query", "postgres", "SELECT *\n  FROM carts\n WHERE id = ?", "sql", "2026-01-02T03:04:05.002000000Z", 5000000, true,
			map[string]any{"error.message": "boom", "error.type": "*errors.errorString"},
			map[string]any{"db.rows": json.Number("0")}},
		{"0000000000000005", "0000000000000001", "render", "shop", "render", "", "2026-01-02T03:04:05.007000000Z", 0, false,
			map[string]any{}, map[string]any{"bytes": json.Number("1536"), "ratio": json.Number("0.25")}},
	}
	if len(lines) != len(tests) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(tests), out)
	}
	for i, tt := range tests {
		l := lines[i]
		want := map[string]any{
			"trace_id": "695735a5000000000000000000000001", "span_id": tt.spanID,
			"name": tt.name, "service": tt.service, "resource": tt.resource, "type": tt.typ,
			"start": tt.start, "duration_ns": json.Number(fmt.Sprint(tt.duration)),
			"error": tt.isErr, "partial": false, "meta": tt.meta, "metrics": tt.metrics,
		}
		if tt.parentID != "" {
			want["parent_id"] = tt.parentID
		}
		if d := cmp.Diff(want, l); d != "" {
			t.Errorf("line %d (-want +got):\n%s", i+1, d)
		}
	}
}

func TestJSONNonFinite(t *testing.T) {
	out := export(t, nil, func(tr *trace.Tracer) {
		_, s := tr.Start(context.Background(), "calc", at(0), trace.WithSpanID(3))
		s.SetTag("nan", math.NaN())
		s.SetTag("inf", math.Inf(1))
		s.SetTag("neg_inf", math.Inf(-1))
		s.SetTag("big", 1e300)
		s.SetTag("tiny", 1e-9)
		s.Finish(until(0))
	}, stdout.WithJSON())
	lines := decodeLines(t, out)
	if len(lines) != 1 {
		t.Fatalf("got %d lines:\n%s", len(lines), out)
	}
	want := map[string]any{
		"nan": "NaN", "inf": "+Inf", "neg_inf": "-Inf", "big": json.Number("1e+300"), "tiny": json.Number("1e-9"),
	}
	if d := cmp.Diff(want, lines[0]["metrics"]); d != "" {
		t.Errorf("metrics (-want +got):\n%s", d)
	}
	if !strings.Contains(out, `"start":"2026-01-02T03:04:05.000000000Z","duration_ns":0`) {
		t.Errorf("start or duration of a zero-length span:\n%s", out)
	}
}

// ansi matches an ANSI colour sequence.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestColor(t *testing.T) {
	plain := export(t, []trace.Option{trace.WithSampler(ruleSampler)}, shop)
	coloured := export(t, []trace.Option{trace.WithSampler(ruleSampler)}, shop, stdout.WithColor(true))
	if strings.Contains(plain, "\x1b") {
		t.Errorf("colour off, output has escape codes:\n%q", plain)
	}
	// Colour adds escape codes and nothing else.
	if got := ansi.ReplaceAllString(coloured, ""); got != plain {
		t.Errorf("colour on, without its codes the output differs from colour off:\n%s\nvs\n%s", got, plain)
	}
	for _, want := range []string{
		"\x1b[1mtrace 695735a5000000000000000000000001\x1b[0m", // header
		"\x1b[31m✗ \x1b[0m\x1b[1mdb.query\x1b[0m",              // error mark, name
		"\x1b[31mERROR *errors.errorString: boom\x1b[0m",       // error line
		"\x1b[31m████████████\x1b[0m",                          // an error span's bar
		"\x1b[36m███\x1b[0m",                                   // another span's bar
		"\x1b[2m [postgres]\x1b[0m",                            // service
		"\x1b[2mdb.rows=\x1b[0m0",                              // tag key
	} {
		if !strings.Contains(coloured, want) {
			t.Errorf("colour on, output lacks %q:\n%q", want, coloured)
		}
	}
}

// errWriter fails every write.
type errWriter struct{ err error }

func (w errWriter) Write([]byte) (int, error) { return 0, w.err }

// shortWriter claims to write one byte less than it was given.
type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) - 1, nil }

func TestWriterError(t *testing.T) {
	errDisk := errors.New("disk full")
	cs := chunks(t, oneSpan)
	tests := []struct {
		name string
		w    io.Writer
		want error
	}{
		{"error", errWriter{errDisk}, errDisk},
		{"short write", shortWriter{}, io.ErrShortWrite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exp := stdout.New(tt.w)
			err := exp.Export(context.Background(), cs)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Export = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), "695735a5000000000000000000000009") {
				t.Errorf("error %q does not name the trace", err)
			}
		})
	}
	t.Run("through a tracer", func(t *testing.T) {
		tr := trace.New(trace.WithExporter(stdout.New(errWriter{errDisk})),
			trace.WithLogger(slog.New(slog.DiscardHandler)))
		oneSpan(tr)
		if err := tr.Flush(context.Background()); !errors.Is(err, errDisk) {
			t.Errorf("Flush = %v, want %v", err, errDisk)
		}
		tr.Shutdown(context.Background())
		if got := tr.Stats().Dropped.ExportFailed; got != 1 {
			t.Errorf("Dropped.ExportFailed = %d, want 1", got)
		}
	})
}

// gateWriter blocks each Write until release is closed, and says when a
// write has started.
type gateWriter struct {
	started chan struct{} // receives once per Write
	release chan struct{}
	mu      sync.Mutex
	buf     bytes.Buffer
}

func newGate() *gateWriter {
	return &gateWriter{started: make(chan struct{}, 16), release: make(chan struct{})}
}

func (w *gateWriter) Write(p []byte) (int, error) {
	w.started <- struct{}{}
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *gateWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestContext(t *testing.T) {
	cs := chunks(t, oneSpan)
	two := []trace.Chunk{cs[0], cs[0]}

	t.Run("cancelled before", func(t *testing.T) {
		var buf bytes.Buffer
		exp := stdout.New(&buf)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := exp.Export(ctx, cs); err != context.Canceled {
			t.Errorf("Export = %v, want context.Canceled", err)
		}
		if buf.Len() != 0 {
			t.Errorf("wrote %q", buf.String())
		}
	})

	t.Run("cancelled part way", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		var buf bytes.Buffer
		w := writerFunc(func(p []byte) (int, error) {
			cancel() // the first chunk is written, the second must not be
			return buf.Write(p)
		})
		exp := stdout.New(w, stdout.WithColor(false))
		if err := exp.Export(ctx, two); err != context.Canceled {
			t.Errorf("Export = %v, want context.Canceled", err)
		}
		if n := strings.Count(buf.String(), "trace "); n != 1 {
			t.Errorf("wrote %d traces, want 1:\n%s", n, buf.String())
		}
	})

	t.Run("deadline while another export writes", func(t *testing.T) {
		w := newGate()
		exp := stdout.New(w)
		done := make(chan error)
		go func() { done <- exp.Export(context.Background(), cs) }()
		<-w.started
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		if err := exp.Export(ctx, cs); err != context.DeadlineExceeded {
			t.Errorf("second Export = %v, want context.DeadlineExceeded", err)
		}
		close(w.release)
		if err := <-done; err != nil {
			t.Errorf("first Export = %v", err)
		}
		if n := strings.Count(w.String(), "trace "); n != 1 {
			t.Errorf("wrote %d traces, want 1", n)
		}
	})

	t.Run("nil context", func(t *testing.T) {
		var buf bytes.Buffer
		exp := stdout.New(&buf)
		var ctx context.Context
		if err := exp.Export(ctx, cs); err != nil || buf.Len() == 0 {
			t.Errorf("Export = %v after writing %d bytes", err, buf.Len())
		}
		if err := exp.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown = %v", err)
		}
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestShutdown(t *testing.T) {
	cs := chunks(t, oneSpan)

	t.Run("export after shutdown", func(t *testing.T) {
		var buf bytes.Buffer
		exp := stdout.New(&buf)
		for range 2 { // a second Shutdown is harmless
			if err := exp.Shutdown(context.Background()); err != nil {
				t.Fatalf("Shutdown = %v", err)
			}
		}
		if err := exp.Export(context.Background(), cs); !errors.Is(err, stdout.ErrShutdown) {
			t.Errorf("Export = %v, want ErrShutdown", err)
		}
		if buf.Len() != 0 {
			t.Errorf("wrote %q", buf.String())
		}
	})

	t.Run("by the tracer", func(t *testing.T) {
		var buf bytes.Buffer
		exp := stdout.New(&buf)
		tr := trace.New(trace.WithExporter(exp))
		oneSpan(tr)
		if err := tr.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "job") {
			t.Errorf("the span finished before Shutdown was not written: %q", buf.String())
		}
		n := buf.Len()
		if err := exp.Export(context.Background(), cs); !errors.Is(err, stdout.ErrShutdown) {
			t.Errorf("Export = %v, want ErrShutdown", err)
		}
		if buf.Len() != n {
			t.Errorf("wrote after Shutdown")
		}
	})

	t.Run("waits for the export in progress", func(t *testing.T) {
		w := newGate()
		exp := stdout.New(w)
		exported := make(chan error)
		go func() { exported <- exp.Export(context.Background(), []trace.Chunk{cs[0], cs[0]}) }()
		<-w.started

		// While the first chunk is being written, Shutdown waits, and gives
		// up at its deadline.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		if err := exp.Shutdown(ctx); err != context.DeadlineExceeded {
			t.Errorf("Shutdown = %v, want context.DeadlineExceeded", err)
		}
		shut := make(chan error)
		go func() { shut <- exp.Shutdown(context.Background()) }()
		select {
		case err := <-shut:
			t.Fatalf("Shutdown returned %v while a write was in progress", err)
		case <-time.After(20 * time.Millisecond):
		}
		close(w.release)
		if err := <-shut; err != nil {
			t.Errorf("Shutdown = %v", err)
		}
		// The chunk being written is finished; the next one is not started.
		if err := <-exported; !errors.Is(err, stdout.ErrShutdown) {
			t.Errorf("Export = %v, want ErrShutdown", err)
		}
		if n := strings.Count(w.String(), "trace "); n != 1 {
			t.Errorf("wrote %d traces, want 1", n)
		}
	})
}

func TestEmpty(t *testing.T) {
	tests := []struct {
		name  string
		batch []trace.Chunk
	}{
		{"nil batch", nil},
		{"empty batch", []trace.Chunk{}},
		{"empty chunk", []trace.Chunk{{}}},
	}
	for _, tt := range tests {
		for _, mode := range [][]stdout.Option{nil, {stdout.WithJSON()}} {
			var buf bytes.Buffer
			exp := stdout.New(&buf, mode...)
			if err := exp.Export(context.Background(), tt.batch); err != nil {
				t.Errorf("%s: Export = %v", tt.name, err)
			}
			if buf.Len() != 0 {
				t.Errorf("%s: wrote %q", tt.name, buf.String())
			}
		}
	}
}

// TestConcurrent exports from several goroutines at once: each trace must
// come out whole, never interleaved with another.
func TestConcurrent(t *testing.T) {
	var r recorder
	tr := trace.New(trace.WithService("shop"), trace.WithExporter(&r), trace.WithSampler(ruleSampler))
	shop(tr)
	tr.Shutdown(context.Background())

	var one bytes.Buffer
	if err := stdout.New(&one, stdout.WithColor(false)).Export(context.Background(), r.chunks); err != nil {
		t.Fatal(err)
	}

	var buf bytes.Buffer
	exp := stdout.New(&buf, stdout.WithColor(false))
	const goroutines, rounds = 8, 25
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range rounds {
				if err := exp.Export(context.Background(), r.chunks); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if want := strings.Repeat(one.String(), goroutines*rounds); buf.String() != want {
		t.Errorf("concurrent exports interleaved")
	}
}

// TestChunksInStartOrder: chunks of different traces reach the exporter in
// no set order; the output follows their start times.
func TestChunksInStartOrder(t *testing.T) {
	var buf bytes.Buffer
	tr := trace.New(trace.WithExporter(stdout.New(&buf, stdout.WithColor(false))), trace.WithFlushInterval(time.Hour))
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := 20; i > 0; i-- { // later traces first
		_, s := tr.Start(context.Background(), fmt.Sprintf("op%02d", i), trace.StartTime(t0.Add(time.Duration(i)*time.Second)))
		s.Finish(trace.FinishTime(t0.Add(time.Duration(i)*time.Second + time.Millisecond)))
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(l, "op") {
			names = append(names, strings.Fields(l)[0])
		}
	}
	if len(names) != 20 || !slices.IsSorted(names) {
		t.Errorf("order: %v", names)
	}
}
