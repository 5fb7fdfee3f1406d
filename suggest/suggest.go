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
// out of bounds) in what Find reads. It reads only what its answer
// depends on: when no relocation of init or exit code calls an eligible
// function or accesses an eligible object (most modules), it reads no
// other relocation section and no other code; otherwise it reads the
// relocations of resident data and code, but looks closely only at
// those of the candidates' code and those that may refer to a candidate,
// and it reads the site lists only for a member object (solveInStages);
// initsec verify reads them all.
//
// The suggestions' strings are their own, not o's: they stay valid after
// o is closed or its tables recycled (sectionrt.RawView.Recycle).
//
// Large sections of an object read from a file are mapped while Find
// runs (sectionrt.Object.MapSection), not copied, and unmapped before it
// returns: a file truncated meanwhile gives an error naming it.
func Find(o *sectionrt.Object) ([]Suggestion, error) { return findWith(o, nil) }

// findWith is Find; a non-nil p is the seed search's tables for o that found
// a seed (Seeded), whose workspace findWith takes.
func findWith(o *sectionrt.Object, p *prefilter) (out []Suggestion, err error) {
	if p != nil {
		defer putWorkspace(p.w)
	}
	if o.Type() != elf.ET_REL {
		return nil, formatErr(o, "not a relocatable object (%s): suggestions need a .o or .ko", o.Type())
	}
	if !o.HasSymbols() {
		return nil, formatErr(o, "no symbol table (stripped?): no suggestions can be made")
	}
	if !supported(o.Machine()) {
		return nil, fmt.Errorf("%s: suggest supports x86_64 and arm64 objects, not %s: branches the assembler resolved are not decoded", o.Name(), o.Machine())
	}
	rels := p.viewRels()
	if rels == nil {
		if rels, err = o.RelocSections(); err != nil {
			return nil, err
		}
	}
	if err := o.CheckSymbolExtents(); err != nil {
		return nil, err
	}
	searched := p != nil // by ScreenView, on the view o was made from
	if p == nil {
		w := getWorkspace()
		defer putWorkspace(w)
		p = newPrefilter(o, w)
	}
	was := p.w.guardMaps()
	defer p.w.endGuard(o, was, &out, &err) // before the workspace is released
	if !searched {
		if seeded, err := p.seeded(rels); err != nil || !seeded {
			return nil, err
		}
	}
	p.complete(o) // a view's tables are now o's, named; its reader is spent
	w := p.w
	g := newRefGraph(o, p)
	defer func() { w.nodes, w.edges, w.roots, w.cands, w.labels = g.nodes, g.edges, g.roots, g.cands, g.labels }() // the storage the graph grew, as long as used: see release
	inInit, inExit, err := g.solveInStages(rels)
	if err != nil || inInit == nil {
		return nil, err
	}
	out = append(g.suggestions(inInit, classInit), g.suggestions(inExit, classExit)...)
	slices.SortFunc(out, func(a, b Suggestion) int {
		if c := cmp.Compare(a.Section, b.Section); c != 0 {
			return c
		}
		return cmp.Compare(a.Symbol, b.Symbol)
	})
	return out, nil
}

