package collector

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// oneSpan is a request of one span named name.
func oneSpan(name string, id byte) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "harness")
	s := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	s.SetName(name)
	s.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, id})
	s.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, 6, 7, id})
	s.SetStartTimestamp(pcommon.Timestamp(1e18))
	s.SetEndTimestamp(pcommon.Timestamp(1e18 + 5))
	return td
}

func postHTTP(c *Collector, td ptrace.Traces) error {
	body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	if err != nil {
		return err
	}
	resp, err := http.Post(c.HTTPEndpoint()+"/v1/traces", "application/x-protobuf", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &statusError{resp.Status}
	}
	return nil
}

type statusError struct{ status string }

func (e *statusError) Error() string { return e.status }

func postGRPC(t *testing.T, c *Collector, td ptrace.Traces) {
	t.Helper()
	conn, err := grpc.NewClient(c.GRPCEndpoint(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := ptraceotlp.NewGRPCClient(conn).Export(ctx, ptraceotlp.NewExportRequestFromTraces(td)); err != nil {
		t.Fatalf("gRPC export: %v", err)
	}
}

// TestHarness checks the harness itself: what is sent over either receiver
// is read back, a stopped Collector refuses requests, and a restarted one
// takes them on the same ports, its output read with the first run's.
func TestHarness(t *testing.T) {
	c := Start(t)
	if err := postHTTP(c, oneSpan("first", 1)); err != nil {
		t.Fatalf("HTTP export: %v", err)
	}
	postGRPC(t, c, oneSpan("second", 2))
	httpEndpoint, grpcEndpoint := c.HTTPEndpoint(), c.GRPCEndpoint()
	c.Stop()
	if err := postHTTP(c, oneSpan("lost", 3)); err == nil {
		t.Error("a stopped Collector accepted a request")
	}
	c.Restart()
	if c.HTTPEndpoint() != httpEndpoint || c.GRPCEndpoint() != grpcEndpoint {
		t.Errorf("restarted on %s and %s, want %s and %s", c.HTTPEndpoint(), c.GRPCEndpoint(), httpEndpoint, grpcEndpoint)
	}
	if err := postHTTP(c, oneSpan("third", 4)); err != nil {
		t.Fatalf("HTTP export after restart: %v", err)
	}
	got, err := c.Traces()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, td := range got {
		rss := td.ResourceSpans()
		for i := range rss.Len() {
			sss := rss.At(i).ScopeSpans()
			for j := range sss.Len() {
				spans := sss.At(j).Spans()
				for k := range spans.Len() {
					s := spans.At(k)
					names = append(names, s.Name())
					if s.SpanID()[7] != s.TraceID()[15] || s.EndTimestamp()-s.StartTimestamp() != 5 {
						t.Errorf("span %s read back with ids %v/%v and times %v..%v", s.Name(), s.TraceID(), s.SpanID(), s.StartTimestamp(), s.EndTimestamp())
					}
				}
			}
		}
	}
	if want := []string{"first", "second", "third"}; !slices.Equal(names, want) {
		t.Errorf("read back spans %q, want %q", names, want)
	}
}

// TestBinaryCached checks that a second Binary call in a fresh process
// state finds the cached build instead of building again.
func TestBinaryCached(t *testing.T) {
	ctx := context.Background()
	exe, err := Binary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := build(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again != exe {
		t.Errorf("second build returned %s, want the cached %s", again, exe)
	}
}
