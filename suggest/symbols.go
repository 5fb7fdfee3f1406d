package suggest

import (
	"cmp"
	"debug/elf"
	"math/bits"
	"slices"

	"github.com/initsec/initsec/sectionrt"
)

// symTable is the graph's own index of the symbols SymbolAt chooses
// among (the Named, defined symbols of each section, by address, then
// table order: SectionSymbols' order), in compact entries, so that a
// lookup reads no Symbol. In a plain section (plainSection) it answers
// what SymbolAt answers; elsewhere the graph asks SymbolAt.
type symTable struct {
	// all lists every such symbol; sized, those with a size. Section
	// sec's are all[allAt[sec]:allAt[sec+1]] and
	// sized[sizedAt[sec]:sizedAt[sec+1]].
	all, sized     []symEntry
	allAt, sizedAt []int32
	plain          []uint8 // plainSection's answers: 0 not yet known, 1 yes, 2 no
	count          []int32 // scratch: symbols per section
	scratch        []symEntry
}

// symEntry is a symbol's extent [lo, hi) and its index; sec is its
// section, with eligibleEntry set for an eligible member, for
// buildSymTable (a flag rather than a field, which would make each entry
// a third larger).
type symEntry struct {
	lo, hi   uint64
	sym, sec int32
}

// eligibleEntry marks the entry of an eligible member in symEntry.sec.
const eligibleEntry = 1 << 30

// buildSymTable indexes g's symbols into w's tables, lists the members
// in w.members, starts joinSymbols' union-find forest (w.parent,
// w.counted: each member alone, counted) and g.relSym, and builds the
// seed search's lists of eligible extents (g.p.elig), which exact left
// to it: it sorts every symbol of each section by address, and they are
// among them.
//
// It is one pass over the symbols, the only one that reads every
// Symbol (104 bytes each, a few MB in a large module): what each later
// pass needs of one is in the compact entries or among the members.
func (g *refGraph) buildSymTable(w *workspace) {
	t := &w.symTab
	nsec := len(g.secs)
	t.count = zeroed(t.count, nsec+1)
	ents := g.symEntries(w)
	for sec := range nsec {
		t.count[sec+1] += t.count[sec]
	}
	t.allAt = append(t.allAt[:0], t.count...)
	t.all = resized(t.all, len(ents))
	for _, e := range ents {
		sec := e.sec &^ eligibleEntry
		t.all[t.count[sec]] = e
		t.count[sec]++
	}
	// Each section's entries are in table order: sorted stably by
	// address, they are by address, then table order; the sized ones
	// follow.
	t.scratch = ents
	t.sized = slices.Grow(t.sized[:0], len(ents))
	t.sizedAt = append(t.sizedAt[:0], 0)
	p := g.p
	w.eligAll = slices.Grow(w.eligAll[:0], len(w.eligSyms))
	for sec := range nsec {
		l := t.all[t.allAt[sec]:t.allAt[sec+1]]
		sortByAddress(l, t.scratch)
		for _, e := range l {
			if e.hi != e.lo {
				t.sized = append(t.sized, e)
			}
		}
		t.sizedAt = append(t.sizedAt, int32(len(t.sized)))
		if p.candCount[sec] > 0 {
			p.elig[sec] = g.eligibleExtents(l, int(p.candCount[sec]))
		}
	}
	t.plain = zeroed(t.plain, nsec)
	g.symTab = t
}

