package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// request builds an ExportTraceServiceRequest with the given number of
// spans in each scope of each resource, with attributes around them so that
// the walk has fields to skip.
func request(shape [][]int) *coltracepb.ExportTraceServiceRequest {
	req := &coltracepb.ExportTraceServiceRequest{}
	for _, scopes := range shape {
		rs := &tracepb.ResourceSpans{
			Resource: &resourcepb.Resource{Attributes: []*commonpb.KeyValue{{Key: "service.name",
				Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "svc"}}}}},
			SchemaUrl: "https://opentelemetry.io/schemas/1.26.0",
		}
		for _, n := range scopes {
			ss := &tracepb.ScopeSpans{Scope: &commonpb.InstrumentationScope{Name: "bench", Version: "1"}}
			for i := range n {
				ss.Spans = append(ss.Spans, &tracepb.Span{
					TraceId: bytes.Repeat([]byte{1}, 16), SpanId: []byte{1, 2, 3, 4, 5, 6, 7, byte(i + 1)},
					Name: "db.query", StartTimeUnixNano: 1, EndTimeUnixNano: 2,
					Attributes: []*commonpb.KeyValue{{Key: "n",
						Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: int64(i)}}}},
				})
			}
			rs.ScopeSpans = append(rs.ScopeSpans, ss)
		}
		req.ResourceSpans = append(req.ResourceSpans, rs)
	}
	return req
}

func marshal(t testing.TB, m proto.Message) []byte {
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCountSpans(t *testing.T) {
	for _, tc := range []struct {
		shape [][]int
		want  int64
	}{
		{nil, 0},
		{[][]int{{}}, 0},
		{[][]int{{1}}, 1},
		{[][]int{{10}}, 10},
		{[][]int{{3, 4}, {0}, {5}}, 12},
	} {
		got, err := CountSpans(marshal(t, request(tc.shape)))
		if err != nil || got != tc.want {
			t.Errorf("CountSpans(%v) = %d, %v; want %d", tc.shape, got, err, tc.want)
		}
	}
}

func TestCountSpansMalformed(t *testing.T) {
	good := marshal(t, request([][]int{{3}}))
	for name, b := range map[string][]byte{
		"truncated":          good[:len(good)-1],
		"bad tag":            {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		"varint resource":    {1 << 3 /* field 1, varint */, 5},
		"length past end":    {1<<3 | 2, 10, 0},
		"bad nested message": {1<<3 | 2, 2, 2<<3 | 2, 9},
	} {
		if n, err := CountSpans(b); err == nil {
			t.Errorf("%s: CountSpans = %d, want an error", name, n)
		}
	}
}

func post(t *testing.T, url, contentType, encoding string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// TestSink checks the server: plain and gzip requests counted, bad ones
// refused and counted as bad, counters served as JSON.
func TestSink(t *testing.T) {
	srv := httptest.NewServer(&sink{})
	defer srv.Close()
	body := marshal(t, request([][]int{{4, 3}}))
	const pb = "application/x-protobuf"
	for _, tc := range []struct {
		name, contentType, encoding string
		body                        []byte
		want                        int
	}{
		{"plain", pb, "", body, http.StatusOK},
		{"gzip", pb, "gzip", gzipped(body), http.StatusOK},
		{"json", "application/json", "", []byte("{}"), http.StatusUnsupportedMediaType},
		{"not gzip", pb, "gzip", body, http.StatusBadRequest},
		{"zstd", pb, "zstd", body, http.StatusBadRequest},
		{"garbage", pb, "", []byte{0xff, 0xff}, http.StatusBadRequest},
		{"too large", pb, "gzip", gzipped(make([]byte, maxBody+1)), http.StatusRequestEntityTooLarge},
	} {
		if got := post(t, srv.URL+"/v1/traces", tc.contentType, tc.encoding, tc.body); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.want)
		}
	}
	resp, err := http.Get(srv.URL + countsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c Counts
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		t.Fatal(err)
	}
	if c.Requests != 2 || c.Spans != 14 || c.Bad != 5 || c.Other != 0 {
		t.Errorf("counts %+v, want 2 requests, 14 spans, 5 bad", c)
	}
}

// FuzzCountSpans checks that CountSpans never panics, and agrees with the
// protobuf library on what both parse: the library keeps a field of the
// wrong wire type as an unknown field, CountSpans refuses it.
func FuzzCountSpans(f *testing.F) {
	f.Add(marshal(f, request([][]int{{2, 1}, {3}})))
	f.Add(marshal(f, request(nil)))
	f.Add([]byte{1<<3 | 2, 2, 2<<3 | 2, 0})
	f.Add([]byte{1 << 3 /* field 1, varint */, 5})
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := CountSpans(b)
		var req coltracepb.ExportTraceServiceRequest
		if proto.Unmarshal(b, &req) != nil {
			return
		}
		if err != nil {
			if !errors.Is(err, errWireType) {
				t.Fatalf("CountSpans: %v; the protobuf library parses it", err)
			}
			return
		}
		var want int64
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				want += int64(len(ss.Spans))
			}
		}
		if n != want {
			t.Fatalf("CountSpans = %d, the protobuf library counts %d", n, want)
		}
	})
}
