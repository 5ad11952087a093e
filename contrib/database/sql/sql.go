package sql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sync"

	"github.com/ctxtrace/trace/contrib/database/sql/internal/dsn"
	"github.com/ctxtrace/trace/contrib/database/sql/internal/sqlconn"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

func init() { tracer.MarkIntegrationImported("database/sql") }

// registry holds the drivers given to Register.
var registry = struct {
	sync.RWMutex
	names   map[reflect.Type]string // driver type -> name
	drivers map[string]driver.Driver
	configs map[string]*config
}{names: map[reflect.Type]string{}, drivers: map[string]driver.Driver{}, configs: map[string]*config{}}

// registered returns the driver and configuration registered as name.
func registered(name string) (driver.Driver, *config, bool) {
	registry.RLock()
	defer registry.RUnlock()
	rc, ok := registry.configs[name]
	return registry.drivers[name], rc, ok
}

// nameOf returns the name d's type was last registered under.
func nameOf(d driver.Driver) (string, bool) {
	registry.RLock()
	defer registry.RUnlock()
	name, ok := registry.names[reflect.TypeOf(d)]
	return name, ok
}

// Register tells the integration about a driver, under the name Open will
// be given: the driver's spans are named "<name>.query", and their
// service defaults to "<name>.db". opts apply to every database Open or
// OpenDB opens with the driver, before their own. Only the first
// registration of a name counts. A nil driver is ignored (dd-trace-go
// panics).
func Register(driverName string, driver driver.Driver, opts ...RegisterOption) {
	if driver == nil {
		return
	}
	if _, _, ok := registered(driverName); ok {
		return
	}
	c := new(config)
	defaults(c, driverName, nil)
	applyOptions(c, opts)
	registry.Lock()
	defer registry.Unlock()
	if _, ok := registry.configs[driverName]; ok {
		return
	}
	registry.names[reflect.TypeOf(driver)] = driverName
	registry.drivers[driverName] = driver
	registry.configs[driverName] = c
}

// Open opens a database with the driver registered as driverName,
// traced. A driver that was not registered is taken from database/sql's
// registry (sql.Register) and registered with no options. The data
// source name gives the spans their tags (db.user, db.name, out.host...,
// see WithDSN).
func Open(driverName, dataSourceName string, opts ...Option) (*sql.DB, error) {
	d, _, ok := registered(driverName)
	if !ok {
		db, err := sql.Open(driverName, dataSourceName)
		if err != nil {
			return nil, err
		}
		d = db.Driver()
		_ = db.Close()
		Register(driverName, d)
	}
	if dc, ok := d.(driver.DriverContext); ok {
		c, err := dc.OpenConnector(dataSourceName)
		if err != nil {
			return nil, err
		}
		return openDB(driverName, c, dataSourceName, opts), nil
	}
	return openDB(driverName, dsnConnector{dsn: dataSourceName, d: d}, dataSourceName, opts), nil
}

// OpenDB opens a database with c, traced. The driver's name is the one
// its type was registered under, else its type ("*pq.Driver"). Give the
// data source name with WithDSN for the spans to have its tags. A nil c
// gives a database whose every use fails.
func OpenDB(c driver.Connector, opts ...Option) *sql.DB {
	if c == nil {
		return sql.OpenDB(failingConnector{})
	}
	name, ok := nameOf(c.Driver())
	if !ok {
		name = fmt.Sprintf("%T", c.Driver())
	}
	return openDB(name, c, "", opts)
}

// openDB opens a database with c, traced as the driver registered (or
// named) name. dsn is the data source name Open was given, "" from
// OpenDB.
func openDB(name string, c driver.Connector, dataSourceName string, opts []Option) *sql.DB {
	cfg := new(config)
	_, rc, _ := registered(name)
	defaults(cfg, name, rc)
	applyOptions(cfg, opts)
	if dataSourceName != "" {
		cfg.dsn = dataSourceName // as in dd-trace-go, over WithDSN
	}
	cfg.DBMMode = effectiveDBMMode(cfg.DBMMode, name, c.Driver(), cfg.dsn)
	p := &sqlconn.Params{Cfg: &cfg.Config, DriverName: name}
	if cfg.dsn != "" {
		p.Meta = dsn.Parse(name, cfg.dsn)
	}
	tc := &tracedConnector{connector: c, p: p, closed: make(chan struct{})}
	db := sql.OpenDB(tc)
	if cfg.dbStats {
		startDBStats(db, cfg, tc.closed)
	}
	return db
}

func applyOptions(c *config, opts []Option) {
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
}

// tracedConnector makes traced connections, and stops the DB stats when
// the database is closed.
type tracedConnector struct {
	connector driver.Connector
	p         *sqlconn.Params
	closeOnce sync.Once
	closed    chan struct{}
}

// Connect opens a connection, with a Connect span.
func (t *tracedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	start := sqlconn.Now()
	ctx, end := sqlconn.StartTask(ctx, QueryTypeConnect)
	defer end()
	conn, err := t.connector.Connect(ctx)
	t.p.Trace(ctx, QueryTypeConnect, "", start, err, 0, false)
	if err != nil {
		return nil, err
	}
	return &TracedConn{sqlconn.Wrap(conn, t.p)}, nil
}

// Driver returns the connector's driver.
func (t *tracedConnector) Driver() driver.Driver { return t.connector.Driver() }

// Close is called by sql.DB.Close: it stops the DB stats and closes the
// wrapped connector when it can be closed (dd-trace-go leaves it open).
func (t *tracedConnector) Close() error {
	var err error
	t.closeOnce.Do(func() {
		close(t.closed)
		if c, ok := t.connector.(io.Closer); ok {
			err = c.Close()
		}
	})
	return err
}

// dsnConnector opens connections with a driver that has no connector, as
// sql.Open does.
type dsnConnector struct {
	dsn string
	d   driver.Driver
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.d }

var errNilConnector = errors.New("contrib/database/sql: OpenDB was given a nil driver.Connector")

// failingConnector is the connector of OpenDB(nil).
type failingConnector struct{}

func (failingConnector) Connect(context.Context) (driver.Conn, error) { return nil, errNilConnector }
func (failingConnector) Driver() driver.Driver                        { return failingDriver{} }

type failingDriver struct{}

func (failingDriver) Open(string) (driver.Conn, error) { return nil, errNilConnector }
