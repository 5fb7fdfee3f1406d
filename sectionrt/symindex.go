package sectionrt

import (
	"cmp"
	"debug/elf"
	"slices"
	"sort"
	"strings"
)

// validName61 is 6.1's is_valid_name (modpost.c 6.1.192:1146): a non-empty
// name that is not an ARM mapping symbol ($a, $d, $t, $x, alone or
// followed by '.').
func validName61(name string) bool {
	if name == "" {
		return false
	}
	if len(name) >= 2 && name[0] == '$' && strings.IndexByte("adtx", name[1]) >= 0 && (len(name) == 2 || name[2] == '.') {
		return false
	}
	return true
}

// validName612 is 6.12's is_valid_name (modpost.h) with
// include/linux/module_symbol.h's is_mapping_symbol: not empty, not
// starting with ".L", "L0" or '$'.
//
// The first byte tells almost every name: a switch on it, rather than
// two prefix tests, each kept apart by the compiler (Named asks it of
// every symbol initsec suggest builds a graph for).
func validName612(name string) bool {
	if name == "" {
		return false
	}
	switch name[0] {
	case '$':
		return false
	case '.':
		return len(name) == 1 || name[1] != 'L'
	case 'L':
		return len(name) == 1 || name[1] != '0'
	}
	return true
}

// Named reports whether s is a symbol that sectionrt names references by
// (in a Reference's FromSym and ToSym, and in SymbolAt): not a section or
// file symbol, not unnamed, and not an assembler-local label (.L*, L0*)
// or a mapping symbol ($x, $d, ...), which name nothing in the source.
// Its receiver is a pointer, as Defined's: a value receiver copied the
// 104-byte Symbol at each call, even inlined (initsec suggest asks it of
// every symbol of the objects it builds a graph for).
func (s *Symbol) Named() bool {
	return s.Type != elf.STT_SECTION && s.Type != elf.STT_FILE && validName612(s.Name)
}

// exactName is Named for a symbol of the table.
func exactName(s *Symbol) bool { return s.Named() }

// symIndex answers "which symbol is at this address of this section",
// both the exact way and modpost's ways. Each table is built on first use:
// most objects have no reference to name, and 6.1's naming needs neither.
type symIndex struct {
	o *Object
	// linked: o is a linked module (.ko); modpost's searches then skip the
	// symbols the link added (linkerMade), which modpost did not see in
	// the .o.
	linked bool
	// bySec: for each section index, its defined symbols with exact
	// names, sorted by value then symbol index (built by buildBySec).
	bySec [][]int
	// ends[sec][i] is the greatest end (address + size, saturated) of
	// bySec[sec][:i+1]: no symbol at or before i holds an address at or
	// past it, which lets containing stop its backward scan early.
	ends [][]uint64
	// symsearch is 6.12's table (scripts/mod/symsearch.c): every symbol
	// with a valid name, sorted by (section, address, index), each run of
	// equal (section, address) carrying its lowest symbol index (built by
	// buildSymsearch).
	symsearch    []symsearchEntry
	hasSymsearch bool
}

type symsearchEntry struct {
	sec  uint32
	addr uint64
	sym  int
}

// symAddr is a symbol's address within its section: st_value, with the
// Thumb bit cleared for ARM functions (as symsearch.c does).
func (o *Object) symAddr(s *Symbol) uint64 {
	if o.f.Machine == elf.EM_ARM && s.Type == elf.STT_FUNC {
		return s.Value &^ 1
	}
	return s.Value
}

// secIndex is modpost's get_secindex: the section index, or reserved
// indices moved to the top of the range.
func secIndex(s *Symbol) uint32 {
	if s.Defined() {
		return uint32(s.SectionIndex)
	}
	sh := uint32(s.Shndx)
	if sh >= uint32(elf.SHN_LORESERVE) && sh <= 0xffff {
		return sh - 0xffff - 1
	}
	return sh
}

// CheckSymbolExtents reports, as a *FormatError, the first defined symbol
// (not a section or file symbol) whose bytes, st_value to st_value+st_size,
// run past the end of its section: the object is corrupt and no reference
// into it can be named. CheckMismatch refuses such an object before it
// names any address, and so should other users of SymbolAt.
func (o *Object) CheckSymbolExtents() error {
	if o.extentsChecked {
		return nil // a RawView's, which refuses what this would (RawView.symbol)
	}
	return o.checkSymbolExtents()
}

// checkSymbolExtents is CheckSymbolExtents.
func (o *Object) checkSymbolExtents() error {
	for i := 1; i < len(o.syms); i++ {
		s := &o.syms[i]
		if !s.Defined() || s.Type == elf.STT_SECTION || s.Type == elf.STT_FILE {
			continue
		}
		sec := o.section(s.SectionIndex)
		if sec == nil || sec.Type == elf.SHT_NULL {
			continue
		}
		addr := o.symAddr(s)
		if addr > sec.Size || s.Size > sec.Size-addr {
			return formatErr(o.name, -1, nil, "symbol %d (%s): value %#x size %#x runs past the end of section %d (%s, %#x bytes)",
				i, s.Name, s.Value, s.Size, sec.Index, sec.Name, sec.Size)
		}
	}
	return nil
}

