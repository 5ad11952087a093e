package tracer_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/internal/exporters"
)

// lines is a tracer.Logger that keeps what it is given.
type lines struct {
	mu  sync.Mutex
	all []string
}

func (l *lines) Log(msg string) {
	l.mu.Lock()
	l.all = append(l.all, msg)
	l.mu.Unlock()
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.all, "\n")
}

// counting is an address where any request is counted: what a tracer
// that must not reach the Agent is pointed at.
type counting struct {
	mu    sync.Mutex
	paths []string
}

func newCounting(t *testing.T) (*counting, string) {
	c := &counting{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.paths = append(c.paths, r.URL.Path)
		c.mu.Unlock()
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return c, srv.URL
}

func (c *counting) requests() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.paths...)
}

// registerOTLP makes a memory exporter OTEL_TRACES_EXPORTER's "otlp" for
// the test, as linking exporter/otlp in would register the real one.
func registerOTLP(t *testing.T) *memory.Exporter {
	t.Helper()
	prev, _ := exporters.Lookup("otlp")
	m := memory.New()
	exporters.Register("otlp", func(*slog.Logger) (any, error) { return m, nil })
	t.Cleanup(func() { exporters.Register("otlp", prev) })
	return m
}

// oneSpan starts the global tracer with opts, finishes a span named op
// and stops the tracer.
func oneSpan(opts ...tracer.StartOption) {
	tracer.Start(append([]tracer.StartOption{tracer.WithLogStartup(false)}, opts...)...)
	tracer.StartSpan("op").Finish()
	tracer.Stop()
}

// TestStartOTLPFromEnv checks that OTEL_TRACES_EXPORTER=otlp makes Start
// export through the registered OTLP exporter, without making the Agent
// exporter, which would reach the Agent at once.
func TestStartOTLPFromEnv(t *testing.T) {
	agent, url := newCounting(t)
	t.Setenv("DD_TRACE_AGENT_URL", url)
	t.Setenv("OTEL_TRACES_EXPORTER", "otlp")
	otlp := registerOTLP(t)
	oneSpan()
	if otlp.Len() != 1 {
		t.Errorf("the OTLP exporter got %d spans; want 1", otlp.Len())
	}
	if got := agent.requests(); len(got) != 0 {
		t.Errorf("the Agent was reached: %v", got)
	}
	if st := tracer.Stats(); st.SpansExported != 1 {
		t.Errorf("Stats = %+v", st)
	}
}

// TestStartAgentByDefault checks that without OTEL_TRACES_EXPORTER, or
// with one that names an exporter the program lacks, Start sends to the
// Agent, saying why in the second case.
func TestStartAgentByDefault(t *testing.T) {
	for _, value := range []string{"", "otlp", "zipkin"} {
		t.Run("OTEL_TRACES_EXPORTER="+value, func(t *testing.T) {
			agentSrv := newStandIn(t)
			t.Setenv("DD_TRACE_AGENT_URL", agentSrv.srv.URL)
			t.Setenv("OTEL_TRACES_EXPORTER", value)
			prev, _ := exporters.Lookup("otlp")
			exporters.Register("otlp", nil) // exporter/otlp is not linked in
			t.Cleanup(func() { exporters.Register("otlp", prev) })
			var logs lines
			oneSpan(tracer.WithLogger(&logs))
			if _, ok := agentSrv.byName()["op"]; !ok {
				t.Error("the span did not reach the Agent")
			}
			if value != "" && !strings.Contains(logs.String(), value) {
				t.Errorf("no warning mentions %q; logged:\n%s", value, logs.String())
			}
		})
	}
}

// TestStartNoneFromEnv checks that OTEL_TRACES_EXPORTER=none traces and
// sends nothing.
func TestStartNoneFromEnv(t *testing.T) {
	agent, url := newCounting(t)
	t.Setenv("DD_TRACE_AGENT_URL", url)
	t.Setenv("OTEL_TRACES_EXPORTER", "none")
	oneSpan()
	if got := agent.requests(); len(got) != 0 {
		t.Errorf("the Agent was reached: %v", got)
	}
	if st := tracer.Stats(); st.SpansFinished != 1 || st.SpansExported != 1 {
		t.Errorf("Stats = %+v; want the span finished and discarded", st)
	}
}

// TestStartOTLPServiceName checks that with OTLP chosen, OTEL_SERVICE_NAME
// names the service, and DD_SERVICE and WithService win over it, as in
// dd-trace-go.
func TestStartOTLPServiceName(t *testing.T) {
	_, url := newCounting(t)
	t.Setenv("DD_TRACE_AGENT_URL", url)
	t.Setenv("OTEL_TRACES_EXPORTER", "otlp")
	t.Setenv("OTEL_SERVICE_NAME", "from-otel")
	for _, tt := range []struct {
		name, ddService string
		opts            []tracer.StartOption
		want            string
	}{
		{"OTEL_SERVICE_NAME", "", nil, "from-otel"},
		{"DD_SERVICE wins", "from-dd", nil, "from-dd"},
		{"WithService wins", "", []tracer.StartOption{tracer.WithService("mine")}, "mine"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DD_SERVICE", tt.ddService)
			otlp := registerOTLP(t)
			oneSpan(tt.opts...)
			spans := otlp.Spans()
			if len(spans) != 1 || spans[0].Service() != tt.want {
				t.Errorf("spans %v; want one of service %q", spans, tt.want)
			}
		})
	}
}
