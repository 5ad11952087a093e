package stdout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/id"
)

// jsonTime is the layout of "start": RFC 3339 in UTC with all nine digits
// of the nanoseconds, so that every line has the same width and sorting the
// text sorts the times.
const jsonTime = "2006-01-02T15:04:05.000000000Z07:00"

// jsonSpan is one line of JSON output. The field names and their order are
// part of the package's API; see the package documentation.
type jsonSpan struct {
	TraceID    string                `json:"trace_id"`
	SpanID     string                `json:"span_id"`
	ParentID   string                `json:"parent_id,omitempty"`
	Name       string                `json:"name"`
	Service    string                `json:"service"`
	Resource   string                `json:"resource"`
	Type       string                `json:"type"`
	Start      string                `json:"start"`
	DurationNS int64                 `json:"duration_ns"`
	Error      bool                  `json:"error"`
	Partial    bool                  `json:"partial"`
	Meta       map[string]string     `json:"meta"`
	Metrics    map[string]jsonNumber `json:"metrics"`
}

// jsonNumber is a metric. JSON has no NaN or infinities, so those are
// written as the strings "NaN", "+Inf" and "-Inf" rather than failing the
// whole line or dropping the value.
type jsonNumber float64

// MarshalJSON implements json.Marshaler.
func (n jsonNumber) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte(strconv.Quote(formatNumber(f))), nil
	}
	return json.Marshal(f)
}

// writeJSON writes one line per span of c, in the order the tree shows
// them.
func writeJSON(b *bytes.Buffer, c trace.Chunk) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false) // "<" in a resource is easier to read as is
	for _, e := range layout(c) {
		s := e.span
		line := jsonSpan{
			TraceID:    s.TraceID().String(),
			SpanID:     spanID(s.SpanID()),
			Name:       s.Name(),
			Service:    s.Service(),
			Resource:   s.Resource(),
			Type:       s.Type(),
			Start:      s.Start().UTC().Format(jsonTime),
			DurationNS: int64(s.Duration()),
			Error:      s.IsError(),
			Partial:    c.Partial(),
			Meta:       map[string]string{},
			Metrics:    map[string]jsonNumber{},
		}
		if p := s.ParentID(); p != 0 {
			line.ParentID = spanID(p)
		}
		for k, v := range s.Tags() {
			if v.IsNumber() {
				line.Metrics[k] = jsonNumber(v.Float64())
			} else {
				line.Meta[k] = v.String()
			}
		}
		if err := enc.Encode(&line); err != nil {
			return fmt.Errorf("stdout: encoding span %s: %w", line.SpanID, err)
		}
	}
	return nil
}

// spanID formats a span id as 16 lowercase hexadecimal digits.
func spanID(v uint64) string { return string(id.AppendHex16(nil, v)) }
