// Package httptrace is the one engine of this module's HTTP integrations:
// tracehttp, contrib/net/http and the framework integrations under
// contrib/ (chi, gorilla/mux, gin, echo...) start, tag and finish their
// spans here, so that every one writes what dd-trace-go's HTTP
// integrations write, and a fix lands in all of them.
//
// # Server spans
//
// NewServer takes an integration's ServerConfig once, when it wraps a
// handler. Per request, Server.Serve runs a handler inside a span and
// records a panic before raising it again; integrations that must call
// the next handler themselves use Server.Start, which returns a Request
// (the traced Writer and Request to hand on) and Request.Finish, to be
// deferred with the recovered panic value. A span carries span.kind
// server, type web, component, http.method, http.url, http.useragent,
// http.host, _dd.measured, http.route and the resource ("METHOD route"
// unless given), http.status_code, the configured request headers and
// App Analytics rate, and baggage.* tags from the continued trace.
//
// # Client spans
//
// NewTransport wraps an http.RoundTripper: each request gets a client
// span (type http, resource "http.request", network.destination.name and
// .port, a number), the headers that continue the trace, and on failure
// http.errors ("404 Not Found", or the error's text).
//
// # Where it differs from dd-trace-go, and why
//
// A method that is not an HTTP token of at most 24 bytes shows as
// "_OTHER" and routes are cut at 200 bytes, so that a caller cannot make
// spans large or a resource per request. A handler that panics gets
// status 500 and the panic as its error, where dd-trace-go records 200
// and no error. Query strings in http.url are obfuscated with
// dd-trace-go's expression (DD_TRACE_OBFUSCATION_QUERY_STRING_REGEXP),
// which runs only when the query holds a word the expression needs (see
// mayHaveSecret): most of a traced request's cost otherwise.
//
// # Where it departs from the design
//
// DESIGN.md puts the engine in tracehttp and lets internal packages import
// the standard library and each other only. The engine is here instead, so
// that tracehttp's public API stays its own and the contrib packages (in
// nested modules too) can reach it; it imports the trace package, which
// never imports it, so there is no cycle.
package httptrace
