package gin_test

import (
	"html/template"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	gintrace "github.com/ctxtrace/trace/contrib/gin-gonic/gin"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

func Example() {
	tracer.Start(tracer.WithService("my-web-app"))
	defer tracer.Stop()

	r := gin.New()
	// The middleware first, so that it sees what the others do.
	r.Use(gintrace.Middleware("my-web-app"), gin.Recovery())
	r.GET("/hello/:name", func(c *gin.Context) {
		// The request's context carries the span: a child span.
		span, _ := tracer.StartSpanFromContext(c.Request.Context(), "greet")
		defer span.Finish()
		c.String(http.StatusOK, "hello "+c.Param("name"))
	})

	// r.Run(":8080") in a real program.
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/hello/gopher", nil))
}

func ExampleHTML() {
	tracer.Start(tracer.WithService("my-web-app"))
	defer tracer.Stop()

	r := gin.New()
	r.SetHTMLTemplate(template.Must(template.New("index").Parse("<h1>{{.title}}</h1>")))
	r.Use(gintrace.Middleware("my-web-app"))
	r.GET("/index", func(c *gin.Context) {
		// Renders the template inside a gin.render.html span.
		gintrace.HTML(c, http.StatusOK, "index", gin.H{"title": "Main website"})
	})
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/index", nil))
}

func ExampleWithIgnoreRequest() {
	r := gin.New()
	r.Use(gintrace.Middleware("my-web-app",
		gintrace.WithIgnoreRequest(func(c *gin.Context) bool { return c.Request.URL.Path == "/healthz" }),
		gintrace.WithHeaderTags([]string{"X-Request-Id"}),
		gintrace.WithResourceNamer(func(c *gin.Context) string { return c.Request.Method + " " + c.FullPath() }),
	))
}
