package otlp

import (
	"testing"
	"time"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/exportertest"
)

// TestConformance runs the exporter conformance checks over both
// transports, with and without compression. What arrives is read back as
// a Datadog Agent's OTLP intake reads it: the name, resource and type from
// operation.name, resource.name and span.type, the service from the
// resource, env and version from deployment.environment.name and
// service.version, text attributes as text tags and numbers as numeric
// ones.
func TestConformance(t *testing.T) {
	for _, p := range []Protocol{HTTPProtobuf, GRPC} {
		for _, comp := range []string{"none", "gzip"} {
			t.Run(string(p)+"/"+comp, func(t *testing.T) {
				exportertest.Run(t, func(t *testing.T) (trace.Exporter, func() []exportertest.Span) {
					s := newSink(t, p, nil)
					exp, err := New(s.options(WithCompression(comp))...)
					if err != nil {
						t.Fatal(err)
					}
					return exp, func() []exportertest.Span { return asSpans(s.received()) }
				})
			})
		}
	}
}

// asSpans reads received spans back into the tracer's terms.
func asSpans(got []gotSpan) []exportertest.Span {
	var out []exportertest.Span
	for _, g := range got {
		sp := g.span
		attrs := g.attrs()
		s := exportertest.Span{
			TraceID:  trace.TraceID(sp.GetTraceId()),
			SpanID:   beUint64(sp.GetSpanId()),
			ParentID: beUint64(sp.GetParentSpanId()),
			Start:    time.Unix(0, int64(sp.GetStartTimeUnixNano())),
			Duration: time.Duration(sp.GetEndTimeUnixNano() - sp.GetStartTimeUnixNano()),
			Error:    sp.GetStatus().GetCode() == tracepb.Status_STATUS_CODE_ERROR,
			Meta:     map[string]string{},
			Metrics:  map[string]float64{},
		}
		s.Name, _ = attrs["operation.name"].(string)
		s.Resource, _ = attrs["resource.name"].(string)
		s.Type, _ = attrs["span.type"].(string)
		s.Service, _ = g.res["service.name"].(string)
		if env, ok := g.res["deployment.environment.name"].(string); ok {
			s.Meta["env"] = env
		}
		if v, ok := g.res["service.version"].(string); ok {
			s.Meta["version"] = v
		}
		for k, v := range attrs {
			switch v := v.(type) {
			case string:
				s.Meta[k] = v
			case int64:
				s.Metrics[k] = float64(v)
			case float64:
				s.Metrics[k] = v
			}
		}
		out = append(out, s)
	}
	return out
}
