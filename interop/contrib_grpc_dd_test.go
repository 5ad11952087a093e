package interop

// ddGRPCScenario is TestGRPCSameWire's scenario written against
// dd-trace-go v1.74.8's tracer and contrib/google.golang.org/grpc.
// oursGRPCScenario in contrib_grpc_ours_test.go is the same function
// against ours: the two must stay identical apart from their names and the
// file's imports, which TestGRPCScenariosIdentical checks. The tracer is
// left running: the caller stops it.

import (
	"context"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	grpctrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/google.golang.org/grpc"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func ddGRPCScenario(t *testing.T, addr string, c grpcCase) {
	// WithService("") sets no service, and forgets the one a tracer
	// started earlier set for the integrations.
	topts := []tracer.StartOption{tracer.WithService(c.service), tracer.WithEnv("prod"), tracer.WithServiceVersion("1.2.3"),
		tracer.WithAgentAddr(addr), tracer.WithLogStartup(false), tracer.WithLogger(silentLogger{})}
	if c.options {
		topts = append(topts, tracer.WithPeerServiceDefaults(true))
	}
	tracer.Start(topts...)

	var sopts, copts []grpctrace.Option
	if c.options {
		common := func() []grpctrace.Option {
			return []grpctrace.Option{grpctrace.WithMetadataTags(), grpctrace.WithRequestTags(), grpctrace.WithErrorDetailTags(),
				grpctrace.WithCustomTag("team", "core"), grpctrace.WithCustomTag("team", "platform"), grpctrace.WithAnalyticsRate(0.5),
				grpctrace.NonErrorCodes(codes.NotFound, codes.Canceled), grpctrace.WithUntracedMethods(emptyCallMethod),
				grpctrace.WithSpanOptions(tracer.Tag("extra", "x"), tracer.ResourceName("ignored")), grpctrace.NoDebugStack(),
				grpctrace.WithIgnoredMetadata("user-agent")}
		}
		sopts = append(common(), grpctrace.WithServiceName("rpc-server"))
		copts = append(common(), grpctrace.WithServiceName("rpc-client"))
	}
	if c.noStreamSpans {
		sopts = append(sopts, grpctrace.WithStreamMessages(false))
		copts = append(copts, grpctrace.WithStreamCalls(false))
	}
	serverOpts := []grpc.ServerOption{grpc.ChainUnaryInterceptor(recoverUnary)}
	dialOpts := []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
	if c.stats {
		serverOpts = append(serverOpts, grpc.StatsHandler(grpctrace.NewServerStatsHandler(sopts...)))
		dialOpts = append(dialOpts, grpc.WithStatsHandler(grpctrace.NewClientStatsHandler(copts...)))
	} else {
		serverOpts = append(serverOpts, grpc.ChainUnaryInterceptor(grpctrace.UnaryServerInterceptor(sopts...)),
			grpc.ChainStreamInterceptor(grpctrace.StreamServerInterceptor(sopts...)))
		dialOpts = append(dialOpts, grpc.WithChainUnaryInterceptor(grpctrace.UnaryClientInterceptor(copts...)),
			grpc.WithChainStreamInterceptor(grpctrace.StreamClientInterceptor(copts...)))
	}
	serveGRPC(t, serverOpts, dialOpts, func(name string) (context.Context, func()) {
		span, ctx := tracer.StartSpanFromContext(context.Background(), name)
		return ctx, func() { span.Finish() }
	})
}
