package sqlx

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	sqltrace "github.com/ctxtrace/trace/contrib/database/sql"
	"github.com/ctxtrace/trace/contrib/internal/sqltest"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// spans lists the integration's spans as "type resource service parent".
func spans(mt mocktracer.Tracer) []string {
	var out []string
	for _, s := range mt.FinishedSpans() {
		if s.Integration() != "database/sql" {
			continue
		}
		out = append(out, fmt.Sprintf("%v %v %v %v", s.Tag("sql.query_type"), s.Tag("resource.name"),
			s.Tag("service.name"), s.ParentID() != 0))
	}
	return out
}

func TestOpen(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	sqltrace.Register("sqlx-test", &sqltest.Driver{})
	db, err := Open("sqlx-test", "dsn", sqltrace.WithServiceName("people-db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.DriverName() != "sqlx-test" {
		t.Errorf("DriverName %q", db.DriverName())
	}
	root, ctx := tracer.StartSpanFromContext(context.Background(), "root")
	var n int
	if err := db.GetContext(ctx, &n, "SELECT n FROM people WHERE id = ?", 1); err != nil || n != 1 {
		t.Fatalf("Get: %d, %v", n, err)
	}
	if _, err := db.NamedExecContext(ctx, "UPDATE people SET n = :n", map[string]any{"n": 2}); err != nil {
		t.Fatal(err)
	}
	tx := db.MustBeginTx(ctx, nil)
	if _, err := tx.ExecContext(ctx, "fail inside"); err == nil {
		t.Error("want the driver's error")
	}
	tx.Rollback()
	root.Finish()
	want := []string{
		"Connect Connect people-db true",
		"Query SELECT n FROM people WHERE id = ? people-db true",
		"Exec UPDATE people SET n = ? people-db true",
		"Begin Begin people-db true",
		"Exec fail inside people-db true",
		"Rollback Rollback people-db true",
	}
	if diff := cmp.Diff(want, spans(mt)); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
}

func TestConnect(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	sqltrace.Register("sqlx-connect", &sqltest.Driver{})
	db, err := Connect("sqlx-connect", "dsn")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	MustConnect("sqlx-connect", "dsn").Close()
	db, err = MustOpen("sqlx-connect", "dsn")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	want := []string{
		"Connect Connect sqlx-connect.db false", "Ping Ping sqlx-connect.db false",
		"Connect Connect sqlx-connect.db false", "Ping Ping sqlx-connect.db false",
	}
	if diff := cmp.Diff(want, spans(mt)); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}

	openErr := errors.New("no route to database")
	sqltrace.Register("sqlx-down", &sqltest.Driver{OpenErr: openErr})
	if _, err := Connect("sqlx-down", "dsn"); !errors.Is(err, openErr) {
		t.Errorf("Connect = %v, want %v", err, openErr)
	}
	if _, err := Open("sqlx-never-registered", "dsn"); err == nil {
		t.Error("Open of an unknown driver succeeded")
	}
	for name, f := range map[string]func(){
		"MustConnect": func() { MustConnect("sqlx-down", "dsn") },
		"MustOpen":    func() { MustOpen("sqlx-never-registered", "dsn") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}
