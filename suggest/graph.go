package suggest

import (
	"debug/elf"
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"

	"github.com/initsec/initsec/sectionrt"
)

// The reference graph. Its nodes are every symbol group of the object,
// but it holds only the edges into eligible nodes: no other edge can
// change what members finds (a node that is not eligible is never a member,
// and reachability only passes through members). Of those, the edges that
// rule their target out whatever else comes are a flag (edges.go).

// refNode is one suggestible unit: a function with its clones and parts,
// or one object; or one of the pseudo-nodes that stand for referring bytes
// no symbol covers.
//
// Its fields are packed (32 bytes): newRefGraph makes a node for each
// function and object, tens of thousands in a large module, and the
// searches go through them.
type refNode struct {
	size uint64
	// first and last are its first and last member symbols in table
	// order, linked through refGraph.next. A pseudo-node has no member:
	// first is 0, and last indexes refGraph.labels, its name.
	first, last int32
	// in and out head the node's lists of edges in refGraph.edges: its
	// referrers and its targets (0: none).
	in, out  int32
	class    refClass // of the section it lives in; classResident for candidates and resident symbols
	eligible bool
	object   bool
	// resident: a referrer that is neither eligible nor root code
	// (resident code or data, a site list, an escaping address) keeps the
	// node resident whatever else refers to it. Such a referrer is this
	// flag, not an edge (see edge).
	resident bool
}

// root reports whether the node is code or data of root class c (not a
// candidate itself).
func (nd *refNode) root(c refClass) bool { return nd.class == c && !nd.eligible }

type refGraph struct {
	o *sectionrt.Object
	p *prefilter
	// secs and syms are o's sections and symbols, indexed as in the ELF
	// file: syms[0] is the null symbol, so a relocation's Sym indexes it.
	secs  []sectionrt.Section
	syms  []sectionrt.Symbol
	nodes []refNode
	// labels are the pseudo-nodes' names (refNode.last).
	labels []string
	// symNode maps a symbol index to its node (0: none); next links the
	// members of a node.
	symNode []int32
	next    []int32
	// anon[sec] is the pseudo-node for bytes of section sec outside every
	// symbol (0 until needed).
	anon []int
	// edges holds the edges; edges[0] is unused, so that 0 ends a list.
	edges []refEdge
	// roots lists the nodes of init or exit code (root(classInit) or
	// root(classExit)); cands, the nodes given an edge, in the order of
	// their first (eligible, and not resident then), so that members and
	// the searches need not go through every node.
	roots, cands []int32
	// rootIn[sec]: a symbol of section sec, itself neither init nor exit,
	// is part of an init or exit node (a clone of an init function).
	rootIn []bool
	// symTab indexes the symbols by section and address.
	symTab *symTable
	// at caches nodeAt's last answer in a plain section: the node of
	// the symbol whose extent [lo, hi) of section sec held the address.
	at struct {
		sec    int
		lo, hi uint64
		node   int
	}
	// target is the same for eligibleAt's last answer.
	target struct {
		sec    int
		lo, hi uint64
		node   int
	}
	// relSym[i] says what a relocation against symbol i may refer to
	// (relSymBits).
	relSym []uint8
	// code[sec] is the bytes of code section sec, once read; patched[sec]
	// marks the bytes its relocations patch, which the scan for resolved
	// branches does not read.
	code    [][]byte
	patched [][]uint64 // bit k of word k/64: byte k
	// startsOf[sec] is allStarts' answer for code section sec (nil: not
	// made yet).
	startsOf [][]funcStart
}

