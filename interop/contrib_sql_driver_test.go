package interop

// The SQLite drivers of the SQL scenarios (contrib_sql_test.go): modernc's
// pure-Go SQLite, wrapped to record the queries it is given (with the DBM
// comments the integrations put before them), under one Go type per name
// it is registered as, because dd-trace-go's registry names a driver after
// its type.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"sync"

	"modernc.org/sqlite"
)

// sqliteConn is what modernc's connections implement.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// sqlRecorder opens SQLite connections that record their queries.
type sqlRecorder struct {
	mu      sync.Mutex
	queries []string
}

func (r *sqlRecorder) open(dsn string) (driver.Conn, error) {
	c, err := (&sqlite.Driver{}).Open(dsn)
	if err != nil {
		return nil, err
	}
	sc, ok := c.(sqliteConn)
	if !ok {
		c.Close()
		return nil, errors.New("modernc's connection lacks an interface the scenarios use")
	}
	return &recordingConn{sqliteConn: sc, r: r}, nil
}

func (r *sqlRecorder) record(q string) {
	r.mu.Lock()
	r.queries = append(r.queries, q)
	r.mu.Unlock()
}

// recorded returns the queries recorded since the first from.
func (r *sqlRecorder) recorded(from int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.queries[min(from, len(r.queries)):]...)
}

func (r *sqlRecorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.queries)
}

type recordingConn struct {
	sqliteConn
	r *sqlRecorder
}

func (c *recordingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	c.r.record(q)
	return c.sqliteConn.PrepareContext(ctx, q)
}

func (c *recordingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	c.r.record(q)
	return c.sqliteConn.ExecContext(ctx, q, args)
}

func (c *recordingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	c.r.record(q)
	return c.sqliteConn.QueryContext(ctx, q, args)
}

// The driver types, one per registered name. plainDriver is registered
// with database/sql only, as plainSQLiteName; unregDriver nowhere.
type (
	sqliteDriver     struct{ *sqlRecorder }
	taggedDriver     struct{ *sqlRecorder }
	postgresDriver   struct{ *sqlRecorder }
	mysqlDriver      struct{ *sqlRecorder }
	sqlserverDriver  struct{ *sqlRecorder }
	plainDriver      struct{ *sqlRecorder }
	unregDriver      struct{ *sqlRecorder }
	sqlDriverConnect struct {
		d    driver.Driver
		path string
	}
)

func (d sqliteDriver) Open(dsn string) (driver.Conn, error)    { return d.open(dsn) }
func (d taggedDriver) Open(dsn string) (driver.Conn, error)    { return d.open(dsn) }
func (d postgresDriver) Open(dsn string) (driver.Conn, error)  { return d.open(dsn) }
func (d mysqlDriver) Open(dsn string) (driver.Conn, error)     { return d.open(dsn) }
func (d sqlserverDriver) Open(dsn string) (driver.Conn, error) { return d.open(dsn) }
func (d plainDriver) Open(dsn string) (driver.Conn, error)     { return d.open(dsn) }
func (d unregDriver) Open(dsn string) (driver.Conn, error)     { return d.open(dsn) }

// Connect opens the SQLite file path whatever DSN the integration is
// told (WithDSN): the tags come from the DSN, the data from the file.
func (c sqlDriverConnect) Connect(context.Context) (driver.Conn, error) { return c.d.Open(c.path) }
func (c sqlDriverConnect) Driver() driver.Driver                        { return c.d }

// sqlDrivers is one side's set of drivers. A side keeps its set for the
// whole test binary: the integrations' registries keep a name's first
// registration.
type sqlDrivers struct {
	rec                                           *sqlRecorder
	sqlite, tagged, postgres, mysql, mssql, unreg driver.Driver
}

func newSQLDrivers() *sqlDrivers {
	r := &sqlRecorder{}
	return &sqlDrivers{rec: r, sqlite: sqliteDriver{r}, tagged: taggedDriver{r}, postgres: postgresDriver{r},
		mysql: mysqlDriver{r}, mssql: sqlserverDriver{r}, unreg: unregDriver{r}}
}

// connector opens path with d.
func (s *sqlDrivers) connector(d driver.Driver, path string) driver.Connector {
	return sqlDriverConnect{d: d, path: path}
}

// plainSQLiteName is the name of a driver registered with database/sql
// only (sql.Register), which both integrations find there: call
// registerPlainSQLite first.
const plainSQLiteName = "interop-plain-sqlite"

var registerPlainSQLite = sync.OnceFunc(func() { sql.Register(plainSQLiteName, plainDriver{&sqlRecorder{}}) })

// The SQL scenarios' driver sets, one per side.
var ddSQLDrivers, ourSQLDrivers = newSQLDrivers(), newSQLDrivers()
