package trace

import (
	"sync/atomic"
	"unsafe"
)

// defaultMemoryBudget is how much memory a tracer holds for export by
// default: see WithMemoryBudget.
const defaultMemoryBudget = 32 << 20

// MemoryBudget is the one limit on the memory a tracer holds for export:
// finished spans waiting in the pipeline (counted by the bytes they pin:
// every string, tag, baggage item, link and error), finished spans of
// traces still running, and whatever its exporter holds between Export
// calls (encoded payloads waiting to be sent or retried, counted by their
// capacity). Past the limit, new spans are dropped and counted, never
// waited for: the newest are the ones refused.
//
// Exporters that hold memory of their own take it from the tracer's budget
// (see BudgetUser) instead of keeping a second limit. A MemoryBudget is
// safe for concurrent use; its methods never block.
type MemoryBudget struct {
	limit int64
	used  atomic.Int64
}

// NewMemoryBudget returns a budget of limit bytes, for an exporter used on
// its own, without a tracer. A limit of 0 or less means the default, 32
// MiB.
func NewMemoryBudget(limit int) *MemoryBudget {
	if limit <= 0 {
		limit = defaultMemoryBudget
	}
	return &MemoryBudget{limit: int64(limit)}
}

// TryAcquire takes n bytes from the budget and reports whether they fit.
// Bytes taken must be given back with Release once they are no longer
// held.
func (b *MemoryBudget) TryAcquire(n int) bool { return b.tryAcquire(int64(n), 0) }

// tryAcquire takes n bytes if they fit below the limit less reserve. The
// pipeline admits spans with a reserve, so that an exporter turning a batch
// into a payload always finds room for it.
func (b *MemoryBudget) tryAcquire(n, reserve int64) bool {
	if n <= 0 {
		return true
	}
	if b.used.Add(n) > b.limit-reserve {
		b.used.Add(-n)
		return false
	}
	return true
}

// Release gives back n bytes taken with TryAcquire.
func (b *MemoryBudget) Release(n int) {
	if n > 0 {
		b.used.Add(-int64(n))
	}
}

// Limit returns the budget's size in bytes.
func (b *MemoryBudget) Limit() int { return int(b.limit) }

// InUse returns how many bytes are taken now.
func (b *MemoryBudget) InUse() int { return int(b.used.Load()) }

// BudgetUser is an Exporter that holds memory between Export calls. New
// hands it the tracer's MemoryBudget before the first Export, so that the
// exporter's buffers and the tracer's queue count against one limit. An
// exporter given to several tracers uses the last one's budget.
type BudgetUser interface {
	UseBudget(b *MemoryBudget)
}

// WithMemoryBudget sets the tracer's MemoryBudget in bytes. Default 32 MiB.
func WithMemoryBudget(bytes int) Option {
	return func(c *config) {
		if bytes > 0 {
			c.queueBytes = bytes
		}
	}
}

// pinnedLocked returns the bytes the finished span keeps alive while it
// waits for export: the span itself (with its trace's state, for a local
// root) and every string, tag, baggage item, link and event it references.
// Strings that are constants of the program are counted too: the estimate
// errs on the side of the budget.
func (s *Span) pinnedLocked() int {
	// Counted as if its context shared its allocation, as it does when
	// started from context.Background(): a context of its own is 8 bytes
	// larger, but pins nothing once the caller lets it go.
	n := int(unsafe.Sizeof(spanAndCtx{}))
	if s.localRoot {
		n = int(unsafe.Sizeof(rootAndCtx{}))
	}
	n += len(s.name) + len(s.service) + len(s.resource) + len(s.spanType)
	n += s.tags.pinned()
	if s.baggage != nil {
		for _, e := range *s.baggage {
			n += len(e.k) + len(e.v) + int(unsafe.Sizeof(e))
		}
	}
	if s.extra != nil {
		n += int(unsafe.Sizeof(*s.extra)) + s.extra.eventsPinned()
	}
	for _, l := range s.linkList() {
		n += int(unsafe.Sizeof(l)) + len(l.Tracestate)
		for k, v := range l.Attributes {
			n += len(k) + len(v) + mapEntryBytes
		}
	}
	return n
}
