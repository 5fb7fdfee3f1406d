package suggest

import (
	"debug/elf"

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
func bindEligible(s *sectionrt.Symbol, linked bool) bool {
	return s.Bind == elf.STB_LOCAL || linked && s.Bind == elf.STB_GLOBAL
}
