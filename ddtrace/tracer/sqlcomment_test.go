package tracer_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// useDefault makes a tracer with opts the default for the test; its spans
// go nowhere.
// startSvc starts the global tracer as service svc, env prod, version
// 1.2.3, its Agent unreachable: the comments are all these tests read.
func startSvc(t *testing.T) {
	t.Helper()
	tracer.Start(tracer.WithService("svc"), tracer.WithEnv("prod"), tracer.WithServiceVersion("1.2.3"),
		tracer.WithAgentAddr("127.0.0.1:1"), tracer.WithSendRetries(0), tracer.WithLogStartup(false),
		tracer.WithLogger(logFunc(func(string) {})))
	t.Cleanup(tracer.Stop)
}

// foreignCtx is a SpanContext of the caller's own making.
type foreignCtx struct{ trace, span uint64 }

func (c foreignCtx) SpanID() uint64                          { return c.span }
func (c foreignCtx) TraceID() uint64                         { return c.trace }
func (foreignCtx) ForeachBaggageItem(func(k, v string) bool) {}

// inject runs Inject and returns the query with the new span id, as 16
// hex digits, replaced by {span}.
func inject(t *testing.T, c tracer.SQLCommentCarrier, sc tracer.SpanContext) string {
	t.Helper()
	if err := c.Inject(sc); err != nil {
		t.Fatalf("Inject: %v", err)
	}
	if c.SpanID == 0 || c.SpanID>>63 != 0 {
		t.Fatalf("SpanID = %#x, want a non-zero 63-bit id", c.SpanID)
	}
	return strings.ReplaceAll(c.Query, fmt.Sprintf("%016x", c.SpanID), "{span}")
}

