package interop

// Helpers shared by TestOurPayloadsDecodeWithAgentDecoder and
// TestSameCallsSameWire: decoding a v0.4 body with both of the Agent's
// decoders, checking the raw msgpack for what the decoders silently accept
// (duplicate keys), and checking that both decoders read the same thing.

import (
	"fmt"
	"math"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	"github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace/idx"
	"github.com/tinylib/msgp/msgp"
)

// wireSpan is a span as the Agent reads it, normalized for comparison.
type wireSpan struct {
	Service, Name, Resource, Type string
	TraceID, SpanID, ParentID     uint64
	Start, Duration               int64
	Error                         int32
	Meta                          map[string]string
	Metrics                       map[string]float64
	Links                         []wireLink
}

// wireLink is a native span_links element.
type wireLink struct {
	TraceIDHigh, TraceID, SpanID uint64
	Attributes                   map[string]string
	Tracestate                   string
	Flags                        uint32
}

func toWireSpan(s *pb.Span) wireSpan {
	return wireSpan{
		Service: s.Service, Name: s.Name, Resource: s.Resource, Type: s.Type,
		TraceID: s.TraceID, SpanID: s.SpanID, ParentID: s.ParentID,
		Start: s.Start, Duration: s.Duration, Error: s.Error,
		Meta: s.Meta, Metrics: s.Metrics, Links: wireLinks(s.SpanLinks),
	}
}

func wireLinks(ls []*pb.SpanLink) []wireLink {
	var out []wireLink
	for _, l := range ls {
		out = append(out, wireLink{l.TraceIDHigh, l.TraceID, l.SpanID, l.Attributes, l.Tracestate, l.Flags})
	}
	return out
}

// knownRaw are problems rawProblems finds in our payloads that are
// understood and reported, keyed by a substring of the problem. A test that
// no longer sees one fails, so that the entry is removed once fixed.
var knownRaw = map[string]string{}

// rawCheck reports our payload's raw problems: the known ones are logged
// and recorded in seen, the others fail the test.
func rawCheck(t interface {
	Errorf(string, ...any)
	Logf(string, ...any)
}, at string, body []byte, seen map[string]bool) {
	for _, p := range rawProblems(body) {
		known := false
		for k, reason := range knownRaw {
			if strings.Contains(p, k) {
				known, seen[k] = true, true
				t.Logf("%s: known raw problem: %s (%s)", at, p, reason)
			}
		}
		if !known {
			t.Errorf("%s: raw: %s", at, p)
		}
	}
}

// staleRaw fails for each known raw problem not seen.
func staleRaw(t interface{ Errorf(string, ...any) }, seen map[string]bool) {
	for k := range knownRaw {
		if !seen[k] {
			t.Errorf("known raw problem no longer seen (remove it from knownRaw): %s", k)
		}
	}
}

// decodeBoth decodes body with pb.Traces.UnmarshalMsg and with the
// receiver's default path, idx.InternalTracerPayload.UnmarshalMsgConverted.
func decodeBoth(body []byte) (pb.Traces, *idx.InternalTracerPayload, error) {
	var tr pb.Traces
	rest, err := tr.UnmarshalMsg(body)
	if err != nil {
		return nil, nil, fmt.Errorf("pb.Traces.UnmarshalMsg: %w", err)
	}
	if len(rest) != 0 {
		return nil, nil, fmt.Errorf("pb.Traces.UnmarshalMsg: %d trailing bytes", len(rest))
	}
	tp := &idx.InternalTracerPayload{}
	if _, err := tp.UnmarshalMsgConverted(body); err != nil {
		return nil, nil, fmt.Errorf("idx.InternalTracerPayload.UnmarshalMsgConverted: %w", err)
	}
	return tr, tp, nil
}

