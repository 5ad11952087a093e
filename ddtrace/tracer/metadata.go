package tracer

// TracerMetadata describes a running tracer, in the shape dd-trace-go
// publishes for process discovery. This SDK does not publish it; the type
// exists for code that names it.
type TracerMetadata struct {
	// SchemaVersion is the version of this schema.
	SchemaVersion uint8 `msg:"schema_version"`
	// RuntimeId identifies the process's run.
	RuntimeId string `msg:"runtime_id"` //nolint:revive // dd-trace-go's name
	// Language is the tracer's language, "go".
	Language string `msg:"tracer_language"`
	// Version is the tracer's version.
	Version string `msg:"tracer_version"`
	// Hostname is the machine's name.
	Hostname string `msg:"hostname"`
	// ServiceName is the traced service.
	ServiceName string `msg:"service_name"`
	// ServiceEnvironment is the service's environment.
	ServiceEnvironment string `msg:"service_env"`
	// ServiceVersion is the service's version.
	ServiceVersion string `msg:"service_version"`
}

// dd-trace-go's names of Datadog's propagation headers.
const (
	// DefaultBaggageHeaderPrefix prefixes baggage items sent one header
	// each.
	DefaultBaggageHeaderPrefix = "ot-baggage-"
	// DefaultTraceIDHeader carries the trace id's lower half.
	DefaultTraceIDHeader = "x-datadog-trace-id"
	// DefaultParentIDHeader carries the parent span's id.
	DefaultParentIDHeader = "x-datadog-parent-id"
	// DefaultPriorityHeader carries the sampling priority.
	DefaultPriorityHeader = "x-datadog-sampling-priority"
	// DefaultBaggageHeader is W3C's baggage header.
	DefaultBaggageHeader = "baggage"
)
