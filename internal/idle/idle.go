// Package idle counts work in progress and lets callers wait until there
// is none: the exporters' Flush waits for what is queued or in flight.
package idle

import (
	"context"
	"sync"
)

// Signal counts work in progress. Its zero value is ready to use, with
// nothing in progress.
type Signal struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n is 0; nil before the first Add
}

// Add counts one more piece of work.
func (s *Signal) Add() {
	s.mu.Lock()
	if s.n == 0 {
		s.idle = make(chan struct{})
	}
	s.n++
	s.mu.Unlock()
}

// Done counts one piece of work as over; each Add has exactly one Done.
func (s *Signal) Done() {
	s.mu.Lock()
	s.n--
	if s.n == 0 {
		close(s.idle)
	}
	s.mu.Unlock()
}

// Wait returns nil once no work is in progress (at once if none is), or
// ctx's error if it ends first. A nil ctx waits without a deadline.
func (s *Signal) Wait(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	s.mu.Lock()
	if s.n == 0 {
		s.mu.Unlock()
		return nil
	}
	ch := s.idle
	s.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