// solveInStages adds to the graph what it needs to find the members, in
// the order that lets it stop soonest, and returns the members of each
// root class (nil, nil when it has shown that there are none).
//
// The relocations of init and exit code and data come first, then those
// of resident data that refer to a seed: each seed that a resident
// referrer already rules out needs no more (an edge only adds referrers),
// and when every seed is ruled out there is nothing to find. That holds
// only when the seeds are all known: without a clone of init code outside
// .init* (mixed), they come from the relocations of init and exit code
// alone. Then the relocations of resident code and the resolved branches
// from the candidates' code, through the candidates (addCode, cands.go):
// when that graph has no members there is nothing to find; otherwise
// every other node is resident from then on, and only the relocations
// of resident code and data that may refer to one of its members take
// the full path. Then, when members remain, every resolved branch to
// them, and the site lists' references
// to data, which can only keep a member object resident (their entries
// pointing into code count for nothing), so they are read only when
// there is one.
func (g *refGraph) solveInStages(rels []sectionrt.RelocSection) (inInit, inExit []bool, err error) {
	p := g.p
	add := func(rs []sectionrt.RelocSection) error {
		for _, r := range rs {
			if err := g.addRelocs(r); err != nil {
				return err
			}
		}
		return nil
	}
	var first, data, code, sites []sectionrt.RelocSection
	for _, r := range rels {
		switch c := p.class[r.Target]; {
		case c == classSite:
			sites = append(sites, r)
		case c == classResident && p.secs[r.Target].Flags&elf.SHF_EXECINSTR != 0:
			code = append(code, r)
		case c == classResident:
			data = append(data, r)
		default:
			first = append(first, r)
		}
	}
	// Each list is read whole, its sections in runs of one call each;
	// code's only once needed (384 of the 853 seeded Debian 6.1 modules
	// end before).
	g.o.PrefetchRelocations(&p.w.relocs, first, data)
	defer p.w.relocs.Forget()
	if err := add(first); err != nil {
		return nil, nil, err
	}
	kept := g.keptRoom(data, code)
	defer func() { g.giveBack(kept) }()
	dataSpans, kept, err := g.keep(data, kept)
	if err != nil {
		return nil, nil, err
	}
	if err := g.addInto(dataSpans, g.seeds()); err != nil {
		return nil, nil, err
	}
	if !p.mixed && g.seedsRuledOut() {
		return nil, nil, nil
	}
	var may bool
	g.o.PrefetchRelocations(&p.w.relocs, code)
	if kept, may, err = g.addCode(code, dataSpans, kept); err != nil || !may {
		return nil, nil, err
	}
	inInit, inExit = g.members(classInit), g.members(classExit)
	member := g.union(inInit, inExit)
	if member == nil {
		return nil, nil, nil
	}
	if err := g.scanAll(func(n int) bool { return n < len(member) && member[n] }); err != nil {
		return nil, nil, err
	}
	if g.anyObject(member) {
		if err := add(sites); err != nil {
			return nil, nil, err
		}
	}
	return g.members(classInit), g.members(classExit), nil
}

// formatErr is the *sectionrt.FormatError for an object Find refuses.
func formatErr(o *sectionrt.Object, format string, args ...any) error {
	return &sectionrt.FormatError{File: o.Name(), Off: -1, Msg: fmt.Sprintf(format, args...)}
}

// refClass is what a referring section means for the symbols it
// references.
type refClass uint8

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

// members returns the members for root class root (classInit or
// classExit): the greatest set of eligible nodes whose referrers are all
// root-class code or members, and each reachable from root-class code
// through members.
//
// It starts from every eligible node with a referrer and no resident
// flag, and removes nodes that break the rule with respect to the nodes
// left, until none does: whatever breaks it for a set breaks it for each
// subset, so that no node of the greatest set is ever removed, and what
// is left satisfies the rule. A node removed breaks the rule for its
// targets (it is eligible, so not root code), which go next.
//
// The sets are the workspace's (boolSet), valid until Find returns.
func (g *refGraph) members(root refClass) []bool {
	w := g.p.w
	in, seen := w.boolSet(len(g.nodes)), w.boolSet(len(g.nodes))
	for _, i := range g.cands {
		in[i] = !g.nodes[i].resident
	}
	gone := w.gone[:0]
	defer func() { w.gone = gone[:0] }()
	for _, i := range g.cands {
		if !in[i] {
			continue
		}
		for e := g.nodes[i].in; e != 0; e = g.edges[e].nextIn {
			if f := g.edges[e].from; !in[f] && !g.nodes[f].root(root) {
				gone = append(gone, i)
				break
			}
		}
	}
	for {
		for len(gone) > 0 {
			i := gone[len(gone)-1]
			gone = gone[:len(gone)-1]
			if !in[i] {
				continue
			}
			in[i] = false
			for e := g.nodes[i].out; e != 0; e = g.edges[e].nextOut {
				if t := g.edges[e].to; in[t] {
					gone = append(gone, t)
				}
			}
		}
		g.reach(root, in, seen)
		for _, i := range g.cands {
			if in[i] && !seen[i] {
				gone = append(gone, i)
			}
		}
		if len(gone) == 0 {
			return in
		}
	}
}

