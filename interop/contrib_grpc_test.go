package interop

// TestGRPCSameWire serves grpc's test service through dd-trace-go
// v1.74.8's contrib/google.golang.org/grpc and through ours, each side
// with its own tracer, gRPC server and client on 127.0.0.1 and stand-in
// Agent, and makes the same calls (grpcCalls: unary success, metadata,
// error codes, a status with details, a plain error, a panic caught by a
// recovery interceptor, an unimplemented method, an untraced one,
// client-, server- and bidirectional streaming, a server stream that
// fails), each inside a span of its own. Cases: the default options; every
// option (service names, metadata and request tags, error details, custom
// tags, analytics, non-error codes, untraced methods, span options, no
// debug stack, ignored metadata, with peer.service defaults); stream
// spans turned off; the stats handlers instead of interceptors; no
// service set.
//
// Both payloads are decoded with the Agent's decoders and compared span
// by span, every field and tag, with compareSides. Spans are matched by
// their path of names from the local root down ("rpc.unary_ok/grpc.client/
// grpc.server"), siblings of one path by start order (#0, #1...). What
// differs by nature is masked first: ids in the grpc.metadata.* tags, and
// the ports (each side listens on its own). A difference fails the test
// unless grpcKnownDiffs lists it with its reason; a listed difference
// that no longer happens fails it too.
//
// The scenario is written once per package (ddGRPCScenario,
// oursGRPCScenario), kept identical by TestGRPCScenariosIdentical.
//
//	go test -run 'TestGRPC' -v

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	ourtracer "github.com/ctxtrace/trace/ddtrace/tracer"
)

// grpcCase is one configuration of the scenario.
type grpcCase struct {
	name          string
	service       string // the tracer's; "" sets none
	options       bool   // every option, and peer.service defaults
	noStreamSpans bool   // no messages on the server, no calls on the client
	stats         bool   // stats handlers instead of interceptors
}

var grpcCases = []grpcCase{
	{name: "defaults", service: "svc"},
	{name: "options", service: "svc", options: true},
	{name: "no stream spans", service: "svc", noStreamSpans: true},
	{name: "stats handlers", service: "svc", stats: true},
	{name: "no service"},
}

// Reasons of grpcKnownDiffs.
const (
	grpcPanicReason = "dd does not finish the server span of a handler that panics: its chunk is lost when a " +
		"recovery interceptor catches the panic; we record the panic on the span, finish it and re-panic"
	grpcStreamStatusReason = "dd ends a client stream's span when the stream's context is done, always as " +
		"\"OK\" without error; we end it with the call's final status (grpc.OnFinish)"
	grpcTracestateReason = "dd records the W3C tracestate it extracted as a tracestate tag on the span started " +
		"from it; our tracer does not (as in TestTracerAPISameWire)"
	grpcMDTraceparentReason = "traceparent in the metadata: we set the Level 2 random-trace-id flag (03); dd writes 01"
	grpcMDTracestateReason  = "tracestate in the metadata: dd adds t.tid:<upper half> to the dd= member; we do not"
)

// grpcKnownDiffs are the understood differences of TestGRPCSameWire, keyed
// "case | " and compareSides's id, with the reason.
var grpcKnownDiffs = map[string]string{}

