package redis

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/internal/resptest"
)

// setup starts a Redis stand-in and a default tracer recording into
// memory; spans returns what was recorded once the tracer is shut down.
func setup(t *testing.T) (addr string, spans func() []trace.Snapshot) {
	t.Helper()
	srv, err := resptest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	exp := memory.New()
	tr := trace.New(trace.WithService("svc"), trace.WithExporter(exp))
	trace.SetDefault(tr)
	t.Cleanup(func() { trace.SetDefault(nil) })
	return srv.Addr(), func() []trace.Snapshot {
		if err := tr.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		return exp.Spans()
	}
}

// byResource returns the redis.command spans of the test's own commands
// by resource, leaving out those go-redis sends when it opens a
// connection (HELLO, CLIENT SETINFO), which are children of the command
// that needed the connection.
func byResource(spans []trace.Snapshot) map[string]trace.Snapshot {
	commands := map[uint64]bool{}
	for _, s := range spans {
		commands[s.SpanID()] = s.Name() == "redis.command"
	}
	m := map[string]trace.Snapshot{}
	for _, s := range spans {
		if s.Name() == "redis.command" && !commands[s.ParentID()] {
			m[s.Resource()] = s
		}
	}
	return m
}

func tag(s trace.Snapshot, k string) any {
	if v, ok := s.Tag(k); ok {
		return v.Any()
	}
	return nil
}

func TestCommands(t *testing.T) {
	addr, spans := setup(t)
	ctx := context.Background()
	c := NewClient(&redis.Options{Addr: addr, DB: 0})
	defer c.Close()
	if err := c.Set(ctx, "k", "a b", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Get(ctx, "missing").Err(); !errors.Is(err, redis.Nil) {
		t.Fatalf("get missing: %v", err)
	}
	if err := c.Incr(ctx, "k").Err(); err == nil {
		t.Fatal("incr of text: no error")
	}
	if err := c.Do(ctx, "ping").Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "n", 1, 0)
		p.Incr(ctx, "n")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got := spans()
	m := byResource(got)
	for _, c := range []struct {
		resource, raw, args string
		err                 bool
	}{
		{"set", "set k a b", "3", false},
		{"get", "get missing", "2", false}, // redis.Nil is no error
		{"incr", "incr k", "2", true},
		{"ping", "ping", "1", false}, // dd-trace-go panics here
		{"redis.pipeline", "set n 1\nincr n", "", false},
	} {
		s, ok := m[c.resource]
		if !ok {
			t.Errorf("no span %s", c.resource)
			continue
		}
		if tag(s, "redis.raw_command") != c.raw || s.IsError() != c.err || s.Service() != "svc" || s.Type() != "redis" {
			t.Errorf("%s: raw %q error %v service %q type %q", c.resource, tag(s, "redis.raw_command"), s.IsError(), s.Service(), s.Type())
		}
		if c.args != "" && tag(s, "redis.args_length") != c.args {
			t.Errorf("%s: redis.args_length %v, want %s", c.resource, tag(s, "redis.args_length"), c.args)
		}
		host, port, _ := strings.Cut(addr, ":")
		for k, want := range map[string]string{"out.host": host, "out.port": port, "out.db": "0",
			"component": "redis/go-redis.v9", "span.kind": "client", "db.system": "redis"} {
			if v := tag(s, k); v != want {
				t.Errorf("%s: %s = %v (%T), want %q", c.resource, k, v, v, want)
			}
		}
	}
	if p := m["redis.pipeline"]; tag(p, "redis.pipeline_length") != "2" {
		t.Errorf("pipeline length %v", tag(p, "redis.pipeline_length"))
	}
	dials := 0
	for _, s := range got {
		if s.Name() == "redis.dial" {
			dials++
			if s.Service() != "svc" || tag(s, "db.system") != "redis" || tag(s, "redis.raw_command") != nil {
				t.Errorf("dial span: %v", s)
			}
		}
	}
	if dials == 0 {
		t.Error("no redis.dial span")
	}
}

