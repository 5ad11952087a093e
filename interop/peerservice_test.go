package interop

// TestPeerServiceSameWire starts the same client, producer, consumer and
// server spans (databases, Cassandra, AWS, messaging, RPC, HTTP clients,
// with precursor tags in various combinations, some given as numbers)
// under dd-trace-go v1.74.8 and under ours, each against its own stand-in
// Agent, with peer.service defaults and a mapping set by options, by the
// environment (DD_TRACE_SPAN_ATTRIBUTE_SCHEMA=v1 and
// DD_TRACE_PEER_SERVICE_MAPPING), and with the defaults off. Both payloads
// are decoded with the Agent's decoders and compared span by span, every
// tag, with compareSides. A difference fails the test unless
// peerServiceKnownDiffs lists it with its reason; a listed difference
// that no longer happens fails it too.
//
// TestHeaderTagsSameAsDD serves the same requests through dd's
// contrib/net/http WrapHandler and through our tracehttp.Handler, with
// header tags and App Analytics set by options and by the environment, and
// compares the header tags and the analytics rate of the server spans. A
// difference fails the test unless headerTagsKnownDiffs lists it with its
// reason; a listed difference that no longer happens fails it too.
//
//	go test -run 'TestPeerServiceSameWire|TestHeaderTagsSameAsDD' -v

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	ddhttp "gopkg.in/DataDog/dd-trace-go.v1/contrib/net/http"
	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	ourtracer "github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/tracehttp"
)

type peerTag struct {
	k string
	v any
}

// peerSpans are the spans of TestPeerServiceSameWire, by name.
var peerSpans = []struct {
	name string
	tags []peerTag
}{
	{"db.pg", []peerTag{{"span.kind", "client"}, {"db.system", "postgresql"}, {"db.name", "shop"}, {"db.instance", "i1"}, {"out.host", "h"}}},
	{"db.instance", []peerTag{{"span.kind", "client"}, {"db.system", "mysql"}, {"db.instance", "i2"}, {"network.destination.name", "n"}}},
	{"db.redis.host", []peerTag{{"span.kind", "client"}, {"db.system", "redis"}, {"out.host", "redis-host"}, {"network.destination.port", 6379}}},
	{"db.cassandra", []peerTag{{"span.kind", "client"}, {"db.system", "cassandra"}, {"db.cassandra.contact.points", "c1,c2"}, {"db.name", "ks"}}},
	{"db.cassandra.host", []peerTag{{"span.kind", "client"}, {"db.system", "cassandra"}, {"out.host", "h"}}},
	{"aws.sqs", []peerTag{{"span.kind", "client"}, {"aws_service", "sqs"}, {"queuename", "q"}, {"topicname", "t"}, {"out.host", "h"}}},
	{"aws.dynamodb", []peerTag{{"span.kind", "client"}, {"aws_service", "dynamodb"}, {"db.system", "dynamodb"}, {"db.name", "d"}, {"tablename", "tbl"}}},
	{"aws.host", []peerTag{{"span.kind", "client"}, {"aws_service", "s3"}, {"peer.hostname", "ph"}, {"out.host", "h"}}},
	{"kafka.produce", []peerTag{{"span.kind", "producer"}, {"messaging.system", "kafka"}, {"messaging.kafka.bootstrap.servers", "k1:9092,k2:9092"}, {"out.host", "h"}}},
	{"kafka.consume", []peerTag{{"span.kind", "consumer"}, {"messaging.system", "kafka"}, {"messaging.kafka.bootstrap.servers", "k1:9092"}}},
	{"mq.fallback", []peerTag{{"span.kind", "producer"}, {"messaging.system", "rabbitmq"}, {"network.destination.name", "mq"}}},
	{"grpc.client", []peerTag{{"span.kind", "client"}, {"rpc.system", "grpc"}, {"rpc.service", "pkg.Svc"}, {"network.destination.name", "n"}}},
	{"grpc.host", []peerTag{{"span.kind", "client"}, {"rpc.system", "grpc"}, {"peer.hostname", "ph"}}},
	{"http.client", []peerTag{{"span.kind", "client"}, {"component", "net/http"}, {"network.destination.name", "api.example"}, {"out.host", "h"}}},
	{"http.client.legacy", []peerTag{{"span.kind", "client"}, {"out.host", "legacy"}}},
	{"http.client.mapped", []peerTag{{"span.kind", "client"}, {"network.destination.name", "old-name"}}},
	{"http.client.empty", []peerTag{{"span.kind", "client"}, {"out.host", ""}}},
	{"explicit.server", []peerTag{{"span.kind", "server"}, {"peer.service", "billing"}}},
	{"explicit.mapped", []peerTag{{"span.kind", "client"}, {"peer.service", "old-name"}, {"out.host", "h"}}},
	{"number.precursor", []peerTag{{"span.kind", "client"}, {"db.system", "mysql"}, {"db.name", 42}, {"out.host", "h"}}},
	{"number.peer", []peerTag{{"span.kind", "client"}, {"peer.service", 7}, {"out.host", "h"}}},
	{"no.precursor", []peerTag{{"span.kind", "client"}, {"db.system", "mysql"}}},
	{"no.kind", []peerTag{{"out.host", "h"}}},
	{"server", []peerTag{{"span.kind", "server"}, {"out.host", "h"}}},
}

