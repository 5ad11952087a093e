package profiler

import "time"

// StatsdClient receives the profiler's own metrics: uploads, errors and
// collection times (see WithStatsd).
type StatsdClient interface {
	// Count counts how many times an event happened, at the given rate
	// using the given tags.
	Count(event string, times int64, tags []string, rate float64) error
	// Timing records a duration as a histogram, at the given rate using the
	// given tags.
	Timing(event string, duration time.Duration, tags []string, rate float64) error
}

// count sends a count when there is a client; its error is of no use to
// anyone here.
func (c *config) count(event string, n int64, tags []string) {
	if c.statsd != nil {
		_ = c.statsd.Count(event, n, tags, 1)
	}
}

// timing sends a duration when there is a client.
func (c *config) timing(event string, d time.Duration, tags []string) {
	if c.statsd != nil {
		_ = c.statsd.Timing(event, d, tags, 1)
	}
}
