package trace

// Unexported parts that the package's external tests (package trace_test)
// use, as the standard library does in its export_test.go files.
var (
	WithBatchSize = withBatchSize
	StringValue   = stringValue
	NumberValue   = numberValue
)
