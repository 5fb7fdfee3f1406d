package suggest

import (
	"debug/elf"
	"strings"

	"github.com/initsec/initsec/sectionrt"
)

// The reference graph. Its nodes are every symbol group of the object,
// but it holds only the edges into eligible nodes: no other edge can
// change what solve finds (a node that is not eligible is never a member,
// and reachability only passes through members).

// refNode is one suggestible unit: a function with its clones and parts,
// or one object; or one of the pseudo-nodes that stand for referring bytes
// no symbol covers.
type refNode struct {
	name     string
	class    refClass // of the section it lives in; classResident for candidates and resident symbols
	eligible bool
	object   bool
	section  string
	size     uint64
	symbols  []string
	members  []int        // symbol indices
	file     string       // STT_FILE of its local symbols
	referers map[int]bool // node index -> true
	out      []int
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
	// symNode maps a symbol index to its node (0: none).
	symNode []int
	// anon[sec] is the pseudo-node for bytes of section sec outside every
	// symbol (0 until needed).
	anon []int
	// escape is the pseudo-node that references through an escaping
	// address come from (0 until needed).
	escape int
	// code[sec] is the bytes of code section sec, once read; patched[sec]
	// marks the bytes its relocations patch, which the scan for resolved
	// branches does not read.
	code    [][]byte
	patched [][]bool
}

func newRefGraph(o *sectionrt.Object, p *prefilter) *refGraph {
	g := &refGraph{o: o, p: p, secs: p.secs, syms: p.syms, symNode: make([]int, len(p.syms))}
	g.anon = make([]int, len(g.secs))
	g.code = make([][]byte, len(g.secs))
	g.patched = make([][]bool, len(g.secs))
	g.nodes = append(g.nodes, refNode{}) // 0: no node
	members, find := g.joinSymbols()
	rootNode := make(map[int]int)
	counted := make(map[extent]bool)
	for _, i := range members {
		r := find(i)
		n, ok := rootNode[r]
		if !ok {
			s := &g.syms[i]
			g.nodes = append(g.nodes, refNode{name: baseName(s.Name), class: classResident, eligible: true, object: s.Type == elf.STT_OBJECT, section: g.section(s.SectionIndex).Name})
			n = len(g.nodes) - 1
			rootNode[r] = n
		}
		g.addSymbol(n, i, counted)
	}
	return g
}

// extent is where a symbol's bytes are: aliases share it.
type extent struct {
	sec         int
	value, size uint64
	typ         elf.SymType
}

// joinSymbols finds the symbols that are one source symbol: foo,
// foo.cold, foo.isra.0 of one translation unit (local functions with the
// same name up to the first '.'), and aliases (same section, address,
// size and type: init_module and cleanup_module name the module_init and
// module_exit functions, which struct module references through them).
// It returns the symbols that can be nodes (defined, Named functions and
// objects in a section), in table order, and find, which maps each to the
// representative of its group.
func (g *refGraph) joinSymbols() (members []int, find func(int) int) {
	parent := make([]int, len(g.syms))
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) { parent[find(a)] = find(b) }
	groups := make(map[[2]string]int)
	aliases := make(map[extent]int)
	for i := 1; i < len(g.syms); i++ {
		parent[i] = i
		s := &g.syms[i]
		if !isMember(s, len(g.secs)) {
			continue
		}
		members = append(members, i)
		if s.Type == elf.STT_FUNC && s.Bind == elf.STB_LOCAL {
			key := [2]string{s.File, baseName(s.Name)}
			if j, ok := groups[key]; ok {
				union(i, j)
			} else {
				groups[key] = i
			}
		}
		if s.Size > 0 {
			e := extent{s.SectionIndex, s.Value, s.Size, s.Type}
			if j, ok := aliases[e]; ok {
				union(i, j)
			} else {
				aliases[e] = i
			}
		}
	}
	return members, find
}

