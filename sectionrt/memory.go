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
type Memory struct {
	Unload bool `json:"module_unload"` // CONFIG_MODULE_UNLOAD assumed

	// Bytes of SHF_ALLOC sections per class, alignment padding included.
	InitText, InitData, InitRodata uint64 `json:"-"`
	CoreText, CoreRodata, CoreData uint64 `json:"-"`

	Init uint64 `json:"init_bytes"` // freed after init
	Core uint64 `json:"core_bytes"` // resident while loaded
	// Pages as the loader allocates them with CONFIG_STRICT_MODULE_RWX: each
	// of text, rodata and data starts on a page boundary. CorePages is a
	// lower bound on /sys/module/NAME/coresize, which also holds the
	// module's kallsyms symbol and string tables.
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
	for _, s := range o.sections {
		if s.Flags&elf.SHF_ALLOC == 0 || s.Name == ".modinfo" || s.Name == "__versions" {
			continue
		}
		init := strings.HasPrefix(s.Name, ".init") || (!moduleUnload && strings.HasPrefix(s.Name, ".exit"))
		switch {
		case init && s.Flags&elf.SHF_EXECINSTR != 0:
			add(&m.InitText, s)
		case init && s.Flags&elf.SHF_WRITE != 0:
			add(&m.InitData, s)
		case init:
			add(&m.InitRodata, s)
		case s.Flags&elf.SHF_EXECINSTR != 0:
			add(&m.CoreText, s)
		case s.Flags&elf.SHF_WRITE != 0:
			add(&m.CoreData, s)
		default:
			add(&m.CoreRodata, s)
		}
	}
	m.Init = m.InitText + m.InitData + m.InitRodata
	m.Core = m.CoreText + m.CoreData + m.CoreRodata
	m.InitPages = pages(m.InitText) + pages(m.InitRodata) + pages(m.InitData)
	m.CorePages = pages(m.CoreText) + pages(m.CoreRodata) + pages(m.CoreData)
	return m
}

func alignUp(v, a uint64) uint64 { return (v + a - 1) / a * a }

func pages(n uint64) uint64 { return alignUp(n, PageSize) / PageSize }
