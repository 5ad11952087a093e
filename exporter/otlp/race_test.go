//go:build race

package otlp

// raceEnabled: the race detector slows every goroutine several times, so
// a burst is no longer a burst.
const raceEnabled = true