func TestSQLCommentInject(t *testing.T) {
	startSvc(t)
	root := tracer.StartSpan("web.request", tracer.WithSpanID(0xabcd))
	defer root.Finish()
	other := tracer.StartSpan("db.prepare", tracer.ChildOf(root.Context()), tracer.ServiceName("other"))
	defer other.Finish()
	peer := tracer.StartSpan("peer", tracer.ChildOf(root.Context()), tracer.Tag(ext.PeerService, "span-peer"))
	defer peer.Finish()
	staging := tracer.StartSpan("staging", tracer.ChildOf(root.Context()))
	staging.SetTag(ext.Environment, "staging")
	defer staging.Finish()
	dropped := tracer.StartSpan("dropped", tracer.WithSpanID(0xd0d0), tracer.Tag(ext.ManualDrop, true))
	defer dropped.Finish()
	remote, err := tracer.Extract(tracer.HTTPHeadersCarrier(http.Header{
		"X-Datadog-Trace-Id": {"77"}, "X-Datadog-Parent-Id": {"88"}, "X-Datadog-Sampling-Priority": {"2"},
	}))
	if err != nil {
		t.Fatal(err)
	}

	const tp = "traceparent='00-0000000000000000000000000000abcd-{span}-01'"
	peers := tracer.SQLCommentCarrier{DBServiceName: "db", PeerDBHostname: "db.local", PeerDBName: "shop", PeerService: "carrier-peer"}
	cases := []struct {
		name string
		c    tracer.SQLCommentCarrier
		sc   tracer.SpanContext
		want string
	}{
		{"undefined", tracer.SQLCommentCarrier{Query: "SELECT 1", DBServiceName: "db"}, root.Context(), "SELECT 1"},
		{"disabled", tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationModeDisabled}, root.Context(), "SELECT 1"},
		{"legacy disabled", tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationMode(tracer.SQLInjectionDisabled)}, root.Context(), "SELECT 1"},
		{"service", tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationModeService, DBServiceName: "db"}, root.Context(),
			"/*dddbs='db',dde='prod',ddps='svc',ddpv='1.2.3'*/ SELECT 1"},
		{"legacy service", tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationMode(tracer.SQLInjectionModeService), DBServiceName: "db"}, root.Context(),
			"/*dddbs='db',dde='prod',ddps='svc',ddpv='1.2.3'*/ SELECT 1"},
		{"full", tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationModeFull, DBServiceName: "db"}, root.Context(),
			"/*dddbs='db',dde='prod',ddps='svc',ddpv='1.2.3'," + tp + "*/ SELECT 1"},
		{"legacy full", tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationMode(tracer.SQLInjectionModeFull), DBServiceName: "db"}, root.Context(),
			"/*dddbs='db',dde='prod',ddps='svc',ddpv='1.2.3'," + tp + "*/ SELECT 1"},
		{"full peers", withMode(peers, tracer.DBMPropagationModeFull, "SELECT 1"), root.Context(),
			"/*dddbs='db',dde='prod',ddps='svc',ddpv='1.2.3'," + tp + ",ddh='db.local',dddb='shop',ddprs='carrier-peer'*/ SELECT 1"},
		{"span peer.service wins", withMode(peers, tracer.DBMPropagationModeService, "SELECT 1"), peer.Context(),
			"/*dddbs='db',dde='prod',ddps='svc',ddpv='1.2.3',ddh='db.local',dddb='shop',ddprs='span-peer'*/ SELECT 1"},
		{"version only on the tracer's service", tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationModeService, DBServiceName: "db"}, other.Context(),
			"/*dddbs='db',dde='prod',ddps='svc'*/ SELECT 1"},
		{"env tag of the span", tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationModeService, DBServiceName: "db"}, staging.Context(),
			"/*dddbs='db',dde='staging',ddps='svc',ddpv='1.2.3'*/ SELECT 1"},
		{"dropped trace", tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationModeFull, DBServiceName: "db"}, dropped.Context(),
			"/*dddbs='db',dde='prod',ddps='svc',ddpv='1.2.3',traceparent='00-0000000000000000000000000000d0d0-{span}-00'*/ SELECT 1"},
		{"no span, full", tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationModeFull, DBServiceName: "db"}, nil,
			"/*dddbs='db',ddps='svc',traceparent='00-0000000000000000{span}-{span}-00'*/ SELECT 1"},
		{"no span, service", tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationModeService, DBServiceName: "db"}, nil,
			"/*dddbs='db',ddps='svc'*/ SELECT 1"},
		{"extracted context", tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationModeFull, DBServiceName: "db"}, remote,
			"/*dddbs='db',ddps='svc',traceparent='00-0000000000000000000000000000004d-{span}-01'*/ SELECT 1"},
		{"foreign context", tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationModeFull}, foreignCtx{trace: 0x99, span: 0x5},
			"/*dddbs='',ddps='svc',traceparent='00-00000000000000000000000000000099-{span}-00'*/ SELECT 1"},
		{"empty query", tracer.SQLCommentCarrier{Mode: tracer.DBMPropagationModeService, DBServiceName: "db"}, nil,
			"/*dddbs='db',ddps='svc'*/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := inject(t, tc.c, tc.sc); got != tc.want {
				t.Errorf("Inject gave\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func withMode(c tracer.SQLCommentCarrier, m tracer.DBMPropagationMode, q string) tracer.SQLCommentCarrier {
	c.Mode, c.Query = m, q
	return c
}

// noService leaves the tracer package with no global service: the latest
// Start was given none (as dd-trace-go's, the service given to Start
// outlives Stop).
func noService(t *testing.T) {
	t.Helper()
	t.Setenv("DD_SERVICE", "")
	tracer.Start(tracer.WithAgentAddr("127.0.0.1:1"), tracer.WithSendRetries(0), tracer.WithLogStartup(false),
		tracer.WithLogger(logFunc(func(string) {})))
	tracer.Stop()
}

// TestSQLCommentInjectNoTracer: without a tracer nor a service, there is no
// ddps; a new span id is still made for every query.
func TestSQLCommentInjectNoTracer(t *testing.T) {
	noService(t)
	c := tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationModeService, DBServiceName: "db"}
	if got := inject(t, c, nil); got != "/*dddbs='db'*/ SELECT 1" {
		t.Errorf("got %q", got)
	}
	tracer.Start(tracer.WithService("kept"), tracer.WithAgentAddr("127.0.0.1:1"), tracer.WithSendRetries(0),
		tracer.WithLogStartup(false), tracer.WithLogger(logFunc(func(string) {})))
	tracer.Stop()
	if got := inject(t, c, nil); got != "/*dddbs='db',ddps='kept'*/ SELECT 1" {
		t.Errorf("after Stop, got %q: the service Start was given is kept, as in dd-trace-go", got)
	}
	a, b := c, c
	_ = a.Inject(nil)
	_ = b.Inject(nil)
	if a.SpanID == b.SpanID {
		t.Errorf("two injections gave the same span id %#x", a.SpanID)
	}
}