// symEntries lists in table order, in w.symTab.scratch, the entries of
// the symbols SymbolAt chooses among (defined and Named), counting those
// of each section in w.symTab.count (at the next section's index), and
// lists the members.
func (g *refGraph) symEntries(w *workspace) []symEntry {
	t, nsec := &w.symTab, len(g.secs)
	// Grown once to what the symbols can need: initsec suggest runs each
	// workspace from empty, and growing by appends copies each table
	// several times.
	n := len(g.syms)
	members := slices.Grow(w.members[:0], n)
	w.memberInfo = slices.Grow(w.memberInfo[:0], n)
	w.locals, w.globalFuncs = w.locals[:0], w.globalFuncs[:0]
	w.files.reset()
	w.relSym = zeroed(w.relSym, len(g.syms))
	g.relSym = w.relSym
	// Only the members' entries are read: no need to clear them.
	w.parent, w.counted = resized(w.parent, len(g.syms)), resized(w.counted, len(g.syms))
	ents := slices.Grow(t.scratch[:0], n)
	// The seed search listed the eligible members, in table order
	// (exact): a member is eligible when it is the next of them.
	eligs, next := w.eligSyms, 0
	for i := 1; i < len(g.syms); i++ {
		s := &g.syms[i]
		if !s.Defined() {
			continue
		}
		// Named (sectionrt's index, symindex.go buildBySec) and a member
		// (isMember) from one call.
		sec := s.SectionIndex
		if sec < nsec && s.Named() {
			e := symEntry{lo: s.Value, hi: s.Value + s.Size, sym: int32(i), sec: int32(sec)}
			if e.hi < e.lo {
				e.hi = ^uint64(0) // saturated, as sectionrt's ends
			}
			t.count[sec+1]++
			if sec > 0 && (s.Type == elf.STT_FUNC || s.Type == elf.STT_OBJECT) {
				members = append(members, int32(i))
				eligible := next < len(eligs) && eligs[next] == int32(i)
				if eligible {
					next++
					e.sec |= eligibleEntry
				}
				ents = append(ents, e)
				g.addMember(w, int32(i), s, eligible)
				continue
			}
			ents = append(ents, e)
		}
		if sec > 0 && sec < nsec && g.p.candCount[sec] > 0 {
			// A section symbol or a label that is no member: it may
			// reach the section's eligible symbols (relSymBits).
			g.relSym[i] = g.relSymOf(sec)
		}
	}
	w.members = members
	return ents
}

// eligibleExtents returns the extents of the n eligible members among l,
// a section's entries by address, then table order: exact's list for
// the section, sorted as sortExtents sorts it (by start, then table
// order), with each maxHi. Its storage is w.eligAll's room for every
// eligible member.
func (g *refGraph) eligibleExtents(l []symEntry, n int) []eligExtent {
	w := g.p.w
	all := w.eligAll
	out := all[len(all):len(all):min(len(all)+n, cap(all))]
	var m uint64
	for _, e := range l {
		if e.sec&eligibleEntry != 0 {
			// The end unsaturated, as exact's.
			s := &g.syms[e.sym]
			x := eligExtent{lo: s.Value, hi: s.Value + s.Size, fn: s.Type == elf.STT_FUNC}
			m = max(m, x.hi)
			x.maxHi = m
			out = append(out, x)
		}
	}
	w.eligAll = all[:min(len(all)+len(out), cap(all))] // n at most: within the room
	return out
}

// memberInfo is what newRefGraph needs of a member: read by
// buildSymTable with the rest of its Symbol, so that the passes over the
// members read these rather than the Symbols again.
type memberInfo struct {
	size  uint64
	sec   int32
	flags uint8
}

// The bits of memberInfo.flags.
const (
	memberObject   uint8 = 1 << iota // STT_OBJECT, else STT_FUNC
	memberEligible                   // prefilter.eligible
)

// addMember records member i, symbol s, for newRefGraph and joinSymbols:
// alone in its group and counted, its memberInfo (eligible: whether
// prefilter.eligible holds for it), and, for a local function, its group
// key (localGroups), for a global one, its index (globalParts).
func (g *refGraph) addMember(w *workspace, i int32, s *sectionrt.Symbol, eligible bool) {
	w.parent[i], w.counted[i] = i, true
	m := memberInfo{size: s.Size, sec: int32(s.SectionIndex)}
	if s.Type == elf.STT_OBJECT {
		m.flags |= memberObject
	}
	if eligible {
		m.flags |= memberEligible
	}
	w.memberInfo = append(w.memberInfo, m)
	switch {
	case s.Type != elf.STT_FUNC:
	case s.Bind == elf.STB_LOCAL:
		w.locals = append(w.locals, localKeyOf(i, s, &w.files))
	case s.Bind == elf.STB_GLOBAL:
		w.globalFuncs = append(w.globalFuncs, i)
	}
}