func TestOptions(t *testing.T) {
	addr, spans := setup(t)
	ctx := context.Background()
	unknown := func(err error) bool { return !strings.Contains(err.Error(), "unknown command") }
	c := redis.NewClient(&redis.Options{Addr: addr, DB: 3})
	defer c.Close()
	WrapClient(c, WithServiceName("cache"), WithSkipRawCommand(true), WithAnalyticsRate(0.5),
		WithErrorCheck(unknown), nil, WithServiceName(""))
	c.Do(ctx, "nope")
	c.Incr(ctx, "n")
	c2 := NewClient(&redis.Options{Addr: addr}, WithAnalytics(true), WithAnalyticsRate(2), WithErrorCheck(nil))
	defer c2.Close()
	c2.Do(ctx, "nope2")
	m := byResource(spans())
	nope, incr, nope2 := m["nope"], m["incr"], m["nope2"]
	if nope.Service() != "cache" || nope.IsError() || tag(nope, "redis.raw_command") != nil ||
		tag(nope, "_dd1.sr.eausr") != 0.5 || tag(nope, "out.db") != "3" {
		t.Errorf("nope: service %q error %v raw %v rate %v db %v", nope.Service(), nope.IsError(),
			tag(nope, "redis.raw_command"), tag(nope, "_dd1.sr.eausr"), tag(nope, "out.db"))
	}
	if incr.IsError() {
		t.Error("incr marked as an error")
	}
	if !nope2.IsError() || tag(nope2, "_dd1.sr.eausr") != nil || nope2.Service() != "svc" {
		t.Errorf("nope2: error %v rate %v service %q", nope2.IsError(), tag(nope2, "_dd1.sr.eausr"), nope2.Service())
	}
}

// TestDefaults: the service is "redis.client" when the tracer has none;
// DD_TRACE_REDIS_ANALYTICS_ENABLED sets the rate 1.
func TestDefaults(t *testing.T) {
	t.Setenv("DD_TRACE_REDIS_ANALYTICS_ENABLED", "true")
	cfg := defaults()
	if cfg.analyticsRate != 1 || cfg.spanName != "redis.command" || cfg.serviceName == "" {
		t.Errorf("defaults: %+v", cfg)
	}
	t.Setenv("DD_TRACE_REDIS_ANALYTICS_ENABLED", "")
	if cfg := defaults(); !math.IsNaN(cfg.analyticsRate) {
		t.Errorf("analytics rate %v without the variable", cfg.analyticsRate)
	}
}

// TestOddInput: nil clients and options do nothing; an address without a
// port is dd's host and port 6379.
func TestOddInput(t *testing.T) {
	WrapClient(nil)
	WrapClient((*redis.Client)(nil))
	c := NewClient(nil)
	c.Close()
	_, spans := setup(t)
	for _, client := range []redis.UniversalClient{
		redis.NewClient(&redis.Options{Addr: "cache.internal"}),
		redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"a:1", "b:2"}}),
	} {
		_, span := trace.Start(context.Background(), "x", baseOptions(client, defaults())...)
		span.Finish()
		client.Close()
	}
	got := spans()
	if len(got) != 2 {
		t.Fatalf("%d spans", len(got))
	}
	if tag(got[0], "addrs") != nil { // the cluster's
		got[0], got[1] = got[1], got[0]
	}
	if tag(got[0], "out.host") != "cache.internal" || tag(got[0], "out.port") != "6379" {
		t.Errorf("client: out.host %v out.port %v", tag(got[0], "out.host"), tag(got[0], "out.port"))
	}
	if tag(got[1], "addrs") != "a:1, b:2" || tag(got[1], "out.host") != nil {
		t.Errorf("cluster: addrs %v out.host %v", tag(got[1], "addrs"), tag(got[1], "out.host"))
	}
}
