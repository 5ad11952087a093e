// Package sqlconn is contrib/database/sql's traced connection, statement
// and transaction: the spans of a database's operations. The public
// package's TracedConn embeds this package's, as dd-trace-go v1's embeds
// its v2's.
package sqlconn

import (
	"context"
	"database/sql/driver"

	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// QueryType is the kind of operation a span stands for: its
// sql.query_type tag, and its resource when there is no query.
type QueryType string

// The query types.
const (
	// QueryTypeConnect is used for Connect traces.
	QueryTypeConnect QueryType = "Connect"
	// QueryTypeQuery is used for Query traces.
	QueryTypeQuery = "Query"
	// QueryTypePing is used for Ping traces.
	QueryTypePing = "Ping"
	// QueryTypePrepare is used for Prepare traces.
	QueryTypePrepare = "Prepare"
	// QueryTypeExec is used for Exec traces.
	QueryTypeExec = "Exec"
	// QueryTypeBegin is used for Begin traces.
	QueryTypeBegin = "Begin"
	// QueryTypeClose is used for Close traces.
	QueryTypeClose = "Close"
	// QueryTypeCommit is used for Commit traces.
	QueryTypeCommit = "Commit"
	// QueryTypeRollback is used for Rollback traces.
	QueryTypeRollback = "Rollback"
)

var (
	_ driver.Conn               = (*TracedConn)(nil)
	_ driver.ConnBeginTx        = (*TracedConn)(nil)
	_ driver.ConnPrepareContext = (*TracedConn)(nil)
	_ driver.ExecerContext      = (*TracedConn)(nil)
	_ driver.QueryerContext     = (*TracedConn)(nil)
	_ driver.Pinger             = (*TracedConn)(nil)
	_ driver.NamedValueChecker  = (*TracedConn)(nil)
	_ driver.SessionResetter    = (*TracedConn)(nil)
	_ driver.Validator          = (*TracedConn)(nil)
)

// TracedConn is a traced connection. It implements database/sql's
// optional interfaces whether or not the wrapped connection does, falling
// back as database/sql would without them.
type TracedConn struct {
	driver.Conn
	p *Params
}

// Wrap returns conn traced with p.
func Wrap(conn driver.Conn, p *Params) TracedConn { return TracedConn{Conn: conn, p: p} }

// WrappedConn returns the wrapped connection.
func (tc *TracedConn) WrappedConn() driver.Conn { return tc.Conn }

// BeginTx starts a transaction, with a Begin span. Its Commit and
// Rollback have spans of their own, under the span ctx carries.
func (tc *TracedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	start := Now()
	ctx, end := StartTask(ctx, QueryTypeBegin)
	defer end()
	var tx driver.Tx
	var err error
	if b, ok := tc.Conn.(driver.ConnBeginTx); ok {
		tx, err = b.BeginTx(ctx, opts)
	} else {
		tx, err = tc.Conn.Begin() //lint:ignore SA1019 the fallback database/sql itself uses
	}
	tc.p.Trace(ctx, QueryTypeBegin, "", start, err, 0, false)
	if err != nil {
		return nil, err
	}
	return &tracedTx{Tx: tx, p: tc.p, ctx: ctx}, nil
}

// PrepareContext prepares a statement, with a Prepare span. Its Exec,
// Query and Close have spans of their own; Close's is under the span
// ctx carries. A DBM comment (WithDBMPropagation) carries the service
// tags only: a statement outlives the span it is prepared in.
func (tc *TracedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	start := Now()
	mode := tc.p.Cfg.DBMMode
	if mode == tracer.DBMPropagationModeFull {
		mode = tracer.DBMPropagationModeService
	}
	cquery, spanID := tc.p.comment(ctx, query, mode)
	ctx, end := StartTask(ctx, QueryTypePrepare)
	defer end()
	var st driver.Stmt
	var err error
	if p, ok := tc.Conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, cquery)
	} else {
		st, err = tc.Conn.Prepare(cquery)
	}
	tc.p.Trace(ctx, QueryTypePrepare, query, start, err, spanID, false)
	if err != nil {
		return nil, err
	}
	return &tracedStmt{Stmt: st, conn: tc.Conn, p: tc.p, ctx: ctx, query: query}, nil
}

