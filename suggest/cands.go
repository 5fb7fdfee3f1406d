package suggest

import (
	"cmp"
	"debug/elf"
	"slices"
	"unsafe"

	"github.com/initsec/initsec/sectionrt"
)

// The relocations of resident code, through the candidates.
//
// A linked module's resident code holds tens of thousands of relocations
// (amdgpu.ko: 133,000 in .text), most against the module's own symbols,
// while the nodes that can be members are a few dozen. The members are a
// subset of the candidates: the eligible nodes reachable from init or
// exit code through eligible nodes that are not resident. A node outside
// them is never a member, so no reference to it matters; a member's
// referrers must all be known. So addCode first closes the candidates
// forward from the roots, reading only the references from their own
// code (the relocations whose r_offset their extents hold, and the
// resolved branches in those bytes), then makes every other eligible
// node resident, and only then passes over every relocation of resident
// code, taking the full path (the instruction's kind, the referrer, an
// edge or the resident flag) for those whose target a candidate's
// extent may hold.
//
// Sound because a reference from a node comes from an address inside one
// of its symbols (nodeAt finds the symbol holding it), so that the
// candidates' extents hold every relocation and resolved branch of which
// a candidate is the referrer; residency only grows as references come,
// so that the closure, which knows less of it, finds a superset of the
// candidates; and the members of a graph depend only on the referrers of
// its candidates, their resident flags and the edges between them and
// the roots, which the closure and the pass make complete.

// codeReloc is a relocation of resident code whose symbol may lead to an
// eligible node (relSym), as addCode keeps it.
type codeReloc struct {
	off    uint64
	addend int64
	sym    int32
	typ    uint32
}

// rel is c as a sectionrt.Relocation.
func (c *codeReloc) rel() sectionrt.Relocation {
	return sectionrt.Relocation{Offset: c.off, Type: c.typ, Sym: int(c.sym), Addend: c.addend, HasAddend: true}
}

// maxCodeRelocs is the most kept relocations readCode makes room for at
// once: over twice the largest module's (amdgpu.ko, 133,000).
const maxCodeRelocs = 1 << 18

// codeSpan is the kept relocations of one relocation section: those of
// section sec, by r_offset.
type codeSpan struct {
	sec  int
	rels []codeReloc
}

// addCode adds what the relocations of resident code (rs) and the
// resolved branches of the candidates' code tell about the candidates,
// and makes every eligible node outside them resident (see above).
func (g *refGraph) addCode(rs []sectionrt.RelocSection) error {
	w := g.p.w
	spans, err := g.readCode(rs)
	defer func() {
		if cap(w.codeRelocs)*int(unsafe.Sizeof(codeReloc{})) > maxKeptBuf {
			w.codeRelocs = nil // the largest module's: left to the collector
		}
	}()
	if err != nil {
		return err
	}
	cand, err := g.closeCandidates(spans)
	if err != nil {
		return err
	}
	for n := range g.nodes {
		if n >= len(cand) || !cand[n] {
			g.nodes[n].resident = g.nodes[n].resident || g.nodes[n].eligible
		}
	}
	return g.addCodeInto(spans, cand)
}

// readCode reads the relocation sections rs, of resident code: it marks
// the bytes they patch (patchMask) and keeps, sorted by r_offset, those
// whose symbol may lead to an eligible node.
func (g *refGraph) readCode(rs []sectionrt.RelocSection) ([]codeSpan, error) {
	w := g.p.w
	m := g.o.Machine()
	// Room for every entry (24 bytes each, as RELA on x86_64 and arm64),
	// so that the slice need not grow; not trusted beyond maxCodeRelocs,
	// before the entries are checked against the file.
	var total uint64
	for _, r := range rs {
		total += g.secs[r.Index].Size / 24
	}
	kept := w.codeRelocs[:0]
	if n := int(min(total, maxCodeRelocs)); cap(kept) < n {
		kept = make([]codeReloc, 0, n)
	}
	ends := make([]int, 0, len(rs))
	var err error
	for _, r := range rs {
		src := &g.secs[r.Target]
		var mask []uint64
		if src.Type == elf.SHT_PROGBITS && g.p.eligFuncs[r.Target] {
			mask = g.patchMask(r.Target)
		}
		start, sorted, last := len(kept), true, uint64(0)
		lastType, width := ^uint32(0), uint64(0) // relocWidth's, for the type of most entries in a row
		err = g.o.EachRelocationBatch(r, &w.relocs, func(batch []sectionrt.Relocation) bool {
			for i := range batch {
				rel := &batch[i]
				if mask != nil {
					if rel.Type != lastType {
						lastType, width = rel.Type, relocWidth(m, rel.Type)
					}
					markPatched(mask, rel.Offset, width)
				}
				if g.relSym[rel.Sym] != 0 {
					sorted = sorted && rel.Offset >= last
					last = rel.Offset
					kept = append(kept, codeReloc{off: rel.Offset, addend: rel.Addend, sym: int32(rel.Sym), typ: rel.Type})
				}
			}
			return true
		})
		if err != nil {
			break
		}
		if !sorted {
			// As assemblers and linkers write them they are; the lookup
			// by extent needs them so.
			slices.SortStableFunc(kept[start:], func(a, b codeReloc) int { return cmp.Compare(a.off, b.off) })
		}
		ends = append(ends, len(kept))
	}
	w.codeRelocs = kept
	if err != nil {
		return nil, err
	}
	spans := make([]codeSpan, len(rs))
	start := 0
	for k, r := range rs {
		spans[k] = codeSpan{sec: r.Target, rels: kept[start:ends[k]]}
		start = ends[k]
	}
	return spans, nil
}

