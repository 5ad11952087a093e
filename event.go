package trace

import (
	"maps"
	"slices"
	"time"
)

// Event is something that happened at one instant of a span's life: a
// retry, a cache miss, an exception caught and handled. Datadog calls it a
// span event (dd-trace-go's AddSpanEvent), OpenTelemetry an event added to
// a span.
type Event struct {
	Name string
	// Time is when it happened; the zero Time means when AddEvent is
	// called.
	Time time.Time
	// Attributes describe what happened. The span keeps the kinds of
	// value the Datadog Agent takes: strings, bools, integers, floats, and
	// slices of one of these. Integers become int64 (an unsigned one past
	// math.MaxInt64 its decimal text, and a slice holding one a []string),
	// floats float64, a []byte a slice of integers; an error, a
	// fmt.Stringer or a Value becomes its text (a numeric Value a float64).
	// Anything else (nil, structs, maps, pointers, []any) is dropped and
	// counted in Stats.TagsDropped.
	Attributes map[string]any
}

// AddEvent records e on the span. The span keeps a copy: the caller may
// change or reuse e.Attributes, and the slices in it, afterwards. Events
// added after Finish are ignored.
//
// Events count against the span's Limits as tags do. A span keeps at most
// Limits.Tags entries of events, where an event counts one, an attribute
// one and a slice one per element; attributes are taken in the order of
// their keys. An event that finds no room is dropped, and so is an
// attribute; a slice is cut to the room left. Drops count in
// Stats.TagsDropped, cuts in Stats.TagsTruncated, and so do keys cut to
// Limits.KeyLength and names and strings cut to Limits.ValueLength. The
// span's events count in the tracer's MemoryBudget once it finishes.
//
// AddEvent allocates: events are for what is rare enough to be worth a
// record of its own; what every span has belongs in tags.
func (s *Span) AddEvent(e Event) {
	if s == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	lim := &s.tracer.cfg.limits
	// Converting runs the caller's String and Error methods: before the
	// lock, as in SetTag, since that code may call back into the span.
	attrs, dropped := eventAttrs(e.Attributes, lim)
	name, cutName := clean(e.Name, lim.ValueLength)
	s.mu.Lock()
	if s.finished {
		s.mu.Unlock()
		return
	}
	kept, d, cut := s.addEventLocked(name, e.Time, attrs)
	s.mu.Unlock()
	if !kept {
		// The event's own drops and cuts are not counted: it is.
		dropped, cut = 0, 0
	} else if cutName {
		cut++
	}
	if dropped += d; dropped > 0 {
		s.tracer.stats.tagsDropped.Add(uint64(dropped))
	}
	if cut > 0 {
		s.tracer.stats.tagsTruncated.Add(uint64(cut))
	}
}

// spanExtra holds what few spans have, apart from the span so that every
// span does not carry its size: one pointer for both keeps a root span
// within 512 bytes.
type spanExtra struct {
	links        []Link
	events       []Event
	eventEntries int // what events take of Limits.Tags: see AddEvent
}

// extraLocked returns the span's spanExtra, made on first use.
func (s *Span) extraLocked() *spanExtra {
	if s.extra == nil {
		s.extra = &spanExtra{}
	}
	return s.extra
}

// eventList returns the span's events, or nil.
func (s *Span) eventList() []Event {
	if s.extra == nil {
		return nil
	}
	return s.extra.events
}

// eventAttr is an attribute converted and cut to the limits that do not
// depend on the span: what AddEvent can do before taking the lock.
type eventAttr struct {
	key string
	val any
	n   int // entries it takes: 1, or a slice's length
	cut int // how many of its parts were cut: key, value, elements
}

// addEventLocked keeps the event as far as the span's room allows. It
// returns whether it kept the event at all, and how many attributes it
// dropped and cuts the kept ones took.
func (s *Span) addEventLocked(name string, t time.Time, attrs []eventAttr) (kept bool, dropped, cut int) {
	limit := s.tracer.cfg.limits.Tags
	x := s.extraLocked()
	room := limit - x.eventEntries
	if room < 1 {
		return false, 1, 0
	}
	room--
	var m map[string]any
	for _, a := range attrs {
		if _, dup := m[a.key]; dup || room == 0 {
			// dup: two keys the same once cut or repaired.
			dropped++
			continue
		}
		v, n := a.val, a.n
		cut += a.cut
		if n > room {
			v, n = cutSlice(v, room), room
			cut++
		}
		if m == nil {
			m = make(map[string]any, len(attrs))
		}
		m[a.key] = v
		room -= n
	}
	x.eventEntries = limit - room
	x.events = append(x.events, Event{Name: name, Time: t, Attributes: m})
	return true, dropped, cut
}

// eventAttrs converts attrs, in the order of their keys, and returns how
// many it dropped: empty keys, and values of no kind a span keeps.
func eventAttrs(attrs map[string]any, lim *Limits) (out []eventAttr, dropped int) {
	if len(attrs) == 0 {
		return nil, 0
	}
	keys := slices.Sorted(maps.Keys(attrs))
	out = make([]eventAttr, 0, len(keys))
	for _, k := range keys {
		v, n, c, ok := eventValue(attrs[k], lim)
		if k == "" || !ok {
			dropped++
			continue
		}
		key, cutKey := clean(k, lim.KeyLength)
		out = append(out, eventAttr{key, v, n, c + b2i(cutKey)})
	}
	return out, dropped
}