// ExecContext runs a query that returns no rows, with an Exec span. A
// wrapped connection without Execer or ExecerContext gets driver.ErrSkip,
// and no span: database/sql then prepares the query.
func (tc *TracedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	start := Now()
	var run func(ctx context.Context, query string) (driver.Result, error)
	switch e := tc.Conn.(type) {
	case driver.ExecerContext:
		run = func(ctx context.Context, q string) (driver.Result, error) { return e.ExecContext(ctx, q, args) }
	case driver.Execer: //lint:ignore SA1019 the fallback database/sql itself uses
		dargs, err := namedValueToValue(args)
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		run = func(_ context.Context, q string) (driver.Result, error) { return e.Exec(q, dargs) }
	default:
		return nil, driver.ErrSkip
	}
	mode := tc.p.Cfg.DBMMode
	cquery, spanID := tc.p.comment(ctx, query, mode)
	ctx, end := StartTask(ctx, QueryTypeExec)
	defer end()
	r, err := run(ctx, cquery)
	tc.p.Trace(ctx, QueryTypeExec, query, start, err, spanID, mode == tracer.DBMPropagationModeFull)
	return r, err
}

// QueryContext runs a query that returns rows, with a Query span. A
// wrapped connection without Queryer or QueryerContext gets
// driver.ErrSkip, and no span: database/sql then prepares the query.
func (tc *TracedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	start := Now()
	var run func(ctx context.Context, query string) (driver.Rows, error)
	switch q := tc.Conn.(type) {
	case driver.QueryerContext:
		run = func(ctx context.Context, s string) (driver.Rows, error) { return q.QueryContext(ctx, s, args) }
	case driver.Queryer: //lint:ignore SA1019 the fallback database/sql itself uses
		dargs, err := namedValueToValue(args)
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		run = func(_ context.Context, s string) (driver.Rows, error) { return q.Query(s, dargs) }
	default:
		return nil, driver.ErrSkip
	}
	mode := tc.p.Cfg.DBMMode
	cquery, spanID := tc.p.comment(ctx, query, mode)
	ctx, end := StartTask(ctx, QueryTypeQuery)
	defer end()
	rows, err := run(ctx, cquery)
	tc.p.Trace(ctx, QueryTypeQuery, query, start, err, spanID, mode == tracer.DBMPropagationModeFull)
	return rows, err
}

// Ping checks the connection, with a Ping span (as dd-trace-go, also when
// the wrapped connection has no Ping, which then succeeds).
func (tc *TracedConn) Ping(ctx context.Context) error {
	start := Now()
	var err error
	if p, ok := tc.Conn.(driver.Pinger); ok {
		var end func()
		ctx, end = StartTask(ctx, QueryTypePing)
		err = p.Ping(ctx)
		end()
	}
	tc.p.Trace(ctx, QueryTypePing, "", start, err, 0, false)
	return err
}

// CheckNamedValue is the wrapped connection's, or driver.ErrSkip (which
// makes database/sql convert the value itself).
func (tc *TracedConn) CheckNamedValue(v *driver.NamedValue) error {
	if c, ok := tc.Conn.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(v)
	}
	return driver.ErrSkip
}

// ResetSession is the wrapped connection's, or does nothing.
func (tc *TracedConn) ResetSession(ctx context.Context) error {
	if r, ok := tc.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

// IsValid is the wrapped connection's, or true: database/sql discards a
// connection that says it is not valid. dd-trace-go's TracedConn lacks
// it, so a connection the driver knows is broken goes back to the pool.
func (tc *TracedConn) IsValid() bool {
	if v, ok := tc.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}
