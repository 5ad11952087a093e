package tracer

import (
	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/hook"
)

// Code hotspots and endpoints: while the profiler runs with code hotspots,
// spans put pprof labels on the goroutines that run them (see package
// trace's hotspots.go). These options choose which, per tracer; both are
// on by default. Unlike dd-trace-go, no labels are set while the profiler
// is stopped, as no profile would read them.

// WithProfilerCodeHotspots enables the code hotspots integration between the
// tracer and profiler. This is done by automatically attaching pprof labels
// called "span id" and "local root span id" when new spans are created. You
// should not use these label names in your own code when this is enabled. The
// enabled value defaults to the value of the
// DD_PROFILING_CODE_HOTSPOTS_COLLECTION_ENABLED env variable or true.
func WithProfilerCodeHotspots(enabled bool) StartOption {
	return func(c *config) { c.profilerHotspots = enabled }
}

// WithProfilerEndpoints enables the endpoints integration between the tracer
// and profiler. This is done by automatically attaching a pprof label called
// "trace endpoint" holding the resource name of the local root span if its
// type is "web", "rpc" or "" (default). You should not use this label name
// in your own code when this is enabled. The enabled value defaults to the
// value of the DD_PROFILING_ENDPOINT_COLLECTION_ENABLED env variable or true.
func WithProfilerEndpoints(enabled bool) StartOption {
	return func(c *config) { c.profilerEndpoints = enabled }
}

// hotspotsFromEnv sets both settings' defaults from the environment, with
// dd-trace-go's variables and defaults; fromEnv calls it with its reader.
func (c *config) hotspotsFromEnv(boolean func(key string, def bool) bool) {
	c.profilerHotspots = boolean("DD_PROFILING_CODE_HOTSPOTS_COLLECTION_ENABLED", true)
	c.profilerEndpoints = boolean("DD_PROFILING_ENDPOINT_COLLECTION_ENABLED", true)
}

// hotspotOptions are the tracer options of both settings: none when both
// are on, package trace's default.
func (c *config) hotspotOptions() []trace.Option {
	if c.profilerHotspots && c.profilerEndpoints {
		return nil
	}
	return []trace.Option{hook.ProfilerLabels(c.profilerHotspots, c.profilerEndpoints).(trace.Option)}
}
