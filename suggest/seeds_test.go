package suggest

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortExtents: sortExtents orders any list by start, keeping every
// extent, on the packed keys' path (sorted or not) and on SortFunc's (a
// start too large to pack), reusing one workspace throughout.
func TestSortExtents(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var w workspace
	byStart := func(a, b eligExtent) int {
		return cmp.Or(cmp.Compare(a.lo, b.lo), cmp.Compare(a.hi, b.hi), cmp.Compare(a.maxHi, b.maxHi))
	}
	for n := range 200 {
		size := n % 40
		l := make([]eligExtent, size)
		for i := range l {
			lo := rng.Uint64N(64) // duplicates
			switch {
			case n%3 == 1:
				lo = uint64(i) * 8 // already sorted
			case n%7 == 2 && i == size/2:
				lo = 1<<63 + rng.Uint64N(1<<20) // beyond the packed keys
			}
			l[i] = eligExtent{lo: lo, hi: lo + rng.Uint64N(16), fn: rng.IntN(2) == 0, maxHi: uint64(i)}
		}
		want := slices.Clone(l)
		w.sortExtents(l)
		if !slices.IsSortedFunc(l, func(a, b eligExtent) int { return cmp.Compare(a.lo, b.lo) }) {
			t.Fatalf("list %d: not sorted by start: %v", n, l)
		}
		got := slices.Clone(l)
		slices.SortFunc(got, byStart)
		slices.SortFunc(want, byStart)
		if !slices.Equal(got, want) {
			t.Fatalf("list %d: extents changed:\n got %v\nwant %v", n, got, want)
		}
	}
}
