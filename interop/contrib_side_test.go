package interop

// Helpers of the side-by-side tests of integrations whose spans share
// names (TestRedisSameWire, TestAWSSameWire): the comparison of the two
// sides with differences explained either one by one or by a rule that
// checks how the two values relate.

import (
	"strings"
	"testing"
)

// diffRule explains the differences it matches: match is given the
// difference's id and both values (absent for a missing one) and must
// check how they relate, not merely the id.
type diffRule struct {
	reason string
	match  func(id string, dd, ours any) bool
}

// compareContribSides reads both Agents' payloads with readSQLSide (spans
// named by their place in their trace), compares them with compareSides,
// and fails on each difference neither known nor a rule explains, on each
// entry of known not seen, and on each rule that matched nothing.
func compareContribSides(t *testing.T, ddAgent, ourAgent *fakeAgent, known map[string]string, rules ...diffRule) side {
	t.Helper()
	dd, ours := readSQLSide(t, "dd", ddAgent.traceRequests()), readSQLSide(t, "ours", ourAgent.traceRequests())
	rawSeen := map[string]bool{}
	for _, req := range ourAgent.traceRequests() {
		rawCheck(t, "ours", req.Body, rawSeen)
	}
	if t.Failed() {
		return dd
	}
	dd.reqs, ours.reqs = nil, nil // payload boundaries depend on flush timing
	found, used := map[string]bool{}, make([]int, len(rules))
next:
	for _, d := range compareSides(dd, ours) {
		if reason, ok := known[d.id]; ok {
			found[d.id] = true
			t.Logf("known difference %s: %s (%s)", d.id, d.detail, reason)
			continue
		}
		dv, ov := sideValues(dd, ours, d.id)
		for i, r := range rules {
			if r.match(d.id, dv, ov) {
				used[i]++
				t.Logf("known difference %s: %s (%s)", d.id, d.detail, r.reason)
				continue next
			}
		}
		t.Errorf("difference %s: %s", d.id, d.detail)
	}
	staleDiffs(t, known, found)
	for i, r := range rules {
		if used[i] == 0 {
			t.Errorf("rule no longer matches any difference: %s", r.reason)
		}
	}
	t.Logf("compared side by side: dd %d spans, ours %d spans, in %d and %d chunks; %d differences explained by rules",
		len(dd.spans), len(ours.spans), len(dd.chunks), len(ours.chunks), sum(used))
	return dd
}

// sideValues returns the values an id of compareSides names, "<span> |
// meta <key>" or "<span> | metric <key>", on each side, absent when
// missing.
func sideValues(dd, ours side, id string) (any, any) {
	span, what, ok := strings.Cut(id, " | ")
	kind, key, _ := strings.Cut(what, " ")
	if !ok {
		return absent, absent
	}
	get := func(s side) any {
		sp := s.spans[span]
		if sp == nil {
			return absent
		}
		switch kind {
		case "meta":
			if v, ok := sp.Meta[key]; ok {
				return v
			}
		case "metric":
			if v, ok := sp.Metrics[key]; ok {
				return v
			}
		}
		return absent
	}
	return get(dd), get(ours)
}

// bothText returns the two values as text when both are present strings.
func bothText(dd, ours any) (string, string, bool) {
	d, dok := dd.(string)
	o, ook := ours.(string)
	return d, o, dok && ook && d != absent && o != absent
}

func sum(xs []int) (n int) {
	for _, x := range xs {
		n += x
	}
	return n
}
