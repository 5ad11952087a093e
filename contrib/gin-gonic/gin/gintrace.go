// Package gin traces requests served by github.com/gin-gonic/gin, as
// dd-trace-go's contrib/gin-gonic/gin does: same API, same spans.
//
// Middleware starts an "http.request" span for each request, continuing
// the trace the caller's headers carry, and puts it in c.Request's
// context, so the handlers' own spans become its children. Its resource is
// "METHOD route", with gin's route pattern ("GET /users/:id"; "GET " for
// a request no route matches); its tags are dd-trace-go's: component
// gin-gonic/gin, span.kind server, http.method, http.url (with the query
// string, obfuscated), http.host, http.useragent, http.route,
// http.status_code, the errors handlers attached with c.Error (gin.errors),
// and the headers WithHeaderTags names. A status of 500–599 (or those
// DD_TRACE_HTTP_SERVER_ERROR_STATUSES lists) marks the span as an error.
// HTML renders a template inside a child span.
//
// The span work is internal/httptrace's, the engine of every HTTP
// integration of this module; this package is the glue to gin.
//
// # Versions
//
// Supported: gin v1.12.0 and later v1 releases. The module requires
// v1.12.0, the version its tests and interop's side-by-side test run.
//
// # Where it differs from dd-trace-go, and why
//
// A handler panic that goes through Middleware (gin's recovery registered
// before it, or none) is recorded on the span, with status 500, what the
// client gets; dd-trace-go records status 200 and no error. HTML records
// a failed rendering as its span's error; dd-trace-go does not (gin no
// longer panics then, but adds the error to c.Errors). A method that
// is not an HTTP token of at most 24 bytes shows as "_OTHER" in the span,
// and routes are cut at 200 bytes. AppSec, which this SDK does not
// implement, is not run.
package gin

import (
	"context"
	"fmt"

	"github.com/gin-gonic/gin"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/httptrace"
)

const componentName = "gin-gonic/gin"

var componentTag = trace.Tag("component", componentName)

// Middleware returns middleware that traces incoming requests. The spans'
// service is service; "" means the tracer's service when it was given one
// (WithService, DD_SERVICE), else "gin.router".
func Middleware(service string, opts ...Option) gin.HandlerFunc {
	if service == "" {
		service = httptrace.ServerService("gin.router")
	}
	cfg := config{analytics: httptrace.IntegrationAnalytics("GIN")}
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	srv := httptrace.NewServer(httptrace.ServerConfig{
		Component:     componentName,
		Service:       service,
		QueryString:   httptrace.ServerQueryString(),
		IsStatusError: httptrace.StatusCheckFromEnv(httptrace.EnvServerErrorStatuses, nil),
		Analytics:     cfg.analytics,
		HeaderTags:    cfg.headerTags,
		EmptyRoute:    true, // as dd-trace-go: http.route "" when no route matched
	})
	return func(c *gin.Context) {
		if cfg.ignoreRequest != nil && cfg.ignoreRequest(c) {
			return // gin runs the next handlers all the same
		}
		route := c.FullPath()
		var resource string
		if cfg.resourceNamer != nil {
			resource = cfg.resourceNamer(c)
		} else {
			resource = httptrace.Method(c.Request.Method) + " " + httptrace.Truncate(route, httptrace.MaxRouteLen)
		}
		q := srv.Start(c.Writer, c.Request, route, resource)
		if q == nil {
			return
		}
		c.Request = q.Request()
		defer func() {
			p := recover()
			finish(c, q, p)
			if p != nil {
				panic(p)
			}
		}()
		c.Next()
	}
}

// finish ends the span of c: the status gin's writer knows (none when a
// panic interrupted the handler before it wrote one: the engine counts it
// a 500), and the errors the handlers attached.
func finish(c *gin.Context, q *httptrace.Request, recovered any) {
	if recovered == nil || c.Writer.Written() {
		q.SetStatus(c.Writer.Status())
	}
	if len(c.Errors) > 0 {
		q.Span().SetTag("gin.errors", c.Errors.String())
	}
	q.Finish(recovered)
}

// HTML renders the template name with obj and the status code, as
// c.HTML does, inside a "gin.render.html" span, a child of the request's.
// A panic of the rendering is recorded on that span, then raised again.
// The error gin adds to c.Errors when rendering fails is recorded too;
// dd-trace-go records only panics, which is how gin reported a failure
// before.
func HTML(c *gin.Context, code int, name string, obj interface{}) {
	ctx := context.Background()
	if c.Request != nil {
		ctx = c.Request.Context()
	}
	_, span := trace.Start(ctx, "gin.render.html", trace.Tag("go.template", name), componentTag)
	errs := len(c.Errors)
	defer func() {
		if p := recover(); p != nil {
			span.Finish(trace.WithError(fmt.Errorf("error rendering tmpl:%s: %s", name, p)))
			panic(p)
		}
		if len(c.Errors) > errs {
			span.Finish(trace.WithError(fmt.Errorf("error rendering tmpl:%s: %v", name, c.Errors.Last().Err)))
			return
		}
		span.Finish()
	}()
	c.HTML(code, name, obj)
}
