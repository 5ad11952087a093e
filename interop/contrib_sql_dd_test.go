package interop

// ddSQLScenario is TestSQLSameWire's database/sql scenario written against
// dd-trace-go v1.74.8's contrib/database/sql. oursSQLScenario in
// contrib_sql_ours_test.go is the same function against ours: the two must
// stay identical apart from their names and the file's imports, which
// TestSQLScenariosIdentical checks.

import (
	"context"
	"database/sql/driver"
	"path/filepath"
	"strings"
	"testing"

	sqltrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/database/sql"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func ddSQLScenario(t *testing.T, addr, dir string, drv *sqlDrivers, extra ...tracer.StartOption) {
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
	r := sqlRun{t: t, dir: dir, drv: drv, step: step}
	ddSQLDefaults(r)
	ddSQLOptions(r)
	ddSQLDSNs(r)
	ddSQLRegistered(r)
}

// ddSQLDefaults: every operation, successes and failures, with the
// default options.
func ddSQLDefaults(r sqlRun) {
	t, dir, drv, step, must := r.t, r.dir, r.drv, r.step, r.must
	sqltrace.Register("sqlite", drv.sqlite)
	db, err := sqltrace.Open("sqlite", filepath.Join(dir, "default.db"))
	must(err)
	db.SetMaxOpenConns(1)
	step("step.create", func(ctx context.Context) {
		_, err := db.ExecContext(ctx, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
		must(err)
	})
	step("step.insert", func(ctx context.Context) {
		_, err := db.ExecContext(ctx, "INSERT INTO items (id, name) VALUES (?, ?), (?, ?)", 1, "one", 2, "two")
		must(err)
	})
	step("step.select", func(ctx context.Context) {
		rows, err := db.QueryContext(ctx, "SELECT id, name FROM items WHERE id > ? ORDER BY id", 0)
		must(err)
		for rows.Next() {
		}
		rows.Close()
		var n int
		must(db.QueryRowContext(ctx, "SELECT count(*) FROM items").Scan(&n))
	})
	step("step.fail", func(ctx context.Context) {
		if _, err := db.QueryContext(ctx, "SELECT * FROM missing"); err == nil {
			t.Error("a query of a missing table succeeded")
		}
		if _, err := db.ExecContext(ctx, "INSERT INTO items (id, name) VALUES (?, NULL)", 3); err == nil {
			t.Error("a NULL name was inserted")
		}
	})
	step("step.prepared", func(ctx context.Context) {
		st, err := db.PrepareContext(ctx, "INSERT INTO items (name) VALUES (?)")
		must(err)
		_, err = st.ExecContext(ctx, "three")
		must(err)
		_, err = st.ExecContext(ctx, "four")
		must(err)
		must(st.Close())
		q, err := db.PrepareContext(ctx, "SELECT name FROM items WHERE id = ?")
		must(err)
		var name string
		must(q.QueryRowContext(ctx, 1).Scan(&name))
		must(q.Close())
	})
	step("step.commit", func(ctx context.Context) {
		tx, err := db.BeginTx(ctx, nil)
		must(err)
		_, err = tx.ExecContext(ctx, "UPDATE items SET name = ? WHERE id = ?", "uno", 1)
		must(err)
		must(tx.Commit())
	})
	step("step.rollback", func(ctx context.Context) {
		tx, err := db.BeginTx(ctx, nil)
		must(err)
		_, err = tx.ExecContext(ctx, "DELETE FROM items")
		must(err)
		must(tx.Rollback())
	})
	step("step.ping", func(ctx context.Context) { must(db.PingContext(ctx)) })
	step("step.spantags", func(ctx context.Context) {
		ctx = sqltrace.WithSpanTags(ctx, map[string]string{"tenant": "acme"})
		_, err := db.ExecContext(ctx, "UPDATE items SET name = name WHERE id = 2")
		must(err)
	})
	var n int
	must(db.QueryRow("SELECT count(*) FROM items WHERE name != ''").Scan(&n)) // no parent
	must(db.Close())
}

// ddSQLOptions: every option, and full DBM propagation.
func ddSQLOptions(r sqlRun) {
	t, dir, step, must := r.t, r.dir, r.step, r.must
	opts := []sqltrace.Option{sqltrace.WithServiceName("items-db"), sqltrace.WithAnalyticsRate(0.5),
		sqltrace.WithCustomTag("team", "storage"), sqltrace.WithIgnoreQueryTypes(sqltrace.QueryTypePing),
		sqltrace.WithErrorCheck(func(err error) bool { return !strings.Contains(err.Error(), "no such table") }),
		sqltrace.WithChildSpansOnly(), sqltrace.WithDBMPropagation(tracer.DBMPropagationModeFull)}
	db, err := sqltrace.Open("sqlite", filepath.Join(dir, "options.db"), opts...)
	must(err)
	db.SetMaxOpenConns(1)
	step("step.options", func(ctx context.Context) {
		_, err := db.ExecContext(ctx, "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)")
		must(err)
		_, err = db.ExecContext(ctx, "INSERT INTO kv VALUES (?, ?)", "a", "b")
		must(err)
		var v string
		must(db.QueryRowContext(ctx, "SELECT v FROM kv WHERE k = ?", "a").Scan(&v))
		st, err := db.PrepareContext(ctx, "SELECT v FROM kv WHERE k = ?")
		must(err)
		must(st.QueryRowContext(ctx, "a").Scan(&v))
		must(st.Close())
		if _, err := db.ExecContext(ctx, "DELETE FROM nowhere"); err == nil {
			t.Error("a delete from a missing table succeeded")
		}
		must(db.PingContext(ctx))
	})
	_, err = db.Exec("UPDATE kv SET v = 'c'") // no parent: no span
	must(err)
	must(db.Close())
}

// ddSQLDSNs: tags from the DSN, and DBM comments with them.
func ddSQLDSNs(r sqlRun) {
	dir, drv, step, must := r.dir, r.drv, r.step, r.must
	for _, c := range []struct {
		name string
		d    driver.Driver
		dsn  string
		mode tracer.DBMPropagationMode
	}{
		{"postgres", drv.postgres, "postgres://bob:secret@db.example:5432/shop?application_name=billing&sslmode=disable", tracer.DBMPropagationModeService},
		{"mysql", drv.mysql, "bob:secret@tcp(db.example:3306)/shop?parseTime=true", tracer.DBMPropagationModeFull},
		{"sqlserver", drv.mssql, "sqlserver://sa:secret@db.example:1433/inst?database=shop", tracer.DBMPropagationModeFull},
	} {
		sqltrace.Register(c.name, c.d)
		db := sqltrace.OpenDB(drv.connector(c.d, filepath.Join(dir, c.name+".db")), sqltrace.WithDSN(c.dsn),
			sqltrace.WithDBMPropagation(c.mode))
		db.SetMaxOpenConns(1)
		step("step.dsn."+c.name, func(ctx context.Context) {
			must(db.PingContext(ctx))
			_, err := db.ExecContext(ctx, "CREATE TABLE t (n INTEGER)")
			must(err)
			var n int
			must(db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n))
		})
		must(db.Close())
	}
}

