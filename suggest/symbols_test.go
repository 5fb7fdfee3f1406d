package suggest

import (
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
