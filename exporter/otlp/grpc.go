package otlp

import (
	"context"
	"crypto/tls"
	"fmt"
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

// prepare leaves the body as it is: gRPC compresses each message itself.
func (t *grpcTransport) prepare(body []byte) ([]byte, error) { return body, nil }

func (t *grpcTransport) export(ctx context.Context, body []byte) result {
	if len(t.md) > 0 {
		ctx = metadata.NewOutgoingContext(ctx, t.md)
	}
	var resp exportResponse
	err := t.conn.Invoke(ctx, exportMethod, rawRequest(body), &resp, t.calls...)
	if err == nil {
		return result{outcome: accepted, rejectedSpans: resp.rejectedSpans, message: resp.message}
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

// rawRequest is an ExportTraceServiceRequest already encoded.
type rawRequest []byte

// rawCodec sends a rawRequest as it is and reads the answer into an
// exportResponse. It is named "proto", as the content type the servers
// expect says.
type rawCodec struct{}

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	r, ok := v.(rawRequest)
	if !ok {
		return nil, fmt.Errorf("otlp: cannot send a %T", v)
	}
	return mem.BufferSlice{mem.SliceBuffer(r)}, nil
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
