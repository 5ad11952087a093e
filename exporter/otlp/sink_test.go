package otlp

import (
	"cmp"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	_ "google.golang.org/grpc/encoding/gzip" // the server reads gzip
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

// sink is an OTLP destination on 127.0.0.1, over HTTP or gRPC, that
// records what it is sent and answers as the test says.
type sink struct {
	t        *testing.T
	protocol Protocol
	endpoint string // for WithEndpoint

	mu       sync.Mutex
	reqs     []*coltracepb.ExportTraceServiceRequest // accepted ones
	attempts int
	headers  []http.Header // of every attempt (gRPC metadata as headers)
	answer   func(attempt int) reply
	hang     chan struct{} // when set, every request waits for it to close
}

// reply is how the sink answers one attempt.
type reply struct {
	status      int           // HTTP status; 0 means 200
	grpcCode    codes.Code    // gRPC code; OK means success
	retryAfter  string        // HTTP Retry-After
	retryInfo   time.Duration // gRPC RetryInfo
	body        []byte        // raw HTTP body instead of the response
	contentType string        // of the HTTP answer; "" means application/x-protobuf
	partial     *coltracepb.ExportTracePartialSuccess
}

func (r reply) ok() bool { return (r.status == 0 || r.status/100 == 2) && r.grpcCode == codes.OK }

// newSink starts a sink that accepts everything; answer, when not nil,
// decides each attempt's reply.
func newSink(t *testing.T, p Protocol, answer func(attempt int) reply) *sink {
	t.Helper()
	s := &sink{t: t, protocol: p, answer: answer}
	if p == GRPC {
		s.startGRPC()
	} else {
		srv := httptest.NewServer(http.HandlerFunc(s.serveHTTP))
		t.Cleanup(srv.Close)
		s.endpoint = srv.URL
	}
	return s
}

// options returns the options that point an exporter at the sink, with a
// logger that discards.
func (s *sink) options(extra ...Option) []Option {
	opts := []Option{WithProtocol(s.protocol), WithEndpoint(s.endpoint), WithInsecure(),
		WithLogger(slog.New(slog.DiscardHandler)), withGetenv(func(string) string { return "" })}
	return append(opts, extra...)
}

// next records an attempt and returns its reply.
func (s *sink) next(h http.Header) (reply, chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	s.headers = append(s.headers, h)
	r := reply{}
	if s.answer != nil {
		r = s.answer(s.attempts)
	}
	return r, s.hang
}

func (s *sink) record(req *coltracepb.ExportTraceServiceRequest) {
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()
}

func (s *sink) serveHTTP(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h := r.Header.Clone()
	h.Set(":path", r.URL.Path)
	rep, hang := s.next(h)
	if hang != nil {
		select {
		case <-hang: // answer as usual
		case <-r.Context().Done():
			return
		}
	}
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(raw, &req); err != nil {
		s.t.Errorf("sink: the request is not an ExportTraceServiceRequest: %v", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if rep.retryAfter != "" {
		w.Header().Set("Retry-After", rep.retryAfter)
	}
	if rep.ok() {
		s.record(&req)
	}
	out := rep.body
	if out == nil && rep.ok() {
		out, _ = proto.Marshal(&coltracepb.ExportTraceServiceResponse{PartialSuccess: rep.partial})
	}
	w.Header().Set("Content-Type", cmp.Or(rep.contentType, "application/x-protobuf"))
	w.WriteHeader(cmp.Or(rep.status, http.StatusOK))
	_, _ = w.Write(out)
}

// grpcSink is the sink's TraceService.
type grpcSink struct {
	coltracepb.UnimplementedTraceServiceServer
	s *sink
}

func (s *sink) startGRPC() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.StatsHandler(compressionStats{}))
	coltracepb.RegisterTraceServiceServer(srv, grpcSink{s: s})
	go func() { _ = srv.Serve(ln) }()
	s.t.Cleanup(srv.Stop)
	s.endpoint = ln.Addr().String()
}

func (g grpcSink) Export(ctx context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	h := http.Header{}
	for k, v := range md {
		h[http.CanonicalHeaderKey(k)] = v
	}
	if c, ok := ctx.Value(compressionKey{}).(*string); ok && *c != "" {
		h.Set("Grpc-Encoding", *c)
	}
	rep, hang := g.s.next(h)
	if hang != nil {
		select {
		case <-hang: // answer as usual
		case <-ctx.Done():
			return nil, status.Error(codes.Unavailable, "hung")
		}
	}
	if rep.grpcCode != codes.OK {
		st := status.New(rep.grpcCode, "sink says "+rep.grpcCode.String())
		if rep.retryInfo > 0 {
			st, _ = st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(rep.retryInfo)})
		}
		return nil, st.Err()
	}
	g.s.record(req)
	return &coltracepb.ExportTraceServiceResponse{PartialSuccess: rep.partial}, nil
}

// received returns the spans accepted so far, with their resources.
func (s *sink) received() []gotSpan {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []gotSpan
	for _, req := range s.reqs {
		for _, rs := range req.GetResourceSpans() {
			res := attrMap(rs.GetResource().GetAttributes())
			for _, ss := range rs.GetScopeSpans() {
				for _, sp := range ss.GetSpans() {
					out = append(out, gotSpan{res: res, scope: ss, span: sp})
				}
			}
		}
	}
	return out
}

func (s *sink) attemptCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// gotSpan is a span as the destination received it.
type gotSpan struct {
	res   map[string]any
	scope *tracepb.ScopeSpans
	span  *tracepb.Span
}

func (g gotSpan) attrs() map[string]any { return attrMap(g.span.GetAttributes()) }

// spanID returns the span id as the tracer has it.
func (g gotSpan) spanID() uint64 { return beUint64(g.span.GetSpanId()) }

func beUint64(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// waitFor polls cond until it holds, failing the test after a generous
// deadline: a bound on failure, not a measure of time.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// itoa is strconv.Itoa, for the sink's answers.
func itoa(n int) string { return strconv.Itoa(n) }

// compressionStats records the compression of each call's request, which
// the metadata the handler sees leaves out.
type compressionStats struct{}

type compressionKey struct{}

func (compressionStats) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	return context.WithValue(ctx, compressionKey{}, new(string))
}

func (compressionStats) HandleRPC(ctx context.Context, s stats.RPCStats) {
	if h, ok := s.(*stats.InHeader); ok {
		if c, ok := ctx.Value(compressionKey{}).(*string); ok {
			*c = h.Compression
		}
	}
}

func (compressionStats) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}
func (compressionStats) HandleConn(context.Context, stats.ConnStats) {}
