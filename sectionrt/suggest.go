package sectionrt

import (
	"cmp"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
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
}

// SuggestInit returns the local functions and objects of o that are
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
// name.N; most come from macros: __func__, __key, descriptor). Global and
// weak symbols are never suggested: another object of the module, or the
// kernel by name, may reference them; they count as resident referrers.
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
func SuggestInit(o *Object) ([]Suggestion, error) {
	if o.Type() != elf.ET_REL {
		return nil, formatErr(o.name, -1, nil, "not a relocatable object (%s): suggestions need a .o or .ko", o.Type())
	}
	if !o.HasSymbols() {
		return nil, formatErr(o.name, -1, nil, "no symbol table (stripped?): no suggestions can be made")
	}
	switch o.Machine() {
	case elf.EM_X86_64, elf.EM_AARCH64:
	default:
		return nil, fmt.Errorf("%s: suggest supports x86_64 and arm64 objects, not %s: branches the assembler resolved are not decoded", o.name, o.Machine())
	}
	rels, err := o.RelocSections()
	if err != nil {
		return nil, err
	}
	if err := o.checkSymbolExtents(); err != nil {
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
	for i := range o.sections {
		s := &o.sections[i]
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
func refClassOf(s *Section) refClass {
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
	referers map[int]bool // node index -> true
	out      []int
}

type refGraph struct {
	o     *Object
	x     *symIndex
	nodes []refNode
	// symNode maps a symbol index to its node (0: none).
	symNode []int
	// anon[sec] is the pseudo-node for bytes of section sec outside every symbol.
	anon map[int]int
	// escape is the pseudo-node that references through an escaping
	// address come from (0 until needed).
	escape int
}

func newRefGraph(o *Object) *refGraph {
	g := &refGraph{o: o, x: &symIndex{o: o}, symNode: make([]int, len(o.syms)), anon: make(map[int]int)}
	g.nodes = append(g.nodes, refNode{}) // 0: no node
	// Symbols are joined into one node when they are one source symbol:
	// foo, foo.cold, foo.isra.0 of one translation unit (local functions
	// with the same name up to the first '.'), and aliases (same section,
	// address, size and type: init_module and cleanup_module name the
	// module_init and module_exit functions, which struct module
	// references through them).
	parent := make([]int, len(o.syms))
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) { parent[find(a)] = find(b) }
	type extent struct {
		sec         int
		value, size uint64
		typ         elf.SymType
	}
	groups := make(map[[2]string]int)
	aliases := make(map[extent]int)
	var members []int
	for i := 1; i < len(o.syms); i++ {
		parent[i] = i
		s := &o.syms[i]
		if !s.Defined() || !exactName(s) || (s.Type != elf.STT_FUNC && s.Type != elf.STT_OBJECT) || o.section(s.SectionIndex) == nil {
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
	rootNode := make(map[int]int)
	counted := make(map[extent]bool)
	for _, i := range members {
		s := &o.syms[i]
		sec := o.section(s.SectionIndex)
		r := find(i)
		n, ok := rootNode[r]
		if !ok {
			g.nodes = append(g.nodes, refNode{name: baseName(s.Name), class: classResident, eligible: true, object: s.Type == elf.STT_OBJECT, section: sec.Name})
			n = len(g.nodes) - 1
			rootNode[r] = n
		}
		nd := &g.nodes[n]
		nd.symbols = append(nd.symbols, s.Name)
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
		case s.Bind != elf.STB_LOCAL || s.Size == 0 || !eligibleSection(s, sec.Name):
			nd.eligible = false
		}
		g.symNode[i] = n
	}
	return g
}

// eligibleSection: functions in .text*, objects in .rodata*, .data*,
// .bss*, without per-cpu data (its own allocation, never freed) and
// .data.once (the flags of WARN_ONCE and friends, made by macros).
func eligibleSection(s *Symbol, sec string) bool {
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
	if s := g.x.containing(sec, addr, 0); s != 0 {
		sym := &g.o.syms[s]
		a := g.o.symAddr(sym)
		if addr >= a && addr-a < sym.Size && g.symNode[s] != 0 {
			return g.symNode[s]
		}
	}
	return g.anonNode(sec)
}

// targetNode is nodeAt without the pseudo-node: 0 when no symbol covers addr.
func (g *refGraph) targetNode(sec int, addr uint64) int {
	if s := g.x.containing(sec, addr, 0); s != 0 {
		sym := &g.o.syms[s]
		a := g.o.symAddr(sym)
		if addr >= a && addr-a < sym.Size {
			return g.symNode[s]
		}
	}
	return 0
}

func (g *refGraph) anonNode(sec int) int {
	if n, ok := g.anon[sec]; ok {
		return n
	}
	s := &g.o.sections[sec]
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
func (g *refGraph) addRelocs(r RelocSection, relocated map[int][]bool) error {
	o := g.o
	src := &o.sections[r.Target]
	class := refClassOf(src)
	if src.Flags&elf.SHF_ALLOC == 0 {
		return nil
	}
	d, err := o.relocDecoder(r)
	if err != nil {
		return err
	}
	exec := src.Flags&elf.SHF_EXECINSTR != 0
	var code []byte // the referring instructions, to tell a call from taking an address
	if exec {
		if code, err = o.readSection(src); err != nil {
			return err
		}
	}
	var mask []bool
	if exec && src.Type == elf.SHT_PROGBITS {
		mask = relocated[r.Target]
		if mask == nil {
			mask = make([]bool, src.Size)
			relocated[r.Target] = mask
		}
	}
	for i := range d.n {
		rel, err := d.at(i)
		if err != nil {
			return err
		}
		if mask != nil {
			for k := rel.Offset; k < rel.Offset+relocWidth(o.f.Machine, rel.Type) && k < uint64(len(mask)); k++ {
				mask[k] = true
			}
		}
		if class == classIgnore {
			continue
		}
		sym := &o.syms[rel.Sym]
		if !sym.Defined() {
			continue // another object's symbol
		}
		tsec := o.section(sym.SectionIndex)
		if tsec == nil {
			continue
		}
		if class == classSite && tsec.Flags&elf.SHF_EXECINSTR != 0 {
			continue
		}
		var targets []int
		if n := g.symNode[rel.Sym]; n != 0 {
			// The relocation names the symbol itself (foo+8 is still foo).
			targets = append(targets, n)
		} else {
			// A section symbol (gas turns references to local symbols into
			// section+offset) or a label: the address tells.
			t := o.symAddr(sym) + uint64(rel.Addend)
			bias := int64(0)
			if exec {
				bias = pcBias(o.f.Machine, rel.Type)
			}
			t += uint64(bias)
			targets = append(targets, g.targetNode(sym.SectionIndex, t))
			if bias != 0 && tsec.Flags&elf.SHF_EXECINSTR == 0 {
				// The addend of an operand followed by an immediate
				// (movl $1, x(%rip): x-8) ends short of the target by
				// the immediate's size, which only decoding tells:
				// count every object that 1, 2 or 4 more bytes reach.
				for _, k := range []uint64{1, 2, 4} {
					targets = append(targets, g.targetNode(sym.SectionIndex, t+k))
				}
			}
		}
		var from int
		switch {
		case class == classSite:
			from = g.anonNode(r.Target) // data of a site list: resident
		default:
			from = g.nodeAt(r.Target, rel.Offset)
		}
		kind := refAddress
		if exec {
			kind = refKindOf(o.f.Machine, code, rel)
		}
		for _, t := range targets {
			g.use(from, t, kind)
		}
	}
	return nil
}

// relocWidth is the number of bytes a relocation patches; 4 for the
// types not listed (x86_64 PC32, PLT32, 32, 32S; every arm64 instruction).
func relocWidth(m elf.Machine, typ uint32) uint64 {
	if m == elf.EM_X86_64 {
		switch elf.R_X86_64(typ) {
		case elf.R_X86_64_64, elf.R_X86_64_PC64:
			return 8
		case elf.R_X86_64_16, elf.R_X86_64_PC16:
			return 2
		case elf.R_X86_64_8, elf.R_X86_64_PC8:
			return 1
		}
	}
	if m == elf.EM_AARCH64 {
		switch elf.R_AARCH64(typ) {
		case elf.R_AARCH64_ABS64, elf.R_AARCH64_PREL64:
			return 8
		}
	}
	return 4
}

// scanResolved adds the references the assembler resolved inside code
// section s, which have no relocation: a call, jump or address of a local
// function of the same section. The bytes are not disassembled; every
// position is tried as a displacement, skipping those a relocation
// patches. A chance match adds a reference that is not there, which can
// only keep a symbol resident, never suggest one.
//
// x86_64: any rel32 (call, jmp, jcc, RIP-relative lea/mov) whose target
// is a function's first byte, and rel8 after the short jmp and jcc
// opcodes (eb, 70-7f, e0-e3). arm64: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ
// and ADR in each aligned word.
func (g *refGraph) scanResolved(s *Section, mask []bool) error {
	o := g.o
	starts := make(map[uint64]int)
	for i := 1; i < len(o.syms); i++ {
		sym := &o.syms[i]
		if sym.Defined() && sym.SectionIndex == s.Index && sym.Type == elf.STT_FUNC && g.symNode[i] != 0 {
			starts[o.symAddr(sym)] = g.symNode[i]
		}
	}
	if len(starts) == 0 {
		return nil
	}
	b, err := o.readSection(s)
	if err != nil {
		return err
	}
	if o.f.Machine == elf.EM_X86_64 {
		// With IBT a direct jump may skip the function's endbr64.
		var skip []uint64
		for a := range starts {
			if a+4 <= uint64(len(b)) && string(b[a:a+4]) == "\xf3\x0f\x1e\xfa" {
				skip = append(skip, a)
			}
		}
		for _, a := range skip {
			if _, ok := starts[a+4]; !ok {
				starts[a+4] = starts[a]
			}
		}
	}
	patched := func(lo, hi uint64) bool {
		for k := lo; k < hi && k < uint64(len(mask)); k++ {
			if mask[k] {
				return true
			}
		}
		return false
	}
	hit := func(site, target uint64, kind refKind) {
		if to, ok := starts[target]; ok {
			g.use(g.nodeAt(s.Index, site), to, kind)
		}
	}
	n := uint64(len(b))
	switch o.f.Machine {
	case elf.EM_X86_64:
		for p := uint64(0); p+4 <= n; p++ {
			if patched(p, p+4) {
				continue
			}
			kind := refAddress // lea func(%rip), or a chance match
			if x86Branch(b, p) {
				kind = refCall
			}
			hit(p, p+4+uint64(int64(int32(binary.LittleEndian.Uint32(b[p:])))), kind)
		}
		for p := uint64(1); p < n; p++ {
			op := b[p-1]
			if (op == 0xeb || (op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3)) && !patched(p-1, p+1) {
				hit(p, p+1+uint64(int64(int8(b[p]))), refCall)
			}
		}
	case elf.EM_AARCH64:
		bo := o.f.ByteOrder
		for p := uint64(0); p+4 <= n; p += 4 {
			if patched(p, p+4) {
				continue
			}
			w := bo.Uint32(b[p:])
			var off int64
			kind := refCall
			switch {
			case w&0x7c000000 == 0x14000000: // B, BL
				off = int64(signExtend32(w&0x03ffffff, 25)) * 4
			case w&0xff000010 == 0x54000000, w&0x7e000000 == 0x34000000: // B.cond, CBZ/CBNZ
				off = int64(signExtend32((w>>5)&0x7ffff, 18)) * 4
			case w&0x7e000000 == 0x36000000: // TBZ/TBNZ
				off = int64(signExtend32((w>>5)&0x3fff, 13)) * 4
			case w&0x9f000000 == 0x10000000: // ADR
				off = int64(signExtend32(((w>>5)&0x7ffff)<<2|(w>>29)&3, 20))
				kind = refAddress
			default:
				continue
			}
			hit(p, p+uint64(off), kind)
		}
	}
	return nil
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
		s := Suggestion{Symbol: nd.name, Section: nd.section, Size: nd.size, Kind: kindFor(nd, root), ReferencedFrom: []string{}}
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

// refKindOf classifies a relocation in code by the instruction bytes
// around the field it patches. Only the unambiguous forms are a call or an
// access; everything else counts as taking the address.
func refKindOf(m elf.Machine, code []byte, rel Relocation) refKind {
	switch m {
	case elf.EM_X86_64:
		off := rel.Offset
		switch elf.R_X86_64(rel.Type) {
		case elf.R_X86_64_PC32, elf.R_X86_64_PLT32:
			if x86Branch(code, off) {
				return refCall
			}
			// RIP-relative memory operand: ModRM mod=00 rm=101 just
			// before the field, and an opcode other than lea (8d).
			if off >= 2 && code[off-1]&0xc7 == 0x05 && !(code[off-2] == 0x8d && (off < 3 || code[off-3] != 0x0f)) {
				return refAccess
			}
		case elf.R_X86_64_32S, elf.R_X86_64_32:
			// disp32 of a SIB operand without base (tbl(,%rax,8)): SIB
			// base=101 before the field, ModRM mod=00 rm=100 before it.
			if off >= 3 && code[off-1]&0x07 == 0x05 && code[off-2]&0xc7 == 0x04 && code[off-3] != 0x8d {
				return refAccess
			}
		}
	case elf.EM_AARCH64:
		switch elf.R_AARCH64(rel.Type) {
		case elf.R_AARCH64_CALL26, elf.R_AARCH64_JUMP26:
			return refCall
		case elf.R_AARCH64_ADR_PREL_PG_HI21, elf.R_AARCH64_ADR_PREL_PG_HI21_NC,
			// The page of the target; the low 12 bits, added (an address)
			// or used as a load/store offset, decide.
			elf.R_AARCH64_LDST8_ABS_LO12_NC, elf.R_AARCH64_LDST16_ABS_LO12_NC, elf.R_AARCH64_LDST32_ABS_LO12_NC,
			elf.R_AARCH64_LDST64_ABS_LO12_NC, elf.R_AARCH64_LDST128_ABS_LO12_NC, elf.R_AARCH64_LD_PREL_LO19:
			return refAccess
		}
	}
	return refAddress
}

// x86Branch reports whether the rel32 field at off belongs to a call (e8),
// jmp (e9) or jcc (0f 80-8f).
func x86Branch(code []byte, off uint64) bool {
	if off < 1 || off > uint64(len(code)) {
		return false
	}
	if op := code[off-1]; op == 0xe8 || op == 0xe9 {
		return true
	}
	return off >= 2 && code[off-2] == 0x0f && code[off-1]&0xf0 == 0x80
}
