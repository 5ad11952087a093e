package dogstatsd

import "time"

// Timing records d as one timing of name, in milliseconds ("|ms"), as
// datadog-go's Timing writes it.
func (c *Client) Timing(name string, d time.Duration, tags []string) {
	c.add(name, "ms", tags, d.Seconds()*1000, 0, 0, time.Time{})
}