// newRefGraph builds the nodes of o's symbols, into the tables of p's
// workspace.
func newRefGraph(o *sectionrt.Object, p *prefilter) *refGraph {
	w := p.w
	g := &refGraph{o: o, p: p, secs: p.secs, syms: p.syms, labels: w.labels[:0]}
	w.anon = zeroed(w.anon, len(g.secs))
	w.code = zeroed(w.code, len(g.secs))
	w.patched = zeroed(w.patched, len(g.secs))
	w.rootIn = zeroed(w.rootIn, len(g.secs))
	w.edges = zeroed(w.edges, 1)
	w.startsOf = zeroed(w.startsOf, len(g.secs))
	g.anon, g.code, g.patched, g.rootIn, g.edges, g.startsOf = w.anon, w.code, w.patched, w.rootIn, w.edges, w.startsOf
	g.buildSymTable(w)
	members, parent, counted := g.joinSymbols()
	w.nodes = slices.Grow(zeroed(w.nodes, 1), len(members)) // a node for each member at most, and a few pseudo-nodes
	g.nodes = w.nodes                                       // 0: no node
	// symNode first holds, for a group's representative, its node.
	w.symNode = zeroed(w.symNode, len(g.syms))
	w.next = zeroed(w.next, len(g.syms))
	g.symNode, g.next = w.symNode, w.next
	infos := w.memberInfo
	for k, i := range members {
		r := find(parent, i)
		n := g.symNode[r]
		if n == 0 {
			g.nodes = append(g.nodes, refNode{class: classResident, eligible: true, object: infos[k].flags&memberObject != 0, first: i})
			n = int32(len(g.nodes) - 1)
			g.symNode[r] = n
		}
		g.addSymbol(int(n), i, &infos[k], counted[i])
	}
	for k, i := range members {
		sec := infos[k].sec
		if c := g.nodes[g.symNode[i]].class; (c == classInit || c == classExit) && g.p.class[sec] != c {
			g.rootIn[sec] = true
		}
	}
	g.roots, g.cands = w.roots[:0], w.cands[:0]
	for n := range g.nodes {
		if c := g.nodes[n].class; (c == classInit || c == classExit) && !g.nodes[n].eligible {
			g.roots = append(g.roots, int32(n))
		}
	}
	g.relSymBits(members, infos)
	return g
}

// find is union-find's: the representative of i's group.
func find(parent []int32, i int32) int32 {
	for parent[i] != i {
		parent[i] = parent[parent[i]]
		i = parent[i]
	}
	return i
}

// joinSymbols finds the symbols that are one source symbol: foo,
// foo.cold, foo.isra.0 of one translation unit (local functions with the
// same name up to the first '.'), and aliases (same section, address,
// size and type: init_module and cleanup_module name the module_init and
// module_exit functions, which struct module references through them);
// in a linked module also a global function and its local parts
// (globalParts). It returns the symbols that can be nodes (defined, Named functions and
// objects in a section), in table order; parent, a union-find forest of
// their groups; and counted, whether a symbol is the first in table order
// with its extent, whose size counts (an alias adds nothing).
func (g *refGraph) joinSymbols() (members, parent []int32, counted []bool) {
	w := g.p.w
	// buildSymTable's, each member alone and counted.
	members, parent, counted = w.members, w.parent, w.counted
	groups := w.groups
	defer func() { w.groups = groups }() // groups as long as used: see release
	union := func(a, b int32) { parent[find(parent, a)] = find(parent, b) }
	groups = localGroups(w.locals, &w.groupOf, groups, union)
	// Aliases start at one address: the symbol table lists each
	// section's symbols by address, then table order.
	for sec := range g.secs {
		l := g.symTab.section(sec, true)
		for k := 0; k < len(l); {
			run := k + 1
			for run < len(l) && l[run].lo == l[k].lo {
				run++
			}
			if run-k > 1 {
				g.joinAliases(l[k:run], parent, counted)
			}
			k = run
		}
	}
	if g.p.linked {
		for _, pair := range w.parts.globalParts(g.syms, w.globalFuncs, groups) {
			union(pair[0], pair[1])
		}
	}
	return members, parent, counted
}

// localGroup is a group of local functions: their base name, the first
// in table order, and whether one is named exactly the base name.
type localGroup struct {
	base  string
	file  int32
	first int32
	exact bool
}

// localKey is a local function's group key: its base name and
// translation unit (a fileIDs number); exact, whether its name is the
// base name.
type localKey struct {
	base  string
	file  int32
	sym   int32
	exact bool
}

// localKeyOf is the localKey of symbol i, s, a local function; files
// numbers the translation units.
func localKeyOf(i int32, s *sectionrt.Symbol, files *fileIDs) localKey {
	base := baseName(s.Name)
	return localKey{base: base, file: files.id(s.File), sym: i, exact: len(base) == len(s.Name)}
}

