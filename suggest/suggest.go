// Package suggest finds what else could be init (or exit) code: the local
// functions and objects of a relocatable object that only init code (or
// only exit code) reaches, with the //go:init-section kind that would move
// each and the bytes it would free.
//
// It reads the object through sectionrt's reader (sections, their bytes,
// relocations, the symbol holding an address) and builds a reference
// graph from the relocations plus the branches the assembler resolved
// without one, which it decodes from the x86_64 and arm64 instruction
// bytes. See Find.
package suggest

import (
	"cmp"
	"debug/elf"
	"fmt"
	"slices"
	"strings"

	"github.com/initsec/initsec/sectionrt"
)

// Suggestion is a symbol that could be annotated with an init or exit
// kind: in this object, every reference to it comes from init (or exit)
// code, directly or through other suggestions.
type Suggestion struct {
	// Symbol is the source-level name: a function's clones and split parts
	// (foo.isra.0, foo.constprop.0, foo.cold) are folded into foo, since
	// the annotation goes on foo and moves them all.
	Symbol string `json:"symbol"`
	// Section is where the symbol is now (.text, .rodata, ...).
	Section string `json:"section"`
	// Size is the bytes the annotation moves out of the resident image:
	// st_size of the symbol and of its folded clones.
	Size uint64 `json:"size"`
	// ReferencedFrom names the referring symbols, sorted: init (or exit)
	// functions and objects, other suggestions, or the section name when
	// the referring bytes belong to no symbol.
	ReferencedFrom []string `json:"referenced_from"`
	// Kind is the //go:init-section kind to annotate it with: "init" or
	// "exit" for functions, "initconst" for objects in .rodata, "initdata"
	// for other objects, "exitdata" for objects used only by exit code.
	Kind string `json:"kind"`
	// Symbols lists the ELF symbols folded into Symbol when there is more
	// than the one of that name (foo, foo.cold, foo.isra.0).
	Symbols []string `json:"symbols,omitempty"`
	// File is the translation unit the symbol comes from: the name of the
	// STT_FILE symbol before it ("hello.c"), "" when the object has none.
	// A static function of a header comes from every file that includes
	// it, so File is where it was compiled, not where it is defined.
	File string `json:"file,omitempty"`
}

// Find returns the local functions and objects of o that are
// referenced only from init code (Kind init, initconst, initdata) or only
// from exit code (exit, exitdata), sorted by section and name.
//
// The reference graph is built from o's relocations plus, for code, the
// branches and RIP-relative operands the assembler resolved itself (a call
// from one function to a static function of the same section has no
// relocation): each reference goes from the symbol holding r_offset to the
// symbol holding the target address, both found strictly (an address that
// no sized symbol covers belongs to its section, not to the nearest name).
// A symbol is suggested when it is eligible and the greatest set of such
// symbols whose every referrer is init code or another member, and each
// member reachable from init code through members, contains it (likewise
// for exit).
//
// Eligible: STB_LOCAL, sized, and either STT_FUNC in .text or .text.*, or
// STT_OBJECT in .rodata*, .data* or .bss* (not .data..percpu, not
// .data.once) whose name has no '.' (gcc names function-local statics
// name.N; most come from macros: __func__, __key, descriptor). In a
// linked module (a .ko) global symbols are eligible too: every referrer
// is in it, and an export is a __ksymtab* entry, a resident referrer (see
// bindEligible). In a .o global symbols are not (another object of the
// module may reference them), nor are weak ones anywhere; they count as
// resident referrers.
//
// Referring sections fall in four classes (refClass): init (.init*),
// exit (.exit*), site lists whose entries record an address inside the
// function they describe (ignored when they point at code, resident when
// they point at data), and everything else allocated, which is resident:
// a function whose address is in .data, .rodata, __param, __ksymtab or
// struct module may run at any time. Non-allocated sections (debug info)
// are ignored.
//
// Only x86_64 and arm64 objects are supported: on other machines the
// branches the assembler resolved are not decoded, so resident callers
// would be missed.
//
// An object Find cannot judge (not ET_REL, no symbol table) is a
// *sectionrt.FormatError; so is malformed input (a relocation or a symbol
// out of bounds).
func Find(o *sectionrt.Object) ([]Suggestion, error) {
	if o.Type() != elf.ET_REL {
		return nil, formatErr(o, "not a relocatable object (%s): suggestions need a .o or .ko", o.Type())
	}
	if !o.HasSymbols() {
		return nil, formatErr(o, "no symbol table (stripped?): no suggestions can be made")
	}
	switch o.Machine() {
	case elf.EM_X86_64, elf.EM_AARCH64:
	default:
		return nil, fmt.Errorf("%s: suggest supports x86_64 and arm64 objects, not %s: branches the assembler resolved are not decoded", o.Name(), o.Machine())
	}
	rels, err := o.RelocSections()
	if err != nil {
		return nil, err
	}
	if err := o.CheckSymbolExtents(); err != nil {
		return nil, err
	}
	g := newRefGraph(o)
	// relocated[sec] marks the bytes of sec that relocations patch, so
	// that the scan for resolved branches does not read them.
	relocated := make(map[int][]bool)
	for _, r := range rels {
		if err := g.addRelocs(r, relocated); err != nil {
			return nil, err
		}
	}
	for i := range g.secs {
		s := &g.secs[i]
		if s.Flags&elf.SHF_ALLOC == 0 || s.Flags&elf.SHF_EXECINSTR == 0 || s.Type != elf.SHT_PROGBITS {
			continue
		}
		if err := g.scanResolved(s, relocated[i]); err != nil {
			return nil, err
		}
	}
	out := append(g.solve(classInit), g.solve(classExit)...)
	slices.SortFunc(out, func(a, b Suggestion) int {
		if c := cmp.Compare(a.Section, b.Section); c != 0 {
			return c
		}
		return cmp.Compare(a.Symbol, b.Symbol)
	})
	return out, nil
}

