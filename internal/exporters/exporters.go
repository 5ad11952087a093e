// Package exporters is a registry of exporters by name, for
// OTEL_TRACES_EXPORTER: the root package reads the variable and looks the
// name up here, and an exporter package that it cannot import (a nested
// module, or a package that imports the root) registers itself in an init
// function. A program links an exporter in by importing its package.
package exporters

import (
	"log/slog"
	"sync"
)

// Factory makes a registered exporter, reporting its trouble to logger. It
// returns a trace.Exporter as an any: this package cannot name the root's
// types, which import it.
type Factory func(logger *slog.Logger) (any, error)

var (
	mu       sync.RWMutex
	registry = map[string]Factory{}
)

// Register makes f the factory of name, replacing any other; a nil f
// removes name.
func Register(name string, f Factory) {
	mu.Lock()
	defer mu.Unlock()
	if f == nil {
		delete(registry, name)
		return
	}
	registry[name] = f
}

// Lookup returns the factory registered under name.
func Lookup(name string) (Factory, bool) {
	mu.RLock()
	defer mu.RUnlock()
	f, ok := registry[name]
	return f, ok
}
