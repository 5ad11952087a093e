package agent

import (
	"bytes"
	"cmp"
	"slices"

	"github.com/vmihailenco/msgpack/v5"
)

// The /v0.6/stats payload: a msgpack map with the fields of the Agent's
// ClientStatsPayload (pbgo/trace), by their Go names, as its msgp decoder
// reads them and dd-trace-go sends them; each group's latency
// distributions are DDSketch protobuf messages in msgpack bin fields.

// statsPayload is one payload to send: the buckets of one payload key.
type statsPayload struct {
	key     payloadKey
	buckets []statsPart
	groups  int
}

// statsPart is what one bucket holds for one payload key.
type statsPart struct {
	start int64
	keys  []statKey
	stats []*statGroup
}

// splitPayloads groups the flushed buckets by payload key, in a stable
// order: keys, then buckets by start, then groups by key.
func splitPayloads(buckets []*statsBucket) []*statsPayload {
	byKey := map[payloadKey]*statsPayload{}
	for _, b := range buckets {
		parts := map[payloadKey]*statsPart{}
		for k, g := range b.groups {
			part := parts[k.payloadKey]
			if part == nil {
				part = &statsPart{start: b.start}
				parts[k.payloadKey] = part
			}
			part.keys = append(part.keys, k)
			part.stats = append(part.stats, g)
		}
		for pk, part := range parts {
			sortPart(part)
			p := byKey[pk]
			if p == nil {
				p = &statsPayload{key: pk}
				byKey[pk] = p
			}
			p.buckets = append(p.buckets, *part)
			p.groups += len(part.keys)
		}
	}
	out := make([]*statsPayload, 0, len(byKey))
	for _, p := range byKey {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *statsPayload) int { return comparePayloadKeys(a.key, b.key) })
	return out
}

func comparePayloadKeys(a, b payloadKey) int {
	return cmp.Or(cmp.Compare(a.env, b.env), cmp.Compare(a.version, b.version), cmp.Compare(a.hostname, b.hostname),
		cmp.Compare(a.service, b.service), cmp.Compare(a.gitSHA, b.gitSHA))
}

// sortPart orders a bucket's groups, so that payloads are reproducible.
func sortPart(p *statsPart) {
	idx := make([]int, len(p.keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int {
		a, b := &p.keys[i], &p.keys[j]
		return cmp.Or(cmp.Compare(a.service, b.service), cmp.Compare(a.name, b.name), cmp.Compare(a.resource, b.resource),
			cmp.Compare(a.typ, b.typ), cmp.Compare(a.kind, b.kind), cmp.Compare(a.status, b.status),
			cmp.Compare(a.grpc, b.grpc), cmp.Compare(a.peers, b.peers), boolCompare(a.root, b.root),
			boolCompare(a.synthetics, b.synthetics))
	})
	keys, stats := make([]statKey, len(idx)), make([]*statGroup, len(idx))
	for n, i := range idx {
		keys[n], stats[n] = p.keys[i], p.stats[i]
	}
	p.keys, p.stats = keys, stats
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// encode writes the payload as a ClientStatsPayload: the fields
// dd-trace-go's payloads have, the tracer's identity beside them.
func (p *statsPayload) encode(seq uint64) []byte {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	k := p.key
	_ = enc.EncodeMapLen(16)
	putStr(enc, "Hostname", k.hostname)
	putStr(enc, "Env", k.env)
	putStr(enc, "Version", k.version)
	_ = enc.EncodeString("Stats")
	_ = enc.EncodeArrayLen(len(p.buckets))
	var sketch []byte
	for _, b := range p.buckets {
		_ = enc.EncodeMapLen(4)
		putUint(enc, "Start", uint64(b.start))
		putUint(enc, "Duration", uint64(statsBucketNS))
		_ = enc.EncodeString("Stats")
		_ = enc.EncodeArrayLen(len(b.keys))
		for i := range b.keys {
			sketch = encodeGroup(enc, &b.keys[i], b.stats[i], sketch)
		}
		_ = enc.EncodeString("AgentTimeShift")
		_ = enc.EncodeInt(0)
	}
	putStr(enc, "Lang", "go")
	putStr(enc, "TracerVersion", TracerVersion)
	putStr(enc, "RuntimeID", runtimeID)
	putUint(enc, "Sequence", seq)
	putStr(enc, "AgentAggregation", "")
	putStr(enc, "Service", k.service)
	// Left empty, as dd-trace-go does: the Agent fills it in from the
	// request's Datadog-Container-ID header.
	putStr(enc, "ContainerID", "")
	_ = enc.EncodeString("Tags")
	_ = enc.EncodeArrayLen(0)
	putStr(enc, "GitCommitSha", k.gitSHA)
	putStr(enc, "ImageTag", "")
	putUint(enc, "ProcessTagsHash", 0)
	putStr(enc, "ProcessTags", "")
	return buf.Bytes()
}

// encodeGroup writes one ClientGroupedStats, reusing sketch for the
// sketches' bytes.
func encodeGroup(enc *msgpack.Encoder, k *statKey, g *statGroup, sketch []byte) []byte {
	_ = enc.EncodeMapLen(17)
	putStr(enc, "Service", k.service)
	putStr(enc, "Name", k.name)
	putStr(enc, "Resource", k.resource)
	putUint(enc, "HTTPStatusCode", uint64(k.status))
	putStr(enc, "Type", k.typ)
	putStr(enc, "DBType", "")
	putUint(enc, "Hits", g.hits)
	putUint(enc, "Errors", g.errors)
	putUint(enc, "Duration", g.duration)
	sketch = g.ok.AppendProto(sketch[:0])
	_ = enc.EncodeString("OkSummary")
	_ = enc.EncodeBytes(sketch)
	sketch = g.err.AppendProto(sketch[:0])
	_ = enc.EncodeString("ErrorSummary")
	_ = enc.EncodeBytes(sketch)
	_ = enc.EncodeString("Synthetics")
	_ = enc.EncodeBool(k.synthetics)
	putUint(enc, "TopLevelHits", g.topLevelHits)
	putStr(enc, "SpanKind", k.kind)
	_ = enc.EncodeString("PeerTags")
	_ = enc.EncodeArrayLen(len(g.peerTags))
	for _, t := range g.peerTags {
		_ = enc.EncodeString(t)
	}
	root := 2 // the Agent's Trilean: 1 true, 2 false
	if k.root {
		root = 1
	}
	_ = enc.EncodeString("IsTraceRoot")
	_ = enc.EncodeInt(int64(root))
	putStr(enc, "GRPCStatusCode", k.grpc)
	return sketch
}

func putStr(enc *msgpack.Encoder, key, v string) {
	_ = enc.EncodeString(key)
	_ = enc.EncodeString(v)
}

func putUint(enc *msgpack.Encoder, key string, v uint64) {
	_ = enc.EncodeString(key)
	_ = enc.EncodeUint(v)
}
