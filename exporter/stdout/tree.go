package stdout

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ctxtrace/trace"
)

// Limits that keep one span on one readable line. Tracers allow far longer
// values (25,000 bytes); the JSON lines carry them whole.
const (
	maxResource = 60  // runes of a resource shown beside the name
	maxTagValue = 80  // runes of a tag key or value
	maxErrLine  = 200 // runes of one line of an error message
)

// ANSI styles.
const (
	styleNone  = ""
	styleBold  = "\x1b[1m"
	styleDim   = "\x1b[2m"
	styleRed   = "\x1b[31m"
	styleCyan  = "\x1b[36m"
	styleReset = "\x1b[0m"
)

// Bar cells.
const (
	cellEmpty = "░"
	cellFull  = "█"
)

// errorMark precedes the name of a span marked as an error.
const errorMark = "✗ "

// painter writes text in a style when colour is on, plain otherwise.
type painter struct {
	b  *bytes.Buffer
	on bool
}

func (p painter) put(style, s string) {
	if !p.on || style == styleNone || s == "" {
		p.b.WriteString(s)
		return
	}
	p.b.WriteString(style)
	p.b.WriteString(s)
	p.b.WriteString(styleReset)
}

// part is a piece of a span's label with its style.
type part struct{ style, text string }

// line is what writeTree prepares for one span before it knows the widths
// of the columns.
type line struct {
	label []part
	width int // runes of the label
	dur   string
}

// writeTree writes a chunk as a header line, one line per span, lines
// under error spans for the error, and a blank line.
func writeTree(b *bytes.Buffer, c trace.Chunk, cfg *config) {
	p := painter{b, cfg.color}
	entries := layout(c)
	lo, hi := entries[0].span.Start(), entries[0].span.End()
	for _, e := range entries[1:] {
		if s := e.span.Start(); s.Before(lo) {
			lo = s
		}
		if t := e.span.End(); t.After(hi) {
			hi = t
		}
	}
	total := hi.Sub(lo)
	writeHeader(p, c, len(entries), total)
	// Labels and durations first, to align the columns after them.
	lines, labelW, durW := labels(entries)
	for i, e := range entries {
		s, l := e.span, &lines[i]
		for _, pt := range l.label {
			p.put(pt.style, pt.text)
		}
		b.WriteString(strings.Repeat(" ", labelW-l.width+2+durW-len(l.dur)))
		b.WriteString(l.dur)
		if cfg.barWidth > 0 {
			b.WriteString("  ")
			writeBar(p, s, lo, total, cfg.barWidth)
		}
		var parent *trace.Snapshot
		if e.parent >= 0 {
			parent = &entries[e.parent].span
		}
		for _, t := range visibleTags(s, parent) {
			b.WriteString("  ")
			p.put(styleDim, quote(cut(t.key, maxTagValue))+"=")
			if t.val.IsNumber() {
				b.WriteString(formatNumber(t.val.Float64()))
			} else {
				b.WriteString(quote(cut(t.val.String(), maxTagValue)))
			}
		}
		b.WriteByte('\n')
		if s.IsError() {
			under := e.under + pipeLast
			if i+1 < len(entries) && entries[i+1].parent == i {
				under = e.under + pipeMid
			}
			for _, d := range errorLines(s, cfg.stacks) {
				b.WriteString(under)
				p.put(styleRed, d)
				b.WriteByte('\n')
			}
		}
	}
	b.WriteByte('\n')
}

// writeHeader writes the chunk's first line: its trace id, span count,
// length, origin and whether it is partial or sampled out.
func writeHeader(p painter, c trace.Chunk, spans int, total time.Duration) {
	b := p.b
	p.put(styleBold, "trace "+c.TraceID().String())
	b.WriteString(" · " + strconv.Itoa(spans))
	if spans == 1 {
		b.WriteString(" span · ")
	} else {
		b.WriteString(" spans · ")
	}
	b.WriteString(formatDuration(total))
	if o := c.Origin(); o != "" {
		b.WriteString(" · origin " + oneLine(o))
	}
	if c.Partial() {
		b.WriteString(" (partial)")
	}
	if pr, ok := c.Priority(); ok && !pr.Keep() {
		b.WriteString(" (sampled out)")
	}
	b.WriteByte('\n')
}

// labels makes each span's label (its row in the tree, name, resource and
// service) and duration, and returns the widest of each.
func labels(entries []entry) (lines []line, labelW, durW int) {
	lines = make([]line, len(entries))
	for i, e := range entries {
		s := e.span
		l := &lines[i]
		l.label = append(l.label, part{styleNone, e.row})
		if s.IsError() {
			l.label = append(l.label, part{styleRed, errorMark})
		}
		name := oneLine(s.Name())
		l.label = append(l.label, part{styleBold, name})
		if r := oneLine(s.Resource()); r != name && r != "" {
			l.label = append(l.label, part{styleNone, " " + cut(r, maxResource)})
		}
		if svc := s.Service(); e.parent < 0 || svc != entries[e.parent].span.Service() {
			l.label = append(l.label, part{styleDim, " [" + oneLine(svc) + "]"})
		}
		for _, pt := range l.label {
			l.width += utf8.RuneCountInString(pt.text)
		}
		l.dur = formatDuration(s.Duration())
		labelW = max(labelW, l.width)
		durW = max(durW, len(l.dur))
	}
	return lines, labelW, durW
}

