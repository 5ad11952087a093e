// Package ddlog holds the logger that dd-trace-go's ddtrace.UseLogger
// installs for the whole process; the tracer and profiler packages use it
// when they start without a logger of their own.
package ddlog

import "sync/atomic"

// Logger is dd-trace-go's logging interface: one message per call.
type Logger interface{ Log(msg string) }

type holder struct{ l Logger }

var current atomic.Pointer[holder]

// Use makes l the process's logger; nil goes back to slog's default.
func Use(l Logger) {
	if l == nil {
		current.Store(nil)
		return
	}
	current.Store(&holder{l})
}

// Get returns the logger Use installed, or nil.
func Get() Logger {
	if h := current.Load(); h != nil {
		return h.l
	}
	return nil
}
