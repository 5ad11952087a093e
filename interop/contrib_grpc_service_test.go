package interop

// The gRPC service and the calls of TestGRPCSameWire, written once for
// both tracers: grpc's own test service (google.golang.org/grpc/interop/
// grpc_testing), no generated code of ours. What each call does is chosen
// by its payload.

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// emptyCallMethod is the method the "options" case leaves untraced.
const emptyCallMethod = "/grpc.testing.TestService/EmptyCall"

// grpcService answers as the payload of the request says.
type grpcService struct {
	testgrpc.UnimplementedTestServiceServer
}

func (grpcService) EmptyCall(context.Context, *testgrpc.Empty) (*testgrpc.Empty, error) {
	return &testgrpc.Empty{}, nil
}

func (grpcService) UnaryCall(_ context.Context, req *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	switch string(req.GetPayload().GetBody()) {
	case "notfound":
		return nil, status.Error(codes.NotFound, "no such thing")
	case "details":
		st, err := status.New(codes.FailedPrecondition, "with details").WithDetails(&testgrpc.SimpleResponse{Username: "detail"})
		if err != nil {
			return nil, err
		}
		return nil, st.Err()
	case "plain":
		return nil, errors.New("plain failure")
	case "canceled":
		return nil, status.Error(codes.Canceled, "gave up")
	case "panic":
		panic("handler panic")
	}
	return &testgrpc.SimpleResponse{Payload: req.GetPayload(), Username: "u"}, nil
}

func (grpcService) StreamingInputCall(s testgrpc.TestService_StreamingInputCallServer) error {
	var n int32
	for {
		req, err := s.Recv()
		if err == io.EOF {
			return s.SendAndClose(&testgrpc.StreamingInputCallResponse{AggregatedPayloadSize: n})
		}
		if err != nil {
			return err
		}
		n += int32(len(req.GetPayload().GetBody()))
	}
}

func (grpcService) StreamingOutputCall(req *testgrpc.StreamingOutputCallRequest, s testgrpc.TestService_StreamingOutputCallServer) error {
	for i, p := range req.GetResponseParameters() {
		if i == 1 && string(req.GetPayload().GetBody()) == "fail-after-one" {
			return status.Error(codes.NotFound, "gone after one")
		}
		if err := s.Send(&testgrpc.StreamingOutputCallResponse{Payload: &testgrpc.Payload{Body: make([]byte, p.GetSize())}}); err != nil {
			return err
		}
	}
	return nil
}

func (grpcService) FullDuplexCall(s testgrpc.TestService_FullDuplexCallServer) error {
	for {
		req, err := s.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.Send(&testgrpc.StreamingOutputCallResponse{Payload: req.GetPayload()}); err != nil {
			return err
		}
	}
}

// recoverUnary is the outermost server interceptor, as a program's
// recovery interceptor would be: a panic becomes codes.Internal.
func recoverUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = status.Errorf(codes.Internal, "recovered: %v", r)
		}
	}()
	return handler(ctx, req)
}

// grpcCall is one call of the scenario, made inside a span named
// "rpc."+name, with the status code it must end with.
type grpcCall struct {
	name string
	want codes.Code
	run  func(ctx context.Context, c testgrpc.TestServiceClient) error
}

func unary(body string) func(context.Context, testgrpc.TestServiceClient) error {
	return func(ctx context.Context, c testgrpc.TestServiceClient) error {
		_, err := c.UnaryCall(ctx, &testgrpc.SimpleRequest{ResponseSize: 3, Payload: &testgrpc.Payload{Body: []byte(body)}})
		return err
	}
}

