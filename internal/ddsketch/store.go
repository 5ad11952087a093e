package ddsketch

// store counts values per bin index, densely: bins[i] is the count of
// index offset+i. It holds at most maxBins bins: when the indexes counted
// span more, the lowest are collapsed into the lowest bin kept, as the
// Agent's "collapsing lowest dense store" does, so that the high
// quantiles (latencies) keep their accuracy and memory stays bounded.
//
// The result does not depend on the order of the values: each index i
// ends up counted at max(i, top-maxBins+1) when the indexes seen span more
// than maxBins (top the highest), at i otherwise.
type store struct {
	bins    []float64
	offset  int // index of bins[0]
	lo, hi  int // lowest and highest index counted; valid when count > 0
	count   float64
	maxBins int
}

// growSlack is how many bins a store grows beyond what it needs, so that
// a store does not reallocate for every new extreme value.
const growSlack = 64

// add counts n at index i.
func (s *store) add(i int, n float64) {
	if n == 0 {
		return
	}
	if s.count == 0 {
		s.move(i, i, 0, -1)
		s.lo, s.hi = i, i
		s.bins[i-s.offset] += n
		s.count += n
		return
	}
	lo, hi := min(s.lo, i), max(s.hi, i)
	from := s.lo
	var below float64
	if hi-lo+1 > s.maxBins {
		// Collapse: the bins below the floor go into the floor's.
		floor := hi - s.maxBins + 1
		for j := s.lo; j <= min(s.hi, floor-1); j++ {
			below += s.bins[j-s.offset]
			s.bins[j-s.offset] = 0
		}
		lo, i, from = floor, max(i, floor), max(s.lo, floor)
	}
	s.move(lo, hi, from, s.hi)
	s.lo, s.hi = lo, hi
	s.bins[lo-s.offset] += below
	s.bins[i-s.offset] += n
	s.count += n
}

// move makes bins cover lo..hi, growing or shifting them; the counts of
// the indexes from..to (none when to < from) keep their index, the other
// bins are zero.
func (s *store) move(lo, hi, from, to int) {
	if s.bins != nil && lo >= s.offset && hi < s.offset+len(s.bins) {
		return
	}
	size := s.sizeFor(lo, hi)
	offset := lo - (size-(hi-lo+1))/2 // centered: room on both sides
	if size > len(s.bins) {
		bins := make([]float64, size)
		if from <= to {
			copy(bins[from-offset:], s.bins[from-s.offset:to-s.offset+1])
		}
		s.bins, s.offset = bins, offset
		return
	}
	// As long as before: shift in place (copy handles the overlap).
	if from > to {
		clear(s.bins)
	} else {
		copy(s.bins[from-offset:], s.bins[from-s.offset:to-s.offset+1])
		clear(s.bins[:from-offset])
		clear(s.bins[to-offset+1:])
	}
	s.offset = offset
}

// sizeFor returns the length of bins that covers lo..hi: what is needed
// and some slack, at most maxBins, never less than the current length.
func (s *store) sizeFor(lo, hi int) int {
	return max(min(hi-lo+1+growSlack, s.maxBins), len(s.bins))
}

// growth returns how many bytes counting index i would allocate.
func (s *store) growth(i int) int {
	lo, hi := i, i
	if s.count > 0 {
		lo, hi = min(s.lo, i), max(s.hi, i)
		if hi-lo+1 > s.maxBins {
			lo = hi - s.maxBins + 1
		}
		if s.bins != nil && lo >= s.offset && hi < s.offset+len(s.bins) {
			return 0
		}
	}
	return 8 * (s.sizeFor(lo, hi) - len(s.bins))
}

// keyAtRank returns the index of the value of rank r (from 0) among the
// values counted, r < count.
func (s *store) keyAtRank(r float64) int {
	if r < 0 {
		r = 0
	}
	var n float64
	for i := s.lo; i <= s.hi; i++ {
		n += s.bins[i-s.offset]
		if n > r {
			return i
		}
	}
	return s.hi
}

// used returns the counts of lo..hi, or nil when empty.
func (s *store) used() []float64 {
	if s.count == 0 {
		return nil
	}
	return s.bins[s.lo-s.offset : s.hi-s.offset+1]
}

// bytes returns the memory the store holds.
func (s *store) bytes() int { return 8 * cap(s.bins) }