// rawProblems walks a v0.4 body and reports what the decoders accept but a
// correct encoder never writes: a key twice in one map (the decoders keep
// the last value silently), a meta value that is not a string, a metric
// value that is not a float64 or an integer, a key in both meta and metrics
// (one overwrites the other in the Agent's attribute map).
func rawProblems(body []byte) []string {
	var probs []string
	b := body
	ntr, b, err := msgp.ReadArrayHeaderBytes(b)
	if err != nil {
		return []string{"payload header: " + err.Error()}
	}
	for ti := range ntr {
		var nsp uint32
		if nsp, b, err = msgp.ReadArrayHeaderBytes(b); err != nil {
			return append(probs, fmt.Sprintf("trace %d header: %v", ti, err))
		}
		for si := range nsp {
			at := fmt.Sprintf("trace %d span %d", ti, si)
			var nf uint32
			if nf, b, err = msgp.ReadMapHeaderBytes(b); err != nil {
				return append(probs, at+": "+err.Error())
			}
			fields := map[string]bool{}
			var metaKeys, metricKeys map[string]bool
			for range nf {
				var k []byte
				if k, b, err = msgp.ReadMapKeyZC(b); err != nil {
					return append(probs, at+": "+err.Error())
				}
				key := string(k)
				if fields[key] {
					probs = append(probs, at+": field "+strconv.Quote(key)+" twice")
				}
				fields[key] = true
				switch key {
				case "meta", "metrics":
					var n uint32
					if n, b, err = msgp.ReadMapHeaderBytes(b); err != nil {
						return append(probs, at+" "+key+": "+err.Error())
					}
					seen := map[string]bool{}
					for range n {
						var mk string
						if mk, b, err = msgp.ReadStringBytes(b); err != nil {
							return append(probs, at+" "+key+" key: "+err.Error())
						}
						if seen[mk] {
							probs = append(probs, fmt.Sprintf("%s: %s key %q twice", at, key, mk))
						}
						seen[mk] = true
						switch t := msgp.NextType(b); {
						case key == "meta" && t != msgp.StrType:
							probs = append(probs, fmt.Sprintf("%s: meta %q is %v, not a string", at, mk, t))
						case key == "metrics" && t != msgp.Float64Type && t != msgp.IntType && t != msgp.UintType:
							probs = append(probs, fmt.Sprintf("%s: metric %q is %v", at, mk, t))
						}
						if b, err = msgp.Skip(b); err != nil {
							return append(probs, at+" "+key+" value: "+err.Error())
						}
					}
					if key == "meta" {
						metaKeys = seen
					} else {
						metricKeys = seen
					}
					continue
				case "error":
					if t := msgp.NextType(b); t != msgp.IntType && t != msgp.UintType {
						probs = append(probs, fmt.Sprintf("%s: error is %v", at, t))
					}
				case "meta_struct", "span_links", "span_events":
					if msgp.IsNil(b) {
						probs = append(probs, fmt.Sprintf("%s: %s is nil (the Agent rejects it)", at, key))
					}
				}
				if b, err = msgp.Skip(b); err != nil {
					return append(probs, at+" "+key+": "+err.Error())
				}
			}
			for k := range metaKeys {
				if metricKeys[k] {
					probs = append(probs, fmt.Sprintf("%s: %q in both meta and metrics", at, k))
				}
			}
		}
	}
	if len(b) != 0 {
		probs = append(probs, fmt.Sprintf("%d trailing bytes", len(b)))
	}
	return probs
}

// promotedMeta are the meta keys the converting decoder lifts out of the
// span (to the span's own fields or the chunk's); they are checked through
// their accessors, not as attributes.
var promotedMeta = map[string]bool{
	"env": true, "version": true, "component": true, "span.kind": true,
	"_dd.p.tid": true, "_dd.p.dm": true, "_dd.origin": true, "_dd.hostname": true,
	"_dd.git.commit.sha": true, "_dd.apm_mode": true,
}

