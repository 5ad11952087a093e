package bench

import (
	"context"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	ddgrpc "gopkg.in/DataDog/dd-trace-go.v1/contrib/google.golang.org/grpc"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/mocktracer"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	ctrace "github.com/ctxtrace/trace"
	ourgrpc "github.com/ctxtrace/trace/contrib/google.golang.org/grpc"
	"github.com/ctxtrace/trace/exporter/memory"
)

// BenchmarkContribGRPC measures one unary call through each tracer's
// client and server interceptors (UnaryClientInterceptor,
// UnaryServerInterceptor): ours and dd-trace-go's
// contrib/google.golang.org/grpc, both sending to the stand-in agent. The
// call goes from the client interceptor to the server interceptor in
// process (grpcWire: the outgoing metadata becomes the incoming metadata,
// with the headers gRPC adds, and the peer is filled in), so what is
// measured is the two interceptors and the propagation between them, not
// gRPC's transport. "bare" is the same call without interceptors. Each
// call starts a new trace, with a client span and a server span. Besides
// ns/op it reports cpu-ns/op, the process's CPU time per call (the
// tracers' background export and the stand-in agent included), which a
// busy machine disturbs less than wall time.
func BenchmarkContribGRPC(b *testing.B) {
	b.Run("bare", func(b *testing.B) { benchGRPC(b, nil, nil) })
	b.Run("ours", func(b *testing.B) {
		discarding(b)
		tr := newOurs()
		ctrace.SetDefault(tr)
		defer func() { ctrace.SetDefault(nil); tr.Shutdown(context.Background()) }()
		benchGRPC(b, ourgrpc.UnaryClientInterceptor(), ourgrpc.UnaryServerInterceptor())
	})
	b.Run("ddtrace", func(b *testing.B) {
		discarding(b)
		startDD()
		defer tracer.Stop()
		benchGRPC(b, ddgrpc.UnaryClientInterceptor(), ddgrpc.UnaryServerInterceptor())
	})
}

const grpcMethod = "/bench.Posts/Get"

// grpcWire is a unary call from a client interceptor to a server
// interceptor, in process.
type grpcWire struct {
	cc     *grpc.ClientConn
	client grpc.UnaryClientInterceptor // nil: none
	server grpc.UnaryServerInterceptor // nil: none
	peer   net.Addr
	info   grpc.UnaryServerInfo
}

func newGRPCWire(tb testing.TB, client grpc.UnaryClientInterceptor, server grpc.UnaryServerInterceptor) *grpcWire {
	// NewClient does not connect: the connection only gives its target.
	cc, err := grpc.NewClient("127.0.0.1:50051", grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cc.Close() })
	return &grpcWire{cc: cc, client: client, server: server,
		peer: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50051}, info: grpc.UnaryServerInfo{FullMethod: grpcMethod}}
}

func grpcHandler(ctx context.Context, req any) (any, error) { return req, nil }

// invoke plays gRPC between the interceptors: it fills in the peer the
// client asked for, and hands the outgoing metadata, with the headers gRPC
// adds, to the server as incoming metadata.
func (w *grpcWire) invoke(ctx context.Context, method string, req, reply any, _ *grpc.ClientConn, opts ...grpc.CallOption) error {
	for _, o := range opts {
		if p, ok := o.(grpc.PeerCallOption); ok {
			p.PeerAddr.Addr = w.peer
		}
	}
	md, _ := metadata.FromOutgoingContext(ctx)
	if md == nil {
		md = metadata.MD{}
	}
	md[":authority"] = []string{"127.0.0.1:50051"}
	md["content-type"] = []string{"application/grpc"}
	md["user-agent"] = []string{"grpc-go/1.85.0"}
	sctx := metadata.NewIncomingContext(context.Background(), md)
	var err error
	if w.server == nil {
		_, err = grpcHandler(sctx, req)
	} else {
		_, err = w.server(sctx, req, &w.info, grpcHandler)
	}
	return err
}

// call makes one call.
func (w *grpcWire) call(ctx context.Context) error {
	if w.client == nil {
		return w.invoke(ctx, grpcMethod, "req", nil, w.cc)
	}
	return w.client(ctx, grpcMethod, "req", nil, w.cc, w.invoke)
}

func benchGRPC(b *testing.B, client grpc.UnaryClientInterceptor, server grpc.UnaryServerInterceptor) {
	w := newGRPCWire(b, client, server)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if err := w.call(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// TestContribGRPCTraces checks that both pairs of interceptors under
// benchmark really trace, and propagate: a client span, and a server span
// that is its child.
func TestContribGRPCTraces(t *testing.T) {
	mem := memory.New()
	tr := newOursTo(mem)
	ctrace.SetDefault(tr)
	err := newGRPCWire(t, ourgrpc.UnaryClientInterceptor(), ourgrpc.UnaryServerInterceptor()).call(context.Background())
	ctrace.SetDefault(nil)
	tr.Shutdown(context.Background())
	client, cok := mem.Find("grpc.client")
	server, sok := mem.Find("grpc.server")
	if err != nil || !cok || !sok || server.ParentID() != client.SpanID() || server.TraceID() != client.TraceID() {
		t.Fatalf("ours: err %v, spans %v", err, mem.Spans())
	}

	mt := mocktracer.Start()
	defer mt.Stop()
	err = newGRPCWire(t, ddgrpc.UnaryClientInterceptor(), ddgrpc.UnaryServerInterceptor()).call(context.Background())
	spans := mt.FinishedSpans()
	if err != nil || len(spans) != 2 || spans[0].OperationName() != "grpc.server" || spans[1].OperationName() != "grpc.client" ||
		spans[0].ParentID() != spans[1].SpanID() {
		t.Fatalf("ddtrace: err %v, spans %v", err, spans)
	}
}
