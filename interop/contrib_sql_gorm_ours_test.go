package interop

// oursGormScenario is ddGormScenario (contrib_sql_gorm_dd_test.go) against
// our contrib/gorm.io/gorm.v1: the two must stay identical apart from
// their names and the file's imports, which TestSQLScenariosIdentical
// checks.

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/gorm/utils/tests"

	sqltrace "github.com/ctxtrace/trace/contrib/database/sql"
	gormtrace "github.com/ctxtrace/trace/contrib/gorm.io/gorm.v1"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

func oursGormScenario(t *testing.T, addr, dir string, drv *sqlDrivers, extra ...tracer.StartOption) {
	tracer.Start(append([]tracer.StartOption{
		tracer.WithService("svc"),
		tracer.WithEnv("prod"),
		tracer.WithServiceVersion("1.2.3"),
		tracer.WithAgentAddr(addr),
		tracer.WithLogStartup(false),
		tracer.WithLogger(silentLogger{}),
	}, extra...)...)
	defer tracer.Stop()
	step := func(name string, fn func(ctx context.Context)) {
		span, ctx := tracer.StartSpanFromContext(context.Background(), name)
		fn(ctx)
		span.Finish()
	}
	must := sqlRun{t: t}.must

	// gorm's own dummy dialector (backquoted names, "?" placeholders,
	// RETURNING), which SQLite understands, over the traced database.
	sqltrace.Register("sqlite", drv.sqlite)
	sqlDB, err := sqltrace.Open("sqlite", filepath.Join(dir, "gorm.db"), sqltrace.WithServiceName("gorm-sql"))
	must(err)
	sqlDB.SetMaxOpenConns(1)
	db, err := gormtrace.Open(tests.DummyDialector{}, &gorm.Config{ConnPool: sqlDB, Logger: logger.Discard})
	must(err)
	step("gorm.setup", func(ctx context.Context) {
		must(db.WithContext(ctx).Exec("CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL)").Error)
	})
	step("gorm.crud", func(ctx context.Context) {
		tx := db.WithContext(ctx)
		it := gormItem{Name: "ann"}
		must(tx.Create(&it).Error)
		var got gormItem
		must(tx.First(&got, it.ID).Error)
		must(tx.Model(&got).Update("name", "bob").Error)
		var n int64
		must(tx.Raw("SELECT count(*) FROM items WHERE name = ?", "bob").Scan(&n).Error)
		must(tx.Raw("SELECT name FROM items WHERE id = ?", it.ID).Row().Scan(&got.Name))
		must(tx.Delete(&got).Error)
	})
	step("gorm.errors", func(ctx context.Context) {
		tx := db.WithContext(ctx)
		var got gormItem
		if err := tx.First(&got, 999).Error; !errors.Is(err, gorm.ErrRecordNotFound) {
			t.Errorf("First of a missing row: %v", err)
		}
		if err := tx.Exec("INSERT INTO nowhere VALUES (1)").Error; err == nil {
			t.Error("an insert into a missing table succeeded")
		}
		if err := tx.Session(&gorm.Session{DryRun: true}).First(&got).Error; err != nil {
			t.Errorf("dry run: %v", err)
		}
	})

	oursGormPlugin(sqlRun{t: t, step: step}, sqlDB)
	must(sqlDB.Close())
}

// oursGormPlugin: the plugin, with every option, on a second gorm database
// over sqlDB.
func oursGormPlugin(r sqlRun, sqlDB *sql.DB) {
	t, step, must := r.t, r.step, r.must
	db, err := gorm.Open(tests.DummyDialector{}, &gorm.Config{ConnPool: sqlDB, Logger: logger.Discard, SkipDefaultTransaction: true})
	must(err)
	must(db.Use(gormtrace.NewTracePlugin(gormtrace.WithServiceName("items"), gormtrace.WithAnalyticsRate(0.5),
		gormtrace.WithErrorCheck(func(err error) bool { return !errors.Is(err, gorm.ErrRecordNotFound) }),
		gormtrace.WithCustomTag("table", func(db *gorm.DB) interface{} { return db.Statement.Table }),
		gormtrace.WithCustomTag("rows", func(db *gorm.DB) interface{} { return db.RowsAffected }))))
	step("gorm.options", func(ctx context.Context) {
		tx := db.WithContext(ctx)
		it := gormItem{Name: "cat"}
		must(tx.Create(&it).Error)
		var got gormItem
		if err := tx.First(&got, 999).Error; !errors.Is(err, gorm.ErrRecordNotFound) {
			t.Errorf("First of a missing row: %v", err)
		}
		must(tx.Model(&it).Update("name", "dog").Error)
	})
	// One statement used twice.
	step("gorm.reused", func(ctx context.Context) {
		q := db.WithContext(ctx).Model(&gormItem{}).Where("id > ?", 0)
		var n int64
		must(q.Count(&n).Error)
		var items []gormItem
		must(q.Find(&items).Error)
	})
}
