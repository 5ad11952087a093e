package sampling_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/sampling"
)

// TestAgentFeedback: a stand-in Agent answers rate 0.1 for service a in
// prod; after one flush, service a's traces are kept at about that rate.
func TestAgentFeedback(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, `{"rate_by_service":{"service:a,env:prod":0.1,"service:,env:":1}}`)
	}))
	defer srv.Close()
	mem := memory.New()
	tr := trace.New(
		trace.WithService("a"), trace.WithEnv("prod"),
		trace.WithSampler(sampling.NewAgentRates()),
		trace.WithExporter(trace.MultiExporter(agent.New(agent.WithURL(srv.URL)), mem)),
	)
	defer tr.Shutdown(context.Background())
	_, first := tr.Start(context.Background(), "first")
	first.Finish()
	if err := tr.Flush(context.Background()); err != nil { // one payload, one answer
		t.Fatal(err)
	}
	mem.Reset()
	const n = 10_000
	for range n {
		_, s := tr.Start(context.Background(), "op")
		s.Finish()
	}
	if err := tr.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, c := range mem.Chunks() {
		if p, _ := c.Priority(); p.Keep() {
			kept++
		}
	}
	if f := float64(kept) / n; f < 0.09 || f > 0.11 {
		t.Errorf("kept %.3f of service a's traces; the agent said 0.1", f)
	}
}
