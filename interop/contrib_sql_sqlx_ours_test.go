package interop

// oursSQLXScenario is ddSQLXScenario (contrib_sql_sqlx_dd_test.go) against
// our contrib/jmoiron/sqlx: the two must stay identical apart from their
// names and the file's imports, which TestSQLScenariosIdentical checks.

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"

	sqltrace "github.com/ctxtrace/trace/contrib/database/sql"
	sqlxtrace "github.com/ctxtrace/trace/contrib/jmoiron/sqlx"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

func oursSQLXScenario(t *testing.T, addr, dir string, drv *sqlDrivers, extra ...tracer.StartOption) {
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
	must := func(err error) {
		if err != nil {
			t.Helper()
			t.Fatal(err)
		}
	}
	type person struct {
		ID   int    `db:"id"`
		Name string `db:"name"`
	}

	sqltrace.Register("sqlite", drv.sqlite)
	db, err := sqlxtrace.Open("sqlite", filepath.Join(dir, "people.db"), sqltrace.WithServiceName("people-db"))
	must(err)
	db.SetMaxOpenConns(1)
	step("sqlx.create", func(ctx context.Context) {
		db.MustExecContext(ctx, "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
	})
	step("sqlx.named", func(ctx context.Context) {
		_, err := db.NamedExecContext(ctx, "INSERT INTO people (id, name) VALUES (:id, :name)",
			[]person{{1, "ann"}, {2, "bob"}})
		must(err)
	})
	step("sqlx.read", func(ctx context.Context) {
		var p person
		must(db.GetContext(ctx, &p, "SELECT * FROM people WHERE id = ?", 1))
		var ps []person
		must(db.SelectContext(ctx, &ps, "SELECT * FROM people ORDER BY id"))
		q, args, err := sqlx.In("SELECT * FROM people WHERE id IN (?)", []int{1, 2})
		must(err)
		must(db.SelectContext(ctx, &ps, db.Rebind(q), args...))
	})
	step("sqlx.fail", func(ctx context.Context) {
		var p person
		if err := db.GetContext(ctx, &p, "SELECT * FROM nobody"); err == nil {
			t.Error("a query of a missing table succeeded")
		}
		if err := db.GetContext(ctx, &p, "SELECT * FROM people WHERE id = ?", 99); err == nil {
			t.Error("want sql.ErrNoRows")
		}
	})
	step("sqlx.tx", func(ctx context.Context) {
		tx := db.MustBeginTx(ctx, nil)
		tx.MustExecContext(ctx, "UPDATE people SET name = ? WHERE id = ?", "anne", 1)
		must(tx.Commit())
	})
	step("sqlx.prepared", func(ctx context.Context) {
		st, err := db.PreparexContext(ctx, "SELECT * FROM people WHERE id = ?")
		must(err)
		var p person
		must(st.GetContext(ctx, &p, 2))
		must(st.Close())
	})
	must(db.Close())

	db, err = sqlxtrace.Connect("sqlite", filepath.Join(dir, "connect.db"))
	must(err)
	must(db.Close())
	must(sqlxtrace.MustConnect("sqlite", filepath.Join(dir, "mustconnect.db")).Close())
	db, err = sqlxtrace.MustOpen("sqlite", filepath.Join(dir, "mustopen.db"))
	must(err)
	step("sqlx.mustopen", func(ctx context.Context) { must(db.PingContext(ctx)) })
	must(db.Close())
}
