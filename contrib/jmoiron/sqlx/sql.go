// Package sqlx traces github.com/jmoiron/sqlx, as dd-trace-go v1.74.8's
// contrib/jmoiron/sqlx does (same API, same spans): the *sqlx.DB it
// opens runs on a database opened by this module's contrib/database/sql,
// whose spans and options (WithServiceName, WithDBMPropagation...) it
// has. Register the driver with that package first:
//
//	sqltrace.Register("postgres", &pq.Driver{})
//	db, err := sqlxtrace.Open("postgres", "postgres://app@db.internal/orders")
//
// Supported: github.com/jmoiron/sqlx v1.4.0 and later v1 releases. This
// module requires v1.4.0, with which it is tested; the package calls only
// sqlx.NewDb, which every release has.
package sqlx

import (
	"github.com/jmoiron/sqlx"

	sqltrace "github.com/ctxtrace/trace/contrib/database/sql"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

func init() { tracer.MarkIntegrationImported("github.com/jmoiron/sqlx") }

// Open opens a traced database with the driver registered (with
// contrib/database/sql's Register) as driverName, and returns it as a
// *sqlx.DB.
func Open(driverName, dataSourceName string, opts ...sqltrace.Option) (*sqlx.DB, error) {
	db, err := sqltrace.Open(driverName, dataSourceName, opts...)
	if err != nil {
		return nil, err
	}
	return sqlx.NewDb(db, driverName), nil
}

// MustOpen is Open without options, and panics where Open returns an
// error; its error is always nil (its signature is dd-trace-go's).
func MustOpen(driverName, dataSourceName string) (*sqlx.DB, error) {
	db, err := Open(driverName, dataSourceName)
	if err != nil {
		panic(err)
	}
	return db, nil
}

// Connect opens a traced database as Open does, without options, and
// pings it; it closes it and returns the error if the ping fails.
func Connect(driverName, dataSourceName string) (*sqlx.DB, error) {
	db, err := Open(driverName, dataSourceName)
	if err != nil {
		return nil, err
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// MustConnect is Connect, and panics where Connect returns an error.
func MustConnect(driverName, dataSourceName string) *sqlx.DB {
	db, err := Connect(driverName, dataSourceName)
	if err != nil {
		panic(err)
	}
	return db
}
