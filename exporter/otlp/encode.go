package otlp

import (
	"slices"
	"sync"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/ctxtrace/trace"
)

// resKey identifies a resource: the spans of one service, environment and
// version share one ResourceSpans.
type resKey struct{ service, env, version string }

// keyOf returns the resource of s: its service and its env and version
// tags.
func keyOf(s trace.Snapshot) resKey {
	k := resKey{service: s.Service()}
	if v, ok := s.Tag(tagEnv); ok {
		k.env = v.String()
	}
	if v, ok := s.Tag(tagVersion); ok {
		k.version = v.String()
	}
	return k
}

// group is one resource's part of a request being built.
type group struct {
	key   resKey
	res   []byte // the ResourceSpans.resource field, whole
	spans buf    // the spans, each a whole ScopeSpans.spans field
	seq   int    // the chunk that last put a span here, for spanCtx.first
}

// encoder builds requests from chunks, cutting them at the maximum request
// size. Export takes one from a pool: several goroutines may export at
// once (trace.NonBlockingExporter).
type encoder struct {
	res        *resources
	max        int
	groups     []group
	size       int // bytes of the request so far
	spans      int // spans in it
	seq        int
	scratch    buf // the span being written
	resScratch []byte
	gz         compressor // for HTTP with gzip

	// emit hands on the finished request (requestSize, appendRequest);
	// tooLarge counts a span that no request can hold.
	emit     func(enc *encoder)
	tooLarge func()
}

// groupOverhead bounds the bytes a group adds besides its resource and
// spans: the tags and lengths of ResourceSpans and ScopeSpans, and the
// scope.
func (enc *encoder) groupOverhead() int { return 2*maxVarintOverhead + 2 + len(enc.res.scope) }

// chunk adds c's spans to the request, handing it on each time it is
// full.
func (enc *encoder) chunk(c trace.Chunk, sampled bool) {
	enc.seq++
	for i := range c.Len() {
		s := c.Span(i)
		k := keyOf(s)
		g := enc.find(k)
		sc := spanCtx{chunk: c, sampled: sampled, first: g == nil || g.seq != enc.seq}
		enc.write(s, sc)
		resLen := 0
		if g != nil {
			resLen = len(g.res)
		} else {
			enc.resScratch = enc.res.encode(enc.resScratch[:0], k)
			resLen = len(enc.resScratch)
		}
		if len(enc.scratch.b)+resLen+enc.groupOverhead() > enc.max {
			enc.tooLarge() // no request could hold it
			continue
		}
		extra := 0 // what a new group adds
		if g == nil {
			extra = resLen + enc.groupOverhead()
		}
		if len(enc.scratch.b)+extra > enc.max-enc.size {
			enc.flush()
			if !sc.first {
				// Written for a request that held its trace's state
				// already: a new one needs it on this span.
				sc.first = true
				enc.write(s, sc)
			}
			g = nil
		}
		if g == nil {
			g = enc.add(k)
		}
		g.spans.b = append(g.spans.b, enc.scratch.b...)
		g.seq = enc.seq
		enc.size += len(enc.scratch.b)
		enc.spans++
	}
}

// write encodes s alone, into scratch.
func (enc *encoder) write(s trace.Snapshot, sc spanCtx) {
	enc.scratch.b = enc.scratch.b[:0]
	enc.scratch.span(fScopeSpansSpans, s, sc)
}

// find returns the group of k in the request being built, or nil.
func (enc *encoder) find(k resKey) *group {
	for i := range enc.groups {
		if enc.groups[i].key == k {
			return &enc.groups[i]
		}
	}
	return nil
}

// add starts the group of k, reusing the buffers of an earlier request.
func (enc *encoder) add(k resKey) *group {
	if len(enc.groups) < cap(enc.groups) {
		enc.groups = enc.groups[:len(enc.groups)+1]
	} else {
		enc.groups = append(enc.groups, group{})
	}
	g := &enc.groups[len(enc.groups)-1]
	g.key, g.seq = k, 0
	g.spans.b = g.spans.b[:0]
	g.res = enc.res.encode(g.res[:0], k)
	enc.size += len(g.res) + enc.groupOverhead()
	return g
}

// flush hands on the request built so far, if it holds spans, and starts
// another.
func (enc *encoder) flush() {
	if enc.spans > 0 {
		enc.emit(enc)
	}
	for i := range enc.groups {
		g := &enc.groups[i]
		g.spans.b = shrink(g.spans.b)
		g.key = resKey{}
	}
	enc.groups = enc.groups[:0]
	enc.size, enc.spans = 0, 0
}

