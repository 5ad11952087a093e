package grpc_test

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	grpctrace "github.com/ctxtrace/trace/contrib/google.golang.org/grpc"
)

// fixtureServer answers Ping with "hi <name>" and echoes StreamPing.
type fixtureServer struct {
	grpctrace.UnimplementedFixtureServer
}

func (fixtureServer) Ping(_ context.Context, in *grpctrace.FixtureRequest) (*grpctrace.FixtureReply, error) {
	return &grpctrace.FixtureReply{Message: "hi " + in.GetName()}, nil
}

func (fixtureServer) StreamPing(s grpctrace.Fixture_StreamPingServer) error {
	for {
		in, err := s.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.Send(&grpctrace.FixtureReply{Message: in.GetName()}); err != nil {
			return err
		}
	}
}

func fixtureClient(t *testing.T, srv grpctrace.FixtureServer, opts ...grpctrace.Option) grpctrace.FixtureClient {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	so, do := interceptors(opts, opts)
	s := grpc.NewServer(append(so, grpc.WaitForHandlers(true))...)
	grpctrace.RegisterFixtureServer(s, srv)
	done := make(chan struct{})
	go func() { defer close(done); s.Serve(lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(), append(do, grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); s.Stop(); <-done })
	return grpctrace.NewFixtureClient(conn)
}

// dd-trace-go's Fixture service, which its package exports, works here:
// messages go over the wire, and the interceptors trace it.
func TestFixtureService(t *testing.T) {
	spans := newTracer(t)
	c := fixtureClient(t, fixtureServer{}, grpctrace.WithRequestTags())
	ctx := context.Background()
	reply, err := c.Ping(ctx, &grpctrace.FixtureRequest{Name: "pluto"})
	if err != nil || reply.GetMessage() != "hi pluto" {
		t.Fatalf("Ping: %v %v", reply, err)
	}
	s, err := c.StreamPing(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(&grpctrace.FixtureRequest{Name: "a"}); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Recv(); err != nil || r.Message != "a" {
		t.Fatalf("Recv: %v %v", r, err)
	}
	s.CloseSend()
	if _, err := s.Recv(); err != io.EOF {
		t.Fatalf("Recv: %v, want io.EOF", err)
	}
	got := spans()
	var resources []string
	for _, sp := range byName(got, "grpc.server") {
		resources = append(resources, sp.Resource())
		if sp.Resource() == grpctrace.Fixture_Ping_FullMethodName && tags(sp)["grpc.request"] != `{"name":"pluto"}` &&
			tags(sp)["grpc.request"] != `{"name": "pluto"}` {
			t.Errorf("grpc.request = %q", tags(sp)["grpc.request"])
		}
	}
	if len(resources) != 2 || !strings.Contains(strings.Join(resources, " "), grpctrace.Fixture_StreamPing_FullMethodName) {
		t.Errorf("server spans for %v", resources)
	}
}

func TestFixtureUnimplemented(t *testing.T) {
	newTracer(t)
	c := fixtureClient(t, grpctrace.UnimplementedFixtureServer{})
	if _, err := c.Ping(context.Background(), &grpctrace.FixtureRequest{}); status.Code(err) != codes.Unimplemented {
		t.Errorf("Ping: %v", err)
	}
	s, err := c.StreamPing(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Recv(); status.Code(err) != codes.Unimplemented {
		t.Errorf("StreamPing: %v", err)
	}
}

func TestFixtureMessages(t *testing.T) {
	in := &grpctrace.FixtureRequest{Name: "n"}
	b, err := proto.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out grpctrace.FixtureRequest
	if err := proto.Unmarshal(b, &out); err != nil || out.GetName() != "n" || !proto.Equal(in, &out) {
		t.Errorf("round trip: %v %v", &out, err)
	}
	if s := out.String(); !strings.Contains(s, `name:`) || !strings.Contains(s, `"n"`) {
		t.Errorf("String() = %q", s)
	}
	out.Reset()
	reply := &grpctrace.FixtureReply{Message: "m"}
	reply.Reset()
	if out.Name != "" || reply.Message != "" || reply.String() != "" {
		t.Errorf("Reset left %q %q", out.Name, reply.Message)
	}
	var nilReq *grpctrace.FixtureRequest
	var nilReply *grpctrace.FixtureReply
	if nilReq.GetName() != "" || nilReply.GetMessage() != "" || nilReq.ProtoReflect().IsValid() || nilReply.ProtoReflect().IsValid() {
		t.Errorf("nil messages")
	}
	nilReq.ProtoMessage()
	nilReply.ProtoMessage()
	if d := in.ProtoReflect().Descriptor(); d.FullName() != "ctxtrace.contrib.grpc.FixtureRequest" || d.Fields().Len() != 1 {
		t.Errorf("descriptor %v", d.FullName())
	}
	for i, m := range []interface{ Descriptor() ([]byte, []int) }{in, reply} {
		if gz, idx := m.Descriptor(); len(gz) == 0 || len(idx) != 1 || idx[0] != i {
			t.Errorf("Descriptor() = %d bytes, %v", len(gz), idx)
		}
	}
}