// closeCandidates returns the candidates, as a set of nodes: the eligible
// nodes reachable from init or exit code through eligible nodes not
// resident (and so, later, perhaps more than members will consider). It
// adds the references from each one's code in resident code sections —
// the kept relocations in its extents, and the resolved branches to
// functions of nodes not resident — before following its edges, so that
// they lead on; likewise from the roots' parts outside .init* and .exit*
// (a clone of an init function in .text). Init and exit sections
// themselves need no scan: a resolved branch stays in its section, and
// theirs hold no eligible function.
func (g *refGraph) closeCandidates(spans []codeSpan) ([]bool, error) {
	scans := make([]*resolvedScan, len(g.secs))
	made := make([]bool, len(g.secs))
	want := func(n int) bool { return g.nodes[n].eligible && !g.nodes[n].resident }
	var cand []bool
	stack := append([]int32(nil), g.roots...)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if g.nodes[n].resident {
			continue // made so since: never a member, nor a way to one
		}
		for i := g.nodes[n].first; i != 0; i = g.next[i] {
			s := &g.syms[i]
			if c := g.p.class[s.SectionIndex]; c == classInit || c == classExit || s.Size == 0 {
				continue
			}
			if err := g.addRelocsIn(spans, s.SectionIndex, s.Value, s.Value+s.Size); err != nil {
				return nil, err
			}
			if !made[s.SectionIndex] {
				sc, err := g.newScan(s.SectionIndex, want)
				if err != nil {
					return nil, err
				}
				scans[s.SectionIndex], made[s.SectionIndex] = sc, true
			}
			if sc := scans[s.SectionIndex]; sc != nil {
				sc.run(s.Value, s.Value+s.Size)
			}
		}
		cand = grown(cand, len(g.nodes))
		for e := g.nodes[n].out; e != 0; e = g.edges[e].nextOut {
			if t := g.edges[e].to; want(int(t)) && !cand[t] {
				cand[t] = true
				stack = append(stack, t)
			}
		}
	}
	return cand, nil
}

// addRelocsIn adds the references of the kept relocations of section sec
// whose r_offset is in [lo, hi).
func (g *refGraph) addRelocsIn(spans []codeSpan, sec int, lo, hi uint64) error {
	for _, sp := range spans {
		if sp.sec != sec {
			continue
		}
		k, _ := slices.BinarySearchFunc(sp.rels, lo, func(c codeReloc, off uint64) int { return cmp.Compare(c.off, off) })
		for ; k < len(sp.rels) && sp.rels[k].off < hi; k++ {
			rel := sp.rels[k].rel()
			if err := g.addRelocTo(sec, classResident, true, &rel); err != nil {
				return err
			}
		}
	}
	return nil
}

// addCodeInto adds the references of the kept relocations that may
// refer to a candidate (cand): those against one of its symbols, or
// against a section symbol or label at an address one of its extents
// holds, as relocTargets would find it; the others are passed over at a
// glance.
func (g *refGraph) addCodeInto(spans []codeSpan, cand []bool) error {
	ext := g.candExtents(cand)
	m := g.o.Machine()
	for _, sp := range spans {
		for k := range sp.rels {
			c := &sp.rels[k]
			if n := g.symNode[c.sym]; n != 0 {
				if int(n) >= len(cand) || !cand[n] || g.nodes[n].resident {
					continue
				}
			} else {
				sym := &g.syms[c.sym]
				l := ext[sym.SectionIndex]
				if len(l) == 0 {
					continue
				}
				bias := sectionrt.PCBias(m, c.typ)
				t := sym.Value + uint64(c.addend) + uint64(bias)
				if !inExtents(l, t) && (bias == 0 || g.secs[sym.SectionIndex].Flags&elf.SHF_EXECINSTR != 0 ||
					!inExtents(l, t+1) && !inExtents(l, t+2) && !inExtents(l, t+4)) {
					continue
				}
			}
			rel := c.rel()
			if err := g.addRelocTo(sp.sec, classResident, true, &rel); err != nil {
				return err
			}
		}
	}
	return nil
}

// candExtents returns, for each section, the extents of the sized symbols
// in it of the candidates not resident (one made resident since needs no
// more), by start; nil for most.
func (g *refGraph) candExtents(cand []bool) [][]eligExtent {
	ext := make([][]eligExtent, len(g.secs))
	for n, in := range cand {
		if !in || g.nodes[n].resident {
			continue
		}
		for i := g.nodes[n].first; i != 0; i = g.next[i] {
			if s := &g.syms[i]; s.Size > 0 {
				ext[s.SectionIndex] = append(ext[s.SectionIndex], eligExtent{lo: s.Value, hi: s.Value + s.Size})
			}
		}
	}
	for _, l := range ext {
		slices.SortFunc(l, func(a, b eligExtent) int { return cmp.Compare(a.lo, b.lo) })
		var m uint64
		for i := range l {
			m = max(m, l[i].hi)
			l[i].maxHi = m
		}
	}
	return ext
}

// inExtents reports whether one of l (candExtents') holds addr.
func inExtents(l []eligExtent, addr uint64) bool { return holds(l, addr, false, true) }
