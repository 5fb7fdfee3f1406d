package suggest

import (
	"cmp"
	"debug/elf"
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/initsec/initsec/sectionrt"
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

// TestSectionClass: the cached class and kind of a section are what
// refClassOf and eligibleSection say of it, whether the name was first
// seen with SHF_ALLOC or without, and after the cache was started afresh;
// so are those of the table by name number (sectionClassID).
func TestSectionClass(t *testing.T) {
	names := []string{".text", ".text.unlikely", ".init.text", ".exit.text", ".init.data", ".exit.data",
		".rodata", ".rodata.str1.1", ".data", ".data..percpu", ".data.once", ".bss", ".bssx", ".discard.addressable",
		".return_sites", "__mcount_loc", ".modinfo", ".init.rodata", ".textx", ""}
	var w workspace
	ids := map[string]int32{} // numbers as a Screen gives them: each name its own
	check := func(s *sectionrt.Section) {
		t.Helper()
		wantClass, wantKind := refClassOf(s), eligibleSection(s.Name)
		if wantClass == classInit || wantClass == classExit {
			wantKind = 0
		}
		if c, k := w.sectionClass(s); c != wantClass || k != wantKind {
			t.Fatalf("%q flags %v: class %v, kind %v; want %v, %v", s.Name, s.Flags, c, k, wantClass, wantKind)
		}
		id, ok := ids[s.Name]
		if !ok {
			id = int32(len(ids))
			ids[s.Name] = id
		}
		if c, k := w.sectionClassID(s, id); c != wantClass || k != wantKind {
			t.Fatalf("%q (number %d) flags %v: sectionClassID's class %v, kind %v; want %v, %v", s.Name, id, s.Flags, c, k, wantClass, wantKind)
		}
	}
	for _, flags := range [][2]elf.SectionFlag{{elf.SHF_ALLOC, 0}, {0, elf.SHF_ALLOC}} {
		w.names, w.classByID = nil, nil
		for _, n := range names {
			for _, f := range flags { // first seen with flags[0]
				check(&sectionrt.Section{Name: n, Flags: f | elf.SHF_EXECINSTR})
			}
		}
	}
	for i := range maxNames + 1 {
		check(&sectionrt.Section{Name: ".text." + strconv.Itoa(i), Flags: elf.SHF_ALLOC})
	}
	if len(w.names) > maxNames {
		t.Fatalf("the cache holds %d names, more than %d", len(w.names), maxNames)
	}
	for _, n := range names {
		check(&sectionrt.Section{Name: n, Flags: elf.SHF_ALLOC})
	}
}

// TestBasePrefix: findMixed's filter passes every name whose base is a
// root's, by its first eight bytes (0 past the end, as
// sectionrt.RawView.SymbolNamePrefix gives them), and, for a base shorter
// than eight bytes, only those.
func TestBasePrefix(t *testing.T) {
	bases := []string{"", "f", "fo", "foo", "x.y", "abcdefg", "abcdefgh", "init_module"}
	names := []string{"", "f", "f.part.0", "fo", "fo.cold", "foo", "foo.isra.0", "foobar", ".f", "g",
		"abcdefg", "abcdefg.cold", "abcdefgh", "abcdefgh.part.0", "abcdefghi", "init_module", "init_module.constprop.0", "init_modulex"}
	for _, base := range bases {
		prefixes := []basePrefix{prefixOf(base)}
		for _, name := range names {
			var b [8]byte
			copy(b[:], name)
			in, want := anyPrefix(prefixes, binary.LittleEndian.Uint64(b[:])), baseName(name) == base
			if want && !in || len(base) < 8 && in != want {
				t.Errorf("base %q: %q passes %v, its base is %q", base, name, in, baseName(name))
			}
		}
	}
}
