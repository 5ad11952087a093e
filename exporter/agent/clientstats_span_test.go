package agent

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// readOne records one child span (of service "child" unless opts say
// otherwise, under a root of the tracer's service "svc") and returns what
// statistics read of it, if anything.
func readOne(t *testing.T, view *statsView, opts ...trace.SpanOption) (statSpan, bool) {
	t.Helper()
	mem := memory.New()
	tr := trace.New(trace.WithService("svc"), trace.WithEnv("prod"), trace.WithExporter(mem))
	ctx, root := tr.Start(context.Background(), "root")
	_, sp := tr.Start(ctx, "op", opts...)
	sp.Finish()
	root.Finish()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	chunks := mem.Chunks()
	var x statScratch
	for _, s := range x.read(chunks[0], view) {
		if s.key.name == "op" {
			return s, true
		}
	}
	return statSpan{}, false
}

func TestStatSpan(t *testing.T) {
	view := &statsView{peerKeys: []string{"peer.service", "out.host", "db.instance"}}
	tag := trace.Tag
	type want struct {
		kind, grpc string
		status     uint32
		top        bool
		peers      []string
	}
	for _, c := range []struct {
		name string
		opts []trace.SpanOption
		want *want // nil: no statistics
	}{
		{"internal, same service", nil, nil},
		{"measured", []trace.SpanOption{tag("_dd.measured", 1)}, &want{}},
		{"measured as text", []trace.SpanOption{tag("_dd.measured", "1")}, nil},
		{"measured 0", []trace.SpanOption{tag("_dd.measured", 0)}, nil},
		{"own _dd.top_level 1", []trace.SpanOption{tag("_dd.top_level", 1)}, &want{top: true}},
		{"own _dd.top_level 0 on a top-level span", []trace.SpanOption{trace.Service("child"), tag("_dd.top_level", 0)}, nil},
		{"_top_level", []trace.SpanOption{tag("_top_level", 1)}, &want{top: true}},
		{"partial snapshot", []trace.SpanOption{trace.Service("child"), tag("_dd.partial_version", 2)}, nil},
		{"server kind", []trace.SpanOption{tag("span.kind", "SERVER")}, &want{kind: "SERVER"}},
		{"internal kind", []trace.SpanOption{tag("span.kind", "internal")}, nil},
		{"status number", []trace.SpanOption{tag("_dd.measured", 1), tag("http.status_code", 404)}, &want{status: 404}},
		{"status text", []trace.SpanOption{tag("_dd.measured", 1), tag("http.status_code", "503")}, &want{status: 503}},
		{"status garbage", []trace.SpanOption{tag("_dd.measured", 1), tag("http.status_code", "5xx")}, &want{}},
		{"grpc number", []trace.SpanOption{tag("_dd.measured", 1), tag("grpc.code", 14)}, &want{grpc: "14"}},
		{"grpc name", []trace.SpanOption{tag("_dd.measured", 1), tag("rpc.grpc.status_code", "StatusCode.NOT_FOUND")}, &want{grpc: "5"}},
		{"grpc alias", []trace.SpanOption{tag("_dd.measured", 1), tag("grpc.status.code", "Canceled")}, &want{grpc: "1"}},
		{"grpc text beats number", []trace.SpanOption{tag("_dd.measured", 1), tag("grpc.code", 3), tag("grpc.status.code", "4")}, &want{grpc: "4"}},
		{"grpc garbage", []trace.SpanOption{tag("_dd.measured", 1), tag("grpc.code", "nope"), tag("grpc.status.code", 2)}, &want{}},
		{"client with peers", []trace.SpanOption{tag("span.kind", "client"), tag("peer.service", "pg"),
			tag("out.host", "ip-10-1-2-3.ec2.internal"), tag("db.instance", 5)},
			&want{kind: "client", peers: []string{"out.host:ip-blocked-ip-address.ec2.internal", "peer.service:pg"}}},
		{"server: no peers", []trace.SpanOption{tag("span.kind", "server"), tag("peer.service", "pg")}, &want{kind: "server"}},
		{"another service: top-level, base service", []trace.SpanOption{trace.Service("child")},
			&want{top: true, peers: []string{"_dd.base_service:svc"}}},
		{"own base service", []trace.SpanOption{trace.Service("child"), tag("_dd.base_service", "other")},
			&want{top: true, peers: []string{"_dd.base_service:other"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := readOne(t, view, c.opts...)
			if ok != (c.want != nil) {
				t.Fatalf("counted: %v, want %v", ok, c.want != nil)
			}
			if !ok {
				return
			}
			g := want{kind: got.key.kind, grpc: got.key.grpc, status: got.key.status, top: got.topLevel, peers: got.peerTags}
			if d := cmp.Diff(*c.want, g, cmp.AllowUnexported(want{}), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if got.key.peers != strings.Join(got.peerTags, "\x00") || got.key.env != "prod" || got.key.root {
				t.Errorf("key %+v", got.key)
			}
		})
	}
}

func TestQuantizePeerIPs(t *testing.T) {
	// The Agent's own cases (obfuscate.QuantizePeerIPAddresses' tests).
	for in, want := range map[string]string{
		"127.0.0.1": "127.0.0.1", "::1": "::1", "169.254.169.254": "169.254.169.254",
		"fd00:ec2::254": "fd00:ec2::254", "169.254.170.2": "169.254.170.2", "": "", "foo.dog": "foo.dog",
		"192.168.1.1": "blocked-ip-address", "192.168.1.1.foo": "blocked-ip-address.foo",
		"192.168.1.1.2.3.4.5": "blocked-ip-address.2.3.4.5", "192_168_1_1": "blocked-ip-address",
		"192-168-1-1": "blocked-ip-address", "192-168-1-1.foo": "blocked-ip-address.foo",
		"192-168-1-1-foo":                        "blocked-ip-address-foo",
		"2001:db8:3333:4444:CCCC:DDDD:EEEE:FFFF": "blocked-ip-address",
		"2001:db8:3c4d:15::1a2f:1a2b":            "blocked-ip-address",
		"[fe80::1ff:fe23:4567:890a]:8080":        "blocked-ip-address:8080",
		"192.168.1.1:1234":                       "blocked-ip-address:1234",
		"dnspoll:///10.21.120.145:6400":          "dnspoll:///blocked-ip-address:6400",
		"dnspoll:///abc.cluster.local:50051":     "dnspoll:///abc.cluster.local:50051",
		"http://10.21.120.145:6400":              "http://blocked-ip-address:6400",
		"https://10.21.120.145:6400":             "https://blocked-ip-address:6400",
		"192.168.1.1:1234,10.23.1.1:53,10.23.1.1,fe80::1ff:fe23:4567:890a,foo.dog": "blocked-ip-address:1234,blocked-ip-address:53,blocked-ip-address,foo.dog",
		"http://172.24.160.151:8091,172.24.163.33:8091,172.24.164.111:8091":        "http://blocked-ip-address:8091,blocked-ip-address:8091",
		"10-60-160-172.my-service.namespace.svc.abc.cluster.local":                 "blocked-ip-address.my-service.namespace.svc.abc.cluster.local",
		"ip-10-152-4-129.ec2.internal":                                             "ip-blocked-ip-address.ec2.internal",
		"1-foo":                                                                    "1-foo", "1-2-foo": "1-2-foo", "1-2-3-foo": "1-2-3-foo", "1-2-3-999": "1-2-3-999",
		"1-2-999-foo": "1-2-999-foo", "1-2-3-999-foo": "1-2-3-999-foo", "1-2-3-4-foo": "blocked-ip-address-foo",
		"7-55-2-app.agent.datadoghq.com": "7-55-2-app.agent.datadoghq.com",
		// And a list without addresses keeps each element once.
		"a,b,a": "a,b",
	} {
		if got := quantizePeerIPs(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func FuzzQuantizePeerIPs(f *testing.F) {
	for _, s := range []string{"192.168.1.1:1234,foo", "[fe80::1]:80", "ip-1-2-3-4", "http://", "dnspoll:///1.2.3.4", "]:[", "%:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := quantizePeerIPs(s)
		if len(q) > len(s)+len(strings.Split(s, ","))*len("blocked-ip-address") {
			t.Fatalf("%q grew to %q", s, q)
		}
	})
}
