package httptrace

import (
	"os"
	"strings"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/env"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

// schemaV1 reports DD_TRACE_SPAN_ATTRIBUTE_SCHEMA=v1: Datadog's naming
// schema v1, where HTTP spans are http.server.request and
// http.client.request, and integrations take the tracer's service.
func schemaV1() bool {
	return strings.EqualFold(env.String("DD_TRACE_SPAN_ATTRIBUTE_SCHEMA", ""), "v1")
}

// spanName is the default name of server or client spans under the naming
// schema in force.
func spanName(server bool) string {
	switch {
	case !schemaV1():
		return spanNameDefault
	case server:
		return "http.server.request"
	}
	return "http.client.request"
}

// globalService returns dd-trace-go's global service name: the one
// tracer.Start was given, "" for none (recorded in globalconfig). With no
// tracer.Start, it is the default tracer's service when that is on, else
// DD_SERVICE.
func globalService() string {
	if s, ok := globalconfig.ServiceName(); ok {
		return s
	}
	if t := trace.Default(); t.Enabled() {
		return t.Service()
	}
	return os.Getenv("DD_SERVICE")
}

// ServerService is the default service of an integration's server spans,
// as dd-trace-go names it when the handler is wrapped: the tracer's
// service, or fallback ("http.router", "mux.router"...) when it has none.
func ServerService(fallback string) string {
	if s := globalService(); s != "" {
		return s
	}
	return fallback
}

// ClientService is the default service of an integration's client spans:
// none (they take their parent's), unless integrations are told to use
// the tracer's service (DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED),
// or naming schema v1 is in force, as in dd-trace-go.
func ClientService() string {
	if globalconfig.RemoveIntegrationServiceNames() || schemaV1() {
		return globalService()
	}
	return ""
}

// ServerQueryString is dd-trace-go's default for the query string of
// server spans' http.url: kept (obfuscated) unless
// DD_TRACE_HTTP_URL_QUERY_STRING_DISABLED is true.
func ServerQueryString() bool {
	off, _ := env.Bool("DD_TRACE_HTTP_URL_QUERY_STRING_DISABLED", false)
	return !off
}

// ClientQueryString is dd-trace-go's default for the query string of
// client spans' http.url: kept (obfuscated) unless
// DD_TRACE_HTTP_CLIENT_TAG_QUERY_STRING is false.
func ClientQueryString() bool {
	on, _ := env.Bool("DD_TRACE_HTTP_CLIENT_TAG_QUERY_STRING", true)
	return on
}
