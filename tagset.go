package trace

import (
	"iter"
	"unsafe"
)

// inlineTags is how many tags a span stores without allocating, as
// slog.Record keeps five attributes inline. More would push the span into a
// larger allocation size class for every span.
const inlineTags = 5

// indexAt is the tag count from which a map indexes keys, so that a span
// given thousands of tags does not pay a linear search for each.
const indexAt = 16

type tag struct {
	key string
	val Value
}

// tagSet is a span's tags: its own, the first few inline and the rest in a
// slice, and the tags of one Group it shares with other spans. Keys are
// unique; setting a key again replaces its value, whatever its kind.
//
// The shared tags sit where the group was applied: after the first at tags
// of the span's own, before the others. They are never written: setting
// one of their keys copies them into the span's own first (unshare).
type tagSet struct {
	n      int32 // the span's own tags
	before int32 // own tags before the shared ones
	inline [inlineTags]tag
	over   *tagOverflow // nil until the inline slots are full
	shared *tagGroup    // nil: none
}

// tagOverflow holds what does not fit inline, apart so that the common span
// does not carry its size. It starts with room for overflowTags more tags
// of its own, so that a span with more than five allocates once for them
// rather than once for the struct and again for each growth of its slice.
type tagOverflow struct {
	more  []tag          // first[:n] until it outgrows it
	index map[string]int // from indexAt own tags on
	first [overflowTags]tag
}

// overflowTags makes a tagOverflow exactly a 288-byte size class.
const overflowTags = 8

// len returns the number of tags, shared ones included.
func (ts *tagSet) len() int {
	n := int(ts.n)
	if ts.shared != nil {
		n += len(ts.shared.tags)
	}
	return n
}

// at returns the i-th tag, 0 <= i < len(), in the order they were set.
func (ts *tagSet) at(i int) *tag {
	if g := ts.shared; g != nil && i >= int(ts.before) {
		if i < int(ts.before)+len(g.tags) {
			return &g.tags[i-int(ts.before)]
		}
		i -= len(g.tags)
	}
	return ts.own(i)
}

// own returns the i-th of the span's own tags.
func (ts *tagSet) own(i int) *tag {
	if i < inlineTags {
		return &ts.inline[i]
	}
	return &ts.over.more[i-inlineTags]
}

// find returns the index of key among the span's own tags, or -1.
func (ts *tagSet) find(key string) int {
	if ts.over != nil && ts.over.index != nil {
		if i, ok := ts.over.index[key]; ok {
			return i
		}
		return -1
	}
	for i := 0; i < int(ts.n); i++ {
		if ts.own(i).key == key {
			return i
		}
	}
	return -1
}

// set stores key=v, and reports false if the set was full and key was new.
func (ts *tagSet) set(key string, v Value, max int) bool {
	if i := ts.find(key); i >= 0 {
		ts.own(i).val = v
		return true
	}
	if ts.shared != nil && ts.shared.find(key) >= 0 {
		ts.unshare()
		return ts.set(key, v, max)
	}
	if ts.len() >= max {
		return false
	}
	ts.add(key, v)
	return true
}

// share makes g's tags the span's, shared rather than copied, and reports
// whether it could: a span shares one group at most, and only one whose
// keys it does not hold already, within the limits.
func (ts *tagSet) share(g *tagGroup, lim *Limits) bool {
	if ts.shared != nil || g.maxKey > lim.KeyLength || g.maxValue > lim.ValueLength ||
		ts.len()+len(g.tags) > lim.Tags {
		return false
	}
	for i := 0; i < int(ts.n); i++ {
		if g.find(ts.own(i).key) >= 0 {
			return false
		}
	}
	ts.shared, ts.before = g, ts.n
	return true
}

// unshare copies the shared tags among the span's own, where they sit.
func (ts *tagSet) unshare() {
	all := make([]tag, 0, ts.len())
	for i := range ts.len() {
		all = append(all, *ts.at(i))
	}
	*ts = tagSet{}
	for _, t := range all {
		ts.add(t.key, t.val)
	}
}

// pinned returns the bytes the tags hold beyond the span itself: their
// strings, and the overflow slice and index. Shared tags are the group's,
// made once: they are not counted.
func (ts *tagSet) pinned() int {
	n := 0
	for i := range int(ts.n) {
		t := ts.own(i)
		n += len(t.key) + len(t.val.text())
	}
	if o := ts.over; o != nil {
		n += int(unsafe.Sizeof(tagOverflow{}))
		if cap(o.more) > len(o.first) {
			n += cap(o.more) * int(unsafe.Sizeof(tag{})) // outgrown
		}
		if o.index != nil {
			n += len(o.index) * mapEntryBytes
		}
	}
	return n
}

// mapEntryBytes is what one entry of a small map costs, roughly: key and
// value, the control byte, and the table's slack.
const mapEntryBytes = 48

// add appends a tag of the span's own whose key is known to be absent.
func (ts *tagSet) add(key string, v Value) {
	n := int(ts.n)
	if n < inlineTags {
		ts.inline[n] = tag{key, v}
	} else {
		if ts.over == nil {
			ts.over = new(tagOverflow)
			ts.over.more = ts.over.first[:0]
		}
		ts.over.more = append(ts.over.more, tag{key, v})
	}
	switch {
	case ts.over == nil:
	case ts.over.index != nil:
		ts.over.index[key] = n
	case n+1 == indexAt:
		ts.over.index = make(map[string]int, 2*indexAt)
		for i := 0; i <= n; i++ {
			ts.over.index[ts.own(i).key] = i
		}
	}
	ts.n++
}

func (ts *tagSet) get(key string) (Value, bool) {
	if i := ts.find(key); i >= 0 {
		return ts.own(i).val, true
	}
	if g := ts.shared; g != nil {
		if i := g.find(key); i >= 0 {
			return g.tags[i].val, true
		}
	}
	return Value{}, false
}

func (ts *tagSet) all() iter.Seq2[string, Value] {
	return func(yield func(string, Value) bool) {
		for i := range ts.len() {
			t := ts.at(i)
			if !yield(t.key, t.val) {
				return
			}
		}
	}
}
