package agent_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/agent"
)

// eventsStandIn is a stand-in Agent whose /info says whether it takes span
// events natively, and offers /v0.5/traces or not.
type eventsStandIn struct {
	*standIn
	mu    sync.Mutex
	paths []string // of the payloads
}

func newEventsStandIn(t *testing.T, native, offer05 bool) *eventsStandIn {
	s := &eventsStandIn{standIn: &standIn{t: t}}
	endpoints := `"/v0.4/traces"`
	if offer05 {
		endpoints += `,"/v0.5/traces"`
	}
	info := fmt.Sprintf(`{"version":"7.99.0","endpoints":[%s],"span_events":%t}`, endpoints, native)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/info" {
			io.WriteString(w, info)
			return
		}
		s.mu.Lock()
		s.paths = append(s.paths, r.URL.Path)
		s.mu.Unlock()
		s.handle(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// eventsTracer returns a tracer exporting to srv, once the exporter has
// read /info: how events travel depends on it.
func eventsTracer(t *testing.T, srv *eventsStandIn, opts ...agent.Option) (*trace.Tracer, *agent.Exporter) {
	exp := agent.New(append([]agent.Option{agent.WithURL(srv.url()), agent.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
	waitInfo(t, exp)
	return trace.New(trace.WithExporter(exp)), exp
}

var eventTime = time.Unix(1700000000, 5)

// addTestEvents gives s an event of every kind of attribute, zero values
// included, and one without attributes.
func addTestEvents(s *trace.Span) {
	s.AddEvent(trace.Event{Name: "retry", Time: eventTime, Attributes: map[string]any{
		"s": "x", "empty": "", "b": true, "f": false, "i": 42, "zero": 0, "neg": -7, "d": 2.5, "nan": math.NaN(),
		"strs": []string{"a", ""}, "ints": []int{0, 3}, "bools": []bool{true}, "floats": []float64{0, 1.5, math.Inf(-1)},
		"none": []string{}, "html": "<a&b>",
	}})
	s.AddEvent(trace.Event{Name: "bare", Time: eventTime.Add(time.Second)})
}

func TestSpanEventsNative(t *testing.T) {
	srv := newEventsStandIn(t, true, false)
	tr, _ := eventsTracer(t, srv)
	_, s := tr.Start(context.Background(), "op")
	s.SetTag("events", "the span's own tag")
	addTestEvents(s)
	s.Finish()
	_, plain := tr.Start(context.Background(), "plain")
	plain.Finish()
	shutdown(t, tr)

	op, pl := spanNamed(t, srv, "op"), spanNamed(t, srv, "plain")
	if _, ok := pl["span_events"]; ok {
		t.Error("span_events sent for a span without events")
	}
	if meta := op["meta"].(map[string]any); meta["events"] != "the span's own tag" {
		t.Errorf("the events tag is %q: natively sent events must leave the span's own tag alone", meta["events"])
	}
	typed := func(typ int64, kv ...any) map[string]any {
		m := map[string]any{"type": typ}
		if len(kv) == 2 {
			m[kv[0].(string)] = kv[1]
		}
		return m
	}
	array := func(values ...any) map[string]any {
		return map[string]any{"type": int64(4), "array_value": map[string]any{"values": append([]any{}, values...)}}
	}
	want := []any{
		map[string]any{"name": "retry", "time_unix_nano": eventTime.UnixNano(), "attributes": map[string]any{
			"s": typed(0, "string_value", "x"), "empty": typed(0), "html": typed(0, "string_value", "<a&b>"),
			"b": typed(1, "bool_value", true), "f": typed(1),
			"i": typed(2, "int_value", int64(42)), "zero": typed(2), "neg": typed(2, "int_value", int64(-7)),
			"d": typed(3, "double_value", 2.5), "nan": typed(3, "double_value", math.NaN()),
			"strs":   array(typed(0, "string_value", "a"), typed(0)),
			"ints":   array(typed(2), typed(2, "int_value", int64(3))),
			"bools":  array(typed(1, "bool_value", true)),
			"floats": array(typed(3), typed(3, "double_value", 1.5), typed(3, "double_value", math.Inf(-1))),
			"none":   array(),
		}},
		map[string]any{"name": "bare", "time_unix_nano": eventTime.Add(time.Second).UnixNano(), "attributes": map[string]any{}},
	}
	if d := cmp.Diff(want, wideNumbers(op["span_events"]), cmp.Comparer(sameFloat)); d != "" {
		t.Errorf("span_events (-want +got):\n%s", d)
	}
}

// wantEventsTag is addTestEvents as the events tag: json.Marshal's output,
// as dd-trace-go writes it (keys in order, HTML escaped), but NaN and the
// infinities as strings rather than failing.
const wantEventsTag = `[{"name":"retry","time_unix_nano":1700000000000000005,"attributes":{"b":true,"bools":[true],` +
	`"d":2.5,"empty":"","f":false,"floats":[0,1.5,"-Inf"],"html":"\u003ca\u0026b\u003e","i":42,"ints":[0,3],` +
	`"nan":"NaN","neg":-7,"none":[],"s":"x","strs":["a",""],"zero":0}},` +
	`{"name":"bare","time_unix_nano":1700000001000000005}]`

func TestSpanEventsTag(t *testing.T) {
	for _, c := range []struct {
		name            string
		native, offer05 bool
	}{
		{"v0.4 without native events", false, false},
		{"v0.5", true, true}, // v0.5 has no field for them
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := newEventsStandIn(t, c.native, c.offer05)
			tr, _ := eventsTracer(t, srv)
			_, s := tr.Start(context.Background(), "op")
			s.SetTag("events", "replaced")
			addTestEvents(s)
			s.Finish()
			_, own := tr.Start(context.Background(), "own")
			own.SetTag("events", "kept") // no events: the span's tag stays
			own.Finish()
			shutdown(t, tr)

			srv.mu.Lock()
			paths := fmt.Sprint(srv.paths)
			srv.mu.Unlock()
			if c.offer05 != strings.Contains(paths, "/v0.5/traces") {
				t.Fatalf("payloads sent to %s", paths)
			}
			op := spanNamed(t, srv, "op")
			if _, ok := op["span_events"]; ok {
				t.Error("span_events sent as well as the tag")
			}
			meta := op["meta"].(map[string]any)
			if meta["events"] != wantEventsTag {
				t.Errorf("events tag\n got %v\nwant %s", meta["events"], wantEventsTag)
			}
			if !json.Valid([]byte(fmt.Sprint(meta["events"]))) {
				t.Error("the events tag is not valid JSON")
			}
			if m := spanNamed(t, srv, "own")["meta"].(map[string]any); m["events"] != "kept" {
				t.Errorf("a span without events lost its events tag: %v", m["events"])
			}
		})
	}
}

// TestSpanEventsTagLimit: events that would take the tag past the Agent's
// 25,000 bytes are left out and counted, once per span even when a span is
// taken back out of a full payload and written again in the next.
func TestSpanEventsTagLimit(t *testing.T) {
	srv := newEventsStandIn(t, false, false)
	tr, exp := eventsTracer(t, srv, agent.WithMaxPayload(64<<10))
	big := strings.Repeat("x", 10000)
	const spans = 10
	ctx, root := tr.Start(context.Background(), "root")
	for range spans {
		_, s := tr.Start(ctx, "child")
		for i := range 3 { // the third does not fit
			s.AddEvent(trace.Event{Name: fmt.Sprint("e", i), Time: eventTime, Attributes: map[string]any{"big": big}})
		}
		s.Finish()
	}
	root.Finish()
	shutdown(t, tr)

	if n := len(srv.reqs()); n < 2 {
		t.Fatalf("%d payloads: the test needs spans taken back out of a full one", n)
	}
	got := 0
	for _, sp := range srv.spans() {
		if sp["name"] != "child" {
			continue
		}
		got++
		tag := fmt.Sprint(sp["meta"].(map[string]any)["events"])
		var events []map[string]any
		if err := json.Unmarshal([]byte(tag), &events); err != nil || len(tag) > 25000 {
			t.Fatalf("events tag of %d bytes: %v", len(tag), err)
		}
		if len(events) != 2 || events[0]["name"] != "e0" || events[1]["name"] != "e1" {
			t.Errorf("events kept: %v", events)
		}
	}
	if got != spans {
		t.Errorf("%d spans arrived, want %d", got, spans)
	}
	if st := exp.Stats(); st.EventsDropped != spans {
		t.Errorf("EventsDropped = %d, want %d", st.EventsDropped, spans)
	}
}

func spanNamed(t *testing.T, srv *eventsStandIn, name string) map[string]any {
	t.Helper()
	for _, sp := range srv.spans() {
		if sp["name"] == name {
			return sp
		}
	}
	t.Fatalf("no span %q arrived", name)
	return nil
}

// wideNumbers turns every integer of a decoded value into an int64 and
// every float into a float64: the decoder keeps each number's width on the
// wire, which the Agent does not care about.
func wideNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = wideNumbers(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = wideNumbers(e)
		}
		return out
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	case float32:
		return float64(x)
	}
	return v
}

func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
