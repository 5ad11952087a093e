package tracer_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// TestPeerServiceOptions: the options reach the spans the Agent receives.
func TestPeerServiceOptions(t *testing.T) {
	agentSrv := newStandIn(t)
	tracer.Start(tracer.WithAgentURL(agentSrv.srv.URL), tracer.WithLogStartup(false),
		tracer.WithPeerServiceDefaults(true), tracer.WithPeerServiceMapping("shop", "shop-db"))
	db := tracer.StartSpan("db", tracer.Tag(ext.SpanKind, ext.SpanKindClient), tracer.Tag(ext.DBSystem, "postgresql"),
		tracer.Tag(ext.DBName, "shop"))
	db.Finish()
	own := tracer.StartSpan("own", tracer.Tag(ext.PeerService, "billing"))
	own.Finish()
	server := tracer.StartSpan("server", tracer.Tag(ext.SpanKind, ext.SpanKindServer), tracer.Tag("out.host", "h"))
	server.Finish()
	tracer.Stop()

	peer := func(name string) map[string]any {
		s := agentSrv.byName()[name]
		if s == nil {
			t.Fatalf("no span %s", name)
		}
		out := map[string]any{}
		meta, _ := s["meta"].(map[string]any)
		for _, k := range []string{ext.PeerService, "_dd.peer.service.source", "_dd.peer.service.remapped_from"} {
			if v, ok := meta[k]; ok {
				out[k] = v
			}
		}
		return out
	}
	for name, want := range map[string]map[string]any{
		"db":     {ext.PeerService: "shop-db", "_dd.peer.service.source": ext.DBName, "_dd.peer.service.remapped_from": "shop"},
		"own":    {ext.PeerService: "billing", "_dd.peer.service.source": ext.PeerService},
		"server": {},
	} {
		if diff := cmp.Diff(want, peer(name)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}
