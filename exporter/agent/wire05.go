package agent

import (
	"strings"

	"github.com/vmihailenco/msgpack/v5"
)

// The v0.5 protocol (the Agent's /v0.5/traces) sends a payload as
// [strings, traces]: a table of strings, then the v0.4 traces with each
// span an array of twelve fields (service, name, resource, trace_id,
// span_id, parent_id, start, duration, error, meta, metrics, type) and
// every string, in meta and metrics too, an index into the table. A span
// takes about a third of its v0.4 size, and so does the memory a payload
// holds while the Agent is slow: the exporter uses it whenever the Agent's
// /info offers it (WithProtocol).

// seeds05 begin every v0.5 table, at fixed indexes, so that the pairs every
// span carries are encoded once (wireConsts).
var seeds05 = []string{
	"", "language", "go", "runtime-id", runtimeID, "process_id", "_dd.profiling.enabled",
	"_dd.top_level", "_dd.trace_span_attribute_schema", "_dd.p.tid",
}

func seed05(s string) uint64 {
	for i, x := range seeds05 {
		if x == s {
			return uint64(i)
		}
	}
	panic("agent: " + s + " is not a v0.5 seed")
}

func newWireConsts05(pid float64) wireConsts {
	c := newConstEncoder()
	idx := func(ss ...string) []byte {
		return c.of(func(enc *msgpack.Encoder) {
			for _, s := range ss {
				_ = enc.EncodeUint(seed05(s))
			}
		})
	}
	num := func(k string, v float64) []byte {
		return c.of(func(enc *msgpack.Encoder) { _ = enc.EncodeUint(seed05(k)); _ = enc.EncodeFloat64(v) })
	}
	errVal := func(v int64) []byte { return c.of(func(enc *msgpack.Encoder) { _ = enc.EncodeInt(v) }) }
	return wireConsts{
		language:  idx("language", "go"),
		tidKey:    idx("_dd.p.tid"),
		runtimeID: idx("runtime-id", runtimeID),
		processID: num("process_id", pid),
		profiling: num("_dd.profiling.enabled", 0),
		topLevel:  num("_dd.top_level", 1),
		schema:    num("_dd.trace_span_attribute_schema", 0),
		errorOne:  errVal(1),
		errorZero: errVal(0),
	}
}

// maxDictKey is the longest string the table looks up before adding it:
// longer ones, seldom repeated, are added each time, so that the lookup
// map holds only short copies.
const maxDictKey = 1 << 10

// dictionary builds the string table of the v0.5 payload being built, in
// the payload's dict buffer.
type dictionary struct {
	p   *payload
	ids map[string]uint32 // keys are copies: they pin no span
	n   uint32
	// keys are ids' keys by index: "" at the index of a string added
	// without a key (longer than maxDictKey).
	keys []string
	// recent holds strings of keys looked up last, one per slot, with
	// their indexes: the same keys and values recur on every span of a
	// chunk, and comparing with the one in the slot costs far less than a
	// map lookup.
	recent [recentSlots]recentString
}

// recentSlots is how many strings dictionary.recent holds.
const recentSlots = 64

// recentString is a slot of dictionary.recent. The zero slot holds "",
// which is always at index 0 (seeds05).
type recentString struct {
	s string
	i uint32
}

// recentSlot picks s's slot from its length and three of its bytes.
func recentSlot(s string) int {
	n := len(s)
	if n == 0 {
		return 0
	}
	h := uint64(n) | uint64(s[0])<<16 | uint64(s[n/2])<<24 | uint64(s[n-1])<<32
	return int((h * 0x9e3779b97f4a7c15) >> (64 - 6)) // 6 bits: recentSlots
}

// dictMark is where the table stood before a span, to take the span back
// out.
type dictMark struct {
	len int
	n   uint32
}

// mark notes where the table stands.
func (d *dictionary) mark() dictMark {
	if d.p == nil || !d.p.v05 {
		return dictMark{}
	}
	return dictMark{d.p.dict.Len(), d.n}
}

// rollback takes out the strings added since m: those of a span that did
// not fit.
func (d *dictionary) rollback(m dictMark) {
	if d.p == nil || !d.p.v05 {
		return
	}
	d.p.dict.Truncate(m.len)
	for _, k := range d.keys[m.n:] {
		if k != "" { // "" itself is a seed, never added after
			delete(d.ids, k)
		}
	}
	clear(d.keys[m.n:])
	d.keys = d.keys[:m.n]
	d.n, d.p.strings = m.n, int(m.n)
	d.recent = [recentSlots]recentString{} // it may hold strings taken out
}

// start begins p's table: its headers and the seeds. It reports false when
// the memory budget has no room.
func (d *dictionary) start(p *payload) bool {
	p.v05 = true
	p.dict = wbuf{mem: p.buf.mem}
	d.p = p
	d.recent = [recentSlots]recentString{}
	clear(d.keys)
	d.keys = d.keys[:0]
	if d.ids == nil {
		d.ids = make(map[string]uint32, 256)
	}
	clear(d.ids)
	d.n = 0
	// [table, traces]: a fixarray of 2, then the table's array32 header,
	// patched by seal.
	p.dict.Write([]byte{0x92, array32, 0, 0, 0, 0})
	for _, s := range seeds05 {
		i := d.add(s)
		d.ids[s], d.keys[i] = i, s
	}
	return !p.dict.over
}

// add writes s at the end of the table and returns its index.
func (d *dictionary) add(s string) uint32 {
	d.p.dict.putString(s)
	i := d.n
	d.n++
	d.keys = append(d.keys, "")
	d.p.strings = int(d.n)
	return i
}

// index returns s's index, adding it to the table if it is new.
func (d *dictionary) index(s string) uint32 {
	r := &d.recent[recentSlot(s)]
	if r.s == s {
		return r.i
	}
	if len(s) > maxDictKey {
		return d.add(s) // added each time: never in ids, nor in recent
	}
	i, ok := d.ids[s]
	if !ok {
		i = d.insert(s)
	}
	r.s, r.i = d.keys[i], i
	return i
}

// insert adds s, new and short, to the table and to ids.
func (d *dictionary) insert(s string) uint32 {
	i := d.add(s)
	k := strings.Clone(s)
	d.ids[k], d.keys[i] = i, k
	return i
}

// indexBytes is index for a string held in b; looking it up allocates
// nothing.
func (d *dictionary) indexBytes(b []byte) uint32 {
	if i, ok := d.ids[string(b)]; ok {
		return i
	}
	if len(b) > maxDictKey {
		return d.add(string(b))
	}
	return d.insert(string(b))
}
