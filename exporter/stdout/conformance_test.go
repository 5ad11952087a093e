package stdout_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/exportertest"
	"github.com/ctxtrace/trace/exporter/stdout"
)

// TestConformance runs the exporter conformance checks on the JSON lines,
// which carry every field and tag; the tree is for people and leaves some
// out.
func TestConformance(t *testing.T) {
	exportertest.Run(t, func(t *testing.T) (trace.Exporter, func() []exportertest.Span) {
		var out lockedBuffer
		exp := stdout.New(&out, stdout.WithJSON())
		return exp, func() []exportertest.Span { return readJSONLines(t, out.bytes()) }
	})
}

// lockedBuffer is a bytes.Buffer that the exporter may write to while the
// test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// jsonLine is one line of WithJSON output, as the package documentation
// describes it.
type jsonLine struct {
	TraceID    string            `json:"trace_id"`
	SpanID     string            `json:"span_id"`
	ParentID   string            `json:"parent_id"`
	Name       string            `json:"name"`
	Service    string            `json:"service"`
	Resource   string            `json:"resource"`
	Type       string            `json:"type"`
	Start      string            `json:"start"`
	DurationNS int64             `json:"duration_ns"`
	Error      bool              `json:"error"`
	Meta       map[string]string `json:"meta"`
	Metrics    map[string]any    `json:"metrics"` // a number, or "NaN", "+Inf" or "-Inf"
}

// readJSONLines turns JSON lines back into spans.
func readJSONLines(t *testing.T, out []byte) []exportertest.Span {
	t.Helper()
	var spans []exportertest.Span
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l jsonLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("a line is not JSON: %v\n%s", err, sc.Bytes())
		}
		spans = append(spans, fromJSONLine(t, l))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return spans
}

func fromJSONLine(t *testing.T, l jsonLine) exportertest.Span {
	t.Helper()
	s := exportertest.Span{
		Name: l.Name, Service: l.Service, Resource: l.Resource, Type: l.Type,
		Duration: time.Duration(l.DurationNS), Error: l.Error,
		Meta: l.Meta, Metrics: map[string]float64{},
	}
	var err error
	if s.TraceID, err = trace.ParseTraceID(l.TraceID); err != nil {
		t.Errorf("trace_id %q: %v", l.TraceID, err)
	}
	if s.SpanID, err = strconv.ParseUint(l.SpanID, 16, 64); err != nil {
		t.Errorf("span_id %q: %v", l.SpanID, err)
	}
	if l.ParentID != "" {
		if s.ParentID, err = strconv.ParseUint(l.ParentID, 16, 64); err != nil {
			t.Errorf("parent_id %q: %v", l.ParentID, err)
		}
	}
	if s.Start, err = time.Parse(time.RFC3339Nano, l.Start); err != nil {
		t.Errorf("start %q: %v", l.Start, err)
	}
	for k, v := range l.Metrics {
		switch v := v.(type) {
		case float64:
			s.Metrics[k] = v
		case string: // NaN and infinities
			if s.Metrics[k], err = strconv.ParseFloat(v, 64); err != nil {
				t.Errorf("metric %q = %q: %v", k, v, err)
			}
		default:
			t.Errorf("metric %q = %v, of JSON type %T", k, v, v)
		}
	}
	return s
}
