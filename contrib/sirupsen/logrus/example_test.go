package logrus_test

import (
	"context"
	"os"

	"github.com/sirupsen/logrus"

	"github.com/ctxtrace/trace"
	ddlogrus "github.com/ctxtrace/trace/contrib/sirupsen/logrus"
)

// The hook adds the ids of the span in an entry's context.
func Example() {
	tr := trace.New(trace.WithService("shop"), trace.WithExporter(trace.Discard))
	defer tr.Shutdown(context.Background())
	log := logrus.New()
	log.Out = os.Stdout
	log.Formatter = &logrus.JSONFormatter{DisableTimestamp: true}
	log.AddHook(&ddlogrus.DDContextLogHook{})

	remote := trace.ContextWithSpanContext(context.Background(),
		trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.NewTraceID(0, 1234), SpanID: 1}))
	ctx, span := tr.Start(remote, "checkout", trace.WithSpanID(5678))
	defer span.Finish()
	log.WithContext(ctx).WithField("order", 1042).Info("order placed")
	// Output:
	// {"dd.span_id":"5678","dd.trace_id":"1234","level":"info","msg":"order placed","order":1042}
}
