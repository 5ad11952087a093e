// Package datastreams holds the types of Datadog Data Streams Monitoring
// that dd-trace-go's API names. Data Streams are not implemented in this
// module: nothing produces these values yet.
package datastreams

// Backlog is the size of a queue that its consumer has not read yet, as
// dd-trace-go's internal/datastreams.Backlog.
type Backlog struct {
	// Tags identify the backlog: the queue, partition, and so on.
	Tags []string
	// Value is how far behind the consumer is.
	Value int64
}
