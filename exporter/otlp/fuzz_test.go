package otlp

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// listSeeds are values of OTEL_EXPORTER_OTLP_HEADERS and
// OTEL_RESOURCE_ATTRIBUTES, good and bad.
var listSeeds = []string{
	"", "a=b", "api-key=secret,x-team=a%20b", " a = b , c=d ", "a=b,,c=d", "noequals", "=v", "k=",
	"k=%zz", "%zz=v", "k=a=b", "k=%E2%9C%93", "service.name=shop,deployment.environment=prod",
	"bad key=v", "k=line%0Abreak", "k=\x00", strings.Repeat("k=v,", 100),
}

func FuzzParseHeaders(f *testing.F) {
	for _, s := range listSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, _ := parseHeaders(s)
		for k, v := range h {
			if err := validHeader(k, v); err != nil || k == "" {
				t.Fatalf("parseHeaders(%q) kept %q=%q: %v", s, k, v, err)
			}
		}
		// What was read reads back the same once written out again.
		var parts []string
		for k, v := range h {
			parts = append(parts, url.PathEscape(k)+"="+url.PathEscape(v))
		}
		again, errs := parseHeaders(strings.Join(parts, ","))
		if len(errs) > 0 || len(again) != len(h) {
			t.Fatalf("parseHeaders(%q) = %v; written out and read again: %v, %v", s, h, again, errs)
		}
		for k, v := range h {
			if again[k] != v {
				t.Fatalf("header %q = %q, then %q", k, v, again[k])
			}
		}
	})
}

func FuzzParseResourceAttributes(f *testing.F) {
	for _, s := range listSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		attrs, err := parseResourceAttributes(s)
		if err != nil && attrs != nil {
			t.Fatalf("parseResourceAttributes(%q) kept %v despite %v", s, attrs, err)
		}
		for k := range attrs {
			if k == "" {
				t.Fatalf("parseResourceAttributes(%q) kept an empty key", s)
			}
		}
		// Whatever the attributes, the resource they make is valid
		// protobuf that keeps them, but for those this SDK sets itself.
		var rs tracepb.ResourceSpans
		if err := proto.Unmarshal(newResources(attrs, "").encode(nil, resKey{service: "svc"}), &rs); err != nil {
			t.Fatalf("the resource of %v does not decode: %v", attrs, err)
		}
		got := attrMap(rs.GetResource().GetAttributes())
		for k, v := range attrs {
			if k != "service.name" && !strings.HasPrefix(k, "telemetry.sdk.") && got[utf8Text(k)] != utf8Text(v) {
				t.Fatalf("resource attribute %q = %v; want %q", k, got[k], v)
			}
		}
	})
}

func FuzzParseTimeout(f *testing.F) {
	for _, s := range []string{"", "0", "1", "10000", "-5", "1.5", "10s", "9223372036854775807", " 42 ", "+7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseTimeout(s)
		if err == nil && d <= 0 {
			t.Fatalf("parseTimeout(%q) = %v", s, d)
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"", "0", "3", "-1", "120", "Wed, 21 Oct 2015 07:28:00 GMT", "soon", "99999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2015, 10, 21, 7, 27, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if d := parseRetryAfter(s, now); d < 0 || d > MaxRetryAfter {
			t.Fatalf("parseRetryAfter(%q) = %v", s, d)
		}
	})
}

// FuzzParseResponse checks the hand-written reader of answers against
// the protobuf runtime: same counts and messages, and no panic on garbage.
func FuzzParseResponse(f *testing.F) {
	for _, r := range []*coltracepb.ExportTraceServiceResponse{
		{}, {PartialSuccess: &coltracepb.ExportTracePartialSuccess{RejectedSpans: 3, ErrorMessage: "quota"}},
		{PartialSuccess: &coltracepb.ExportTracePartialSuccess{ErrorMessage: "warning only"}},
		{PartialSuccess: &coltracepb.ExportTracePartialSuccess{RejectedSpans: -1}},
	} {
		b, _ := proto.Marshal(r)
		f.Add(b)
	}
	f.Add([]byte("\xff\xff\xff"))
	f.Add([]byte{0x0a, 0x05, 0x08})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := parseResponse(b)
		var want coltracepb.ExportTraceServiceResponse
		werr := proto.Unmarshal(b, &want)
		if (err == nil) != (werr == nil) {
			t.Fatalf("parseResponse(%x) error %v; the protobuf runtime says %v", b, err, werr)
		}
		if err == nil && (got.rejectedSpans != want.GetPartialSuccess().GetRejectedSpans() ||
			got.message != want.GetPartialSuccess().GetErrorMessage()) {
			t.Fatalf("parseResponse(%x) = %+v; the protobuf runtime reads %v", b, got, &want)
		}
	})
}

// FuzzEncode checks that whatever a span holds, the request it is
// written into decodes, and keeps the span's name, tag and event.
func FuzzEncode(f *testing.F) {
	f.Add("op", "GET /x", "web", "k", "v", 1.5, "e", "ek", "ev")
	f.Add("", "", "", "", "", 0.0, "", "", "")
	f.Add(strings.Repeat("n", 300), "r\x00", "t", "span.kind", "server", -1e300, "exception", "a", strings.Repeat("x", 200))
	f.Fuzz(func(t *testing.T, name, resource, typ, key, val string, num float64, ev, ek, evv string) {
		mem := memory.New()
		tr := trace.New(trace.WithExporter(mem), trace.WithLogger(slog.New(slog.DiscardHandler)))
		_, s := tr.Start(context.Background(), name, trace.Resource(resource), trace.Type(typ),
			trace.Tag(key, val), trace.Tag(key+".n", num))
		s.AddEvent(trace.Event{Name: ev, Attributes: map[string]any{ek: evv, ek + ".n": num}})
		s.Finish()
		if err := tr.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		var body []byte
		enc := &encoder{res: newResources(nil, ""), max: DefaultMaxRequestBytes,
			emit:     func(e *encoder) { body = e.appendRequest(make([]byte, 0, e.requestSize())) },
			tooLarge: func() {}}
		for _, c := range mem.Chunks() {
			enc.chunk(c, true)
		}
		enc.flush()
		if len(body) != cap(body) {
			t.Fatalf("request of %d bytes in a slice of %d: its size was wrong", len(body), cap(body))
		}
		// Invalid UTF-8 is replaced: a protobuf string must be UTF-8.
		var req coltracepb.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			t.Fatalf("the request does not decode: %v", err)
		}
		sp := req.GetResourceSpans()[0].GetScopeSpans()[0].GetSpans()[0]
		snap := mem.Spans()[0]
		if sp.GetName() != utf8Text(snap.Name()) || len(sp.GetEvents()) != 1 {
			t.Fatalf("decoded name %q and %d events; want %q and 1", sp.GetName(), len(sp.GetEvents()), snap.Name())
		}
		attrs := attrMap(sp.GetAttributes())
		if v, ok := snap.Tag(key); ok && !v.IsNumber() && !reserved(key) && attrs[utf8Text(key)] != utf8Text(v.String()) {
			t.Fatalf("tag %q = %q arrived as %v", key, v.String(), attrs[utf8Text(key)])
		}
	})
}

// reserved reports whether the encoder writes key itself, or moves it
// elsewhere, so that a tag of that name may arrive otherwise.
func reserved(key string) bool {
	switch key {
	case "operation.name", "resource.name", "span.type", "span.kind", "env", "version":
		return true
	}
	return false
}
