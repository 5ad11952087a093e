package sql

import (
	"maps"
	"math"
	"strings"

	"github.com/ctxtrace/trace/contrib/database/sql/internal/sqlconn"
	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/internal/env"
	"github.com/ctxtrace/trace/internal/httptrace"
)

// Option configures Register, Open or OpenDB. A nil Option is ignored.
type Option interface{ apply(*config) }

// RegisterOption is the former name of Option.
//
// Deprecated: Use Option instead.
type RegisterOption = Option

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config is what a registered driver or an opened database traces with:
// the traced connections' configuration, and what OpenDB reads.
type config struct {
	sqlconn.Config
	dsn     string
	dbStats bool
}

// defaults fills c for a driver registered (or named) driverName, from
// the environment and, for a database of a registered driver, from the
// registered configuration rc (nil otherwise), as dd-trace-go does, but
// for two of its slips: the custom tags given to Register are kept (dd
// drops them), and the query types to ignore are copied, so that those
// given to one Open do not leak into the registered driver's other
// databases (dd adds them to the registered set).
func defaults(c *config, driverName string, rc *config) {
	c.AnalyticsRate = math.NaN()
	if on, _ := env.Bool("DD_TRACE_SQL_ANALYTICS_ENABLED", false); on {
		c.AnalyticsRate = 1
	}
	mode := env.String("DD_DBM_PROPAGATION_MODE", "")
	if mode == "" {
		mode = env.String("DD_TRACE_SQL_COMMENT_INJECTION_MODE", "")
	}
	c.DBMMode = tracer.DBMPropagationMode(mode)
	c.ServiceName = defaultServiceName(driverName, rc)
	c.SpanName = spanName(driverName)
	if rc == nil {
		return
	}
	if math.IsNaN(c.AnalyticsRate) {
		c.AnalyticsRate = rc.AnalyticsRate
	}
	if c.DBMMode == tracer.DBMPropagationModeUndefined {
		c.DBMMode = rc.DBMMode
	}
	c.ErrCheck = rc.ErrCheck
	c.IgnoreQueryTypes = maps.Clone(rc.IgnoreQueryTypes)
	c.ChildSpansOnly = rc.ChildSpansOnly
	c.dbStats = rc.dbStats
	c.Tags = maps.Clone(rc.Tags)
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
	if s := httptrace.ClientService(); s != "" {
		return s
	}
	if rc != nil && rc.ServiceName != "" {
		return rc.ServiceName
	}
	return driverName + ".db"
}

// spanName is "<driver>.query"; with schema v1, "<db.system>.query" for
// the systems dbSystem knows.
func spanName(driverName string) string {
	if schemaV1() {
		if sys, ok := sqlconn.DBSystem(driverName); ok {
			return sys + ".query"
		}
	}
	return driverName + ".query"
}

// WithServiceName sets the service of the spans, when registering a
// driver or opening a database. Default: "<driver name>.db".
func WithServiceName(name string) Option {
	return optionFunc(func(c *config) { c.ServiceName = name })
}

// WithAnalytics turns App Analytics on or off for the spans.
func WithAnalytics(on bool) Option {
	return optionFunc(func(c *config) {
		c.AnalyticsRate = math.NaN()
		if on {
			c.AnalyticsRate = 1
		}
	})
}

// WithAnalyticsRate sets the App Analytics rate of the spans; a rate
// outside [0, 1] turns App Analytics off.
func WithAnalyticsRate(rate float64) Option {
	return optionFunc(func(c *config) {
		c.AnalyticsRate = math.NaN()
		if rate >= 0 && rate <= 1 {
			c.AnalyticsRate = rate
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
		if c.IgnoreQueryTypes == nil {
			c.IgnoreQueryTypes = make(map[QueryType]struct{}, len(qtypes))
		}
		for _, qt := range qtypes {
			c.IgnoreQueryTypes[qt] = struct{}{}
		}
	})
}

// WithChildSpansOnly makes spans only under a span that the context
// carries.
func WithChildSpansOnly() Option {
	return optionFunc(func(c *config) { c.ChildSpansOnly = true })
}

// WithErrorCheck sets fn to decide whether an operation's error marks its
// span as an error; fn is called only with an error. driver.ErrSkip never
// does, whatever fn says: it makes no span at all.
func WithErrorCheck(fn func(err error) bool) Option {
	return optionFunc(func(c *config) { c.ErrCheck = fn })
}

// WithCustomTag sets a tag on every span, and, for a string value, on the
// DB stats metrics (WithDBStats). Given to Register, it holds for every
// database of the driver, unlike in dd-trace-go, which drops it there.
func WithCustomTag(key string, value any) Option {
	return optionFunc(func(c *config) {
		if c.Tags == nil {
			c.Tags = map[string]any{}
		}
		c.Tags[key] = value
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
	return optionFunc(func(c *config) { c.DBMMode = mode })
}

// WithDBStats sends the database's sql.DBStats every 10 seconds as
// DogStatsD metrics (datadog.tracer.sql.db.connections.*: gauges, and the
// wait duration as a timing), tagged with the service and the custom tags
// that have string values, until the database is closed. They go where
// the tracer sends its own metrics once the tracer has recorded that
// address for integrations, and otherwise to the address the environment
// names (DD_DOGSTATSD_URL, else DD_DOGSTATSD_HOST or DD_AGENT_HOST and
// DD_DOGSTATSD_PORT; localhost:8125 by default).
func WithDBStats() Option {
	return optionFunc(func(c *config) { c.dbStats = true })
}
