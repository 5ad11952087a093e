package interop

// ddHTTPServerScenario and ddHTTPClientScenario are TestNetHTTPSameWire's
// scenarios written against dd-trace-go v1.74.8's contrib/net/http and
// tracer packages. The functions of the same names but "ours" in
// contrib_http_ours_test.go are the same against ours: the two pairs must
// stay identical apart from their names and the file's imports, which
// TestNetHTTPScenariosIdentical checks.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"testing"

	httptrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/net/http"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func ddHTTPServerScenario(t *testing.T, addr string, extra ...tracer.StartOption) []string {
	tracer.Start(append([]tracer.StartOption{tracer.WithService("svc"), tracer.WithEnv("prod"),
		tracer.WithAgentAddr(addr), tracer.WithLogStartup(false), tracer.WithLogger(silentLogger{}),
		tracer.WithHeaderTags([]string{"X-Request-Id", "x-user:user.tag"})}, extra...)...)
	defer tracer.Stop()

	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch path.Base(r.URL.Path) {
		case "client-error":
			http.Error(w, "nope", http.StatusNotFound)
		case "server-error":
			http.Error(w, "boom", http.StatusInternalServerError)
		case "panic":
			panic("handler panic")
		case "empty":
		case "child":
			span, _ := tracer.StartSpanFromContext(r.Context(), "child.work", tracer.ResourceName("work"))
			span.Finish()
			w.WriteHeader(http.StatusAccepted)
		default:
			w.Header().Set("X-Request-Id", "resp-id")
			fmt.Fprint(w, "ok ", r.PathValue("id"))
		}
	})
	// WrapHandler with the defaults, and with every option.
	plain := httptrace.WrapHandler(app, "", "")
	named := httptrace.WrapHandler(app, "", "GET /named", httptrace.WithServiceName("named-svc"))
	opts := httptrace.WrapHandler(app, "opts-svc", "ignored", httptrace.WithHeaderTags([]string{"x-custom"}),
		httptrace.WithAnalyticsRate(0.5), httptrace.WithSpanOptions(tracer.Tag("team", "web")),
		httptrace.WithStatusCheck(func(s int) bool { return s >= 400 }), httptrace.NoDebugStack(),
		httptrace.WithResourceNamer(func(r *http.Request) string { return "named " + r.URL.Path }),
		httptrace.WithIgnoreRequest(func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "ignored") }))
	// WrapHandler inside the standard library's ServeMux: its pattern is the route.
	std := http.NewServeMux()
	std.Handle("GET /std/items/{id}", httptrace.WrapHandler(app, "", "GET /std/items"))
	// The traced ServeMux, with patterns of every form.
	mux := httptrace.NewServeMux(httptrace.WithAnalytics(true))
	mux.Handle("GET /mux/users/{id}", app)
	mux.HandleFunc("POST /mux/users", app)
	mux.Handle("/mux/panic", app)
	mux.Handle("/mux/server-error", app)
	mux.Handle("/mux/files/{rest...}", app)
	mux.Handle("host.example/mux/host", app)
	// TraceAndServe, as frameworks call it.
	tas := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// (SpanOpts and FinishOpts are dd v2's types in dd's ServeConfig.)
		cfg := &httptrace.ServeConfig{Service: "tas-svc", Route: "/tas/{x}", Framework: "mine", QueryParams: true}
		if r.Method == "GET" {
			cfg.Resource = "GET /tas/{x}"
		}
		httptrace.TraceAndServe(app, w, r, cfg)
	})

	out := serveCases(plain, httpPlainCases)
	out = append(out, serveCases(named, httpNamedCases)...)
	out = append(out, serveCases(opts, httpOptsCases)...)
	out = append(out, serveCases(std, httpStdCases)...)
	out = append(out, serveCases(mux, httpMuxCases)...)
	return append(out, serveCases(tas, httpTASCases)...)
}

func ddHTTPClientScenario(t *testing.T, addr, target, refused string, extra ...tracer.StartOption) []string {
	tracer.Start(append([]tracer.StartOption{tracer.WithService("svc"), tracer.WithEnv("prod"),
		tracer.WithAgentAddr(addr), tracer.WithLogStartup(false), tracer.WithLogger(silentLogger{})}, extra...)...)
	defer tracer.Stop()

	var out []string
	get := func(ctx context.Context, c *http.Client, method, url string) {
		req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader("body"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(req)
		if err != nil {
			out = append(out, fmt.Sprintf("%s %s -> %v", method, url, err))
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out = append(out, fmt.Sprintf("%s %s -> %d %s", method, url, resp.StatusCode, body))
	}
	// WrapClient with the defaults.
	c := httptrace.WrapClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}})
	ctx := context.Background()
	for _, p := range []string{"/ok?token=abc123&x=1&password=hunter2", "/client-error", "/server-error", "/eof"} {
		get(ctx, c, "GET", target+p)
	}
	get(ctx, c, "POST", target+"/post")
	get(ctx, c, "GET", strings.Replace(target, "http://", "http://user:pw@", 1)+"/userinfo#frag")
	get(ctx, c, "GET", refused+"/refused")
	parent, pctx := tracer.StartSpanFromContext(ctx, "client.parent")
	get(pctx, c, "GET", target+"/child")
	parent.Finish()
	// WrapRoundTripper with every option.
	rt := httptrace.WrapRoundTripper(&http.Transport{DisableKeepAlives: true},
		httptrace.RTWithServiceName("client-svc"), httptrace.RTWithAnalyticsRate(0.25),
		httptrace.RTWithResourceNamer(func(r *http.Request) string { return r.Method + " " + r.URL.Path }),
		httptrace.RTWithSpanNamer(func(r *http.Request) string { return "custom.request" }),
		httptrace.RTWithStatusCheck(func(s int) bool { return s >= 500 }),
		httptrace.RTWithErrorCheck(func(err error) bool { return false }), httptrace.RTWithPropagation(false),
		httptrace.RTWithSpanOptions(tracer.Tag("team", "client")),
		httptrace.WithBefore(func(r *http.Request, s ddtrace.Span) { s.SetTag("before", r.URL.Path) }),
		httptrace.WithAfter(func(r *http.Response, s ddtrace.Span) { s.SetTag("after", r != nil) }),
		httptrace.RTWithIgnoreRequest(func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "ignored") }))
	c2 := &http.Client{Transport: rt}
	for _, p := range []string{"/rt/ok", "/rt/client-error", "/rt/server-error", "/rt/eof", "/rt/ignored"} {
		get(ctx, c2, "GET", target+p)
	}
	return out
}
