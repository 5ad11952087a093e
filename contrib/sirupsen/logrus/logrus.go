// Package logrus provides a log/span correlation hook for the
// sirupsen/logrus package (https://github.com/sirupsen/logrus), with
// dd-trace-go v1.74.8's API of the package of that path.
//
// An entry logged with a context that carries a span
// (logger.WithContext(ctx).Info(...)) gets the two fields dd-trace-go's
// hook writes:
//
//   - dd.trace_id: the whole 128-bit trace id as 32 lowercase hex digits;
//     the lower 64 bits in decimal when DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED
//     is false (read once, when the program starts, as dd-trace-go reads
//     it) or when the trace id has no upper half;
//   - dd.span_id: the span id in decimal.
//
// Entries without a span are left as they are.
//
//	logrus.AddHook(&ddlogrus.DDContextLogHook{})
//	logrus.WithContext(ctx).Info("charged")
//
// # Differences from dd-trace-go
//
// For a trace id without an upper half (a trace continued from a tracer
// that sends 64-bit ids, or DD_TRACE_128_BIT_TRACEID_GENERATION_ENABLED=false),
// dd-trace-go v1.74.8's hook writes 32 hex digits, the first 16 of them
// zeros. We write the decimal form, as dd-trace-go's own rule says
// (DataDog/dd-trace-go#1746) and as its tracer's %v formatting of a span
// and Datadog's other tracers do. An entry without Data gets a map
// instead of a panic.
//
// Supported: logrus v1.10.2 (the version this module requires; built and
// tested with it) and later v1 releases.
package logrus

import (
	"github.com/sirupsen/logrus"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/logcorr"
)

// hex128 is DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED, read once, as
// dd-trace-go reads it.
var hex128 = logcorr.TraceID128()

// DDContextLogHook ensures that any span in the log context is correlated
// to log output. Its zero value is ready to use.
type DDContextLogHook struct {
	// DDContextLogHook is the field by which dd-trace-go v1.74.8's hook
	// embeds its v2 implementation; code that reaches the hook through it
	// (hook.DDContextLogHook.Fire(e)) keeps working. It holds no state.
	DDContextLogHook contextHook
}

// contextHook is the hook behind DDContextLogHook's field of that name:
// its Levels and Fire are DDContextLogHook's.
type contextHook struct{}

// Levels implements logrus.Hook interface, this hook applies to all
// defined levels.
func (d *DDContextLogHook) Levels() []logrus.Level { return levels() }

// Fire implements logrus.Hook interface, attaches trace and span details
// found in entry context.
func (d *DDContextLogHook) Fire(e *logrus.Entry) error { return fire(e) }

// Levels returns every level, as DDContextLogHook.Levels does.
func (*contextHook) Levels() []logrus.Level { return levels() }

// Fire adds the ids of the span in the entry's context, as
// DDContextLogHook.Fire does.
func (*contextHook) Fire(e *logrus.Entry) error { return fire(e) }

func levels() []logrus.Level {
	return []logrus.Level{logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel, logrus.WarnLevel,
		logrus.InfoLevel, logrus.DebugLevel, logrus.TraceLevel}
}

func fire(e *logrus.Entry) error {
	if e == nil {
		return nil
	}
	s := trace.SpanFromContext(e.Context)
	if s == nil {
		return nil
	}
	if e.Data == nil {
		e.Data = logrus.Fields{}
	}
	id := s.TraceID()
	e.Data[logcorr.KeyTraceID] = logcorr.TraceID(id.Upper(), id.Lower(), hex128)
	e.Data[logcorr.KeySpanID] = logcorr.SpanID(s.SpanID())
	return nil
}