// buildBySec builds bySec and ends.
func (x *symIndex) buildBySec() {
	o := x.o
	x.bySec = make([][]int, len(o.sections))
	for i := 1; i < len(o.syms); i++ {
		s := &o.syms[i]
		if s.Defined() && exactName(s) && s.SectionIndex < len(o.sections) {
			x.bySec[s.SectionIndex] = append(x.bySec[s.SectionIndex], i)
		}
	}
	x.ends = make([][]uint64, len(o.sections))
	for sec, l := range x.bySec {
		if len(l) == 0 {
			continue
		}
		slices.SortFunc(l, func(a, b int) int {
			if c := cmp.Compare(o.symAddr(&o.syms[a]), o.symAddr(&o.syms[b])); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		ends := make([]uint64, len(l))
		var m uint64
		for i, si := range l {
			s := &o.syms[si]
			a := o.symAddr(s)
			e := a + s.Size
			if e < a {
				e = ^uint64(0)
			}
			m = max(m, e)
			ends[i] = m
		}
		x.ends[sec] = ends
	}
}

// buildSymsearch builds symsearch.
func (x *symIndex) buildSymsearch() {
	o := x.o
	x.hasSymsearch = true
	for i := 0; i < len(o.syms); i++ {
		s := &o.syms[i]
		if validName612(s.Name) && !(x.linked && linkerMade(s)) {
			x.symsearch = append(x.symsearch, symsearchEntry{secIndex(s), o.symAddr(s), i})
		}
	}
	slices.SortFunc(x.symsearch, func(a, b symsearchEntry) int {
		if c := cmp.Compare(a.sec, b.sec); c != 0 {
			return c
		}
		if c := cmp.Compare(a.addr, b.addr); c != 0 {
			return c
		}
		return cmp.Compare(a.sym, b.sym)
	})
	for i := 1; i < len(x.symsearch); i++ {
		if x.symsearch[i].addr == x.symsearch[i-1].addr && x.symsearch[i].sec == x.symsearch[i-1].sec {
			x.symsearch[i].sym = x.symsearch[i-1].sym
		}
	}
}

// findNearest is symsearch_find_nearest (scripts/mod/symsearch.c, 6.12):
// the symbol at or below addr in section sec; with allowNegative also the
// first one above, if it is at most minDistance away and closer than the
// one below. Returns 0 (the null symbol) when there is none.
func (x *symIndex) findNearest(addr uint64, sec uint32, allowNegative bool, minDistance uint64) int {
	if !x.hasSymsearch {
		x.buildSymsearch()
	}
	t := x.symsearch
	// First entry comparing greater than (sec, addr, ~0).
	hi := sort.Search(len(t), func(i int) bool {
		return t[i].sec > sec || (t[i].sec == sec && t[i].addr > addr)
	})
	result := 0
	if allowNegative && hi < len(t) && t[hi].sec == sec && t[hi].addr-addr <= minDistance {
		minDistance = t[hi].addr - addr
		result = t[hi].sym
	}
	if hi > 0 && t[hi-1].sec == sec && addr-t[hi-1].addr <= minDistance {
		result = t[hi-1].sym
	}
	return result
}

// findElfSymbol2 is 6.1's find_elf_symbol2 (modpost.c 6.1.192:1205): the
// last symbol in table order, among those with a valid name in a section
// of the same NAME, at the greatest value <= addr. 0 when none.
func (x *symIndex) findElfSymbol2(addr uint64, secName string) int {
	o := x.o
	best, dist := 0, ^uint64(0)
	for i := 0; i < len(o.syms); i++ {
		s := &o.syms[i]
		if !s.Defined() || s.Section != secName || !validName61(s.Name) || (x.linked && linkerMade(s)) {
			continue
		}
		if s.Value <= addr && addr-s.Value <= dist {
			dist, best = addr-s.Value, i
		}
	}
	return best
}

// findElfSymbol is 6.1's find_elf_symbol (modpost.c 6.1.192:1157): the
// relocation's own symbol when it has a name; otherwise the first symbol of
// its section (not a section symbol, valid name) at exactly addr, else the
// first at the least distance below 20 bytes on either side (in 32-bit
// arithmetic, as modpost's Elf64_Sword). 0 when none.
func (x *symIndex) findElfSymbol(addr int32, relsym int) int {
	o := x.o
	rs := &o.syms[relsym]
	if rs.Name != "" {
		return relsym
	}
	sec := secIndex(rs)
	near, dist := 0, int32(20)
	for i := 0; i < len(o.syms); i++ {
		s := &o.syms[i]
		if secIndex(s) != sec || s.Type == elf.STT_SECTION || !validName61(s.Name) || (x.linked && linkerMade(s)) {
			continue
		}
		v := int32(s.Value)
		if v == addr {
			return i
		}
		d := v - addr
		if d < 0 {
			d = addr - v
		}
		if d < dist {
			dist, near = d, i
		}
	}
	if dist < 20 {
		return near
	}
	return 0
}

// containing returns the symbol (exact names only) of section sec that
// really holds addr: value <= addr < value+size, preferring a sized symbol
// to a zero-size label, then the smallest such object, one that starts at addr, and a name other than the
// module_init/module_exit aliases (init_module, cleanup_module). When no
// symbol holds it (assembler labels have size 0), the nearest one at or
// below addr; then one at most 20 bytes above (modpost's tolerance). 0 when
// the section has no named symbol near.
func (x *symIndex) containing(sec int, addr uint64, prefer int) int {
	o := x.o
	if x.bySec == nil {
		x.buildBySec()
	}
	var l []int
	var ends []uint64
	if sec >= 0 && sec < len(x.bySec) {
		l, ends = x.bySec[sec], x.ends[sec]
	}
	if prefer > 0 {
		p := &o.syms[prefer]
		a := o.symAddr(p)
		if exactName(p) && p.SectionIndex == sec && (a == addr || (a <= addr && addr-a < p.Size)) {
			return prefer
		}
	}
	// Symbols starting at or below addr: l[:n].
	n := sort.Search(len(l), func(i int) bool { return o.symAddr(&o.syms[l[i]]) > addr })
	best := 0
	better := func(a, b int) bool { // is a a better container than b?
		if b == 0 {
			return true
		}
		sa, sb := &o.syms[a], &o.syms[b]
		// A sized object or function holding addr names it better than a
		// zero-size label at the same address (e.g. the linker's
		// __start_/__stop_ markers that the module link adds).
		if za, zb := sa.Size == 0, sb.Size == 0; za != zb {
			return !za
		}
		if sa.Size != sb.Size {
			return sa.Size < sb.Size
		}
		aa, ab := isEntryAlias(sa.Name), isEntryAlias(sb.Name)
		if aa != ab {
			return !aa
		}
		return a < b
	}
	for i := n - 1; i >= 0; i-- {
		s := &o.syms[l[i]]
		a := o.symAddr(s)
		if ends[i] <= addr && a != addr {
			// Nothing in l[:i+1] holds addr: each ends at or before
			// it, and a zero-size label at addr would be at the top.
			break
		}
		if addr-a < s.Size || (s.Size == 0 && a == addr) {
			if better(l[i], best) {
				best = l[i]
			}
		}
		if addr-a > 1<<20 && best != 0 {
			break // far enough: objects are not that large in practice
		}
	}
	if best != 0 {
		return best
	}
	if n > 0 {
		// Nearest below; among equals the lowest index.
		a := o.symAddr(&o.syms[l[n-1]])
		i := n - 1
		for i > 0 && o.symAddr(&o.syms[l[i-1]]) == a {
			i--
		}
		return l[i]
	}
	if n < len(l) && o.symAddr(&o.syms[l[n]])-addr <= 20 {
		return l[n]
	}
	return 0
}

// SymbolAt returns the symbol of section sec (an index into Sections) that
// holds address addr, st_value <= addr < st_value+st_size, chosen as
// findings name the ends of a reference: a Named, defined symbol; the
// smallest that holds addr, then one other than the init_module and
// cleanup_module aliases, then the first in the table. ok is false when no
// sized symbol holds addr (bytes outside every symbol, or only assembler
// labels, which have size 0). For ARM functions the address is st_value
// without the Thumb bit.
//
// The index it searches is built on the first call.
func (o *Object) SymbolAt(sec int, addr uint64) (sym Symbol, ok bool) {
	o.atOnce.Do(func() {
		o.at = &symIndex{o: o}
		o.at.buildBySec()
	})
	i := o.at.containing(sec, addr, 0)
	if i == 0 {
		return Symbol{}, false
	}
	s := &o.syms[i]
	if a := o.symAddr(s); addr < a || addr-a >= s.Size {
		return Symbol{}, false // containing's nearest-name fallback
	}
	return *s, true
}

func isEntryAlias(name string) bool { return name == "init_module" || name == "cleanup_module" }

// linkerMade reports whether s, a symbol of a linked module, is one the
// module link defined and the .o did not have: the zero-size
// __start_SECTION and __stop_SECTION markers of the linker script
// (6.10 and later: __start_alloc_tags and __stop_alloc_tags at .data+0,
// from CODETAG_SECTIONS) or of ld for sections named like C identifiers.
// In the .o they are undefined, if present at all.
func linkerMade(s *Symbol) bool {
	return s.Size == 0 && s.Type == elf.STT_NOTYPE && s.Bind == elf.STB_GLOBAL &&
		(strings.HasPrefix(s.Name, "__start_") || strings.HasPrefix(s.Name, "__stop_"))
}

// linkedModule reports whether o is a linked module (a .ko: it has the
// .gnu.linkonce.this_module section of NAME.mod.o) rather than the
// module's .o that modpost reads at build time.
func (o *Object) linkedModule() bool {
	for i := range o.sections {
		if o.sections[i].Name == ".gnu.linkonce.this_module" {
			return true
		}
	}
	return false
}
