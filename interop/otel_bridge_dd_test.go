package interop

// ddOTelScenario and ddOTelManual (its /manual handler) are
// TestOTelBridgeSameWire's program written against dd-trace-go v1.74.8's
// ddtrace/opentelemetry and tracer packages. The functions of the same
// names but "ours" in otel_bridge_ours_test.go are the same against ours:
// the two pairs must stay identical apart from their names and the file's
// imports, which TestOTelBridgeScenariosIdentical checks.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	otelbaggage "go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	oteltrace "go.opentelemetry.io/otel/trace"

	otelbridge "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/opentelemetry"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func ddOTelScenario(t *testing.T, addr string, extra ...tracer.StartOption) []string {
	provider := otelbridge.NewTracerProvider(append([]tracer.StartOption{tracer.WithService("svc"), tracer.WithEnv("prod"),
		tracer.WithAgentAddr(addr), tracer.WithLogStartup(false), tracer.WithLogger(silentLogger{})}, extra...)...)
	defer provider.Shutdown()
	otelTracer := provider.Tracer("interop")
	prop := propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "user ", r.PathValue("id")) })
	mux.HandleFunc("GET /fail", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	mux.HandleFunc("GET /manual", func(w http.ResponseWriter, r *http.Request) { ddOTelManual(t, otelTracer, w, r) })
	mux.HandleFunc("GET /native", func(w http.ResponseWriter, r *http.Request) {
		native, nctx := tracer.StartSpanFromContext(r.Context(), "native.work", tracer.ResourceName("native-resource"))
		_, inner := otelTracer.Start(nctx, "otel.inside.native", oteltrace.WithAttributes(attribute.String("where", "inner")))
		inner.End()
		native.Finish()
		fmt.Fprint(w, "native done")
	})
	srv := httptest.NewServer(otelhttp.NewHandler(mux, "server", otelhttp.WithTracerProvider(provider), otelhttp.WithPropagators(prop)))
	defer srv.Close()
	client := &http.Client{Transport: otelhttp.NewTransport(&http.Transport{DisableKeepAlives: true},
		otelhttp.WithTracerProvider(provider), otelhttp.WithPropagators(prop))}

	var out []string
	get := func(ctx context.Context, path string) {
		req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			out = append(out, fmt.Sprintf("GET %s -> %v", path, err))
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out = append(out, fmt.Sprintf("GET %s -> %d %q", path, resp.StatusCode, body))
	}
	ctx := context.Background()
	for _, p := range []string{"/users/7", "/users/8?q=1&token=secret", "/missing", "/fail", "/manual", "/native"} {
		get(ctx, p)
	}
	// A client call under a span of the application, with baggage.
	member, _ := otelbaggage.NewMember("user.id", "u42")
	bag, _ := otelbaggage.New(member)
	pctx, parent := otelTracer.Start(otelbaggage.ContextWithBaggage(ctx, bag), "checkout")
	get(pctx, "/users/9")
	parent.End()
	// A client call under a native span.
	root, rctx := tracer.StartSpanFromContext(ctx, "native.root", tracer.ResourceName("batch"))
	get(rctx, "/users/10")
	root.Finish()
	return out
}

// ddOTelManual is the handler of /manual: spans started by hand.
func ddOTelManual(t *testing.T, otelTracer oteltrace.Tracer, w http.ResponseWriter, r *http.Request) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	linked := oteltrace.NewSpanContext(oteltrace.SpanContextConfig{TraceID: oteltrace.TraceID{15: 9}, SpanID: oteltrace.SpanID{7: 8},
		TraceFlags: oteltrace.FlagsSampled, TraceState: otelTraceStateOf(t, "dd=s:1,other=x")})
	ctx, work := otelTracer.Start(r.Context(), "manual.work", oteltrace.WithTimestamp(at), oteltrace.WithAttributes(
		attribute.String("s", "text"), attribute.Int("i", 3), attribute.Float64("f", 1.5), attribute.Bool("b", true),
		attribute.StringSlice("ss", []string{"a", "b"}), attribute.IntSlice("is", []int{1, 2}), attribute.BoolSlice("bs", []bool{false}),
		attribute.Float64Slice("fs", []float64{0.25}), attribute.Int64("big", 1<<60)),
		oteltrace.WithLinks(oteltrace.Link{SpanContext: linked, Attributes: []attribute.KeyValue{attribute.String("link.kind", "follows")}}))
	work.AddEvent("step", oteltrace.WithTimestamp(at.Add(time.Millisecond)), oteltrace.WithAttributes(
		attribute.String("phase", "load"), attribute.Int("n", 2), attribute.Bool("ok", true), attribute.StringSlice("keys", []string{"k1"})))
	work.SetAttributes(attribute.String("span.type", "worker"), attribute.Bool("analytics.event", true),
		attribute.Int("http.response.status_code", 299), attribute.String("resource.name", "manual-resource"))
	_, db := otelTracer.Start(ctx, "SELECT users", oteltrace.WithSpanKind(oteltrace.SpanKindClient),
		oteltrace.WithAttributes(attribute.String("db.system", "PostgreSQL")))
	db.RecordError(errors.New("timeout"), oteltrace.WithTimestamp(at))
	db.SetStatus(codes.Error, "query failed")
	db.End()
	_, ok := otelTracer.Start(ctx, "recovered")
	ok.SetStatus(codes.Error, "transient")
	ok.SetStatus(codes.Ok, "")
	ok.End()
	_, pub := otelTracer.Start(ctx, "publish", oteltrace.WithTimestamp(at), oteltrace.WithSpanKind(oteltrace.SpanKindProducer), oteltrace.WithAttributes(
		attribute.String("messaging.system", "kafka"), attribute.String("messaging.operation", "publish")))
	pub.End(oteltrace.WithTimestamp(at.Add(time.Second)))
	_, named := otelTracer.Start(ctx, "named", oteltrace.WithAttributes(attribute.String("operation.name", "Custom.Op")))
	named.End()
	octx := otelbridge.ContextWithStartOptions(ctx, tracer.ResourceName("from.options"), tracer.Tag("team", "payments"), tracer.Measured())
	_, withOpts := otelTracer.Start(octx, "with.options", oteltrace.WithAttributes(attribute.String("team", "attribute")))
	otelbridge.EndOptions(withOpts, tracer.WithError(errors.New("end error")), tracer.NoDebugStack())
	withOpts.End()
	work.End(oteltrace.WithTimestamp(at.Add(2 * time.Second)))
	fmt.Fprint(w, "manual done")
}
