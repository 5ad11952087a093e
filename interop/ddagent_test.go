package interop

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	"github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace/idx"
	"github.com/tinylib/msgp/msgp"
)

// recordedRequest is one HTTP request received by the stand-in agent.
type recordedRequest struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// fakeAgent is a stand-in Datadog Agent. It records every request, answers
// /info with infoJSON and /v0.4/traces with an empty rate_by_service.
type fakeAgent struct {
	srv      *httptest.Server
	infoJSON string

	mu   sync.Mutex
	reqs []recordedRequest
}

// infoNoStats is an /info answer modelled on Agent 7.x, without /v0.5/traces
// and without /v0.6/stats, so dd-trace-go neither computes stats client-side
// nor drops P0 chunks: every chunk goes to /v0.4/traces, as our exporter does.
const infoNoStats = `{
  "version": "7.70.0",
  "git_commit": "0000000",
  "endpoints": ["/v0.3/traces", "/v0.3/services", "/v0.4/traces", "/v0.4/services",
    "/v0.7/traces", "/profiling/v1/input", "/telemetry/proxy/", "/v0.1/pipeline_stats",
    "/evp_proxy/v1/", "/evp_proxy/v2/", "/evp_proxy/v3/", "/evp_proxy/v4/",
    "/debugger/v1/input", "/debugger/v1/diagnostics", "/symdb/v1/input",
    "/dogstatsd/v1/proxy", "/dogstatsd/v2/proxy", "/tracer_flare/v1", "/config/set"],
  "client_drop_p0s": false,
  "span_meta_structs": true,
  "long_running_spans": true,
  "span_events": true,
  "config": {"default_env": "none", "target_tps": 10, "max_eps": 200,
    "receiver_port": 8126, "receiver_socket": "", "connection_limit": 0,
    "receiver_timeout": 0, "max_request_bytes": 26214400, "statsd_port": 8125,
    "analyzed_spans_by_service": {}},
  "peer_tags": ["db.instance", "peer.service", "out.host"]
}`

// infoFull also advertises /v0.5/traces, /v0.6/stats and client_drop_p0s, like
// a real recent agent does.
const infoFull = `{
  "version": "7.70.0",
  "endpoints": ["/v0.3/traces", "/v0.4/traces", "/v0.5/traces", "/v0.7/traces",
    "/v0.6/stats", "/telemetry/proxy/", "/evp_proxy/v2/", "/v0.7/config"],
  "client_drop_p0s": true,
  "span_meta_structs": true,
  "span_events": true,
  "obfuscation_version": 1,
  "config": {"default_env": "none", "statsd_port": 8125},
  "peer_tags": ["db.instance", "peer.service", "out.host"]
}`

