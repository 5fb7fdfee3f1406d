package suggest

import (
	"cmp"
	"debug/elf"
	"encoding/binary"
	"slices"
	"unsafe"

	"github.com/initsec/initsec/sectionrt"
)

// The relocations of resident code and data, through the candidates.
//
// A linked module's resident sections hold tens of thousands of
// relocations (amdgpu.ko: 133,000 in .text); on the 469 modules of Debian
// 6.1 that get this far, 520,000 may refer to an eligible node (380,000
// of code, 140,000 of data), while the nodes that can be members are a
// few dozen.
// The members are a subset of the candidates: the eligible nodes
// reachable from init or exit code through eligible nodes that are not
// resident. So addCode first closes the candidates forward from the
// roots, reading only the references from their own code (the
// relocations whose r_offset their extents hold, and the resolved
// branches in those bytes). The members of that graph are a superset of
// the final ones: a reference added later comes from outside the
// candidates and the roots (theirs are all in), and can only rule its
// target out. When there are none, there is nothing to find; otherwise
// addCode makes every other eligible node resident, which no reference
// to it can change, and passes over every relocation of resident code
// and data, taking the full path (the instruction's kind, the referrer,
// an edge or the resident flag) only for those whose target the extent
// of one of those members may hold. Before all that, the relocations of data that may
// refer to a seed take it, so that the seeds a resident referrer rules
// out end the search before code is read.
//
// Sound because a reference from a node comes from an address inside one
// of its symbols (nodeAt finds the symbol holding it), so that the
// candidates' extents hold every relocation and resolved branch of which
// a candidate is the referrer; residency only grows as references come,
// so that the closure, which knows less of it, finds a superset of the
// candidates; and the members of a graph depend only on the referrers of
// the nodes that may be members, their resident flags and the edges
// from them and from the roots, which the closure and the pass make
// complete.

// keptReloc is a relocation of a resident section whose symbol may lead
// to an eligible node (relSym), as keep keeps it.
type keptReloc struct {
	off    uint64
	addend int64
	sym    int32
	typ    uint32
}

// rel is c as a sectionrt.Relocation.
func (c *keptReloc) rel() sectionrt.Relocation {
	return sectionrt.Relocation{Offset: c.off, Type: c.typ, Sym: int(c.sym), Addend: c.addend, HasAddend: true}
}

// keptSpan is the kept relocations of one relocation section: those of
// resident section sec, code (exec) or data, by r_offset.
type keptSpan struct {
	sec  int
	exec bool
	rels []keptReloc
}

// maxKeptRelocs bounds the room keptRoom makes, since a section's size
// is not trusted before its entries are checked against the file. Debian
// 6.1's largest module, amdgpu.ko, has 173,000 entries in its resident
// sections' relocations, of which keep keeps 78,000.
const maxKeptRelocs = 1 << 18

// maxKeptRoom is the most bytes of keptRoom's storage a workspace keeps
// for the next object: Debian 6.1's amdgpu.ko needs 2 MB, and when that
// was left to the collector, the objects after it each grew the room
// again, fresh memory the kernel zeroes and maps at about 2 us a page
// (initsec suggest runs few collections on that tree).
const maxKeptRoom = 4 << 20

// keptRoom returns w's storage for the relocations keep keeps of the
// relocation sections of each list, empty, with room for half their
// entries (24 bytes each, as RELA on x86_64 and arm64): on Debian 6.1's
// modules keep keeps a third of code's and under half of data's, so
// that it seldom grows, where room for them all added about 2 MB to
// initsec suggest's peak RSS on that tree.
func (g *refGraph) keptRoom(lists ...[]sectionrt.RelocSection) []keptReloc {
	var total uint64
	for _, rs := range lists {
		for _, r := range rs {
			total += g.secs[r.Index].Size / 24
		}
	}
	kept := g.p.w.kept[:0]
	if n := int(min(total/2, maxKeptRelocs)); cap(kept) < n {
		kept = make([]keptReloc, 0, n)
	}
	return kept
}

// giveBack keeps kept's storage in w for the next object, unless it is
// larger than maxKeptRoom, which is left to the collector.
func (g *refGraph) giveBack(kept []keptReloc) {
	if cap(kept)*int(unsafe.Sizeof(keptReloc{})) > maxKeptRoom {
		kept = nil
	}
	g.p.w.kept = kept[:0]
}

