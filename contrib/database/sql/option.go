package sql

import (
	"maps"
	"math"
	"strings"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/internal/env"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

// Option configures Register, Open or OpenDB. A nil Option is ignored.
type Option interface{ apply(*config) }

// RegisterOption is the former name of Option.
//
// Deprecated: Use Option instead.
type RegisterOption = Option

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config is what a registered driver or an opened database traces with.
// Once OpenDB has built it, it is only read: every connection of the
// database shares it.
type config struct {
	serviceName      string
	spanName         string
	analyticsRate    float64 // NaN: none
	dsn              string
	ignoreQueryTypes map[QueryType]struct{}
	childSpansOnly   bool
	errCheck         func(err error) bool
	tags             map[string]any
	dbmMode          tracer.DBMPropagationMode
	dbStats          bool
}

// defaults fills c for a driver registered (or named) driverName, from
// the environment and, for a database of a registered driver, from the
// registered configuration rc (nil otherwise), as dd-trace-go does, but
// for two of its slips: the custom tags given to Register are kept (dd
// drops them), and the query types to ignore are copied, so that those
// given to one Open do not leak into the registered driver's other
// databases (dd adds them to the registered set).
func defaults(c *config, driverName string, rc *config) {
	c.analyticsRate = math.NaN()
	if on, _ := env.Bool("DD_TRACE_SQL_ANALYTICS_ENABLED", false); on {
		c.analyticsRate = 1
	}
	mode := env.String("DD_DBM_PROPAGATION_MODE", "")
	if mode == "" {
		mode = env.String("DD_TRACE_SQL_COMMENT_INJECTION_MODE", "")
	}
	c.dbmMode = tracer.DBMPropagationMode(mode)
	c.serviceName = defaultServiceName(driverName, rc)
	c.spanName = spanName(driverName)
	if rc == nil {
		return
	}
	if math.IsNaN(c.analyticsRate) {
		c.analyticsRate = rc.analyticsRate
	}
	if c.dbmMode == tracer.DBMPropagationModeUndefined {
		c.dbmMode = rc.dbmMode
	}
	c.errCheck = rc.errCheck
	c.ignoreQueryTypes = maps.Clone(rc.ignoreQueryTypes)
	c.childSpansOnly = rc.childSpansOnly
	c.dbStats = rc.dbStats
	c.tags = maps.Clone(rc.tags)
}

// schemaV1 reports whether DD_TRACE_SPAN_ATTRIBUTE_SCHEMA asks for
// Datadog's v1 span names.
func schemaV1() bool {
	return strings.EqualFold(env.String("DD_TRACE_SPAN_ATTRIBUTE_SCHEMA", ""), "v1")
}

// defaultServiceName is the service of a driver's spans: the tracer's
// when integrations must not name services of their own (schema v1,
// DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED or
// tracer.WithGlobalServiceName) and the tracer has one; else the service
// given to Register; else "<driver>.db".
func defaultServiceName(driverName string, rc *config) string {
	if schemaV1() || globalconfig.RemoveIntegrationServiceNames() {
		if s := tracerService(); s != "" {
			return s
		}
	}
	if rc != nil && rc.serviceName != "" {
		return rc.serviceName
	}
	return driverName + ".db"
}

// tracerService is the default tracer's service, or DD_SERVICE before
// one is set.
func tracerService() string {
	if s := trace.Default().Service(); s != "" {
		return s
	}
	return env.String("DD_SERVICE", "")
}

// spanName is "<driver>.query"; with schema v1, "<db.system>.query" for
// the systems dbSystem knows.
func spanName(driverName string) string {
	if schemaV1() {
		if sys, ok := dbSystem(driverName); ok {
			return sys + ".query"
		}
	}
	return driverName + ".query"
}

// dbSystem is the db.system tag of a driver name: the database it talks
// to when the name is a known one, other_sql otherwise.
func dbSystem(driverName string) (string, bool) {
	switch driverName {
	case "mysql":
		return ext.DBSystemMySQL, true
	case "postgres", "pgx":
		return ext.DBSystemPostgreSQL, true
	case "sqlserver":
		return ext.DBSystemMicrosoftSQLServer, true
	}
	return ext.DBSystemOtherSQL, false
}

// WithServiceName sets the service of the spans, when registering a
// driver or opening a database. Default: "<driver name>.db".
func WithServiceName(name string) Option {
	return optionFunc(func(c *config) { c.serviceName = name })
}

// WithAnalytics turns App Analytics on or off for the spans.
func WithAnalytics(on bool) Option {
	return optionFunc(func(c *config) {
		c.analyticsRate = math.NaN()
		if on {
			c.analyticsRate = 1
		}
	})
}

// WithAnalyticsRate sets the App Analytics rate of the spans; a rate
// outside [0, 1] turns App Analytics off.
func WithAnalyticsRate(rate float64) Option {
	return optionFunc(func(c *config) {
		c.analyticsRate = math.NaN()
		if rate >= 0 && rate <= 1 {
			c.analyticsRate = rate
		}
	})
}

// WithDSN gives the data source name of a database opened with OpenDB
// and a driver.Connector, from which the spans get their tags (db.user,
// db.name, out.host, out.port...). Open knows it without this option.
func WithDSN(name string) Option {
	return optionFunc(func(c *config) { c.dsn = name })
}

// WithIgnoreQueryTypes names the query types that make no span.
func WithIgnoreQueryTypes(qtypes ...QueryType) Option {
	return optionFunc(func(c *config) {
		if c.ignoreQueryTypes == nil {
			c.ignoreQueryTypes = make(map[QueryType]struct{}, len(qtypes))
		}
		for _, qt := range qtypes {
			c.ignoreQueryTypes[qt] = struct{}{}
		}
	})
}

// WithChildSpansOnly makes spans only under a span that the context
// carries.
func WithChildSpansOnly() Option {
	return optionFunc(func(c *config) { c.childSpansOnly = true })
}

// WithErrorCheck sets fn to decide whether an operation's error marks its
// span as an error; fn is called only with an error. driver.ErrSkip never
// does, whatever fn says: it makes no span at all.
func WithErrorCheck(fn func(err error) bool) Option {
	return optionFunc(func(c *config) { c.errCheck = fn })
}

// WithCustomTag sets a tag on every span, and, for a string value, on the
// DB stats metrics (WithDBStats). Given to Register, it holds for every
// database of the driver, unlike in dd-trace-go, which drops it there.
func WithCustomTag(key string, value any) Option {
	return optionFunc(func(c *config) {
		if c.tags == nil {
			c.tags = map[string]any{}
		}
		c.tags[key] = value
	})
}

// WithSQLCommentInjection is WithDBMPropagation under its former name.
//
// Deprecated: Use WithDBMPropagation instead.
func WithSQLCommentInjection(mode tracer.SQLCommentInjectionMode) Option {
	return WithDBMPropagation(tracer.DBMPropagationMode(mode))
}

// WithDBMPropagation makes queries carry a comment for Datadog Database
// Monitoring (tracer.SQLCommentCarrier): in DBMPropagationModeService,
// the service tags; in DBMPropagationModeFull, the trace context as well,
// and the span the tag _dd.dbm_trace_injected. Prepared statements carry
// the service tags only. For SQL Server and Oracle, which cannot take the
// trace context, full is downgraded to service. The default is
// DD_DBM_PROPAGATION_MODE (or DD_TRACE_SQL_COMMENT_INJECTION_MODE); a
// mode that is none of these is disabled.
//
// The comment stores service names in the database, where anyone allowed
// to read its statistics can see them.
func WithDBMPropagation(mode tracer.DBMPropagationMode) Option {
	return optionFunc(func(c *config) { c.dbmMode = mode })
}

// WithDBStats sends the database's sql.DBStats every 10 seconds as
// DogStatsD metrics (datadog.tracer.sql.db.connections.*: gauges, and the
// wait duration as a timing), tagged with the service and the string
// custom tags, until the database is closed. They go to the address and
// carry the tags that the tracer records in internal/globalconfig
// (SetDogStatsD); before it does, to the address the environment gives
// (DD_DOGSTATSD_URL, DD_DOGSTATSD_HOST or DD_AGENT_HOST,
// DD_DOGSTATSD_PORT; by default localhost:8125).
func WithDBStats() Option {
	return optionFunc(func(c *config) { c.dbStats = true })
}
