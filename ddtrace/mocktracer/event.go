package mocktracer

import (
	"encoding/json"
	"testing"
)

// SpanEvent is an event of a recorded span, as dd-trace-go's mocktracer
// reads it back from the span: Attributes hold what JSON decodes, numbers
// as float64s and slices as []any.
type SpanEvent struct {
	// Name is the event's name.
	Name string `json:"name"`
	// TimeUnixNano is when the event happened, in nanoseconds since the
	// Unix epoch.
	TimeUnixNano uint64 `json:"time_unix_nano"`
	// Attributes describe the event.
	Attributes map[string]any `json:"attributes"`
}

// AssertAttributes fails t unless the event's attributes are wantAttrs,
// compared as JSON (so 1 and 1.0 are equal, as are []int and []any).
func (s SpanEvent) AssertAttributes(t *testing.T, wantAttrs map[string]any) {
	t.Helper()
	want, err := json.Marshal(wantAttrs)
	if err != nil {
		t.Fatalf("mocktracer: encoding the wanted attributes: %v", err)
	}
	got, err := json.Marshal(s.Attributes)
	if err != nil {
		t.Fatalf("mocktracer: encoding the event's attributes: %v", err)
	}
	if string(want) != string(got) {
		t.Errorf("event %q attributes:\n got %s\nwant %s", s.Name, got, want)
	}
}
