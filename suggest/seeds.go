package suggest

import (
	"cmp"
	"debug/elf"
	"slices"
	"strings"

	"github.com/initsec/initsec/sectionrt"
)

// Most objects have nothing to suggest, and that is cheap to show: every
// suggestion is reachable from init (or exit) code through suggestions, so
// the first on such a path is referenced by init (or exit) code itself.
// Init code lives in .init* sections, an eligible symbol never does, and
// the assembler resolves a reference only inside one section: so that
// first reference is a relocation of an .init* (or .exit*) section, a
// call to a function or an access to an object (an address taken escapes
// and keeps its target resident). The one exception is a node that joins
// a function of an .init* section with a clone of it elsewhere (foo in
// .init.text, foo.part.0 in .text): the node is init code, and its clone's
// references come from outside .init*. Find looks for such a seed first,
// reading only the init and exit code and its relocations, and builds the
// graph (solveInStages) only when it finds one.

// prefilter is what the seed search knows of an object: each section's
// class and the extents of its eligible symbols.
type prefilter struct {
	w    *workspace
	o    source
	m    elf.Machine
	secs []sectionrt.Section
	syms []sectionrt.Symbol // o's own table: not modified
	// names is the view syms was read from, unnamed (RawView.Symbols),
	// until Find takes the Object made from it; nil for an Object.
	names *sectionrt.RawView
	// class[i] is refClassOf(&secs[i]); secKinds[i], what eligible
	// symbols section i may hold.
	class    []refClass
	secKinds []secKind
	// elig[i] lists the extents of the eligible symbols of section i,
	// sorted by start, each with the greatest end up to it; nil when it
	// has none. A view's are sorted when extents first reads them (the
	// seed search needs few sections'), or by complete.
	elig [][]eligExtent
	// eligFuncs[i]: section i holds an eligible function.
	eligFuncs []bool
	// mixed: some function of an init or exit section shares its
	// translation unit and base name with a local function elsewhere.
	mixed bool
	// linked: o is a linked module, whose globals may be suggested
	// (bindEligible).
	linked bool
	// rels are o's relocation sections when p was read from a view
	// (ScreenView): its Object's RelocSections, which the view checked
	// as that does (sectionrt.RawView). Nil otherwise.
	rels []sectionrt.RelocSection
	// rootsBuf holds newPrefilter's list of init and exit functions,
	// unless there are more (the workspace holds p: no allocation for
	// each object).
	rootsBuf [8][2]string
}

// eligExtent is where an eligible symbol's bytes are, and its type.
type eligExtent struct {
	lo, hi uint64
	fn     bool
	maxHi  uint64 // the greatest hi of this extent and those before it
}

// isMember reports whether symbol s can be part of a node: a defined,
// named function or object in a section of the object.
func isMember(s *sectionrt.Symbol, nsecs int) bool {
	// The type and index first: they rule out most symbols for less.
	return (s.Type == elf.STT_FUNC || s.Type == elf.STT_OBJECT) && s.SectionIndex > 0 && s.SectionIndex < nsecs && s.Defined() && s.Named()
}

// member is isMember for a symbol of p.syms, named or not.
func (p *prefilter) member(s *sectionrt.Symbol) bool {
	return p.memberUnnamed(s) && p.named(s)
}

// memberUnnamed is member but for the name, which costs the most to
// tell in a view.
func (p *prefilter) memberUnnamed(s *sectionrt.Symbol) bool {
	return (s.Type == elf.STT_FUNC || s.Type == elf.STT_OBJECT) && s.SectionIndex > 0 && s.SectionIndex < len(p.secs) && s.Defined()
}

// named is s.Named(), from the view while p.syms is unnamed.
func (p *prefilter) named(s *sectionrt.Symbol) bool {
	if p.names == nil {
		return s.Named()
	}
	return p.names.SymbolNamed(s.Index)
}

// name is s.Name, from the view while p.syms is unnamed.
func (p *prefilter) name(s *sectionrt.Symbol) string {
	if p.names == nil {
		return s.Name
	}
	return p.names.SymbolName(s.Index)
}

// hasBase reports whether baseName(s.Name) is base (which has no '.'),
// from the view while p.syms is unnamed, reading no more of the name.
func (p *prefilter) hasBase(s *sectionrt.Symbol, base string) bool {
	if p.names == nil {
		return baseName(s.Name) == base
	}
	return p.names.SymbolHasBase(s.Index, base)
}

