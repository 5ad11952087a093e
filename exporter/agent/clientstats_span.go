package agent

import (
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/ctxtrace/trace"
)

// What a span adds to the statistics, read as the Agent reads the span on
// the wire (its stats package, which dd-trace-go runs in the tracer): the
// tags in meta (text) or metrics (numbers) as the encoder writes them.

// payloadKey groups statistics into payloads: the Agent's
// PayloadAggregationKey, and the service of the tracer that recorded them.
type payloadKey struct {
	hostname, env, version, gitSHA, service string
}

// statKey groups spans within a bucket: the Agent's aggregation key.
type statKey struct {
	payloadKey
	service, name, resource, typ, kind, grpc string
	status                                   uint32
	synthetics, root                         bool
	peers                                    string // the matching peer tags, sorted, joined by "\x00"
}

// statSpan is one span's contribution to its group.
type statSpan struct {
	key      statKey // key.peers points into scratch memory: valid until the next chunk
	end, dur int64   // Unix nanoseconds, nanoseconds
	topLevel bool
	err      bool
	peerTags []string // key.peers as a list, in scratch memory too
}

// statsView is what the Agent's /info set for the statistics.
type statsView struct {
	peerKeys   []string
	defaultEnv string
}

// statScratch is the memory an encoder reuses to read its chunks' spans:
// no allocation per span but for peer tags.
type statScratch struct {
	spans []statSpan
	parts []string
	join  []byte
}

// read returns the statistics of c's spans that the Agent would count:
// top-level spans, measured spans, and spans of kind server, client,
// producer or consumer, not partial snapshots.
func (x *statScratch) read(c trace.Chunk, v *statsView) []statSpan {
	x.spans, x.parts, x.join = x.spans[:0], x.parts[:0], x.join[:0]
	pk := chunkPayloadKey(c, v)
	synthetics := strings.HasPrefix(c.Origin(), "synthetics")
	for i := range c.Len() {
		s := c.Span(i)
		t := scanTags(s)
		if !(t.topLevel || t.measured || computedKind(t.kind)) || t.partial {
			continue
		}
		sp := statSpan{
			key: statKey{
				payloadKey: pk, service: s.Service(), name: s.Name(), resource: s.Resource(), typ: s.Type(),
				kind: t.kind, grpc: t.grpcCode(), status: t.statusCode(),
				synthetics: synthetics, root: s.ParentID() == 0,
			},
			end: s.Start().UnixNano() + int64(s.Duration()), dur: int64(s.Duration()),
			topLevel: t.topLevel, err: s.IsError(),
		}
		if keys := peerKeysFor(t.kind, t.baseService, v.peerKeys); len(keys) > 0 {
			sp.peerTags, sp.key.peers = x.peerTags(s, keys, t.baseService)
		}
		x.spans = append(x.spans, sp)
	}
	return x.spans
}

// chunkPayloadKey reads the payload key from the chunk's root, or its
// other spans, as the Agent reads env and version from a trace.
func chunkPayloadKey(c trace.Chunk, v *statsView) payloadKey {
	root := c.Span(0)
	for i := range c.Len() {
		if c.Span(i).IsLocalRoot() {
			root = c.Span(i)
			break
		}
	}
	k := payloadKey{
		hostname: chunkMeta(c, root, "_dd.hostname"),
		env:      chunkMeta(c, root, "env"),
		version:  chunkMeta(c, root, "version"),
		gitSHA:   chunkMeta(c, root, "_dd.git.commit.sha"),
		service:  root.BaseService(),
	}
	if k.env == "" {
		k.env = v.defaultEnv
	}
	if k.env == "" {
		k.env = "unknown-env" // dd-trace-go's: the Agent refuses an empty env
	}
	return k
}

// chunkMeta returns the text tag key of root, or else of the first span of
// c that has it.
func chunkMeta(c trace.Chunk, root trace.Snapshot, key string) string {
	if v, ok := root.Tag(key); ok && !v.IsNumber() {
		return v.String()
	}
	for i := range c.Len() {
		if v, ok := c.Span(i).Tag(key); ok && !v.IsNumber() {
			return v.String()
		}
	}
	return ""
}

