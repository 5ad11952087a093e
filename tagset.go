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

// tagSet is a span's tags: the first few inline, the rest in a slice. Keys
// are unique; setting a key again replaces its value, whatever its kind.
type tagSet struct {
	n      int
	inline [inlineTags]tag
	over   *tagOverflow // nil until the inline slots are full
}

// tagOverflow holds what does not fit inline, apart so that the common span
// does not carry its size.
type tagOverflow struct {
	more  []tag
	index map[string]int // from indexAt tags on
}

func (ts *tagSet) at(i int) *tag {
	if i < inlineTags {
		return &ts.inline[i]
	}
	return &ts.over.more[i-inlineTags]
}

func (ts *tagSet) find(key string) int {
	if ts.over != nil && ts.over.index != nil {
		if i, ok := ts.over.index[key]; ok {
			return i
		}
		return -1
	}
	for i := 0; i < ts.n; i++ {
		if ts.at(i).key == key {
			return i
		}
	}
	return -1
}

// set stores key=v, and reports false if the set was full and key was new.
func (ts *tagSet) set(key string, v Value, max int) bool {
	if i := ts.find(key); i >= 0 {
		ts.at(i).val = v
		return true
	}
	if ts.n >= max {
		return false
	}
	ts.add(key, v)
	return true
}

// pinned returns the bytes the tags hold beyond the span itself: their
// strings, and the overflow slice and index.
func (ts *tagSet) pinned() int {
	n := 0
	for i := range ts.n {
		t := ts.at(i)
		n += len(t.key) + len(t.val.text())
	}
	if o := ts.over; o != nil {
		n += int(unsafe.Sizeof(tagOverflow{})) + cap(o.more)*int(unsafe.Sizeof(tag{}))
		if o.index != nil {
			n += len(o.index) * mapEntryBytes
		}
	}
	return n
}

// mapEntryBytes is what one entry of a small map costs, roughly: key and
// value, the control byte, and the table's slack.
const mapEntryBytes = 48

// add appends a tag whose key is known to be absent.
func (ts *tagSet) add(key string, v Value) {
	if ts.n < inlineTags {
		ts.inline[ts.n] = tag{key, v}
	} else {
		if ts.over == nil {
			ts.over = &tagOverflow{more: make([]tag, 0, inlineTags)}
		}
		ts.over.more = append(ts.over.more, tag{key, v})
	}
	switch {
	case ts.over == nil:
	case ts.over.index != nil:
		ts.over.index[key] = ts.n
	case ts.n+1 == indexAt:
		ts.over.index = make(map[string]int, 2*indexAt)
		for i := 0; i <= ts.n; i++ {
			ts.over.index[ts.at(i).key] = i
		}
	}
	ts.n++
}

func (ts *tagSet) get(key string) (Value, bool) {
	if i := ts.find(key); i >= 0 {
		return ts.at(i).val, true
	}
	return Value{}, false
}

func (ts *tagSet) all() iter.Seq2[string, Value] {
	return func(yield func(string, Value) bool) {
		for i := 0; i < ts.n; i++ {
			t := ts.at(i)
			if !yield(t.key, t.val) {
				return
			}
		}
	}
}
