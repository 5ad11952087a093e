package agent_test

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
)

// TestProtocol: WithProtocol chooses the endpoint whatever /info offers;
// an unknown version means the default, v0.5 only once /info offers it.
func TestProtocol(t *testing.T) {
	for _, c := range []struct {
		version string
		offer05 bool
		want    string
	}{
		{"v0.4", true, "/v0.4/traces"},
		{"v0.5", false, "/v0.5/traces"},
		{"v0.7", false, "/v0.4/traces"},
		{"", true, "/v0.5/traces"},
	} {
		name := c.version
		if name == "" {
			name = "default"
		}
		if c.offer05 {
			name += "/v0.5-offered"
		}
		t.Run(name, func(t *testing.T) {
			srv := newStandIn(t)
			srv.offer05 = c.offer05
			var mu sync.Mutex
			var paths []string
			srv.setRespond(func(w http.ResponseWriter, r *http.Request, _ int) {
				mu.Lock()
				paths = append(paths, r.URL.Path)
				mu.Unlock()
				io.WriteString(w, `{}`)
			})
			exp := agent.New(agent.WithURL(srv.url()), agent.WithProtocol(c.version))
			waitInfo(t, exp)
			tr := trace.New(trace.WithExporter(exp))
			_, s := tr.Start(context.Background(), "op")
			s.Finish()
			shutdown(t, tr)
			mu.Lock()
			defer mu.Unlock()
			if len(paths) != 1 || paths[0] != c.want {
				t.Errorf("WithProtocol(%q), v0.5 offered %v: payloads sent to %v, want [%s]", c.version, c.offer05, paths, c.want)
			}
			if got := srv.spans(); len(got) != 1 {
				t.Errorf("%d spans decoded, want 1", len(got))
			}
		})
	}
}

// TestNonBlocking: the exporter says that Export never waits for the
// network, so that the tracer may call it from Finish.
func TestNonBlocking(t *testing.T) {
	exp := agent.New(agent.WithURL("http://127.0.0.1:1"))
	defer exp.Shutdown(context.Background())
	var nb trace.NonBlockingExporter = exp
	nb.NonBlocking() // a marker: it does nothing
}
