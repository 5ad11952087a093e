package grpc

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/peer"

	"github.com/ctxtrace/trace"
)

// The shapes of client call spans, by index of kindOpts, and of their
// messages' spans.
var (
	clientCalls    = shapes([]trace.SpanOption{optComponent, optClient})
	clientMessages = shape{last: []trace.SpanOption{optComponent}, custom: true}
)

// UnaryClientInterceptor traces a client's unary calls: each gets a
// "grpc.client" span, and the metadata that continues the trace in the
// server.
func UnaryClientInterceptor(opts ...Option) grpc.UnaryClientInterceptor {
	cfg := newConfig(false, opts)
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
		invoker grpc.UnaryInvoker, opts ...grpc.CallOption) (err error) {
		t := trace.Default()
		if !t.Enabled() || cfg.untracedMethod(method) {
			return invoker(ctx, method, req, reply, cc, opts...)
		}
		ctx, span := cfg.startClient(ctx, t, method, kindIndexUnary, cc)
		defer cfg.end(span, &err)
		c := new(unaryCall)
		err = invoker(inject(ctx, t, &c.md), method, req, reply, cc, c.callOptions(opts)...)
		setPeerTags(span, c.peer.Addr)
		return err
	}
}

// unaryCall is what a traced unary call needs on the heap, in one
// allocation rather than three: the peer gRPC fills in, the call options
// that ask for it, and the writer of the outgoing metadata.
type unaryCall struct {
	peer peer.Peer
	opts [4]grpc.CallOption
	md   mdWriter
}

// callOptions returns the caller's options and one that asks for the peer.
// The caller's slice is not appended to: its spare capacity may be shared.
func (c *unaryCall) callOptions(opts []grpc.CallOption) []grpc.CallOption {
	if len(opts) >= len(c.opts) {
		return append(opts[:len(opts):len(opts)], grpc.Peer(&c.peer))
	}
	n := copy(c.opts[:], opts)
	c.opts[n] = grpc.Peer(&c.peer)
	return c.opts[: n+1 : n+1]
}

// StreamClientInterceptor traces a client's streaming calls: a
// "grpc.client" span for the call (unless WithStreamCalls(false)),
// finished with the call's final status, and a "grpc.message" span for
// each message sent or received (unless WithStreamMessages(false)).
func StreamClientInterceptor(opts ...Option) grpc.StreamClientInterceptor {
	cfg := newConfig(false, opts)
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string,
		streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		t := trace.Default()
		if !t.Enabled() {
			return streamer(ctx, desc, cc, method, opts...)
		}
		untraced := cfg.untracedMethod(method)
		if !cfg.streamCalls || untraced {
			// No call span, but the caller's span, if any, goes along.
			cs, err := streamer(injectAny(ctx, t), desc, cc, method, opts...)
			if err != nil || untraced || !cfg.streamMessages {
				return cs, err
			}
			return &clientStream{ClientStream: cs, ctx: ctx, cfg: cfg, t: t, method: method}, nil
		}
		kind := kindNone
		if desc != nil {
			kind = streamKind(desc.ClientStreams, desc.ServerStreams)
		}
		ctx, span := cfg.startClient(ctx, t, method, kind, cc)
		// gRPC calls OnFinish once, with the call's status, when the call
		// ends however it ends: the span is finished there and then. A
		// second finish (below, when the stream could not be made) does
		// nothing.
		end := func(err error) { cfg.finish(span, err) }
		opts = append(opts[:len(opts):len(opts)], grpc.OnFinish(end))
		cs, err := streamer(inject(ctx, t, nil), desc, cc, method, opts...)
		if err != nil {
			end(err)
			return nil, err
		}
		if p, ok := peer.FromContext(cs.Context()); ok {
			setPeerTags(span, p.Addr)
		}
		if !cfg.streamMessages {
			return cs, nil
		}
		return &clientStream{ClientStream: cs, ctx: ctx, cfg: cfg, t: t, method: method}, nil
	}
}

// startClient starts a client call span, of the method kind given (an
// index of kindOpts).
func (c *config) startClient(ctx context.Context, t *trace.Tracer, method string, kind int,
	cc *grpc.ClientConn) (context.Context, *trace.Span) {
	if cc != nil {
		if h := targets.get(cc.Target()); h.ok {
			return c.start(ctx, t, c.spanName, method, nil, &clientCalls[kind], h.opt)
		}
	}
	return c.start(ctx, t, c.spanName, method, nil, &clientCalls[kind])
}

// clientStream traces the messages of a client stream. Its Context is the
// stream's own (dd-trace-go returns the context the call was made with,
// which lacks the stream's peer and metadata).
type clientStream struct {
	grpc.ClientStream
	ctx    context.Context // carries the call's span
	cfg    *config
	t      *trace.Tracer
	method string
}

// RecvMsg receives a message inside a "grpc.message" span.
func (s *clientStream) RecvMsg(m any) error {
	_, span := s.cfg.start(s.ctx, s.t, messageSpanName, s.method, nil, &clientMessages)
	err := s.ClientStream.RecvMsg(m)
	s.cfg.finish(span, err)
	return err
}

// SendMsg sends a message inside a "grpc.message" span.
func (s *clientStream) SendMsg(m any) error {
	_, span := s.cfg.start(s.ctx, s.t, messageSpanName, s.method, nil, &clientMessages)
	err := s.ClientStream.SendMsg(m)
	s.cfg.finish(span, err)
	return err
}
