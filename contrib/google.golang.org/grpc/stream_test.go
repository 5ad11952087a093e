package grpc_test

import (
	"context"
	"io"
	"testing"

	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"

	"github.com/ctxtrace/trace"
	grpctrace "github.com/ctxtrace/trace/contrib/google.golang.org/grpc"
)

const duplexMethod = "/grpc.testing.TestService/FullDuplexCall"

// duplex sends each body and receives its echo (none for "fail"), closes
// the sending side and receives until the stream ends.
func duplex(ctx context.Context, c testgrpc.TestServiceClient, bodies ...string) error {
	s, err := c.FullDuplexCall(ctx)
	if err != nil {
		return err
	}
	for _, b := range bodies {
		if err := s.Send(&testgrpc.StreamingOutputCallRequest{Payload: &testgrpc.Payload{Body: []byte(b)}}); err != nil {
			return err
		}
		if b == "fail" {
			break
		}
		if _, err := s.Recv(); err != nil {
			return err
		}
	}
	if err := s.CloseSend(); err != nil {
		return err
	}
	for {
		if _, err := s.Recv(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

func TestBidiStream(t *testing.T) {
	spans := newTracer(t)
	if err := duplex(context.Background(), traced(t), "a", "b"); err != nil {
		t.Fatal(err)
	}
	got := spans()
	client, server := one(t, got, "grpc.client"), one(t, got, "grpc.server")
	for _, s := range []struct {
		name, kind string
		code       string
	}{{"grpc.client", "bidi_streaming", "OK"}, {"grpc.server", "bidi_streaming", "OK"}} {
		sp := one(t, got, s.name)
		if tg := tags(sp); tg["grpc.method.kind"] != s.kind || tg["grpc.code"] != s.code || sp.Resource() != duplexMethod || sp.IsError() {
			t.Errorf("%s: resource %q error %v tags %v", s.name, sp.Resource(), sp.IsError(), tg)
		}
	}
	// Client: send a, recv, send b, recv, recv (EOF). Server: recv a, send,
	// recv b, send, recv (EOF).
	var fromClient, fromServer int
	for _, m := range byName(got, "grpc.message") {
		tg := tags(m)
		if _, kind := m.Tag("span.kind"); kind || tg["component"] != "google.golang.org/grpc" || tg["grpc.code"] != "OK" ||
			m.Resource() != duplexMethod || m.Type() != "rpc" {
			t.Errorf("message span: resource %q tags %v", m.Resource(), tg)
		}
		switch m.ParentID() {
		case client.SpanID():
			fromClient++
			if m.Service() != "grpc.client" || tg["_dd.measured"] != "" {
				t.Errorf("client message span: service %q tags %v", m.Service(), tg)
			}
		case server.SpanID():
			fromServer++
			if m.Service() != "svc" || tg["_dd.measured"] != "1" {
				t.Errorf("server message span: service %q tags %v", m.Service(), tg)
			}
		}
	}
	if fromClient != 5 || fromServer != 5 {
		t.Errorf("%d client and %d server message spans, want 5 and 5", fromClient, fromServer)
	}
}

// The client stream's span ends with the call's status, where
// dd-trace-go records OK.
func TestClientStreamSpanHasTheCallsStatus(t *testing.T) {
	spans := newTracer(t)
	err := duplex(context.Background(), traced(t, grpctrace.WithStreamMessages(false)), "a", "fail")
	if status.Code(err) != codes.DataLoss {
		t.Fatalf("call: %v", err)
	}
	got := spans()
	for _, name := range []string{"grpc.client", "grpc.server"} {
		s := one(t, got, name)
		if tg := tags(s); !s.IsError() || tg["grpc.code"] != "DataLoss" {
			t.Errorf("%s: error %v, tags %v", name, s.IsError(), tg)
		}
	}
	if n := len(byName(got, "grpc.message")); n != 0 {
		t.Errorf("%d message spans with WithStreamMessages(false)", n)
	}
}

func TestServerStreamKinds(t *testing.T) {
	spans := newTracer(t)
	s, err := traced(t).StreamingOutputCall(context.Background(), &testgrpc.StreamingOutputCallRequest{
		ResponseParameters: []*testgrpc.ResponseParameters{{Size: 1}, {Size: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := s.Recv(); err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			break
		}
	}
	got := spans()
	for _, name := range []string{"grpc.client", "grpc.server"} {
		if k := tags(one(t, got, name))["grpc.method.kind"]; k != "server_streaming" {
			t.Errorf("%s: grpc.method.kind %q", name, k)
		}
	}
	// Client: send the request, recv 2, recv EOF; server: recv the
	// request, send 2.
	if n := len(byName(got, "grpc.message")); n != 7 {
		t.Errorf("%d message spans, want 7", n)
	}
}

// Without call spans, message spans still continue the caller's trace:
// the client's context goes along, and the server's message spans are
// children of the client's span.
func TestStreamCallsOff(t *testing.T) {
	spans := newTracer(t)
	ctx, parent := trace.Start(context.Background(), "caller")
	if err := duplex(ctx, traced(t, grpctrace.WithStreamCalls(false)), "a"); err != nil {
		t.Fatal(err)
	}
	parent.Finish()
	got := spans()
	if n := len(byName(got, "grpc.client")) + len(byName(got, "grpc.server")); n != 0 {
		t.Errorf("%d call spans with WithStreamCalls(false)", n)
	}
	msgs := byName(got, "grpc.message")
	if len(msgs) != 6 {
		t.Fatalf("%d message spans, want 6", len(msgs))
	}
	for _, m := range msgs {
		if m.ParentID() != parent.SpanID() || m.TraceID() != parent.TraceID() {
			t.Errorf("message span %v is not the caller's child", m)
		}
	}
}

// Untraced methods make no span, and their streams pass through unwrapped,
// but the caller's context goes along.
func TestUntracedStream(t *testing.T) {
	spans := newTracer(t)
	c := traced(t, grpctrace.WithUntracedMethods(duplexMethod))
	ctx, parent := trace.Start(context.Background(), "caller")
	if err := duplex(ctx, c, "a"); err != nil {
		t.Fatal(err)
	}
	parent.Finish()
	if err := duplex(context.Background(), c, "b"); err != nil { // nothing to send along
		t.Fatal(err)
	}
	if got := spans(); len(got) != 1 {
		t.Errorf("spans %v, want the caller's only", got)
	}
}
