package agent_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
)

// quiet is a logger that records what it is asked to log.
type logRecorder struct {
	mu   sync.Mutex
	msgs []string
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, r.Message)
	return nil
}
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecorder) WithGroup(string) slog.Handler      { return l }
func (l *logRecorder) count(substr string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, m := range l.msgs {
		if strings.Contains(m, substr) {
			n++
		}
	}
	return n
}

func fastRetries(n int) agent.Option {
	return agent.WithRetries(n, time.Millisecond, 5*time.Millisecond)
}

func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want %d:\n%s", runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// accounting checks that every span started was delivered or dropped for
// a reason, by the tracer or by the exporter.
func accounting(t *testing.T, tr *trace.Tracer, exp *agent.Exporter, delivered int) {
	t.Helper()
	ts, es := tr.Stats(), exp.Stats()
	// The tracer's counts include the exporter's: exported means sent, or
	// sampled out and left out as the Agent asks (client-side statistics).
	sampledOut := es.Dropped.SampledOut
	if ts.SpansExported != es.SpansSent+sampledOut || ts.Dropped.Exporter != es.Dropped.Total()-sampledOut {
		t.Errorf("the tracer counts %d spans exported and %d dropped by the exporter; the exporter sent %d, left out %d sampled out and dropped %d",
			ts.SpansExported, ts.Dropped.Exporter, es.SpansSent, sampledOut, es.Dropped.Total()-sampledOut)
	}
	if ts.SpansStarted != ts.SpansExported+ts.Dropped.Total() || ts.SpansQueued != 0 {
		t.Errorf("started %d != exported %d + dropped %d (%+v), %d queued",
			ts.SpansStarted, ts.SpansExported, ts.Dropped.Total(), ts.Dropped, ts.SpansQueued)
	}
	if es.SpansReceived != es.SpansSent+es.Dropped.Total() {
		t.Errorf("the exporter received %d spans, sent %d and dropped %d (%+v)",
			es.SpansReceived, es.SpansSent, es.Dropped.Total(), es.Dropped)
	}
	if delivered >= 0 && es.SpansSent != uint64(delivered) {
		t.Errorf("the exporter counts %d spans sent, the agent received %d", es.SpansSent, delivered)
	}
}

