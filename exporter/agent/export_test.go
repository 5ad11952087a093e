package agent

import "context"

// WaitDiscovered waits until e's request for the Agent's /info is over,
// answered or not, or until ctx is done: tests that check what an answer
// did export after it.
func WaitDiscovered(ctx context.Context, e *Exporter) error {
	select {
	case <-e.discovered:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
