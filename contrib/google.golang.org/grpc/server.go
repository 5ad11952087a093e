package grpc

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/ctxtrace/trace"
)

// UnaryServerInterceptor traces the unary calls a server handles: each
// runs inside a "grpc.server" span that continues the caller's trace, and
// the handler's context carries it.
func UnaryServerInterceptor(opts ...Option) grpc.UnaryServerInterceptor {
	cfg := newConfig(true, opts)
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
		t := trace.Default()
		if !t.Enabled() || info == nil || cfg.untracedMethod(info.FullMethod) {
			return handler(ctx, req)
		}
		md, _ := metadata.FromIncomingContext(ctx)
		ctx, span := cfg.start(ctx, t, cfg.spanName, info.FullMethod, md, &serverCalls[kindIndexUnary])
		if cfg.metadataTags {
			cfg.setMetadataTags(span, md)
		}
		if cfg.requestTags {
			setRequestTag(span, req)
		}
		defer cfg.end(span, &err)
		return handler(ctx, req)
	}
}

// StreamServerInterceptor traces the streaming calls a server handles: a
// "grpc.server" span for the call (unless WithStreamCalls(false)) and a
// "grpc.message" span for each message received or sent (unless
// WithStreamMessages(false)).
func StreamServerInterceptor(opts ...Option) grpc.StreamServerInterceptor {
	cfg := newConfig(true, opts)
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
		t := trace.Default()
		if !t.Enabled() || info == nil || ss == nil || cfg.untracedMethod(info.FullMethod) {
			return handler(srv, ss)
		}
		ctx := ss.Context()
		md, _ := metadata.FromIncomingContext(ctx)
		if cfg.streamCalls {
			var span *trace.Span
			kind := streamKind(info.IsClientStream, info.IsServerStream)
			ctx, span = cfg.start(ctx, t, cfg.spanName, info.FullMethod, md, &serverCalls[kind])
			defer cfg.end(span, &err)
		}
		if !cfg.streamMessages {
			if !cfg.streamCalls {
				return handler(srv, ss)
			}
			return handler(srv, &contextStream{ServerStream: ss, ctx: ctx})
		}
		return handler(srv, &serverStream{ServerStream: ss, ctx: ctx, cfg: cfg, t: t, method: info.FullMethod, md: md})
	}
}

// The shapes of server spans, by index of kindOpts, and of their
// messages' spans.
var (
	serverCalls    = shapes([]trace.SpanOption{optMeasured, optComponent, optServer})
	serverMessages = shape{first: []trace.SpanOption{optMeasured}, last: []trace.SpanOption{optComponent}, custom: true}
)

// shapes returns the shapes of calls of each kind, with first.
func shapes(first []trace.SpanOption) []shape {
	out := make([]shape, len(kindOpts))
	for i, kind := range kindOpts {
		out[i] = shape{first: first, last: kind, custom: true}
	}
	return out
}

// contextStream is a server stream whose context carries the call's span.
type contextStream struct {
	grpc.ServerStream
	ctx context.Context
}

// Context returns the stream's context, which carries the call's span.
func (s *contextStream) Context() context.Context { return s.ctx }

// serverStream traces the messages of a server stream.
type serverStream struct {
	grpc.ServerStream
	ctx    context.Context
	cfg    *config
	t      *trace.Tracer
	method string
	md     metadata.MD // the incoming metadata
}

// Context returns the stream's context, which carries the call's span.
func (s *serverStream) Context() context.Context { return s.ctx }

// RecvMsg receives a message inside a "grpc.message" span.
func (s *serverStream) RecvMsg(m any) error {
	_, span := s.cfg.start(s.ctx, s.t, messageSpanName, s.method, s.md, &serverMessages)
	err := s.ServerStream.RecvMsg(m)
	if s.cfg.metadataTags {
		s.cfg.setMetadataTags(span, s.md)
	}
	if s.cfg.requestTags {
		setRequestTag(span, m)
	}
	s.cfg.finish(span, err)
	return err
}

// SendMsg sends a message inside a "grpc.message" span.
func (s *serverStream) SendMsg(m any) error {
	_, span := s.cfg.start(s.ctx, s.t, messageSpanName, s.method, s.md, &serverMessages)
	err := s.ServerStream.SendMsg(m)
	s.cfg.finish(span, err)
	return err
}