// relocWidths is relocWidth(m, typ) for each typ below its length; 4
// for the others (as relocWidth). Types alternate (a call, then a
// RIP-relative operand), which a cache of the last would miss.
func relocWidths(m elf.Machine) []uint8 {
	switch m {
	case elf.EM_X86_64:
		return x86Widths[:]
	case elf.EM_AARCH64:
		return arm64Widths[:]
	}
	return nil
}

var x86Widths, arm64Widths = widthTable(elf.EM_X86_64), widthTable(elf.EM_AARCH64)

// widthTable lists relocWidth(m, typ) for each typ below 1024; above,
// it is 4 (the types of other widths are x86_64's below 64 and arm64's
// ABS64 and PREL64, 257 and 260).
func widthTable(m elf.Machine) (t [1 << 10]uint8) {
	for typ := range t {
		t[typ] = uint8(relocWidth(m, uint32(typ)))
	}
	return t
}

// keep reads the relocation sections rs, of resident sections, appends
// to kept those whose symbol may lead to an eligible node, and returns
// them by section, sorted by r_offset; in code it marks the bytes they
// patch (patchMask).
func (g *refGraph) keep(rs []sectionrt.RelocSection, kept []keptReloc) ([]keptSpan, []keptReloc, error) {
	w := g.p.w
	widths := relocWidths(g.o.Machine())
	spans := make([]keptSpan, 0, len(rs))
	bounds := make([][2]int, 0, len(rs))
	for _, r := range rs {
		src := &g.secs[r.Target]
		exec := src.Flags&elf.SHF_EXECINSTR != 0
		var mask []uint64
		if exec && src.Type == elf.SHT_PROGBITS && g.p.eligFuncs[r.Target] {
			mask = g.patchMask(r.Target)
		}
		start := len(kept)
		k := keeper{kept: kept, sorted: true, mask: mask, widths: widths, relSym: g.relSym}
		err := g.o.EachRela64(r, &w.relocs, k.take)
		kept = k.kept
		if err != nil {
			return nil, kept, err
		}
		if !k.sorted {
			// As assemblers and linkers write them they are; the lookup
			// by extent needs them so.
			slices.SortStableFunc(kept[start:], func(a, b keptReloc) int { return cmp.Compare(a.off, b.off) })
		}
		spans = append(spans, keptSpan{sec: r.Target, exec: exec})
		bounds = append(bounds, [2]int{start, len(kept)})
	}
	for k := range spans { // only now: kept may have grown
		spans[k].rels = kept[bounds[k][0]:bounds[k][1]]
	}
	return spans, kept, nil
}

// keeper is keep's pass over the entries of one relocation section.
type keeper struct {
	kept   []keptReloc
	sorted bool   // this section's entries by r_offset so far
	last   uint64 // the r_offset of the last of them
	mask   []uint64
	widths []uint8 // relocWidths'
	relSym []uint8
}

// take keeps the entries whose symbol may lead to an eligible node, and
// marks in mask (unless nil) the bytes each patches. Two loops over the
// batch, which is in cache, rather than one: with fewer values live each
// keeps them in registers (12% less time over the stage-4 objects' entries).
// In locals, not through k, for the same reason. The second writes each
// entry and counts it only when kept: whether it is, about every other
// entry, is no branch to mispredict. When this section's entries are by
// r_offset, so are those kept (keep sorts the others, stably: the
// same order when they were by r_offset already).
func (k *keeper) take(entries []byte) bool {
	if mask, widths := k.mask, k.widths; mask != nil {
		for j := 0; j+sectionrt.Rela64Size <= len(entries); j += sectionrt.Rela64Size {
			e := entries[j : j+sectionrt.Rela64Size : j+sectionrt.Rela64Size]
			off, typ := binary.LittleEndian.Uint64(e), binary.LittleEndian.Uint32(e[8:]) // r_info's low half
			width := uint64(4)
			if typ < uint32(len(widths)) {
				width = uint64(widths[typ])
			}
			markPatched(mask, off, width)
		}
	}
	sorted, last, relSym := k.sorted, k.last, k.relSym
	n := len(k.kept)
	kept := slices.Grow(k.kept, len(entries)/sectionrt.Rela64Size)
	kept = kept[:cap(kept)]
	for j := 0; j+sectionrt.Rela64Size <= len(entries); j += sectionrt.Rela64Size {
		e := entries[j : j+sectionrt.Rela64Size : j+sectionrt.Rela64Size]
		off, sym := binary.LittleEndian.Uint64(e), binary.LittleEndian.Uint32(e[12:]) // r_info's high half
		if off < last {
			sorted = false
		}
		last = off
		kept[n] = keptReloc{off: off, addend: int64(binary.LittleEndian.Uint64(e[16:])), sym: int32(sym), typ: binary.LittleEndian.Uint32(e[8:])}
		n += int(relSym[sym]+3) >> 2 // 1 unless 0: relSym holds two bits
	}
	k.kept, k.sorted, k.last = kept[:n], sorted, last
	return true
}

