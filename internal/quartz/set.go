package quartz

import "math/bits"

// Marker values Quartz keeps inside its field sets: allSpec ("*", or a literal 99) and noSpec ("?",
// or a literal 98). They are ordinary members: Quartz's lookups can land on them, so we keep them.
const (
	allSpec = 99
	noSpec  = 98
)

// valueSet is a Quartz field set (a TreeSet<Integer>) as a bitset of the values 0..127. Quartz
// only ever asks for the first member at or above a calendar field's value (always below 128), so
// of the larger members, which only odd expressions add ("99-5000" seconds, "1000#2"), the
// smallest is all that matters: big keeps it (0 when there is none).
type valueSet struct {
	bits [2]uint64
	big  int
}

func (s *valueSet) add(v int) {
	if v >= 0 && v < 128 {
		s.bits[v>>6] |= 1 << (v & 63)
	} else if v >= 128 && (s.big == 0 || v < s.big) {
		s.big = v
	}
}

func (s *valueSet) has(v int) bool {
	return v >= 0 && v < 128 && s.bits[v>>6]&(1<<(v&63)) != 0
}

// next is the smallest member >= v (TreeSet.tailSet(v).first()), for 0 <= v < 128.
func (s *valueSet) next(v int) (int, bool) {
	for w := v >> 6; w < 2; w++ {
		word := s.bits[w]
		if w == v>>6 {
			word &^= 1<<(v&63) - 1
		}
		if word != 0 {
			return w<<6 + bits.TrailingZeros64(word), true
		}
	}
	return s.big, s.big != 0
}

// first is the smallest member (TreeSet.first()); false when the set is empty.
func (s *valueSet) first() (int, bool) { return s.next(0) }

// lastIs tells whether the largest member is v (Quartz: daysOfMonth.last() == NO_SPEC), v < 128.
func (s *valueSet) lastIs(v int) bool {
	if s.big != 0 || !s.has(v) {
		return false
	}
	w := v >> 6
	return s.bits[w]>>(v&63) == 1 && (w == 1 || s.bits[1] == 0)
}

func (s *valueSet) empty() bool { return s.bits == [2]uint64{} && s.big == 0 }

// yearSet is Quartz's year set kept as arithmetic progressions, so that "1970-2000000000" costs
// nothing (Quartz fills a TreeSet with every member).
type yearSet []progression

type progression struct{ from, to, step int }

// next is the smallest year >= v.
func (s yearSet) next(v int) (int, bool) {
	best, ok := 0, false
	for _, p := range s {
		if v > p.to {
			continue
		}
		y := p.from
		if v > p.from {
			y = p.from + (v-p.from+p.step-1)/p.step*p.step
			if y > p.to {
				continue
			}
		}
		if !ok || y < best {
			best, ok = y, true
		}
	}
	return best, ok
}