func init() {
	for _, c := range grpcCases {
		for _, p := range grpcServerPaths(c) {
			grpcKnownDiffs[c.name+" | "+p+" | meta tracestate"] = grpcTracestateReason
		}
		if !c.stats {
			grpcKnownDiffs[c.name+" | rpc.unary_panic/grpc.client/grpc.server | span"] = grpcPanicReason
			grpcKnownDiffs[c.name+" | chunks"] = grpcPanicReason
		}
		if c.stats || c.noStreamSpans {
			continue
		}
		client := "rpc.server_stream_error/grpc.client | "
		grpcKnownDiffs[c.name+" | "+client+"meta grpc.code"] = grpcStreamStatusReason
		if c.options { // NonErrorCodes(codes.NotFound, ...): no error
			continue
		}
		for _, what := range []string{"error", "meta error.message", "meta error.type", "meta error.stack"} {
			grpcKnownDiffs[c.name+" | "+client+what] = grpcStreamStatusReason
		}
	}
	// Metadata tags: the "options" case records them on server spans and
	// on the spans of the messages a server receives.
	for _, path := range []string{"rpc.unary_ok/grpc.client/grpc.server", "rpc.unary_meta/grpc.client/grpc.server",
		"rpc.unary_notfound/grpc.client/grpc.server", "rpc.unary_details/grpc.client/grpc.server",
		"rpc.unary_plain_error/grpc.client/grpc.server", "rpc.unary_canceled/grpc.client/grpc.server",
		"rpc.unary_unimplemented/grpc.client/grpc.server",
		"rpc.client_stream/grpc.client/grpc.server/grpc.message#0", "rpc.client_stream/grpc.client/grpc.server/grpc.message#1",
		"rpc.client_stream/grpc.client/grpc.server/grpc.message#2", "rpc.server_stream/grpc.client/grpc.server/grpc.message#0",
		"rpc.server_stream_error/grpc.client/grpc.server/grpc.message#0",
		"rpc.bidi_stream/grpc.client/grpc.server/grpc.message#0", "rpc.bidi_stream/grpc.client/grpc.server/grpc.message#2",
		"rpc.bidi_stream/grpc.client/grpc.server/grpc.message#4"} {
		grpcKnownDiffs["options | "+path+" | meta grpc.metadata.traceparent.0"] = grpcMDTraceparentReason
		grpcKnownDiffs["options | "+path+" | meta grpc.metadata.tracestate.0"] = grpcMDTracestateReason
	}
}

// grpcServerPaths are the paths of the server call spans both sides send
// in case c: the local roots of the server's chunks.
func grpcServerPaths(c grpcCase) []string {
	var out []string
	for _, call := range grpcCalls {
		streaming := strings.Contains(call.name, "stream")
		switch {
		case !c.stats && call.name == "unary_panic":
		case c.options && call.name == "empty": // untraced
		case c.noStreamSpans && streaming: // no client call span
			out = append(out, "rpc."+call.name+"/grpc.server")
		default:
			out = append(out, "rpc."+call.name+"/grpc.client/grpc.server")
		}
	}
	return out
}

func TestGRPCScenariosIdentical(t *testing.T) {
	dd := funcSource(t, "contrib_grpc_dd_test.go", "ddGRPCScenario")
	ours := funcSource(t, "contrib_grpc_ours_test.go", "oursGRPCScenario")
	if dd != ours {
		t.Errorf("ddGRPCScenario and oursGRPCScenario differ; keep them identical\n--- dd\n%s\n--- ours\n%s", dd, ours)
	}
}

func TestGRPCSameWire(t *testing.T) {
	found, ran := map[string]bool{}, map[string]bool{}
	for _, c := range grpcCases {
		t.Run(c.name, func(t *testing.T) {
			ran[c.name] = true
			ourAgent := newFakeAgent(t, infoNoStats)
			oursGRPCScenario(t, ourAgent.addr(), c)
			ourtracer.Stop()
			ours := readGRPCSide(t, "ours", ourAgent.traceRequests())

			// dd finishes a client stream's span from a goroutine once
			// the stream's context is done: wait for every span dd is
			// to send (ours, but for those it loses) before stopping it.
			ddAgent := newFakeAgent(t, infoNoStats)
			ddGRPCScenario(t, ddAgent.addr(), c)
			waitDDSpans(ddAgent, len(ours.spans)-grpcOnlyOurs(c.name))
			ddtracer.Stop()
			dd := readGRPCSide(t, "dd", ddAgent.traceRequests())
			if t.Failed() {
				return
			}
			dd.reqs, ours.reqs = nil, nil // payload boundaries depend on flush timing
			for _, d := range compareSides(dd, ours) {
				id := c.name + " | " + d.id
				if reason, ok := grpcKnownDiffs[id]; ok {
					found[id] = true
					t.Logf("known difference %s: %s (%s)", id, d.detail, reason)
					continue
				}
				t.Errorf("difference %s: %s", id, d.detail)
			}
			t.Logf("%d spans compared (dd %d, ours %d)", len(union(dd.spans, ours.spans)), len(dd.spans), len(ours.spans))
		})
	}
	known := map[string]string{}
	for id, reason := range grpcKnownDiffs {
		if name, _, _ := strings.Cut(id, " | "); ran[name] {
			known[id] = reason
		}
	}
	staleDiffs(t, known, found)
}

