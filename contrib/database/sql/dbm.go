package sql

import (
	"database/sql/driver"
	"log/slog"
	"reflect"
	"strings"

	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/internal/ddlog"
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

// effectiveDBMMode is the DBM mode a database's queries get: full
// downgraded to service for SQL Server and Oracle, which cannot take a
// trace context in a comment, and an unknown mode disabled, each said in
// a warning.
func effectiveDBMMode(mode tracer.DBMPropagationMode, driverName string, d driver.Driver, dsn string) tracer.DBMPropagationMode {
	switch mode {
	case tracer.DBMPropagationModeUndefined, tracer.DBMPropagationModeDisabled, tracer.DBMPropagationModeService:
		return mode
	case tracer.DBMPropagationModeFull:
		if sys, ok := fullModeUnsupported(driverName, d, dsn); ok {
			logger().Warn("contrib/database/sql: DBM propagation mode full is not supported for "+sys+"; using service",
				slog.String("driver", driverName))
			return tracer.DBMPropagationModeService
		}
		return mode
	}
	logger().Warn("contrib/database/sql: unknown DBM propagation mode; queries carry no comment",
		slog.String("mode", string(mode)), slog.String("driver", driverName))
	return tracer.DBMPropagationModeDisabled
}

// logger is where the integration's warnings go: the logger
// ddtrace.UseLogger installed, else slog's default.
func logger() *slog.Logger {
	if l := ddlog.Get(); l != nil {
		return slog.New(ddlog.Handler(l, slog.LevelWarn))
	}
	return slog.Default()
}