// localGroups returns the groups of the local functions of keys (in
// table order), in groups' storage, and calls join with each function
// after the first of its group and that first one. A group is the
// functions of one translation unit (by STT_FILE name) with one base
// name; byKey is scratch.
func localGroups(keys []localKey, byKey *groupIndex, groups []localGroup, join func(i, first int32)) []localGroup {
	groups = groups[:0]
	byKey.reset(len(keys))
	for _, k := range keys {
		slot := byKey.find(k.file, k.base, groups)
		if j := *slot - 1; j >= 0 {
			join(k.sym, groups[j].first)
			groups[j].exact = groups[j].exact || k.exact
			continue
		}
		groups = append(groups, localGroup{base: k.base, file: k.file, first: k.sym, exact: k.exact})
		*slot = int32(len(groups))
	}
	return groups
}

// groupIndex finds a group by translation unit and base name: open
// addressing over the hash of the pair. A map keyed by the pair would
// hash the string and compare keys in its own code, several times as
// slow, and a linked module has tens of thousands of local functions.
type groupIndex struct {
	hashes []uint64
	groups []int32 // the group's index + 1; 0: empty
	mask   uint64
}

// reset empties x for n keys at most.
func (x *groupIndex) reset(n int) {
	size := 1 << bits.Len(uint(2*n))
	x.hashes = zeroed(x.hashes, size)
	x.groups = zeroed(x.groups, size)
	x.mask = uint64(size - 1)
}

// find returns the slot of the group of (file, base) among groups: its
// index + 1, or 0 where a new group of that key is to go.
func (x *groupIndex) find(file int32, base string, groups []localGroup) *int32 {
	h := maphash.String(groupSeed, base) ^ uint64(file)*0x9e3779b97f4a7c15
	for k := h & x.mask; ; k = (k + 1) & x.mask {
		j := x.groups[k]
		if j == 0 {
			x.hashes[k] = h
			return &x.groups[k]
		}
		if x.hashes[k] == h && groups[j-1].file == file && groups[j-1].base == base {
			return &x.groups[k]
		}
	}
}

// groupSeed hashes base names for groupIndex.
var groupSeed = maphash.MakeSeed()

// joinAliases joins the sized members among syms, symbols at one address
// in table order, that have one size and type, and counts each extent
// once: for its first symbol.
func (g *refGraph) joinAliases(syms []symEntry, parent []int32, counted []bool) {
	for j, eb := range syms {
		b := eb.sym
		sb := &g.syms[b]
		if sb.Size == 0 || !isMember(sb, len(g.secs)) {
			continue
		}
		for _, ea := range syms[:j] {
			if sa := &g.syms[ea.sym]; sa.Size == sb.Size && sa.Type == sb.Type && isMember(sa, len(g.secs)) {
				parent[find(parent, b)] = find(parent, ea.sym)
				counted[b] = false
				break
			}
		}
	}
}

// fileIDs numbers STT_FILE names: the symbols of one translation unit
// follow each other, so the last name answers most lookups. The zero
// value is ready; reset starts the numbering again.
type fileIDs struct {
	last   string
	lastID int32
	valid  bool // last and lastID hold a name and its number
	ids    map[string]int32
}

func (f *fileIDs) id(name string) int32 {
	if f.valid && name == f.last {
		return f.lastID
	}
	if f.ids == nil {
		f.ids = map[string]int32{}
	}
	id, ok := f.ids[name]
	if !ok {
		id = int32(len(f.ids))
		f.ids[name] = id
	}
	f.last, f.lastID, f.valid = name, id, true
	return id
}

// reset forgets every name, keeping the map's storage.
func (f *fileIDs) reset() {
	clear(f.ids)
	f.last, f.valid = "", false
}

// addSymbol makes member i, of memberInfo m, a part of node n: its size
// (unless an alias counted it already), its name, and what its section
// and binding say about the node.
func (g *refGraph) addSymbol(n int, i int32, m *memberInfo, counted bool) {
	nd := &g.nodes[n]
	if nd.last != 0 {
		g.next[nd.last] = i
	}
	nd.last = i
	if counted {
		nd.size += m.size
	}
	if class := g.p.class[m.sec]; class == classInit || class == classExit {
		nd.class = class
	}
	if m.flags&memberEligible == 0 {
		nd.eligible = false
	}
	g.symNode[i] = int32(n)
}

// addPseudo adds a pseudo-node of class class named label and returns it.
func (g *refGraph) addPseudo(label string, class refClass) int {
	g.labels = append(g.labels, label)
	g.nodes = append(g.nodes, refNode{last: int32(len(g.labels) - 1), class: class})
	return len(g.nodes) - 1
}

