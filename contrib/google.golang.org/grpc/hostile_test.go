package grpc_test

import (
	"context"
	"errors"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"

	grpctrace "github.com/ctxtrace/trace/contrib/google.golang.org/grpc"
)

// Interceptors and stats handlers called with what gRPC never passes
// (nil infos, nil connections, nil descriptions, nil addresses, events
// without a span) neither panic nor trace what they cannot.
func TestOddCalls(t *testing.T) {
	spans := newTracer(t)
	ctx := context.Background()
	handler := func(context.Context, any) (any, error) { return "resp", nil }
	if resp, err := grpctrace.UnaryServerInterceptor()(ctx, "req", nil, handler); resp != "resp" || err != nil {
		t.Errorf("unary server: %v %v", resp, err)
	}
	for _, info := range []*grpc.StreamServerInfo{nil, {FullMethod: "/a.B/C", IsServerStream: true}} {
		if err := grpctrace.StreamServerInterceptor()(nil, nil, info, func(any, grpc.ServerStream) error { return nil }); err != nil {
			t.Errorf("stream server: %v", err)
		}
	}
	invoker := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error {
		return status.Error(codes.Unavailable, "down")
	}
	if err := grpctrace.UnaryClientInterceptor()(ctx, "no-slash", nil, nil, nil, invoker); status.Code(err) != codes.Unavailable {
		t.Errorf("unary client: %v", err)
	}
	failing := func(context.Context, *grpc.StreamDesc, *grpc.ClientConn, string, ...grpc.CallOption) (grpc.ClientStream, error) {
		return nil, errors.New("no stream")
	}
	if cs, err := grpctrace.StreamClientInterceptor()(ctx, nil, nil, "", failing); cs != nil || err == nil {
		t.Errorf("stream client: %v %v", cs, err)
	}
	for _, h := range []stats.Handler{grpctrace.NewServerStatsHandler(), grpctrace.NewClientStatsHandler()} {
		h.HandleRPC(ctx, &stats.End{}) // no span: nothing to finish
		if h.TagRPC(ctx, nil) != ctx {
			t.Errorf("TagRPC without an info changed the context")
		}
		c := h.TagRPC(ctx, &stats.RPCTagInfo{FullMethodName: "/a.B/C"})
		h.HandleRPC(c, &stats.OutHeader{})                                         // no address
		h.HandleRPC(c, &stats.OutHeader{RemoteAddr: &net.UnixAddr{Name: "/sock"}}) // not host:port
		h.HandleRPC(c, &stats.End{Error: errors.New("boom")})
		h.HandleConn(h.TagConn(ctx, nil), nil)
	}
	got := spans()
	if len(got) != 4 {
		t.Fatalf("spans %v, want the two clients' and the two stats handlers'", got)
	}
	for _, s := range got {
		if !s.IsError() {
			t.Errorf("%s (%s): not an error", s.Name(), s.Resource())
		}
		if _, ok := s.Tag("out.host"); ok {
			t.Errorf("%s: out.host without a host:port peer", s.Name())
		}
	}
	for _, s := range byName(got, "grpc.client") {
		if s.Resource() == "no-slash" && tags(s)["rpc.service"] != "no-slash" {
			t.Errorf("rpc.service of a method without slashes: %q", tags(s)["rpc.service"])
		}
	}
}
