package agent

import (
	"slices"
	"sync"
	"sync/atomic"
)

// maxEncoders bounds the encoders an exporter makes: one per goroutine
// exporting at once, which the tracer's pipeline bounds by its shards (at
// most 64).
const maxEncoders = 64

// encoders are an exporter's encoders: Export, which several goroutines
// may call at once (trace.NonBlockingExporter), takes one that no other
// goroutine holds, so that a goroutine that loses the CPU while encoding
// holds up no other.
type encoders struct {
	mu     sync.Mutex // guards adding to list, with closed
	list   atomic.Pointer[[]*encoder]
	closed atomic.Bool
	next   atomic.Uint32
	make   func() *encoder
}

func newEncoders(make func() *encoder) *encoders {
	s := &encoders{make: make}
	list := []*encoder{make()}
	s.list.Store(&list)
	return s
}

// acquire returns an encoder locked for the caller, or nil once closed.
func (s *encoders) acquire() *encoder {
	list := *s.list.Load()
	start := int(s.next.Add(1))
	for i := range list {
		if enc := list[(start+i)%len(list)]; enc.mu.TryLock() {
			return s.open(enc)
		}
	}
	// Every one is busy: make another, up to the limit; past it, wait for
	// one.
	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		return nil
	}
	list = *s.list.Load()
	if len(list) < maxEncoders {
		enc := s.make()
		enc.mu.Lock()
		grown := append(slices.Clip(list), enc)
		s.list.Store(&grown)
		s.mu.Unlock()
		return enc
	}
	s.mu.Unlock()
	enc := list[start%len(list)]
	enc.mu.Lock()
	return s.open(enc)
}

// open returns enc, locked, unless the encoders were closed: then it
// unlocks it and returns nil.
func (s *encoders) open(enc *encoder) *encoder {
	if s.closed.Load() {
		enc.mu.Unlock()
		return nil
	}
	return enc
}

// each calls f with every encoder, locked.
func (s *encoders) each(f func(*encoder)) {
	for _, enc := range *s.list.Load() {
		enc.mu.Lock()
		f(enc)
		enc.mu.Unlock()
	}
}

// close makes acquire return nil from now on, and then calls f with every
// encoder, locked: no Export is encoding by then, and none will.
func (s *encoders) close(f func(*encoder)) {
	s.mu.Lock()
	s.closed.Store(true)
	s.mu.Unlock()
	s.each(f)
}
