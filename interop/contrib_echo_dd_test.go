package interop

// ddEchoScenario is TestEchoSameWire's scenario written against
// dd-trace-go v1.74.8's contrib/labstack/echo.v4 and tracer packages.
// oursEchoScenario in contrib_echo_ours_test.go is the same function
// against ours: the two must stay identical apart from their names and
// the file's imports, which TestEchoScenariosIdentical checks.

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	echotrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/labstack/echo.v4"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func ddEchoScenario(t *testing.T, addr string, extra ...tracer.StartOption) []string {
	tracer.Start(append([]tracer.StartOption{
		tracer.WithService("svc"),
		tracer.WithEnv("prod"),
		tracer.WithServiceVersion("1.2.3"),
		tracer.WithAgentAddr(addr),
		tracer.WithLogStartup(false),
		tracer.WithLogger(silentLogger{}),
	}, extra...)...)
	defer tracer.Stop()
	quiet := middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true})

	// app: the middleware first, with options, and echo's recovery after it.
	app := echo.New()
	app.Use(echotrace.Middleware(
		echotrace.WithServiceName("echo-svc"),
		echotrace.WithHeaderTags([]string{"X-Request-Id", "x-user:user.tag"}),
		echotrace.WithAnalyticsRate(0.5),
		echotrace.WithCustomTag("team", "core"),
		echotrace.WithCustomTag("build", 42),
		echotrace.WithCustomTag("span.kind", "replace me"),
		echotrace.WithIgnoreRequest(func(c echo.Context) bool { return c.Request().URL.Path == "/health" }),
	), quiet)
	app.GET("/users/:id", func(c echo.Context) error {
		span, _ := tracer.StartSpanFromContext(c.Request().Context(), "users.load", tracer.ResourceName("load "+c.Param("id")))
		span.Finish()
		return c.String(http.StatusOK, "user "+c.Param("id"))
	})
	app.POST("/users", func(c echo.Context) error { return c.JSON(http.StatusCreated, map[string]int{"id": 7}) })
	app.GET("/files/*", func(c echo.Context) error { return c.String(http.StatusOK, c.Param("*")) })
	app.GET("/teapot", func(echo.Context) error { return echo.NewHTTPError(http.StatusTeapot, "teapot") })
	app.GET("/unavailable", func(echo.Context) error {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "down").SetInternal(errors.New("db"))
	})
	app.GET("/error", func(echo.Context) error { return errors.New("plain failure") })
	app.GET("/wrapped", func(echo.Context) error { return fmt.Errorf("wrapped: %w", echo.ErrNotFound) })
	app.GET("/status", func(c echo.Context) error { return c.NoContent(http.StatusBadGateway) })
	app.GET("/late-error", func(c echo.Context) error {
		_ = c.String(http.StatusOK, "partial")
		return errors.New("late failure")
	})
	app.GET("/panic", func(echo.Context) error { panic("boom") })
	app.GET("/health", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })

	// strict: echo's recovery before the middleware, which has the
	// default service and checks of its own.
	strict := echo.New()
	strict.Use(quiet, echotrace.Middleware(
		echotrace.WithStatusCheck(func(code int) bool { return code >= 400 }),
		echotrace.WithErrorCheck(func(err error) bool { return !errors.Is(err, errEchoIgnored) }),
		echotrace.WithErrorTranslator(func(err error) (*echo.HTTPError, bool) {
			if errors.Is(err, errEchoConflict) {
				return echo.NewHTTPError(http.StatusConflict, "conflict"), true
			}
			var he *echo.HTTPError
			return he, errors.As(err, &he)
		}),
		echotrace.NoDebugStack(),
	))
	strict.GET("/strict/ok", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	strict.GET("/strict/teapot", func(echo.Context) error { return echo.NewHTTPError(http.StatusTeapot) })
	strict.GET("/strict/ignored", func(echo.Context) error { return errEchoIgnored })
	strict.GET("/strict/conflict", func(echo.Context) error { return errEchoConflict })
	strict.GET("/strict/none", func(c echo.Context) error { return c.NoContent(http.StatusNotFound) })
	strict.GET("/strict/panic", func(echo.Context) error { panic(errors.New("strict boom")) })

	out := serveCases(app, echoAppCases)
	return append(out, serveCases(strict, echoStrictCases)...)
}