// addSymbol makes symbol i a part of node n: its name, its size (once per
// extent, in counted, so an alias adds nothing), and what its section and
// binding say about the node.
func (g *refGraph) addSymbol(n, i int, counted map[extent]bool) {
	s := &g.syms[i]
	sec := g.section(s.SectionIndex)
	nd := &g.nodes[n]
	nd.symbols = append(nd.symbols, s.Name)
	nd.members = append(nd.members, i)
	if nd.file == "" {
		nd.file = s.File
	}
	if e := (extent{s.SectionIndex, s.Value, s.Size, s.Type}); !counted[e] {
		counted[e] = true
		nd.size += s.Size
	}
	if s.Name == baseName(s.Name) && !isEntryAlias(s.Name) {
		// The source name (not foo.cold, not init_module).
		nd.name, nd.section = s.Name, sec.Name
	}
	class := g.p.class[s.SectionIndex]
	if class == classInit || class == classExit {
		nd.class = class
	}
	if !symEligible(s, sec, class) {
		nd.eligible = false
	}
	g.symNode[i] = n
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

// eligibleSection: functions in .text*, objects in .rodata*, .data*,
// .bss*, without per-cpu data (its own allocation, never freed) and
// .data.once (the flags of WARN_ONCE and friends, made by macros).
func eligibleSection(s *sectionrt.Symbol, sec string) bool {
	if s.Type == elf.STT_FUNC {
		return sec == ".text" || strings.HasPrefix(sec, ".text.")
	}
	if strings.IndexByte(s.Name, '.') >= 0 {
		return false
	}
	if strings.HasPrefix(sec, ".data..percpu") || sec == ".data.once" {
		return false
	}
	for _, p := range []string{".rodata", ".data", ".bss"} {
		if sec == p || strings.HasPrefix(sec, p+".") {
			return true
		}
	}
	return false
}

// nodeAt returns the node of the symbol that covers addr in section sec,
// or the section's pseudo-node.
func (g *refGraph) nodeAt(sec int, addr uint64) int {
	if n := g.targetNode(sec, addr); n != 0 {
		return n
	}
	return g.anonNode(sec)
}

// targetNode is nodeAt without the pseudo-node: 0 when no symbol covers addr.
func (g *refGraph) targetNode(sec int, addr uint64) int {
	if s, ok := g.o.SymbolAt(sec, addr); ok {
		return g.symNode[s.Index]
	}
	return 0
}

func (g *refGraph) anonNode(sec int) int {
	if n := g.anon[sec]; n != 0 {
		return n
	}
	s := &g.secs[sec]
	g.nodes = append(g.nodes, refNode{name: s.Name, class: g.p.class[sec], section: s.Name})
	n := len(g.nodes) - 1
	g.anon[sec] = n
	return n
}

func (g *refGraph) edge(from, to int) {
	if to == 0 {
		return
	}
	nd := &g.nodes[to]
	if nd.referers == nil {
		nd.referers = make(map[int]bool)
	}
	if !nd.referers[from] {
		nd.referers[from] = true
		g.nodes[from].out = append(g.nodes[from].out, to)
	}
}

// sectionCode returns the bytes of code section sec, read once.
func (g *refGraph) sectionCode(sec int) ([]byte, error) {
	if g.code[sec] == nil {
		b, err := g.o.SectionData(sec)
		if err != nil {
			return nil, err
		}
		g.code[sec] = b
	}
	return g.code[sec], nil
}

// addRelocs adds the references of relocation section r into eligible
// nodes, and marks the bytes it patches.
func (g *refGraph) addRelocs(r sectionrt.RelocSection, buf []sectionrt.Relocation) ([]sectionrt.Relocation, error) {
	o := g.o
	m := o.Machine()
	src := &g.secs[r.Target]
	class := g.p.class[r.Target]
	if src.Flags&elf.SHF_ALLOC == 0 {
		return buf, nil
	}
	exec := src.Flags&elf.SHF_EXECINSTR != 0
	var code []byte // the referring instructions, to tell a call from taking an address
	if exec {
		var err error
		if code, err = g.sectionCode(r.Target); err != nil {
			return buf, err
		}
	}
	rels, err := o.AppendRelocations(buf[:0], r)
	if err != nil {
		return rels, err
	}
	var mask []bool
	if exec && src.Type == elf.SHT_PROGBITS {
		if g.patched[r.Target] == nil {
			g.patched[r.Target] = make([]bool, src.Size)
		}
		mask = g.patched[r.Target]
	}
	for _, rel := range rels {
		if mask != nil {
			for k := rel.Offset; k < rel.Offset+relocWidth(m, rel.Type) && k < uint64(len(mask)); k++ {
				mask[k] = true
			}
		}
		if class == classIgnore {
			continue
		}
		sym := &g.syms[rel.Sym]
		if !sym.Defined() {
			continue // another object's symbol
		}
		tsec := g.section(sym.SectionIndex)
		if tsec == nil || class == classSite && tsec.Flags&elf.SHF_EXECINSTR != 0 {
			continue
		}
		var targets [5]int
		t := g.relocTargets(targets[:0], rel, sym, tsec, exec)
		if len(t) == 0 {
			continue
		}
		from := g.anonNode(r.Target) // data of a site list: resident
		if class != classSite {
			from = g.nodeAt(r.Target, rel.Offset)
		}
		kind := refAddress
		if exec {
			kind = refKindOf(m, code, rel)
		}
		for _, to := range t {
			g.use(from, to, kind)
		}
	}
	return rels, nil
}

// relocTargets appends to dst the eligible nodes that relocation rel
// against symbol sym, defined in section tsec, may refer to; exec tells
// that the relocated bytes are code.
func (g *refGraph) relocTargets(dst []int, rel sectionrt.Relocation, sym *sectionrt.Symbol, tsec *sectionrt.Section, exec bool) []int {
	if n := g.symNode[rel.Sym]; n != 0 {
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
	if !holds(l, addr, false, true) {
		return dst
	}
	if n := g.targetNode(sec, addr); n != 0 && g.nodes[n].eligible {
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

// use adds a reference from node from to node to. A reference that lets
// the target's address escape (an address taken, a branch to an object,
// a memory operand on a function) counts as one from resident code.
func (g *refGraph) use(from, to int, kind refKind) {
	if to == 0 {
		return
	}
	if object := g.nodes[to].object; kind == refAddress || (kind == refCall) == object {
		if g.escape == 0 {
			g.nodes = append(g.nodes, refNode{name: "(address taken)", class: classResident})
			g.escape = len(g.nodes) - 1
		}
		from = g.escape
	}
	g.edge(from, to)
}

// scanCandidates adds the resolved branches to eligible functions from the
// code of the candidates (the eligible nodes reachable from init or exit
// code through eligible nodes, as far as the edges found so far tell) and
// of the init and exit nodes' parts outside .init* and .exit*, until no
// new candidate appears. Init and exit sections themselves need no scan:
// a resolved branch stays in its section, and theirs hold no eligible
// function.
func (g *refGraph) scanCandidates() error {
	scans := make(map[int]*resolvedScan) // by section; nil: nothing to find
	eligible := func(n int) bool { return g.nodes[n].eligible }
	root := func(n int) bool { return g.nodes[n].root(classInit) || g.nodes[n].root(classExit) }
	scanned := make(map[int]bool)
	for progress := true; progress; {
		progress = false
		elig := make([]bool, len(g.nodes))
		for i := range g.nodes {
			elig[i] = g.nodes[i].eligible
		}
		seen := g.reach(root, elig)
		for n := range seen {
			if !(seen[n] || root(n)) || scanned[n] {
				continue
			}
			scanned[n] = true
			for _, i := range g.nodes[n].members {
				s := &g.syms[i]
				if c := g.p.class[s.SectionIndex]; c == classInit || c == classExit || s.Size == 0 {
					continue
				}
				sc, ok := scans[s.SectionIndex]
				if !ok {
					var err error
					if sc, err = g.newScan(s.SectionIndex, eligible); err != nil {
						return err
					}
					scans[s.SectionIndex] = sc
				}
				if sc != nil {
					sc.run(s.Value, s.Value+s.Size)
					progress = true
				}
			}
		}
	}
	return nil
}

// scanAll adds the resolved branches to the functions of the nodes want
// accepts from every site of every code section.
func (g *refGraph) scanAll(want func(n int) bool) error {
	for sec := range g.secs {
		sc, err := g.newScan(sec, want)
		if err != nil {
			return err
		}
		if sc != nil {
			sc.run(0, uint64(len(sc.code)))
		}
	}
	return nil
}