func shutdown(t *testing.T, tr *trace.Tracer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

func TestPayload(t *testing.T) {
	agentSrv := newStandIn(t)
	exp := agent.New(agent.WithURL(agentSrv.url()))
	tr := trace.New(trace.WithService("svc"), trace.WithEnv("prod"), trace.WithVersion("1.2.3"), trace.WithExporter(exp))
	t0 := time.Unix(1_800_000_000, 123)
	ctx, root := tr.Start(context.Background(), "web.request", trace.Resource("GET /posts"), trace.Type("web"),
		trace.StartTime(t0), trace.WithSpanID(10))
	root.SetTag("http.method", "GET")
	root.SetTag("http.status_code", 200)
	root.SetBaggageItem("secret", "never on the wire")
	_, db := tr.Start(ctx, "db.query", trace.Service("postgres"), trace.StartTime(t0.Add(time.Millisecond)), trace.WithSpanID(11))
	db.Finish(trace.FinishTime(t0.Add(3*time.Millisecond)), trace.WithError(errors.New("boom")), trace.StackDepth(0, 0))
	root.Finish(trace.FinishTime(t0.Add(5 * time.Millisecond)))
	shutdown(t, tr)

	reqs := agentSrv.reqs()
	if len(reqs) != 1 || len(reqs[0].traces) != 1 || len(reqs[0].traces[0]) != 2 {
		t.Fatalf("requests: %+v", reqs)
	}
	h := reqs[0].header
	for k, v := range map[string]string{
		"Content-Type": "application/msgpack", "X-Datadog-Trace-Count": "1", "Datadog-Meta-Lang": "go",
		"Datadog-Meta-Lang-Version": strings.TrimPrefix(runtime.Version(), "go"), "Datadog-Meta-Tracer-Version": agent.TracerVersion,
		"Datadog-Meta-Lang-Interpreter":     runtime.Compiler + "-" + runtime.GOARCH + "-" + runtime.GOOS,
		"Datadog-Client-Computed-Top-Level": "yes",
		"Datadog-Client-Dropped-P0-Traces":  "0", "Datadog-Client-Dropped-P0-Spans": "0",
	} {
		if h.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, h.Get(k), v)
		}
	}
	byName := map[string]map[string]any{}
	for _, s := range reqs[0].traces[0] {
		byName[s["name"].(string)] = s
	}
	r, d := byName["web.request"], byName["db.query"]
	num := func(v any) int64 {
		switch n := v.(type) {
		case int8:
			return int64(n)
		case int16:
			return int64(n)
		case int32:
			return int64(n)
		case int64:
			return n
		case uint8:
			return int64(n)
		case uint16:
			return int64(n)
		case uint32:
			return int64(n)
		case uint64:
			return int64(n)
		}
		t.Fatalf("%T is not an integer", v)
		return 0
	}
	if r["service"] != "svc" || r["resource"] != "GET /posts" || r["type"] != "web" || num(r["span_id"]) != 10 ||
		num(r["trace_id"]) != 10 || num(r["parent_id"]) != 0 || num(r["start"]) != t0.UnixNano() ||
		num(r["duration"]) != int64(5*time.Millisecond) || num(r["error"]) != 0 {
		t.Errorf("root: %v", r)
	}
	if d["service"] != "postgres" || num(d["parent_id"]) != 10 || num(d["error"]) != 1 || d["resource"] != "db.query" {
		t.Errorf("db: %v", d)
	}
	if _, ok := d["type"]; ok {
		t.Error("an empty type was sent")
	}
	meta := func(s map[string]any) map[string]any { m, _ := s["meta"].(map[string]any); return m }
	metrics := func(s map[string]any) map[string]any { m, _ := s["metrics"].(map[string]any); return m }
	rm, dm := meta(r), meta(d)
	for k, v := range map[string]string{"http.method": "GET", "env": "prod", "version": "1.2.3", "language": "go", "_dd.p.dm": "-0"} {
		if rm[k] != v {
			t.Errorf("root meta %s = %v, want %s", k, rm[k], v)
		}
	}
	if rid, _ := rm["runtime-id"].(string); len(rid) != 36 || dm["runtime-id"] != rid {
		t.Errorf("runtime-id = %q on the root, %q on the child", rid, dm["runtime-id"])
	}
	if rmet := metrics(r); rmet["_dd.profiling.enabled"] != 0.0 {
		t.Errorf("root metrics: %v", rmet)
	}
	if _, ok := metrics(d)["_dd.profiling.enabled"]; ok {
		t.Error("_dd.profiling.enabled on a child")
	}
	if tid, _ := rm["_dd.p.tid"].(string); tid != fmt.Sprintf("%016x", uint64(1_800_000_000)<<32) {
		t.Errorf("_dd.p.tid = %q", tid)
	}
	if dm["_dd.base_service"] != "svc" || dm["error.message"] != "boom" || dm["error.type"] != "*errors.errorString" || dm["env"] != "prod" {
		t.Errorf("db meta: %v", dm)
	}
	for _, k := range []string{"version", "_dd.p.tid", "_dd.p.dm", "secret"} {
		if _, ok := dm[k]; ok {
			t.Errorf("db meta has %s", k)
		}
	}
	if _, ok := rm["secret"]; ok {
		t.Error("baggage sent as a tag")
	}
	rmet, dmet := metrics(r), metrics(d)
	for _, m := range []map[string]any{rmet, dmet} {
		if m["_sampling_priority_v1"] != 1.0 || m["process_id"] != float64(os.Getpid()) || m["_dd.top_level"] != 1.0 {
			t.Errorf("metrics: %v", m)
		}
	}
	if rmet["http.status_code"] != 200.0 {
		t.Errorf("root metrics: %v", rmet)
	}
	accounting(t, tr, exp, 2)
}

func TestUnixSocket(t *testing.T) {
	for _, how := range []string{"WithUDS", "WithURL", "DD_TRACE_AGENT_URL"} {
		t.Run(how, func(t *testing.T) {
			srv, path := newUnixStandIn(t)
			var opt agent.Option
			switch how {
			case "WithUDS":
				opt = agent.WithUDS(path)
			case "WithURL":
				opt = agent.WithURL("unix://" + path)
			default:
				t.Setenv("DD_TRACE_AGENT_URL", "unix://"+path)
			}
			exp := agent.New(opt)
			tr := trace.New(trace.WithExporter(exp))
			_, s := tr.Start(context.Background(), "op")
			s.Finish()
			shutdown(t, tr)
			if n := len(srv.spans()); n != 1 {
				t.Fatalf("the agent on %s received %d spans", path, n)
			}
			accounting(t, tr, exp, 1)
		})
	}
}