// name is node n's name: the source name of a symbol, or a pseudo-node's.
func (g *refGraph) name(n int) string {
	if g.nodes[n].first == 0 {
		return g.labels[g.nodes[n].last]
	}
	return baseName(g.syms[g.named(n)].Name)
}

// sectionName is where node n's symbol is, as name names it.
func (g *refGraph) sectionName(n int) string {
	return g.secs[g.syms[g.named(n)].SectionIndex].Name
}

// named is the member that gives node n its name and section: the last
// whose name is its own base name and not init_module or cleanup_module
// (foo, not foo.cold); else its first, whose base name it takes. Found
// when asked, for the few nodes Find names, rather than for each member.
func (g *refGraph) named(n int) int32 {
	named := g.nodes[n].first
	for i := named; i != 0; i = g.next[i] {
		if name := g.syms[i].Name; strings.IndexByte(name, '.') < 0 && !isEntryAlias(name) {
			named = i
		}
	}
	return named
}

// memberNames lists node n's symbols in table order, and file is the
// first STT_FILE among them ("" when none has one).
func (g *refGraph) memberNames(n int) (names []string, file string) {
	for i := g.nodes[n].first; i != 0; i = g.next[i] {
		names = append(names, g.syms[i].Name)
		if file == "" {
			file = g.syms[i].File
		}
	}
	return names, file
}

// section returns the section with index i, or nil.
func (g *refGraph) section(i int) *sectionrt.Section {
	if i <= 0 || i >= len(g.secs) {
		return nil
	}
	return &g.secs[i]
}

// baseName is a symbol name up to its first '.': a function and its
// clones and parts (foo, foo.isra.0, foo.cold) share it.
func baseName(name string) string {
	base, _, _ := strings.Cut(name, ".")
	return base
}

// isEntryAlias reports whether name is one of the aliases module_init and
// module_exit define for the entry functions.
func isEntryAlias(name string) bool { return name == "init_module" || name == "cleanup_module" }

// eligibleSection says what a section of that name may hold that can be
// suggested: functions in .text*; objects in .rodata*, .data*, .bss*,
// without per-cpu data (its own allocation, never freed) and .data.once
// (the flags of WARN_ONCE and friends, made by macros).
func eligibleSection(sec string) secKind {
	if sec == ".text" || strings.HasPrefix(sec, ".text.") {
		return funcSection
	}
	if strings.HasPrefix(sec, ".data..percpu") || sec == ".data.once" {
		return 0
	}
	for _, p := range [...]string{".rodata", ".data", ".bss"} {
		if strings.HasPrefix(sec, p) && (len(sec) == len(p) || sec[len(p)] == '.') {
			return objectSection
		}
	}
	return 0
}

// sectionCode returns the bytes of code section sec, read once.
func (g *refGraph) sectionCode(sec int) ([]byte, error) {
	if g.code[sec] == nil {
		b, err := g.p.w.sectionData(g.o, sec)
		if err != nil {
			return nil, err
		}
		g.code[sec] = b
	}
	return g.code[sec], nil
}

// addRelocs adds the references of relocation section r into eligible
// nodes, and marks the bytes it patches in a section the scan for
// resolved branches may read.
func (g *refGraph) addRelocs(r sectionrt.RelocSection) error {
	src := &g.secs[r.Target]
	class := g.p.class[r.Target]
	if src.Flags&elf.SHF_ALLOC == 0 {
		return nil
	}
	exec := src.Flags&elf.SHF_EXECINSTR != 0
	var mask []uint64
	if exec && src.Type == elf.SHT_PROGBITS && g.p.eligFuncs[r.Target] {
		mask = g.patchMask(r.Target)
	}
	m := g.o.Machine()
	// Only these symbols' relocations can reach an eligible node: the
	// others (another object's, or a section without eligible symbols)
	// cost a load and a test.
	want := symTarget
	if class == classSite {
		want = symTargetData // a site list's entries into code count for nothing
	}
	if class == classIgnore {
		want = 0
	}
	relSym := g.relSym
	var err error
	lastType, width := ^uint32(0), uint64(0) // relocWidth's, for the type of most entries in a row
	decodeErr := g.o.EachRela64(r, &g.p.w.relocs, func(entries []byte) bool {
		for j := 0; j < len(entries); j += sectionrt.Rela64Size {
			e := entries[j : j+sectionrt.Rela64Size : j+sectionrt.Rela64Size]
			off, info := binary.LittleEndian.Uint64(e), binary.LittleEndian.Uint64(e[8:])
			sym, typ := uint32(info>>32), uint32(info)
			if mask != nil {
				if typ != lastType {
					lastType, width = typ, relocWidth(m, typ)
				}
				markPatched(mask, off, width)
			}
			if relSym[sym]&want != 0 {
				rel := sectionrt.Rela64Relocation(e)
				if err = g.addRelocTo(r.Target, class, exec, &rel); err != nil {
					return false
				}
			}
		}
		return true
	})
	if decodeErr != nil {
		return decodeErr
	}
	return err
}

