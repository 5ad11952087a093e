//go:build race

package sampling

// The race detector makes sync.Pool drop items at random, so a pooled
// buffer is sometimes allocated again: allocation counts mean nothing.
func init() { raceDetector = true }
