package sectionrt

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"io"
	"sync"
)

// Memory is PredictMemory for the object r holds (size bytes, a regular
// file's size) without opening an Object: it reads the ELF header, the
// section headers and names, the symbol table and its string table, into
// the Screen's buffers. ok false means "not known": open the object and
// predict from it, which then also reports any error exactly. It gives up
// where Clean does on the headers and the symbol table (see Screen), so an
// object it measures is one Open accepts, and the result is
// PredictMemory's (TestScreenMemoryAgrees).
func (s *Screen) Memory(r io.ReaderAt, size int64, moduleUnload bool) (m Memory, ok bool) {
	if size < 64 || !readFull(r, s.hdr[:], 0) {
		return m, false
	}
	h, ok := s.header(size)
	if !ok || !s.sections(r, h, size) {
		return m, false
	}
	symtab, ok := s.symtab()
	if !ok {
		return m, false
	}
	l := newMemLayout(moduleUnload)
	s.core = grow(s.core, len(s.secs))
	for i := range s.secs {
		sec := &s.secs[i]
		s.core[i] = l.section(s.internName(i).name, sec.flags, sec.align, sec.size)
	}
	str := &s.secs[s.secs[symtab].link]
	s.strs = grow(s.strs, int(str.size))
	if !readFull(r, s.strs, int64(str.off)) || !s.coreSymbols(r, symtab, &l) {
		return m, false
	}
	if cap(s.strs) > maxScratch {
		s.strs = nil
	}
	return l.done(true), true
}

// internName is section i's name as a string, one allocation per distinct
// name for the Screen's life (a tree has a few hundred; the map is
// dropped past 8,192 like the class cache), with its NameID.
func (s *Screen) internName(i int) internedName {
	b := s.name(i)
	// Its slot of recent first: a hash of three bytes and a compare,
	// where the map hashes the whole name and probes (about 150
	// instructions a lookup; View interns each section's name).
	slot := &s.recent[recentSlot(b)]
	if slot.name == string(b) && slot.set {
		return *slot
	}
	if n, ok := s.interned[string(b)]; ok {
		*slot = n
		return n
	}
	if s.interned == nil {
		s.interned = make(map[string]internedName)
	} else if len(s.interned) >= 8192 {
		clear(s.interned)
		clear(s.recent[:])
	}
	str := string(b)
	n := internedName{str, nameID(str), true}
	s.interned[str] = n
	*slot = n
	return n
}

// recentSlot is the slot of Screen.recent for name b: a hash of its
// length and three of its bytes. (Five bytes into 1,024 slots missed half
// as often on Debian 6.1's 163 names, and cost as much as they saved.)
func recentSlot(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	return (len(b)*31 + int(b[0]) + int(b[len(b)-1])*7 + int(b[len(b)/2])*13) % len(Screen{}.recent)
}

// internedName is a section name the Screen interned, and its NameID;
// set tells an interned "" from a slot of Screen.recent not yet filled.
type internedName struct {
	name string
	id   int32
	set  bool
}

// nameIDs numbers the section names Screens intern, for the whole
// process: a caller that derives something from a name (package
// suggest's section classes) keeps it in a table indexed by the number
// rather than looking the name up in a map for each section of each
// object. Each Screen asks once per name it meets.
var nameIDs struct {
	sync.Mutex
	ids map[string]int32
}

// maxNameIDs bounds nameIDs: names past it get no number (-1). A tree of
// .o files built with -ffunction-sections has a section name per
// function.
const maxNameIDs = 1 << 16

// nameID returns name's number in nameIDs, -1 past maxNameIDs.
func nameID(name string) int32 {
	nameIDs.Lock()
	defer nameIDs.Unlock()
	if id, ok := nameIDs.ids[name]; ok {
		return id
	}
	if nameIDs.ids == nil {
		nameIDs.ids = make(map[string]int32)
	}
	if len(nameIDs.ids) >= maxNameIDs {
		return -1
	}
	id := int32(len(nameIDs.ids))
	nameIDs.ids[name] = id
	return id
}

// coreSymbols counts, a window of the symbol table at a time, the symbols
// layout_symtab keeps, with the checks symbols makes of each entry.
func (s *Screen) coreSymbols(r io.ReaderAt, symtab int, l *memLayout) bool {
	st := &s.secs[symtab]
	n := int(st.size / elf.Sym64Size)
	le := binary.LittleEndian
	per := screenWindow / elf.Sym64Size
	for base := 0; base < n; base += per {
		k := min(per, n-base)
		buf := s.window(k * elf.Sym64Size)
		if !readFull(r, buf, int64(st.off)+int64(base)*elf.Sym64Size) {
			return false
		}
		for j := range k {
			if base+j == 0 {
				continue
			}
			e := buf[j*elf.Sym64Size:]
			shndx := elf.SectionIndex(le.Uint16(e[6:]))
			if shndx == elf.SHN_XINDEX {
				return false
			}
			if shndx == elf.SHN_UNDEF || shndx >= elf.SHN_LORESERVE {
				continue
			}
			if int(shndx) >= len(s.secs) {
				return false
			}
			sec := &s.secs[shndx]
			typ := elf.ST_TYPE(e[4])
			if typ != elf.STT_SECTION && typ != elf.STT_FILE && sec.typ != elf.SHT_NULL {
				addr, sz := le.Uint64(e[8:]), le.Uint64(e[16:])
				if addr > sec.size || sz > sec.size-addr {
					return false
				}
			}
			if !s.core[shndx] {
				continue
			}
			// The name as strtabString reads it: NUL-terminated inside
			// the table, else empty (and not kept).
			off := uint64(le.Uint32(e[0:]))
			if off >= uint64(len(s.strs)) {
				continue
			}
			if nl := bytes.IndexByte(s.strs[off:], 0); nl > 0 {
				l.coreSymbol(nl)
			}
		}
	}
	return true
}