// seedsRuledOut reports whether every seed (an eligible node that init or
// exit code references) has a referrer that is neither eligible nor root
// code of the seed's class, which keeps it resident whatever edges come:
// the resident flag, or code of the other class.
func (g *refGraph) seedsRuledOut() bool {
	for _, i := range g.cands {
		nd := &g.nodes[i]
		if nd.resident {
			continue
		}
		for _, c := range []refClass{classInit, classExit} {
			seed, out := false, false
			for e := nd.in; e != 0; e = g.edges[e].nextIn {
				switch from := &g.nodes[g.edges[e].from]; {
				case from.root(c):
					seed = true
				case !from.eligible:
					out = true
				}
			}
			if seed && !out {
				return false
			}
		}
	}
	return true
}

// union returns the nodes in a or b, nil when there is none; a
// workspace set (boolSet).
func (g *refGraph) union(a, b []bool) []bool {
	var u []bool
	for i := range a {
		if a[i] || b[i] {
			if u == nil {
				u = g.p.w.boolSet(len(a))
			}
			u[i] = true
		}
	}
	return u
}

// anyObject reports whether some node in set is an object.
func (g *refGraph) anyObject(set []bool) bool {
	for i, in := range set {
		if in && g.nodes[i].object {
			return true
		}
	}
	return false
}

// reach sets seen, as long as in, to the nodes of in reachable from
// root-class code through nodes of in.
func (g *refGraph) reach(root refClass, in, seen []bool) {
	clear(seen)
	w := g.p.w
	stack := w.stack[:0]
	defer func() { w.stack = stack[:0] }()
	for _, r := range g.roots {
		if g.nodes[r].root(root) {
			stack = append(stack, r)
		}
	}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for e := g.nodes[f].out; e != 0; e = g.edges[e].nextOut {
			if t := g.edges[e].to; int(t) < len(in) && in[t] && !seen[t] {
				seen[t] = true
				stack = append(stack, t)
			}
		}
	}
}

// suggestions are the members in of root class root, as Suggestions.
func (g *refGraph) suggestions(in []bool, root refClass) []Suggestion {
	var out []Suggestion
	for i := range in {
		if !in[i] {
			continue
		}
		nd := &g.nodes[i]
		names, file := g.memberNames(i)
		s := Suggestion{Symbol: g.name(i), Section: g.sectionName(i), Size: nd.size, Kind: kindFor(nd.object, g.sectionName(i), root), ReferencedFrom: []string{}, File: file}
		for e := nd.in; e != 0; e = g.edges[e].nextIn {
			if f := int(g.edges[e].from); f != i {
				s.ReferencedFrom = append(s.ReferencedFrom, g.name(f))
			}
		}
		slices.Sort(s.ReferencedFrom)
		s.ReferencedFrom = slices.Compact(s.ReferencedFrom)
		if len(names) > 1 || (len(names) == 1 && names[0] != s.Symbol) {
			s.Symbols = names
		}
		s.own()
		out = append(out, s)
	}
	return out
}

// own gives s's names storage of their own: they are substrings of the
// object's string table, which an Object made from a view gives back to
// the view (sectionrt.RawView.Recycle) for the next object's.
func (s *Suggestion) own() {
	s.Symbol, s.File = strings.Clone(s.Symbol), strings.Clone(s.File)
	for _, l := range [][]string{s.ReferencedFrom, s.Symbols} {
		for i := range l {
			l[i] = strings.Clone(l[i])
		}
	}
}

// kindFor is the kind of a function (or object) in section sec used only
// by root-class code.
func kindFor(object bool, sec string, root refClass) string {
	switch {
	case !object && root == classInit:
		return "init"
	case !object:
		return "exit"
	case root == classExit:
		return "exitdata"
	case strings.HasPrefix(sec, ".rodata"):
		return "initconst"
	}
	return "initdata"
}
