package stdout

import (
	"log/slog"
	"testing"

	"github.com/ctxtrace/trace/internal/exporters"
)

// TestRegistered checks that linking the package in makes it
// OTEL_TRACES_EXPORTER's "console".
func TestRegistered(t *testing.T) {
	f, ok := exporters.Lookup("console")
	if !ok {
		t.Fatal("console is not registered")
	}
	v, err := f(slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	exp, ok := v.(*Exporter)
	if !ok {
		t.Fatalf("console makes a %T", v)
	}
	if err := exp.Shutdown(t.Context()); err != nil {
		t.Error(err)
	}
}
