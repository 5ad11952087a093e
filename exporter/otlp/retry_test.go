package otlp

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
)

// failFirst answers the first n attempts with r, then accepts.
func failFirst(n int, r reply) func(int) reply {
	return func(attempt int) reply {
		if attempt <= n {
			return r
		}
		return reply{}
	}
}

// retryCase is an answer worth retrying, and the waits it must cause.
type retryCase struct {
	name  string
	proto Protocol
	reply reply
	waits []time.Duration
}

// backoffWaits are the waits of the default policy with no jitter: half
// of 500ms, then of 1s.
var backoffWaits = []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}

func TestRetry(t *testing.T) {
	var cases []retryCase
	for _, code := range []int{429, 502, 503, 504} {
		cases = append(cases,
			retryCase{itoa(code), HTTPProtobuf, reply{status: code}, backoffWaits},
			retryCase{itoa(code) + "+Retry-After", HTTPProtobuf, reply{status: code, retryAfter: "3"},
				[]time.Duration{3 * time.Second, 3 * time.Second}})
	}
	for _, code := range []codes.Code{codes.Unavailable, codes.Canceled, codes.DeadlineExceeded,
		codes.Aborted, codes.OutOfRange, codes.DataLoss} {
		cases = append(cases, retryCase{code.String(), GRPC, reply{grpcCode: code}, backoffWaits})
	}
	cases = append(cases,
		retryCase{"Unavailable+RetryInfo", GRPC, reply{grpcCode: codes.Unavailable, retryInfo: 2 * time.Second},
			[]time.Duration{2 * time.Second, 2 * time.Second}},
		retryCase{"ResourceExhausted+RetryInfo", GRPC, reply{grpcCode: codes.ResourceExhausted, retryInfo: 1500 * time.Millisecond},
			[]time.Duration{1500 * time.Millisecond, 1500 * time.Millisecond}})
	for _, c := range cases {
		t.Run(string(c.proto)+"/"+c.name, func(t *testing.T) {
			s := newSink(t, c.proto, failFirst(2, c.reply))
			clk := newFakeClock()
			exp, err := New(s.options(withClock(clk))...)
			if err != nil {
				t.Fatal(err)
			}
			exportTraces(t, exp, 1)
			st := exp.Stats()
			if st.SpansSent != 3 || st.SpansDropped != 0 || st.Requests != 3 || st.Retries != 2 {
				t.Errorf("Stats = %+v; want 3 spans sent after 3 requests, 2 of them retries", st)
			}
			diff(t, "waits", clk.Waits(), c.waits)
			if n := len(s.received()); n != 3 {
				t.Errorf("%d spans arrived; want 3", n)
			}
		})
	}
}

// TestNotRetried checks that the answers the specification says not to
// retry are not, and that their spans are counted as rejected.
func TestNotRetried(t *testing.T) {
	cases := []struct {
		name  string
		proto Protocol
		reply reply
	}{
		{"400", HTTPProtobuf, reply{status: 400}},
		{"401", HTTPProtobuf, reply{status: 401}},
		{"404", HTTPProtobuf, reply{status: 404}},
		{"413", HTTPProtobuf, reply{status: 413}},
		{"500", HTTPProtobuf, reply{status: 500, retryAfter: "1"}},
		{"InvalidArgument", GRPC, reply{grpcCode: codes.InvalidArgument}},
		{"Unauthenticated", GRPC, reply{grpcCode: codes.Unauthenticated}},
		{"ResourceExhausted without RetryInfo", GRPC, reply{grpcCode: codes.ResourceExhausted}},
	}
	for _, c := range cases {
		t.Run(string(c.proto)+"/"+c.name, func(t *testing.T) {
			s := newSink(t, c.proto, failFirst(100, c.reply))
			clk := newFakeClock()
			exp, err := New(s.options(withClock(clk))...)
			if err != nil {
				t.Fatal(err)
			}
			exportOnce(t, exp, chunksOf(t, 2))
			es := exp.Stats()
			if es.Requests != 1 || es.Retries != 0 || es.Dropped.Rejected != 6 || es.SpansSent != 0 {
				t.Errorf("exporter Stats = %+v; want one request, its 6 spans rejected", es)
			}
			if len(clk.Waits()) != 0 {
				t.Errorf("waited %v before giving up", clk.Waits())
			}
		})
	}
}

