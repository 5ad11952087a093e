package trace

import (
	"fmt"
	"reflect"
)

// Errors and panics are recorded one way, whoever records them (SetError,
// Finish's WithError, SetTag("error", err), Do and the integrations): the
// span is marked as an error, with error.message, error.type (the dynamic
// type, as dd-trace-go names it) and error.stack.

// SetError marks the span as an error and records err's message, its type
// and the stack of the caller. A nil err does nothing.
func (s *Span) SetError(err error) {
	if s == nil || err == nil {
		return
	}
	info := describeError(err, s.tracer.cfg.stackDepth, 1)
	s.mu.Lock()
	if !s.finished {
		s.setErrorLocked(info)
	}
	s.mu.Unlock()
}

// errorInfo is what the error tags say about an error or a panic.
type errorInfo struct{ msg, typ, stack string }

// describeError describes err, calling its Error method, so it must run
// without the span's lock. depth is the number of stack frames to keep (0:
// none) and skip the number of the tracer's own frames between it and the
// user's code, which the stack leaves out.
func describeError(err error, depth, skip int) errorInfo {
	e := errorInfo{msg: textOf(err), typ: errorType(err)}
	if depth > 0 {
		e.stack = stack(skip+1, depth)
	}
	return e
}

// describePanic describes a recovered panic value.
func describePanic(r any, stack string) errorInfo {
	e := errorInfo{msg: "panic: " + textOf(r), stack: stack}
	if err, ok := r.(error); ok {
		e.typ = errorType(err)
	} else {
		e.typ = fmt.Sprintf("%T", r)
	}
	return e
}

// setErrorLocked marks the span as an error and records e's tags.
func (s *Span) setErrorLocked(e errorInfo) {
	s.errored = true
	s.setValueLocked(tagErrorMessage, stringValue(e.msg))
	s.setValueLocked(tagErrorType, stringValue(e.typ))
	if e.stack != "" {
		s.setValueLocked(tagErrorStack, stringValue(e.stack))
	}
}

// errorType names err's dynamic type, as dd-trace-go does
// ("*errors.errorString", "*fs.PathError").
func errorType(err error) string {
	return reflect.TypeOf(err).String()
}

// RecordPanic marks the span with v, a panic value its caller recovered,
// as Do does: error.message is "panic: " and the value, error.type the
// value's type (the error's, for an error), error.stack where the panic was
// raised. Call it from the deferred function that recovered, and then
// re-panic or handle the panic as before: it only records. A nil v records
// nothing.
func (s *Span) RecordPanic(v any) {
	if s == nil || v == nil {
		return
	}
	// Two frames above the stack's capture: this method and the deferred
	// function that called it; panicStack then skips the runtime's.
	s.recordPanic(v, panicStack(2, s.tracer.cfg.stackDepth))
}

// recordPanic marks the span with a recovered panic value and its stack.
func (s *Span) recordPanic(r any, stack string) {
	info := describePanic(r, stack)
	s.mu.Lock()
	if !s.finished {
		s.setErrorLocked(info)
	}
	s.mu.Unlock()
}
