package interop

// ddLogsScenario is TestLogsSameAsDD's scenario written against
// dd-trace-go v1.74.8's contrib/log/slog and contrib/sirupsen/logrus.
// oursLogsScenario in contrib_logs_ours_test.go is the same function
// against ours: the two must stay identical apart from their names and the
// file's imports, which TestLogsScenariosIdentical checks.

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/sirupsen/logrus"
	slogtrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/log/slog"
	logrustrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/sirupsen/logrus"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func ddLogsScenario(t *testing.T, agentAddr string, slogOut, logrusOut io.Writer, extra ...tracer.StartOption) {
	tracer.Start(append([]tracer.StartOption{
		tracer.WithService("svc"),
		tracer.WithEnv("prod"),
		tracer.WithServiceVersion("1.2.3"),
		tracer.WithAgentAddr(agentAddr),
		tracer.WithLogStartup(false),
		tracer.WithLogger(silentLogger{}),
	}, extra...)...)
	defer tracer.Stop()
	opts := &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	sl := slog.New(slogtrace.NewJSONHandler(slogOut, opts))
	wl := slog.New(slogtrace.WrapHandler(slog.NewJSONHandler(slogOut, opts)))
	lr := logrus.New()
	lr.Out = logrusOut
	lr.Formatter = &logrus.JSONFormatter{DisableTimestamp: true}
	lr.AddHook(&logrustrace.DDContextLogHook{})

	root, ctx := tracer.StartSpanFromContext(context.Background(), "log.root")
	sl.InfoContext(ctx, "root", "k", "v")
	child, cctx := tracer.StartSpanFromContext(ctx, "log.child")
	sl.WarnContext(cctx, "child", "n", 1)
	wl.With("a", 1).WithGroup("g").With("b", 2).InfoContext(cctx, "grouped", "c", 3)
	wl.WithGroup("g1").WithGroup("g2").ErrorContext(cctx, "nested", "c", 3)
	wl.WithGroup("empty").InfoContext(cctx, "empty group")
	sl.Info("no context")
	sl.InfoContext(context.Background(), "no span")
	lr.WithContext(ctx).WithField("k", "v").Info("root")
	lr.WithContext(cctx).Warn("child")
	lr.WithFields(logrus.Fields{"a": 1}).WithContext(cctx).Error("fields")
	lr.Info("no context")
	lr.WithContext(context.Background()).Info("no span")
	child.Finish()
	root.Finish()

	// A trace continued from a caller that sends 64-bit trace ids: its id
	// has no upper half.
	parent, err := tracer.Extract(tracer.TextMapCarrier{
		"x-datadog-trace-id": "1234", "x-datadog-parent-id": "5678", "x-datadog-sampling-priority": "1"})
	if err != nil {
		t.Fatal(err)
	}
	remote := tracer.StartSpan("log.remote64", tracer.ChildOf(parent))
	rctx := tracer.ContextWithSpan(context.Background(), remote)
	sl.InfoContext(rctx, "remote")
	lr.WithContext(rctx).Info("remote")
	remote.Finish()
}
