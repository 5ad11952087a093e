package grpc_test

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"

	"github.com/ctxtrace/trace"
	grpctrace "github.com/ctxtrace/trace/contrib/google.golang.org/grpc"
	"github.com/ctxtrace/trace/exporter/memory"
)

// newTracer makes a tracer that records into memory the default one for
// the test, and returns a function that shuts it down and returns its
// spans.
func newTracer(t *testing.T, opts ...trace.Option) func() []trace.Snapshot {
	t.Helper()
	mem := memory.New()
	tr := trace.New(append([]trace.Option{trace.WithService("svc"), trace.WithExporter(mem)}, opts...)...)
	trace.SetDefault(tr)
	t.Cleanup(func() { trace.SetDefault(nil) })
	return func() []trace.Snapshot {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := tr.Shutdown(ctx); err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
		return mem.Spans()
	}
}

// service answers as the request's payload says.
type service struct {
	testgrpc.UnimplementedTestServiceServer
}

func (service) UnaryCall(ctx context.Context, req *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	switch body := string(req.GetPayload().GetBody()); body {
	case "ok", "":
		return &testgrpc.SimpleResponse{Username: "u"}, nil
	case "plain":
		return nil, errors.New("plain failure")
	case "eof":
		return nil, io.EOF
	case "ctx-canceled":
		return nil, context.Canceled
	case "details":
		st, err := status.New(codes.FailedPrecondition, "with details").WithDetails(&testgrpc.SimpleResponse{Username: "d"})
		if err != nil {
			return nil, err
		}
		return nil, st.Err()
	case "panic":
		panic("handler panic")
	case "child":
		_, span := trace.Start(ctx, "handler.child")
		span.Finish()
		return &testgrpc.SimpleResponse{}, nil
	default:
		for c := codes.OK; c <= codes.Unauthenticated; c++ {
			if c.String() == body {
				return nil, status.Error(c, "as asked")
			}
		}
		return nil, status.Error(codes.InvalidArgument, "unknown payload "+body)
	}
}

func (service) EmptyCall(context.Context, *testgrpc.Empty) (*testgrpc.Empty, error) {
	return &testgrpc.Empty{}, nil
}

func (service) FullDuplexCall(s testgrpc.TestService_FullDuplexCallServer) error {
	for {
		req, err := s.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if string(req.GetPayload().GetBody()) == "fail" {
			return status.Error(codes.DataLoss, "failed on request")
		}
		if err := s.Send(&testgrpc.StreamingOutputCallResponse{Payload: req.GetPayload()}); err != nil {
			return err
		}
	}
}

func (service) StreamingOutputCall(req *testgrpc.StreamingOutputCallRequest, s testgrpc.TestService_StreamingOutputCallServer) error {
	for range req.GetResponseParameters() {
		if err := s.Send(&testgrpc.StreamingOutputCallResponse{}); err != nil {
			return err
		}
	}
	return nil
}

// recoverUnary turns a panic into codes.Internal, as a recovery
// interceptor does.
func recoverUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = status.Errorf(codes.Internal, "recovered: %v", r)
		}
	}()
	return h(ctx, req)
}

// serve serves service on 127.0.0.1 and returns a client, and a function
// that closes both, returning once the server's handlers have returned;
// the test's end calls it too.
func serve(t *testing.T, serverOpts []grpc.ServerOption, dialOpts ...grpc.DialOption) (testgrpc.TestServiceClient, func()) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(append([]grpc.ServerOption{grpc.WaitForHandlers(true)}, serverOpts...)...)
	testgrpc.RegisterTestServiceServer(srv, service{})
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(),
		append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, dialOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			conn.Close()
			srv.Stop()
			<-done
		})
	}
	t.Cleanup(stop)
	return testgrpc.NewTestServiceClient(conn), stop
}

func unary(ctx context.Context, c testgrpc.TestServiceClient, body string) error {
	_, err := c.UnaryCall(ctx, &testgrpc.SimpleRequest{Payload: &testgrpc.Payload{Body: []byte(body)}})
	return err
}

// tags returns a span's tags as text, numbers as fmt formats them.
func tags(s trace.Snapshot) map[string]string {
	out := map[string]string{}
	for k, v := range s.Tags() {
		out[k] = v.String()
	}
	return out
}

// byName returns the spans named name.
func byName(spans []trace.Snapshot, name string) []trace.Snapshot {
	var out []trace.Snapshot
	for _, s := range spans {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

// one returns the only span named name, failing the test otherwise.
func one(t *testing.T, spans []trace.Snapshot, name string) trace.Snapshot {
	t.Helper()
	got := byName(spans, name)
	if len(got) != 1 {
		t.Fatalf("%d spans named %s, want 1; spans: %v", len(got), name, spans)
	}
	return got[0]
}

// interceptors returns server and dial options with the four
// interceptors, made with sopts and copts, and a recovery interceptor
// outermost on the server.
func interceptors(sopts, copts []grpctrace.Option) ([]grpc.ServerOption, []grpc.DialOption) {
	return []grpc.ServerOption{
			grpc.ChainUnaryInterceptor(recoverUnary, grpctrace.UnaryServerInterceptor(sopts...)),
			grpc.ChainStreamInterceptor(grpctrace.StreamServerInterceptor(sopts...)),
		}, []grpc.DialOption{
			grpc.WithChainUnaryInterceptor(grpctrace.UnaryClientInterceptor(copts...)),
			grpc.WithChainStreamInterceptor(grpctrace.StreamClientInterceptor(copts...)),
		}
}

// traced serves service with the interceptors made with opts on both sides.
func traced(t *testing.T, opts ...grpctrace.Option) testgrpc.TestServiceClient {
	t.Helper()
	so, do := interceptors(opts, opts)
	c, _ := serve(t, so, do...)
	return c
}
