package exporters

import (
	"errors"
	"log/slog"
	"testing"
)

func TestRegistry(t *testing.T) {
	if _, ok := Lookup("test-none"); ok {
		t.Fatal("an unregistered name was found")
	}
	errBoom := errors.New("boom")
	Register("test-a", func(*slog.Logger) (any, error) { return "a", nil })
	Register("test-b", func(*slog.Logger) (any, error) { return nil, errBoom })
	t.Cleanup(func() { Register("test-a", nil); Register("test-b", nil) })

	f, ok := Lookup("test-a")
	if !ok {
		t.Fatal("test-a was not found")
	}
	if v, err := f(slog.Default()); v != "a" || err != nil {
		t.Errorf("test-a made %v, %v", v, err)
	}
	f, _ = Lookup("test-b")
	if _, err := f(nil); !errors.Is(err, errBoom) {
		t.Errorf("test-b returned %v; want its error", err)
	}
	Register("test-a", func(*slog.Logger) (any, error) { return "a2", nil })
	if f, _ := Lookup("test-a"); f != nil {
		if v, _ := f(nil); v != "a2" {
			t.Errorf("a second Register did not replace the first: %v", v)
		}
	}
	Register("test-a", nil)
	if _, ok := Lookup("test-a"); ok {
		t.Error("Register with nil did not remove the name")
	}
}
