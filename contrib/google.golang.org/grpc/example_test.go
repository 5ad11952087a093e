package grpc_test

import (
	"log"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"

	grpctrace "github.com/ctxtrace/trace/contrib/google.golang.org/grpc"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// A server traced by interceptors: every call gets a "grpc.server" span
// that continues the caller's trace.
func Example_server() {
	tracer.Start(tracer.WithService("checkout"))
	defer tracer.Stop()

	s := grpc.NewServer(
		grpc.ChainUnaryInterceptor(grpctrace.UnaryServerInterceptor()),
		grpc.ChainStreamInterceptor(grpctrace.StreamServerInterceptor(grpctrace.WithStreamMessages(false))),
	)
	_ = s // register services, then s.Serve(listener)
}

// A client traced by interceptors: every call gets a "grpc.client" span,
// and its context travels in the call's metadata.
func Example_client() {
	tracer.Start(tracer.WithService("frontend"))
	defer tracer.Stop()

	conn, err := grpc.NewClient("localhost:50051",
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithUnaryInterceptor(grpctrace.UnaryClientInterceptor(grpctrace.NonErrorCodes(codes.NotFound, codes.Canceled))),
		grpc.WithStreamInterceptor(grpctrace.StreamClientInterceptor()),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
}

// Stats handlers instead of interceptors: one span per call, none per
// message.
func Example_statsHandlers() {
	s := grpc.NewServer(grpc.StatsHandler(grpctrace.NewServerStatsHandler()))
	_ = s
	conn, err := grpc.NewClient("localhost:50051",
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(grpctrace.NewClientStatsHandler()))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
}
