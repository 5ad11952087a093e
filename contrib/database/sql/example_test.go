package sql_test

import (
	"context"
	"fmt"
	"log"

	sqltrace "github.com/ctxtrace/trace/contrib/database/sql"
	"github.com/ctxtrace/trace/contrib/internal/sqltest"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// Register the driver (here a test driver; in a program, the driver's
// own, such as &pq.Driver{} or &stdlib.Driver{}), then open the database
// through the package. Queries run with a context that carries a span
// become its children.
func Example() {
	mt := mocktracer.Start() // a program calls tracer.Start instead
	defer mt.Stop()

	sqltrace.Register("pgx", &sqltest.Driver{}, sqltrace.WithServiceName("orders-db"))
	db, err := sqltrace.Open("pgx", "postgres://app@db.internal:5432/orders")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	span, ctx := tracer.StartSpanFromContext(context.Background(), "web.request")
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM orders").Scan(&n); err != nil {
		log.Fatal(err)
	}
	span.Finish()

	for _, s := range mt.FinishedSpans() {
		fmt.Printf("%s %s %q parent=%v\n", s.OperationName(), s.Tag("service.name"), s.Tag("resource.name"),
			s.ParentID() == span.Context().SpanID())
	}
	// Output:
	// pgx.query orders-db "Connect" parent=true
	// pgx.query orders-db "SELECT count(*) FROM orders" parent=true
	// web.request  "web.request" parent=false
}