func TestEnvironmentAddress(t *testing.T) {
	srv := newStandIn(t)
	host, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.url(), "http://"))
	t.Setenv("DD_AGENT_HOST", host)
	t.Setenv("DD_TRACE_AGENT_PORT", port)
	exp := agent.New()
	tr := trace.New(trace.WithExporter(exp))
	_, s := tr.Start(context.Background(), "op")
	s.Finish()
	shutdown(t, tr)
	if len(srv.spans()) != 1 {
		t.Fatal("DD_AGENT_HOST and DD_TRACE_AGENT_PORT were not used")
	}
	// WithAddr beats the environment.
	srv2 := newStandIn(t)
	exp2 := agent.New(agent.WithAddr(strings.TrimPrefix(srv2.url(), "http://")))
	tr2 := trace.New(trace.WithExporter(exp2))
	_, s = tr2.Start(context.Background(), "op")
	s.Finish()
	shutdown(t, tr2)
	if len(srv2.spans()) != 1 {
		t.Fatal("WithAddr was not used")
	}
}

func TestBadAddress(t *testing.T) {
	logs := &logRecorder{}
	exp := agent.New(agent.WithURL("ftp://nowhere"), agent.WithLogger(slog.New(logs)), fastRetries(5))
	tr := trace.New(trace.WithExporter(exp))
	_, s := tr.Start(context.Background(), "op")
	s.Finish()
	shutdown(t, tr)
	if st := exp.Stats(); st.Dropped.Failed != 1 {
		t.Errorf("stats: %+v", st)
	}
	if logs.count("no usable Agent address") != 1 {
		t.Errorf("logs: %v", logs.msgs)
	}
}

func TestFlushIntervalAndSize(t *testing.T) {
	srv := newStandIn(t)
	exp := agent.New(agent.WithURL(srv.url()), agent.WithFlushInterval(20*time.Millisecond))
	tr := trace.New(trace.WithExporter(exp), trace.WithFlushInterval(5*time.Millisecond))
	defer tr.Shutdown(context.Background())
	_, s := tr.Start(context.Background(), "op")
	s.Finish()
	deadline := time.Now().Add(5 * time.Second)
	for len(srv.spans()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("nothing sent without a Flush: the interval did not fire")
		}
		time.Sleep(5 * time.Millisecond)
	}

	// A small flush size: each export sends at once.
	srv2 := newStandIn(t)
	exp2 := agent.New(agent.WithURL(srv2.url()), agent.WithFlushSize(1), agent.WithFlushInterval(time.Hour))
	tr2 := trace.New(trace.WithExporter(exp2))
	for range 3 {
		_, s := tr2.Start(context.Background(), "op")
		s.Finish()
		if err := tr2.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv2.reqs()); n != 3 {
		t.Errorf("%d payloads, want 3", n)
	}
	shutdown(t, tr2)
}

func TestLargeTraceIsSplit(t *testing.T) {
	srv := newStandIn(t)
	const maxPayload = 8 << 10
	exp := agent.New(agent.WithURL(srv.url()), agent.WithMaxPayload(maxPayload))
	tr := trace.New(trace.WithExporter(exp))
	ctx, root := tr.Start(context.Background(), "root")
	for i := range 200 {
		_, c := tr.Start(ctx, "child")
		c.SetTag("i", i)
		c.SetTag("payload", strings.Repeat("x", 100))
		c.Finish()
	}
	// One span that cannot fit in any payload: dropped and counted.
	_, huge := tr.Start(ctx, "huge")
	huge.SetTag("blob", strings.Repeat("y", maxPayload))
	huge.Finish()
	root.Finish()
	shutdown(t, tr)

	reqs := srv.reqs()
	if len(reqs) < 3 {
		t.Fatalf("%d payloads: the trace was not split", len(reqs))
	}
	seen := map[any]bool{}
	for _, r := range reqs {
		if r.size >= maxPayload {
			t.Errorf("a payload of %d bytes, the limit is %d", r.size, maxPayload)
		}
		if r.header.Get("X-Datadog-Trace-Count") != fmt.Sprint(len(r.traces)) {
			t.Errorf("X-Datadog-Trace-Count %s for %d traces", r.header.Get("X-Datadog-Trace-Count"), len(r.traces))
		}
		for _, tr := range r.traces {
			// Each piece carries the trace-level tags on its first span.
			if m, _ := tr[0]["meta"].(map[string]any); m["_dd.p.dm"] != "-0" {
				t.Errorf("a piece's first span lacks _dd.p.dm: %v", m)
			}
			for _, s := range tr {
				if seen[s["span_id"]] {
					t.Errorf("span %v sent twice", s["span_id"])
				}
				seen[s["span_id"]] = true
			}
		}
	}
	if len(seen) != 201 {
		t.Errorf("%d spans arrived, want 201 (all but the huge one)", len(seen))
	}
	if st := exp.Stats(); st.Dropped.TooLarge != 1 {
		t.Errorf("stats: %+v", st)
	}
	accounting(t, tr, exp, 201)
}