// formatErr is the *sectionrt.FormatError for an object Find refuses.
func formatErr(o *sectionrt.Object, format string, args ...any) error {
	return &sectionrt.FormatError{File: o.Name(), Off: -1, Msg: fmt.Sprintf(format, args...)}
}

// refClass is what a referring section means for the symbols it
// references.
type refClass int

const (
	classResident refClass = iota // runs, or is read, while the module is loaded
	classInit                     // freed after init: .init.text, .init.rodata, .init.data, .init_array
	classExit                     // runs only at unload: .exit.text, .exit.data
	classSite                     // lists addresses inside functions; not a caller
	classIgnore                   // not loaded, or discarded at link
)

// siteSections record the address of an instruction (or of a jump label)
// inside the function they describe. An entry pointing into a function is
// bookkeeping of a site in it, not a reference to it: it neither calls
// the function nor keeps it resident, and the kernel handles entries that
// point into freed init text. Names as in the 6.1 sources:
var siteSections = map[string]bool{
	// arch/x86/kernel/alternative.c apply_retpolines, apply_returns;
	// written by objtool (tools/objtool/check.c create_retpoline_sites_sections,
	// create_return_sites_sections, create_direct_call_sections).
	".retpoline_sites": true,
	".return_sites":    true,
	".call_sites":      true,
	// objtool --ibt: ENDBR instructions to seal (create_ibt_endbr_seal_sections).
	".ibt_endbr_seal": true,
	// scripts/recordmcount, objtool --mcount: the fentry call of each
	// function, read by ftrace_module_init (kernel/trace/ftrace.c), which
	// skips init text once it is freed (ftrace_free_mem).
	"__mcount_loc":                 true,
	"__patchable_function_entries": true,
	// ORC unwinder (arch/x86/kernel/unwind_orc.c): instruction addresses
	// of the unwind table; init entries are kept harmlessly.
	".orc_unwind_ip": true,
	// alternatives (arch/x86/include/asm/alternative.h struct alt_instr:
	// instr_offset is the patched site, repl_offset is in
	// .altinstr_replacement) and paravirt patch sites.
	".altinstructions":  true,
	".parainstructions": true,
	// LOCK_PREFIX sites (alternatives_smp_module_add).
	".smp_locks": true,
	// struct bug_entry: the ud2 address and file name (lib/bug.c,
	// module_bug_finalize).
	"__bug_table": true,
	// struct exception_table_entry: faulting insn and fixup, both inside
	// the function (modpost's extable check allows init text targets).
	"__ex_table": true,
	// struct jump_entry: code and target inside the function; key is data
	// (a static key, kept resident by the data rule). jump_label_add_module
	// marks entries in init text (jump_entry_set_init).
	"__jump_table": true,
	// struct static_call_site: addr is the call site, key is data
	// (kernel/static_call_inline.c, static_call_add_module).
	".static_call_sites": true,
	// kCFI trap sites (arch/x86/kernel/cfi.c, 6.2+).
	".kcfi_traps": true,
}

