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

// TestMeasuredNotOnTopLevel: as dd-trace-go (tracer.go, spanStart), a
// top-level span (a local root, or a span that enters another service) is
// sent without its _dd.measured metric, since the Agent computes its
// statistics anyway; any other span keeps it. Text under the key is left
// alone, as dd leaves it. Both protocols.
func TestMeasuredNotOnTopLevel(t *testing.T) {
	for _, proto := range []string{"v0.4", "v0.5"} {
		srv := newStandIn(t)
		var mu sync.Mutex
		var paths []string
		srv.setRespond(func(w http.ResponseWriter, r *http.Request, _ int) {
			mu.Lock()
			paths = append(paths, r.URL.Path)
			mu.Unlock()
			io.WriteString(w, `{}`)
		})
		exp := agent.New(agent.WithURL(srv.url()), agent.WithProtocol(proto))
		tr := trace.New(trace.WithService("svc"), trace.WithExporter(exp))
		bg := context.Background()
		measured := trace.Tag("_dd.measured", 1)
		_, root := tr.Start(bg, "root", measured)
		_, child := tr.Start(bg, "child", trace.ChildOf(root.Context()), measured)
		_, other := tr.Start(bg, "other.service", trace.ChildOf(root.Context()), trace.Service("db"), measured)
		_, zero := tr.Start(bg, "child.zero", trace.ChildOf(root.Context()), trace.Tag("_dd.measured", 0))
		_, text := tr.Start(bg, "root.text", trace.Tag("_dd.measured", "1"))
		for _, s := range []*trace.Span{zero, other, child, root, text} {
			s.Finish()
		}
		shutdown(t, tr)

		mu.Lock()
		if len(paths) == 0 || paths[0] != "/"+proto+"/traces" {
			t.Fatalf("%s: payloads sent to %v", proto, paths)
		}
		mu.Unlock()
		got := map[string][2]any{}
		for _, sp := range srv.spans() {
			meta, _ := sp["meta"].(map[string]any)
			metrics, _ := sp["metrics"].(map[string]any)
			got[sp["name"].(string)] = [2]any{metrics["_dd.measured"], meta["_dd.measured"]}
		}
		want := map[string][2]any{
			"root":          {nil, nil},
			"child":         {1.0, nil},
			"other.service": {nil, nil},
			"child.zero":    {0.0, nil},
			"root.text":     {nil, "1"},
		}
		for name, w := range want {
			if got[name] != w {
				t.Errorf("%s: %s: _dd.measured (metric, meta) = %v, want %v", proto, name, got[name], w)
			}
		}
	}
}
