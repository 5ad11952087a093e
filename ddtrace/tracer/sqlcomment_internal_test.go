package tracer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace"
)

// extracted is what Extract gave, in comparable form.
type extracted struct {
	traceID  string
	spanID   uint64
	priority int
	err      error
}

func extractOf(query string) extracted {
	c := SQLCommentCarrier{Query: query}
	sc, err := c.Extract()
	if err != nil {
		return extracted{err: err}
	}
	tc := contextOf(sc)
	p, ok := tc.Priority()
	if !ok {
		p = -128
	}
	return extracted{traceID: tc.TraceID().String(), spanID: tc.SpanID(), priority: int(p)}
}

func TestSQLCommentExtract(t *testing.T) {
	const (
		tp  = "00-0000000000000001000000000000abcd-00000000000000ef-01"
		tid = "0000000000000001000000000000abcd"
	)
	ok := extracted{traceID: tid, spanID: 0xef, priority: 1}
	notFound := extracted{err: ErrSpanContextNotFound}
	corrupted := extracted{err: ErrSpanContextCorrupted}
	cases := []struct {
		name, query string
		want        extracted
	}{
		{"dd comment", "/*dddbs='db',dde='prod',traceparent='" + tp + "'*/ SELECT 1", ok},
		{"comment at the end", "SELECT 1 /*traceparent='" + tp + "'*/", ok},
		{"unquoted", "/*traceparent=" + tp + "*/", ok},
		{"upper-case hex", "/*traceparent='00-0000000000000001000000000000ABCD-00000000000000EF-01'*/", ok},
		{"text after the flags", "/*traceparent='" + tp + "-extra'*/", ok},
		{"first comment without a traceparent", "/*app='x'*/ SELECT /*traceparent='" + tp + "'*/ 1", ok},
		{"comment opened in a comment", "/* outer /*traceparent='" + tp + "'*/", ok},
		{"flags 00", "/*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-00'*/", extracted{traceID: tid, spanID: 0xef}},
		{"flags 03 read as a number", "/*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-03'*/", extracted{traceID: tid, spanID: 0xef, priority: 3}},
		{"the last traceparent wins", "/*traceparent='00-00000000000000000000000000000001-0000000000000002-01',traceparent='" + tp + "'*/", ok},
		{"no comment", "SELECT 1", notFound},
		{"empty", "", notFound},
		{"comment without traceparent", "/*dddbs='db'*/ SELECT 1", notFound},
		{"traceparent outside comments", "SELECT 'traceparent=" + tp + "' /*x*/", notFound},
		{"close before open", "SELECT 2*/3 /*traceparent='" + tp + "'*/", notFound},
		{"unclosed", "/*traceparent='" + tp + "'", notFound},
		{"other version", "/*traceparent='01-0000000000000001000000000000abcd-00000000000000ef-01'*/", notFound},
		{"zero trace id", "/*traceparent='00-00000000000000000000000000000000-00000000000000ef-01'*/", notFound},
		{"zero span id", "/*traceparent='00-0000000000000001000000000000abcd-0000000000000000-01'*/", notFound},
		{"key with a space", "/* traceparent='" + tp + "'*/", notFound},
		{"traceparent only in a value", "/*app='traceparent'*/", notFound},
		{"short", "/*traceparent='00-0000000000000001000000000000abcd-00000000000000ef'*/", corrupted},
		{"not hex", "/*traceparent='00-000000000000000g000000000000abcd-00000000000000ef-01'*/", corrupted},
		{"signed hex", "/*traceparent='00-+000000000000001000000000000abcd-00000000000000ef-01'*/", corrupted},
		{"flags not decimal", "/*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-0f'*/", corrupted},
		{"pair without =", "/*traceparent='" + tp + "',junk*/", corrupted},
		{"value with =", "/*a='b=c',traceparent='" + tp + "'*/", corrupted},
		{"trailing comma", "/*traceparent='" + tp + "',*/", corrupted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := extractOf(tc.query); got != tc.want {
				t.Errorf("Extract(%q) = %+v, want %+v", tc.query, got, tc.want)
			}
		})
	}
}

// TestSQLCommentRoundTrip: what Inject writes in full mode, Extract reads:
// the lower half of the trace id, the new span id, the sampled flag.
func TestSQLCommentRoundTrip(t *testing.T) {
	tr := trace.New(trace.WithService("svc"))
	t.Cleanup(func() { _ = tr.Shutdown(t.Context()) })
	_, s := tr.Start(t.Context(), "root")
	defer s.Finish()
	c := SQLCommentCarrier{Query: "SELECT 1", Mode: DBMPropagationModeFull, DBServiceName: "db"}
	if err := c.Inject(spanContext{s.Context()}); err != nil {
		t.Fatal(err)
	}
	want := extracted{traceID: trace.NewTraceID(0, s.TraceID().Lower()).String(), spanID: c.SpanID, priority: 1}
	if got := extractOf(c.Query); got != want {
		t.Errorf("Extract(%q) = %+v, want %+v", c.Query, got, want)
	}
}

