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
	m := Memory{Unload: moduleUnload}
	add := func(total *uint64, s Section) {
		a := s.Addralign
		if a == 0 {
			a = 1
		}
		*total = alignUp(*total, a) + s.Size
	}
	initSec := func(name string) bool {
		return strings.HasPrefix(name, ".init") || (!moduleUnload && strings.HasPrefix(name, ".exit"))
	}
	allocated := func(s Section) bool {
		// The percpu section gets its own allocation.
		return s.Flags&elf.SHF_ALLOC != 0 && s.Name != ".modinfo" && s.Name != "__versions" && s.Name != ".data..percpu"
	}
	for _, s := range o.sections {
		if !allocated(s) {
			continue
		}
		init := initSec(s.Name)
		if strings.HasPrefix(s.Name, ".exit") {
			m.Exit += s.Size
		}
		switch {
		case init && s.Flags&elf.SHF_EXECINSTR != 0:
			add(&m.InitText, s)
		case init && s.Flags&elf.SHF_WRITE != 0:
			add(&m.InitData, s)
		case init:
			add(&m.InitRodata, s)
		case s.Flags&elf.SHF_EXECINSTR != 0:
			add(&m.CoreText, s)
		case s.Name == ".data..ro_after_init" || s.Name == "__jump_table":
			add(&m.CoreRoAfterInit, s)
		case s.Flags&elf.SHF_WRITE != 0:
			add(&m.CoreData, s)
		default:
			add(&m.CoreRodata, s)
		}
	}
	// is_core_symbol with CONFIG_KALLSYMS_ALL: defined in an allocated,
	// resident section and named; symbol 0 is always kept.
	const symSize = 24 // sizeof(Elf64_Sym)
	ndst, strtab := uint64(1), uint64(1)
	for _, sym := range o.syms {
		if sym.Name == "" || !sym.Defined() || sym.SectionIndex <= 0 || sym.SectionIndex >= len(o.sections) {
			continue
		}
		sec := o.sections[sym.SectionIndex]
		if !allocated(sec) || initSec(sec.Name) {
			continue
		}
		ndst++
		strtab += uint64(len(sym.Name)) + 1
	}
	if o.HasSymbols() {
		m.CoreKallsyms = ndst*symSize + strtab + ndst
	}
	m.Init = m.InitText + m.InitData + m.InitRodata
	m.Core = m.CoreText + m.CoreRodata + m.CoreRoAfterInit + m.CoreData
	m.InitPages = pages(m.InitText) + pages(m.InitRodata) + pages(m.InitData)
	m.CorePages = pages(m.CoreText) + pages(m.CoreRodata) + pages(m.CoreRoAfterInit) + pages(m.CoreData) + pages(m.CoreKallsyms)
	return m
}

func alignUp(v, a uint64) uint64 { return (v + a - 1) / a * a }

func pages(n uint64) uint64 { return alignUp(n, PageSize) / PageSize }
