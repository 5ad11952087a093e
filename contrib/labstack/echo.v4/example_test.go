package echo_test

import (
	"errors"
	"net/http"
	"net/http/httptest"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	echotrace "github.com/ctxtrace/trace/contrib/labstack/echo.v4"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

func Example() {
	tracer.Start(tracer.WithService("my-web-app"))
	defer tracer.Stop()

	e := echo.New()
	// The middleware first, so that it sees the errors the others return.
	e.Use(echotrace.Middleware(echotrace.WithServiceName("my-web-app")), middleware.Recover())
	e.GET("/hello/:name", func(c echo.Context) error {
		// The request's context carries the span: a child span.
		span, _ := tracer.StartSpanFromContext(c.Request().Context(), "greet")
		defer span.Finish()
		return c.String(http.StatusOK, "hello "+c.Param("name"))
	})

	// e.Start(":8080") in a real program.
	e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/hello/gopher", nil))
}

var errNotFound = errors.New("not found")

func ExampleWithErrorTranslator() {
	e := echo.New()
	e.Use(echotrace.Middleware(
		// The status a span records for the errors handlers return.
		echotrace.WithErrorTranslator(func(err error) (*echo.HTTPError, bool) {
			if errors.Is(err, errNotFound) {
				return echo.NewHTTPError(http.StatusNotFound), true
			}
			var he *echo.HTTPError
			return he, errors.As(err, &he)
		}),
		// 4xx are errors too, but not a missing item.
		echotrace.WithStatusCheck(func(status int) bool { return status >= 400 }),
		echotrace.WithErrorCheck(func(err error) bool { return !errors.Is(err, errNotFound) }),
		echotrace.WithCustomTag("team", "checkout"),
	))
}