// peerServiceKnownDiffs are the understood differences of
// TestPeerServiceSameWire, keyed "case | " and compareSides's id, with the
// reason.
var peerServiceKnownDiffs = map[string]string{}

func init() {
	// dd puts DD_TRACE_SPAN_ATTRIBUTE_SCHEMA's version on every local root
	// as the metric _dd.trace_span_attribute_schema; our Agent exporter
	// writes the constant 0 there, whatever the variable says. Every span
	// of the scenario is a local root.
	for _, s := range peerSpans {
		peerServiceKnownDiffs["environment | "+s.name+" | metric _dd.trace_span_attribute_schema"] =
			"our Agent exporter writes _dd.trace_span_attribute_schema=0 on local roots; dd writes the schema's version (1)"
	}
}

func TestPeerServiceSameWire(t *testing.T) {
	found := map[string]bool{}
	for _, c := range []struct {
		name     string
		env      map[string]string
		dd       []ddtracer.StartOption
		ours     []ourtracer.StartOption
		wantPeer string // peer.service of http.client.mapped
	}{
		{name: "options",
			dd: []ddtracer.StartOption{ddtracer.WithPeerServiceDefaults(true),
				ddtracer.WithPeerServiceMapping("old-name", "new-name"), ddtracer.WithPeerServiceMapping("shop", "shop-db")},
			ours: []ourtracer.StartOption{ourtracer.WithPeerServiceDefaults(true),
				ourtracer.WithPeerServiceMapping("old-name", "new-name"), ourtracer.WithPeerServiceMapping("shop", "shop-db")},
			wantPeer: "new-name"},
		{name: "environment",
			env:      map[string]string{"DD_TRACE_SPAN_ATTRIBUTE_SCHEMA": "v1", "DD_TRACE_PEER_SERVICE_MAPPING": "old-name:from-env, shop:shop-env"},
			wantPeer: "from-env"},
		{name: "defaults off",
			env:  map[string]string{"DD_TRACE_PEER_SERVICE_DEFAULTS_ENABLED": "false"},
			dd:   []ddtracer.StartOption{ddtracer.WithPeerServiceMapping("old-name", "new-name")},
			ours: []ourtracer.StartOption{ourtracer.WithPeerServiceMapping("old-name", "new-name")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
			ddPeerScenario(ddAgent.addr(), c.dd...)
			oursPeerScenario(ourAgent.addr(), c.ours...)
			dd, ours := readSide(t, "dd", ddAgent.traceRequests()), readSide(t, "ours", ourAgent.traceRequests())
			if t.Failed() {
				return
			}
			// The scenario does what it means to, on dd's side.
			if got := dd.spans["http.client.mapped"].Meta["peer.service"]; got != c.wantPeer {
				t.Errorf("dd: http.client.mapped has peer.service %q, want %q", got, c.wantPeer)
			}
			dd.reqs, ours.reqs = nil, nil // payload boundaries depend on flush timing
			for _, d := range compareSides(dd, ours) {
				id := c.name + " | " + d.id
				if reason, ok := peerServiceKnownDiffs[id]; ok {
					found[id] = true
					t.Logf("known difference %s: %s (%s)", id, d.detail, reason)
					continue
				}
				t.Errorf("difference %s: %s", id, d.detail)
			}
		})
	}
	staleDiffs(t, peerServiceKnownDiffs, found)
}

// staleDiffs fails the test for each known difference not found.
func staleDiffs(t *testing.T, known map[string]string, found map[string]bool) {
	var stale []string
	for id := range known {
		if !found[id] {
			stale = append(stale, id)
		}
	}
	sort.Strings(stale)
	for _, id := range stale {
		t.Errorf("known difference no longer seen (remove it from the list): %s", id)
	}
}