// grpcOnlyOurs counts the spans of a case that grpcKnownDiffs says only
// we send.
func grpcOnlyOurs(name string) int {
	n := 0
	for id, reason := range grpcKnownDiffs {
		if strings.HasPrefix(id, name+" | ") && strings.HasSuffix(id, " | span") && reason == grpcPanicReason {
			n++
		}
	}
	return n
}

// waitDDSpans flushes dd's tracer until its Agent has received want spans,
// for at most 20 seconds.
func waitDDSpans(a *fakeAgent, want int) {
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		ddtracer.Flush()
		n := 0
		for _, r := range a.traceRequests() {
			if tr, err := decodeV04(r.Body); err == nil {
				for _, chunk := range tr {
					n += len(chunk)
				}
			}
		}
		if n >= want {
			return
		}
	}
}

// readGRPCSide is readSide with spans keyed by their path of names from
// their local root, and siblings of one path by start order, since gRPC
// spans share names; it masks what differs by nature in their tags.
func readGRPCSide(t *testing.T, who string, reqs []recordedRequest) side {
	t.Helper()
	s := side{reqs: reqs, spans: map[string]*pb.Span{}, byID: map[uint64]string{}, heads: map[string]bool{}}
	if len(reqs) == 0 {
		t.Errorf("%s: no trace payload received", who)
	}
	var chunks [][]*pb.Span
	all := map[uint64]*pb.Span{}
	for ri, r := range reqs {
		tr, tp, err := decodeBoth(r.Body)
		if err != nil {
			t.Errorf("%s: payload %d: %v", who, ri, err)
			continue
		}
		for _, d := range idxDisagreements(tr, tp) {
			t.Errorf("%s: payload %d: decoders disagree: %s", who, ri, d)
		}
		for _, chunk := range tr {
			chunks = append(chunks, chunk)
			for _, sp := range chunk {
				all[sp.SpanID] = sp
			}
		}
	}
	byPath := map[string][]*pb.Span{}
	for _, sp := range all {
		p := spanPath(all, sp)
		byPath[p] = append(byPath[p], sp)
	}
	for p, group := range byPath {
		sort.SliceStable(group, func(i, j int) bool { return group[i].Start < group[j].Start })
		for i, sp := range group {
			key := p
			if len(group) > 1 {
				key = fmt.Sprintf("%s#%d", p, i)
			}
			maskGRPCTags(sp)
			s.spans[key], s.byID[sp.SpanID] = sp, key
		}
	}
	for _, chunk := range chunks {
		var keys []string
		for i, sp := range chunk {
			keys = append(keys, s.byID[sp.SpanID])
			if i == 0 {
				s.heads[s.byID[sp.SpanID]] = true
			}
		}
		sort.Strings(keys)
		s.chunks = append(s.chunks, strings.Join(keys, ","))
	}
	sort.Strings(s.chunks)
	return s
}

// spanPath names sp by its ancestors' names and its own, from the first
// whose parent is not in all.
func spanPath(all map[uint64]*pb.Span, sp *pb.Span) string {
	names := []string{sp.Name}
	for p := all[sp.ParentID]; p != nil && len(names) < 16; p = all[p.ParentID] {
		names = append(names, p.Name)
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	return strings.Join(names, "/")
}

var portRE = regexp.MustCompile(`:[0-9]+$`)

// maskGRPCTags hides what differs by nature between the two sides: ids in
// the metadata recorded as tags (x-datadog-tags members sorted), and the
// ports each side's server listens on.
func maskGRPCTags(sp *pb.Span) {
	for k, v := range sp.Meta {
		switch {
		case k == "out.port":
			sp.Meta[k] = "<port>"
		case k == "grpc.metadata.:authority.0":
			sp.Meta[k] = portRE.ReplaceAllString(v, ":<port>")
		case k == "grpc.metadata.x-datadog-tags.0":
			sp.Meta[k] = sortedMembers(idRE.ReplaceAllString(v, "<id>"))
		case strings.HasPrefix(k, "grpc.metadata."):
			sp.Meta[k] = idRE.ReplaceAllString(v, "<id>")
		}
	}
}
