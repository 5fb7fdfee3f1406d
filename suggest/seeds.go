package suggest

import (
	"cmp"
	"debug/elf"
	"encoding/binary"
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
	// ents are a view's symbol entries (RawView.SymbolEntries), which the
	// seed search reads: syms is nil until it finds a seed. names is the
	// view, until Find takes the Object made from it; both nil for an
	// Object.
	ents  []byte
	names *sectionrt.RawView
	// class[i] is refClassOf(&secs[i]); secKinds[i], what eligible
	// symbols section i may hold.
	class    []refClass
	secKinds []secKind
	// elig[i] lists the extents of the eligible symbols of section i,
	// sorted by start, each with the greatest end up to it; nil when it
	// has none. Of a view, a section's list is built when extents first
	// asks for it (the seed search needs few sections'), every list by
	// complete; built[i]: elig[i] is built.
	elig  [][]eligExtent
	built []bool
	// cands are the symbols eligible would pass, the name aside, in table
	// order: of a view, the names are read only for the candidates of the
	// sections extents builds, or by complete (exact). candCount[i]: how
	// many are in section i.
	cands     []candidate
	candCount []int32
	// eligFuncs[i]: section i holds an eligible function (exact).
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

// candidate is a symbol that may be eligible and its section: 8 bytes,
// since a workspace keeps room for its largest object's (the extent is
// read from the symbol when wanted).
type candidate struct{ sym, sec int32 }

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

// symFields is what the seed search reads of a symbol: a view's entry
// (RawView.SymbolEntries), or a Symbol.
type symFields struct {
	value, size uint64
	sec         int // SectionIndex
	typ         elf.SymType
	bind        elf.SymBind
	defined     bool
}

// sym returns symbol i's fields: from a view's entries while the seed
// search runs on one, else from p.syms. Symbol 0 is the zero Symbol,
// whatever its entry holds (a relocation may name it).
func (p *prefilter) sym(i int) symFields {
	if p.ents != nil {
		if i == 0 {
			return symFields{}
		}
		return entryFields(p.ents[i*elf.Sym64Size:][:elf.Sym64Size])
	}
	s := &p.syms[i]
	return symFields{value: s.Value, size: s.Size, sec: s.SectionIndex, typ: s.Type, bind: s.Bind, defined: s.Defined()}
}

// entryFields decodes a view's entry e as RawView.Symbols would (a view
// has no SHN_XINDEX entry: its section index is st_shndx).
func entryFields(e []byte) symFields {
	le := binary.LittleEndian
	shndx := elf.SectionIndex(le.Uint16(e[6:]))
	return symFields{
		value: le.Uint64(e[8:]), size: le.Uint64(e[16:]), sec: int(shndx),
		typ: elf.ST_TYPE(e[4]), bind: elf.ST_BIND(e[4]), defined: shndx != elf.SHN_UNDEF && shndx < elf.SHN_LORESERVE,
	}
}

// member is isMember for symbol i of the table, whose fields are f.
func (p *prefilter) member(i int, f *symFields) bool {
	return p.memberUnnamed(f) && p.named(i)
}

// memberUnnamed is member but for the name, which costs the most to
// tell in a view.
func (p *prefilter) memberUnnamed(f *symFields) bool {
	return (f.typ == elf.STT_FUNC || f.typ == elf.STT_OBJECT) && f.sec > 0 && f.sec < len(p.secs) && f.defined
}

// named is p.syms[i].Named(), from the view while p.syms is unnamed.
func (p *prefilter) named(i int) bool {
	if p.names == nil {
		return p.syms[i].Named()
	}
	return p.names.SymbolNamed(i)
}

// name is p.syms[i].Name, from the view while p.syms is unnamed.
func (p *prefilter) name(i int) string {
	if p.names == nil {
		return p.syms[i].Name
	}
	return p.names.SymbolName(i)
}

// hasBase reports whether baseName(p.syms[i].Name) is base (which has no
// '.'), from the view while p.syms is unnamed, reading no more of the
// name.
func (p *prefilter) hasBase(i int, base string) bool {
	if p.names == nil {
		return baseName(p.syms[i].Name) == base
	}
	return p.names.SymbolHasBase(i, base)
}

// eligible reports whether member i (fields f) may be suggested as far as
// it alone tells: local (or, in a linked module, global: bindEligible),
// sized, a function in .text* or an object in .rodata*, .data*, .bss*
// (see eligibleSection); a node is eligible when every member is.
func (p *prefilter) eligible(i int, f *symFields) bool {
	return p.eligibleUnnamed(f) && p.eligibleName(i, f)
}

// eligibleName is the part of eligible that reads the name: an object's
// has no '.' (see the package doc: gcc's name.N of function-local
// statics).
func (p *prefilter) eligibleName(i int, f *symFields) bool {
	return f.typ == elf.STT_FUNC || strings.IndexByte(p.name(i), '.') < 0
}

// eligibleUnnamed is eligible but for an object's name.
func (p *prefilter) eligibleUnnamed(f *symFields) bool {
	return bindEligible(f.bind, p.linked) && f.size != 0 && p.secKinds[f.sec]&kindOf(f.typ) != 0
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
// RawView, the symbol entries, with the few names it needs.
func newPrefilter(o source, w *workspace) *prefilter {
	p := &w.prefilter // one per workspace: not allocated for each object
	*p = prefilter{o: o, m: o.Machine(), secs: o.SectionTable(), w: w}
	if v, ok := o.(*sectionrt.RawView); ok {
		p.ents, p.names = v.SymbolEntries(), v
	} else {
		p.syms = o.SymbolTable()
	}
	p.linked = linkedModule(p.secs)
	w.class = zeroed(w.class, len(p.secs))
	w.secKinds = zeroed(w.secKinds, len(p.secs))
	p.class, p.secKinds = w.class, w.secKinds
	var ids []int32
	if p.names != nil {
		ids = p.names.SectionNameIDs()
	}
	for i := range p.secs {
		if ids != nil && ids[i] >= 0 {
			p.class[i], p.secKinds[i] = w.sectionClassID(&p.secs[i], ids[i])
		} else {
			p.class[i], p.secKinds[i] = w.sectionClass(&p.secs[i])
		}
	}
	w.count = zeroed(w.count, len(p.secs))
	ps := symPass{
		roots: p.rootsBuf[:0], cands: w.seedCands[:0],
		locals: w.localFuncs[:0], files: w.localFiles[:0], count: w.count,
	}
	p.pass(&ps)
	w.seedCands, w.localFuncs, w.localFiles = ps.cands, ps.locals, ps.files
	p.cands, p.candCount = ps.cands, ps.count
	w.elig = zeroed(w.elig, len(p.secs))
	w.built = zeroed(w.built, len(p.secs))
	w.eligFuncs = zeroed(w.eligFuncs, len(p.secs))
	w.eligAll = w.eligAll[:0] // extents builds the lists in it
	p.elig, p.built, p.eligFuncs = w.elig, w.built, w.eligFuncs
	if len(ps.roots) > 0 {
		p.mixed = p.findMixed(ps.roots, ps.locals, ps.files)
	}
	if p.names == nil {
		// An Object's prefilter may go to a graph (newRefGraph) without
		// complete: exact now, as the graph reads it; the seed search
		// reads the lists.
		p.exact(true)
	}
	return p
}

// symPass is what newPrefilter's pass over the symbols lists.
type symPass struct {
	// (file, base name) of local functions in init and exit sections.
	roots [][2]string
	// The candidates (prefilter.cands); count, how many in each section.
	cands []candidate
	count []int32
	// The local functions outside init and exit sections, which findMixed
	// compares with roots, and of a view the STT_FILE symbol before each
	// (0 for none), its File.
	locals, files []int32
}

// pass is newPrefilter's pass over the symbols: of a view, over its
// entries, the fields read where they lie (a Symbol decoded for none);
// the names of init and exit functions only, which cost the most in a
// view.
func (p *prefilter) pass(ps *symPass) {
	if p.ents != nil {
		p.passEntries(ps)
		return
	}
	syms, class, kinds, nsecs, linked := p.syms, p.class, p.secKinds, len(p.secs), p.linked
	for i := 1; i < len(syms); i++ {
		s := &syms[i]
		if s.Type != elf.STT_FUNC && s.Type != elf.STT_OBJECT {
			continue
		}
		sec := s.SectionIndex
		if !s.Defined() || sec <= 0 || sec >= nsecs {
			continue
		}
		if s.Type == elf.STT_FUNC && s.Bind == elf.STB_LOCAL {
			p.noteLocal(ps, i, class[sec], 0)
		}
		if bindEligible(s.Bind, linked) && s.Size != 0 && kinds[sec]&kindOf(s.Type) != 0 {
			ps.cands = append(ps.cands, candidate{sym: int32(i), sec: int32(sec)})
			ps.count[sec]++
		}
	}
}

// passEntries is pass over a view's entries. The loop keeps few values
// live (each entry a slice of the rest; the lists in ps): the compiler
// spilled and reloaded the rest each symbol.
func (p *prefilter) passEntries(ps *symPass) {
	class, kinds, linked := p.class, p.secKinds, p.linked
	// A section number past the table, or reserved, is no section.
	limit := min(len(p.secs), int(elf.SHN_LORESERVE))
	le, file := binary.LittleEndian, int32(0)
	i := 0
	for e := p.ents; len(e) >= 2*elf.Sym64Size; {
		e, i = e[elf.Sym64Size:], i+1
		// The type first: it rules out most symbols for less.
		if typ := elf.ST_TYPE(e[4]); typ != elf.STT_FUNC && typ != elf.STT_OBJECT {
			if typ == elf.STT_FILE {
				file = int32(i)
			}
		} else if sec := int(le.Uint16(e[6:])); sec != 0 && sec < limit { // memberUnnamed, the type aside
			bind := elf.ST_BIND(e[4])
			if typ == elf.STT_FUNC && bind == elf.STB_LOCAL {
				p.noteLocal(ps, i, class[sec], file)
			}
			// eligibleUnnamed (never true of a root: init and exit
			// sections hold no eligible symbol).
			if bindEligible(bind, linked) && le.Uint64(e[16:]) != 0 && kinds[sec]&kindOf(typ) != 0 {
				ps.cands = append(ps.cands, candidate{sym: int32(i), sec: int32(sec)})
				ps.count[sec]++
			}
		}
	}
}

// noteLocal lists local function i, in a section of class c, whose
// STT_FILE symbol before it is file (of a view): a root when in an init or
// exit section (and named), else one of the locals findMixed compares
// with the roots.
func (p *prefilter) noteLocal(ps *symPass, i int, c refClass, file int32) {
	if c != classInit && c != classExit {
		ps.locals = append(ps.locals, int32(i))
		ps.files = append(ps.files, file)
	} else if p.named(i) {
		ps.roots = append(ps.roots, [2]string{p.file(i, file), baseName(p.name(i))})
	}
}

// kindOf is the secKind a section must have to hold an eligible symbol
// of type t, a function or an object.
func kindOf(t elf.SymType) secKind {
	if t == elf.STT_FUNC {
		return funcSection
	}
	return objectSection
}

// file is p.syms[i].File: of a view, the name of STT_FILE symbol file
// (0: none), which its pass found before symbol i.
func (p *prefilter) file(i int, file int32) string {
	switch {
	case p.ents == nil:
		return p.syms[i].File
	case file == 0:
		return ""
	}
	return p.names.SymbolName(int(file))
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
		nc = classOfName(s)
		w.names[s.Name] = nc
	}
	return nc.of(s)
}

// sectionClassID is sectionClass for a section of a view, whose name's
// number (sectionrt.RawView.SectionNameIDs) is id: from w's table by
// number, without hashing the name.
func (w *workspace) sectionClassID(s *sectionrt.Section, id int32) (refClass, secKind) {
	if int(id) >= len(w.classByID) {
		w.classByID = append(w.classByID, make([]nameClass, int(id)+1-len(w.classByID))...)
	}
	nc := &w.classByID[id]
	if !nc.known {
		*nc = classOfName(s)
	}
	return nc.of(s)
}

// classOfName is what sectionClass keeps of s's name.
func classOfName(s *sectionrt.Section) nameClass {
	alloc := *s
	alloc.Flags |= elf.SHF_ALLOC
	return nameClass{class: refClassOf(&alloc), kind: eligibleSection(s.Name), known: true}
}

// of is sectionClass's answer for s, whose name's class nc is.
func (nc nameClass) of(s *sectionrt.Section) (refClass, secKind) {
	c := nc.class
	if s.Flags&elf.SHF_ALLOC == 0 {
		c = classIgnore // refClassOf's first rule
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
	known bool // in sectionClassID's table: set
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

// extents is elig[sec], built from the candidates of section sec whose
// names are eligible (eligibleName of a named symbol) when first asked
// for, and sorted.
func (p *prefilter) extents(sec int) []eligExtent {
	if p.built[sec] {
		return p.elig[sec]
	}
	p.built[sec] = true
	if p.candCount[sec] == 0 {
		return nil
	}
	all := p.w.eligAll
	if n := int(p.candCount[sec]); cap(all)-len(all) < n {
		// Grown (a list built before keeps the old array) to what the
		// lists need, not to every candidate: the workspace keeps it.
		all = slices.Grow(all, n)
	}
	l := all[len(all):len(all)]
	for k := range p.cands {
		if c := p.cands[k]; int(c.sec) == sec {
			if e, ok := p.eligibleCand(c); ok {
				l = append(l, e)
			}
		}
	}
	p.w.eligAll = all[:len(all)+len(l)] // within its room: no copy (at most candCount[sec])
	p.sorted(l)
	if len(l) == 0 {
		l = nil
	}
	p.elig[sec] = l
	return l
}

// eligibleCand returns candidate c's extent, and whether it is eligible:
// named, and an eligible name (eligibleName).
func (p *prefilter) eligibleCand(c candidate) (eligExtent, bool) {
	i := int(c.sym)
	f := p.sym(i)
	fn := f.typ == elf.STT_FUNC
	return eligExtent{lo: f.value, hi: f.value + f.size, fn: fn}, p.named(i) && (fn || strings.IndexByte(p.name(i), '.') < 0)
}

// sorted sorts l by start and sets each extent's maxHi.
func (p *prefilter) sorted(l []eligExtent) {
	p.w.sortExtents(l)
	var m uint64
	for i := range l {
		m = max(m, l[i].hi)
		l[i].maxHi = m
	}
}

// complete makes p what the graph reads (exact), the names those of o,
// the Object made from the view p was read from (or read itself); the
// lists of eligible extents are the graph's to build (buildSymTable).
func (p *prefilter) complete(o *sectionrt.Object) {
	p.o, p.syms, p.ents, p.names = o, o.SymbolTable(), nil, nil
	p.exact(false)
}

// exact keeps the eligible candidates, and sets candCount to their count
// in each section and eligFuncs; w.eligSyms lists them in table order,
// which buildSymTable reads. With lists, it builds every section's list
// from them, sorted; without, it leaves them empty (built) for
// buildSymTable, which sorts every symbol of each section by address
// and fills them from that (eligibleExtents) rather than sort them
// again. p.syms must be o's table, named (an Object's): the fields are
// read from it in place, not through sym (a call and a copy for each,
// which took twice exact's own time on the seeded modules of Debian
// 6.1's tree).
func (p *prefilter) exact(lists bool) {
	w := p.w
	cands, elig := p.cands[:0], w.eligSyms[:0]
	count := zeroed(p.candCount, len(p.secs))
	for _, c := range p.cands {
		// eligibleCand, of a named Symbol.
		s := &p.syms[c.sym]
		fn := s.Type == elf.STT_FUNC
		if s.Named() && (fn || strings.IndexByte(s.Name, '.') < 0) {
			cands = append(cands, c)
			elig = append(elig, c.sym)
			count[c.sec]++
			p.eligFuncs[c.sec] = p.eligFuncs[c.sec] || fn
		}
	}
	p.cands, p.candCount, w.seedCands, w.eligSyms = cands, count, cands, elig
	for i := range p.elig {
		p.elig[i], p.built[i] = nil, true
	}
	if !lists {
		return
	}
	all := slices.Grow(w.eligAll[:0], len(cands))
	for i, n := range count {
		if n > 0 {
			p.elig[i] = all[len(all) : len(all) : len(all)+int(n)]
			all = all[:len(all)+int(n)]
		}
	}
	w.eligAll = all
	for _, c := range cands {
		s := &p.syms[c.sym]
		p.elig[c.sec] = append(p.elig[c.sec], eligExtent{lo: s.Value, hi: s.Value + s.Size, fn: s.Type == elf.STT_FUNC})
	}
	for _, l := range p.elig {
		p.sorted(l)
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
// sections (locals, listed by newPrefilter's pass over the symbols, with
// their files of a view) has the translation unit and base name of one in
// them (which joinSymbols makes one node).
func (p *prefilter) findMixed(rootFuncs [][2]string, locals, files []int32) bool {
	v := p.names
	var buf [8]basePrefix
	prefixes := buf[:0]
	for _, r := range rootFuncs {
		prefixes = append(prefixes, prefixOf(r[1]))
	}
	for k, i := range locals {
		// Of a view, the first eight bytes of the name first: a module's
		// functions share a prefix, but most differ from the roots' in
		// eight bytes.
		if v != nil && !anyPrefix(prefixes, v.SymbolNamePrefix(int(i))) {
			continue
		}
		file := p.file(int(i), files[k])
		for _, r := range rootFuncs {
			if r[0] != file {
				continue
			}
			// hasBase, the view's inlined.
			if has := v != nil && v.SymbolHasBase(int(i), r[1]) || v == nil && p.hasBase(int(i), r[1]); has && p.named(int(i)) {
				return true
			}
		}
	}
	return false
}

// basePrefix is what the first eight bytes of a name (little-endian, 0
// past its end: sectionrt.RawView.SymbolNamePrefix) are, under mask, when
// the name's base is base: w0 for the name base, w1 for base and a '.'
// (equal for a base of eight bytes or more, whose first eight they are).
type basePrefix struct{ mask, w0, w1 uint64 }

// prefixOf returns base's basePrefix.
func prefixOf(base string) basePrefix {
	if len(base) >= 8 {
		w := binary.LittleEndian.Uint64([]byte(base[:8]))
		return basePrefix{^uint64(0), w, w}
	}
	var w uint64
	for k := range len(base) {
		w |= uint64(base[k]) << (8 * k)
	}
	// base's bytes and the one after (a NUL or a '.'); a shift of 64, for
	// seven bytes, gives 0: the mask is every byte.
	return basePrefix{1<<(8*(len(base)+1)) - 1, w, w | '.'<<(8*len(base))}
}

// anyPrefix reports whether a name with prefix x may have the base of one
// of prefixes: exactly, for a base shorter than eight bytes.
func anyPrefix(prefixes []basePrefix, x uint64) bool {
	for _, b := range prefixes {
		if m := x & b.mask; m == b.w0 || m == b.w1 {
			return true
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
	i := int(rel.Sym)
	sym := p.sym(i)
	if !sym.defined || sym.sec <= 0 || sym.sec >= len(p.secs) {
		return false
	}
	if p.member(i, &sym) {
		// The graph's target is sym's node, eligible only if sym is.
		return (any || (sym.typ == elf.STT_FUNC) == fn) && p.eligible(i, &sym)
	}
	l := p.extents(sym.sec)
	if len(l) == 0 {
		return false
	}
	// As relocTargets: the address, and for data 1, 2 or 4 bytes on.
	bias := sectionrt.PCBias(p.m, rel.Type)
	t := sym.value + uint64(rel.Addend) + uint64(bias)
	if holds(l, t, fn, any) {
		return true
	}
	if bias != 0 && p.secs[sym.sec].Flags&elf.SHF_EXECINSTR == 0 {
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
