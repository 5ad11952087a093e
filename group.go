package trace

// Group returns one SpanOption that applies opts in order, as if they were
// given one by one where the group is.
//
// A group is for options made once and given to many spans, such as an
// integration's fixed tags. Its Tag options whose values are strings,
// numbers or bools are converted and checked once, here, and a span shares
// them with every other span of the group instead of copying them: they
// cost a span neither the time to set them nor memory of its own. A span
// shares the tags of one group at most, and only within its tracer's
// Limits; otherwise, and for tags with a meaning of their own (see
// Span.SetTag), values of other types and slices, the group's tags are
// set one by one, as its options would be. Setting one of a group's keys
// later on a span replaces its value on that span alone.
func Group(opts ...SpanOption) SpanOption {
	g := &groupOpts{opts: append([]SpanOption(nil), opts...)}
	g.tags = newTagGroup(g.opts)
	return SpanOption{kind: optGroup, val: g}
}

// groupOpts is what a Group option carries.
type groupOpts struct {
	opts []SpanOption
	tags *tagGroup // its tags, when they can be shared; nil otherwise
}

// tagGroup is the tags of a group, ready to be shared by spans: converted,
// valid UTF-8, each key once (with its last value, where it was first set,
// as a span's own tags are). Never written once made.
type tagGroup struct {
	tags             []tag
	maxKey, maxValue int // the longest key and text value, in bytes
}

// newTagGroup returns the tags of opts, counting those of nested groups,
// or nil if any of them cannot be shared: special keys, values of other
// types than strings, numbers and bools, slices.
func newTagGroup(opts []SpanOption) *tagGroup {
	g := &tagGroup{}
	if !g.collect(opts) || len(g.tags) == 0 {
		return nil
	}
	return g
}

// collect adds the tags of opts to g, and reports false if one cannot be
// shared.
func (g *tagGroup) collect(opts []SpanOption) bool {
	for i := range opts {
		switch o := &opts[i]; o.kind {
		case optGroup:
			if !g.collect(o.val.(*groupOpts).opts) {
				return false
			}
		case optTag:
			v, ok := sharedValue(o.val)
			if !ok || o.str == "" || isSpecial(o.str, o.val) {
				return false
			}
			g.add(validUTF8(o.str), v)
		}
	}
	return true
}

func (g *tagGroup) add(key string, v Value) {
	if !v.isNum() {
		v = stringValue(validUTF8(v.text()))
		g.maxValue = max(g.maxValue, len(v.text()))
	}
	g.maxKey = max(g.maxKey, len(key))
	if i := g.find(key); i >= 0 {
		g.tags[i].val = v
		return
	}
	g.tags = append(g.tags, tag{key, v})
}

// find returns the index of key, or -1. Groups are small: a scan is
// quicker than a map.
func (g *tagGroup) find(key string) int {
	for i := range g.tags {
		if g.tags[i].key == key {
			return i
		}
	}
	return -1
}

// sharedValue converts the values a group shares: those toValue converts
// without calling the caller's code, and that no key gives another
// meaning to.
func sharedValue(v any) (Value, bool) {
	switch v.(type) {
	case string, bool, float64, float32, int, int64, int32, int16, int8, uint, uint64, uint32, uint16, uint8:
		return toValue(v), true
	}
	return Value{}, false
}

// isSpecial reports whether SetTag gives key set to v, a basic value, a
// meaning of its own (setSpecialLocked): "_dd.measured" and
// "analytics.event" have one for bools only.
func isSpecial(key string, v any) bool {
	switch key {
	case tagServiceName, tagResourceName, tagSpanType, tagSpanName, tagError,
		tagManualKeep, tagManualDrop, tagSamplingPriority:
		return true
	case tagAnalyticsEvent, tagMeasured:
		_, b := v.(bool)
		return b
	}
	return false
}

// validUTF8 returns s with invalid bytes replaced, as clean does.
func validUTF8(s string) string {
	if validText(s) {
		return s
	}
	return toValidUTF8(s)
}