// eligible reports whether member s may be suggested as far as it alone
// tells: local (or, in a linked module, global: bindEligible), sized, a function in .text* or an object in .rodata*,
// .data*, .bss* (see eligibleSection); a node is eligible when every
// member is.
func (p *prefilter) eligible(s *sectionrt.Symbol) bool {
	return p.eligibleUnnamed(s) && p.eligibleName(s)
}

// eligibleName is the part of eligible that reads the name: an object's
// has no '.' (see the package doc: gcc's name.N of function-local
// statics).
func (p *prefilter) eligibleName(s *sectionrt.Symbol) bool {
	return s.Type == elf.STT_FUNC || strings.IndexByte(p.name(s), '.') < 0
}

// eligibleUnnamed is eligible but for an object's name.
func (p *prefilter) eligibleUnnamed(s *sectionrt.Symbol) bool {
	if !bindEligible(s, p.linked) || s.Size == 0 {
		return false
	}
	if s.Type == elf.STT_FUNC {
		return p.secKinds[s.SectionIndex]&funcSection != 0
	}
	return p.secKinds[s.SectionIndex]&objectSection != 0
}

// secKind says what eligible symbols a section may hold.
type secKind uint8

const (
	funcSection secKind = 1 << iota
	objectSection
)

// source is what the seed search reads of an object: an Object, or the
// sectionrt.RawView a Screen read of one (Clean).
type source interface {
	Machine() elf.Machine
	SectionTable() []sectionrt.Section
	SymbolTable() []sectionrt.Symbol
	EachRelocation(rs sectionrt.RelocSection, f func(sectionrt.Relocation) bool) error
	SectionDataBuf(i int, buf []byte) ([]byte, error)
}

// newPrefilter reads o's sections and symbols, into w's tables; of a
// RawView, the symbols unnamed, with the few names it needs.
func newPrefilter(o source, w *workspace) *prefilter {
	p := &w.prefilter // one per workspace: not allocated for each object
	*p = prefilter{o: o, m: o.Machine(), secs: o.SectionTable(), w: w}
	if v, ok := o.(*sectionrt.RawView); ok {
		p.syms, p.names = v.Symbols(), v
	} else {
		p.syms = o.SymbolTable()
	}
	p.linked = linkedModule(p.secs)
	w.class = zeroed(w.class, len(p.secs))
	w.secKinds = zeroed(w.secKinds, len(p.secs))
	p.class, p.secKinds = w.class, w.secKinds
	for i := range p.secs {
		p.class[i], p.secKinds[i] = w.sectionClass(&p.secs[i])
	}
	// (file, base name) of local functions in init and exit sections.
	rootFuncs := p.rootsBuf[:0]
	// The eligible symbols (member and eligible), in table order, which
	// buildSymTable reads again; then by section.
	elig := w.eligSyms[:0]
	// The local functions outside init and exit sections, which findMixed
	// compares with rootFuncs.
	locals := w.localFuncs[:0]
	w.count = zeroed(w.count, len(p.secs))
	count := w.count
	for i := 1; i < len(p.syms); i++ {
		s := &p.syms[i]
		// The name last: in a view it costs the most, and few symbols
		// that pass the rest are not named.
		if !p.memberUnnamed(s) {
			continue
		}
		c := p.class[s.SectionIndex]
		localFunc := s.Type == elf.STT_FUNC && s.Bind == elf.STB_LOCAL
		root := localFunc && (c == classInit || c == classExit)
		if localFunc && !root {
			locals = append(locals, int32(i))
		}
		mayElig := p.eligibleUnnamed(s)
		if !root && !mayElig || !p.named(s) {
			continue
		}
		if root {
			rootFuncs = append(rootFuncs, [2]string{s.File, baseName(p.name(s))})
		}
		if mayElig && p.eligibleName(s) {
			elig = append(elig, int32(i))
			count[s.SectionIndex]++
		}
	}
	w.eligSyms, w.localFuncs = elig, locals
	w.elig = zeroed(w.elig, len(p.secs))
	w.eligFuncs = zeroed(w.eligFuncs, len(p.secs))
	w.eligAll = zeroed(w.eligAll, len(elig))[:0]
	p.elig, p.eligFuncs = w.elig, w.eligFuncs
	all := w.eligAll
	for i, c := range count {
		if c > 0 {
			p.elig[i] = all[len(all) : len(all) : len(all)+int(c)]
			all = all[:len(all)+int(c)]
		}
	}
	for _, i := range elig {
		s := &p.syms[i]
		p.elig[s.SectionIndex] = append(p.elig[s.SectionIndex], eligExtent{lo: s.Value, hi: s.Value + s.Size, fn: s.Type == elf.STT_FUNC})
		p.eligFuncs[s.SectionIndex] = p.eligFuncs[s.SectionIndex] || s.Type == elf.STT_FUNC
	}
	if len(rootFuncs) > 0 {
		p.mixed = p.findMixed(rootFuncs, locals)
	}
	if p.names == nil {
		// An Object's prefilter may go to a graph (newRefGraph) without
		// complete: sorted now, as the graph reads it.
		p.sortAll()
	}
	return p
}