func TestRetryPolicy(t *testing.T) {
	cases := []struct {
		status    int
		retried   bool
		rejected  bool
		recovered bool
	}{
		{http.StatusInternalServerError, true, false, true},
		{http.StatusServiceUnavailable, true, false, true},
		{http.StatusTooManyRequests, true, false, true},
		{http.StatusBadRequest, false, true, false},
		{http.StatusRequestEntityTooLarge, false, true, false},
		{http.StatusNotFound, false, true, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.status), func(t *testing.T) {
			srv := newStandIn(t)
			srv.setRespond(func(w http.ResponseWriter, _ *http.Request, n int) {
				if n <= 2 {
					w.WriteHeader(c.status)
					return
				}
				io.WriteString(w, `{}`)
			})
			exp := agent.New(agent.WithURL(srv.url()), fastRetries(5))
			tr := trace.New(trace.WithExporter(exp))
			_, s := tr.Start(context.Background(), "op")
			s.Finish()
			shutdown(t, tr)
			st := exp.Stats()
			if (st.Retries > 0) != c.retried || (st.Dropped.Rejected == 1) != c.rejected || (st.SpansSent == 1) != c.recovered {
				t.Errorf("stats: %+v, requests %d", st, len(srv.reqs()))
			}
			if c.retried && st.Retries != 2 {
				t.Errorf("%d retries, want 2", st.Retries)
			}
			accounting(t, tr, exp, -1)
		})
	}
}

func TestAgentDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	before := runtime.NumGoroutine()
	logs := &logRecorder{}
	exp := agent.New(agent.WithAddr(addr), fastRetries(2), agent.WithLogger(slog.New(logs)), agent.WithFlushSize(1))
	tr := trace.New(trace.WithExporter(exp), trace.WithFlushInterval(time.Millisecond))
	for range 500 {
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
	}
	shutdown(t, tr)
	st := exp.Stats()
	if st.SpansSent != 0 || st.Dropped.Failed == 0 {
		t.Errorf("stats: %+v", st)
	}
	if n := logs.count("could not send"); n != 1 {
		t.Errorf("%d log lines for the failures, want 1 per interval", n)
	}
	accounting(t, tr, exp, 0)
	waitGoroutines(t, before)
}

func TestOutageThenRecovery(t *testing.T) {
	srv := newStandIn(t)
	var down atomic.Bool
	down.Store(true)
	srv.setRespond(func(w http.ResponseWriter, _ *http.Request, _ int) {
		if down.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		io.WriteString(w, `{}`)
	})
	exp := agent.New(agent.WithURL(srv.url()), agent.WithRetries(10, 10*time.Millisecond, 50*time.Millisecond), agent.WithFlushInterval(5*time.Millisecond))
	tr := trace.New(trace.WithExporter(exp), trace.WithFlushInterval(5*time.Millisecond))
	const n = 500
	for i := range n {
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
		if i == n/2 {
			time.Sleep(100 * time.Millisecond)
		}
	}
	time.Sleep(50 * time.Millisecond)
	down.Store(false) // the agent comes back
	shutdown(t, tr)
	got := map[any]bool{}
	for _, s := range srv.spans() {
		got[s["span_id"]] = true
	}
	if len(got) != n {
		t.Errorf("%d of %d spans arrived after the outage; stats %+v", len(got), n, exp.Stats())
	}
	accounting(t, tr, exp, -1)
}

