package sqlconn

import (
	"context"
	"database/sql/driver"
)

var (
	_ driver.Stmt              = (*tracedStmt)(nil)
	_ driver.StmtExecContext   = (*tracedStmt)(nil)
	_ driver.StmtQueryContext  = (*tracedStmt)(nil)
	_ driver.NamedValueChecker = (*tracedStmt)(nil)
)

// tracedStmt is a traced prepared statement. Its spans' resource is the
// query it was prepared with, without its DBM comment.
type tracedStmt struct {
	driver.Stmt
	conn  driver.Conn // the wrapped connection
	p     *Params
	ctx   context.Context // PrepareContext's, for Close's span
	query string
}

// Close closes the statement, with a Close span under the span the
// context given to PrepareContext carried.
func (s *tracedStmt) Close() error {
	start := Now()
	ctx, end := StartTask(s.ctx, QueryTypeClose)
	defer end()
	err := s.Stmt.Close()
	s.p.Trace(ctx, QueryTypeClose, "", start, err, 0, false)
	return err
}

// ExecContext runs the statement, with an Exec span.
func (s *tracedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	start := Now()
	e, ok := s.Stmt.(driver.StmtExecContext)
	var dargs []driver.Value
	if !ok {
		var err error
		if dargs, err = namedValueToValue(args); err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	ctx, end := StartTask(ctx, QueryTypeExec)
	defer end()
	var r driver.Result
	var err error
	if ok {
		r, err = e.ExecContext(ctx, args)
	} else {
		r, err = s.Stmt.Exec(dargs) //lint:ignore SA1019 the fallback database/sql itself uses
	}
	s.p.Trace(ctx, QueryTypeExec, s.query, start, err, 0, false)
	return r, err
}

// QueryContext runs the statement, with a Query span.
func (s *tracedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	start := Now()
	q, ok := s.Stmt.(driver.StmtQueryContext)
	var dargs []driver.Value
	if !ok {
		var err error
		if dargs, err = namedValueToValue(args); err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	ctx, end := StartTask(ctx, QueryTypeQuery)
	defer end()
	var rows driver.Rows
	var err error
	if ok {
		rows, err = q.QueryContext(ctx, args)
	} else {
		rows, err = s.Stmt.Query(dargs) //lint:ignore SA1019 the fallback database/sql itself uses
	}
	s.p.Trace(ctx, QueryTypeQuery, s.query, start, err, 0, false)
	return rows, err
}

// CheckNamedValue is the wrapped statement's, else the wrapped
// connection's, else driver.ErrSkip: what database/sql would ask without
// the wrapping (dd-trace-go's statement skips the statement's own).
func (s *tracedStmt) CheckNamedValue(v *driver.NamedValue) error {
	if c, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(v)
	}
	if c, ok := s.conn.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(v)
	}
	return driver.ErrSkip
}