// refClassOf classifies a referring section by name and flags.
func refClassOf(s *sectionrt.Section) refClass {
	switch {
	case s.Flags&elf.SHF_ALLOC == 0, strings.HasPrefix(s.Name, ".discard"):
		// .discard.* (objtool annotations, __ADDRESSABLE) is dropped by
		// scripts/module.lds.S and the vmlinux link.
		return classIgnore
	case siteSections[s.Name]:
		return classSite
	case strings.HasPrefix(s.Name, ".init"):
		// module_init_section (kernel/module/main.c): .init* goes to the
		// init region, freed by do_free_init.
		return classInit
	case strings.HasPrefix(s.Name, ".exit"):
		// module_exit_section: .exit* runs only at unload (with
		// CONFIG_MODULE_UNLOAD; without it, it is never loaded).
		return classExit
	}
	return classResident
}

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
	file     string       // STT_FILE of its local symbols
	referers map[int]bool // node index -> true
	out      []int
}

type refGraph struct {
	o *sectionrt.Object
	// secs and syms are o's sections and symbols, indexed as in the ELF
	// file: syms[0] is the null symbol, so a relocation's Sym indexes it.
	secs  []sectionrt.Section
	syms  []sectionrt.Symbol
	nodes []refNode
	// symNode maps a symbol index to its node (0: none).
	symNode []int
	// anon[sec] is the pseudo-node for bytes of section sec outside every symbol.
	anon map[int]int
	// escape is the pseudo-node that references through an escaping
	// address come from (0 until needed).
	escape int
	// linked: o is a linked module, whose globals may be suggested
	// (bindEligible).
	linked bool
}

