package grpc

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

// Span names, tag keys and values, as dd-trace-go's contrib writes them.
const (
	component         = "google.golang.org/grpc"
	messageSpanName   = "grpc.message"
	tagMethodName     = "grpc.method.name"
	tagMethodKind     = "grpc.method.kind"
	tagCode           = "grpc.code"
	tagMetadataPrefix = "grpc.metadata."
	tagRequest        = "grpc.request"
	tagDetailsPrefix  = "grpc.status_details._"
	tagFullMethod     = "rpc.grpc.full_method"
	tagRPCService     = "rpc.service"
	tagPeerHostname   = "peer.hostname"
	tagTargetHost     = "out.host"
	tagTargetPort     = "out.port"
	kindUnary         = "unary"
	kindClientStream  = "client_streaming"
	kindServerStream  = "server_streaming"
	kindBidiStream    = "bidi_streaming"
)

// Options made once: a tag whose value is a constant costs nothing to
// pass, and these never change.
var (
	optMeasured  = trace.Tag("_dd.measured", 1)
	optComponent = trace.Tag("component", component)
	optServer    = trace.Tag("span.kind", "server")
	optClient    = trace.Tag("span.kind", "client")
	optType      = trace.Type("rpc")
	optSystem    = trace.Tag("rpc.system", "grpc")
	// kindOpts are the grpc.method.kind tags: unary, client streaming,
	// server streaming, bidirectional streaming, each alone in a slice,
	// and none (kindNone), for a stream that streams neither way.
	kindOpts = [][]trace.SpanOption{
		{trace.Tag(tagMethodKind, kindUnary)},
		{trace.Tag(tagMethodKind, kindClientStream)},
		{trace.Tag(tagMethodKind, kindServerStream)},
		{trace.Tag(tagMethodKind, kindBidiStream)},
		nil,
	}
)

// The indexes of kindOpts.
const (
	kindIndexUnary = 0
	kindNone       = 4
)

// streamKind returns the index in kindOpts of a streaming call's
// grpc.method.kind.
func streamKind(client, server bool) int {
	switch {
	case client && server:
		return 3
	case server:
		return 2
	case client:
		return 1
	}
	return kindNone
}

// A shape is the fixed options of one kind of span, around its method's:
// first, then with custom WithSpanOptions's and WithCustomTag's, then the
// method's, then last. Shapes are made once, and so is, per shape and
// method, the Group of the options a span of that shape and method starts
// with (see config.start).
type shape struct {
	first, last []trace.SpanOption
	custom      bool
}

// codeNames holds the names of the status codes gRPC defines, boxed once:
// SetTag with a string that is not a constant would allocate.
var codeNames = func() (names [17]any) {
	for i := range names {
		names[i] = codes.Code(i).String()
	}
	return names
}()

func codeName(c codes.Code) any {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return c.String()
}

// programName is the tracer's service when none was set.
var programName = filepath.Base(os.Args[0])

// serviceName returns the service of a span started with t.
func (c *config) serviceName(t *trace.Tracer) string {
	if c.service != "" {
		return c.service
	}
	if c.server || c.v1 || globalconfig.RemoveIntegrationServiceNames() {
		// The service tracer.Start was given, as dd-trace-go's global
		// service name.
		if s, ok := globalconfig.ServiceName(); ok {
			if s != "" {
				return s
			}
			return c.defaultService
		}
		// A tracer made with the trace package alone does not say whether
		// its service was set or is the program's name, its default: the
		// program's name stands for "not set" unless DD_SERVICE was given.
		if s := t.Service(); s != "" && (s != programName || c.envService) {
			return s
		}
	}
	return c.defaultService
}

