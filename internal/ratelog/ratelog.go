// Package ratelog says each kind of trouble at most once per interval: an
// Agent that is down fails every request, and one log line per failure
// would bury the program's own logs.
package ratelog

import (
	"sync"
	"time"
)

// Every is the interval used when a Limiter's Every is zero.
const Every = 10 * time.Second

// Limiter decides which warnings are said. The zero Limiter allows each
// kind once per Every, by the wall clock; it is safe for concurrent use.
type Limiter struct {
	Every time.Duration    // 0 means the package's Every
	Now   func() time.Time // nil means time.Now; tests give a fake clock

	mu   sync.Mutex
	last map[string]time.Time
}

// Allow reports whether a warning of kind may be said now, and if so,
// starts a new interval for that kind.
func (l *Limiter) Allow(kind string) bool {
	now := l.now()
	every := l.Every
	if every == 0 {
		every = Every
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if t, ok := l.last[kind]; ok && now.Sub(t) < every {
		return false
	}
	if l.last == nil {
		l.last = map[string]time.Time{}
	}
	l.last[kind] = now
	return true
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}
