package sql

import (
	"context"
	"database/sql/driver"
	"errors"
	"log/slog"
	"math"
	rtrace "runtime/trace"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/internal/ddlog"
)

// componentName is the spans' component tag.
const componentName = "database/sql"

// keyDBMTraceInjected marks a span whose query carried its trace context
// in a DBM comment.
const keyDBMTraceInjected = "_dd.dbm_trace_injected"

// now is when an operation starts; its span is made once it is over,
// because an operation the driver skips (driver.ErrSkip) has none.
var now = time.Now

// params is how a database's connections trace: its configuration, the
// driver's name and the tags its DSN gives. It is only read.
type params struct {
	cfg        *config
	driverName string
	meta       map[string]string
}

type contextKey struct{}

// WithSpanTags returns a copy of ctx whose tags are set on the spans of
// the operations run with it (a peer.service among them also goes into
// DBM comments). In dd-trace-go v1.74.8 this function has no effect: its
// v1 package stores the tags under a key its v2 code never reads.
func WithSpanTags(ctx context.Context, tags map[string]string) context.Context {
	return context.WithValue(ctx, contextKey{}, tags)
}

func spanTags(ctx context.Context) map[string]string {
	m, _ := ctx.Value(contextKey{}).(map[string]string)
	return m
}

// trace records an operation of type qtype that started at start and
// ended now with err, as a span under the one ctx carries: nothing when
// err is driver.ErrSkip (the driver does not implement the operation,
// and database/sql tries another way), when qtype is ignored, or when
// there must be a parent and there is none. spanID, when not zero, is
// the span's id (the one a DBM comment named); injected says that the
// comment carried the trace context.
func (p *params) trace(ctx context.Context, qtype QueryType, query string, start time.Time, err error, spanID uint64, injected bool) {
	if err == driver.ErrSkip { // compared as database/sql compares it
		return
	}
	cfg := p.cfg
	if _, ok := cfg.ignoreQueryTypes[qtype]; ok {
		return
	}
	if cfg.childSpansOnly && trace.SpanFromContext(ctx) == nil {
		return
	}
	sys, _ := dbSystem(p.driverName)
	ctxTags := spanTags(ctx)
	opts := make([]trace.SpanOption, 0, 10+len(cfg.tags)+len(p.meta)+len(ctxTags))
	if injected {
		opts = append(opts, trace.Tag(keyDBMTraceInjected, true))
	}
	opts = append(opts,
		trace.WithSpanID(spanID),
		trace.Service(cfg.serviceName),
		trace.Type(ext.SpanTypeSQL),
		trace.StartTime(start),
		trace.Tag(ext.Component, componentName),
		trace.Tag(ext.SpanKind, ext.SpanKindClient),
		trace.Tag(ext.DBSystem, sys),
	)
	for k, v := range cfg.tags {
		opts = append(opts, trace.Tag(k, v))
	}
	if !math.IsNaN(cfg.analyticsRate) {
		opts = append(opts, trace.Tag(ext.EventSampleRate, cfg.analyticsRate))
	}
	resource := string(qtype)
	if query != "" {
		resource = query
	}
	opts = append(opts, trace.Tag("sql.query_type", string(qtype)), trace.Resource(resource))
	for k, v := range p.meta {
		opts = append(opts, trace.Tag(k, v))
	}
	for k, v := range ctxTags {
		opts = append(opts, trace.Tag(k, v))
	}
	_, span := trace.Start(ctx, cfg.spanName, opts...)
	if err != nil && (cfg.errCheck == nil || cfg.errCheck(err)) {
		span.SetTag(ext.Error, err)
	}
	span.Finish()
}

// comment returns query with the DBM comment mode asks for, and the id
// the comment gave the span to come (0 when there is none).
func (p *params) comment(ctx context.Context, query string, mode tracer.DBMPropagationMode) (string, uint64) {
	if mode != tracer.DBMPropagationModeService && mode != tracer.DBMPropagationModeFull {
		return query, 0
	}
	var sc tracer.SpanContext
	if s, ok := tracer.SpanFromContext(ctx); ok {
		sc = s.Context()
	}
	c := tracer.SQLCommentCarrier{
		Query:          query,
		Mode:           mode,
		DBServiceName:  p.cfg.serviceName,
		PeerDBHostname: p.meta[ext.TargetHost],
		PeerDBName:     p.meta[ext.DBName],
		PeerService:    p.peerService(ctx),
	}
	if err := c.Inject(sc); err != nil {
		return query, 0 // cannot happen: the mode is known
	}
	return c.Query, c.SpanID
}

// peerService is the peer.service the user gave, through WithSpanTags or
// else WithCustomTag, for DBM comments.
func (p *params) peerService(ctx context.Context) string {
	if v, ok := spanTags(ctx)[ext.PeerService]; ok {
		return v
	}
	v, _ := p.cfg.tags[ext.PeerService].(string)
	return v
}

// effectiveDBMMode is the DBM mode a database's queries get: full
// downgraded to service for SQL Server and Oracle, which cannot take a
// trace context in a comment, and an unknown mode disabled, each said in
// a warning.
func effectiveDBMMode(mode tracer.DBMPropagationMode, driverName string, d driver.Driver, dsn string) tracer.DBMPropagationMode {
	switch mode {
	case tracer.DBMPropagationModeUndefined, tracer.DBMPropagationModeDisabled, tracer.DBMPropagationModeService:
		return mode
	case tracer.DBMPropagationModeFull:
		if sys, ok := fullModeUnsupported(driverName, d, dsn); ok {
			logger().Warn("contrib/database/sql: DBM propagation mode full is not supported for "+sys+"; using service",
				slog.String("driver", driverName))
			return tracer.DBMPropagationModeService
		}
		return mode
	}
	logger().Warn("contrib/database/sql: unknown DBM propagation mode; queries carry no comment",
		slog.String("mode", string(mode)), slog.String("driver", driverName))
	return tracer.DBMPropagationModeDisabled
}

// startTask starts a runtime/trace task named after qtype when the Go
// execution tracer runs, so that the operation shows there too.
func startTask(ctx context.Context, qtype QueryType) (context.Context, func()) {
	if !rtrace.IsEnabled() {
		return ctx, noop
	}
	ctx, task := rtrace.NewTask(ctx, string(qtype))
	return ctx, task.End
}

func noop() {}

var errNamedArgs = errors.New("sql: driver does not support the use of Named Parameters")

// namedValueToValue turns arguments into those of the pre-context driver
// interfaces, as database/sql does.
func namedValueToValue(named []driver.NamedValue) ([]driver.Value, error) {
	args := make([]driver.Value, len(named))
	for i, nv := range named {
		if nv.Name != "" {
			return nil, errNamedArgs
		}
		args[i] = nv.Value
	}
	return args, nil
}

// logger is where the integration's warnings go: the logger
// ddtrace.UseLogger installed, else slog's default.
func logger() *slog.Logger {
	if l := ddlog.Get(); l != nil {
		return slog.New(ddlog.Handler(l, slog.LevelWarn))
	}
	return slog.Default()
}
