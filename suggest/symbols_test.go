package suggest

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/initsec/initsec/internal/modfile"
)

// TestSymbolAtMatchesSectionrt: in every section the graph calls plain,
// its own lookup (symbolAt) names the symbol sectionrt's SymbolAt names,
// at each symbol's first and last byte, the byte after it and the one
// before; the modules: every one of the installed 6.1 tree (every
// fourth with -short). Some sections of the tree are not plain (two
// objects of .BTF_ids at one address with different sizes): the test
// requires it to have met one.
func TestSymbolAtMatchesSectionrt(t *testing.T) {
	every := 1
	if testing.Short() {
		every = 4
	}
	files, _ := installedSample(t, "6.1.", every)
	var r modfile.Reader
	defer r.Release()
	plain, notPlain, lookups := 0, 0, 0
	for i := range files {
		o, err := r.Open(files[i])
		if err != nil {
			t.Fatal(err)
		}
		g := newRefGraph(o, newPrefilter(o, new(workspace)))
		for sec := range g.secs {
			if !g.symTab.plainSection(sec) {
				notPlain++
				continue
			}
			plain++
			for _, e := range g.symTab.section(sec, true) {
				for _, addr := range []uint64{e.lo - 1, e.lo, e.hi - 1, e.hi} {
					lookups++
					got, _, _ := g.symbolAt(sec, addr)
					want := 0
					if s, ok := o.SymbolAt(sec, addr); ok {
						want = s.Index
					}
					if int(got) != want {
						t.Errorf("%s: section %s, %#x: symbolAt %d (%s), SymbolAt %d (%s)", files[i], g.secs[sec].Name, addr, got, g.syms[got].Name, want, g.syms[want].Name)
					}
				}
			}
		}
		o.Close()
	}
	t.Logf("%d plain sections (%d lookups), %d not plain", plain, lookups, notPlain)
	if notPlain == 0 && every == 1 {
		t.Errorf("no section that is not plain: the test shows nothing of plainSection's no")
	}
}

// TestSortByAddress: sortByAddress sorts as a stable sort by address
// does (table order among equal addresses), whatever the sorted prefix:
// none, short, or all but a tail, with repeated addresses and addresses
// of up to 8 bytes.
func TestSortByAddress(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		for _, prefix := range []int{0, n / 3, n - min(n, 5), n} {
			for _, bits := range []uint{4, 16, 64} {
				l := make([]symEntry, n)
				for k := range l {
					l[k] = symEntry{lo: r.Uint64() >> (64 - bits), sym: int32(k)}
				}
				slices.SortStableFunc(l[:prefix], func(a, b symEntry) int { return cmp.Compare(a.lo, b.lo) })
				for k := range l[:prefix] {
					l[k].sym = int32(k) // table order: sorted prefix first
				}
				want := slices.Clone(l)
				slices.SortStableFunc(want, func(a, b symEntry) int { return cmp.Compare(a.lo, b.lo) })
				sortByAddress(l, make([]symEntry, n))
				if !slices.Equal(l, want) {
					t.Fatalf("n %d, sorted prefix %d, %d-bit addresses: got %v, want %v", n, prefix, bits, l, want)
				}
			}
		}
	}
}