// spanTags are the tags of a span that statistics read.
type spanTags struct {
	kind, baseService  string
	topLevel, measured bool
	partial            bool
	statusText         string
	statusNum          float64
	hasStatusNum       bool
	grpcText           [4]string // by grpcKeys' order; "" when absent
	grpcNum            [4]float64
	grpcHasNum         [4]bool
}

// scanTags reads the tags statistics need in one pass over the span's
// tags.
func scanTags(s trace.Snapshot) spanTags {
	var t spanTags
	ownTop, ownTopValue, underTop, ownBase := false, false, false, false
	for i := range s.NumTags() {
		k, v := s.TagAt(i)
		num := v.IsNumber()
		switch k {
		case "span.kind":
			if !num {
				t.kind = v.String()
			}
		case "http.status_code":
			if num {
				t.statusNum, t.hasStatusNum = v.Float64(), true
			} else {
				t.statusText = v.String()
			}
		case "_dd.top_level":
			ownTop, ownTopValue = true, num && v.Float64() == 1
		case "_top_level":
			underTop = num && v.Float64() == 1
		case "_dd.measured":
			t.measured = num && v.Float64() == 1
		case "_dd.partial_version":
			t.partial = num && v.Float64() >= 0
		case "_dd.base_service":
			ownBase = true
			if !num {
				t.baseService = v.String()
			}
		case grpcKeys[0], grpcKeys[1], grpcKeys[2], grpcKeys[3]:
			j := slices.Index(grpcKeys[:], k)
			if num {
				t.grpcNum[j], t.grpcHasNum[j] = v.Float64(), true
			} else {
				t.grpcText[j] = v.String()
			}
		}
	}
	// A span's own _dd.top_level replaces the one the encoder writes.
	t.topLevel = underTop || ownTop && ownTopValue || !ownTop && s.IsTopLevel()
	if !ownBase && s.Service() != "" && !strings.EqualFold(s.Service(), s.BaseService()) {
		t.baseService = s.BaseService() // what the encoder writes
	}
	return t
}

// computedKind reports whether the Agent computes statistics for spans of
// this kind even when they are neither top-level nor measured.
func computedKind(kind string) bool {
	switch strings.ToLower(kind) {
	case "server", "client", "producer", "consumer":
		return true
	}
	return false
}

// statusCode reads http.status_code: the number, or else the text.
func (t *spanTags) statusCode() uint32 {
	if t.hasStatusNum {
		return uint32(t.statusNum)
	}
	if t.statusText == "" {
		return 0
	}
	c, err := strconv.ParseUint(t.statusText, 10, 32)
	if err != nil {
		return 0
	}
	return uint32(c)
}

// peerKeysFor returns the peer tags statistics group the span by: all of
// them for a span that calls out, only _dd.base_service for an internal
// span of another service than the tracer's (custom instrumentation, not
// a call to a peer), none otherwise.
func peerKeysFor(kind, baseService string, peerKeys []string) []string {
	if len(peerKeys) == 0 {
		return nil
	}
	switch strings.ToLower(kind) {
	case "client", "producer", "consumer":
		return peerKeys
	case "", "internal":
		if baseService != "" {
			return baseServiceKey
		}
	}
	return nil
}

var baseServiceKey = []string{"_dd.base_service"}

// peerTags returns the span's values of keys as "key:value", IP addresses
// quantized, sorted; and the same joined for a group key. Both live in the
// scratch memory until the next chunk.
func (x *statScratch) peerTags(s trace.Snapshot, keys []string, baseService string) ([]string, string) {
	start := len(x.parts)
	for _, k := range keys {
		var v string
		if k == "_dd.base_service" {
			v = baseService
		} else if tv, ok := s.Tag(k); ok && !tv.IsNumber() {
			v = tv.String()
		}
		if v != "" {
			x.parts = append(x.parts, k+":"+quantizePeerIPs(v))
		}
	}
	tags := x.parts[start:len(x.parts):len(x.parts)]
	if len(tags) == 0 {
		return nil, ""
	}
	slices.Sort(tags)
	at := len(x.join)
	for i, t := range tags {
		if i > 0 {
			x.join = append(x.join, 0)
		}
		x.join = append(x.join, t...)
	}
	joined := x.join[at:]
	// Read only to look the group up: a new group clones it.
	return tags, unsafe.String(unsafe.SliceData(joined), len(joined))
}