// idxDisagreements reports where the receiver's converting decoder reads
// the payload differently from pb.Traces: every span's fields and tags, and
// what it promotes to the chunk (trace id, priority, origin, mechanism).
func idxDisagreements(tr pb.Traces, tp *idx.InternalTracerPayload) []string {
	var out []string
	if len(tp.Chunks) != len(tr) {
		return []string{fmt.Sprintf("idx: %d chunks, pb: %d", len(tp.Chunks), len(tr))}
	}
	for ci, chunk := range tr {
		ic := tp.Chunks[ci]
		if len(ic.Spans) != len(chunk) {
			out = append(out, fmt.Sprintf("chunk %d: idx %d spans, pb %d", ci, len(ic.Spans), len(chunk)))
			continue
		}
		var wantPrio int32 = math.MinInt8
		seenRoot := false
		var wantHigh uint64
		var wantOrigin string
		var wantMech uint32
		for si, s := range chunk {
			at := fmt.Sprintf("chunk %d span %d (%s)", ci, si, s.Name)
			is := ic.Spans[si]
			if is.Service() != s.Service || is.Name() != s.Name || is.Resource() != s.Resource || is.Type() != s.Type ||
				is.SpanID() != s.SpanID || is.ParentID() != s.ParentID || is.Start() != uint64(s.Start) ||
				is.Duration() != uint64(s.Duration) || is.Error() != (s.Error != 0) {
				out = append(out, fmt.Sprintf("%s: idx reads %s", at, is.DebugString()))
			}
			if ic.LegacyTraceID() != s.TraceID {
				out = append(out, fmt.Sprintf("%s: idx trace id %d, pb %d", at, ic.LegacyTraceID(), s.TraceID))
			}
			for k, v := range s.Meta {
				switch k {
				case "_dd.p.tid":
					if h, err := strconv.ParseUint(v, 16, 64); err == nil {
						wantHigh = h
					}
					continue
				case "_dd.origin":
					wantOrigin = v
					continue
				case "_dd.p.dm":
					if m, err := strconv.ParseUint(trimMinus(v), 10, 32); err == nil {
						wantMech = uint32(m)
					}
					continue
				}
				if promotedMeta[k] && k != "env" && k != "version" {
					continue
				}
				if got, ok := is.GetAttributeAsString(k); !ok || got != v {
					out = append(out, fmt.Sprintf("%s: idx meta %q = %q (%v), pb %q", at, k, got, ok, v))
				}
			}
			for k, v := range s.Metrics {
				got, ok := is.GetAttributeAsFloat64(k)
				if !ok || !(got == v || math.IsNaN(got) && math.IsNaN(v)) {
					out = append(out, fmt.Sprintf("%s: idx metric %q = %v (%v), pb %v", at, k, got, ok, v))
				}
			}
			// The chunk's priority: the root's (parent_id 0) once seen,
			// otherwise the last span's that has one.
			if p, ok := s.Metrics["_sampling_priority_v1"]; ok {
				if s.ParentID == 0 {
					wantPrio, seenRoot = int32(p), true
				} else if !seenRoot {
					wantPrio = int32(p)
				}
			}
		}
		if ic.Priority != wantPrio {
			out = append(out, fmt.Sprintf("chunk %d: idx priority %d, want %d", ci, ic.Priority, wantPrio))
		}
		if ic.TraceIDHigh() != wantHigh {
			out = append(out, fmt.Sprintf("chunk %d: idx trace id high %x, want %x", ci, ic.TraceIDHigh(), wantHigh))
		}
		if ic.Origin() != wantOrigin {
			out = append(out, fmt.Sprintf("chunk %d: idx origin %q, want %q", ci, ic.Origin(), wantOrigin))
		}
		if ic.SamplingMechanism() != wantMech {
			out = append(out, fmt.Sprintf("chunk %d: idx mechanism %d, want %d", ci, ic.SamplingMechanism(), wantMech))
		}
	}
	return out
}

func trimMinus(s string) string {
	if len(s) > 0 && s[0] == '-' {
		return s[1:]
	}
	return s
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func goVersion() string     { return runtime.Version() }
func goInterpreter() string { return runtime.Compiler + "-" + runtime.GOARCH + "-" + runtime.GOOS }