func TestSlowAgent(t *testing.T) {
	release := make(chan struct{})
	srv := newStandIn(t)
	srv.setRespond(func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	before := runtime.NumGoroutine()
	exp := agent.New(agent.WithURL(srv.url()), agent.WithTimeout(time.Hour), agent.WithFlushSize(1))
	tr := trace.New(trace.WithExporter(exp), trace.WithFlushInterval(time.Millisecond), trace.WithMemoryBudget(256<<10))
	// Nothing here can wait for the agent: the loop ends whatever it does
	// (the soak program, cmd/soak, measures how long Finish takes).
	for range 20_000 {
		_, s := tr.Start(context.Background(), "op")
		s.SetTag("k", "v")
		s.Finish()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := tr.Shutdown(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v", err)
	}
	// The exporter's own Shutdown ran with the same expired context, gave
	// up on the payloads in flight and counted them; its goroutines, and
	// the tracer's, end.
	waitGoroutines(t, before)
	// That Shutdown runs on the tracer's goroutine once the export in
	// flight returns, possibly a moment after the caller gave up: wait
	// for its counts rather than for the goroutine count alone.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if st := exp.Stats(); st.SpansReceived == st.SpansSent+st.Dropped.Total() && st.Dropped.Shutdown > 0 {
			break
		}
	}
	// The budget refused spans: at the tracer's door, or at the
	// exporter's, whichever met it first (that depends on the machine).
	st := exp.Stats()
	if st.Dropped.QueueFull+tr.Stats().Dropped.QueueFull == 0 || st.Dropped.Shutdown == 0 {
		t.Errorf("exporter %+v, tracer %+v", st, tr.Stats())
	}
	accounting(t, tr, exp, 0)
}

// TestExporterShutdownReportsLoss calls the exporter's Shutdown directly
// against an agent that never answers.
func TestExporterShutdownReportsLoss(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := newStandIn(t)
	srv.setRespond(func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	exp := agent.New(agent.WithURL(srv.url()))
	tr := trace.New(trace.WithExporter(exp))
	for range 3 {
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
	}
	tr.Flush(ctxTimeout(t, 50*time.Millisecond)) // hands the spans over; the send hangs
	err := exp.Shutdown(ctxTimeout(t, 100*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "3 spans not delivered") {
		t.Errorf("Shutdown = %v", err)
	}
	tr.Shutdown(context.Background())
}

func TestGarbageAnswers(t *testing.T) {
	cases := map[string]func(w http.ResponseWriter, r *http.Request){
		"invalid JSON": func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, `{"rate_by_service": [}`) },
		"2 MB body":    func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(strings.Repeat("x", 2<<20))) },
		"wrong types": func(w http.ResponseWriter, _ *http.Request) {
			io.WriteString(w, `{"rate_by_service":{"service:a,env:b":"high"}}`)
		},
		"out of range": func(w http.ResponseWriter, _ *http.Request) {
			io.WriteString(w, `{"rate_by_service":{"service:a,env:b":7,"service:,env:":0.5}}`)
		},
		"empty":         func(w http.ResponseWriter, _ *http.Request) {},
		"cut mid-reply": cutConnection,
	}
	for name, respond := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newStandIn(t)
			srv.setRespond(func(w http.ResponseWriter, r *http.Request, n int) {
				if name == "cut mid-reply" && n > 1 {
					io.WriteString(w, `{}`)
					return
				}
				respond(w, r)
			})
			rec := &recordingSampler{Sampler: trace.KeepAll}
			exp := agent.New(agent.WithURL(srv.url()), fastRetries(3), agent.WithLogger(slog.New(&logRecorder{})))
			tr := trace.New(trace.WithExporter(exp), trace.WithSampler(rec))
			_, s := tr.Start(context.Background(), "op")
			s.Finish()
			shutdown(t, tr)
			if st := exp.Stats(); st.SpansSent != 1 {
				t.Errorf("stats: %+v", st)
			}
			rates := rec.get()
			switch name {
			case "out of range":
				if len(rates) != 1 || rates["service:,env:"] != 0.5 {
					t.Errorf("rates: %v, want only the valid one", rates)
				}
			default:
				if len(rates) != 0 {
					t.Errorf("rates from garbage: %v", rates)
				}
			}
		})
	}
}