// sortByAddress sorts l stably by address, with scratch as large: a
// radix sort on bytes, since a linked module's section holds up to tens of
// thousands of symbols, its locals in address order and its globals in
// none, and comparison sorts cost several times as much from a hundred
// symbols on.
func sortByAddress(l, scratch []symEntry) {
	var top uint64
	sorted := true
	for k := range l {
		top |= l[k].lo
		sorted = sorted && (k == 0 || l[k-1].lo <= l[k].lo)
	}
	switch {
	case sorted:
		return
	case len(l) < 32:
		slices.SortStableFunc(l, func(a, b symEntry) int { return cmp.Compare(a.lo, b.lo) })
		return
	}
	src, dst := l, scratch[:len(l)]
	for shift := 0; shift < bits.Len64(top); shift += 8 {
		var at [257]int
		for _, e := range src {
			at[int(byte(e.lo>>shift))+1]++
		}
		for d := 1; d < len(at); d++ {
			at[d] += at[d-1]
		}
		for _, e := range src {
			d := byte(e.lo >> shift)
			dst[at[d]] = e
			at[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &l[0] {
		copy(l, src)
	}
}

// section returns section sec's entries, every one (all) or the sized.
func (t *symTable) section(sec int, all bool) []symEntry {
	if all {
		return t.all[t.allAt[sec]:t.allAt[sec+1]]
	}
	return t.sized[t.sizedAt[sec]:t.sizedAt[sec+1]]
}

// plainSection reports whether SymbolAt's answer in section sec is the
// symbol table's own: whether no two sized symbols of the section with
// different extents overlap, so that the sized symbols holding an address
// are those with exactly the extent of the last one starting at or below
// it (a zero-size label never wins over a sized symbol), and none is
// larger than 1 MiB, past which SymbolAt stops looking back
// (symindex.go, containing).
func (t *symTable) plainSection(sec int) bool {
	if t.plain[sec] == 0 {
		t.plain[sec] = 1
		var last symEntry
		for _, e := range t.section(sec, false) {
			switch {
			case e.hi-e.lo > 1<<20:
				t.plain[sec] = 2
			case e.lo == last.lo && e.hi == last.hi:
			case e.lo < last.hi:
				t.plain[sec] = 2
			default:
				last = e
			}
		}
	}
	return t.plain[sec] == 1
}

// symbolAt returns the symbol of plain section sec that SymbolAt finds at
// addr: of those holding it (one extent), the first in the table that is
// not init_module or cleanup_module, else the first; and that extent. 0
// when no sized symbol holds addr.
func (g *refGraph) symbolAt(sec int, addr uint64) (sym int32, lo, hi uint64) {
	l := g.symTab.section(sec, false)
	// The last starting at or below addr: l[k-1].
	k, n := 0, len(l)
	for k < n {
		m := int(uint(k+n) >> 1)
		if l[m].lo <= addr {
			k = m + 1
		} else {
			n = m
		}
	}
	k--
	if k < 0 || addr >= l[k].hi {
		return 0, 0, 0
	}
	e := l[k]
	best := int32(0)
	for ; k >= 0 && l[k].lo == e.lo; k-- {
		if s := l[k].sym; best == 0 || isEntryAlias(g.syms[best].Name) && !isEntryAlias(g.syms[s].Name) || s < best && isEntryAlias(g.syms[s].Name) == isEntryAlias(g.syms[best].Name) {
			best = s
		}
	}
	return best, e.lo, e.hi
}
