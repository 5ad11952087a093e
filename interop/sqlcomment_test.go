package interop

// DBM propagation against dd-trace-go v1.74.8's tracer.SQLCommentCarrier:
//
//   - TestSQLCommentInjectSameAsDD: the same spans (the same ids, service,
//     env and version) under dd's tracer and ours, the same carrier fields;
//     the injected queries must be the same, but for the new span id each
//     Inject draws (random in both), which is checked and then masked, and
//     for the cases of sqlInjectDiffers, each with its reason.
//   - TestSQLCommentExtractSameAsDD and FuzzSQLCommentExtractSameAsDD: the
//     same queries through both Extracts give the same error, ids and
//     sampling priority.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	ourddtrace "github.com/ctxtrace/trace/ddtrace"
	ourext "github.com/ctxtrace/trace/ddtrace/ext"
	ours "github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/google/go-cmp/cmp"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/ext"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

// sqlCase is one Inject: the carrier's fields, and the span whose context
// is given (a key of the spans both sides start; "" for nil).
type sqlCase struct {
	name, span, mode                  string
	query, dbs, host, dbName, peerSvc string
}

// sqlInjectDiffers are the cases whose queries differ from dd's, and why.
var sqlInjectDiffers = map[string]string{
	"control characters": "ours percent-encodes control characters: a NUL cuts the query short in " +
		"PostgreSQL's wire protocol; dd writes them as they are",
	"invalid UTF-8": "ours percent-encodes bytes that are not UTF-8: PostgreSQL rejects such a query " +
		"in a UTF-8 database; dd writes them as they are",
	"unknown mode": "dd replaces the query with \"\" for a mode it does not know; ours leaves the " +
		"query as it is and returns an error",
}

