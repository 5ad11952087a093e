package sqlx_test

import (
	"fmt"
	"log"

	sqltrace "github.com/ctxtrace/trace/contrib/database/sql"
	"github.com/ctxtrace/trace/contrib/internal/sqltest"
	sqlxtrace "github.com/ctxtrace/trace/contrib/jmoiron/sqlx"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
)

// Register the driver with contrib/database/sql (here a test driver; in a
// program, the driver's own), then open the database with this package.
func Example() {
	mt := mocktracer.Start() // a program calls tracer.Start instead
	defer mt.Stop()

	sqltrace.Register("postgres", &sqltest.Driver{}, sqltrace.WithServiceName("people-db"))
	db, err := sqlxtrace.Open("postgres", "postgres://app@db.internal/people")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	var n int
	if err := db.Get(&n, "SELECT count(*) FROM people"); err != nil {
		log.Fatal(err)
	}
	for _, s := range mt.FinishedSpans() {
		fmt.Println(s.OperationName(), s.Tag("service.name"), s.Tag("resource.name"))
	}
	// Output:
	// postgres.query people-db Connect
	// postgres.query people-db SELECT count(*) FROM people
}