func newFakeAgent(t testing.TB, info string) *fakeAgent {
	a := &fakeAgent{infoJSON: info}
	a.srv = httptest.NewServer(http.HandlerFunc(a.handle))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *fakeAgent) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	a.mu.Lock()
	a.reqs = append(a.reqs, recordedRequest{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	a.mu.Unlock()
	switch r.URL.Path {
	case "/info":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, a.infoJSON)
	case "/v0.4/traces", "/v0.5/traces":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"rate_by_service":{}}`)
	case "/v0.6/stats":
		w.WriteHeader(http.StatusOK)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// addr is host:port for tracer.WithAgentAddr.
func (a *fakeAgent) addr() string { return strings.TrimPrefix(a.srv.URL, "http://") }

func (a *fakeAgent) requests() []recordedRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]recordedRequest(nil), a.reqs...)
}

func (a *fakeAgent) paths() map[string]int {
	m := map[string]int{}
	for _, r := range a.requests() {
		m[r.Method+" "+r.Path]++
	}
	return m
}

func (a *fakeAgent) traceRequests() []recordedRequest {
	var out []recordedRequest
	for _, r := range a.requests() {
		if r.Path == "/v0.4/traces" || r.Path == "/v0.5/traces" {
			out = append(out, r)
		}
	}
	return out
}

// decodeV04 decodes a v0.4 body with the agent's own decoders: pb.Traces.UnmarshalMsg
// and the receiver's default path idx.InternalTracerPayload.UnmarshalMsgConverted.
func decodeV04(body []byte) (pb.Traces, error) {
	var tr pb.Traces
	if rest, err := tr.UnmarshalMsg(body); err != nil {
		return nil, fmt.Errorf("pb.Traces.UnmarshalMsg: %w", err)
	} else if len(rest) != 0 {
		return nil, fmt.Errorf("pb.Traces.UnmarshalMsg: %d trailing bytes", len(rest))
	}
	var tp idx.InternalTracerPayload
	if _, err := tp.UnmarshalMsgConverted(body); err != nil {
		return nil, fmt.Errorf("idx.InternalTracerPayload.UnmarshalMsgConverted: %w", err)
	}
	return tr, nil
}

// msgpKind names the msgpack encoding of the value at the head of b (its marker byte).
func msgpKind(b []byte) string {
	if len(b) == 0 {
		return "?"
	}
	c := b[0]
	switch {
	case c <= 0x7f:
		return "posfixint"
	case c >= 0xe0:
		return "negfixint"
	case c&0xe0 == 0xa0:
		return "fixstr"
	case c&0xf0 == 0x80:
		return "fixmap"
	case c&0xf0 == 0x90:
		return "fixarray"
	}
	names := map[byte]string{0xc0: "nil", 0xc2: "false", 0xc3: "true", 0xc4: "bin8", 0xc5: "bin16", 0xc6: "bin32",
		0xca: "float32", 0xcb: "float64", 0xcc: "uint8", 0xcd: "uint16", 0xce: "uint32", 0xcf: "uint64",
		0xd0: "int8", 0xd1: "int16", 0xd2: "int32", 0xd3: "int64", 0xd9: "str8", 0xda: "str16", 0xdb: "str32",
		0xdc: "array16", 0xdd: "array32", 0xde: "map16", 0xdf: "map32"}
	if n, ok := names[c]; ok {
		return n
	}
	return fmt.Sprintf("0x%02x", c)
}

// rawLayout walks the raw v0.4 body and returns, per span, its key order with
// the msgpack marker of each value, e.g. "name:fixstr service:fixstr ... error:int32".
func rawLayout(body []byte) (payloadHdr string, spans [][]string, err error) {
	b := body
	payloadHdr = msgpKind(b)
	var ntr uint32
	if ntr, b, err = msgp.ReadArrayHeaderBytes(b); err != nil {
		return
	}
	for range ntr {
		var nsp uint32
		if nsp, b, err = msgp.ReadArrayHeaderBytes(b); err != nil {
			return
		}
		for range nsp {
			var nf uint32
			if nf, b, err = msgp.ReadMapHeaderBytes(b); err != nil {
				return
			}
			var fields []string
			for range nf {
				var k []byte
				if k, b, err = msgp.ReadMapKeyZC(b); err != nil {
					return
				}
				kind := msgpKind(b)
				if string(k) == "metrics" || string(k) == "meta_struct" {
					// also the kind of the first value, to show metric value encodings
					if sz, rest, e := msgp.ReadMapHeaderBytes(b); e == nil {
						kind += fmt.Sprintf("(len=%d", sz)
						vk := map[string]bool{}
						for range sz {
							var rest2 []byte
							_, rest2, e = msgp.ReadStringBytes(rest)
							if e != nil {
								break
							}
							vk[msgpKind(rest2)] = true
							rest, e = msgp.Skip(rest2)
							if e != nil {
								break
							}
						}
						var ks []string
						for x := range vk {
							ks = append(ks, x)
						}
						sort.Strings(ks)
						if len(ks) > 0 {
							kind += ",values=" + strings.Join(ks, "|")
						}
						kind += ")"
					}
				}
				fields = append(fields, string(k)+":"+kind)
				if b, err = msgp.Skip(b); err != nil {
					return
				}
			}
			spans = append(spans, fields)
		}
	}
	if len(b) != 0 {
		err = fmt.Errorf("%d trailing bytes", len(b))
	}
	return
}

// dumpRequest renders a recorded trace request: headers, raw layout, decoded spans.
func dumpRequest(r recordedRequest) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s (%d bytes)\n", r.Method, r.Path, len(r.Body))
	var hk []string
	for k := range r.Header {
		hk = append(hk, k)
	}
	sort.Strings(hk)
	for _, k := range hk {
		if k == "Accept-Encoding" || k == "User-Agent" {
			fmt.Fprintf(&sb, "  header %s: %q\n", k, r.Header.Values(k))
			continue
		}
		fmt.Fprintf(&sb, "  header %s: %s\n", k, strings.Join(r.Header.Values(k), ", "))
	}
	hdr, layout, err := rawLayout(r.Body)
	if err != nil {
		fmt.Fprintf(&sb, "  RAW LAYOUT ERROR: %v\n", err)
	}
	fmt.Fprintf(&sb, "  payload array header: %s\n", hdr)
	tr, err := decodeV04(r.Body)
	if err != nil {
		fmt.Fprintf(&sb, "  DECODE ERROR: %v\n", err)
		return sb.String()
	}
	si := 0
	for ci, chunk := range tr {
		fmt.Fprintf(&sb, "  chunk %d: %d spans\n", ci, len(chunk))
		for i, s := range chunk {
			fmt.Fprintf(&sb, "    span %d.%d: service=%q name=%q resource=%q type=%q\n", ci, i, s.Service, s.Name, s.Resource, s.Type)
			fmt.Fprintf(&sb, "      trace_id=%d (0x%016x) span_id=%d (0x%016x, bits=%d) parent_id=%d (0x%016x)\n",
				s.TraceID, s.TraceID, s.SpanID, s.SpanID, bitLen(s.SpanID), s.ParentID, s.ParentID)
			fmt.Fprintf(&sb, "      start=%d duration=%d error=%d\n", s.Start, s.Duration, s.Error)
			for _, k := range sortedKeys(s.Meta) {
				v := s.Meta[k]
				if len(v) > 300 {
					v = v[:300] + fmt.Sprintf("...(%d bytes)", len(s.Meta[k]))
				}
				fmt.Fprintf(&sb, "      meta    %-28s = %q\n", k, v)
			}
			for _, k := range sortedKeys(s.Metrics) {
				fmt.Fprintf(&sb, "      metric  %-28s = %v\n", k, s.Metrics[k])
			}
			fmt.Fprintf(&sb, "      meta_struct: present=%v len=%d; span_links=%d; span_events=%d\n",
				s.MetaStruct != nil, len(s.MetaStruct), len(s.SpanLinks), len(s.SpanEvents))
			for _, l := range s.SpanLinks {
				fmt.Fprintf(&sb, "      span_link trace_id=0x%016x trace_id_high=0x%016x span_id=0x%016x attrs=%v tracestate=%q flags=%d\n",
					l.TraceID, l.TraceIDHigh, l.SpanID, l.Attributes, l.Tracestate, l.Flags)
			}
			if si < len(layout) {
				fmt.Fprintf(&sb, "      raw: %s\n", strings.Join(layout[si], " "))
			}
			si++
		}
	}
	return sb.String()
}

func bitLen(x uint64) int {
	n := 0
	for x != 0 {
		n++
		x >>= 1
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
