package globalconfig

import "sync/atomic"

var serviceName atomic.Pointer[string] // nil: never set

// SetServiceName records the service the tracer was started with
// (WithService, DD_SERVICE; "" for none), as dd-trace-go's global service
// name, which integrations use as their default service. It outlives the
// tracer's Stop, as dd-trace-go's does.
func SetServiceName(name string) { serviceName.Store(&name) }

// ServiceName returns the service SetServiceName recorded, and false when
// it was never called.
func ServiceName() (string, bool) {
	if p := serviceName.Load(); p != nil {
		return *p, true
	}
	return "", false
}
