package interop

// oursGinScenario is TestGinSameWire's scenario written against our
// contrib/gin-gonic/gin and tracer packages. It is a copy of ddGinScenario
// in contrib_gin_dd_test.go: the two must stay identical apart from their
// names and the file's imports, which TestGinScenariosIdentical checks.

import (
	"errors"
	"html/template"
	"io"
	"net/http"
	"testing"

	gintrace "github.com/ctxtrace/trace/contrib/gin-gonic/gin"
	"github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/gin-gonic/gin"
)

func oursGinScenario(t *testing.T, addr string, extra ...tracer.StartOption) []string {
	tracer.Start(append([]tracer.StartOption{
		tracer.WithService("svc"),
		tracer.WithEnv("prod"),
		tracer.WithServiceVersion("1.2.3"),
		tracer.WithAgentAddr(addr),
		tracer.WithLogStartup(false),
		tracer.WithLogger(silentLogger{}),
	}, extra...)...)
	defer tracer.Stop()
	gin.SetMode(gin.ReleaseMode)

	// app: the middleware first, with options, and gin's recovery after it.
	app := gin.New()
	app.SetHTMLTemplate(template.Must(template.New("page").Parse("hello {{.}}")))
	app.Use(gintrace.Middleware("gin-svc",
		gintrace.WithHeaderTags([]string{"X-Request-Id", "x-user:user.tag"}),
		gintrace.WithAnalyticsRate(0.5),
		gintrace.WithIgnoreRequest(func(c *gin.Context) bool { return c.Request.URL.Path == "/health" }),
	), gin.RecoveryWithWriter(io.Discard))
	app.GET("/users/:id", func(c *gin.Context) {
		span, _ := tracer.StartSpanFromContext(c.Request.Context(), "users.load", tracer.ResourceName("load "+c.Param("id")))
		span.Finish()
		c.String(http.StatusOK, "user "+c.Param("id"))
	})
	app.POST("/users", func(c *gin.Context) { c.JSON(http.StatusCreated, gin.H{"id": 7}) })
	app.GET("/files/*path", func(c *gin.Context) { c.String(http.StatusOK, c.Param("path")) })
	app.GET("/client-error", func(c *gin.Context) { _ = c.AbortWithError(http.StatusTeapot, errors.New("teapot")) })
	app.GET("/server-error", func(c *gin.Context) {
		_ = c.Error(errors.New("first failure"))
		_ = c.AbortWithError(http.StatusInternalServerError, errors.New("db down"))
	})
	app.GET("/unavailable", func(c *gin.Context) { c.Status(http.StatusServiceUnavailable) })
	app.GET("/panic", func(*gin.Context) { panic("boom") })
	app.GET("/html", func(c *gin.Context) { gintrace.HTML(c, http.StatusOK, "page", "world") })
	app.GET("/html-missing", func(c *gin.Context) { gintrace.HTML(c, http.StatusOK, "missing", nil) })
	app.GET("/health", func(c *gin.Context) { c.Status(http.StatusNoContent) })

	// outer: gin's recovery before the middleware, which has the defaults.
	outer := gin.New()
	outer.Use(gin.RecoveryWithWriter(io.Discard), gintrace.Middleware(""))
	outer.GET("/outer/ok", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	outer.GET("/outer/panic", func(*gin.Context) { panic(errors.New("outer boom")) })

	// bare: no recovery at all, a resource namer and App Analytics.
	bare := gin.New()
	bare.Use(gintrace.Middleware("bare-svc", gintrace.WithAnalytics(true),
		gintrace.WithResourceNamer(func(c *gin.Context) string { return "named " + c.FullPath() })))
	bare.GET("/bare/:name", func(c *gin.Context) { c.String(http.StatusAccepted, c.Param("name")) })
	bare.GET("/bare/panic/now", func(*gin.Context) { panic("bare boom") })

	out := serveCases(app, ginAppCases)
	out = append(out, serveCases(outer, ginOuterCases)...)
	return append(out, serveCases(bare, ginBareCases)...)
}
