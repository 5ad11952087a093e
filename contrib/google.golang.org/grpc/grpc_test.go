package grpc_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"

	"github.com/ctxtrace/trace"
	grpctrace "github.com/ctxtrace/trace/contrib/google.golang.org/grpc"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

const unaryMethod = "/grpc.testing.TestService/UnaryCall"

// rpcTags are the tags every span of a call to method carries.
func rpcTags(method string) map[string]string {
	return map[string]string{
		"component":            "google.golang.org/grpc",
		"rpc.system":           "grpc",
		"rpc.service":          "grpc.testing.TestService",
		"rpc.grpc.full_method": method,
		"grpc.method.name":     method,
	}
}

// only keeps the keys of m that want has, so that tests compare what they
// mean to and the tracer's own tags (env, language...) aside.
func only(m map[string]string, want map[string]string) map[string]string {
	out := map[string]string{}
	for k := range want {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

func TestUnaryCall(t *testing.T) {
	spans := newTracer(t)
	if err := unary(context.Background(), traced(t), "ok"); err != nil {
		t.Fatal(err)
	}
	got := spans()
	client, server := one(t, got, "grpc.client"), one(t, got, "grpc.server")

	if server.ParentID() != client.SpanID() || server.TraceID() != client.TraceID() {
		t.Errorf("server span is not the client span's child: %v %v", client, server)
	}
	if client.Service() != "grpc.client" || server.Service() != "svc" {
		t.Errorf("services %q %q, want grpc.client and the tracer's, svc", client.Service(), server.Service())
	}
	for _, s := range []trace.Snapshot{client, server} {
		if s.Resource() != unaryMethod || s.Type() != "rpc" || s.IsError() {
			t.Errorf("%s: resource %q type %q error %v", s.Name(), s.Resource(), s.Type(), s.IsError())
		}
	}
	want := rpcTags(unaryMethod)
	want["span.kind"], want["grpc.method.kind"], want["grpc.code"] = "server", "unary", "OK"
	want["_dd.measured"] = "1"
	if d := cmp.Diff(want, only(tags(server), mergeKeys(want, "out.host", "peer.hostname"))); d != "" {
		t.Errorf("server tags (-want +got):\n%s", d)
	}
	want = rpcTags(unaryMethod)
	want["span.kind"], want["grpc.method.kind"], want["grpc.code"] = "client", "unary", "OK"
	want["peer.hostname"], want["out.host"] = "127.0.0.1", "127.0.0.1"
	ct := tags(client)
	if ct["out.port"] == "" || strings.Trim(ct["out.port"], "0123456789") != "" {
		t.Errorf("out.port = %q, want the server's port", ct["out.port"])
	}
	if d := cmp.Diff(want, only(ct, mergeKeys(want, "_dd.measured"))); d != "" {
		t.Errorf("client tags (-want +got):\n%s", d)
	}
	if v, ok := client.Tag("out.port"); !ok || v.IsNumber() {
		t.Errorf("out.port is %v, want text as dd-trace-go sends it", v)
	}
}

// mergeKeys returns want's keys and extra, for only: extra keys must be
// absent.
func mergeKeys(want map[string]string, extra ...string) map[string]string {
	out := map[string]string{}
	for k, v := range want {
		out[k] = v
	}
	for _, k := range extra {
		out[k] = ""
	}
	return out
}

func TestHandlerSpansAreChildren(t *testing.T) {
	spans := newTracer(t)
	if err := unary(context.Background(), traced(t), "child"); err != nil {
		t.Fatal(err)
	}
	got := spans()
	if child, server := one(t, got, "handler.child"), one(t, got, "grpc.server"); child.ParentID() != server.SpanID() {
		t.Errorf("the handler's span is not the server span's child")
	}
}

func TestUnaryErrors(t *testing.T) {
	for _, c := range []struct {
		body     string
		opts     []grpctrace.Option
		code     string
		isError  bool
		wantCode codes.Code
	}{
		{body: "NotFound", code: "NotFound", isError: true, wantCode: codes.NotFound},
		{body: "Internal", code: "Internal", isError: true, wantCode: codes.Internal},
		{body: "plain", code: "Unknown", isError: true, wantCode: codes.Unknown},
		{body: "Canceled", code: "Canceled", wantCode: codes.Canceled},
		{body: "NotFound", opts: []grpctrace.Option{grpctrace.NonErrorCodes(codes.NotFound)}, code: "NotFound", wantCode: codes.NotFound},
		{body: "Canceled", opts: []grpctrace.Option{grpctrace.NonErrorCodes(codes.NotFound)}, code: "Canceled", isError: true, wantCode: codes.Canceled},
	} {
		t.Run(c.body, func(t *testing.T) {
			spans := newTracer(t)
			err := unary(context.Background(), traced(t, c.opts...), c.body)
			if status.Code(err) != c.wantCode {
				t.Fatalf("call: %v, want %s", err, c.wantCode)
			}
			for _, s := range spans() {
				tg := tags(s)
				if s.IsError() != c.isError || tg["grpc.code"] != c.code {
					t.Errorf("%s: error %v grpc.code %q, want %v %q", s.Name(), s.IsError(), tg["grpc.code"], c.isError, c.code)
				}
				if c.isError && (tg["error.message"] != err.Error() && tg["error.message"] != "plain failure" || tg["error.stack"] == "") {
					t.Errorf("%s: error.message %q, error.stack %d bytes", s.Name(), tg["error.message"], len(tg["error.stack"]))
				}
			}
		})
	}
}

// The server handler's own io.EOF and context.Canceled are no errors on
// the server span, as in dd-trace-go; the client sees codes.Unknown and
// codes.Canceled.
func TestEOFAndContextCanceledAreNoErrors(t *testing.T) {
	for _, body := range []string{"eof", "ctx-canceled"} {
		t.Run(body, func(t *testing.T) {
			spans := newTracer(t)
			unary(context.Background(), traced(t), body)
			s := one(t, spans(), "grpc.server")
			if s.IsError() || tags(s)["grpc.code"] != "OK" {
				t.Errorf("error %v, grpc.code %q; want no error, OK", s.IsError(), tags(s)["grpc.code"])
			}
		})
	}
}

func TestNoDebugStack(t *testing.T) {
	spans := newTracer(t)
	unary(context.Background(), traced(t, grpctrace.NoDebugStack()), "NotFound")
	for _, s := range spans() {
		if _, ok := s.Tag("error.stack"); ok || !s.IsError() {
			t.Errorf("%s: error %v, with a stack", s.Name(), s.IsError())
		}
	}
}

func TestPanicIsRecordedAndGoesOn(t *testing.T) {
	spans := newTracer(t)
	err := unary(context.Background(), traced(t), "panic")
	if status.Code(err) != codes.Internal { // the recovery interceptor's answer
		t.Fatalf("call: %v", err)
	}
	got := spans()
	s := one(t, got, "grpc.server")
	tg := tags(s)
	if !s.IsError() || tg["error.message"] != "panic: handler panic" || tg["error.type"] != "string" || tg["error.stack"] == "" {
		t.Errorf("server span: error %v, tags %v", s.IsError(), tg)
	}
	if _, ok := s.Tag("grpc.code"); ok {
		t.Errorf("grpc.code %q: the status depends on who recovers", tg["grpc.code"])
	}
	if c := one(t, got, "grpc.client"); tags(c)["grpc.code"] != "Internal" {
		t.Errorf("client span grpc.code %q", tags(c)["grpc.code"])
	}
}

func TestUntracedMethods(t *testing.T) {
	for _, opt := range []grpctrace.Option{
		grpctrace.WithUntracedMethods("/grpc.testing.TestService/EmptyCall"),
		grpctrace.WithIgnoredMethods("/grpc.testing.TestService/EmptyCall"),
	} {
		spans := newTracer(t)
		c := traced(t, opt)
		if _, err := c.EmptyCall(context.Background(), &testgrpc.Empty{}); err != nil {
			t.Fatal(err)
		}
		if err := unary(context.Background(), c, "ok"); err != nil {
			t.Fatal(err)
		}
		got := spans()
		if len(got) != 2 || got[0].Resource() != unaryMethod || got[1].Resource() != unaryMethod {
			t.Errorf("spans %v, want the unary call's two", got)
		}
	}
}

func TestServiceNamesAndCustomTags(t *testing.T) {
	spans := newTracer(t)
	opts := []grpctrace.Option{grpctrace.WithServiceName("rpc-svc"), grpctrace.WithCustomTag("team", "a"),
		grpctrace.WithCustomTag("team", "b"), grpctrace.WithCustomTag("span.kind", "custom"),
		grpctrace.WithCustomTag("resource.name", "not-mine"), grpctrace.WithAnalyticsRate(0.25),
		grpctrace.WithAnalyticsRate(7), grpctrace.WithAnalytics(false), nil}
	unary(context.Background(), traced(t, opts...), "ok")
	for _, s := range spans() {
		tg := tags(s)
		if s.Service() != "rpc-svc" || s.Resource() != unaryMethod || tg["team"] != "b" || tg["span.kind"] != "custom" ||
			tg["_dd1.sr.eausr"] != "0.25" {
			t.Errorf("%s: service %q resource %q tags %v", s.Name(), s.Service(), s.Resource(), tg)
		}
	}
}

func TestWithSpanOptions(t *testing.T) {
	spans := newTracer(t)
	link := tracer.SpanLink{TraceID: 7, TraceIDHigh: 8, SpanID: 9, Attributes: map[string]string{"k": "v"}}
	start := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	unary(context.Background(), traced(t, grpctrace.WithAnalytics(true), grpctrace.WithSpanOptions(
		tracer.Tag("extra", "x"), tracer.ResourceName("ignored"), tracer.ServiceName("ignored"),
		tracer.SpanType("ignored"), tracer.WithSpanLinks([]tracer.SpanLink{link}), tracer.StartTime(start),
		tracer.WithSpanID(42), nil)), "ok")
	for _, s := range spans() {
		if tags(s)["extra"] != "x" || s.Resource() != unaryMethod || s.Type() != "rpc" || s.Service() == "ignored" ||
			tags(s)["_dd1.sr.eausr"] != "1" {
			t.Errorf("%s: resource %q type %q service %q tags %v", s.Name(), s.Resource(), s.Type(), s.Service(), tags(s))
		}
		if s.NumLinks() != 1 || s.LinkAt(0).SpanID != 9 || s.LinkAt(0).TraceID != trace.NewTraceID(8, 7) {
			t.Errorf("%s: %d links", s.Name(), s.NumLinks())
		}
		if s.Start().Equal(start) || s.SpanID() == 42 {
			t.Errorf("%s: start %v id %d: StartTime and WithSpanID must be ignored", s.Name(), s.Start(), s.SpanID())
		}
	}
}
