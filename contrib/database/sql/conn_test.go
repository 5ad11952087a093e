package sql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/contrib/database/sql/internal/sqlconn"
	"github.com/ctxtrace/trace/contrib/internal/sqltest"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

func TestNilInput(t *testing.T) {
	Register("nil-driver", nil)
	if _, _, ok := registered("nil-driver"); ok {
		t.Error("a nil driver was registered")
	}
	db := OpenDB(nil)
	defer db.Close()
	if err := db.Ping(); !errors.Is(err, errNilConnector) {
		t.Errorf("Ping = %v, want %v", err, errNilConnector)
	}
	name, _ := register(t, sqltest.Full, nil)
	open(t, name, "", nil).Exec("UPDATE t")
}

// closingConnector counts its Close calls. Its driver is of a type
// never registered.
type closingConnector struct {
	driver.Connector
	closed int
}

func (c *closingConnector) Close() error          { c.closed++; return nil }
func (c *closingConnector) Driver() driver.Driver { return unregisteredDriver{} }

type unregisteredDriver struct{ driver.Driver }

func TestOpenDB(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	d := &sqltest.Driver{}
	c := &closingConnector{Connector: d.Connector("postgres://h:1/db")}
	db := OpenDB(c, WithDSN("postgres://bob@h:1/db"))
	db.Ping()
	db.Close()
	db.Close()
	if c.closed != 1 {
		t.Errorf("the wrapped connector was closed %d times, want once", c.closed)
	}
	spans := mt.FinishedSpans()
	if len(spans) != 2 {
		t.Fatalf("spans %v", spans)
	}
	// Not registered: named after its type; the DSN's scheme says how to
	// read it.
	if n, u := spans[1].OperationName(), spans[1].Tag("db.user"); n != "sql.unregisteredDriver.query" || u != "bob" {
		t.Errorf("name %q, db.user %v", n, u)
	}
}

func TestOpenUnregistered(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	name := fmt.Sprintf("sqltest-std%d", driverSeq.Add(1))
	sql.Register(name, &sqltest.Driver{})
	db, err := Open(name, "x")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Exec("UPDATE t")
	if s := mt.FinishedSpans(); len(s) != 2 || s[1].OperationName() != name+".query" {
		t.Errorf("spans %v", s)
	}
	if _, err := Open("no-such-driver", ""); err == nil {
		t.Error("Open of an unknown driver succeeded")
	}
}

func TestServiceAndSpanNames(t *testing.T) {
	rc := &config{Config: sqlconn.Config{ServiceName: "registered"}}
	for _, c := range []struct {
		remove, v1       bool
		tracer, ddSvc    string
		wantSvc, wantOp  string
		driver           string
		registeredConfig *config
	}{
		{driver: "mysql", wantSvc: "mysql.db", wantOp: "mysql.query"},
		{driver: "mysql", registeredConfig: rc, tracer: "app", wantSvc: "registered", wantOp: "mysql.query"},
		{driver: "mysql", registeredConfig: rc, remove: true, tracer: "app", wantSvc: "app", wantOp: "mysql.query"},
		{driver: "mysql", registeredConfig: rc, remove: true, ddSvc: "env-svc", wantSvc: "env-svc", wantOp: "mysql.query"},
		{driver: "mysql", registeredConfig: rc, remove: true, wantSvc: "registered", wantOp: "mysql.query"},
		{driver: "pgx", v1: true, tracer: "app", wantSvc: "app", wantOp: "postgresql.query"},
		{driver: "sqlite", v1: true, wantSvc: "sqlite.db", wantOp: "sqlite.query"},
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			globalconfig.SetRemoveIntegrationServiceNames(c.remove)
			t.Cleanup(func() { globalconfig.SetRemoveIntegrationServiceNames(false) })
			if c.tracer != "" {
				tr := trace.New(trace.WithService(c.tracer), trace.WithExporter(trace.Discard))
				trace.SetDefault(tr)
				t.Cleanup(func() {
					trace.SetDefault(nil)
					tr.Shutdown(context.Background())
				})
			}
			t.Setenv("DD_SERVICE", c.ddSvc)
			if c.v1 {
				t.Setenv("DD_TRACE_SPAN_ATTRIBUTE_SCHEMA", "V1")
			}
			cfg := new(config)
			defaults(cfg, c.driver, c.registeredConfig)
			if cfg.ServiceName != c.wantSvc || cfg.SpanName != c.wantOp {
				t.Errorf("service %q, span name %q; want %q, %q", cfg.ServiceName, cfg.SpanName, c.wantSvc, c.wantOp)
			}
		})
	}
}

func TestNamedArgsOnLegacyDriver(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	name, _ := register(t, sqltest.Legacy, WithIgnoreQueryTypes(QueryTypeConnect))
	db := open(t, name, "")
	if _, err := db.Exec("UPDATE t SET a = :a", sql.Named("a", 1)); err == nil {
		t.Error("a legacy driver took a named argument")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.QueryContext(ctx, "SELECT 1"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if s := mt.FinishedSpans(); len(s) != 0 {
		t.Errorf("spans for calls that did not run: %v", s)
	}
}
