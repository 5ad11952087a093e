package exportertest

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
)

// maxProblems is how many problems a check reports one by one; the rest
// are counted, so that an exporter that loses everything does not bury the
// first message under a thousand more.
const maxProblems = 12

// spansOf returns the spans of chunks as the destination should hold them.
func spansOf(chunks []trace.Chunk) []Span {
	var out []Span
	for _, c := range chunks {
		for _, s := range c.Spans() {
			out = append(out, FromSnapshot(s))
		}
	}
	return out
}

// checkDelivered checks that got, read from the destination at the moment
// when says, holds every span of want exactly once with its fields intact,
// and no other span.
func checkDelivered(t *testing.T, when string, got, want []Span) {
	t.Helper()
	count := map[uint64]int{}
	byID := map[uint64]Span{}
	for _, s := range got {
		count[s.SpanID]++
		byID[s.SpanID] = s
	}
	var problems []string
	expected := map[uint64]bool{}
	for _, w := range want {
		expected[w.SpanID] = true
		switch n := count[w.SpanID]; {
		case n == 0:
			problems = append(problems, fmt.Sprintf("span %s did not reach the destination", describe(w)))
		case n > 1:
			problems = append(problems, fmt.Sprintf("span %s reached the destination %d times; want once", describe(w), n))
		default:
			for _, d := range fieldDiffs(byID[w.SpanID], w) {
				problems = append(problems, fmt.Sprintf("span %s: %s", describe(w), d))
			}
		}
	}
	for _, s := range got {
		if !expected[s.SpanID] {
			expected[s.SpanID] = true // reported once
			problems = append(problems, fmt.Sprintf("span %s reached the destination, but was not exported", describe(s)))
		}
	}
	report(t, when, problems)
}

// report fails the test with each problem, up to maxProblems of them.
func report(t *testing.T, when string, problems []string) {
	t.Helper()
	for i, p := range problems {
		if i == maxProblems {
			t.Errorf("%s: and %d more problems", when, len(problems)-i)
			break
		}
		t.Errorf("%s: %s", when, p)
	}
}

// describe names a span in messages.
func describe(s Span) string {
	return fmt.Sprintf("%q (span id %d, trace id %s)", s.Name, s.SpanID, s.TraceID)
}

// fieldDiffs says how got differs from want, field by field. Tags that
// got has and want has not are the exporter's own, and are not compared.
func fieldDiffs(got, want Span) []string {
	var d []string
	if got.TraceID != want.TraceID {
		d = append(d, fmt.Sprintf("TraceID = %s, want %s (all 128 bits must arrive)", got.TraceID, want.TraceID))
	}
	if got.ParentID != want.ParentID {
		d = append(d, fmt.Sprintf("ParentID = %d, want %d", got.ParentID, want.ParentID))
	}
	for _, f := range []struct{ name, got, want string }{
		{"Name", got.Name, want.Name},
		{"Service", got.Service, want.Service},
		{"Resource", got.Resource, want.Resource},
		{"Type", got.Type, want.Type},
	} {
		if f.got != f.want {
			d = append(d, fmt.Sprintf("%s = %q, want %q", f.name, f.got, f.want))
		}
	}
	if !got.Start.Equal(want.Start) {
		d = append(d, fmt.Sprintf("Start = %s, want %s (to the nanosecond)",
			got.Start.UTC().Format(time.RFC3339Nano), want.Start.UTC().Format(time.RFC3339Nano)))
	}
	if got.Duration != want.Duration {
		d = append(d, fmt.Sprintf("Duration = %s, want %s (to the nanosecond)", got.Duration, want.Duration))
	}
	if got.Error != want.Error {
		d = append(d, fmt.Sprintf("Error = %t, want %t", got.Error, want.Error))
	}
	return append(d, tagDiffs(got, want)...)
}

// tagDiffs says which of want's tags got lacks or holds otherwise.
func tagDiffs(got, want Span) []string {
	var d []string
	for _, k := range slices.Sorted(maps.Keys(want.Meta)) {
		w := want.Meta[k]
		g, ok := got.Meta[k]
		if ok && g == w {
			continue
		}
		n, isNum := got.Metrics[k]
		switch {
		case ok:
			d = append(d, fmt.Sprintf("text tag %q = %q, want %q", k, g, w))
		case isNum:
			d = append(d, fmt.Sprintf("text tag %q arrived as the number %v; want the text %q", k, n, w))
		default:
			d = append(d, fmt.Sprintf("text tag %q is missing; want %q", k, w))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(want.Metrics)) {
		w := want.Metrics[k]
		g, ok := got.Metrics[k]
		if ok && (g == w || math.IsNaN(g) && math.IsNaN(w)) {
			continue
		}
		s, isText := got.Meta[k]
		switch {
		case ok:
			d = append(d, fmt.Sprintf("numeric tag %q = %v, want %v", k, g, w))
		case isText:
			d = append(d, fmt.Sprintf("numeric tag %q arrived as the text %q; want the number %v", k, s, w))
		default:
			d = append(d, fmt.Sprintf("numeric tag %q is missing; want %v", k, w))
		}
	}
	return d
}