// sectionClass is refClassOf(s) and, unless that is classInit or
// classExit, eligibleSection(s.Name): from w's cache of names, since a
// tree's modules share a few hundred section names (a view's are the same
// strings, interned by its Screen) and matching them took a tenth of the
// seed screen.
func (w *workspace) sectionClass(s *sectionrt.Section) (refClass, secKind) {
	nc, ok := w.names[s.Name]
	if !ok {
		if w.names == nil || len(w.names) >= maxNames {
			// Past what a tree of linked modules needs (.o files built
			// with -ffunction-sections name a section per function).
			w.names = make(map[string]nameClass)
		}
		alloc := *s
		alloc.Flags |= elf.SHF_ALLOC
		nc = nameClass{class: refClassOf(&alloc), kind: eligibleSection(s.Name)}
		w.names[s.Name] = nc
	}
	c := nc.class
	if s.Flags&elf.SHF_ALLOC == 0 {
		c = refClassOf(s) // classIgnore
	}
	if c == classInit || c == classExit {
		return c, 0
	}
	return c, nc.kind
}

// nameClass is what sectionClass keeps of a section name: its class were
// the section SHF_ALLOC, and eligibleSection's answer.
type nameClass struct {
	class refClass
	kind  secKind
}

// maxNames bounds sectionClass's cache.
const maxNames = 8192

// viewRels is p.rels: nil for a nil p, or one not read from a view.
func (p *prefilter) viewRels() []sectionrt.RelocSection {
	if p == nil {
		return nil
	}
	return p.rels
}

// extents is elig[sec], sorted. A list is unsorted while its first
// maxHi is 0: sorted, it is an end, past a start since an eligible
// symbol has a size (one that wraps, in a malformed section of type
// SHT_NULL, whose extents nothing checks, is sorted again each time).
func (p *prefilter) extents(sec int) []eligExtent {
	l := p.elig[sec]
	if len(l) > 0 && l[0].maxHi == 0 {
		p.w.sortExtents(l)
		var m uint64
		for i := range l {
			m = max(m, l[i].hi)
			l[i].maxHi = m
		}
	}
	return l
}

// complete makes p what the graph reads: every section's extents sorted,
// and the names those of o, the Object made from the view p was read
// from (or read itself).
func (p *prefilter) complete(o *sectionrt.Object) {
	p.o, p.syms, p.names = o, o.SymbolTable(), nil
	p.sortAll()
}

// sortAll sorts every section's extents.
func (p *prefilter) sortAll() {
	for sec := range p.elig {
		p.extents(sec)
	}
}

// sortExtents sorts l by start. holds depends on no order among equal
// starts, so the extents are sorted as packed keys (start, position), a
// sort without a comparison call, which took half of SortFunc's time on
// Debian 6.1's modules; a start or a list too large to pack (malformed
// input: .bss can claim any size) takes SortFunc.
func (w *workspace) sortExtents(l []eligExtent) {
	const posBits = 20
	if len(l) < 2 {
		return
	}
	keys := w.extentKeys[:0]
	sorted := true
	for i := range l {
		if l[i].lo >= 1<<(64-posBits) || len(l) > 1<<posBits {
			slices.SortFunc(l, func(a, b eligExtent) int { return cmp.Compare(a.lo, b.lo) })
			return
		}
		sorted = sorted && (i == 0 || l[i-1].lo <= l[i].lo)
		keys = append(keys, l[i].lo<<posBits|uint64(i))
	}
	w.extentKeys = keys
	if sorted {
		return
	}
	slices.Sort(keys)
	was := append(w.extentsWas[:0], l...)
	for i, k := range keys {
		l[i] = was[k&(1<<posBits-1)]
	}
	w.extentsWas = was
}

// findMixed reports whether a local function outside the init and exit
// sections (locals, listed by newPrefilter's pass over the symbols) has
// the translation unit and base name of one in them (which joinSymbols
// makes one node).
func (p *prefilter) findMixed(rootFuncs [][2]string, locals []int32) bool {
	for _, i := range locals {
		s := &p.syms[i]
		for _, r := range rootFuncs {
			if r[0] == s.File && p.hasBase(s, r[1]) && p.named(s) {
				return true
			}
		}
	}
	return false
}