// sqlSpanHeaders are the incoming requests whose extracted contexts are
// among the spans.
var sqlSpanHeaders = map[string]http.Header{
	"remote-keep":   {"X-Datadog-Trace-Id": {"77"}, "X-Datadog-Parent-Id": {"88"}, "X-Datadog-Sampling-Priority": {"2"}},
	"remote-reject": {"X-Datadog-Trace-Id": {"77"}, "X-Datadog-Parent-Id": {"88"}, "X-Datadog-Sampling-Priority": {"-1"}},
	"remote-w3c":    {"Traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}},
}

func sqlCases() []sqlCase {
	var cs []sqlCase
	modes := []string{"service", "full"}
	for _, span := range []string{"root", "other-service", "peer-tag", "env-tag", "dropped", "kept", "",
		"remote-keep", "remote-reject", "remote-w3c"} {
		for _, m := range modes {
			cs = append(cs, sqlCase{name: "span " + span + " " + m, span: span, mode: m, query: "SELECT 1", dbs: "db"})
		}
	}
	for _, m := range []string{"", "disabled", "service", "full"} {
		cs = append(cs, sqlCase{name: "mode " + m + " with peers", span: "root", mode: m, query: "SELECT * FROM t",
			dbs: "db", host: "db.local", dbName: "shop", peerSvc: "carrier-peer"})
	}
	hostile := map[string]string{
		"quote and comment end": "x'*/ DROP TABLE users; --",
		"reserved characters":   " !#$%&'()*+,/:;=?@[]",
		"already encoded":       "%20%27",
		"comment start":         "/*+ INDEX(t) */",
		"unencoded ASCII":       `back\slash"q"<{|}>^~-._` + "`",
		"UTF-8":                 "café 日本",
		"control characters":    "nul\x00tab\tnl\n",
		"invalid UTF-8":         "bad\xff\xc3",
	}
	for name, v := range hostile {
		for _, m := range modes {
			cs = append(cs, sqlCase{name: name, span: "root", mode: m, query: "SELECT 1", dbs: v, host: v, dbName: v, peerSvc: v})
		}
	}
	cs = append(cs,
		sqlCase{name: "empty query", span: "root", mode: "full", dbs: "db"},
		sqlCase{name: "empty db service", span: "root", mode: "full", query: "SELECT 1"},
		sqlCase{name: "unknown mode", span: "root", mode: "Full", query: "SELECT 1", dbs: "db"},
	)
	return cs
}

// sqlResult is one Inject's outcome, the span id masked.
type sqlResult struct {
	Query string
	Err   bool
}

// masked checks the span id Inject drew and replaces it in query by {span}.
func masked(t *testing.T, side, name, query string, spanID uint64) string {
	if spanID == 0 || spanID>>63 != 0 {
		t.Errorf("%s %s: SpanID %#x, want a non-zero 63-bit id", side, name, spanID)
	}
	return strings.ReplaceAll(query, fmt.Sprintf("%016x", spanID), "{span}")
}

func ddSQLInject(t *testing.T, cases []sqlCase) []sqlResult {
	a := newFakeAgent(t, infoNoStats)
	tracer.Start(ddBaseOpts(a.addr())...)
	defer tracer.Stop()
	root := tracer.StartSpan("web.request", tracer.WithSpanID(0xabcd))
	spans := map[string]ddtrace.Span{
		"root":          root,
		"other-service": tracer.StartSpan("db.prepare", tracer.ChildOf(root.Context()), tracer.ServiceName("other")),
		"peer-tag":      tracer.StartSpan("peer", tracer.ChildOf(root.Context()), tracer.Tag(ext.PeerService, "span-peer")),
		"env-tag":       tracer.StartSpan("env", tracer.ChildOf(root.Context())),
		"dropped":       tracer.StartSpan("dropped", tracer.WithSpanID(0xd0d0), tracer.Tag(ext.ManualDrop, true)),
		"kept":          tracer.StartSpan("kept", tracer.WithSpanID(0x6e6e), tracer.Tag(ext.ManualKeep, true)),
	}
	spans["env-tag"].SetTag(ext.Environment, "staging")
	ctxs := map[string]ddtrace.SpanContext{}
	for k, s := range spans {
		ctxs[k] = s.Context()
		defer s.Finish()
	}
	for k, h := range sqlSpanHeaders {
		sc, err := tracer.Extract(tracer.HTTPHeadersCarrier(h))
		if err != nil {
			t.Fatalf("dd Extract %s: %v", k, err)
		}
		ctxs[k] = sc
	}
	var out []sqlResult
	for _, c := range cases {
		cr := tracer.SQLCommentCarrier{Query: c.query, Mode: tracer.DBMPropagationMode(c.mode), DBServiceName: c.dbs,
			PeerDBHostname: c.host, PeerDBName: c.dbName, PeerService: c.peerSvc}
		err := cr.Inject(ctxs[c.span])
		out = append(out, sqlResult{masked(t, "dd", c.name, cr.Query, cr.SpanID), err != nil})
	}
	return out
}

func oursSQLInject(t *testing.T, cases []sqlCase) []sqlResult {
	a := newFakeAgent(t, infoNoStats)
	ours.Start(ours.WithAgentAddr(a.addr()), ours.WithService("svc"), ours.WithEnv("prod"),
		ours.WithServiceVersion("1.2.3"), ours.WithLogStartup(false), ours.WithLogger(silentLogger{}))
	defer ours.Stop()
	root := ours.StartSpan("web.request", ours.WithSpanID(0xabcd))
	spans := map[string]ourddtrace.Span{
		"root":          root,
		"other-service": ours.StartSpan("db.prepare", ours.ChildOf(root.Context()), ours.ServiceName("other")),
		"peer-tag":      ours.StartSpan("peer", ours.ChildOf(root.Context()), ours.Tag(ourext.PeerService, "span-peer")),
		"env-tag":       ours.StartSpan("env", ours.ChildOf(root.Context())),
		"dropped":       ours.StartSpan("dropped", ours.WithSpanID(0xd0d0), ours.Tag(ourext.ManualDrop, true)),
		"kept":          ours.StartSpan("kept", ours.WithSpanID(0x6e6e), ours.Tag(ourext.ManualKeep, true)),
	}
	spans["env-tag"].SetTag(ourext.Environment, "staging")
	ctxs := map[string]ourddtrace.SpanContext{}
	for k, s := range spans {
		ctxs[k] = s.Context()
		defer s.Finish()
	}
	for k, h := range sqlSpanHeaders {
		sc, err := ours.Extract(ours.HTTPHeadersCarrier(h))
		if err != nil {
			t.Fatalf("our Extract %s: %v", k, err)
		}
		ctxs[k] = sc
	}
	var out []sqlResult
	for _, c := range cases {
		cr := ours.SQLCommentCarrier{Query: c.query, Mode: ours.DBMPropagationMode(c.mode), DBServiceName: c.dbs,
			PeerDBHostname: c.host, PeerDBName: c.dbName, PeerService: c.peerSvc}
		err := cr.Inject(ctxs[c.span])
		out = append(out, sqlResult{masked(t, "ours", c.name, cr.Query, cr.SpanID), err != nil})
	}
	return out
}

func TestSQLCommentInjectSameAsDD(t *testing.T) {
	cases := sqlCases()
	dd, our := ddSQLInject(t, cases), oursSQLInject(t, cases)
	differed := map[string]bool{}
	for i, c := range cases {
		d := cmp.Diff(dd[i], our[i])
		if reason, listed := sqlInjectDiffers[c.name]; listed {
			if d != "" {
				differed[c.name] = true
				t.Logf("%s (mode %q): differs as listed (%s):\n  dd:   %q\n  ours: %q", c.name, c.mode, reason, dd[i].Query, our[i].Query)
			}
			continue
		}
		if d != "" {
			t.Errorf("%s (mode %q, span %q): Inject differs from dd (-dd +ours):\n%s", c.name, c.mode, c.span, d)
		}
	}
	for name := range sqlInjectDiffers {
		if !differed[name] {
			t.Errorf("%s is listed in sqlInjectDiffers but no longer differs from dd: remove it", name)
		}
	}
}

// sqlExtractVectors are queries both Extracts read.
var sqlExtractVectors = []string{
	"/*dddbs='db',dde='prod',traceparent='00-0000000000000001000000000000abcd-00000000000000ef-01'*/ SELECT 1",
	"SELECT 1 /*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-01'*/",
	"/*traceparent=00-0000000000000001000000000000ABCD-00000000000000EF-00*/",
	"/*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-01-extra'*/",
	"/*app='x'*/ SELECT /*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-01'*/ 1",
	"/* outer /*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-01'*/",
	"/*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-03'*/",
	"/*traceparent='00-0000000000000001000000000000abcd-00000000000000ef--1'*/",
	"/*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-+7'*/",
	"/*traceparent='00-00000000000000000000000000000001-0000000000000002-01',traceparent='00-0000000000000001000000000000abcd-00000000000000ef-01'*/",
	"SELECT 1", "", "/*dddbs='db'*/ SELECT 1", "SELECT 'traceparent' /*x*/",
	"SELECT 2*/3 /*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-01'*/",
	"/*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-01'",
	"/*traceparent='01-0000000000000001000000000000abcd-00000000000000ef-01'*/",
	"/*traceparent='00-00000000000000000000000000000000-00000000000000ef-01'*/",
	"/*traceparent='00-0000000000000001000000000000abcd-0000000000000000-01'*/",
	"/* traceparent='00-0000000000000001000000000000abcd-00000000000000ef-01'*/",
	"/*app='traceparent'*/",
	"/*traceparent='00-0000000000000001000000000000abcd-00000000000000ef'*/",
	"/*traceparent='00-000000000000000g000000000000abcd-00000000000000ef-01'*/",
	"/*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-0f'*/",
	"/*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-01',junk*/",
	"/*a='b=c',traceparent='00-0000000000000001000000000000abcd-00000000000000ef-01'*/",
	"/*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-01',*/",
	"/**/ /*/ */*/*traceparent", "/*traceparent*/",
}

// sqlExtracted is what one Extract gave, as both sides can say it.
type sqlExtracted struct {
	Err                string
	TraceID, SpanID    uint64
	TraceID128         string
	SamplingPriorityHd string // x-datadog-sampling-priority of the context injected again
}

// sqlExtractors start both tracers (to inject the contexts again, which
// shows their sampling priority) and return both Extracts.
func sqlExtractors(t testing.TB) (dd, our func(string) sqlExtracted) {
	a, b := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
	tracer.Start(ddBaseOpts(a.addr())...)
	t.Cleanup(tracer.Stop)
	ours.Start(ours.WithAgentAddr(b.addr()), ours.WithLogStartup(false), ours.WithLogger(silentLogger{}))
	t.Cleanup(ours.Stop)
	dd = func(q string) sqlExtracted {
		c := tracer.SQLCommentCarrier{Query: q}
		sc, err := c.Extract()
		if err != nil {
			return sqlExtracted{Err: errClass(err)}
		}
		h := http.Header{}
		if err := tracer.Inject(sc, tracer.HTTPHeadersCarrier(h)); err != nil {
			t.Fatalf("dd Inject of the extracted context: %v", err)
		}
		return sqlExtracted{TraceID: sc.TraceID(), SpanID: sc.SpanID(), TraceID128: ddTraceID128(sc),
			SamplingPriorityHd: h.Get("X-Datadog-Sampling-Priority")}
	}
	our = func(q string) sqlExtracted {
		c := ours.SQLCommentCarrier{Query: q}
		sc, err := c.Extract()
		if err != nil {
			return sqlExtracted{Err: errClass(err)}
		}
		h := http.Header{}
		if err := ours.Inject(sc, ours.HTTPHeadersCarrier(h)); err != nil {
			t.Fatalf("our Inject of the extracted context: %v", err)
		}
		return sqlExtracted{TraceID: sc.TraceID(), SpanID: sc.SpanID(), TraceID128: sc.(ourddtrace.SpanContextW3C).TraceID128(),
			SamplingPriorityHd: h.Get("X-Datadog-Sampling-Priority")}
	}
	return dd, our
}

func TestSQLCommentExtractSameAsDD(t *testing.T) {
	dd, our := sqlExtractors(t)
	for _, q := range sqlExtractVectors {
		want, got := dd(q), our(q)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("Extract(%q) differs from dd (-dd +ours):\n%s", q, d)
		}
	}
	// Inject's comment read back by the other side's Extract.
	c := tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationModeFull, DBServiceName: "db"}
	if err := c.Inject(nil); err != nil {
		t.Fatal(err)
	}
	if got := our(c.Query); got.SpanID != c.SpanID || got.Err != "" {
		t.Errorf("our Extract of dd's %q = %+v, want span id %#x", c.Query, got, c.SpanID)
	}
	o := ours.SQLCommentCarrier{Query: "SELECT 1", Mode: ours.DBMPropagationModeFull, DBServiceName: "db"}
	if err := o.Inject(nil); err != nil {
		t.Fatal(err)
	}
	if got := dd(o.Query); got.SpanID != o.SpanID || got.Err != "" {
		t.Errorf("dd's Extract of our %q = %+v, want span id %#x", o.Query, got, o.SpanID)
	}
}

// FuzzSQLCommentExtractSameAsDD: any query reads the same through both.
//
//	go test -run '^$' -fuzz FuzzSQLCommentExtractSameAsDD -fuzztime 1m .
func FuzzSQLCommentExtractSameAsDD(f *testing.F) {
	for _, q := range sqlExtractVectors {
		f.Add(q)
	}
	dd, our := sqlExtractors(f)
	f.Fuzz(func(t *testing.T, q string) {
		if want, got := dd(q), our(q); want != got {
			t.Errorf("Extract(%q): dd %+v, ours %+v", q, want, got)
		}
	})
}