// relocBuf is the storage addRelocs reads relocations into.
type relocBuf = sectionrt.RelocBuf

// addRelocTo adds the references of relocation rel of section sec (of
// class class; exec: code) to the eligible nodes it may refer to.
func (g *refGraph) addRelocTo(sec int, class refClass, exec bool, rel *sectionrt.Relocation) error {
	sym := &g.syms[rel.Sym]
	var targets [5]int
	if t := g.relocTargets(targets[:0], *rel, sym, &g.secs[sym.SectionIndex], exec); len(t) > 0 {
		return g.addReloc(sec, class, *rel, t)
	}
	return nil
}

// The bits of refGraph.relSym: what a relocation against the symbol may
// refer to.
const (
	// symTargetCode: an eligible node in a code section (the symbol's
	// own, or one of the section's eligible symbols at the address).
	symTargetCode uint8 = 1 << iota
	// symTargetData: likewise, in a section that is not code.
	symTargetData
	symTarget = symTargetCode | symTargetData
)

// markPatched sets the bits of the width bytes at off in mask, those
// that fall in it: bit k of word k/64 is byte k. The bits of the last
// word past the section's end are never read.
func markPatched(mask []uint64, off, width uint64) {
	w, b := off/64, off%64
	if w >= uint64(len(mask)) {
		return
	}
	bits := uint64(1)<<width - 1
	mask[w] |= bits << b
	if b+width > 64 && w+1 < uint64(len(mask)) {
		mask[w+1] |= bits >> (64 - b)
	}
}

// relSymBits completes g.relSym, which says for each symbol which
// eligible nodes a relocation against it may reach, as relocTargets finds
// them (0 for none: undefined, or neither an eligible node's symbol nor
// a section or label in a section with eligible symbols): buildSymTable
// set the symbols that are no member, and a member's is its node's;
// infos are the members' (buildSymTable).
func (g *refGraph) relSymBits(members []int32, infos []memberInfo) {
	for k, i := range members {
		if g.nodes[g.symNode[i]].eligible {
			g.relSym[i] = g.relSymOf(int(infos[k].sec))
		}
	}
}

// relSymOf is the relSym bit of a symbol of section sec that may reach an
// eligible node.
func (g *refGraph) relSymOf(sec int) uint8 {
	if g.secs[sec].Flags&elf.SHF_EXECINSTR != 0 {
		return symTargetCode
	}
	return symTargetData
}

// patchMask returns the bitset of the bytes of section sec that
// relocations patch, made on first use.
func (g *refGraph) patchMask(sec int) []uint64 {
	if g.patched[sec] == nil {
		g.patched[sec] = g.p.w.bitset(int((g.secs[sec].Size + 63) / 64))
	}
	return g.patched[sec]
}

// addReloc adds the references of relocation rel of section sec (of class
// class) to its eligible targets.
func (g *refGraph) addReloc(sec int, class refClass, rel sectionrt.Relocation, targets []int) error {
	live := false
	for _, to := range targets {
		live = live || !g.nodes[to].resident
	}
	if !live {
		return nil // nothing can change what a resident node is
	}
	kind := refAddress
	if g.secs[sec].Flags&elf.SHF_EXECINSTR != 0 {
		code, err := g.sectionCode(sec) // to tell a call from taking an address
		if err != nil {
			return err
		}
		kind = refKindOf(g.o.Machine(), code, rel)
	}
	from := 0 // found once needed
	for _, to := range targets {
		if g.escapes(to, kind) {
			g.use(0, to, kind)
			continue
		}
		if from == 0 {
			from = g.anonNode(sec) // data of a site list: resident
			if class != classSite {
				from = g.referrer(sec, rel.Offset)
			}
		}
		g.use(from, to, kind)
	}
	return nil
}

