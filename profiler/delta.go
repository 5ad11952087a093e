package profiler

import "github.com/ctxtrace/trace/internal/pprofdelta"

// deltaOf returns the delta of data, a heap, block or mutex profile from
// runtime/pprof, over the previous profile of type t: the values of t's
// delta sample types (kinds) minus the previous ones, a gzipped pprof
// profile. isDelta reports whether the result is a delta, and so is
// uploaded as delta-<name>.pprof; the first profile of a series is one
// too, holding the totals since the program started, as in dd-trace-go.
//
// This is the one place deltas are made: the computation itself is
// internal/pprofdelta's.
func (p *profiler) deltaOf(t ProfileType, data []byte) (out []byte, isDelta bool, err error) {
	c := p.deltas[t]
	if c == nil {
		c = pprofdelta.New(kinds[t].delta...)
		p.deltas[t] = c
	}
	out, err = c.Delta(data)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}