// addCode reads the relocations of resident code (rs), adds what they
// and the resolved branches of the candidates' code tell about the
// candidates (see above), and reports whether any node may be a member.
// It then makes every eligible node resident but those that may (the
// members of the graph so far), and adds their referrers among the kept
// relocations of code and of resident data (data, keep's spans). It
// returns kept, grown.
func (g *refGraph) addCode(rs []sectionrt.RelocSection, data []keptSpan, kept []keptReloc) ([]keptReloc, bool, error) {
	code, kept, err := g.keep(rs, kept)
	if err != nil {
		return kept, false, err
	}
	spans := append(slices.Clip(data), code...)
	if err := g.closeCandidates(spans); err != nil {
		return kept, false, err
	}
	may := g.union(g.members(classInit), g.members(classExit))
	if may == nil {
		return kept, false, nil
	}
	for n := range g.nodes {
		if n >= len(may) || !may[n] {
			g.nodes[n].resident = g.nodes[n].resident || g.nodes[n].eligible
		}
	}
	return kept, true, g.addInto(spans, may)
}

// seeds returns the eligible nodes given an edge and not resident, as a
// set: before code is read, those that init or exit code calls or
// accesses.
func (g *refGraph) seeds() []bool {
	set := make([]bool, len(g.nodes))
	for _, n := range g.cands {
		set[n] = !g.nodes[n].resident
	}
	return set
}

// closeCandidates goes through the candidates: the eligible nodes
// reachable from init or exit code through eligible nodes not resident
// (as far as it knows: perhaps more than there will be). It adds the
// references from each one's bytes in resident sections — the kept
// relocations (spans) in its extents, and the resolved branches in its
// code to functions of nodes not resident — before following its edges,
// so that they lead on; likewise from the roots' parts outside .init*
// and .exit* (a clone of an init function in .text). The relocations of
// init and exit sections are in already, and they need no scan: a
// resolved branch stays in its section, and theirs hold no eligible
// function.
func (g *refGraph) closeCandidates(spans []keptSpan) error {
	// Its scans' storage goes back for scanAll's.
	w := g.p.w
	defer w.giveBackScans(w.markScans())
	scans := make([]*resolvedScan, len(g.secs))
	made := make([]bool, len(g.secs))
	want := func(n int) bool { return g.nodes[n].eligible && !g.nodes[n].resident }
	var seen []bool
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
				return err
			}
			if !made[s.SectionIndex] {
				sc, err := g.newScan(s.SectionIndex, want)
				if err != nil {
					return err
				}
				scans[s.SectionIndex], made[s.SectionIndex] = sc, true
			}
			if sc := scans[s.SectionIndex]; sc != nil {
				sc.run(s.Value, s.Value+s.Size)
			}
		}
		seen = grown(seen, len(g.nodes))
		for e := g.nodes[n].out; e != 0; e = g.edges[e].nextOut {
			if t := g.edges[e].to; want(int(t)) && !seen[t] {
				seen[t] = true
				stack = append(stack, t)
			}
		}
	}
	return nil
}

