package suggest

import (
	"debug/elf"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/sectionrt"
)

// TestScanFiltersMatchPlain: on the x86_64 code sections of installed
// modules (Debian 6.1's, every 16th), x86Rel32's filtered search
// (x86Rel32Few for starts with few low bytes, x86Rel32Low for more) adds
// exactly the references, in the same order, that trying every site in
// full (x86Rel32At) adds: for one, two, three, eight and 64 functions,
// over the whole section and over ranges of random ends.
func TestScanFiltersMatchPlain(t *testing.T) {
	files, _ := installedSample(t, "6.1.", 16)
	rng := rand.New(rand.NewPCG(1, 2))
	var r modfile.Reader
	defer r.Release()
	scans, hits := 0, 0
	for _, path := range files {
		o, err := r.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		rels, err := o.RelocSections()
		if err != nil {
			t.Fatal(err)
		}
		// Two graphs of the object, its relocations added: one for each
		// way of scanning.
		var gs [2]*refGraph
		for k := range gs {
			gs[k] = newRefGraph(o, newPrefilter(o, new(workspace)))
			for _, rs := range rels {
				if err := gs[k].addRelocs(rs); err != nil {
					t.Fatal(err)
				}
			}
		}
		for sec := range gs[0].secs {
			var funcs []int
			for _, e := range gs[0].symTab.section(sec, true) {
				if n := int(gs[0].symNode[e.sym]); n != 0 && gs[0].syms[e.sym].Type == elf.STT_FUNC {
					funcs = append(funcs, n)
				}
			}
			if len(funcs) == 0 {
				continue
			}
			for _, n := range []int{1, 2, 3, 8, 64} {
				want := map[int]bool{}
				for range n {
					want[funcs[rng.IntN(len(funcs))]] = true
				}
				size := gs[0].secs[sec].Size
				lo, hi := uint64(0), size
				if n%2 == 0 {
					lo, hi = rng.Uint64N(size+1), rng.Uint64N(size+1)
					lo, hi = min(lo, hi), max(lo, hi)
				}
				var scs [2]*resolvedScan
				for k, g := range gs {
					if scs[k], err = g.newScan(sec, func(n int) bool { return want[n] }); err != nil {
						t.Fatal(err)
					}
				}
				if scs[0] == nil || scs[0].far {
					continue
				}
				edges := len(gs[0].edges)
				scs[0].x86Rel32(lo, min(hi, uint64(len(scs[0].code))))
				scs[1].x86Rel32At(lo, hi)
				scans++
				hits += len(gs[0].edges) - edges
				if !reflect.DeepEqual(gs[0].edges, gs[1].edges) || !reflect.DeepEqual(gs[0].nodes, gs[1].nodes) {
					t.Fatalf("%s: section %s, %d functions, [%#x, %#x): the filtered scan adds %d edges, the plain one %d, or the nodes differ",
						path, gs[0].secs[sec].Name, len(want), lo, hi, len(gs[0].edges), len(gs[1].edges))
				}
			}
		}
		o.Close()
	}
	t.Logf("%d modules, %d scans, %d edges added", len(files), scans, hits)
	if hits == 0 {
		t.Errorf("no scan found a branch: the comparison shows nothing")
	}
}

// TestSubBytes: subBytes is byte-wise subtraction modulo 256.
func TestSubBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 10000 {
		x, y := rng.Uint64(), rng.Uint64()
		var want uint64
		for k := 0; k < 64; k += 8 {
			want |= uint64(byte(x>>k)-byte(y>>k)) << k
		}
		if got := subBytes(x, y); got != want {
			t.Fatalf("subBytes(%#x, %#x) = %#x, want %#x", x, y, got, want)
		}
	}
}

// TestLowTable: x86Rel32Low's table has entry x set exactly for the x
// whose low 16 bits are a value added, over its whole length (a scan
// reads up to 65535+65535+7), and clear, which clears only what add set,
// leaves it all zero for the next scan.
func TestLowTable(t *testing.T) {
	var tab lowTable
	for round, vals := range [][]uint16{{0, 7, 8, 0x1234, 0xfff9, 0xffff, 7}, {3, 0x8000}} {
		set := map[uint16]bool{}
		for _, v := range vals {
			tab.add(v)
			set[v] = true
		}
		for x, h := range tab.has {
			if want := set[uint16(x)]; (h == 1) != want || h > 1 {
				t.Fatalf("round %d: has[%#x] = %d, want set: %v", round, x, h, want)
			}
		}
		tab.clear()
		for x, h := range tab.has {
			if h != 0 {
				t.Fatalf("round %d: after clear, has[%#x] = %d", round, x, h)
			}
		}
	}
}

// TestRefKindShortCode: a relocation whose bytes the code does not hold
// (an executable SHT_NOBITS section has none, yet its relocations pass
// the r_offset check) takes an address; reading before it panicked.
func TestRefKindShortCode(t *testing.T) {
	pc32 := uint32(elf.R_X86_64_PC32)
	abs32s := uint32(elf.R_X86_64_32S)
	cases := []struct {
		code []byte
		rel  sectionrt.Relocation
		want refKind
	}{
		{nil, sectionrt.Relocation{Offset: 8, Type: pc32}, refAddress},
		{nil, sectionrt.Relocation{Offset: 8, Type: abs32s}, refAddress},
		{[]byte{0x8b, 0x05}, sectionrt.Relocation{Offset: 8, Type: pc32}, refAddress},
		{[]byte{0x8b, 0x04, 0xc5}, sectionrt.Relocation{Offset: 9, Type: abs32s}, refAddress},
		// The same bytes where the field follows them.
		{[]byte{0x8b, 0x05, 0, 0, 0, 0}, sectionrt.Relocation{Offset: 2, Type: pc32}, refAccess},
		{[]byte{0x8b, 0x04, 0xc5, 0, 0, 0, 0}, sectionrt.Relocation{Offset: 3, Type: abs32s}, refAccess},
		{[]byte{0xe8, 0, 0, 0, 0}, sectionrt.Relocation{Offset: 1, Type: pc32}, refCall},
	}
	for i, c := range cases {
		if got := refKindOf(elf.EM_X86_64, c.code, c.rel); got != c.want {
			t.Errorf("case %d (% x, offset %d, type %d): kind %v, want %v", i, c.code, c.rel.Offset, c.rel.Type, got, c.want)
		}
	}
}
