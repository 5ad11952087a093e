// Package dsn reads the tags of an SQL span from a data source name, as
// dd-trace-go's database/sql integration reads them: the user, the
// application, the database, the host and port, and SQL Server's instance
// name. It knows the DSN forms of MySQL (go-sql-driver/mysql), PostgreSQL
// (lib/pq and pgx: key=value or a URL) and SQL Server (a sqlserver:// URL
// or ADO key=value;...); for another driver name it reads the DSN as a URL
// and, when the URL's scheme is one of those, reads it as that driver's.
// Passwords are never returned.
//
// Where dd-trace-go departs from sense, Parse says so in its doc.
package dsn

import (
	"net/url"

	"github.com/ctxtrace/trace/ddtrace/ext"
)

// Keys of the parsers' maps, renamed to tags by Parse.
const (
	keyUser     = "user"
	keyApp      = "application_name"
	keyDB       = "dbname"
	keyHost     = "host"
	keyPort     = "port"
	keyPassword = "password"
)

// tagOf is the tag of each key a span carries.
var tagOf = map[string]string{
	keyUser:                            ext.DBUser,
	keyApp:                             ext.DBApplication,
	keyDB:                              ext.DBName,
	keyHost:                            ext.TargetHost,
	keyPort:                            ext.TargetPort,
	ext.MicrosoftSQLServerInstanceName: ext.MicrosoftSQLServerInstanceName,
}

// Parse returns the span tags that dsn gives for a driver registered as
// driverName: db.user, db.application, db.name, out.host, out.port (the
// port as text) and db.mssql.instance_name, each when the DSN has it. A
// DSN that cannot be read gives no tags (nil), never an error: tags are a
// courtesy, and the driver says what is wrong with its DSN.
//
// As dd-trace-go does: a MySQL DSN gives all of db.user, db.name,
// out.host and out.port, empty when absent, the host and port defaulting
// to 127.0.0.1:3306 over TCP; a PostgreSQL URL's query parameters are
// read as key=value settings. Unlike dd-trace-go, SQL Server URL values
// come as they are: dd escapes spaces, quotes and backslashes in them
// with a backslash (for a libpq key=value string they are never put in).
func Parse(driverName, dsn string) map[string]string {
	return parse(driverName, dsn, true)
}

func parse(driverName, dsn string, follow bool) map[string]string {
	var m map[string]string
	var ok bool
	switch driverName {
	case "mysql":
		m, ok = parseMySQL(dsn)
	case "postgres", "pgx":
		m, ok = parsePostgres(dsn)
	case "sqlserver":
		m, ok = parseSQLServer(dsn)
	default:
		u, err := url.Parse(dsn)
		if err != nil || !follow || u.Scheme == driverName {
			return nil
		}
		// A driver registered under a name of its own, with a DSN whose
		// scheme names a known one: read the DSN as that one's.
		return parse(u.Scheme, dsn, false)
	}
	if !ok {
		return nil
	}
	tags := make(map[string]string, len(m))
	for k, v := range m {
		if tag, ok := tagOf[k]; ok {
			tags[tag] = v
		}
	}
	return tags
}