// cutConnection closes the connection in the middle of the answer.
func cutConnection(w http.ResponseWriter, _ *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"rate_by")
	buf.Flush()
	conn.Close()
}

type recordingSampler struct {
	trace.Sampler
	mu    sync.Mutex
	rates map[string]float64
}

func (s *recordingSampler) ReceiveRates(r map[string]float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rates = map[string]float64{}
	for k, v := range r {
		s.rates[k] = v
	}
}

func (s *recordingSampler) get() map[string]float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rates
}

func TestRateFeedback(t *testing.T) {
	srv := newStandIn(t)
	srv.setRespond(func(w http.ResponseWriter, _ *http.Request, _ int) {
		io.WriteString(w, `{"rate_by_service":{"service:a,env:prod":0.1,"service:,env:":1}}`)
	})
	rec := &recordingSampler{Sampler: trace.KeepAll}
	exp := agent.New(agent.WithURL(srv.url()))
	tr := trace.New(trace.WithExporter(exp), trace.WithSampler(rec))
	_, s := tr.Start(context.Background(), "op")
	s.Finish()
	if err := tr.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := rec.get(); r["service:a,env:prod"] != 0.1 || r["service:,env:"] != 1 {
		t.Errorf("rates: %v", r)
	}
	shutdown(t, tr)
}

func TestInfo(t *testing.T) {
	srv := newStandIn(t)
	exp := agent.New(agent.WithURL(srv.url()))
	defer exp.Shutdown(context.Background())
	deadline := time.Now().Add(5 * time.Second)
	for {
		if info, ok := exp.Info(); ok {
			if !info.Reachable || info.Version != "7.99.0" || !info.Supports("/v0.4/traces") || info.Supports("/v0.7/traces") || !info.ClientDropP0s {
				t.Errorf("info: %+v", info)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("/info never read")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// An agent without /info: the exporter still works.
	plain := newStandIn(t)
	plain.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/info" {
			http.NotFound(w, r)
			return
		}
		io.Copy(io.Discard, r.Body)
	})
	exp2 := agent.New(agent.WithURL(plain.url()))
	tr := trace.New(trace.WithExporter(exp2))
	_, s := tr.Start(context.Background(), "op")
	s.Finish()
	shutdown(t, tr)
	if _, ok := exp2.Info(); ok {
		t.Error("Info reported for an agent without /info")
	}
	if exp2.Stats().SpansSent != 1 {
		t.Error("spans not sent to an agent without /info")
	}
}

func TestQueueFull(t *testing.T) {
	release := make(chan struct{})
	srv := newStandIn(t)
	srv.setRespond(func(w http.ResponseWriter, _ *http.Request, _ int) { <-release })
	exp := agent.New(agent.WithURL(srv.url()), agent.WithConcurrency(1), agent.WithFlushSize(1))
	tr := trace.New(trace.WithExporter(exp), trace.WithFlushInterval(time.Millisecond), trace.WithMemoryBudget(128<<10))
	for range 500 {
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
		tr.Flush(ctxTimeout(t, time.Millisecond))
	}
	close(release)
	shutdown(t, tr)
	st := exp.Stats()
	if st.Dropped.QueueFull+tr.Stats().Dropped.QueueFull == 0 || st.SpansSent == 0 {
		t.Errorf("nothing dropped past the memory budget, or nothing sent: tracer %+v, exporter %+v", tr.Stats(), st)
	}
	accounting(t, tr, exp, len(srv.spans()))
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestShutdown(t *testing.T) {
	srv := newStandIn(t)
	exp := agent.New(agent.WithURL(srv.url()))
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Errorf("second Shutdown: %v", err)
	}
	if err := exp.Export(context.Background(), nil); !errors.Is(err, agent.ErrShutdown) {
		t.Errorf("Export after Shutdown = %v", err)
	}
	if err := exp.Flush(context.Background()); err != nil {
		t.Errorf("Flush after Shutdown = %v", err)
	}
}