// writeBar draws where the span lies within the chunk's [lo, lo+total]: its
// offset and length in proportion, at least one cell however short.
func writeBar(p painter, s trace.Snapshot, lo time.Time, total time.Duration, width int) {
	from, to := 0, 1
	if total > 0 {
		scale := float64(width) / float64(total)
		from = int(math.Round(float64(s.Start().Sub(lo)) * scale))
		to = int(math.Round(float64(s.End().Sub(lo)) * scale))
	}
	from = min(max(from, 0), width-1)
	to = min(max(to, from+1), width)
	full := styleCyan
	if s.IsError() {
		full = styleRed
	}
	p.put(styleDim, strings.Repeat(cellEmpty, from))
	p.put(full, strings.Repeat(cellFull, to-from))
	p.put(styleDim, strings.Repeat(cellEmpty, width-to))
}

type tagKV struct {
	key string
	val trace.Value
}

// visibleTags returns the tags the tree shows, sorted by key: not the
// tracer's internal _dd.* tags, not the error tags of an error span, which
// errorLines shows, and not a tag with the same value as on the parent
// span shown above it (env and version, say, appear once per trace rather
// than on every line).
func visibleTags(s trace.Snapshot, parent *trace.Snapshot) []tagKV {
	var out []tagKV
	for k, v := range s.Tags() {
		if strings.HasPrefix(k, "_dd.") {
			continue
		}
		if parent != nil {
			if pv, ok := parent.Tag(k); ok && pv.Equal(v) {
				continue
			}
		}
		if s.IsError() && (k == "error.message" || k == "error.type" || k == "error.stack") {
			continue
		}
		out = append(out, tagKV{k, v})
	}
	slices.SortFunc(out, func(a, b tagKV) int { return cmp.Compare(a.key, b.key) })
	return out
}

// errorLines describes an error span: "ERROR type: message", the further
// lines of a multi-line message, then the stack, whole or its innermost
// frame.
func errorLines(s trace.Snapshot, stacks bool) []string {
	tagText := func(k string) string {
		v, _ := s.Tag(k)
		return v.String()
	}
	msg := strings.Split(strings.TrimRight(tagText("error.message"), "\n"), "\n")
	for i := range msg {
		msg[i] = cut(oneLine(msg[i]), maxErrLine)
	}
	first := "ERROR"
	if typ := oneLine(tagText("error.type")); typ != "" {
		first += " " + typ
		if msg[0] != "" {
			first += ":"
		}
	}
	if msg[0] != "" {
		first += " " + msg[0]
	}
	out := []string{first}
	for _, m := range msg[1:] {
		out = append(out, "      "+m) // under the first line's message
	}

	var frames []string
	for _, f := range strings.Split(tagText("error.stack"), "\n") {
		if f = strings.TrimRight(f, " \t\r"); f != "" {
			frames = append(frames, f)
		}
	}
	switch {
	case len(frames) == 0:
	case stacks:
		for _, f := range frames {
			out = append(out, "  "+strings.ReplaceAll(f, "\t", "    "))
		}
	default:
		// error.stack has a function line, then a tab and its file:line.
		at := "  at " + strings.TrimSpace(frames[0])
		if len(frames) > 1 && strings.HasPrefix(frames[1], "\t") {
			at += " (" + strings.TrimSpace(frames[1]) + ")"
		}
		out = append(out, at)
	}
	return out
}

// formatDuration writes d with about four significant digits in the largest
// unit below it: 850ns, 12µs, 1.234ms, 2.5s; from a minute up, as
// time.Duration does, to a tenth of a second: 1m30.5s.
func formatDuration(d time.Duration) string {
	if d < time.Microsecond {
		return strconv.FormatInt(int64(max(d, 0)), 10) + "ns"
	}
	if d >= time.Minute {
		return d.Round(100 * time.Millisecond).String()
	}
	units := []struct {
		size time.Duration
		name string
	}{{time.Microsecond, "µs"}, {time.Millisecond, "ms"}, {time.Second, "s"}}
	u := 0
	for u+1 < len(units) && d >= units[u+1].size {
		u++
	}
	for {
		v := float64(d) / float64(units[u].size)
		decimals := 1
		switch {
		case v < 10:
			decimals = 3
		case v < 100:
			decimals = 2
		}
		s := strconv.FormatFloat(v, 'f', decimals, 64)
		// 999.96µs rounds to 1000.0: say 1ms instead.
		if u+1 < len(units) && strings.HasPrefix(s, "1000") {
			u++
			continue
		}
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
		return s + units[u].name
	}
}

// formatNumber writes a numeric tag compactly: whole numbers without an
// exponent or a fraction, others in the shortest form that reads back
// exactly.
func formatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case f == math.Trunc(f) && math.Abs(f) < 1e15:
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// oneLine replaces each run of spaces and control characters in s (a query
// resource's newlines and tabs) by one space, and trims both ends.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, isBlank) {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, isBlank), " ")
}

func isBlank(r rune) bool {
	return r == ' ' || r < 0x20 || r == 0x7f
}

// cut shortens s to n runes, the last of them an ellipsis.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, runes := 0, 0
	for i = range s {
		if runes == n-1 {
			break
		}
		runes++
	}
	return s[:i] + "…"
}

// quote returns s as is when it reads unambiguously after "key=", and as
// a Go string literal when it is empty or holds spaces, quotes, "=" or
// characters that are not printable.
func quote(s string) string {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool {
		return r == ' ' || r == '"' || r == '=' || r == utf8.RuneError || !strconv.IsPrint(r)
	}) {
		return strconv.Quote(s)
	}
	return s
}