// relocTargets appends to dst the eligible nodes that relocation rel
// against symbol sym, defined in section tsec, may refer to; exec tells
// that the relocated bytes are code.
func (g *refGraph) relocTargets(dst []int, rel sectionrt.Relocation, sym *sectionrt.Symbol, tsec *sectionrt.Section, exec bool) []int {
	if n := int(g.symNode[rel.Sym]); n != 0 {
		// The relocation names the symbol itself (foo+8 is still foo).
		if g.nodes[n].eligible {
			dst = append(dst, n)
		}
		return dst
	}
	l := g.p.elig[sym.SectionIndex]
	if len(l) == 0 {
		return dst
	}
	// A section symbol (gas turns references to local symbols into
	// section+offset) or a label: the address tells. st_value is the
	// address on x86_64 and arm64 (no Thumb bit).
	t := sym.Value + uint64(rel.Addend)
	bias := int64(0)
	if exec {
		bias = sectionrt.PCBias(g.o.Machine(), rel.Type)
	}
	t += uint64(bias)
	dst = g.eligibleAt(dst, l, sym.SectionIndex, t)
	if bias != 0 && tsec.Flags&elf.SHF_EXECINSTR == 0 {
		// The addend of an operand followed by an immediate
		// (movl $1, x(%rip): x-8) ends short of the target by
		// the immediate's size, which only decoding tells:
		// count every object that 1, 2 or 4 more bytes reach.
		for _, k := range []uint64{1, 2, 4} {
			dst = g.eligibleAt(dst, l, sym.SectionIndex, t+k)
		}
	}
	return dst
}

// eligibleAt appends the node holding addr in section sec if it is
// eligible. The symbol holding addr can be eligible only where one of the
// section's eligible extents l does, which spares most lookups.
func (g *refGraph) eligibleAt(dst []int, l []eligExtent, sec int, addr uint64) []int {
	var n int
	switch {
	case sec == g.target.sec && g.target.lo <= addr && addr < g.target.hi:
		n = g.target.node // as relocations reach into one object after another
	case g.symTab.plainSection(sec):
		sym, lo, hi := g.symbolAt(sec, addr)
		n = int(g.symNode[sym])
		if sym != 0 {
			g.target.sec, g.target.lo, g.target.hi, g.target.node = sec, lo, hi, n
		}
	case holds(l, addr, false, true):
		n = g.targetNode(sec, addr)
	}
	if n != 0 && g.nodes[n].eligible && (len(dst) == 0 || dst[len(dst)-1] != n) {
		dst = append(dst, n)
	}
	return dst
}

// refKind is how a reference uses its target.
type refKind int

const (
	// refAddress takes the target's address (lea, mov $sym, a pointer
	// in data): the address may be stored and used after init, so the
	// target stays resident whoever takes it.
	refAddress refKind = iota
	// refCall is a direct call or jump: the target runs when the
	// referring code does.
	refCall
	// refAccess reads or writes the target through a memory operand.
	refAccess
)

// grown returns s with length at least n, the new elements zero.
func grown[T any](s []T, n int) []T {
	if len(s) < n {
		s = append(s, make([]T, n-len(s))...)
	}
	return s
}

// scanAll adds the resolved branches to the functions of the nodes want
// accepts from every site of every code section. A branch stays in its
// section: only the sections of those nodes' symbols are scanned.
func (g *refGraph) scanAll(want func(n int) bool) error {
	w := g.p.w
	w.scanSecs = zeroed(w.scanSecs, len(g.secs))
	for n := range g.nodes {
		if want(n) {
			for i := g.nodes[n].first; i != 0; i = g.next[i] {
				w.scanSecs[g.syms[i].SectionIndex] = true
			}
		}
	}
	for sec, in := range w.scanSecs {
		if !in {
			continue
		}
		mark := w.markScans()
		sc, err := g.newScan(sec, want)
		if err != nil {
			return err
		}
		if sc != nil {
			sc.run(0, uint64(len(sc.code)))
		}
		w.giveBackScans(mark) // for the next section's scan
	}
	return nil
}
