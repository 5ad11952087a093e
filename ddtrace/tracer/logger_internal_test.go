package tracer

import (
	"sync"
	"testing"
)

// recLogger is a dd-trace-go Logger that keeps its lines.
type recLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recLogger) Log(msg string) {
	l.mu.Lock()
	l.lines = append(l.lines, msg)
	l.mu.Unlock()
}

// TestLoggerKeepsAttributes: the slog adapter over a WithLogger Logger
// keeps attributes given with WithAttrs, inside their groups.
func TestLoggerKeepsAttributes(t *testing.T) {
	var l recLogger
	var c config
	WithLogger(&l)(&c)
	c.logger.With("a", 1).WithGroup("g").With("b", 2).Info("msg", "c", 3)
	want := "INFO: msg a=1 g.b=2 g.c=3"
	if len(l.lines) != 1 || l.lines[0] != want {
		t.Errorf("logged %q, want %q", l.lines, want)
	}
}
