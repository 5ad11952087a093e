package interop

// TestAgentDecoderTypes hand-builds v0.4 payloads (one trace, one span) that
// vary one field's msgpack type, and reports which the Agent's decoders
// (pb.Traces.UnmarshalMsg and idx.InternalTracerPayload.UnmarshalMsgConverted,
// pkg/proto v0.85.4) accept.
//
//	go test -run TestAgentDecoderTypes -v

import (
	"fmt"
	"testing"

	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	"github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace/idx"
	"github.com/tinylib/msgp/msgp"
)

type kv struct {
	k string
	v func([]byte) []byte
}

func str(s string) func([]byte) []byte {
	return func(b []byte) []byte { return msgp.AppendString(b, s) }
}
func u64(u uint64) func([]byte) []byte {
	return func(b []byte) []byte { return msgp.AppendUint64(b, u) }
}
func i64(i int64) func([]byte) []byte   { return func(b []byte) []byte { return msgp.AppendInt64(b, i) } }
func raw(r ...byte) func([]byte) []byte { return func(b []byte) []byte { return append(b, r...) } }
func f64(f float64) func([]byte) []byte {
	return func(b []byte) []byte { return msgp.AppendFloat64(b, f) }
}
func f32(f float32) func([]byte) []byte {
	return func(b []byte) []byte { return msgp.AppendFloat32(b, f) }
}
func boolv(v bool) func([]byte) []byte { return func(b []byte) []byte { return msgp.AppendBool(b, v) } }
func mapOf(kvs ...kv) func([]byte) []byte {
	return func(b []byte) []byte {
		b = msgp.AppendMapHeader(b, uint32(len(kvs)))
		for _, e := range kvs {
			b = msgp.AppendString(b, e.k)
			b = e.v(b)
		}
		return b
	}
}

func baseSpan() []kv {
	return []kv{
		{"name", str("op")}, {"service", str("svc")}, {"resource", str("res")}, {"type", str("web")},
		{"start", i64(1_700_000_000_000_000_000)}, {"duration", i64(1000)},
		{"meta", mapOf(kv{"env", str("prod")})},
		{"metrics", mapOf(kv{"_sampling_priority_v1", f64(1)})},
		{"span_id", u64(1 << 62)}, {"trace_id", u64(1 << 62)}, {"parent_id", u64(0)}, {"error", raw(0x00)},
	}
}

func withField(fields []kv, k string, v func([]byte) []byte) []kv {
	out := append([]kv(nil), fields...)
	for i := range out {
		if out[i].k == k {
			if v == nil {
				return append(out[:i], out[i+1:]...)
			}
			out[i].v = v
			return out
		}
	}
	if v != nil {
		out = append(out, kv{k, v})
	}
	return out
}

func payloadOf(fields []kv) []byte {
	b := msgp.AppendArrayHeader(nil, 1)
	b = msgp.AppendArrayHeader(b, 1)
	return mapOf(fields...)(b)
}

func TestAgentDecoderTypes(t *testing.T) {
	cases := []struct {
		name  string
		field string
		v     func([]byte) []byte
	}{
		{"baseline (no meta_struct/span_links/span_events)", "", nil},
		{"meta_struct {} (what dd-trace-go sends)", "meta_struct", mapOf()},
		{"meta_struct nil", "meta_struct", raw(0xc0)},
		{"meta_struct {k: bin}", "meta_struct", mapOf(kv{"k", func(b []byte) []byte { return msgp.AppendBytes(b, []byte{0xc3}) }})},
		{"span_links nil", "span_links", raw(0xc0)},
		{"span_links []", "span_links", raw(0x90)},
		{"span_events nil", "span_events", raw(0xc0)},
		{"span_events []", "span_events", raw(0x90)},
		{"meta nil", "meta", raw(0xc0)},
		{"metrics nil", "metrics", raw(0xc0)},
		{"meta {}", "meta", mapOf()},
		{"error bool true", "error", boolv(true)},
		{"error int64 1 (d3)", "error", raw(0xd3, 0, 0, 0, 0, 0, 0, 0, 1)},
		{"error uint64 1 (cf)", "error", raw(0xcf, 0, 0, 0, 0, 0, 0, 0, 1)},
		{"error int32 1 (d2)", "error", raw(0xd2, 0, 0, 0, 1)},
		{"error float64 1", "error", f64(1)},
		{"error nil", "error", raw(0xc0)},
		{"metric float32", "metrics", mapOf(kv{"m", f32(1.5)})},
		{"metric int64", "metrics", mapOf(kv{"m", i64(-5)})},
		{"metric uint64 big", "metrics", mapOf(kv{"m", u64(1<<63 + 5)})},
		{"metric posfixint", "metrics", mapOf(kv{"m", raw(0x07)})},
		{"metric bool", "metrics", mapOf(kv{"m", boolv(true)})},
		{"metric nil", "metrics", mapOf(kv{"m", raw(0xc0)})},
		{"metric NaN", "metrics", mapOf(kv{"m", raw(0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 1)})},
		{"meta value int", "meta", mapOf(kv{"k", i64(5)})},
		{"meta value nil", "meta", mapOf(kv{"k", raw(0xc0)})},
		{"meta value bin", "meta", mapOf(kv{"k", func(b []byte) []byte { return msgp.AppendBytes(b, []byte("x")) }})},
		{"meta value bool", "meta", mapOf(kv{"k", boolv(true)})},
		{"meta value invalid utf8", "meta", mapOf(kv{"k", str("\xff\xfe")})},
		{"trace_id int64 fixint", "trace_id", raw(0x05)},
		{"trace_id negative int", "trace_id", i64(-5)},
		{"trace_id float64", "trace_id", f64(5)},
		{"span_id 0", "span_id", raw(0x00)},
		{"start uint64", "start", u64(1_700_000_000_000_000_000)},
		{"start float64", "start", f64(1.7e18)},
		{"duration uint64", "duration", u64(1000)},
		{"service nil", "service", raw(0xc0)},
		{"service int", "service", i64(1)},
		{"type missing", "type", nil},
		{"unknown key", "zzz", str("x")},
	}
	var out string
	for _, c := range cases {
		fields := baseSpan()
		if c.field != "" {
			fields = withField(fields, c.field, c.v)
		}
		body := payloadOf(fields)
		var tr pb.Traces
		_, e1 := tr.UnmarshalMsg(body)
		var tp idx.InternalTracerPayload
		_, e2 := tp.UnmarshalMsgConverted(body)
		res := func(e error) string {
			if e == nil {
				return "ok"
			}
			s := e.Error()
			if len(s) > 70 {
				s = s[:70]
			}
			return "REJECT (" + s + ")"
		}
		detail := ""
		if e1 == nil && len(tr) == 1 && len(tr[0]) == 1 {
			s := tr[0][0]
			detail = fmt.Sprintf(" -> error=%d meta=%v metrics=%v trace_id=%d start=%d svc=%q", s.Error, s.Meta, s.Metrics, s.TraceID, s.Start, s.Service)
		}
		out += fmt.Sprintf("%-48s pb.Traces: %-40s idx: %s%s\n", c.name, res(e1), res(e2), detail)
	}
	t.Log("\n" + out)
}