// recvAll receives until the stream ends; io.EOF is a success.
func recvAll[T any](recv func() (T, error)) error {
	for {
		if _, err := recv(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

var grpcCalls = []grpcCall{
	{"unary_ok", codes.OK, unary("ok")},
	{"unary_meta", codes.OK, func(ctx context.Context, c testgrpc.TestServiceClient) error {
		ctx = metadata.AppendToOutgoingContext(ctx, "x-user", "u1", "x-multi", "a", "x-multi", "b")
		return unary("meta")(ctx, c)
	}},
	{"unary_notfound", codes.NotFound, unary("notfound")},
	{"unary_details", codes.FailedPrecondition, unary("details")},
	{"unary_plain_error", codes.Unknown, unary("plain")},
	{"unary_canceled", codes.Canceled, unary("canceled")},
	{"unary_panic", codes.Internal, unary("panic")},
	{"unary_unimplemented", codes.Unimplemented, func(ctx context.Context, c testgrpc.TestServiceClient) error {
		_, err := c.UnimplementedCall(ctx, &testgrpc.Empty{})
		return err
	}},
	{"empty", codes.OK, func(ctx context.Context, c testgrpc.TestServiceClient) error {
		_, err := c.EmptyCall(ctx, &testgrpc.Empty{})
		return err
	}},
	{"client_stream", codes.OK, func(ctx context.Context, c testgrpc.TestServiceClient) error {
		s, err := c.StreamingInputCall(ctx)
		if err != nil {
			return err
		}
		for _, b := range []string{"ab", "cde"} {
			if err := s.Send(&testgrpc.StreamingInputCallRequest{Payload: &testgrpc.Payload{Body: []byte(b)}}); err != nil {
				return err
			}
		}
		_, err = s.CloseAndRecv()
		return err
	}},
	{"server_stream", codes.OK, serverStream("")},
	{"server_stream_error", codes.NotFound, serverStream("fail-after-one")},
	{"bidi_stream", codes.OK, func(ctx context.Context, c testgrpc.TestServiceClient) error {
		s, err := c.FullDuplexCall(ctx)
		if err != nil {
			return err
		}
		for _, b := range []string{"x", "yz"} {
			if err := s.Send(&testgrpc.StreamingOutputCallRequest{Payload: &testgrpc.Payload{Body: []byte(b)}}); err != nil {
				return err
			}
			if _, err := s.Recv(); err != nil {
				return err
			}
		}
		if err := s.CloseSend(); err != nil {
			return err
		}
		return recvAll(s.Recv)
	}},
}

func serverStream(body string) func(context.Context, testgrpc.TestServiceClient) error {
	return func(ctx context.Context, c testgrpc.TestServiceClient) error {
		s, err := c.StreamingOutputCall(ctx, &testgrpc.StreamingOutputCallRequest{
			Payload:            &testgrpc.Payload{Body: []byte(body)},
			ResponseParameters: []*testgrpc.ResponseParameters{{Size: 1}, {Size: 2}, {Size: 3}},
		})
		if err != nil {
			return err
		}
		return recvAll(s.Recv)
	}
}

// serveGRPC serves grpcService on 127.0.0.1 with serverOpts, makes every
// call of grpcCalls through a client with dialOpts, each inside the
// context start gives it (and finished by the function start returns),
// then stops the server after its handlers have returned.
func serveGRPC(t *testing.T, serverOpts []grpc.ServerOption, dialOpts []grpc.DialOption,
	start func(name string) (context.Context, func())) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(append([]grpc.ServerOption{grpc.WaitForHandlers(true)}, serverOpts...)...)
	testgrpc.RegisterTestServiceServer(srv, grpcService{})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(), dialOpts...)
	if err != nil {
		t.Fatal(err)
	}
	client := testgrpc.NewTestServiceClient(conn)
	for _, call := range grpcCalls {
		ctx, finish := start("rpc." + call.name)
		if err := call.run(ctx, client); status.Code(err) != call.want {
			t.Errorf("%s: %v, want code %s", call.name, err, call.want)
		}
		finish()
	}
	conn.Close()
	srv.Stop() // returns once every handler has returned (WaitForHandlers)
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
}
