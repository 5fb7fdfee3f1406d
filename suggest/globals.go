package suggest

import (
	"cmp"
	"debug/elf"
	"slices"

	"github.com/initsec/initsec/sectionrt"
)

// linkedModule reports whether secs are a linked module's (a .ko): modpost's
// .mod.c defines __this_module in .gnu.linkonce.this_module
// (scripts/mod/modpost.c add_header), which only the final ld -r of the
// module brings in; a single object (.o) never has it.
func linkedModule(secs []sectionrt.Section) bool {
	for i := range secs {
		if secs[i].Name == ".gnu.linkonce.this_module" {
			return true
		}
	}
	return false
}

// bindEligible reports whether a symbol of that binding may be suggested.
// A local one always. A global one only in a linked module: every object
// of the module is in it, and the module's relocatable link (ld -r) keeps
// every relocation to a global symbol (the assembler resolves only
// references to local symbols of the same section), so each caller and
// address-taker in another object is a referrer in the graph. Outside the
// module a global is reachable only when exported, and an export is a
// __ksymtab* entry whose relocation names the symbol (include/linux/export.h;
// 6.5 and later: modpost's .mod.c makes it from .export_symbol), which is
// resident data and so keeps the symbol resident. In a .o, another object
// of the module may call it: never. Weak symbols never: another definition
// may replace them at link.
func bindEligible(b elf.SymBind, linked bool) bool {
	return b == elf.STB_LOCAL || linked && b == elf.STB_GLOBAL
}

// globalParts pairs each global function of a linked module with its
// local parts: gcc emits foo.cold, foo.part.N, foo.isra.N of a global foo
// as local symbols of foo's translation unit, but a global has no STT_FILE
// to group them by (the symbol table lists it after every local). A local
// group (translation unit, base name) is a global's when it has no symbol
// named exactly the base (that would be a static foo of its own) and it is
// the only such group of that base name; several are a guess, so none is
// joined. members are the candidate symbol indices, groups the groups of
// their local functions (joinSymbols'); the result is pairs of symbol
// indices to join (the group's first symbol, the global), by global; of
// globals of one name, the last. x's storage is reused: the result is
// valid until x's next call.
func (x *partIndex) globalParts(syms []sectionrt.Symbol, members []int32, groups []localGroup) [][2]int32 {
	if x.partOf == nil {
		x.partOf = make(map[string]int32)
	}
	partOf := x.partOf // base -> first symbol of its one group without an exact name; -1 for several
	clear(partOf)
	for _, gr := range groups {
		if gr.exact {
			continue
		}
		if _, dup := partOf[gr.base]; dup {
			partOf[gr.base] = -1
		} else {
			partOf[gr.base] = gr.first
		}
	}
	out := x.out[:0]
	if len(partOf) > 0 {
		for _, i := range members {
			s := &syms[i]
			if s.Type != elf.STT_FUNC || s.Bind != elf.STB_GLOBAL {
				continue
			}
			// A matched base holds -2-k, k its pair in out: a later
			// global of that name takes the pair.
			switch v, ok := partOf[s.Name]; {
			case !ok || v == -1:
			case v >= 0:
				partOf[s.Name] = -2 - int32(len(out))
				out = append(out, [2]int32{v, i})
			default:
				out[-2-v][1] = i
			}
		}
	}
	x.out = out
	slices.SortFunc(out, func(a, b [2]int32) int { return cmp.Compare(a[1], b[1]) })
	return out
}

// partIndex is globalParts' storage, kept from one object to the next.
type partIndex struct {
	partOf map[string]int32
	out    [][2]int32
}