// seeded reports whether the object may have a suggestion: a seed, or a
// node that makes the search blind (mixed). It reads only the init and
// exit code and its relocations.
func (p *prefilter) seeded(rels []sectionrt.RelocSection) (bool, error) {
	if p.mixed {
		return true, nil
	}
	for _, r := range rels {
		if !p.rootCode(r.Target) {
			// Not init or exit code: init data only takes addresses.
			continue
		}
		var found bool
		var err, decodeErr error
		if p.names != nil {
			// The view's EachRelocation keeps no reference to the
			// scan: it stays on the stack, not allocated for each
			// section as through the interface.
			sc := seedScan{p: p, sec: r.Target}
			decodeErr = p.names.EachRelocation(r, sc.visit)
			found, err = sc.found, sc.err
		} else {
			sc := &seedScan{p: p, sec: r.Target}
			decodeErr = p.o.EachRelocation(r, sc.visit)
			found, err = sc.found, sc.err
		}
		switch {
		case decodeErr != nil:
			return false, decodeErr
		case err != nil:
			return false, err
		case found:
			return true, nil
		}
	}
	return false, nil
}

// rootCode reports whether section sec is init or exit code.
func (p *prefilter) rootCode(sec int) bool {
	c := p.class[sec]
	return (c == classInit || c == classExit) && p.secs[sec].Flags&elf.SHF_EXECINSTR != 0
}

// A seedScan looks for a seed in the relocations of init or exit code
// section sec, reading the code once a relocation needs it.
type seedScan struct {
	p     *prefilter
	sec   int
	code  []byte
	found bool
	err   error
}

// visit looks at relocation rel; false stops the scan: a seed found or
// an error.
func (sc *seedScan) visit(rel sectionrt.Relocation) bool {
	p := sc.p
	if !p.mayReach(rel) {
		return true
	}
	if sc.code == nil {
		if sc.code, sc.err = p.w.sectionData(p.o, sc.sec); sc.err != nil {
			return false
		}
	}
	sc.found = p.seed(rel, sc.code)
	return !sc.found
}

// mayReach reports whether relocation rel refers to an eligible symbol,
// as relocTargets finds them, whatever the instruction does with it: only
// then need the code be read to tell.
func (p *prefilter) mayReach(rel sectionrt.Relocation) bool {
	return p.reaches(rel, false, true)
}

// seed reports whether relocation rel of init or exit code calls an
// eligible function or accesses an eligible object: whether some
// eligible symbol holds an address the graph could take for its target.
func (p *prefilter) seed(rel sectionrt.Relocation, code []byte) bool {
	kind := refKindOf(p.m, code, rel)
	return kind != refAddress && p.reaches(rel, kind == refCall, false)
}

// reaches reports whether rel refers to an eligible function (fn) or
// object, or to either (any).
func (p *prefilter) reaches(rel sectionrt.Relocation, fn, any bool) bool {
	sym := &p.syms[rel.Sym]
	if !sym.Defined() || sym.SectionIndex <= 0 || sym.SectionIndex >= len(p.secs) {
		return false
	}
	if p.member(sym) {
		// The graph's target is sym's node, eligible only if sym is.
		return (any || (sym.Type == elf.STT_FUNC) == fn) && p.eligible(sym)
	}
	if len(p.elig[sym.SectionIndex]) == 0 {
		return false
	}
	l := p.extents(sym.SectionIndex)
	// As relocTargets: the address, and for data 1, 2 or 4 bytes on.
	bias := sectionrt.PCBias(p.m, rel.Type)
	t := sym.Value + uint64(rel.Addend) + uint64(bias)
	if holds(l, t, fn, any) {
		return true
	}
	if bias != 0 && p.secs[sym.SectionIndex].Flags&elf.SHF_EXECINSTR == 0 {
		for _, k := range []uint64{1, 2, 4} {
			if holds(l, t+k, fn, any) {
				return true
			}
		}
	}
	return false
}

// holds reports whether an extent of l of type fn (a function, else an
// object) holds addr; any also counts the other type.
func holds(l []eligExtent, addr uint64, fn, any bool) bool {
	// Extents starting at or below addr: l[:n]; back from the last while
	// one of them may still reach past addr.
	n, _ := slices.BinarySearchFunc(l, addr+1, func(e eligExtent, a uint64) int { return cmp.Compare(e.lo, a) })
	for i := n - 1; i >= 0 && l[i].maxHi > addr; i-- {
		if addr < l[i].hi && (any || l[i].fn == fn) {
			return true
		}
	}
	return false
}
