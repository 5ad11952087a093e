package exportertest

import (
	"runtime/debug"
	"testing"
	"time"
)

// hangAfter is how long a call to the exporter may take before its
// subtest fails as a hang. It detects a call that never returns; no check
// measures how long a call takes. A variable, so that this package's own
// tests can shorten it.
var hangAfter = time.Minute

// outcome is how a call to the exporter ended.
type outcome struct {
	err      error
	panicked bool
	value    any    // what the call panicked with
	stack    []byte // where
}

// try runs f and says how it ended, recovering a panic.
func try(f func() error) (o outcome) {
	defer func() {
		if r := recover(); r != nil {
			o = outcome{panicked: true, value: r, stack: debug.Stack()}
		}
	}()
	return outcome{err: f()}
}

// call runs f, the call to the exporter that what names, on a goroutine
// of its own, and returns its error. A panic, or a call that does not
// return within hangAfter, fails the subtest at once.
func call(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan outcome, 1)
	go func() { done <- try(f) }()
	timer := time.NewTimer(hangAfter)
	defer timer.Stop()
	select {
	case o := <-done:
		if o.panicked {
			t.Fatalf("%s panicked: %v\nAn exporter returns errors and never panics: the pipeline recovers, "+
				"but counts the batch as failed, and a panic on a goroutine of the exporter's own ends the program.\n%s",
				what, o.value, o.stack)
		}
		return o.err
	case <-timer.C:
		t.Fatalf("%s did not return within %v: it hangs", what, hangAfter)
		return nil
	}
}
