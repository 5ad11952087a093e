package tracer

import (
	"context"

	"github.com/ctxtrace/trace/datastreams/options"
)

// SetDataStreamsCheckpoint is accepted and ignored: this SDK does not
// implement Data Streams Monitoring. It returns ctx unchanged and false,
// which dd-trace-go also returns when Data Streams are off.
func SetDataStreamsCheckpoint(ctx context.Context, edgeTags ...string) (outCtx context.Context, ok bool) {
	return ctx, false
}

// SetDataStreamsCheckpointWithParams is accepted and ignored, as
// SetDataStreamsCheckpoint is: it returns ctx unchanged and false.
func SetDataStreamsCheckpointWithParams(ctx context.Context, params options.CheckpointParams, edgeTags ...string) (outCtx context.Context, ok bool) {
	return ctx, false
}

// TrackKafkaCommitOffset is accepted and ignored: this SDK does not
// implement Data Streams Monitoring.
func TrackKafkaCommitOffset(group, topic string, partition int32, offset int64) {}

// TrackKafkaProduceOffset is accepted and ignored: this SDK does not
// implement Data Streams Monitoring.
func TrackKafkaProduceOffset(topic string, partition int32, offset int64) {}

// TrackKafkaHighWatermarkOffset is accepted and ignored: this SDK does not
// implement Data Streams Monitoring.
func TrackKafkaHighWatermarkOffset(cluster string, topic string, partition int32, offset int64) {}