func ddPeerScenario(addr string, extra ...ddtracer.StartOption) {
	ddtracer.Start(append([]ddtracer.StartOption{ddtracer.WithService("svc"), ddtracer.WithAgentAddr(addr),
		ddtracer.WithLogStartup(false), ddtracer.WithLogger(silentLogger{}), ddtracer.WithDogstatsdAddress("127.0.0.1:9")}, extra...)...)
	defer ddtracer.Stop()
	for _, s := range peerSpans {
		var opts []ddtracer.StartSpanOption
		for _, tg := range s.tags {
			opts = append(opts, ddtracer.Tag(tg.k, tg.v))
		}
		ddtracer.StartSpan(s.name, opts...).Finish()
	}
}

func oursPeerScenario(addr string, extra ...ourtracer.StartOption) {
	ourtracer.Start(append([]ourtracer.StartOption{ourtracer.WithService("svc"), ourtracer.WithAgentAddr(addr),
		ourtracer.WithLogStartup(false), ourtracer.WithLogger(silentLogger{})}, extra...)...)
	defer ourtracer.Stop()
	for _, s := range peerSpans {
		var opts []ourtracer.StartSpanOption
		for _, tg := range s.tags {
			opts = append(opts, ourtracer.Tag(tg.k, tg.v))
		}
		ourtracer.StartSpan(s.name, opts...).Finish()
	}
}

// headerTagsKnownDiffs are the understood differences of
// TestHeaderTagsSameAsDD, keyed "case | path | key", with the reason.
var headerTagsKnownDiffs = map[string]string{}

// responseHeaderReason: dd-trace-go v2.3.0's net/http integration records
// request headers only (httptrace.HeaderTagsFromRequest); we also record
// response headers under http.response.headers.*, as Datadog's other
// tracers do, for entries that name no tag of their own.
const responseHeaderReason = "dd records no response headers; we do, under http.response.headers.*"

func init() {
	for _, c := range []string{"options", "environment", "http analytics"} {
		for _, p := range []string{"p1", "p2"} {
			for _, h := range []string{"x-request-id", "content-type"} {
				headerTagsKnownDiffs[c+" | "+p+" | http.response.headers."+h] = responseHeaderReason
			}
		}
	}
}

// headerEntries are the WithHeaderTags entries: plain, with a tag,
// trimmed, upper case, a header with characters the tag name replaces, a
// header with a space (no canonical form), one split at its last colon,
// one skipped, and one that no request has.
var headerEntries = []string{"X-Request-Id", "x-multi", " X-User : User.Tag ", "CONTENT-TYPE", "x-dots.under_score",
	"x y", "x-a:b:c", ":no-header", "X-Absent"}

func TestHeaderTagsSameAsDD(t *testing.T) {
	found := map[string]bool{}
	oursRate, oursOff := ourtracer.WithAnalyticsRate(0.4), ourtracer.WithAnalytics(false)
	for _, c := range []struct {
		name string
		env  map[string]string
		dd   []ddtracer.StartOption
		ours []ourtracer.StartOption
	}{
		{name: "options",
			dd:   []ddtracer.StartOption{ddtracer.WithHeaderTags(headerEntries), ddtracer.WithAnalyticsRate(0.4)},
			ours: []ourtracer.StartOption{ourtracer.WithHeaderTags(headerEntries), oursRate}},
		{name: "environment",
			env: map[string]string{"DD_TRACE_HEADER_TAGS": strings.Join(headerEntries, ","), "DD_TRACE_ANALYTICS_ENABLED": "true"}},
		{name: "http analytics",
			env: map[string]string{"DD_TRACE_HTTP_ANALYTICS_ENABLED": "true"},
			dd:  []ddtracer.StartOption{ddtracer.WithHeaderTags(headerEntries)}, ours: []ourtracer.StartOption{ourtracer.WithHeaderTags(headerEntries)}},
		{name: "off",
			dd:   []ddtracer.StartOption{ddtracer.WithHeaderTags(nil), ddtracer.WithAnalytics(false)},
			ours: []ourtracer.StartOption{ourtracer.WithHeaderTags(nil), oursOff}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
			ddtracer.Start(append([]ddtracer.StartOption{ddtracer.WithService("svc"), ddtracer.WithAgentAddr(ddAgent.addr()),
				ddtracer.WithLogStartup(false), ddtracer.WithLogger(silentLogger{}), ddtracer.WithDogstatsdAddress("127.0.0.1:9")}, c.dd...)...)
			serveHeaderRequests(ddhttp.WrapHandler(headerHandler, "svc", "res"))
			ddtracer.Stop()
			ourtracer.Start(append([]ourtracer.StartOption{ourtracer.WithService("svc"), ourtracer.WithAgentAddr(ourAgent.addr()),
				ourtracer.WithLogStartup(false), ourtracer.WithLogger(silentLogger{})}, c.ours...)...)
			serveHeaderRequests(tracehttp.Handler(headerHandler))
			ourtracer.Stop()

			dd, ours := headerSpans(t, "dd", ddAgent.traceRequests()), headerSpans(t, "ours", ourAgent.traceRequests())
			if c.name != "off" && dd["p1"]["http.request.headers.x-request-id"] == "" {
				t.Errorf("dd recorded no header tag: %v", dd["p1"])
			}
			for _, p := range sortedKeys(union(dd, ours)) {
				for _, k := range sortedKeys(union(dd[p], ours[p])) {
					dv, dok := dd[p][k]
					ov, ook := ours[p][k]
					if dok == ook && dv == ov {
						continue
					}
					id := c.name + " | " + p + " | " + k
					if reason, ok := headerTagsKnownDiffs[id]; ok {
						found[id] = true
						t.Logf("known difference %s: dd=%q ours=%q (%s)", id, dv, ov, reason)
						continue
					}
					t.Errorf("difference %s: dd=%q (%v) ours=%q (%v)", id, dv, dok, ov, ook)
				}
			}
		})
	}
	// Put dd's process-wide settings back for the tests that follow.
	ddtracer.Start(ddtracer.WithHeaderTags(nil), ddtracer.WithAnalytics(false), ddtracer.WithLogStartup(false),
		ddtracer.WithLogger(silentLogger{}), ddtracer.WithAgentAddr(newFakeAgent(t, infoNoStats).addr()))
	ddtracer.Stop()
	staleDiffs(t, headerTagsKnownDiffs, found)
}

