package sectionrt

import (
	"debug/elf"
	"strings"
)

// Memory is what a module's sections cost once loaded, as the module loader
// lays them out (kernel/module/main.c): SHF_ALLOC sections whose names start
// with ".init" go to the init region, freed by do_free_init once the init
// function has succeeded; ".exit*" sections join them when the kernel has no
// CONFIG_MODULE_UNLOAD (module_init_layout_section), and stay resident
// otherwise. The loader clears SHF_ALLOC on .modinfo and __versions before
// layout (rewrite_section_headers), so they cost nothing.
//
// The prediction follows 6.1's layout_sections and layout_symtab
// (kernel/module/main.c) for x86_64 with CONFIG_STRICT_MODULE_RWX and
// CONFIG_KALLSYMS_ALL, as Debian builds it: text, rodata, ro_after_init
// (.data..ro_after_init and __jump_table) and data each end on a page
// boundary, and the core kallsyms table (the symbols of resident allocated
// sections, their names and type bytes) follows on a page of its own.
type Memory struct {
	Unload bool `json:"module_unload"` // CONFIG_MODULE_UNLOAD assumed

	// Bytes of SHF_ALLOC sections per class, alignment padding included.
	InitText, InitData, InitRodata                  uint64 `json:"-"`
	CoreText, CoreRodata, CoreRoAfterInit, CoreData uint64 `json:"-"`
	// CoreKallsyms is the core symbol table layout_symtab appends to the
	// resident region: Elf64_Sym, name and type byte per kept symbol.
	CoreKallsyms uint64 `json:"core_kallsyms_bytes"`

	Init uint64 `json:"init_bytes"` // freed after init
	Core uint64 `json:"core_bytes"` // resident while loaded
	// Exit is the size of the .exit.* sections, counted in Core with
	// MODULE_UNLOAD and in Init without it.
	Exit uint64 `json:"exit_bytes"`
	// Pages as the loader allocates them; CorePages*PageSize predicts
	// /sys/module/NAME/coresize.
	InitPages uint64 `json:"init_pages"`
	CorePages uint64 `json:"core_pages"`
}

// PageSize is the page size the prediction rounds to (x86_64, arm64 4K).
const PageSize = 4096

// PredictMemory classifies o's sections as the module loader would.
func PredictMemory(o *Object, moduleUnload bool) Memory {
	l := newMemLayout(moduleUnload)
	core := make([]bool, len(o.sections))
	for i, s := range o.sections {
		core[i] = l.section(s.Name, s.Flags, s.Addralign, s.Size)
	}
	// is_core_symbol with CONFIG_KALLSYMS_ALL: defined in an allocated,
	// resident section and named; symbol 0 is always kept.
	for _, sym := range o.syms {
		if sym.Name == "" || !sym.Defined() || sym.SectionIndex <= 0 || sym.SectionIndex >= len(o.sections) {
			continue
		}
		if core[sym.SectionIndex] {
			l.coreSymbol(len(sym.Name))
		}
	}
	return l.done(o.HasSymbols())
}

// memLayout is PredictMemory's arithmetic, fed one section and one kept
// symbol at a time: by PredictMemory from an Object, by Screen.Memory
// from the headers and tables alone.
type memLayout struct {
	m            Memory
	ndst, strtab uint64 // core kallsyms: symbols kept (symbol 0 included), name bytes
}

func newMemLayout(moduleUnload bool) memLayout {
	return memLayout{m: Memory{Unload: moduleUnload}, ndst: 1, strtab: 1}
}

// section adds one section header and reports whether the section is
// allocated and resident: where a symbol is kept in the core kallsyms.
func (l *memLayout) section(name string, flags elf.SectionFlag, align, size uint64) (core bool) {
	// The percpu section gets its own allocation.
	if flags&elf.SHF_ALLOC == 0 || name == ".modinfo" || name == "__versions" || name == ".data..percpu" {
		return false
	}
	m := &l.m
	add := func(total *uint64) {
		a := align
		if a == 0 {
			a = 1
		}
		*total = alignUp(*total, a) + size
	}
	exit := strings.HasPrefix(name, ".exit")
	init := strings.HasPrefix(name, ".init") || (!m.Unload && exit)
	if exit {
		m.Exit += size
	}
	switch {
	case init && flags&elf.SHF_EXECINSTR != 0:
		add(&m.InitText)
	case init && flags&elf.SHF_WRITE != 0:
		add(&m.InitData)
	case init:
		add(&m.InitRodata)
	case flags&elf.SHF_EXECINSTR != 0:
		add(&m.CoreText)
	case name == ".data..ro_after_init" || name == "__jump_table":
		add(&m.CoreRoAfterInit)
	case flags&elf.SHF_WRITE != 0:
		add(&m.CoreData)
	default:
		add(&m.CoreRodata)
	}
	return !init
}

// coreSymbol counts one symbol layout_symtab keeps, by its name's length.
func (l *memLayout) coreSymbol(nameLen int) {
	l.ndst++
	l.strtab += uint64(nameLen) + 1
}

// done totals the classes: the core kallsyms table is Elf64_Sym, name and
// type byte per kept symbol, when the object has symbols.
func (l *memLayout) done(hasSymbols bool) Memory {
	const symSize = 24 // sizeof(Elf64_Sym)
	m := l.m
	if hasSymbols {
		m.CoreKallsyms = l.ndst*symSize + l.strtab + l.ndst
	}
	m.Init = m.InitText + m.InitData + m.InitRodata
	m.Core = m.CoreText + m.CoreRodata + m.CoreRoAfterInit + m.CoreData
	m.InitPages = pages(m.InitText) + pages(m.InitRodata) + pages(m.InitData)
	m.CorePages = pages(m.CoreText) + pages(m.CoreRodata) + pages(m.CoreRoAfterInit) + pages(m.CoreData) + pages(m.CoreKallsyms)
	return m
}

func alignUp(v, a uint64) uint64 { return (v + a - 1) / a * a }

func pages(n uint64) uint64 { return alignUp(n, PageSize) / PageSize }