// start starts a span named name for method: a child of the span ctx
// carries or, when it carries none, of the caller's span that the incoming
// metadata md names (fetched from ctx when md is nil). Its options are, in
// dd-trace-go's order, sh.first, WithSpanOptions's and WithCustomTag's
// (with sh.custom), the integration's own, sh.last, then extra.
func (c *config) start(ctx context.Context, t *trace.Tracer, name, method string, md metadata.MD,
	sh *shape, extra ...trace.SpanOption) (context.Context, *trace.Span) {
	var buf [16]trace.SpanOption
	opts := buf[:0]
	service := trace.Service(c.serviceName(t))
	if len(c.spanOpts) == 0 && (!sh.custom || len(c.customTags) == 0) {
		// The usual case: every option but the service and extra is the
		// same for every span of this shape and method, in one group
		// whose tags the spans share rather than set one by one.
		opts = append(opts, service, groups.get(groupKey{method, sh}))
	} else {
		opts = append(opts, sh.first...)
		opts = append(opts, c.spanOpts...)
		if sh.custom {
			opts = append(opts, c.customTags...)
		}
		m := methods.get(method)
		opts = append(opts, service, m[0], m[1], optType, optSystem, m[2], m[3])
		opts = append(opts, sh.last...)
	}
	opts = append(opts, extra...)
	if trace.SpanFromContext(ctx) == nil {
		if md == nil {
			md, _ = metadata.FromIncomingContext(ctx)
		}
		if len(md) > 0 {
			if sc, err := t.ExtractSpanContext(trace.HeaderCarrier(md)); err == nil {
				opts = append(opts, trace.ChildOf(sc))
			}
		}
	}
	return t.Start(ctx, name, opts...)
}

// finish records err's status on span and finishes it. io.EOF,
// context.Canceled, codes.OK and the codes of NonErrorCodes are no errors.
func (c *config) finish(span *trace.Span, err error) {
	if errors.Is(err, io.EOF) || errors.Is(err, context.Canceled) {
		err = nil
	}
	code := status.Code(err)
	if code == codes.OK || c.nonErrorCodes[code] {
		err = nil
	}
	span.SetTag(tagCode, codeName(code))
	switch {
	case err == nil:
		span.Finish()
		return
	case c.errorDetailTags:
		setDetailTags(span, err)
	}
	if c.noDebugStack {
		span.Finish(trace.WithError(err), trace.StackDepth(0, 0))
		return
	}
	span.Finish(trace.WithError(err))
}

// setDetailTags records the details of err's status, in protocol buffer
// text format.
func setDetailTags(span *trace.Span, err error) {
	st, ok := status.FromError(err)
	if !ok {
		return
	}
	for i, d := range st.Details() {
		if m, ok := d.(proto.Message); ok {
			span.SetTag(tagDetailsPrefix+strconv.Itoa(i), prototext.MarshalOptions{}.Format(m))
		}
	}
}

// setMetadataTags records md on span, but for the ignored keys.
func (c *config) setMetadataTags(span *trace.Span, md metadata.MD) {
	for k, v := range md {
		if _, ignored := c.ignoredMetadata[k]; !ignored {
			span.SetTag(tagMetadataPrefix+k, v)
		}
	}
}

// setRequestTag records req, a protocol buffer message, as JSON.
func setRequestTag(span *trace.Span, req any) {
	if m, ok := req.(proto.Message); ok {
		if b, err := protojson.Marshal(m); err == nil {
			span.SetTag(tagRequest, string(b))
		}
	}
}

// setPeerTags records where a client's call went: out.host and out.port,
// both as text, as dd-trace-go sends them.
func setPeerTags(span *trace.Span, addr net.Addr) {
	tags, ok := peerTagsOf(addr)
	if !ok {
		return
	}
	if tags.host != nil {
		span.SetTag(tagTargetHost, tags.host)
	}
	span.SetTag(tagTargetPort, tags.port)
}

// end is deferred by the server interceptors: it finishes span with the
// handler's error or, when the handler panics, records the panic on span,
// finishes it, and lets the panic go on.
func (c *config) end(span *trace.Span, err *error) {
	if r := recover(); r != nil {
		// No grpc.code: the status the caller gets depends on who
		// recovers, if anyone does.
		span.RecordPanic(r)
		span.Finish()
		panic(r)
	}
	c.finish(span, *err)
}
