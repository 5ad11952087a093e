package agent

import (
	"testing"

	"github.com/ctxtrace/trace"
)

const bucket = statsBucketNS

func spanEnding(resource string, end int64) statSpan {
	return statSpan{key: statKey{payloadKey: payloadKey{env: "e"}, service: "s", name: "n", resource: resource}, end: end, dur: 1000}
}

func hits(b *statsBucket) (n uint64) {
	for _, g := range b.groups {
		n += g.hits
	}
	return n
}

// TestBuckets checks the Agent's bucket rules: a span counts in the
// bucket its end falls in, or in the oldest still open; a flush sends
// what ended more than a bucket ago and keeps the rest; a forced flush
// sends all.
func TestBuckets(t *testing.T) {
	budget := trace.NewMemoryBudget(1 << 20)
	t0 := 1_000 * bucket // a bucket boundary
	c := newConcentrator(t0+bucket/2, 10, func() *trace.MemoryBudget { return budget })
	c.add([]statSpan{
		spanEnding("a", t0+1),            // the current bucket
		spanEnding("b", t0-5*bucket),     // before the oldest: the oldest
		spanEnding("c", t0+bucket+1),     // the next
		spanEnding("d", t0+100*bucket+7), // the far future: its own
	})
	if len(c.buckets) != 3 || hits(c.buckets[t0]) != 2 {
		t.Fatalf("buckets: %v", c.buckets)
	}
	// At t0+2.5 buckets, only t0's bucket has ended a bucket ago.
	out := c.flush(t0+2*bucket+bucket/2, false)
	if len(out) != 1 || out[0].start != t0 || hits(out[0]) != 2 {
		t.Fatalf("flushed %v", out)
	}
	if c.oldest != t0+bucket {
		t.Errorf("oldest %d, want %d", c.oldest, t0+bucket)
	}
	// A late span now counts in the oldest bucket still open.
	c.add([]statSpan{spanEnding("e", t0+3)})
	if hits(c.buckets[t0+bucket]) != 2 {
		t.Errorf("late span not in the oldest bucket: %v", c.buckets)
	}
	out = append(out, c.flush(t0+3*bucket, true)...)
	if len(out) != 3 || out[1].start != t0+bucket || out[2].start != t0+100*bucket || len(c.buckets) != 0 {
		t.Fatalf("forced flush: %v", out)
	}
	if budget.InUse() == 0 {
		t.Error("the groups took nothing from the budget")
	}
	for _, b := range out {
		b.release()
	}
	if budget.InUse() != 0 {
		t.Errorf("%d bytes still taken after release", budget.InUse())
	}
}

// TestBucketsBounded: at most maxStatsBuckets buckets, maxGroups groups,
// and what the budget allows; the rest is counted as cut.
func TestBucketsBounded(t *testing.T) {
	budget := trace.NewMemoryBudget(1 << 20)
	c := newConcentrator(0, 3, func() *trace.MemoryBudget { return budget })
	var spans []statSpan
	for i := range 20 {
		spans = append(spans, spanEnding("r", int64(i)*bucket))
	}
	for _, r := range []string{"x", "y", "z", "w"} {
		spans = append(spans, spanEnding(r, 0))
	}
	c.add(spans)
	if len(c.buckets) != maxStatsBuckets || len(c.buckets[0].groups) != 3 {
		t.Errorf("%d buckets, %d groups in the first", len(c.buckets), len(c.buckets[0].groups))
	}
	if c.cut.Load() != 20-maxStatsBuckets+2 || c.spans.Load() != maxStatsBuckets+2 {
		t.Errorf("%d cut, %d counted", c.cut.Load(), c.spans.Load())
	}

	// Room for one group and its first bins, not for a second group.
	tiny := trace.NewMemoryBudget(groupBytes + 600)
	c = newConcentrator(0, 100, func() *trace.MemoryBudget { return tiny })
	c.add([]statSpan{spanEnding("a", 0), spanEnding("b", 0), spanEnding("a", 0)})
	if c.spans.Load() != 2 || c.cut.Load() != 1 {
		t.Errorf("with a tiny budget: %d counted, %d cut; want 2 and 1", c.spans.Load(), c.cut.Load())
	}
	for _, b := range c.flush(0, true) {
		b.release()
	}
	if tiny.InUse() != 0 {
		t.Errorf("%d bytes still taken", tiny.InUse())
	}
}
