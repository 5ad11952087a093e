package otlp

import (
	"context"
	"log/slog"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/internal/exporters"
)

// TestEnvRoute checks the route with no code: OTEL_TRACES_EXPORTER=otlp
// makes trace.WithExporterFromEnv use this package's exporter, which
// linking it in registered, configured by the OTEL_* variables alone.
func TestEnvRoute(t *testing.T) {
	for _, p := range []Protocol{HTTPProtobuf, GRPC} {
		t.Run(string(p), func(t *testing.T) {
			s := newSink(t, p, nil)
			t.Setenv("OTEL_TRACES_EXPORTER", "otlp")
			t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", string(p))
			endpoint := s.endpoint
			if p == GRPC {
				endpoint = "http://" + endpoint // http: without TLS
			}
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
			t.Setenv("OTEL_EXPORTER_OTLP_HEADERS", "api-key=k%3D1")
			t.Setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
			t.Setenv("OTEL_SERVICE_NAME", "from-env")
			t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "team=core")
			fallback := memory.New()
			tr := trace.New(trace.WithLogger(slog.New(slog.DiscardHandler)), trace.WithExporterFromEnv(fallback))
			_, span := tr.Start(context.Background(), "op")
			span.Finish()
			if err := tr.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			got := s.received()
			if len(got) != 1 || fallback.Len() != 0 {
				t.Fatalf("%d spans reached the OTLP destination, %d the fallback; want 1 and 0", len(got), fallback.Len())
			}
			diff(t, "resource", got[0].res, with(sdkResource, "service.name", "from-env", "team", "core"))
			if st := tr.Stats(); st.SpansExported != 1 {
				t.Errorf("tracer Stats = %+v", st)
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if h := s.headers[0]; h.Get("Api-Key") != "k=1" {
				t.Errorf("headers = %v; want Api-Key k=1", h)
			}
		})
	}
}

// TestRegistered checks what linking the package in registers.
func TestRegistered(t *testing.T) {
	f, ok := exporters.Lookup("otlp")
	if !ok {
		t.Fatal("the package did not register otlp")
	}
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
	v, err := f(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	exp, ok := v.(*Exporter)
	if !ok {
		t.Fatalf("the factory made a %T", v)
	}
	defer exp.Shutdown(context.Background())
	if exp.cfg.url != "http://127.0.0.1:1/v1/traces" {
		t.Errorf("the registered exporter posts to %q; the environment said otherwise", exp.cfg.url)
	}
	var _ trace.NonBlockingExporter = exp
	var _ trace.BudgetUser = exp
	var _ trace.ExportReporter = exp
	var _ trace.Flusher = exp
}
