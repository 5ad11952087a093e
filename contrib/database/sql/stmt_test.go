package sql

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	rtrace "runtime/trace"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace/contrib/internal/sqltest"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// TestStatements runs prepared statements on a driver whose statements
// take contexts and on one whose do not, with the Go execution tracer on
// (each operation is then a task too).
func TestStatements(t *testing.T) {
	if err := rtrace.Start(io.Discard); err != nil {
		t.Fatal(err)
	}
	defer rtrace.Stop()
	for _, kind := range []sqltest.Kind{sqltest.Full, sqltest.Legacy} {
		t.Run(fmt.Sprint(kind), func(t *testing.T) {
			mt := mocktracer.Start()
			defer mt.Stop()
			name, _ := register(t, kind, WithIgnoreQueryTypes(QueryTypeConnect))
			db := open(t, name, "")
			root, ctx := tracer.StartSpanFromContext(context.Background(), "root")
			st, err := db.PrepareContext(ctx, "SELECT n FROM t WHERE n > ?")
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := st.QueryRowContext(ctx, 0).Scan(&n); err != nil || n != 1 {
				t.Fatalf("QueryRow: %d, %v", n, err)
			}
			if _, err := st.ExecContext(ctx, 1); err != nil {
				t.Fatal(err)
			}
			st.Close()
			if _, err := db.PrepareContext(ctx, "fail later"); err == nil {
				t.Error("want the driver's error")
			}
			root.Finish()
			want := []row{
				{"Prepare", "SELECT n FROM t WHERE n > ?", "root", false},
				{"Query", "SELECT n FROM t WHERE n > ?", "root", false},
				{"Exec", "SELECT n FROM t WHERE n > ?", "root", false},
				{"Close", "Close", "root", false},
				{"Prepare", "fail later", "root", true},
			}
			if diff := cmp.Diff(want, rows(mt)); diff != "" {
				t.Errorf("spans (-want +got):\n%s", diff)
			}
		})
	}
}

// contextDriver is a test driver with a connector of its own
// (driver.DriverContext), as pgx and go-sql-driver/mysql have.
type contextDriver struct{ *sqltest.Driver }

func (d contextDriver) OpenConnector(dsn string) (driver.Connector, error) {
	if dsn == "bad" {
		return nil, fmt.Errorf("bad DSN")
	}
	return connectorOf{d.Connector(dsn), d}, nil
}

type connectorOf struct {
	driver.Connector
	d driver.Driver
}

func (c connectorOf) Driver() driver.Driver { return c.d }

func TestDriverContext(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	d := contextDriver{&sqltest.Driver{}}
	Register("mysql", d)
	if _, err := Open("mysql", "bad"); err == nil {
		t.Error("the connector's error is lost")
	}
	db := open(t, "mysql", "bob@tcp(db.example:3306)/shop", WithDSN("ignored@tcp(other:1)/x"))
	db.Ping()
	s := mt.FinishedSpans()
	if len(s) != 2 || s[1].Tag("db.user") != "bob" || s[1].Tag("out.host") != "db.example" || s[1].Tag("db.system") != "mysql" {
		t.Errorf("Open's DSN gives the tags, as in dd-trace-go: %v", s)
	}
}
