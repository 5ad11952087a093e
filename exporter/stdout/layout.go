package stdout

import (
	"cmp"
	"slices"

	"github.com/ctxtrace/trace"
)

// entry is one span in the order the tree shows it.
type entry struct {
	span   trace.Snapshot
	parent int    // index in the layout of the parent entry, or -1 at the top
	row    string // tree drawing before the name: "│  ├─ "
	under  string // tree drawing for lines under the span: "│  │  "
}

// Tree drawing, three cells each.
const (
	branchMid  = "├─ "
	branchLast = "└─ "
	pipeMid    = "│  "
	pipeLast   = "   "
)

// layout orders a chunk's spans depth first, children after their parent,
// siblings by start time, then span id. A span is at the top when it has no
// parent or its parent is not in the chunk: the root of a trace, the first
// span after a remote parent, the spans of a partial chunk whose parent is
// still running.
//
// Bad input still shows every span exactly once: of spans sharing an id,
// the first in the chunk takes the children; spans whose parents form a
// cycle, reachable from no top span, are shown at the top.
func layout(c trace.Chunk) []entry {
	spans := make([]trace.Snapshot, 0, c.Len())
	for _, s := range c.Spans() {
		spans = append(spans, s)
	}
	byID := make(map[uint64]int, len(spans))
	for i, s := range spans {
		if _, dup := byID[s.SpanID()]; !dup {
			byID[s.SpanID()] = i
		}
	}
	kids := make([][]int, len(spans))
	var tops []int
	for i, s := range spans {
		p, ok := byID[s.ParentID()]
		if s.ParentID() == 0 || !ok || p == i {
			tops = append(tops, i)
			continue
		}
		kids[p] = append(kids[p], i)
	}
	byStart := func(a, b int) int {
		sa, sb := spans[a], spans[b]
		if c := sa.Start().Compare(sb.Start()); c != 0 {
			return c
		}
		if c := cmp.Compare(sa.SpanID(), sb.SpanID()); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	}

	out := make([]entry, 0, len(spans))
	seen := make([]bool, len(spans))
	var walk func(i, parent int, row, under string)
	walk = func(i, parent int, row, under string) {
		self := len(out)
		out = append(out, entry{span: spans[i], parent: parent, row: row, under: under})
		// Claim the children before descending, so that a child is drawn
		// under this span even if a sibling's subtree also points at it.
		var mine []int
		for _, k := range kids[i] {
			if !seen[k] {
				seen[k] = true
				mine = append(mine, k)
			}
		}
		slices.SortFunc(mine, byStart)
		for n, k := range mine {
			if n == len(mine)-1 {
				walk(k, self, under+branchLast, under+pipeLast)
			} else {
				walk(k, self, under+branchMid, under+pipeMid)
			}
		}
	}
	top := func(list []int) {
		slices.SortFunc(list, byStart)
		for _, i := range list {
			if !seen[i] {
				seen[i] = true
				walk(i, -1, "", "")
			}
		}
	}
	top(tops)
	if len(out) < len(spans) {
		var rest []int
		for i := range spans {
			if !seen[i] {
				rest = append(rest, i)
			}
		}
		top(rest)
	}
	return out
}
