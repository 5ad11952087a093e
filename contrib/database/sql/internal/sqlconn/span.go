package sqlconn

import (
	"context"
	"database/sql/driver"
	"errors"
	"math"
	rtrace "runtime/trace"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// ComponentName is the spans' component tag.
const ComponentName = "database/sql"

// keyDBMTraceInjected marks a span whose query carried its trace context
// in a DBM comment.
const keyDBMTraceInjected = "_dd.dbm_trace_injected"

// Now is when an operation starts; its span is made once it is over,
// because an operation the driver skips (driver.ErrSkip) has none.
var Now = time.Now

// Config is how a database's operations are traced. Once a database is
// opened, it is only read: every connection of the database shares it.
type Config struct {
	ServiceName      string
	SpanName         string
	AnalyticsRate    float64 // NaN: none
	IgnoreQueryTypes map[QueryType]struct{}
	ChildSpansOnly   bool
	ErrCheck         func(err error) bool
	Tags             map[string]any
	DBMMode          tracer.DBMPropagationMode
}

// Params is how a database's connections trace: its configuration, the
// driver's name and the tags its DSN gives. It is only read.
type Params struct {
	Cfg        *Config
	DriverName string
	Meta       map[string]string
}

type contextKey struct{}

// WithSpanTags returns a copy of ctx whose tags are set on the spans of
// the operations run with it.
func WithSpanTags(ctx context.Context, tags map[string]string) context.Context {
	return context.WithValue(ctx, contextKey{}, tags)
}

func spanTags(ctx context.Context) map[string]string {
	m, _ := ctx.Value(contextKey{}).(map[string]string)
	return m
}

// Trace records an operation of type qtype that started at start and
// ended now with err, as a span under the one ctx carries: nothing when
// err is driver.ErrSkip (the driver does not implement the operation,
// and database/sql tries another way), when qtype is ignored, or when
// there must be a parent and there is none. spanID, when not zero, is
// the span's id (the one a DBM comment named); injected says that the
// comment carried the trace context.
func (p *Params) Trace(ctx context.Context, qtype QueryType, query string, start time.Time, err error, spanID uint64, injected bool) {
	if err == driver.ErrSkip { // compared as database/sql compares it
		return
	}
	cfg := p.Cfg
	if _, ok := cfg.IgnoreQueryTypes[qtype]; ok {
		return
	}
	if cfg.ChildSpansOnly && trace.SpanFromContext(ctx) == nil {
		return
	}
	sys, _ := DBSystem(p.DriverName)
	ctxTags := spanTags(ctx)
	opts := make([]trace.SpanOption, 0, 10+len(cfg.Tags)+len(p.Meta)+len(ctxTags))
	if injected {
		opts = append(opts, trace.Tag(keyDBMTraceInjected, true))
	}
	opts = append(opts,
		trace.WithSpanID(spanID),
		trace.Service(cfg.ServiceName),
		trace.Type(ext.SpanTypeSQL),
		trace.StartTime(start),
		trace.Tag(ext.Component, ComponentName),
		trace.Tag(ext.SpanKind, ext.SpanKindClient),
		trace.Tag(ext.DBSystem, sys),
	)
	for k, v := range cfg.Tags {
		opts = append(opts, trace.Tag(k, v))
	}
	if !math.IsNaN(cfg.AnalyticsRate) {
		opts = append(opts, trace.Tag(ext.EventSampleRate, cfg.AnalyticsRate))
	}
	resource := string(qtype)
	if query != "" {
		resource = query
	}
	opts = append(opts, trace.Tag("sql.query_type", string(qtype)), trace.Resource(resource))
	for k, v := range p.Meta {
		opts = append(opts, trace.Tag(k, v))
	}
	for k, v := range ctxTags {
		opts = append(opts, trace.Tag(k, v))
	}
	_, span := trace.Start(ctx, cfg.SpanName, opts...)
	if err != nil && (cfg.ErrCheck == nil || cfg.ErrCheck(err)) {
		span.SetTag(ext.Error, err)
	}
	span.Finish()
}

// comment returns query with the DBM comment mode asks for, and the id
// the comment gave the span to come (0 when there is none).
func (p *Params) comment(ctx context.Context, query string, mode tracer.DBMPropagationMode) (string, uint64) {
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
		DBServiceName:  p.Cfg.ServiceName,
		PeerDBHostname: p.Meta[ext.TargetHost],
		PeerDBName:     p.Meta[ext.DBName],
		PeerService:    p.peerService(ctx),
	}
	if err := c.Inject(sc); err != nil {
		return query, 0 // cannot happen: the mode is known
	}
	return c.Query, c.SpanID
}

// peerService is the peer.service the user gave, through WithSpanTags or
// else WithCustomTag, for DBM comments.
func (p *Params) peerService(ctx context.Context) string {
	if v, ok := spanTags(ctx)[ext.PeerService]; ok {
		return v
	}
	v, _ := p.Cfg.Tags[ext.PeerService].(string)
	return v
}

// StartTask starts a runtime/trace task named after qtype when the Go
// execution tracer runs, so that the operation shows there too.
func StartTask(ctx context.Context, qtype QueryType) (context.Context, func()) {
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

// DBSystem is the db.system tag of a driver name: the database it talks
// to when the name is a known one, other_sql otherwise.
func DBSystem(driverName string) (string, bool) {
	switch driverName {
	case "mysql":
		return ext.DBSystemMySQL, true
	case "postgres", "pgx":
		return ext.DBSystemPostgreSQL, true
	case "sqlserver":
		return ext.DBSystemMicrosoftSQLServer, true
	}
	return ext.DBSystemOtherSQL, false
}