// TestConcurrentTraffic: spans from many goroutines all arrive, exactly
// once, through the real HTTP path.
func TestConcurrentTraffic(t *testing.T) {
	srv := newStandIn(t)
	exp := agent.New(agent.WithURL(srv.url()), agent.WithFlushSize(64<<10))
	tr := trace.New(trace.WithExporter(exp), trace.WithMemoryBudget(256<<20))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 2000 {
				ctx, a := tr.Start(context.Background(), "a")
				_, b := tr.Start(ctx, "b")
				b.Finish()
				a.Finish()
			}
		})
	}
	wg.Wait()
	shutdown(t, tr)
	seen := map[any]bool{}
	for _, s := range srv.spans() {
		seen[s["span_id"]] = true
	}
	if len(seen) != 8*2000*2 || len(srv.spans()) != len(seen) {
		t.Errorf("%d distinct of %d spans received, want %d", len(seen), len(srv.spans()), 8*2000*2)
	}
	accounting(t, tr, exp, len(seen))
}

func TestSpanLinks(t *testing.T) {
	srv := newStandIn(t)
	exp := agent.New(agent.WithURL(srv.url()))
	tr := trace.New(trace.WithExporter(exp))
	_, s := tr.Start(context.Background(), "op", trace.WithLinks(
		trace.Link{TraceID: trace.NewTraceID(0x2222, 0x1111), SpanID: 0x3333, Attributes: map[string]string{"link.kind": "follows"}, Tracestate: "dd=s:1", Flags: 1},
		trace.Link{TraceID: trace.NewTraceID(0, 5), SpanID: 6},
	))
	s.Finish()
	_, plain := tr.Start(context.Background(), "plain")
	plain.Finish()
	shutdown(t, tr)
	var op, pl map[string]any
	for _, sp := range srv.spans() {
		if sp["name"] == "op" {
			op = sp
		} else {
			pl = sp
		}
	}
	if _, ok := pl["span_links"]; ok {
		t.Error("span_links sent for a span without links")
	}
	links, _ := op["span_links"].([]any)
	if len(links) != 2 {
		t.Fatalf("span_links = %v", op["span_links"])
	}
	l0, l1 := links[0].(map[string]any), links[1].(map[string]any)
	if fmt.Sprint(l0["trace_id"]) != "4369" || fmt.Sprint(l0["trace_id_high"]) != "8738" || fmt.Sprint(l0["span_id"]) != "13107" ||
		l0["tracestate"] != "dd=s:1" || fmt.Sprint(l0["flags"]) != "1" || fmt.Sprint(l0["attributes"]) != "map[link.kind:follows]" {
		t.Errorf("link 0: %v", l0)
	}
	if len(l1) != 2 {
		t.Errorf("link 1 carries empty fields: %v", l1)
	}
	meta := op["meta"].(map[string]any)
	want := `[{"trace_id":4369,"trace_id_high":8738,"span_id":13107,"attributes":{"link.kind":"follows"},"tracestate":"dd=s:1","flags":1},{"trace_id":5,"trace_id_high":0,"span_id":6,"attributes":null,"tracestate":"","flags":0}]`
	if meta["_dd.span_links"] != want {
		t.Errorf("_dd.span_links = %v", meta["_dd.span_links"])
	}
}

type keepNamed string

func (k keepNamed) SampleSpan(s trace.Snapshot) (float64, float64, bool) {
	return 0.5, 10, s.Name() == string(k)
}

func TestSpanSampling(t *testing.T) {
	srv := newStandIn(t)
	exp := agent.New(agent.WithURL(srv.url()), agent.WithSpanSampler(keepNamed("important")))
	drop := trace.SamplerFunc(func(trace.SamplingParams) trace.Decision {
		return trace.Decision{Priority: trace.PriorityAutoReject, Mechanism: trace.MechanismAgentRate}
	})
	tr := trace.New(trace.WithExporter(exp), trace.WithSampler(drop))
	ctx, root := tr.Start(context.Background(), "root")
	_, imp := tr.Start(ctx, "important")
	imp.Finish()
	root.Finish()
	shutdown(t, tr)
	for _, s := range srv.spans() {
		m, _ := s["metrics"].(map[string]any)
		_, marked := m["_dd.span_sampling.mechanism"]
		if marked != (s["name"] == "important") {
			t.Errorf("%v: marked %v (%v)", s["name"], marked, m)
		}
		if marked && (m["_dd.span_sampling.mechanism"] != 8.0 || m["_dd.span_sampling.rule_rate"] != 0.5 || m["_dd.span_sampling.max_per_second"] != 10.0) {
			t.Errorf("span sampling tags %v", m)
		}
	}
}
