package otlp

import (
	"context"
	"crypto/tls"
	"fmt"
	"sync/atomic"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
)

// exportMethod is the Collector's TraceService.Export.
const exportMethod = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"

// grpcTransport calls TraceService.Export with the request as it was
// encoded: a codec of its own sends the bytes as they are.
type grpcTransport struct {
	conn  *grpc.ClientConn
	md    metadata.MD
	calls []grpc.CallOption
}

func newGRPC(cfg settings, extra []grpc.DialOption) (*grpcTransport, error) {
	creds := insecure.NewCredentials()
	if !cfg.insecure {
		creds = credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
	}
	opts := append([]grpc.DialOption{
		grpc.WithTransportCredentials(creds),
		grpc.WithUserAgent(userAgent),
		grpc.WithStatsHandler(sentBytes{}),
		// Reconnect within seconds of a Collector's restart, rather than
		// after gRPC's default of up to two minutes: a request waits for
		// the connection no longer than its timeout.
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 250 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 5 * time.Second},
			MinConnectTimeout: 5 * time.Second,
		}),
	}, extra...)
	conn, err := grpc.NewClient(cfg.target, opts...)
	if err != nil {
		return nil, fmt.Errorf("otlp: gRPC client for %q: %w", cfg.target, err)
	}
	t := &grpcTransport{conn: conn, md: metadata.New(cfg.headers)}
	t.calls = []grpc.CallOption{grpc.ForceCodecV2(rawCodec{})}
	if cfg.gzip {
		t.calls = append(t.calls, grpc.UseCompressor(gzip.Name))
	}
	return t, nil
}

func (t *grpcTransport) export(ctx context.Context, r *request) result {
	if len(t.md) > 0 {
		ctx = metadata.NewOutgoingContext(ctx, t.md)
	}
	sent := &atomic.Int64{}
	sent.Store(int64(r.size))
	ctx = context.WithValue(ctx, sentKey{}, sent)
	var resp exportResponse
	err := t.conn.Invoke(ctx, exportMethod, r, &resp, t.calls...)
	if err == nil {
		return result{outcome: accepted, rejectedSpans: resp.rejectedSpans, message: resp.message, sent: int(sent.Load())}
	}
	st := status.Convert(err)
	res := result{outcome: rejected, err: err, retryAfter: retryDelay(st)}
	switch st.Code() {
	case codes.Canceled, codes.DeadlineExceeded, codes.Aborted, codes.OutOfRange,
		codes.Unavailable, codes.DataLoss:
		res.outcome = retryable
	case codes.ResourceExhausted:
		// Worth retrying only when the server says when.
		if res.retryAfter > 0 {
			res.outcome = retryable
		}
	}
	return res
}

// retryDelay returns the wait a status's RetryInfo asks for, at most
// MaxRetryAfter, or 0.
func retryDelay(st *status.Status) time.Duration {
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay() != nil {
			return min(max(ri.GetRetryDelay().AsDuration(), 0), MaxRetryAfter)
		}
	}
	return 0
}

func (t *grpcTransport) close() { _ = t.conn.Close() }

// rawCodec sends a request's body as it is, lending its parts to gRPC
// until it frees them, and reads the answer into an exportResponse. It is
// named "proto", as the content type the servers expect says.
type rawCodec struct{}

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	r, ok := v.(*request)
	if !ok {
		return nil, fmt.Errorf("otlp: cannot send a %T", v)
	}
	out := make(mem.BufferSlice, len(r.body))
	for i, b := range r.body {
		// A part too small for gRPC to pool comes back as a plain
		// slice, never freed: it stays lent, and is not reused.
		r.lent.Add(1)
		out[i] = mem.NewBuffer(&b, lender{r.lent})
	}
	return out, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	r, ok := v.(*exportResponse)
	if !ok {
		return fmt.Errorf("otlp: cannot read into a %T", v)
	}
	resp, err := parseResponse(data.Materialize())
	*r = resp
	return err
}

func (rawCodec) Name() string { return "proto" }

// lender is the mem.BufferPool of a request's parts lent to gRPC: freeing
// one gives it back.
type lender struct{ lent *atomic.Int64 }

func (l lender) Put(*[]byte) { l.lent.Add(-1) }

// Get is not called: gRPC takes from a pool only to make buffers of its
// own.
func (l lender) Get(n int) *[]byte {
	b := make([]byte, n)
	return &b
}

// sentBytes is a stats.Handler that records the size of a request's
// message as gRPC sent it, compressed or not, where the call's context
// asks for it (sentKey): Stats.Bytes counts what went on the wire.
type sentBytes struct{}

// sentKey is the context key of the *atomic.Int64 that sentBytes sets.
type sentKey struct{}

func (sentBytes) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }

func (sentBytes) HandleRPC(ctx context.Context, s stats.RPCStats) {
	out, ok := s.(*stats.OutPayload)
	if !ok || !out.Client {
		return
	}
	if n, ok := ctx.Value(sentKey{}).(*atomic.Int64); ok {
		n.Store(int64(out.CompressedLength)) // the last attempt's: the one answered
	}
}

func (sentBytes) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }

func (sentBytes) HandleConn(context.Context, stats.ConnStats) {}
