package sql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace/contrib/database/sql/internal/sqlconn"
	"github.com/ctxtrace/trace/contrib/internal/sqltest"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

var driverSeq atomic.Int64

// register registers a new test driver under a name of its own (the
// registry is global and keeps the first registration of a name).
func register(t *testing.T, kind sqltest.Kind, opts ...Option) (string, *sqltest.Driver) {
	t.Helper()
	d := &sqltest.Driver{Kind: kind}
	name := fmt.Sprintf("sqltest%d", driverSeq.Add(1))
	Register(name, d, opts...)
	return name, d
}

func open(t *testing.T, name, dsn string, opts ...Option) *sql.DB {
	t.Helper()
	db, err := Open(name, dsn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// row is what the tests read of a span.
type row struct {
	Type, Resource, Parent string
	Err                    bool
}

// rows lists the finished spans of the integration as rows, in the order
// they finished; parent is "root" for the span named root, "" for none.
func rows(mt mocktracer.Tracer) []row {
	var out []row
	names := map[uint64]string{}
	for _, s := range mt.FinishedSpans() {
		names[s.SpanID()] = s.OperationName()
	}
	for _, s := range mt.FinishedSpans() {
		if s.Integration() != sqlconn.ComponentName {
			continue
		}
		qt, _ := s.Tag("sql.query_type").(string)
		res, _ := s.Tag(ext.ResourceName).(string)
		out = append(out, row{qt, res, names[s.ParentID()], s.Tag(ext.Error) != nil})
	}
	return out
}

func TestSpans(t *testing.T) {
	for _, kind := range []sqltest.Kind{sqltest.Full, sqltest.Legacy} {
		t.Run(fmt.Sprint(kind), func(t *testing.T) {
			mt := mocktracer.Start()
			defer mt.Stop()
			name, _ := register(t, kind)
			db := open(t, name, "")
			root, ctx := tracer.StartSpanFromContext(context.Background(), "root")
			mustExec(t, db, ctx, "CREATE TABLE t (n int)")
			var n int
			if err := db.QueryRowContext(ctx, "SELECT n FROM t").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, "fail here"); err == nil {
				t.Error("want the driver's error")
			}
			st, err := db.PrepareContext(ctx, "INSERT INTO t VALUES (?)")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.ExecContext(context.Background(), 1); err != nil {
				t.Fatal(err)
			}
			st.Close()
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			tx.Commit()
			tx, _ = db.BeginTx(ctx, nil)
			tx.Rollback()
			db.PingContext(ctx)
			root.Finish()

			want := []row{
				{"Connect", "Connect", "root", false},
				{"Exec", "CREATE TABLE t (n int)", "root", false},
				{"Query", "SELECT n FROM t", "root", false},
				{"Exec", "fail here", "root", true},
				{"Prepare", "INSERT INTO t VALUES (?)", "root", false},
				{"Exec", "INSERT INTO t VALUES (?)", "", false},
				{"Close", "Close", "root", false},
				{"Begin", "Begin", "root", false},
				{"Commit", "Commit", "root", false},
				{"Begin", "Begin", "root", false},
				{"Rollback", "Rollback", "root", false},
				{"Ping", "Ping", "root", false},
			}
			if diff := cmp.Diff(want, rows(mt)); diff != "" {
				t.Errorf("spans (-want +got):\n%s", diff)
			}
			for _, s := range mt.FinishedSpans() {
				if s.Integration() != sqlconn.ComponentName {
					continue
				}
				got := map[string]any{"name": s.OperationName()}
				for _, k := range []string{ext.ServiceName, ext.SpanType, ext.SpanKind, ext.DBSystem} {
					got[k] = s.Tag(k)
				}
				want := map[string]any{"name": name + ".query", ext.ServiceName: name + ".db", ext.SpanType: "sql",
					ext.SpanKind: "client", ext.DBSystem: "other_sql"}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s span (-want +got):\n%s", s.Tag("sql.query_type"), diff)
				}
			}
		})
	}
}

func mustExec(t *testing.T, db *sql.DB, ctx context.Context, q string) {
	t.Helper()
	if _, err := db.ExecContext(ctx, q); err != nil {
		t.Fatal(err)
	}
}