func FuzzSQLCommentExtract(f *testing.F) {
	for _, q := range []string{
		"/*dddbs='db',traceparent='00-0000000000000001000000000000abcd-00000000000000ef-01'*/ SELECT 1",
		"SELECT 1 /*traceparent='00-0000000000000001000000000000abcd-00000000000000ef-01'*/",
		"/* /*traceparent=00-00000000000000000000000000000001-0000000000000002--1*/",
		"*/ /*traceparent='x'*/", "/**/", "/*/", "*/*", "/*traceparent*/", "",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		got := extractOf(query)
		if again := extractOf(query); again != got {
			t.Fatalf("two Extracts differ: %+v, %+v", got, again)
		}
		switch {
		case errors.Is(got.err, ErrSpanContextNotFound), errors.Is(got.err, ErrSpanContextCorrupted):
			return
		case got.err != nil:
			t.Fatalf("Extract(%q): unexpected error %v", query, got.err)
		}
		if got.traceID == strings.Repeat("0", 32) || got.spanID == 0 {
			t.Fatalf("Extract(%q) gave a zero id: %+v", query, got)
		}
		if got.priority < -9 || got.priority > 99 {
			t.Fatalf("Extract(%q) gave priority %d from two digits", query, got.priority)
		}
		lower := strings.ToLower(query)
		if !strings.Contains(lower, "traceparent") || !strings.Contains(lower, got.traceID) ||
			!strings.Contains(lower, fmt.Sprintf("%016x", got.spanID)) {
			t.Fatalf("Extract(%q) = %+v: ids not in the query", query, got)
		}
	})
}

// FuzzSQLCommentInject: whatever the fields hold, the comment is one
// comment before the untouched query, its pairs decode back to the fields,
// and Extract reads back the new span id.
func FuzzSQLCommentInject(f *testing.F) {
	f.Add("SELECT 1", "db", "host", "name", "peer", true)
	f.Add("", "x'*/ DROP TABLE t; --", "/*", "\x00\xff", "a,b=c", false)
	f.Fuzz(func(t *testing.T, query, dbs, host, name, peer string, full bool) {
		c := SQLCommentCarrier{Query: query, Mode: DBMPropagationModeService, DBServiceName: dbs,
			PeerDBHostname: host, PeerDBName: name, PeerService: peer}
		if full {
			c.Mode = DBMPropagationModeFull
		}
		if err := c.Inject(nil); err != nil {
			t.Fatal(err)
		}
		body, rest, ok := strings.Cut(strings.TrimPrefix(c.Query, "/*"), "*/")
		if !ok || !strings.HasPrefix(c.Query, "/*") || strings.Contains(body, "/*") {
			t.Fatalf("not one comment: %q", c.Query)
		}
		if want := " " + query; rest != want && !(query == "" && rest == "") {
			t.Fatalf("query after the comment = %q, want %q", rest, want)
		}
		got := map[string]string{}
		var keys []string
		for pair := range strings.SplitSeq(body, ",") {
			k, v, ok := strings.Cut(pair, "=")
			if !ok || len(v) < 2 || v[0] != '\'' || v[len(v)-1] != '\'' || strings.ContainsAny(v[1:len(v)-1], "'=") {
				t.Fatalf("malformed pair %q in %q", pair, c.Query)
			}
			got[k], keys = percentDecode(t, v[1:len(v)-1]), append(keys, k)
		}
		want := map[string]string{"dddbs": dbs, "ddh": host, "dddb": name, "ddprs": peer}
		order := []string{"dddbs"}
		if svc := trace.Default().Service(); svc != "" { // left by another test
			want["ddps"], order = svc, append(order, "ddps")
		}
		if full {
			want["traceparent"] = fmt.Sprintf("00-0000000000000000%016x-%016x-00", c.SpanID, c.SpanID)
			order = append(order, "traceparent")
		}
		for _, k := range []string{"ddh", "dddb", "ddprs"} {
			if want[k] == "" {
				delete(want, k)
			} else {
				order = append(order, k)
			}
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("pairs of %q (-want +got):\n%s", c.Query, d)
		}
		if d := cmp.Diff(order, keys); d != "" {
			t.Fatalf("order of the keys of %q (-want +got):\n%s", c.Query, d)
		}
		if full {
			if e := extractOf(c.Query); e.err != nil || e.spanID != c.SpanID {
				t.Fatalf("Extract(%q) = %+v, want span %#x", c.Query, e, c.SpanID)
			}
		}
	})
}

// percentDecode undoes writeEscaped.
func percentDecode(t *testing.T, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			t.Fatalf("truncated escape in %q", s)
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			t.Fatalf("bad escape in %q", s)
		}
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String()
}