func newRefGraph(o *sectionrt.Object) *refGraph {
	syms := append([]sectionrt.Symbol{{}}, o.Symbols()...)
	g := &refGraph{o: o, secs: o.Sections(), syms: syms, symNode: make([]int, len(syms)), anon: make(map[int]int)}
	g.linked = linkedModule(g.secs)
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
// module_exit functions, which struct module references through them);
// in a linked module also a global function and its local parts
// (globalParts). It returns the symbols that can be nodes (defined, Named functions and
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
		if !s.Defined() || !s.Named() || (s.Type != elf.STT_FUNC && s.Type != elf.STT_OBJECT) || g.section(s.SectionIndex) == nil {
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
	if g.linked {
		for _, pair := range globalParts(g.syms, members) {
			union(pair[0], pair[1])
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
	switch class := refClassOf(sec); {
	case class == classInit || class == classExit:
		nd.class, nd.eligible = class, false
	case !bindEligible(s, g.linked) || s.Size == 0 || !eligibleSection(s, sec.Name):
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
	if n, ok := g.anon[sec]; ok {
		return n
	}
	s := &g.secs[sec]
	g.nodes = append(g.nodes, refNode{name: s.Name, class: refClassOf(s), section: s.Name})
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

// addRelocs adds the references of relocation section r and marks the
// bytes it patches in relocated.
func (g *refGraph) addRelocs(r sectionrt.RelocSection, relocated map[int][]bool) error {
	o := g.o
	m := o.Machine()
	src := &g.secs[r.Target]
	class := refClassOf(src)
	if src.Flags&elf.SHF_ALLOC == 0 {
		return nil
	}
	exec := src.Flags&elf.SHF_EXECINSTR != 0
	var code []byte // the referring instructions, to tell a call from taking an address
	if exec {
		var err error
		if code, err = o.SectionData(r.Target); err != nil {
			return err
		}
	}
	rels, err := o.Relocations(r)
	if err != nil {
		return err
	}
	var mask []bool
	if exec && src.Type == elf.SHT_PROGBITS {
		mask = relocated[r.Target]
		if mask == nil {
			mask = make([]bool, src.Size)
			relocated[r.Target] = mask
		}
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
		if tsec == nil {
			continue
		}
		if class == classSite && tsec.Flags&elf.SHF_EXECINSTR != 0 {
			continue
		}
		targets := g.relocTargets(rel, sym, tsec, exec)
		var from int
		switch {
		case class == classSite:
			from = g.anonNode(r.Target) // data of a site list: resident
		default:
			from = g.nodeAt(r.Target, rel.Offset)
		}
		kind := refAddress
		if exec {
			kind = refKindOf(m, code, rel)
		}
		for _, t := range targets {
			g.use(from, t, kind)
		}
	}
	return nil
}

// relocTargets returns the nodes that relocation rel against symbol sym,
// defined in section tsec, may refer to (0 for an address no symbol
// holds); exec tells that the relocated bytes are code.
func (g *refGraph) relocTargets(rel sectionrt.Relocation, sym *sectionrt.Symbol, tsec *sectionrt.Section, exec bool) []int {
	if n := g.symNode[rel.Sym]; n != 0 {
		// The relocation names the symbol itself (foo+8 is still foo).
		return []int{n}
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
	targets := []int{g.targetNode(sym.SectionIndex, t)}
	if bias != 0 && tsec.Flags&elf.SHF_EXECINSTR == 0 {
		// The addend of an operand followed by an immediate
		// (movl $1, x(%rip): x-8) ends short of the target by
		// the immediate's size, which only decoding tells:
		// count every object that 1, 2 or 4 more bytes reach.
		for _, k := range []uint64{1, 2, 4} {
			targets = append(targets, g.targetNode(sym.SectionIndex, t+k))
		}
	}
	return targets
}

// solve returns the suggestions for root class root (classInit or
// classExit): the greatest set of eligible nodes whose referrers are all
// root-class code or members, restricted to the members reachable from
// root-class code through members, repeated until stable.
func (g *refGraph) solve(root refClass) []Suggestion {
	in := make([]bool, len(g.nodes))
	for i := range g.nodes {
		in[i] = g.nodes[i].eligible && len(g.nodes[i].referers) > 0
	}
	ok := func(from int) bool { return in[from] || g.nodes[from].class == root && !g.nodes[from].eligible }
	for changed := true; changed; {
		changed = false
		for i := range g.nodes {
			if !in[i] {
				continue
			}
			for f := range g.nodes[i].referers {
				if !ok(f) {
					in[i], changed = false, true
					break
				}
			}
		}
		// Reachability from root code through members.
		seen := make([]bool, len(g.nodes))
		var stack []int
		for i := range g.nodes {
			if g.nodes[i].class == root && !g.nodes[i].eligible {
				stack = append(stack, i)
			}
		}
		for len(stack) > 0 {
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, t := range g.nodes[f].out {
				if in[t] && !seen[t] {
					seen[t] = true
					stack = append(stack, t)
				}
			}
		}
		for i := range g.nodes {
			if in[i] && !seen[i] {
				in[i], changed = false, true
			}
		}
	}
	var out []Suggestion
	for i := range g.nodes {
		if !in[i] {
			continue
		}
		nd := &g.nodes[i]
		s := Suggestion{Symbol: nd.name, Section: nd.section, Size: nd.size, Kind: kindFor(nd, root), ReferencedFrom: []string{}, File: nd.file}
		for f := range nd.referers {
			if f != i {
				s.ReferencedFrom = append(s.ReferencedFrom, g.nodes[f].name)
			}
		}
		slices.Sort(s.ReferencedFrom)
		s.ReferencedFrom = slices.Compact(s.ReferencedFrom)
		if len(nd.symbols) > 1 || (len(nd.symbols) == 1 && nd.symbols[0] != nd.name) {
			s.Symbols = slices.Clone(nd.symbols)
		}
		out = append(out, s)
	}
	return out
}

func kindFor(nd *refNode, root refClass) string {
	switch {
	case !nd.object && root == classInit:
		return "init"
	case !nd.object:
		return "exit"
	case root == classExit:
		return "exitdata"
	case strings.HasPrefix(nd.section, ".rodata"):
		return "initconst"
	}
	return "initdata"
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
