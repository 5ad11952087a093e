// Package options holds dd-trace-go's Data Streams Monitoring checkpoint
// parameters, so that code calling tracer.SetDataStreamsCheckpointWithParams
// compiles here. This SDK does not implement Data Streams Monitoring: see
// that function.
package options

// CheckpointParams are the parameters of a Data Streams checkpoint.
type CheckpointParams struct {
	// PayloadSize is the size of the message, in bytes.
	PayloadSize int64
	// ServiceOverride replaces the service the checkpoint is recorded for.
	ServiceOverride string
}
