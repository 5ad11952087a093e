package gorm_test

import (
	"context"
	"fmt"
	"log"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/gorm/utils/tests"

	sqltrace "github.com/ctxtrace/trace/contrib/database/sql"
	gormtrace "github.com/ctxtrace/trace/contrib/gorm.io/gorm.v1"
	"github.com/ctxtrace/trace/contrib/internal/sqltest"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// Open the database with contrib/database/sql, give it to the dialector
// (here gorm's dummy one over a test driver; in a program, say,
// postgres.New(postgres.Config{Conn: sqlDB})), and open gorm with this
// package: each gorm operation gets a span, with the query's span under
// it.
func Example() {
	mt := mocktracer.Start() // a program calls tracer.Start instead
	defer mt.Stop()

	sqltrace.Register("pgx", &sqltest.Driver{}, sqltrace.WithIgnoreQueryTypes(sqltrace.QueryTypeConnect, sqltrace.QueryTypePing))
	sqlDB, err := sqltrace.Open("pgx", "postgres://app@db.internal/shop")
	if err != nil {
		log.Fatal(err)
	}
	defer sqlDB.Close()
	db, err := gormtrace.Open(tests.DummyDialector{}, &gorm.Config{ConnPool: sqlDB, Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}

	span, ctx := tracer.StartSpanFromContext(context.Background(), "web.request")
	var n int
	db.WithContext(ctx).Raw("SELECT count(*) FROM orders").Scan(&n)
	span.Finish()

	for _, s := range mt.FinishedSpans() {
		fmt.Println(s.OperationName(), s.Tag("service.name"), s.Tag("resource.name"))
	}
	// Output:
	// pgx.query pgx.db SELECT count(*) FROM orders
	// gorm.row_query gorm.db SELECT count(*) FROM orders
	// web.request  web.request
}