// headerHandler answers with headers that the entries name.
var headerHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", "resp-"+r.URL.Path[1:])
	w.Header().Set("X-User", "resp-user")
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
})

// serveHeaderRequests sends two requests through h: /p1 with every header
// the entries name, /p2 with none but Content-Type.
func serveHeaderRequests(h http.Handler) {
	r1 := httptest.NewRequest("GET", "/p1", nil)
	r1.Header.Set("X-Request-Id", " id-1 ")
	r1.Header.Add("X-Multi", "a")
	r1.Header.Add("X-Multi", "b")
	r1.Header.Set("X-User", "u1")
	r1.Header.Set("Content-Type", "application/json")
	r1.Header.Set("X-Dots.Under_score", "dots")
	r1.Header["x y"] = []string{"spaced"}
	r1.Header["x-a:b"] = []string{"colon"}
	r1.Header.Set("X-Not-Configured", "nope")
	h.ServeHTTP(httptest.NewRecorder(), r1)
	r2 := httptest.NewRequest("GET", "/p2", nil)
	r2.Header.Set("Content-Type", "text/html")
	h.ServeHTTP(httptest.NewRecorder(), r2)
}

// headerSpans decodes the server spans with the Agent's decoder and
// returns, by request path, their header tags (http.request.headers.*,
// http.response.headers.*, and the tags entries name) and analytics rate.
func headerSpans(t *testing.T, who string, reqs []recordedRequest) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, r := range reqs {
		tr, err := decodeV04(r.Body)
		if err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		for _, chunk := range tr {
			for _, s := range chunk {
				addHeaderSpan(t, who, out, s)
			}
		}
	}
	if len(out) != 2 {
		t.Errorf("%s: server spans for %v, want /p1 and /p2", who, sortedKeys(out))
	}
	return out
}

func addHeaderSpan(t *testing.T, who string, out map[string]map[string]string, s *pb.Span) {
	u, err := url.Parse(s.Meta["http.url"])
	if err != nil || s.Meta["span.kind"] != "server" {
		t.Errorf("%s: unexpected span %s %v", who, s.Name, s.Meta)
		return
	}
	tags := map[string]string{}
	for k, v := range s.Meta {
		if strings.HasPrefix(k, "http.request.headers.") || strings.HasPrefix(k, "http.response.headers.") ||
			k == "user.tag" || k == "c" || k == "_dd1.sr.eausr" {
			tags[k] = v
		}
	}
	for k, v := range s.Metrics {
		if k == "_dd1.sr.eausr" || k == "user.tag" || k == "c" || strings.HasPrefix(k, "http.request.headers.") {
			tags[k] = fmt.Sprint("metric ", v)
		}
	}
	out[strings.TrimPrefix(u.Path, "/")] = tags
}
