package opentelemetry_test

import (
	"testing"
	"time"

	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/ctxtrace/trace"
	otelbridge "github.com/ctxtrace/trace/ddtrace/opentelemetry"
	"github.com/ctxtrace/trace/exporter/memory"
)

// newProvider returns a provider over a tracer of its own that records
// into a memory exporter, its Tracer, and a function that shuts the
// provider down and returns the exporter.
func newProvider(t testing.TB, opts ...trace.Option) (*otelbridge.TracerProvider, oteltrace.Tracer, func() *memory.Exporter) {
	p, tr, _, done := newProviderOver(t, opts...)
	return p, tr, done
}

// newProviderOver is newProvider that also returns the trace.Tracer.
func newProviderOver(t testing.TB, opts ...trace.Option) (*otelbridge.TracerProvider, oteltrace.Tracer, *trace.Tracer, func() *memory.Exporter) {
	t.Helper()
	exp := memory.New()
	tr := trace.New(append([]trace.Option{trace.WithService("svc"), trace.WithExporter(exp)}, opts...)...)
	p := otelbridge.Wrap(tr)
	t.Cleanup(func() { p.Shutdown() })
	return p, p.Tracer("test"), tr, func() *memory.Exporter {
		t.Helper()
		if err := p.Shutdown(); err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
		return exp
	}
}

// only returns the one span exp holds.
func only(t testing.TB, exp *memory.Exporter) trace.Snapshot {
	t.Helper()
	spans := exp.Spans()
	if len(spans) != 1 {
		t.Fatalf("%d spans exported, want 1: %v", len(spans), spans)
	}
	return spans[0]
}

// tagMap returns a snapshot's tags as text, numbers formatted.
func tagMap(s trace.Snapshot) map[string]string {
	m := map[string]string{}
	for k, v := range s.Tags() {
		if v.IsNumber() {
			m[k] = "#" + v.String()
		} else {
			m[k] = v.String()
		}
	}
	return m
}

// at is a fixed instant, for timestamps given explicitly.
var at = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// byResource maps each snapshot by its resource.
func byResource(spans []trace.Snapshot) map[string]trace.Snapshot {
	m := map[string]trace.Snapshot{}
	for _, s := range spans {
		m[s.Resource()] = s
	}
	return m
}