// TestGiveUpAtTimeout checks that a request is given up when the next
// attempt would come after its timeout, and counted as failed.
func TestGiveUpAtTimeout(t *testing.T) {
	for _, c := range []struct {
		name  string
		reply reply
		waits []time.Duration
	}{
		// Waits of half the backoff, capped at 5s: 0.25+0.5+1+2+2.5+2.5 =
		// 8.75s; the next 2.5s would end after the 10s timeout.
		{"backoff", reply{status: 503}, []time.Duration{250 * time.Millisecond, 500 * time.Millisecond,
			time.Second, 2 * time.Second, 2500 * time.Millisecond, 2500 * time.Millisecond}},
		{"Retry-After past the timeout", reply{status: 429, retryAfter: "30"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newSink(t, HTTPProtobuf, failFirst(1000, c.reply))
			clk := newFakeClock()
			exp, err := New(s.options(withClock(clk), WithTimeout(10*time.Second))...)
			if err != nil {
				t.Fatal(err)
			}
			exportTraces(t, exp, 1)
			st := exp.Stats()
			if st.Dropped.Failed != 3 || st.SpansSent != 0 || st.Requests != uint64(len(c.waits)+1) {
				t.Errorf("Stats = %+v; want 3 failed after %d requests", st, len(c.waits)+1)
			}
			diff(t, "waits", clk.Waits(), c.waits)
		})
	}
}

func TestRetryOff(t *testing.T) {
	s := newSink(t, HTTPProtobuf, failFirst(1, reply{status: 503}))
	exp, err := New(s.options(WithRetry(0, 0))...)
	if err != nil {
		t.Fatal(err)
	}
	exportTraces(t, exp, 1)
	if st := exp.Stats(); st.Dropped.Failed != 3 || st.Requests != 1 {
		t.Errorf("Stats = %+v; want one request and its spans failed", st)
	}
}

// TestPartialSuccess checks that spans a destination rejects in a partial
// success are counted, and the rest sent, and that its message is logged.
func TestPartialSuccess(t *testing.T) {
	for _, p := range []Protocol{HTTPProtobuf, GRPC} {
		for _, c := range []struct {
			name              string
			rejected          int64
			wantSent, wantRej uint64
		}{{"some", 2, 4, 2}, {"more than sent", 99, 0, 6}, {"warning only", 0, 6, 0}} {
			t.Run(string(p)+"/"+c.name, func(t *testing.T) {
				s := newSink(t, p, func(int) reply {
					return reply{partial: &coltracepb.ExportTracePartialSuccess{RejectedSpans: c.rejected, ErrorMessage: "quota: " + c.name}}
				})
				var logs bytes.Buffer
				exp, err := New(append(s.options(), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))...)
				if err != nil {
					t.Fatal(err)
				}
				exportOnce(t, exp, chunksOf(t, 2))
				es := exp.Stats()
				if es.SpansSent != c.wantSent || es.PartialRejected != c.wantRej || es.SpansDropped != c.wantRej {
					t.Errorf("Stats = %+v; want %d sent, %d rejected", es, c.wantSent, c.wantRej)
				}
				pending, delivered, dropped := exp.ExportStats()
				if pending != 0 || delivered != c.wantSent || dropped != c.wantRej {
					t.Errorf("ExportStats = %d pending, %d delivered, %d dropped", pending, delivered, dropped)
				}
				if !strings.Contains(logs.String(), "quota: "+c.name) {
					t.Errorf("the destination's message was not logged:\n%s", logs.String())
				}
			})
		}
	}
}

// TestGarbageAnswers checks answers that are not what OTLP says: a
// success with a body that is not a response is a success, with a
// warning; a failure's body, whatever it is, changes nothing.
func TestGarbageAnswers(t *testing.T) {
	statusBody, _ := proto.Marshal(&status.Status{Code: 3, Message: "bad span name"})
	for _, c := range []struct {
		name     string
		reply    reply
		sent     uint64
		logged   string
		attempts int
	}{
		{"200 garbage", reply{body: []byte("\xff\xff\xff not protobuf")}, 3, "unreadable", 1},
		{"200 text", reply{body: []byte("OK"), contentType: "text/plain; charset=utf-8"}, 3, "", 1},
		{"200 huge", reply{body: bytes.Repeat([]byte{0}, maxResponse+10)}, 3, "unreadable", 1},
		{"503 garbage then ok", reply{status: 503, body: []byte("<html>oops</html>")}, 3, "", 2},
		{"400 with a status", reply{status: 400, body: statusBody}, 0, "bad span name", 1},
		{"400 text", reply{status: 400, body: []byte("nope")}, 0, "nope", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newSink(t, HTTPProtobuf, failFirst(1, c.reply))
			var logs bytes.Buffer
			exp, err := New(append(s.options(withClock(newFakeClock())),
				WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))...)
			if err != nil {
				t.Fatal(err)
			}
			exportTraces(t, exp, 1)
			st := exp.Stats()
			if st.SpansSent != c.sent || st.SpansSent+st.SpansDropped != 3 || s.attemptCount() != c.attempts {
				t.Errorf("Stats = %+v after %d attempts; want %d sent after %d", st, s.attemptCount(), c.sent, c.attempts)
			}
			if c.logged == "" && logs.Len() > 0 || !strings.Contains(logs.String(), c.logged) {
				t.Errorf("logged:\n%s\nwant %q (nothing if empty)", logs.String(), c.logged)
			}
		})
	}
}
