// Package sqltest is a database/sql driver for the tests of the SQL
// integrations (contrib/database/sql, contrib/jmoiron/sqlx,
// contrib/gorm.io/gorm.v1): it runs no SQL, records every query it is
// given, and answers by a few words in the query, so a test can make any
// call fail or succeed without a database server.
//
//   - A query containing "fail" fails with an error naming the query.
//   - A query containing "skip" returns driver.ErrSkip, as a driver does
//     for a method it does not implement.
//   - Any other query succeeds: Exec reports one row affected and last
//     insert id 1; Query returns one column "n" with one row, 1, or no
//     row when the query contains "empty".
//
// A Driver's Kind chooses which of database/sql's optional interfaces its
// connections implement: all of them (Full), only the pre-context ones
// (Legacy), or none beyond driver.Conn (Minimal).
package sqltest

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"strings"
	"sync"
)

// Kind is the set of optional interfaces a Driver's connections implement.
type Kind int

const (
	// Full connections implement ExecerContext, QueryerContext,
	// ConnPrepareContext, ConnBeginTx, Pinger, SessionResetter,
	// Validator and NamedValueChecker; their statements implement
	// StmtExecContext and StmtQueryContext.
	Full Kind = iota
	// Legacy connections implement Execer and Queryer only.
	Legacy
	// Minimal connections implement driver.Conn only: database/sql
	// prepares every query. Legacy and Minimal statements implement
	// driver.Stmt only.
	Minimal
)

// Driver is the test driver. Its zero value is a Full driver. It is safe
// for concurrent use.
type Driver struct {
	Kind Kind
	// OpenErr, when set, is what Open returns.
	OpenErr error

	mu      sync.Mutex
	queries []string
	dsns    []string
}

// Open returns a new connection, recording the data source name.
func (d *Driver) Open(dsn string) (driver.Conn, error) {
	d.mu.Lock()
	d.dsns = append(d.dsns, dsn)
	d.mu.Unlock()
	if d.OpenErr != nil {
		return nil, d.OpenErr
	}
	c := &conn{d: d}
	switch d.Kind {
	case Legacy:
		return &legacyConn{c}, nil
	case Minimal:
		return &minimalConn{c}, nil
	}
	return &fullConn{c}, nil
}

// Queries returns the queries the driver was given, in order, as it got
// them (with any comment an integration put before them).
func (d *Driver) Queries() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.queries...)
}

// DSNs returns the data source names Open was given, in order.
func (d *Driver) DSNs() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.dsns...)
}

// Connector returns a driver.Connector that opens d's connections with
// dsn.
func (d *Driver) Connector(dsn string) driver.Connector { return connector{d, dsn} }

type connector struct {
	d   *Driver
	dsn string
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.d.Open(c.dsn) }
func (c connector) Driver() driver.Driver                        { return c.d }

// run records query and answers it as the package doc says.
func (d *Driver) run(query string) error {
	d.mu.Lock()
	d.queries = append(d.queries, query)
	d.mu.Unlock()
	switch {
	case strings.Contains(query, "fail"):
		return errors.New("sqltest: failed: " + query)
	case strings.Contains(query, "skip"):
		return driver.ErrSkip
	}
	return nil
}

// conn is what every kind of connection does.
type conn struct{ d *Driver }

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	if err := c.d.run(query); err != nil {
		return nil, err
	}
	s := &stmt{c: c, query: query}
	if c.d.Kind == Full {
		return &ctxStmt{s}, nil
	}
	return s, nil
}

func (c *conn) Close() error { return nil }

func (c *conn) Begin() (driver.Tx, error) {
	if err := c.d.run("BEGIN"); err != nil {
		return nil, err
	}
	return tx{c}, nil
}

func (c *conn) exec(query string) (driver.Result, error) {
	if err := c.d.run(query); err != nil {
		return nil, err
	}
	return result{}, nil
}

func (c *conn) query(query string) (driver.Rows, error) {
	if err := c.d.run(query); err != nil {
		return nil, err
	}
	return &rows{done: strings.Contains(query, "empty")}, nil
}

type minimalConn struct{ *conn }

type legacyConn struct{ *conn }

func (c *legacyConn) Exec(query string, _ []driver.Value) (driver.Result, error) {
	return c.exec(query)
}

func (c *legacyConn) Query(query string, _ []driver.Value) (driver.Rows, error) {
	return c.query(query)
}

type fullConn struct{ *conn }

func (c *fullConn) ExecContext(_ context.Context, query string, _ []driver.NamedValue) (driver.Result, error) {
	return c.exec(query)
}

func (c *fullConn) QueryContext(_ context.Context, query string, _ []driver.NamedValue) (driver.Rows, error) {
	return c.query(query)
}

func (c *fullConn) PrepareContext(_ context.Context, query string) (driver.Stmt, error) {
	return c.Prepare(query)
}

func (c *fullConn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) { return c.Begin() }
func (c *fullConn) Ping(context.Context) error                                   { return c.d.run("PING") }
func (c *fullConn) ResetSession(context.Context) error                           { return nil }
func (c *fullConn) IsValid() bool                                                { return true }

// CheckNamedValue accepts every argument as it is, named ones included.
func (c *fullConn) CheckNamedValue(*driver.NamedValue) error { return nil }

type stmt struct {
	c     *conn
	query string
}

func (s *stmt) Close() error  { return nil }
func (s *stmt) NumInput() int { return -1 }

func (s *stmt) Exec([]driver.Value) (driver.Result, error) { return s.c.exec(s.query) }
func (s *stmt) Query([]driver.Value) (driver.Rows, error)  { return s.c.query(s.query) }

// ctxStmt is a Full connection's statement.
type ctxStmt struct{ *stmt }

func (s *ctxStmt) ExecContext(context.Context, []driver.NamedValue) (driver.Result, error) {
	return s.c.exec(s.query)
}

func (s *ctxStmt) QueryContext(context.Context, []driver.NamedValue) (driver.Rows, error) {
	return s.c.query(s.query)
}

type tx struct{ c *conn }

func (t tx) Commit() error   { return t.c.d.run("COMMIT") }
func (t tx) Rollback() error { return t.c.d.run("ROLLBACK") }

type result struct{}

func (result) LastInsertId() (int64, error) { return 1, nil }
func (result) RowsAffected() (int64, error) { return 1, nil }

type rows struct{ done bool }

func (r *rows) Columns() []string { return []string{"n"} }
func (r *rows) Close() error      { return nil }

func (r *rows) Next(dest []driver.Value) error {
	if r.done {
		return io.EOF
	}
	r.done = true
	dest[0] = int64(1)
	return nil
}
