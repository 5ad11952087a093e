// Package echo traces requests served by github.com/labstack/echo/v4, as
// dd-trace-go's contrib/labstack/echo.v4 does: same API, same spans.
//
// Middleware starts an "http.request" span for each request, continuing
// the trace the caller's headers carry, and puts it in the request's
// context, so the handlers' own spans become its children. Its resource is
// "METHOD route", with echo's route pattern ("GET /users/:id"; "GET " for
// a request no route matches); its tags are dd-trace-go's: component
// labstack/echo.v4, span.kind server, http.method, http.url (with the
// query string, obfuscated), http.host, http.useragent, http.route,
// http.status_code, the headers WithHeaderTags names and the tags of
// WithCustomTag.
//
// Echo writes the response of an error a handler returns after the
// middleware has returned, so the status is found as dd-trace-go finds
// it: the Code of the *echo.HTTPError the error translator finds
// (WithErrorTranslator; by default in the error's chain), else 500. The
// error is recorded when the status check (WithStatusCheck; by default
// 500–599) calls that status an error and the error check
// (WithErrorCheck) does not exclude it. A handler that returns no error
// has the status it wrote.
//
// The span work is internal/httptrace's, the engine of every HTTP
// integration of this module; this package is the glue to echo.
//
// # Versions
//
// Supported: echo v4.16.5 and later v4 releases. The module requires
// v4.16.5 (which needs Go 1.26), the version its tests and interop's
// side-by-side test run.
//
// # Where it differs from dd-trace-go, and why
//
//   - A handler panic that goes through Middleware (echo's Recover
//     registered before it, or none) is recorded on the span, with status
//     500, and the span is sent; dd-trace-go never finishes that span, so
//     the request is missing from the trace.
//   - An error returned after the response was written keeps the status
//     that was sent (echo cannot change it any more); dd-trace-go records
//     the error's status (500 for a plain error).
//   - An error the error check excludes keeps its status (500 for a plain
//     error, what echo answers); dd-trace-go records 200.
//   - NoDebugStack leaves error.stack out; dd-trace-go writes an empty
//     error.stack on every span, errors or not.
//   - WithCustomTag cannot replace the tags Middleware sets, as its doc
//     comment says; dd-trace-go's lets it replace some (http.method,
//     http.url, http.useragent, http.host, span.type).
//   - A method that is not an HTTP token of at most 24 bytes shows as
//     "_OTHER" in the span, and routes are cut at 200 bytes. AppSec, which
//     this SDK does not implement, is not run.
package echo

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/httptrace"
)

const componentName = "labstack/echo.v4"

// Middleware returns echo middleware which will trace incoming requests.
func Middleware(opts ...Option) echo.MiddlewareFunc {
	cfg := defaults()
	for _, o := range opts {
		if o != nil {
			o.apply(cfg)
		}
	}
	if cfg.isStatusError == nil {
		cfg.isStatusError = httptrace.ServerError
	}
	if cfg.translateError == nil {
		cfg.translateError = asHTTPError
	}
	var custom []trace.SpanOption
	for _, t := range cfg.tags {
		if !standardTags[t.key] {
			custom = append(custom, trace.Tag(t.key, t.value))
		}
	}
	srv := httptrace.NewServer(httptrace.ServerConfig{
		Component:   componentName,
		Service:     cfg.service,
		QueryString: httptrace.ServerQueryString(),
		// The glue decides which statuses are errors (statusError), with
		// the error check, which the engine does not know.
		IsStatusError: never,
		Analytics:     cfg.analytics,
		HeaderTags:    cfg.headerTags,
		SpanOptions:   custom,
		NoDebugStack:  cfg.noDebugStack,
		EmptyRoute:    true, // as dd-trace-go: http.route "" when no route matched
	})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			if cfg.ignoreRequest != nil && cfg.ignoreRequest(c) {
				return next(c)
			}
			r := c.Request()
			route := c.Path()
			resource := httptrace.Method(r.Method) + " " + httptrace.Truncate(route, httptrace.MaxRouteLen)
			q := srv.Start(c.Response(), r, route, resource)
			if q == nil {
				return next(c)
			}
			c.SetRequest(q.Request())
			defer func() {
				p := recover()
				cfg.finish(c, q, err, p)
				if p != nil {
					panic(p)
				}
			}()
			return next(c)
		}
	}
}

func never(int) bool { return false }

// standardTags are the tags WithCustomTag cannot replace: those
// Middleware sets, and those that name the span's service, resource, type
// and name.
var standardTags = map[string]bool{
	"component": true, "span.kind": true, "span.type": true, "service.name": true, "resource.name": true,
	"span.name": true, "http.method": true, "http.url": true, "http.useragent": true, "http.host": true,
	"http.route": true, "http.status_code": true, "_dd.measured": true, "_dd1.sr.eausr": true,
}

// finish ends the span of c, whose handler returned err or panicked with
// recovered.
func (cfg *config) finish(c echo.Context, q *httptrace.Request, err error, recovered any) {
	resp := c.Response()
	switch {
	case recovered != nil:
		if resp.Committed {
			q.SetStatus(resp.Status)
		} // else the engine counts it a 500
	case err != nil:
		status := http.StatusInternalServerError
		if he, ok := cfg.translateError(err); ok && he != nil {
			status = he.Code
		}
		if cfg.isStatusError(status) && !cfg.ignored(err) {
			q.SetError(err)
		}
		if resp.Committed {
			status = resp.Status // what was sent
		}
		q.SetStatus(status)
	default:
		status := resp.Status
		if status == 0 {
			status = http.StatusOK
		}
		q.SetStatus(status)
		if cfg.isStatusError(status) {
			if serr := httptrace.StatusError(status); !cfg.ignored(serr) {
				q.SetError(serr)
			}
		}
	}
	q.Finish(recovered)
}

// ignored reports whether the error check excludes err.
func (cfg *config) ignored(err error) bool { return cfg.errCheck != nil && !cfg.errCheck(err) }
