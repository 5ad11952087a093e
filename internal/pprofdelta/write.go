package pprofdelta

// encode writes the delta profile: the input's messages, with the samples
// replaced by the kept rows of agg, time_nanos and duration_nanos replaced,
// and the locations, functions and strings that no kept sample needs left
// out. A delta usually holds a small part of the cumulative profile's
// stacks, so pruning is what keeps it small. Unused strings are written
// empty rather than removed, so that string indexes stay valid.
func (p *profile) encode(agg *aggregate, keep []bool, start, duration int64) []byte {
	used := p.markUsed(agg, keep)
	out := make([]byte, 0, len(p.data)/2)
	d := newDecoder(p.data)
	var f field
	for d.next(&f) {
		if f.num == profSampleType {
			out = append(out, f.raw...)
		}
	}
	out = p.encodeSamples(out, agg, keep)
	d = newDecoder(p.data)
	str := 0
	for d.next(&f) {
		switch f.num {
		case profSampleType, profSample, profLocation, profFunction, profTimeNanos, profDurationNanos:
		case profStringTable:
			if used == nil || used[str] {
				out = append(out, f.raw...)
			} else {
				out = appendBytesField(out, profStringTable, nil)
			}
			str++
		default:
			out = append(out, f.raw...)
		}
	}
	for _, loc := range p.locOrder {
		if loc.used {
			out = append(out, loc.raw...)
		}
	}
	for _, fn := range p.funcOrder {
		if fn.used {
			out = append(out, fn.raw...)
		}
	}
	if start != 0 {
		out = appendVarintField(out, profTimeNanos, uint64(start))
	}
	if duration != 0 {
		out = appendVarintField(out, profDurationNanos, uint64(duration))
	}
	return out
}

// encodeSamples appends one Sample per kept key, with the stack and labels
// of its first occurrence and its aggregated values.
func (p *profile) encodeSamples(out []byte, agg *aggregate, keep []bool) []byte {
	var s sample
	var msg []byte
	vals := make([]uint64, agg.width)
	for i, body := range agg.bodies {
		if !keep[i] {
			continue
		}
		// The body decoded without error in aggregate.
		_ = s.decode(body)
		for j, v := range agg.values[i*agg.width : (i+1)*agg.width] {
			vals[j] = uint64(v)
		}
		msg = appendPacked(msg[:0], sampleLocationID, s.locs)
		msg = appendPacked(msg, sampleValue, vals)
		for _, l := range s.labels {
			msg = appendBytesField(msg, sampleLabel, l)
		}
		out = appendBytesField(out, profSample, msg)
	}
	return out
}

// markUsed marks the locations and functions that the kept samples need,
// and returns which strings the output needs, or nil if every string must
// be kept because the input has fields whose references are unknown.
func (p *profile) markUsed(agg *aggregate, keep []bool) []bool {
	used := make([]bool, len(p.strings))
	used[0] = true
	for _, r := range p.refs {
		used[r] = true
	}
	var s sample
	for i, body := range agg.bodies {
		if !keep[i] {
			continue
		}
		_ = s.decode(body)
		for _, id := range s.locs {
			p.locations[id].used = true
		}
		for _, l := range s.labels {
			markLabel(l, used)
		}
	}
	for _, loc := range p.locOrder {
		if loc.used {
			p.markLines(loc.body)
		}
	}
	for _, fn := range p.funcOrder {
		if fn.used {
			for _, s := range fn.strs {
				used[s] = true
			}
		}
	}
	if p.unknown {
		return nil
	}
	return used
}

// markLabel marks a label's strings. labelKey has validated the ones that
// count; a repeated field's earlier values are overridden, so they are
// only marked if they are in range.
func markLabel(body []byte, used []bool) {
	d := newDecoder(body)
	var g field
	for d.next(&g) {
		switch g.num {
		case labelKey, labelStr, labelNumUnit:
			if g.val < uint64(len(used)) {
				used[g.val] = true
			}
		}
	}
}

// markLines marks the functions of a location's lines, which hashLocations
// has resolved.
func (p *profile) markLines(body []byte) {
	d := newDecoder(body)
	var g field
	for d.next(&g) {
		if g.num != locationLine {
			continue
		}
		ld := newDecoder(g.data)
		var h field
		for ld.next(&h) {
			if fn, ok := p.functions[h.val]; ok && h.num == lineFunctionID {
				fn.used = true
			}
		}
	}
}
