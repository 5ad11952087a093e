package gorm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/gorm/utils/tests"

	sqltrace "github.com/ctxtrace/trace/contrib/database/sql"
	"github.com/ctxtrace/trace/contrib/internal/sqltest"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// openDB opens a gorm database over a traced test driver that ignores
// Ping, Connect and the transactions gorm wraps writes in.
func openDB(t *testing.T, opts ...Option) *gorm.DB {
	t.Helper()
	sqltrace.Register("gorm-sqltest", &sqltest.Driver{})
	sqlDB, err := sqltrace.Open("gorm-sqltest", "dsn", sqltrace.WithIgnoreQueryTypes(sqltrace.QueryTypeConnect,
		sqltrace.QueryTypePing, sqltrace.QueryTypeBegin, sqltrace.QueryTypeCommit, sqltrace.QueryTypeRollback))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sqlDB.Close() })
	db, err := Open(tests.DummyDialector{}, &gorm.Config{ConnPool: sqlDB, Logger: logger.Discard, SkipDefaultTransaction: true}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// item is a row of the test driver, which has one column, n.
type item struct{ N int }

// describe lists the finished spans as "name resource parent error".
func describe(mt mocktracer.Tracer) []string {
	names := map[uint64]string{}
	for _, s := range mt.FinishedSpans() {
		names[s.SpanID()] = s.OperationName()
	}
	var out []string
	for _, s := range mt.FinishedSpans() {
		out = append(out, fmt.Sprintf("%s %q <%s> %v", s.OperationName(), s.Tag("resource.name"), names[s.ParentID()], s.Tag("error") != nil))
	}
	return out
}

func TestOperations(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	db := openDB(t)
	root, ctx := tracer.StartSpanFromContext(context.Background(), "root")
	tx := db.WithContext(ctx)
	tx.Exec("CREATE TABLE items (n int)")
	tx.Create(&item{N: 1})
	var it item
	if err := tx.First(&it).Error; err != nil || it.N != 1 {
		t.Errorf("First: %v %v", it, err)
	}
	tx.Model(&item{}).Where("n = ?", 1).Update("n", 2)
	tx.Where("n = ?", 2).Delete(&item{})
	var n int
	tx.Raw("SELECT n FROM items").Scan(&n)
	if err := tx.Exec("fail please").Error; err == nil {
		t.Error("want the driver's error")
	}
	tx.Session(&gorm.Session{DryRun: true}).First(&it)
	root.Finish()

	const q = "gorm-sqltest.query"
	pair := func(op, res string, err bool) []string {
		return []string{fmt.Sprintf("%s %q <%s> %v", q, res, op, err), fmt.Sprintf("%s %q <root> %v", op, res, err)}
	}
	var want []string
	for _, p := range [][]string{
		pair("gorm.raw_query", "CREATE TABLE items (n int)", false),
		pair("gorm.create", "INSERT INTO `items` (`n`) VALUES (?)", false),
		pair("gorm.query", "SELECT * FROM `items` ORDER BY `items`.`n` LIMIT ?", false),
		pair("gorm.update", "UPDATE `items` SET `n`=? WHERE n = ?", false),
		pair("gorm.delete", "DELETE FROM `items` WHERE n = ?", false),
		pair("gorm.row_query", "SELECT n FROM items", false),
		pair("gorm.raw_query", "fail please", true),
		{`root "root" <> false`},
	} {
		want = append(want, p...)
	}
	if diff := cmp.Diff(want, describe(mt)); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
	for _, s := range mt.FinishedSpans() {
		if strings.HasPrefix(s.OperationName(), "gorm.") {
			if s.Tag("service.name") != "gorm.db" || s.Tag("span.type") != "sql" || s.Integration() != componentName {
				t.Errorf("%s: %v", s.OperationName(), s.Tags())
			}
		}
	}
}

func TestOptions(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	var calls []error
	db := openDB(t, WithServiceName("people"), WithAnalyticsRate(0.25), nil,
		WithErrorCheck(func(err error) bool {
			calls = append(calls, err)
			return !errors.Is(err, gorm.ErrRecordNotFound)
		}),
		WithCustomTag("rows", func(db *gorm.DB) any { return db.RowsAffected }),
		WithCustomTag("dropped", func(*gorm.DB) any { return "x" }),
		WithCustomTag("dropped", nil))
	var it item
	db.Table("empty").First(&it) // not found: not an error by the check
	db.Exec("UPDATE items SET n = 2")
	db.Exec("fail here")
	var got []string
	for _, s := range mt.FinishedSpans() {
		if s.Integration() == componentName {
			got = append(got, fmt.Sprintf("%s %v %v rows=%v err=%v dropped=%v", s.OperationName(), s.Tag("service.name"),
				s.Tag("_dd1.sr.eausr"), s.Tag("rows"), s.Tag("error") != nil, s.Tag("dropped")))
		}
	}
	want := []string{
		"gorm.query people 0.25 rows=0 err=false dropped=<nil>",
		"gorm.raw_query people 0.25 rows=1 err=false dropped=<nil>", // counted after the operation
		"gorm.raw_query people 0.25 rows=0 err=true dropped=<nil>",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
	if len(calls) != 2 || !errors.Is(calls[0], gorm.ErrRecordNotFound) {
		t.Errorf("the check is called with the errors only: %v", calls)
	}
}

func TestPluginAndReusedStatement(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	sqltrace.Register("gorm-sqltest", &sqltest.Driver{})
	sqlDB, err := sqltrace.Open("gorm-sqltest", "dsn", sqltrace.WithChildSpansOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer sqlDB.Close()
	db, err := gorm.Open(tests.DummyDialector{}, &gorm.Config{ConnPool: sqlDB, Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Use(NewTracePlugin(WithServiceName("plugged"))); err != nil {
		t.Fatal(err)
	}
	if _, ok := db.Config.Plugins["DDTracePlugin"]; !ok {
		t.Errorf("plugins %v", db.Config.Plugins)
	}
	root, ctx := tracer.StartSpanFromContext(context.Background(), "root")
	q := db.WithContext(ctx).Table("items").Where("n > ?", 0) // one statement, used twice
	var n int64
	q.Count(&n)
	var its []item
	q.Find(&its)
	root.Finish()
	var got []string
	for _, l := range describe(mt) {
		if strings.HasPrefix(l, "gorm.query") {
			got = append(got, l[strings.LastIndex(l, "<"):])
		}
	}
	// Both under root: the second is not a child of the first, finished.
	if diff := cmp.Diff([]string{"<root> false", "<root> false"}, got); diff != "" {
		t.Errorf("parents (-want +got):\n%s", diff)
	}
	if s := mt.FinishedSpans(); s[1].Tag("service.name") != "plugged" {
		t.Errorf("service %v", s[1].Tag("service.name"))
	}
}

func TestForeignSpanNotFinished(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	db := openDB(t)
	mine, ctx := tracer.StartSpanFromContext(context.Background(), "mine")
	tx := db.WithContext(ctx)
	tx.Statement.Context = ctx
	after(tx, newConfig(nil)) // an after without its before
	if len(mt.OpenSpans()) != 1 {
		t.Error("after finished a span it did not start")
	}
	mine.Finish()
}

func TestOpenError(t *testing.T) {
	want := errors.New("no database")
	if _, err := Open(failingDialector{err: want}, nil); !errors.Is(err, want) {
		t.Errorf("Open = %v, want %v", err, want)
	}
}

// failingDialector is gorm's dummy dialector, failing to initialize.
type failingDialector struct {
	tests.DummyDialector
	err error
}

func (d failingDialector) Initialize(*gorm.DB) error { return d.err }

func TestServiceAndAnalyticsDefaults(t *testing.T) {
	t.Setenv("DD_SERVICE", "from-env")
	if c := newConfig(nil); c.serviceName != "gorm.db" || !math.IsNaN(c.analyticsRate) {
		t.Errorf("defaults: %q %v", c.serviceName, c.analyticsRate)
	}
	t.Setenv("DD_TRACE_GORM_ANALYTICS_ENABLED", "true")
	t.Setenv("DD_TRACE_SPAN_ATTRIBUTE_SCHEMA", "v1")
	if c := newConfig([]Option{WithAnalytics(false)}); c.serviceName != "from-env" || !math.IsNaN(c.analyticsRate) {
		t.Errorf("schema v1, analytics off by option: %q %v", c.serviceName, c.analyticsRate)
	}
	if c := newConfig([]Option{WithAnalyticsRate(2)}); !math.IsNaN(c.analyticsRate) {
		t.Errorf("rate out of range: %v", c.analyticsRate)
	}
	if c := newConfig(nil); c.analyticsRate != 1 {
		t.Errorf("analytics from the environment: %v", c.analyticsRate)
	}
	if c := newConfig([]Option{WithAnalytics(true)}); c.analyticsRate != 1 {
		t.Errorf("analytics on: %v", c.analyticsRate)
	}
}