// addRelocsIn adds the references of the kept relocations of section sec
// whose r_offset is in [lo, hi).
func (g *refGraph) addRelocsIn(spans []keptSpan, sec int, lo, hi uint64) error {
	for _, sp := range spans {
		if sp.sec != sec {
			continue
		}
		k, _ := slices.BinarySearchFunc(sp.rels, lo, func(c keptReloc, off uint64) int { return cmp.Compare(c.off, off) })
		for ; k < len(sp.rels) && sp.rels[k].off < hi; k++ {
			rel := sp.rels[k].rel()
			if err := g.addRelocTo(sec, classResident, sp.exec, &rel); err != nil {
				return err
			}
		}
	}
	return nil
}

// addInto adds the references of the kept relocations that may refer to
// a node of set: those against one of its symbols, or against a
// section symbol or label at an address one of its extents holds, as
// relocTargets would find it; the others are passed over at a glance.
func (g *refGraph) addInto(spans []keptSpan, set []bool) error {
	ext := g.setExtents(set)
	m := g.o.Machine()
	// What a symbol's entries need is found at its first (symVerdict):
	// a kept relocation took two or three loads at random places before.
	w := g.p.w
	w.verdicts = zeroed(w.verdicts, len(g.syms))
	verdicts := w.verdicts
	for _, sp := range spans {
		for k := range sp.rels {
			c := &sp.rels[k]
			v := verdicts[c.sym]
			if v == verdictUnknown {
				v = g.symVerdict(c.sym, set, ext)
				verdicts[c.sym] = v
			}
			switch v {
			case verdictNone:
				continue
			case verdictNode:
				if g.nodes[g.symNode[c.sym]].resident {
					continue // made so since
				}
			case verdictAddress:
				sym := &g.syms[c.sym]
				l := ext[sym.SectionIndex]
				bias := int64(0)
				if sp.exec {
					bias = sectionrt.PCBias(m, c.typ)
				}
				t := sym.Value + uint64(c.addend) + uint64(bias)
				if !inExtents(l, t) && (bias == 0 || g.secs[sym.SectionIndex].Flags&elf.SHF_EXECINSTR != 0 ||
					!inExtents(l, t+1) && !inExtents(l, t+2) && !inExtents(l, t+4)) {
					continue
				}
			}
			rel := c.rel()
			if err := g.addRelocTo(sp.sec, classResident, sp.exec, &rel); err != nil {
				return err
			}
		}
	}
	return nil
}

// What addInto does with the kept relocations against a symbol.
const (
	verdictUnknown uint8 = iota // not found yet
	verdictNone                 // nothing: they cannot refer to a node of the set
	verdictNode                 // the full path, unless its node is made resident since
	verdictAddress              // the full path when an extent of the set holds the address
)

// symVerdict is what addInto does with the kept relocations against
// symbol i, for set and its extents ext (setExtents'). Neither changes
// while addInto runs, and a node's resident flag only comes on, so that
// a verdict found at the first holds for the others.
func (g *refGraph) symVerdict(i int32, set []bool, ext [][]eligExtent) uint8 {
	if n := g.symNode[i]; n != 0 {
		if int(n) >= len(set) || !set[n] || g.nodes[n].resident {
			return verdictNone
		}
		return verdictNode
	}
	if len(ext[g.syms[i].SectionIndex]) == 0 {
		return verdictNone
	}
	return verdictAddress
}

// setExtents returns, for each section, the extents of the sized symbols
// in it of the nodes of set that are not resident (one made resident
// since needs no more), by start; empty for most. Every node of the sets
// it is given (seeds, members) has an edge: it is in g.cands. The lists
// are the workspace's, valid until the next call.
func (g *refGraph) setExtents(set []bool) [][]eligExtent {
	w := g.p.w
	w.setExt = grown(w.setExt, len(g.secs))
	ext := w.setExt[:len(g.secs)]
	for i := range ext {
		ext[i] = ext[i][:0] // kept from object to object: no pointers in them
	}
	for _, n := range g.cands {
		if int(n) >= len(set) || !set[n] || g.nodes[n].resident {
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

// inExtents reports whether one of l (setExtents') holds addr: most
// addresses fall outside them all.
func inExtents(l []eligExtent, addr uint64) bool {
	return addr >= l[0].lo && addr < l[len(l)-1].maxHi && holds(l, addr, false, true)
}
