package sql

import (
	"context"
	"database/sql"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/contrib/internal/sqltest"
)

// BenchmarkExec measures what tracing adds to an ExecContext under a
// parent span, with the test driver (which does no work) and a tracer
// that discards its spans; "untraced" is the same call without the
// integration.
func BenchmarkExec(b *testing.B) {
	tr := trace.New(trace.WithExporter(trace.Discard))
	trace.SetDefault(tr)
	defer func() {
		trace.SetDefault(nil)
		tr.Shutdown(context.Background())
	}()
	ctx, root := trace.Start(context.Background(), "root")
	defer root.Finish()
	Register("sqltest-bench", &sqltest.Driver{})
	traced, err := Open("sqltest-bench", "")
	if err != nil {
		b.Fatal(err)
	}
	defer traced.Close()
	plain := sql.OpenDB((&sqltest.Driver{}).Connector(""))
	defer plain.Close()
	for _, c := range []struct {
		name string
		db   *sql.DB
	}{{"untraced", plain}, {"traced", traced}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.db.ExecContext(ctx, "UPDATE t SET n = ?", 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