// ddSQLRegistered: options given to Register and to one Open of the
// driver; drivers the integration was not told about.
func ddSQLRegistered(r sqlRun) {
	dir, drv, step, must := r.dir, r.drv, r.step, r.must
	sqltrace.Register("sqlite-registered", drv.tagged, sqltrace.WithServiceName("reg-svc"),
		sqltrace.WithCustomTag("registered", "yes"), sqltrace.WithIgnoreQueryTypes(sqltrace.QueryTypePing))
	for i, opts := range [][]sqltrace.Option{{sqltrace.WithIgnoreQueryTypes(sqltrace.QueryTypeClose)}, nil} {
		db, err := sqltrace.Open("sqlite-registered", filepath.Join(dir, "registered.db"), opts...)
		must(err)
		db.SetMaxOpenConns(1)
		step("step.registered."+string(rune('a'+i)), func(ctx context.Context) {
			must(db.PingContext(ctx))
			st, err := db.PrepareContext(ctx, "SELECT 1")
			must(err)
			must(st.Close())
		})
		must(db.Close())
	}

	registerPlainSQLite()
	db, err := sqltrace.Open(plainSQLiteName, filepath.Join(dir, "plain.db"))
	must(err)
	step("step.plain", func(ctx context.Context) { must(db.PingContext(ctx)) })
	must(db.Close())
	db = sqltrace.OpenDB(drv.connector(drv.unreg, filepath.Join(dir, "unreg.db")))
	step("step.unregistered", func(ctx context.Context) { must(db.PingContext(ctx)) })
	must(db.Close())
}
