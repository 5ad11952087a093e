package interop

// TestDumpDDTrace runs dd-trace-go v1.74.8 (v2.3.0 code underneath) against a
// stand-in agent and prints, for a set of scenarios, every request it makes and
// every span it puts on the wire, decoded with the Datadog Agent's own decoder.
//
//	go test -run TestDumpDDTrace -v
//	DDWIRE_DUMP=/tmp/ddwire.txt go test -run TestDumpDDTrace   # also write the dump to a file
//
// Findings are summarised in DDWIRE.md.

import (
	"errors"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/ext"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

type silentLogger struct{}

func (silentLogger) Log(string) {}

type ddScenario struct {
	name string
	info string               // /info answer; infoNoStats unless set
	opts []tracer.StartOption // extra start options
	run  func(t *testing.T)
	// flush calls tracer.Flush() and waits for the payload before tracer.Stop().
	// tracer.Stop() swaps the global tracer for a no-op before its final flush,
	// and the sender reads the global tracer to decide on
	// Datadog-Client-Computed-Stats, so the Stop-time flush omits that header.
	flush bool
}

func ddBaseOpts(addr string) []tracer.StartOption {
	return []tracer.StartOption{
		tracer.WithAgentAddr(addr),
		tracer.WithService("svc"),
		tracer.WithEnv("prod"),
		tracer.WithServiceVersion("1.2.3"),
		tracer.WithLogStartup(false),
		tracer.WithLogger(silentLogger{}),
		tracer.WithDogstatsdAddress("127.0.0.1:9"), // discard
	}
}

// runDD starts a fresh fake agent and tracer, runs fn, stops the tracer (which
// flushes) and returns the agent.
func runDD(t *testing.T, info string, extra []tracer.StartOption, flush bool, fn func(t *testing.T)) *fakeAgent {
	t.Helper()
	if info == "" {
		info = infoNoStats
	}
	a := newFakeAgent(t, info)
	tracer.Start(append(ddBaseOpts(a.addr()), extra...)...)
	fn(t)
	if flush {
		// Flush hands the payload to a sending goroutine; wait until it has
		// arrived so that tracer.Stop cannot race with it.
		tracer.Flush()
		for i := 0; i < 200 && len(a.traceRequests()) == 0; i++ {
			time.Sleep(10 * time.Millisecond)
		}
	}
	tracer.Stop()
	return a
}

var ddScenarios = []ddScenario{
	{name: "1_root_only", run: func(t *testing.T) {
		s := tracer.StartSpan("web.request", tracer.ResourceName("/posts"), tracer.SpanType("web"))
		s.SetTag("str", "v")
		s.SetTag("int", 42)
		s.SetTag("float", 3.5)
		s.SetTag("bool", true)
		s.SetTag("boolf", false)
		time.Sleep(time.Millisecond)
		s.Finish()
	}},
	{name: "2_children_service_override", run: func(t *testing.T) {
		root := tracer.StartSpan("web.request", tracer.ResourceName("/posts"), tracer.SpanType("web"))
		a := tracer.StartSpan("child.a", tracer.ChildOf(root.Context()))
		b := tracer.StartSpan("db.query", tracer.ChildOf(root.Context()), tracer.ServiceName("db"),
			tracer.ResourceName("SELECT 1"), tracer.SpanType("sql"))
		g := tracer.StartSpan("db.fetch", tracer.ChildOf(b.Context()))
		g.Finish()
		b.Finish()
		a.Finish()
		root.Finish()
	}},
	{name: "3_errors", run: func(t *testing.T) {
		s1 := tracer.StartSpan("err.withError")
		s1.Finish(tracer.WithError(errors.New("boom")))

		s2 := tracer.StartSpan("err.setTagError")
		s2.SetTag(ext.Error, errors.New("boom2"))
		s2.Finish()

		s3 := tracer.StartSpan("err.noDebugStack")
		s3.Finish(tracer.WithError(errors.New("boom3")), tracer.NoDebugStack())

		s4 := tracer.StartSpan("err.setTagTrue")
		s4.SetTag(ext.Error, true)
		s4.Finish()

		s5 := tracer.StartSpan("err.wrapped")
		s5.Finish(tracer.WithError(&myErr{"typed"}), tracer.NoDebugStack())

		s6 := tracer.StartSpan("err.childOnly")
		c6 := tracer.StartSpan("err.child", tracer.ChildOf(s6.Context()))
		c6.Finish(tracer.WithError(errors.New("child boom")), tracer.NoDebugStack())
		s6.Finish()
	}},
	{name: "4_remote_parent", run: func(t *testing.T) {
		h := http.Header{}
		h.Set("x-datadog-trace-id", "1234567890123456789")
		h.Set("x-datadog-parent-id", "987654321")
		h.Set("x-datadog-sampling-priority", "2")
		h.Set("x-datadog-origin", "synthetics")
		h.Set("x-datadog-tags", "_dd.p.dm=-4,_dd.p.tid=640cfd8d00000000")
		sctx, err := tracer.Extract(tracer.HTTPHeadersCarrier(h))
		if err != nil {
			t.Fatalf("extract: %v", err)
		}
		s := tracer.StartSpan("remote.child", tracer.ChildOf(sctx), tracer.ResourceName("r"))
		c := tracer.StartSpan("local.grandchild", tracer.ChildOf(s.Context()))
		c.Finish()
		s.Finish()
	}},
	{name: "5_manual_keep_drop", run: func(t *testing.T) {
		r := tracer.StartSpan("keep.root")
		r.SetTag(ext.ManualKeep, true)
		c := tracer.StartSpan("keep.child", tracer.ChildOf(r.Context()))
		c.Finish()
		r.Finish()

		r2 := tracer.StartSpan("drop.root")
		r2.SetTag(ext.ManualDrop, true)
		c2 := tracer.StartSpan("drop.child", tracer.ChildOf(r2.Context()))
		c2.Finish()
		r2.Finish()

		// keep set on the child only
		r3 := tracer.StartSpan("childkeep.root")
		c3 := tracer.StartSpan("childkeep.child", tracer.ChildOf(r3.Context()))
		c3.SetTag(ext.ManualKeep, true)
		c3.Finish()
		r3.Finish()
	}},
	{name: "6_global_tag_big_ints", opts: []tracer.StartOption{tracer.WithGlobalTag("team", "core")}, run: func(t *testing.T) {
		r := tracer.StartSpan("ints.root")
		r.SetTag("i64big", int64(1<<60))
		r.SetTag("u64", uint64(1<<63+5))
		r.SetTag("u64small", uint64(7))
		r.SetTag("i32", int32(-5))
		r.SetTag("u8", uint8(200))
		r.SetTag("f32", float32(1.5))
		r.SetTag("nan", math.NaN())
		r.SetTag("inf", math.Inf(1))
		r.SetTag("negzero", -3)
		r.SetTag("dur", time.Second)
		r.SetTag("strslice", []string{"a", "b"})
		r.SetTag("nilval", nil)
		r.SetTag("stringer", stringerVal{})
		c := tracer.StartSpan("ints.child", tracer.ChildOf(r.Context()))
		c.Finish()
		r.Finish()
	}},
	{name: "7_measured_analytics_links", run: func(t *testing.T) {
		r := tracer.StartSpan("m.root", tracer.Measured(), tracer.AnalyticsRate(0.5),
			tracer.WithSpanLinks([]ddtrace.SpanLink{{
				TraceID: 0x1111111111111111, TraceIDHigh: 0x2222222222222222, SpanID: 0x3333333333333333,
				Attributes: map[string]string{"link.kind": "follows"}, Tracestate: "dd=s:1", Flags: 1,
			}, {TraceID: 5, SpanID: 6}}))
		c := tracer.StartSpan("m.child", tracer.ChildOf(r.Context()), tracer.Measured())
		c.Finish()
		r.Finish()
	}},
	{name: "8_root_finishes_first", run: func(t *testing.T) {
		r := tracer.StartSpan("order.root")
		c1 := tracer.StartSpan("order.c1", tracer.ChildOf(r.Context()))
		c2 := tracer.StartSpan("order.c2", tracer.ChildOf(r.Context()))
		c1.Finish()
		r.Finish()
		time.Sleep(20 * time.Millisecond)
		c2.Finish()
	}},
	{name: "8b_partial_flush_2", opts: []tracer.StartOption{tracer.WithPartialFlushing(2)}, run: func(t *testing.T) {
		r := tracer.StartSpan("pf.root")
		c1 := tracer.StartSpan("pf.c1", tracer.ChildOf(r.Context()))
		c2 := tracer.StartSpan("pf.c2", tracer.ChildOf(r.Context()))
		c3 := tracer.StartSpan("pf.c3", tracer.ChildOf(r.Context()))
		c1.Finish()
		c2.Finish()
		time.Sleep(20 * time.Millisecond)
		c3.Finish()
		r.Finish()
	}},
	{name: "1b_root_only_flush_before_stop", flush: true, run: func(t *testing.T) {
		s := tracer.StartSpan("web.request", tracer.ResourceName("/posts"), tracer.SpanType("web"))
		s.Finish()
	}},
	{name: "9_info_with_v05_stats_dropP0_flush_before_stop", info: infoFull, flush: true, run: func(t *testing.T) {
		s := tracer.StartSpan("full.root", tracer.ResourceName("/x"), tracer.SpanType("web"))
		s.Finish()
		d := tracer.StartSpan("full.dropped")
		d.SetTag(ext.ManualDrop, true)
		d.Finish()
	}},
	{name: "9b_info_with_v05_stats_dropP0_stop_only", info: infoFull, run: func(t *testing.T) {
		s := tracer.StartSpan("full.root", tracer.ResourceName("/x"), tracer.SpanType("web"))
		s.Finish()
		d := tracer.StartSpan("full.dropped")
		d.SetTag(ext.ManualDrop, true)
		d.Finish()
	}},
}

type myErr struct{ s string }

func (e *myErr) Error() string { return e.s }

type stringerVal struct{}

func (stringerVal) String() string { return "stringer!" }

func TestDumpDDTrace(t *testing.T) {
	var all strings.Builder
	for _, sc := range ddScenarios {
		t.Run(sc.name, func(t *testing.T) {
			a := runDD(t, sc.info, sc.opts, sc.flush, sc.run)
			var sb strings.Builder
			sb.WriteString("=== scenario " + sc.name + "\n")
			sb.WriteString("requests by path: ")
			for _, k := range sortedKeys(a.paths()) {
				sb.WriteString(k + " x" + itoa(a.paths()[k]) + "; ")
			}
			sb.WriteString("\n")
			trs := a.traceRequests()
			if len(trs) == 0 {
				t.Errorf("no trace request received")
			}
			for _, r := range trs {
				if _, err := decodeV04(r.Body); err != nil {
					t.Errorf("agent decoder rejected dd-trace-go payload: %v", err)
				}
				sb.WriteString(dumpRequest(r))
			}
			if testing.Verbose() { // the dump is long: only with -v
				t.Log("\n" + sb.String())
			}
			all.WriteString(sb.String())
		})
	}
	if p := os.Getenv("DDWIRE_DUMP"); p != "" {
		if err := os.WriteFile(p, []byte(all.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}
