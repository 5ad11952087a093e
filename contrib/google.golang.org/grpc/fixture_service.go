package grpc

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// The Fixture service (see fixture.go): one unary method, Ping, and one
// bidirectional streaming method, StreamPing, under dd-trace-go's names.

// The full methods of the Fixture service.
const (
	Fixture_Ping_FullMethodName       = "/grpc.Fixture/Ping"
	Fixture_StreamPing_FullMethodName = "/grpc.Fixture/StreamPing"
)

// FixtureClient is the client of the Fixture service.
type FixtureClient interface {
	// Ping sends a request and receives its reply.
	Ping(ctx context.Context, in *FixtureRequest, opts ...grpc.CallOption) (*FixtureReply, error)
	// StreamPing opens a stream of requests and replies.
	StreamPing(ctx context.Context, opts ...grpc.CallOption) (Fixture_StreamPingClient, error)
}

// NewFixtureClient returns a client of the Fixture service over cc.
func NewFixtureClient(cc grpc.ClientConnInterface) FixtureClient { return fixtureClient{cc} }

type fixtureClient struct{ cc grpc.ClientConnInterface }

func (c fixtureClient) Ping(ctx context.Context, in *FixtureRequest, opts ...grpc.CallOption) (*FixtureReply, error) {
	out := new(FixtureReply)
	if err := c.cc.Invoke(ctx, Fixture_Ping_FullMethodName, in, out, opts...); err != nil {
		return nil, err
	}
	return out, nil
}

func (c fixtureClient) StreamPing(ctx context.Context, opts ...grpc.CallOption) (Fixture_StreamPingClient, error) {
	s, err := c.cc.NewStream(ctx, &Fixture_ServiceDesc.Streams[0], Fixture_StreamPing_FullMethodName, opts...)
	if err != nil {
		return nil, err
	}
	return streamPingClient{s}, nil
}

// Fixture_StreamPingClient is the client's side of a StreamPing stream.
type Fixture_StreamPingClient interface {
	// Send sends a request.
	Send(*FixtureRequest) error
	// Recv receives a reply.
	Recv() (*FixtureReply, error)
	grpc.ClientStream
}

type streamPingClient struct{ grpc.ClientStream }

func (s streamPingClient) Send(m *FixtureRequest) error { return s.ClientStream.SendMsg(m) }

func (s streamPingClient) Recv() (*FixtureReply, error) {
	m := new(FixtureReply)
	if err := s.ClientStream.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}

// FixtureServer is the server of the Fixture service. Implementations
// embed UnimplementedFixtureServer.
type FixtureServer interface {
	// Ping answers a request.
	Ping(context.Context, *FixtureRequest) (*FixtureReply, error)
	// StreamPing answers a stream of requests.
	StreamPing(Fixture_StreamPingServer) error
	mustEmbedUnimplementedFixtureServer()
}

// Fixture_StreamPingServer is the server's side of a StreamPing stream.
type Fixture_StreamPingServer interface {
	// Send sends a reply.
	Send(*FixtureReply) error
	// Recv receives a request.
	Recv() (*FixtureRequest, error)
	grpc.ServerStream
}

type streamPingServer struct{ grpc.ServerStream }

func (s streamPingServer) Send(m *FixtureReply) error { return s.ServerStream.SendMsg(m) }

func (s streamPingServer) Recv() (*FixtureRequest, error) {
	m := new(FixtureRequest)
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}

// UnimplementedFixtureServer answers every method with
// codes.Unimplemented; a FixtureServer embeds it.
type UnimplementedFixtureServer struct{}

// Ping answers codes.Unimplemented.
func (UnimplementedFixtureServer) Ping(context.Context, *FixtureRequest) (*FixtureReply, error) {
	return nil, status.Error(codes.Unimplemented, "method Ping not implemented")
}

// StreamPing answers codes.Unimplemented.
func (UnimplementedFixtureServer) StreamPing(Fixture_StreamPingServer) error {
	return status.Error(codes.Unimplemented, "method StreamPing not implemented")
}

func (UnimplementedFixtureServer) mustEmbedUnimplementedFixtureServer() {}

// UnsafeFixtureServer, embedded instead of UnimplementedFixtureServer,
// makes a server that fails to build when the service gains a method.
type UnsafeFixtureServer interface {
	mustEmbedUnimplementedFixtureServer()
}

// RegisterFixtureServer registers srv with s.
func RegisterFixtureServer(s grpc.ServiceRegistrar, srv FixtureServer) {
	s.RegisterService(&Fixture_ServiceDesc, srv)
}

// Fixture_ServiceDesc describes the Fixture service to gRPC.
var Fixture_ServiceDesc = grpc.ServiceDesc{
	ServiceName: "grpc.Fixture",
	HandlerType: (*FixtureServer)(nil),
	Methods:     []grpc.MethodDesc{{MethodName: "Ping", Handler: pingHandler}},
	Streams: []grpc.StreamDesc{{StreamName: "StreamPing", Handler: streamPingHandler,
		ServerStreams: true, ClientStreams: true}},
	Metadata: "fixture.proto",
}

func pingHandler(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
	in := new(FixtureRequest)
	if err := dec(in); err != nil {
		return nil, err
	}
	if interceptor == nil {
		return srv.(FixtureServer).Ping(ctx, in)
	}
	info := &grpc.UnaryServerInfo{Server: srv, FullMethod: Fixture_Ping_FullMethodName}
	return interceptor(ctx, in, info, func(ctx context.Context, req any) (any, error) {
		return srv.(FixtureServer).Ping(ctx, req.(*FixtureRequest))
	})
}

func streamPingHandler(srv any, stream grpc.ServerStream) error {
	return srv.(FixtureServer).StreamPing(streamPingServer{stream})
}
