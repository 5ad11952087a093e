// Package redis traces the redis/go-redis package (https://github.com/redis/go-redis),
// with dd-trace-go v1.74.8's API of the package of that path.
//
// NewClient makes a client and WrapClient adds a hook to one; every
// command then makes a span as dd-trace-go's integration does:
//
//   - redis.command, resource the command's name as given ("get", "SET"),
//     type redis, with redis.raw_command (unless WithSkipRawCommand) and
//     redis.args_length;
//   - a pipeline (Pipelined, TxPipelined): one redis.command span, resource
//     "redis.pipeline", with redis.pipeline_length and the commands as
//     redis.raw_command, one a line;
//   - a new connection: a redis.dial span;
//   - all with component redis/go-redis.v9, span.kind client, db.system
//     redis, and, for a Client, out.host, out.port and out.db (the
//     database index) as strings, or, for a ClusterClient, addrs.
//
// An error marks the span, except redis.Nil (a key that does not exist)
// and what WithErrorCheck excludes. The default service is the tracer's
// (DD_SERVICE, tracer.WithService), or "redis.client" when it has none.
//
// # Differences from dd-trace-go
//
// dd-trace-go v1.74.8 takes the command's text (Cmder.String) before the
// command runs, when it ends with the placeholder of a result not yet
// received: redis.raw_command reads "get k: ", "incr n: 0" or
// "mget a b: []", and redis.args_length counts the spaces of that text.
// We write the command and its arguments only ("get k"), and the number
// of arguments, the command's name included, which is dd's count for the
// common commands whose arguments hold no spaces. A command sent with Do
// and a single word (client.Do(ctx, "ping")) makes dd-trace-go panic
// (slice bounds out of range on the resource); here its resource is that
// word. A nil client, a nil option and a nil WithErrorCheck function are
// ignored instead of panicking, and NewClient(nil) is a client with
// go-redis's default options.
//
// Supported: go-redis v9.23.0 (the version this module requires; built
// and tested with it) and later v9 releases, which need Go 1.26.
package redis

import (
	"context"
	"errors"
	"math"
	"net"
	"reflect"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/ext"
)

const componentName = "redis/go-redis.v9"

// NewClient returns a new Client that is traced with the default tracer
// under the service name the package documentation says.
func NewClient(opt *redis.Options, opts ...ClientOption) redis.UniversalClient {
	if opt == nil {
		opt = &redis.Options{}
	}
	client := redis.NewClient(opt)
	WrapClient(client, opts...)
	return client
}

// WrapClient adds a hook to the given client that traces with the default
// tracer under the service name the package documentation says.
func WrapClient(client redis.UniversalClient, opts ...ClientOption) {
	if client == nil {
		return
	}
	if v := reflect.ValueOf(client); v.Kind() == reflect.Pointer && v.IsNil() {
		return
	}
	cfg := defaults()
	for _, o := range opts {
		if o != nil {
			o(cfg)
		}
	}
	if cfg.errCheck == nil {
		cfg.errCheck = func(error) bool { return true }
	}
	client.AddHook(&hook{cfg: cfg, base: baseOptions(client, cfg)})
}

// hook makes the spans of one client.
type hook struct {
	cfg  *clientConfig
	base []trace.SpanOption // the options of every span
}

// baseOptions are the options of every span of client: its service,
// type, the tags that name the server, and the analytics rate.
func baseOptions(client redis.UniversalClient, cfg *clientConfig) []trace.SpanOption {
	opts := []trace.SpanOption{trace.Service(cfg.serviceName), trace.Type(ext.SpanTypeRedis)}
	switch c := client.(type) {
	case interface{ Options() *redis.Options }:
		opt := c.Options()
		if opt.Addr != "FailoverClient" {
			host, port, err := net.SplitHostPort(opt.Addr)
			if err != nil {
				host, port = opt.Addr, "6379"
			}
			opts = append(opts, trace.Tag(ext.TargetHost, host), trace.Tag(ext.TargetPort, port))
		}
		opts = append(opts, trace.Tag(ext.TargetDB, strconv.Itoa(opt.DB)))
	case interface{ Options() *redis.ClusterOptions }:
		opts = append(opts, trace.Tag("addrs", strings.Join(c.Options().Addrs, ", ")))
	}
	opts = append(opts,
		trace.Tag(ext.Component, componentName),
		trace.Tag(ext.SpanKind, ext.SpanKindClient),
		trace.Tag(ext.DBSystem, ext.DBSystemRedis))
	if !math.IsNaN(cfg.analyticsRate) {
		opts = append(opts, trace.Tag(ext.EventSampleRate, cfg.analyticsRate))
	}
	return opts
}

// start starts a span named name with the base options and extra.
func (h *hook) start(ctx context.Context, name string, extra ...trace.SpanOption) (context.Context, *trace.Span) {
	var buf [16]trace.SpanOption
	opts := append(append(buf[:0], h.base...), extra...)
	return trace.Start(ctx, name, opts...)
}

// finish finishes span with err, unless err is none, redis.Nil, or one
// the error check excludes.
func (h *hook) finish(span *trace.Span, err error) {
	if err != nil && !errors.Is(err, redis.Nil) && h.cfg.errCheck(err) {
		span.Finish(trace.WithError(err))
		return
	}
	span.Finish()
}

// DialHook makes a redis.dial span for each new connection.
func (h *hook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		ctx, span := h.start(ctx, "redis.dial")
		conn, err := next(ctx, network, addr)
		if err != nil {
			span.Finish(trace.WithError(err))
		} else {
			span.Finish()
		}
		return conn, err
	}
}

// ProcessHook makes a span for each command.
func (h *hook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		raw := commandText(ctx, cmd)
		resource := raw
		if i := strings.IndexByte(raw, ' '); i >= 0 {
			resource = raw[:i]
		}
		var extra [3]trace.SpanOption
		opts := append(extra[:0], trace.Resource(resource), trace.Tag("redis.args_length", strconv.Itoa(len(cmd.Args()))))
		if !h.cfg.skipRaw {
			opts = append(opts, trace.Tag("redis.raw_command", raw))
		}
		ctx, span := h.start(ctx, h.cfg.spanName, opts...)
		err := next(ctx, cmd)
		h.finish(span, err)
		return err
	}
}

// ProcessPipelineHook makes one span for each pipeline.
func (h *hook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		var extra [3]trace.SpanOption
		opts := append(extra[:0], trace.Resource("redis.pipeline"), trace.Tag("redis.pipeline_length", strconv.Itoa(len(cmds))))
		if !h.cfg.skipRaw {
			var b strings.Builder
			for i, cmd := range cmds {
				if i > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(commandText(ctx, cmd))
			}
			opts = append(opts, trace.Tag("redis.raw_command", b.String()))
		}
		ctx, span := h.start(ctx, h.cfg.spanName, opts...)
		err := next(ctx, cmds)
		h.finish(span, err)
		return err
	}
}

// commandText is cmd's name and arguments as go-redis writes them
// (Cmder.String), without the result that String appends: a Cmd made of
// the same arguments, with no result, is written as them alone.
func commandText(ctx context.Context, cmd redis.Cmder) string {
	return redis.NewCmd(ctx, cmd.Args()...).String()
}
