package trace_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace"
)

// peerTags are the tags WithPeerService writes, as a span carries them.
func peerTags(s trace.Snapshot) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"peer.service", "_dd.peer.service.source", "_dd.peer.service.remapped_from"} {
		if v, ok := s.Tag(k); ok {
			out[k] = v.String()
		}
	}
	return out
}

func TestPeerService(t *testing.T) {
	mapping := map[string]string{"orders-db": "orders", "": "empty-mapped"}
	type tags = map[string]any
	for _, c := range []struct {
		name     string
		defaults bool
		tags     tags
		want     map[string]string
	}{
		{"db.name first", true, tags{"span.kind": "client", "db.system": "postgresql", "db.name": "shop", "db.instance": "i", "out.host": "h"},
			map[string]string{"peer.service": "shop", "_dd.peer.service.source": "db.name"}},
		{"db.instance next", true, tags{"span.kind": "client", "db.system": "mysql", "db.instance": "i", "out.host": "h"},
			map[string]string{"peer.service": "i", "_dd.peer.service.source": "db.instance"}},
		{"db falls back to the host", true, tags{"span.kind": "client", "db.system": "redis", "peer.hostname": "ph", "out.host": "h"},
			map[string]string{"peer.service": "ph", "_dd.peer.service.source": "peer.hostname"}},
		{"cassandra contact points", true, tags{"span.kind": "client", "db.system": "cassandra", "db.cassandra.contact.points": "a,b", "db.name": "k"},
			map[string]string{"peer.service": "a,b", "_dd.peer.service.source": "db.cassandra.contact.points"}},
		{"cassandra has no fallback", true, tags{"span.kind": "client", "db.system": "cassandra", "out.host": "h"}, map[string]string{}},
		{"aws before db", true, tags{"span.kind": "client", "aws_service": "sqs", "db.system": "dynamodb", "db.name": "d", "tablename": "t", "queuename": "q"},
			map[string]string{"peer.service": "q", "_dd.peer.service.source": "queuename"}},
		{"aws bucket", true, tags{"span.kind": "client", "aws_service": "s3", "bucketname": "b", "network.destination.name": "n"},
			map[string]string{"peer.service": "b", "_dd.peer.service.source": "bucketname"}},
		{"kafka producer", true, tags{"span.kind": "producer", "messaging.system": "kafka", "messaging.kafka.bootstrap.servers": "k:9092", "out.host": "h"},
			map[string]string{"peer.service": "k:9092", "_dd.peer.service.source": "messaging.kafka.bootstrap.servers"}},
		{"messaging fallback", true, tags{"span.kind": "producer", "messaging.system": "rabbitmq", "network.destination.name": "mq"},
			map[string]string{"peer.service": "mq", "_dd.peer.service.source": "network.destination.name"}},
		{"rpc service", true, tags{"span.kind": "client", "rpc.system": "grpc", "rpc.service": "pkg.Svc", "out.host": "h"},
			map[string]string{"peer.service": "pkg.Svc", "_dd.peer.service.source": "rpc.service"}},
		{"http client", true, tags{"span.kind": "client", "network.destination.name": "api.example", "out.host": "h"},
			map[string]string{"peer.service": "api.example", "_dd.peer.service.source": "network.destination.name"}},
		{"out.host last", true, tags{"span.kind": "client", "out.host": "h"},
			map[string]string{"peer.service": "h", "_dd.peer.service.source": "out.host"}},
		{"numbers are not precursors", true, tags{"span.kind": "client", "db.system": "mysql", "db.name": 7, "out.host": "h"},
			map[string]string{"peer.service": "h", "_dd.peer.service.source": "out.host"}},
		{"no precursor", true, tags{"span.kind": "client", "db.system": "mysql"}, map[string]string{}},
		{"server span", true, tags{"span.kind": "server", "out.host": "h"}, map[string]string{}},
		{"consumer span", true, tags{"span.kind": "consumer", "messaging.system": "kafka", "messaging.kafka.bootstrap.servers": "k"}, map[string]string{}},
		{"no kind", true, tags{"out.host": "h"}, map[string]string{}},
		{"defaults off", false, tags{"span.kind": "client", "out.host": "h"}, map[string]string{}},
		{"explicit peer.service", false, tags{"span.kind": "server", "peer.service": "p"},
			map[string]string{"peer.service": "p", "_dd.peer.service.source": "peer.service"}},
		{"explicit wins over precursors", true, tags{"span.kind": "client", "peer.service": "p", "out.host": "h"},
			map[string]string{"peer.service": "p", "_dd.peer.service.source": "peer.service"}},
		{"explicit number is not one", false, tags{"peer.service": 3}, map[string]string{"peer.service": "3"}},
		{"mapping of an explicit value", false, tags{"peer.service": "orders-db"},
			map[string]string{"peer.service": "orders", "_dd.peer.service.source": "peer.service", "_dd.peer.service.remapped_from": "orders-db"}},
		{"mapping of a derived value", true, tags{"span.kind": "client", "db.system": "postgresql", "db.name": "orders-db"},
			map[string]string{"peer.service": "orders", "_dd.peer.service.source": "db.name", "_dd.peer.service.remapped_from": "orders-db"}},
		{"mapping of the empty value", true, tags{"span.kind": "client", "out.host": ""},
			map[string]string{"peer.service": "empty-mapped", "_dd.peer.service.source": "out.host", "_dd.peer.service.remapped_from": ""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := one(t, func(s *trace.Span) {
				for k, v := range c.tags {
					s.SetTag(k, v)
				}
			}, trace.WithPeerService(c.defaults, mapping))
			if diff := cmp.Diff(c.want, peerTags(s)); diff != "" {
				t.Errorf("peer tags (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPeerServiceOff: without the option, not even an explicit
// peer.service gets a source.
func TestPeerServiceOff(t *testing.T) {
	s := one(t, func(s *trace.Span) {
		s.SetTag("span.kind", "client")
		s.SetTag("peer.service", "p")
		s.SetTag("out.host", "h")
	})
	if diff := cmp.Diff(map[string]string{"peer.service": "p"}, peerTags(s)); diff != "" {
		t.Errorf("peer tags (-want +got):\n%s", diff)
	}
}

// TestPeerServiceMappingIsCopied: changing the caller's map after New
// changes nothing.
func TestPeerServiceMappingIsCopied(t *testing.T) {
	m := map[string]string{"a": "b"}
	tr, spans := newTracer(t, trace.WithPeerService(false, m))
	m["a"] = "changed"
	_, s := tr.Start(context.Background(), "op", trace.Tag("peer.service", "a"))
	s.Finish()
	got := spans()
	if v, _ := got[0].Tag("peer.service"); v.String() != "b" {
		t.Errorf("peer.service = %q, want b", v.String())
	}
}

// TestPeerServiceNoAllocsOnOtherSpans: a span that is no client or
// producer costs no allocation more with the option on.
func TestPeerServiceNoAllocsOnOtherSpans(t *testing.T) {
	run := func(opts ...trace.Option) float64 {
		tr, _ := newTracer(t, opts...)
		ctx := context.Background()
		return testing.AllocsPerRun(200, func() {
			_, s := tr.Start(ctx, "web.request", trace.Tag("span.kind", "server"), trace.Tag("out.host", "h"))
			s.Finish()
		})
	}
	off := run()
	on := run(trace.WithPeerService(true, map[string]string{"x": "y"}))
	if on != off {
		t.Errorf("allocations per server span: %v with WithPeerService, %v without", on, off)
	}
}

// BenchmarkStartFinishPeerService is BenchmarkStartFinish with peer.service
// defaults on: a server span, which pays the lookups and finds nothing to
// do.
func BenchmarkStartFinishPeerService(b *testing.B) {
	tr := trace.New(trace.WithService("bench"), trace.WithExporter(trace.Discard), trace.WithPeerService(true, nil))
	b.Cleanup(func() { tr.Shutdown(context.Background()) })
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, s := tr.Start(ctx, "web.request", trace.Resource("/posts"))
		s.SetTag("http.method", benchMethod)
		s.SetTag("http.status_code", benchStatus)
		s.SetTag("sample.weight", benchWeight)
		s.Finish()
	}
}