// TestSkip: a driver without the pre-prepared paths (Minimal), or one that
// answers driver.ErrSkip, makes no span for the skipped attempt.
func TestSkip(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	name, _ := register(t, sqltest.Minimal)
	db := open(t, name, "")
	mustExec(t, db, context.Background(), "UPDATE t")
	name2, _ := register(t, sqltest.Full)
	db2 := open(t, name2, "")
	if _, err := db2.Exec("skip me"); !errors.Is(err, driver.ErrSkip) {
		t.Errorf("Exec = %v, want driver.ErrSkip from the prepare", err)
	}
	want := []row{
		{"Connect", "Connect", "", false},
		{"Prepare", "UPDATE t", "", false},
		{"Exec", "UPDATE t", "", false},
		{"Close", "Close", "", false},
		{"Connect", "Connect", "", false},
	}
	if diff := cmp.Diff(want, rows(mt)); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
}

func TestOptions(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	name, _ := register(t, sqltest.Full, WithIgnoreQueryTypes(QueryTypePing), WithCustomTag("registered", "yes"),
		WithServiceName("reg-svc"))
	db := open(t, name, "", WithIgnoreQueryTypes(QueryTypeConnect), WithAnalyticsRate(0.5), WithCustomTag("team", "db"),
		WithErrorCheck(func(err error) bool { return !strings.Contains(err.Error(), "ignored") }), nil)
	ctx := context.Background()
	db.PingContext(ctx)
	db.ExecContext(ctx, "fail ignored")
	db.ExecContext(ctx, "fail counted")
	db2 := open(t, name, "", WithServiceName("own"), WithChildSpansOnly())
	db2.PingContext(ctx)
	db2.ExecContext(ctx, "UPDATE orphan")
	root, rctx := tracer.StartSpanFromContext(ctx, "root")
	db2.ExecContext(rctx, "UPDATE child")
	root.Finish()

	var got []map[string]any
	for _, s := range mt.FinishedSpans() {
		if s.Integration() != sqlconn.ComponentName {
			continue
		}
		got = append(got, map[string]any{"r": s.Tag(ext.ResourceName), "svc": s.Tag(ext.ServiceName),
			"rate": s.Tag(ext.EventSampleRate), "team": s.Tag("team"), "reg": s.Tag("registered"), "err": s.Tag(ext.Error) != nil})
	}
	want := []map[string]any{
		{"r": "fail ignored", "svc": "reg-svc", "rate": 0.5, "team": "db", "reg": "yes", "err": false},
		{"r": "fail counted", "svc": "reg-svc", "rate": 0.5, "team": "db", "reg": "yes", "err": true},
		// db2 ignores Ping (Register's) but not Connect (db's own), and
		// has spans only under a parent.
		{"r": "UPDATE child", "svc": "own", "rate": nil, "team": nil, "reg": "yes", "err": false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
}

func TestAnalyticsFromEnv(t *testing.T) {
	t.Setenv("DD_TRACE_SQL_ANALYTICS_ENABLED", "true")
	mt := mocktracer.Start()
	defer mt.Stop()
	name, _ := register(t, sqltest.Full)
	db := open(t, name, "", WithIgnoreQueryTypes(QueryTypeConnect))
	db.Exec("UPDATE a")
	db2 := open(t, name, "", WithIgnoreQueryTypes(QueryTypeConnect), WithAnalytics(false))
	db2.Exec("UPDATE b")
	spans := mt.FinishedSpans()
	if len(spans) != 2 || spans[0].Tag(ext.EventSampleRate) != 1.0 || spans[1].Tag(ext.EventSampleRate) != nil {
		t.Errorf("spans: %v", spans)
	}
}

// postgresDriver is the test driver registered as "postgres": the
// registry keeps a name's first registration.
var postgresDriver = &sqltest.Driver{}

func TestDSNTags(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	d := postgresDriver
	Register("postgres", d)
	before := len(d.DSNs())
	open(t, "postgres", "postgres://bob:secret@db.example:5432/shop?application_name=billing").Ping()
	spans := mt.FinishedSpans()
	if len(spans) != 2 {
		t.Fatalf("want Connect and Ping, got %v", spans)
	}
	got := spans[1].Tags()
	for k, v := range map[string]any{"db.user": "bob", "db.name": "shop", "db.application": "billing", "out.host": "db.example",
		"out.port": "5432", "db.system": "postgresql", "service.name": "postgres.db"} {
		if got[k] != v {
			t.Errorf("tag %s = %v, want %v", k, got[k], v)
		}
	}
	if spans[1].OperationName() != "postgres.query" {
		t.Errorf("name %q", spans[1].OperationName())
	}
	if dsns := d.DSNs()[before:]; len(dsns) != 1 || !strings.Contains(dsns[0], "secret") {
		t.Errorf("the driver gets the DSN as given: %q", dsns)
	}
}
