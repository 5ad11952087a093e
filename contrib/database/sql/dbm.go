package sql

import (
	"database/sql/driver"
	"reflect"
	"strings"
)

// fullModeUnsupported reports whether the database cannot take a trace
// context in a comment, and which it is: SQL Server or Oracle, known by
// the driver's package, the DSN's scheme or the driver's name, as
// dd-trace-go knows them.
func fullModeUnsupported(driverName string, d driver.Driver, dsn string) (string, bool) {
	const sqlServer, oracle = "SQL Server", "Oracle"
	if t := reflect.TypeOf(d); t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Struct) {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		// Without the host, and by prefix: vendored copies, major
		// versions and subpackages count too.
		pkg := strings.TrimPrefix(t.PkgPath(), "github.com/")
		for _, p := range [...]struct{ pkg, sys string }{
			{"denisenkom/go-mssqldb", sqlServer},
			{"microsoft/go-mssqldb", sqlServer},
			{"sijms/go-ora", oracle},
		} {
			if strings.HasPrefix(pkg, p.pkg) {
				return p.sys, true
			}
		}
	}
	switch {
	case strings.HasPrefix(dsn, "oracle://"):
		return oracle, true
	case strings.HasPrefix(dsn, "sqlserver://"):
		return sqlServer, true
	}
	switch driverName {
	case "sqlserver", "mssql", "azuresql":
		return sqlServer, true
	case "oracle":
		return oracle, true
	}
	return "", false
}
