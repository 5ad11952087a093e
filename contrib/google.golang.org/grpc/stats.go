package grpc

import (
	"context"

	"google.golang.org/grpc/stats"

	"github.com/ctxtrace/trace"
)

// The shapes of the stats handlers' spans.
var (
	statsServer = shape{first: []trace.SpanOption{optMeasured, optServer}}
	statsClient = shape{first: []trace.SpanOption{optClient}}
)

// NewServerStatsHandler returns a gRPC server stats.Handler (for
// grpc.StatsHandler) that traces every call the server handles with a
// "grpc.server" span, as dd-trace-go's does: without the component and
// grpc.method.kind tags and the WithCustomTag tags, and with no span per
// message.
func NewServerStatsHandler(opts ...Option) stats.Handler {
	return &statsHandler{cfg: newConfig(true, opts), sh: &statsServer}
}

// NewClientStatsHandler returns a gRPC client stats.Handler (for
// grpc.WithStatsHandler) that traces every call with a "grpc.client" span
// and sends its context along in the call's metadata.
func NewClientStatsHandler(opts ...Option) stats.Handler {
	return &statsHandler{cfg: newConfig(false, opts), sh: &statsClient, client: true}
}

// statsHandler is the server or the client stats handler.
type statsHandler struct {
	cfg    *config
	sh     *shape
	client bool
}

// statsSpanKey keys the span TagRPC started, so that HandleRPC finishes
// that one, never a span of the caller's that the context also carries.
type statsSpanKey struct{}

// TagRPC starts the call's span.
func (h *statsHandler) TagRPC(ctx context.Context, info *stats.RPCTagInfo) context.Context {
	t := trace.Default()
	if !t.Enabled() || info == nil {
		return ctx
	}
	ctx, span := h.cfg.start(ctx, t, h.cfg.spanName, info.FullMethodName, nil, h.sh)
	if h.client {
		ctx = inject(ctx, t, nil)
	}
	return context.WithValue(ctx, statsSpanKey{}, span)
}

// HandleRPC records where a client's call went, and finishes the span when
// the call ends.
func (h *statsHandler) HandleRPC(ctx context.Context, s stats.RPCStats) {
	span, _ := ctx.Value(statsSpanKey{}).(*trace.Span)
	if span == nil {
		return
	}
	switch s := s.(type) {
	case *stats.OutHeader:
		if h.client {
			setPeerTags(span, s.RemoteAddr)
		}
	case *stats.End:
		h.cfg.finish(span, s.Error)
	}
}

// TagConn returns ctx: connections are not traced.
func (h *statsHandler) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }

// HandleConn does nothing: connections are not traced.
func (h *statsHandler) HandleConn(context.Context, stats.ConnStats) {}
