package trace_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// AddEvent records something that happened at one moment of a span, with
// attributes of its own: here, a retry. The span keeps a copy, in the kinds
// the Datadog Agent takes (an int becomes an int64).
func ExampleSpan_AddEvent() {
	exp := memory.New()
	tr := trace.New(trace.WithService("shop"), trace.WithExporter(exp))

	_, span := tr.Start(context.Background(), "payment.charge")
	span.AddEvent(trace.Event{
		Name: "retry",
		Time: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Attributes: map[string]any{
			"attempt": 2,
			"reason":  "timeout",
			"backoff": []float64{0.1, 0.2},
		},
	})
	span.Finish()

	tr.Shutdown(context.Background())
	s, _ := exp.Find("payment.charge")
	for i := range s.NumEvents() {
		e := s.EventAt(i)
		fmt.Println(e.Name, e.Time.Format(time.RFC3339))
		fmt.Printf("attempt=%#v reason=%q backoff=%v\n", e.Attributes["attempt"], e.Attributes["reason"], e.Attributes["backoff"])
	}
	// Output:
	// retry 2025-01-02T03:04:05Z
	// attempt=2 reason="timeout" backoff=[0.1 0.2]
}