func TestSQLCommentInjectUnknownMode(t *testing.T) {
	c := tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: "Full"}
	err := c.Inject(nil)
	if err == nil || !strings.Contains(err.Error(), `"Full"`) {
		t.Fatalf("Inject with mode Full: err = %v, want one naming the mode", err)
	}
	if c.Query != "SELECT 1" {
		t.Errorf("Query = %q, want it unchanged", c.Query)
	}
	c = tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationMode(strings.Repeat("x", 1<<20))}
	if err := c.Inject(nil); err == nil || len(err.Error()) > 300 {
		t.Errorf("a huge unknown mode: err of %d bytes, want a short error", len(fmt.Sprint(err)))
	}
	var nilCarrier *tracer.SQLCommentCarrier
	if err := nilCarrier.Inject(nil); !errors.Is(err, tracer.ErrInvalidCarrier) {
		t.Errorf("nil carrier Inject: %v", err)
	}
	if _, err := nilCarrier.Extract(); !errors.Is(err, tracer.ErrInvalidCarrier) {
		t.Errorf("nil carrier Extract: %v", err)
	}
}

// TestSQLCommentEscaping: values are percent-encoded so that none can end
// its quotes or the comment, whatever it holds.
func TestSQLCommentEscaping(t *testing.T) {
	noService(t)
	cases := []struct{ in, want string }{
		{"plain-name_1.0~x", "plain-name_1.0~x"},
		{"it's", "it%27s"},
		{"x'*/ DROP TABLE users; --", "x%27%2A%2F%20DROP%20TABLE%20users%3B%20--"},
		{"/* nested", "%2F%2A%20nested"},
		{" !#$%&'()*+,/:;=?@[]", "%20%21%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D"},
		{"%20", "%2520"},
		{`back\slash"quoted"<{|}>^` + "`", `back\slash"quoted"<{|}>^` + "`"},
		{"café 日本", "café%20日本"},
		{"nul\x00tab\tnl\ndel\x7f", "nul%00tab%09nl%0Adel%7F"},
		{"bad\xffutf8\xc3", "bad%FFutf8%C3"},
	}
	for _, tc := range cases {
		c := tracer.SQLCommentCarrier{Query: "SELECT 1", Mode: tracer.DBMPropagationModeService, DBServiceName: tc.in}
		got := inject(t, c, nil)
		want := "/*dddbs='" + tc.want + "'*/ SELECT 1"
		if got != want {
			t.Errorf("DBServiceName %q:\n got %s\nwant %s", tc.in, got, want)
		}
	}
}

// TestSQLCommentHugeQuery: a large query is carried whole, and a large
// query without a comment is searched in one pass.
func TestSQLCommentHugeQuery(t *testing.T) {
	q := "SELECT '" + strings.Repeat("/*x*/", 1<<18) + "'"
	c := tracer.SQLCommentCarrier{Query: q, Mode: tracer.DBMPropagationModeFull, DBServiceName: "db"}
	got := inject(t, c, nil)
	if !strings.HasSuffix(got, "*/ "+q) {
		t.Fatalf("the query did not survive injection")
	}
	c = tracer.SQLCommentCarrier{Query: strings.Repeat("/*", 1<<20)}
	if _, err := c.Extract(); !errors.Is(err, tracer.ErrSpanContextNotFound) {
		t.Errorf("Extract of unclosed comments: %v", err)
	}
}
