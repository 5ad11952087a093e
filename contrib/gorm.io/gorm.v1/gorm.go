// Package gorm traces gorm.io/gorm, as dd-trace-go v1.74.8's
// contrib/gorm.io/gorm.v1 does (same API, same spans): each create,
// query, update, delete, row and raw operation gets a span named
// "gorm.create", "gorm.query", "gorm.update", "gorm.delete",
// "gorm.row_query" or "gorm.raw_query", with the service "gorm.db", the
// type "sql", the component "gorm.io/gorm.v1", and the SQL gorm built as
// its resource. Give the dialector a database opened with this module's
// contrib/database/sql for the queries under each operation to have
// spans too:
//
//	sqlDB, err := sqltrace.Open("pgx", dsn)
//	db, err := gormtrace.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{})
//
// Operations run with a context (db.WithContext(ctx)) join its trace.
// Dry runs (gorm.Session{DryRun: true}) make no span.
//
// Supported: gorm.io/gorm v1.31.2 and later v1 releases. This module
// requires v1.31.2, with which it is tested; the package uses only the
// callback API, Statement.Context, Statement.SQL and Config.DryRun, which
// gorm has had since v1.20.
//
// Differences from dd-trace-go v1.74.8, where its behaviour is a slip:
// WithCustomTag's functions run after the operation, as documented (dd
// runs them before); WithErrorCheck's function is not called without an
// error; a context that already carries a span is left as it was once
// the operation is done, so later operations on a reused statement are
// not made children of a finished span, and a span the integration did
// not start is never finished by it; the service follows
// DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED and schema v1; App Analytics reads
// DD_TRACE_GORM_ANALYTICS_ENABLED; a nil Option is skipped.
package gorm

import (
	"context"
	"math"

	"gorm.io/gorm"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// componentName is the spans' component tag.
const componentName = "gorm.io/gorm.v1"

func init() { tracer.MarkIntegrationImported("gorm.io/gorm.v1") }

// Open opens a database with gorm.Open (cfg may be nil) and traces it.
func Open(dialector gorm.Dialector, cfg *gorm.Config, opts ...Option) (*gorm.DB, error) {
	var db *gorm.DB
	var err error
	if cfg != nil {
		db, err = gorm.Open(dialector, cfg)
	} else {
		db, err = gorm.Open(dialector)
	}
	if err != nil {
		return db, err
	}
	return db, registerCallbacks(db, newConfig(opts))
}

// NewTracePlugin returns a gorm.Plugin that traces the database it is
// given to (db.Use).
func NewTracePlugin(opts ...Option) gorm.Plugin { return plugin{opts} }

type plugin struct{ opts []Option }

// Name is dd-trace-go's name for the plugin.
func (plugin) Name() string { return "DDTracePlugin" }

// Initialize registers the plugin's callbacks.
func (p plugin) Initialize(db *gorm.DB) error { return registerCallbacks(db, newConfig(p.opts)) }

// registrar is a gorm callback being placed (Before or After another).
type registrar interface {
	Register(name string, fn func(*gorm.DB)) error
}

// registerCallbacks registers, around each of gorm's operations, the
// callbacks that start and finish its span, under dd-trace-go's names.
func registerCallbacks(db *gorm.DB, c *config) error {
	cb := db.Callback()
	for _, op := range [...]struct {
		before, after registrar
		name, span    string
	}{
		{cb.Create().Before("gorm:create"), cb.Create().After("gorm:create"), "create", "gorm.create"},
		{cb.Update().Before("gorm:update"), cb.Update().After("gorm:update"), "update", "gorm.update"},
		{cb.Delete().Before("gorm:delete"), cb.Delete().After("gorm:delete"), "delete", "gorm.delete"},
		{cb.Query().Before("gorm:query"), cb.Query().After("gorm:query"), "query", "gorm.query"},
		{cb.Row().Before("gorm:row"), cb.Row().After("gorm:row"), "row_query", "gorm.row_query"},
		{cb.Raw().Before("gorm:raw"), cb.Raw().After("gorm:raw"), "raw_query", "gorm.raw_query"},
	} {
		span := op.span
		if err := op.before.Register("dd-trace-go:before_"+op.name, func(db *gorm.DB) { before(db, span, c) }); err != nil {
			return err
		}
		if err := op.after.Register("dd-trace-go:after_"+op.name, func(db *gorm.DB) { after(db, c) }); err != nil {
			return err
		}
	}
	return nil
}

// started is what before leaves in the statement's context for after.
type started struct {
	span   *trace.Span
	parent context.Context // the statement's context before
}

type startedKey struct{}

// traced reports whether db's operation is one to trace: not a dry run,
// and with a statement and a context.
func traced(db *gorm.DB) bool {
	return db.Statement != nil && db.Statement.Context != nil && db.Config != nil && !db.Config.DryRun
}

// before starts the operation's span under the statement's context, and
// makes the span's context the statement's.
func before(db *gorm.DB, name string, c *config) {
	if !traced(db) {
		return
	}
	parent := db.Statement.Context
	opts := []trace.SpanOption{trace.Service(c.serviceName), trace.Type(ext.SpanTypeSQL), trace.Tag(ext.Component, componentName)}
	if !math.IsNaN(c.analyticsRate) {
		opts = append(opts, trace.Tag(ext.EventSampleRate, c.analyticsRate))
	}
	ctx, span := trace.Start(parent, name, opts...)
	db.Statement.Context = context.WithValue(ctx, startedKey{}, &started{span: span, parent: parent})
}

// after finishes the span before started, with the SQL gorm built as its
// resource, and gives the statement its context back.
func after(db *gorm.DB, c *config) {
	if !traced(db) {
		return
	}
	st, ok := db.Statement.Context.Value(startedKey{}).(*started)
	if !ok || st.span.IsFinished() {
		return
	}
	db.Statement.Context = st.parent
	st.span.SetTag(ext.ResourceName, db.Statement.SQL.String())
	for k, fn := range c.tagFns {
		st.span.SetTag(k, fn(db))
	}
	var err error
	if db.Error != nil && (c.errCheck == nil || c.errCheck(db.Error)) {
		err = db.Error
	}
	st.span.Finish(trace.WithError(err))
}
