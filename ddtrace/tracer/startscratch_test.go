package tracer_test

import (
	"context"
	"testing"
	"time"

	"github.com/ctxtrace/trace/ddtrace"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// TestStartOptionsNotCarriedOver: the working space of one start is
// reused by the next, and nothing of one span's options reaches another:
// tags (many, so that the map is replaced), start time, span id, parent,
// links, and a map an option of the caller's own installs.
func TestStartOptionsNotCarriedOver(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	parent := tracer.StartSpan("parent")
	many := make([]tracer.StartSpanOption, 0, 40)
	for i := range 40 {
		many = append(many, tracer.Tag(string(rune('a'+i%26))+string(rune('A'+i/26)), i))
	}
	own := map[string]any{"own": 1}
	withOwnMap := func(cfg *ddtrace.StartSpanConfig) { cfg.Tags = own }
	first := []tracer.StartSpanOption{tracer.Tag("k", "v"), tracer.StartTime(at), tracer.WithSpanID(77),
		tracer.ChildOf(parent.Context()), tracer.WithSpanLinks([]tracer.SpanLink{{TraceID: 1, SpanID: 2}})}
	for round := range 3 {
		tracer.StartSpan("first", first...).Finish()
		tracer.StartSpan("many", many...).Finish()
		tracer.StartSpan("own", withOwnMap, tracer.Tag("x", round)).Finish()
		plain, _ := tracer.StartSpanFromContext(context.Background(), "plain")
		plain.Finish()
	}
	parent.Finish()
	if len(own) != 2 || own["own"] != 1 {
		t.Errorf("the caller's own map was changed to %v; want own=1 and x", own)
	}
	for _, s := range mt.FinishedSpans() {
		if s.OperationName() != "plain" {
			continue
		}
		if s.Tag("k") != nil || s.Tag("aA") != nil || s.Tag("own") != nil || s.Tag("x") != nil {
			t.Errorf("plain span has tags of another: %v", s.Tags())
		}
		if s.SpanID() == 77 || s.ParentID() != 0 || !s.StartTime().After(at) || len(s.Links()) != 0 {
			t.Errorf("plain span: id %d parent %d start %v links %v", s.SpanID(), s.ParentID(), s.StartTime(), s.Links())
		}
	}
}
