package agent

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/ddsketch"
)

// The concentrator: client-side trace statistics (WithStatsComputation),
// kept in 10-second buckets as the Agent's concentrator keeps them (its
// stats package, which dd-trace-go runs in the tracer). A span counts in
// the bucket its end falls in, or in the oldest bucket still open if that
// one was flushed already; a flush sends the buckets that ended more than
// a bucket ago (late spans still find theirs), and Flush and Shutdown send
// every bucket.
//
// Memory is bounded three ways, and what each bound refuses is counted
// (Stats.ClientStats.Cut): at most maxGroups groups per bucket and
// maxStatsBuckets buckets at once; every group and every bin of its
// latency sketches is taken from the tracer's memory budget, like the
// payloads; and a sketch holds at most ddsketch.MaxBins bins.

const (
	statsBucketNS  = int64(10e9) // the Agent's bucket: 10 s
	statsBufferLen = 2           // buckets kept before a flush sends them: the current one and the last

	// maxStatsBuckets bounds the buckets open at once: two, a few more
	// for spans that end in the future (clock skew), and the flush's.
	maxStatsBuckets = 8

	// DefaultStatsMaxGroups is the default of WithStatsMaxGroups.
	DefaultStatsMaxGroups = 4096
)

type concentrator struct {
	mu        sync.Mutex
	oldest    int64 // start of the oldest bucket that takes spans
	buckets   map[int64]*statsBucket
	maxGroups int
	budget    func() *trace.MemoryBudget

	spans, cut atomic.Uint64
}

type statsBucket struct {
	start  int64
	groups map[statKey]*statGroup
	budget *trace.MemoryBudget // where held came from
	held   int
}

// statGroup is the statistics of one group: the Agent's groupedStats.
type statGroup struct {
	hits, topLevelHits, errors, duration uint64
	ok, err                              *ddsketch.Sketch
	peerTags                             []string
}

// groupBytes is what a new group takes from the budget besides its
// strings and sketch bins: the group, its key and its map entry.
const groupBytes = int(unsafe.Sizeof(statGroup{})+unsafe.Sizeof(statKey{})+2*unsafe.Sizeof(ddsketch.Sketch{})) + 64

func newConcentrator(now int64, maxGroups int, budget func() *trace.MemoryBudget) *concentrator {
	return &concentrator{
		oldest:    alignBucket(now),
		buckets:   make(map[int64]*statsBucket),
		maxGroups: maxGroups,
		budget:    budget,
	}
}

// alignBucket returns the start of the bucket that holds ts.
func alignBucket(ts int64) int64 { return ts - ts%statsBucketNS }

// add counts spans, read from one chunk (statScratch.read).
func (c *concentrator) add(spans []statSpan) {
	if len(spans) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range spans {
		if c.addLocked(&spans[i]) {
			c.spans.Add(1)
		} else {
			c.cut.Add(1)
		}
	}
}

// addLocked counts one span, and reports false when a bound refused it.
func (c *concentrator) addLocked(s *statSpan) bool {
	start := max(alignBucket(s.end), c.oldest)
	b := c.buckets[start]
	if b == nil {
		if len(c.buckets) >= maxStatsBuckets {
			return false
		}
		b = &statsBucket{start: start, groups: make(map[statKey]*statGroup), budget: c.budget()}
		c.buckets[start] = b
	}
	g := b.groups[s.key]
	if g == nil {
		if g = b.newGroup(s, c.maxGroups); g == nil {
			return false
		}
	}
	// The duration's sketch keeps 10 bits of mantissa, as the Agent's:
	// the values it sends are those of the Agent's sketches.
	d := truncateMantissa(s.dur)
	sk := g.ok
	if s.err {
		sk = g.err
	}
	if n := sk.Growth(d); n > 0 {
		if !b.budget.TryAcquire(n) {
			return false
		}
		b.held += n
	}
	_ = sk.Add(d) // a duration is never NaN or past the sketch's range
	g.hits++
	if s.topLevel {
		g.topLevelHits++
	}
	if s.err {
		g.errors++
	}
	g.duration += uint64(s.dur)
	return true
}

// newGroup adds the group of s, unless the bucket holds maxGroups already
// or the budget has no room; its key's strings are copied, so that the
// group does not keep the span's memory alive.
func (b *statsBucket) newGroup(s *statSpan, maxGroups int) *statGroup {
	if len(b.groups) >= maxGroups {
		return nil
	}
	k := s.key
	strs := []*string{&k.hostname, &k.env, &k.version, &k.gitSHA, &k.payloadKey.service,
		&k.service, &k.name, &k.resource, &k.typ, &k.kind, &k.grpc, &k.peers}
	size := groupBytes
	for _, p := range strs {
		size += len(*p)
	}
	for _, t := range s.peerTags {
		size += len(t) + int(unsafe.Sizeof(t))
	}
	if !b.budget.TryAcquire(size) {
		return nil
	}
	b.held += size
	for _, p := range strs {
		*p = strings.Clone(*p)
	}
	g := &statGroup{ok: ddsketch.New(), err: ddsketch.New(), peerTags: slices.Clone(s.peerTags)}
	b.groups[k] = g
	return g
}

// flush detaches the buckets that are done at now (every bucket when
// force is set) and moves the oldest bucket open past them. The caller
// releases them once encoded.
func (c *concentrator) flush(now int64, force bool) []*statsBucket {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*statsBucket
	for start, b := range c.buckets {
		if !force && start > now-statsBufferLen*statsBucketNS {
			continue
		}
		out = append(out, b)
		delete(c.buckets, start)
	}
	if oldest := alignBucket(now) - (statsBufferLen-1)*statsBucketNS; oldest > c.oldest {
		c.oldest = oldest
	}
	slices.SortFunc(out, func(a, b *statsBucket) int { return cmp.Compare(a.start, b.start) })
	return out
}

// truncateMantissa returns ns as a float64 with 10 bits of mantissa (9
// stored), as the Agent rounds durations for its sketches.
func truncateMantissa(ns int64) float64 {
	return math.Float64frombits(math.Float64bits(float64(ns)) & 0xfffff80000000000)
}

// release gives the bucket's memory back to the budget.
func (b *statsBucket) release() {
	b.budget.Release(b.held)
	b.held = 0
}