// shrink lets a buffer that grew for an unusually large request go, so
// that a pooled encoder does not keep megabytes for its next, smaller,
// one; it keeps one of a batch's usual size (a megabyte of spans), which
// growing again every time costs more than the encoding (BenchmarkEncode).
func shrink(b []byte) []byte {
	if cap(b) > 1<<20 {
		return nil
	}
	return b[:0]
}

// requestSize returns the size of the ExportTraceServiceRequest built so
// far.
func (enc *encoder) requestSize() int {
	total := 0
	for i := range enc.groups {
		if rs := enc.resourceSpansSize(&enc.groups[i]); rs > 0 {
			total += 1 + protowire.SizeBytes(rs)
		}
	}
	return total
}

// resourceSpansSize returns the size of g's ResourceSpans, 0 for a group
// without spans.
func (enc *encoder) resourceSpansSize(g *group) int {
	if len(g.spans.b) == 0 {
		return 0
	}
	ss := len(enc.res.scope) + len(g.spans.b)
	return len(g.res) + 1 + protowire.SizeBytes(ss)
}

// appendRequest appends the ExportTraceServiceRequest built so far to
// out, which the caller sizes with requestSize: what it holds is what the
// memory budget counts.
func (enc *encoder) appendRequest(out []byte) []byte {
	scope := enc.res.scope
	for i := range enc.groups {
		g := &enc.groups[i]
		rs := enc.resourceSpansSize(g)
		if rs == 0 {
			continue
		}
		out = protowire.AppendTag(out, fRequestResourceSpans, protowire.BytesType)
		out = protowire.AppendVarint(out, uint64(rs))
		out = append(out, g.res...)
		out = protowire.AppendTag(out, fResourceSpansScopeSpans, protowire.BytesType)
		out = protowire.AppendVarint(out, uint64(len(scope)+len(g.spans.b)))
		out = append(out, scope...)
		out = append(out, g.spans.b...)
	}
	return out
}

// resources writes the Resource of each group: the span's service,
// environment and version, this SDK, and the user's attributes.
type resources struct {
	sdk   [][2]string // telemetry.sdk.*
	user  [][2]string // sorted by key
	scope []byte      // the ScopeSpans.scope field, whole
	// fallback names the service of spans without one:
	// OTEL_SERVICE_NAME, or service.name in the resource attributes.
	fallback string
}

func newResources(user map[string]string, fallback string) *resources {
	r := &resources{
		sdk: [][2]string{
			{"telemetry.sdk.name", sdkName},
			{"telemetry.sdk.language", "go"},
			{"telemetry.sdk.version", sdkVersion},
		},
		fallback: fallback,
	}
	for k, v := range user {
		r.user = append(r.user, [2]string{k, v})
	}
	slices.SortFunc(r.user, func(a, b [2]string) int {
		switch {
		case a[0] < b[0]:
			return -1
		case a[0] > b[0]:
			return 1
		}
		return 0
	})
	var w buf
	at := w.open(fScopeSpansScope)
	w.str(fScopeName, scopeName)
	w.str(fScopeVersion, sdkVersion)
	w.close(at)
	r.scope = w.b
	return r
}

// encode appends the ResourceSpans.resource field of k to b.
func (r *resources) encode(b []byte, k resKey) []byte {
	w := buf{b}
	at := w.open(fResourceSpansResource)
	var own [6]string // keys written, which the user's do not repeat
	keys := own[:0]
	put := func(key, val string) {
		if val != "" {
			w.kvString(fResourceAttributes, key, val)
			keys = append(keys, key)
		}
	}
	service := k.service
	if service == "" {
		service = r.fallback
	}
	put("service.name", service)
	put("deployment.environment.name", k.env)
	put("service.version", k.version)
	for _, kv := range r.sdk {
		put(kv[0], kv[1])
	}
	for _, kv := range r.user {
		if !slices.Contains(keys, kv[0]) {
			w.kvString(fResourceAttributes, kv[0], kv[1])
		}
	}
	w.close(at)
	return w.b
}

// encoderPool keeps encoders, with their buffers, between Export calls.
type encoderPool struct{ pool sync.Pool }

func (p *encoderPool) get(make func() *encoder) *encoder {
	if enc, ok := p.pool.Get().(*encoder); ok {
		return enc
	}
	return make()
}

func (p *encoderPool) put(enc *encoder) { p.pool.Put(enc) }
