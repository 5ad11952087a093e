package tracer_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// statsAgent is a stand-in Agent that allows client-side statistics and
// records the spans and the statistics' resources it receives.
type statsAgent struct {
	srv *httptest.Server

	mu        sync.Mutex
	spans     []string // names
	resources []string // of the statistics groups
}

func newStatsAgent(t *testing.T) *statsAgent {
	a := &statsAgent{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		defer a.mu.Unlock()
		switch r.URL.Path {
		case "/info":
			io.WriteString(w, `{"endpoints":["/v0.4/traces","/v0.6/stats"],"client_drop_p0s":true}`)
		case "/v0.4/traces":
			var traces [][]struct {
				Name string `msgpack:"name"`
			}
			if err := msgpack.Unmarshal(body, &traces); err != nil {
				t.Errorf("stand-in agent: %v", err)
			}
			for _, tr := range traces {
				for _, s := range tr {
					a.spans = append(a.spans, s.Name)
				}
			}
			io.WriteString(w, `{}`)
		case "/v0.6/stats":
			var p struct {
				Stats []struct {
					Stats []struct{ Resource string }
				}
			}
			if err := msgpack.NewDecoder(bytes.NewReader(body)).Decode(&p); err != nil {
				t.Errorf("stand-in agent: stats: %v", err)
			}
			for _, b := range p.Stats {
				for _, g := range b.Stats {
					a.resources = append(a.resources, g.Resource)
				}
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *statsAgent) seen() (spans, resources string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return strings.Join(a.spans, ","), strings.Join(a.resources, ",")
}

// dropped finishes a root span that sampling drops.
func dropped(resource string) {
	s := tracer.StartSpan("web.request", tracer.ResourceName(resource))
	s.SetTag(ext.ManualDrop, true)
	s.Finish()
}

// TestWithStatsComputation: with the option, once the Agent's /info has
// been read, a dropped trace is counted in the statistics and not sent.
func TestWithStatsComputation(t *testing.T) {
	a := newStatsAgent(t)
	tracer.Start(tracer.WithAgentURL(a.srv.URL), tracer.WithStatsComputation(true), tracer.WithLogStartup(false))
	defer tracer.Stop()
	// The /info request runs in the background: wait for its effect.
	deadline := time.Now().Add(10 * time.Second)
	for {
		dropped("probe")
		tracer.Flush()
		if _, res := a.seen(); strings.Contains(res, "probe") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no statistics arrived")
		}
	}
	dropped("after")
	tracer.Stop()
	spans, res := a.seen()
	if !strings.Contains(res, "after") || strings.Contains(spans, "after") {
		t.Errorf("spans %q, statistics %q: want the last trace in the statistics only", spans, res)
	}
}

// TestWithStatsComputationOff: the option beats the environment.
func TestWithStatsComputationOff(t *testing.T) {
	t.Setenv("DD_TRACE_STATS_COMPUTATION_ENABLED", "true")
	a := newStatsAgent(t)
	tracer.Start(tracer.WithAgentURL(a.srv.URL), tracer.WithStatsComputation(false), tracer.WithLogStartup(false))
	dropped("off")
	tracer.Stop()
	if spans, res := a.seen(); spans != "web.request" || res != "" {
		t.Errorf("spans %q, statistics %q: want the trace sent and no statistics", spans, res)
	}
}
