package sectionrt

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
	"strings"
	"unsafe"
)

// A RawView is an object's section headers and symbol table exactly as
// Open makes them (the same Section and Symbol values), with its
// relocation entries and section bytes on demand, read by a Screen from
// the file without building an Object. It is for an analysis of thousands
// of objects that, for most, needs only these tables and a few small
// sections (package suggest's seed search): it costs no debug/elf parse,
// and its tables are the Screen's reused buffers.
//
// View checks the symbol table's entries but decodes no Symbol: an
// analysis that clears most objects (package suggest's seed search) reads
// the few fields it needs from the entries (SymbolEntries), and decoding
// every symbol into a 104-byte Symbol took about a fifth of the view's
// time. Symbols decodes the table on first use, without its names
// (finding where each ends took a fifth of the view's time too);
// SymbolName, SymbolNamed and SymbolHasBase answer for one symbol from the
// string table the view keeps; SymbolTable decodes it with every Name, or
// fills them, once, as does Object, whose names they stay (see Object and
// Recycle).
//
// View refuses what Clean refuses in the headers and the symbol table
// (ELFCLASS32, big-endian, program headers, SHF_COMPRESSED, SHN_XINDEX,
// anything malformed), and besides SHT_REL and any relocation section
// whose header Object.RelocSections would refuse. So a view exists only
// for an object that Open, RelocSections and CheckSymbolExtents accept,
// and what it gives is what that Object gives; Object makes that Object
// from it (TestRawViewInstalled, TestRawViewAgrees). A name offset past
// the string table, or a name without its NUL, is no error (Open reads
// the name as ""): SymbolName gives "" too.
//
// A view, its tables and the names in them belong to the Screen: they are
// valid until the Screen's next use, and only while the reader is open.
// The Object it makes keeps them until Recycle.
type RawView struct {
	s       *Screen
	r       io.ReaderAt
	size    int64
	machine elf.Machine
	secs    []Section
	nameIDs []int32 // by section: its name's NameID
	syms    []Symbol
	rels    []RelocSection
	symtab  int
	// buf holds the symbol entries and the string table, which strtab
	// is: the names are substrings of it. Of a whole view, it is the
	// file, which file reads.
	buf     []byte
	whole   bool
	file    bytes.Reader
	entries []byte // the symbol entries, in buf
	strtab  string
	strs    []byte // strtab's bytes
	// lastNUL is the index of strtab's last NUL, -1 for none: a name
	// starting before it ends inside the table.
	lastNUL int
	// decoded: syms holds the table (decode); named: with the names.
	decoded, named bool
	// ahead holds the runs of the file ReadAhead read, run by run.
	ahead []byte
	runs  []relocRun
}

// maxWholeView is the largest file View reads whole, with one call to
// ReadAt rather than about five (the header, the section headers, the
// symbol and string tables, ReadAhead's runs): a call costs about as much
// as copying 6 KiB from the page cache, and of Debian 6.1's 4,023 modules
// a third are at most this large. Measured on that tree, initsec suggest
// took least CPU time at about this size.
const maxWholeView = 24 << 10

// maxViewSyms is the most symbols a view keeps storage for between
// objects, and maxViewBuf the most bytes of symbol and string table: of
// Debian 6.1's 4,023 modules the median has 94 symbols, the largest
// (amdgpu.ko) 26,032 in 1.5 MB of tables. Its tables kept (3.3 MB), the
// objects after it need no new ones: dropped, the tables grew again
// object by object, about 3.3 MB of fresh memory for initsec suggest on
// that tree (each fresh page costs the kernel about 2 us).
const (
	maxViewSyms = 32 << 10
	maxViewBuf  = 2 << 20
)

// errRawView is the error of a view's reader: the Object would report the
// same input with a *FormatError, which a caller that meets this should
// get by opening the object.
var errRawView = errors.New("sectionrt: raw view: malformed or unreadable input (open the object for the error)")

// View reads the object r holds (size bytes, a regular file's size) as a
// RawView; ok false means "not handled": open the object instead, which
// then also reports any error exactly. A file of at most maxWholeView
// bytes is read whole, with one call to ReadAt, and the view and its
// Object read it from memory; of a larger one, View reads the ELF header,
// the section headers and the symbol and string tables, and the rest as
// asked for.
func (s *Screen) View(r io.ReaderAt, size int64) (v *RawView, ok bool) {
	if s.view == nil {
		s.view = &RawView{s: s}
	}
	v = s.view
	v.r = nil // the last view is spent, whatever this one becomes
	v.runs = v.runs[:0]
	if cap(v.syms) > maxViewSyms {
		// The last object's table was a huge module's: not kept for
		// every later one.
		v.syms = nil
	}
	if cap(v.buf) > maxViewBuf {
		v.buf = nil
	}
	if size < 64 {
		return nil, false
	}
	if v.whole = size <= maxWholeView; v.whole {
		// One read for the view's every read: the header, the section
		// headers, the symbol table, ReadAhead's and the Object's.
		if v.buf, ok = readWhole(r, size, v.buf, &v.file); !ok {
			return nil, false
		}
		r = &v.file
	}
	if !readFull(r, s.hdr[:], 0) {
		return nil, false
	}
	h, ok := s.header(size)
	if !ok || !s.sections(r, h, size) {
		return nil, false
	}
	symtab, ok := s.symtab()
	if !ok {
		return nil, false
	}
	v.r, v.size, v.machine, v.symtab = r, size, h.machine, symtab
	if !v.sections(symtab) || !v.symbols(symtab) {
		v.r = nil
		return nil, false
	}
	return v, true
}

// sections fills secs from the Screen's section headers and rels as
// RelocSections lists them, refusing SHT_REL and each header
// checkRelocHeader would refuse.
func (v *RawView) sections(symtab int) bool {
	s := v.s
	v.secs = grow(v.secs, len(s.secs))
	v.nameIDs = grow(v.nameIDs, len(s.secs))
	v.rels = v.rels[:0]
	for i := range s.secs {
		sc := &s.secs[i]
		n := s.internName(i)
		v.nameIDs[i] = n.id
		v.secs[i] = Section{
			Index: i, Name: n.name, Type: sc.typ, Flags: sc.flags,
			Offset: sc.off, Size: sc.size, Addralign: sc.align, Entsize: sc.entsize,
			Link: sc.link, Info: sc.info,
		}
		switch sc.typ {
		case elf.SHT_REL:
			return false
		case elf.SHT_RELA:
			if sc.info == 0 || int(sc.info) >= len(s.secs) {
				return false
			}
			if sc.size != 0 && (int(sc.link) != symtab || sc.size%24 != 0 || sc.entsize != 0 && sc.entsize != 24) {
				return false
			}
			v.rels = append(v.rels, RelocSection{Index: i, Target: int(sc.info), RELA: true})
		}
	}
	return true
}

// symbols reads the symbol table and checks every entry as loadSymbols
// and checkSymbolExtents check it, refusing SHN_XINDEX besides; the
// Symbols are decoded when first asked for (decode): an analysis that
// clears most objects from the entries (SymbolEntries: package suggest's
// seed search) decodes few tables.
func (v *RawView) symbols(symtab int) bool {
	entries, strtab, ok := v.readSymtab(symtab)
	if !ok {
		return false
	}
	v.entries, v.decoded, v.named = entries, false, false
	v.lastNUL = strings.LastIndexByte(strtab, 0)
	le, secs := binary.LittleEndian, v.secs
	for e := entries[elf.Sym64Size:]; len(e) >= elf.Sym64Size; e = e[elf.Sym64Size:] {
		shndx := elf.SectionIndex(le.Uint16(e[6:]))
		if shndx-1 >= elf.SHN_LORESERVE-1 { // SHN_UNDEF (wrapped) or reserved
			if shndx == elf.SHN_XINDEX {
				return false
			}
			continue
		}
		if int(shndx) >= len(secs) {
			return false
		}
		// The extent first: most symbols' is inside; the symbols whose
		// is not checked are few.
		sec := &secs[shndx]
		if value, size := le.Uint64(e[8:]), le.Uint64(e[16:]); value <= sec.Size && size <= sec.Size-value {
			continue
		}
		if typ := elf.ST_TYPE(e[4]); typ != elf.STT_SECTION && typ != elf.STT_FILE && sec.Type != elf.SHT_NULL {
			return false
		}
	}
	return true
}

// decode fills syms from the checked entries as loadSymbols does (File
// from the STT_FILE before a local symbol), and each Name when named.
func (v *RawView) decode(named bool) {
	n := len(v.entries) / elf.Sym64Size
	v.syms = grow(v.syms, n)
	v.syms[0] = Symbol{}
	file := ""
	for idx := 1; idx < n; idx++ {
		sym := &v.syms[idx] // filled in place: a Symbol is 104 bytes
		v.symbol(sym, v.entries[idx*elf.Sym64Size:], idx)
		if named {
			sym.Name = strtabString(v.strtab, v.nameOff(idx))
		}
		switch {
		case sym.Type == elf.STT_FILE:
			file = v.SymbolName(idx)
		case sym.Bind == elf.STB_LOCAL && sym.Type != elf.STT_SECTION:
			sym.File = file
		}
	}
	v.decoded, v.named = true, named
}

// readSymtab reads the entries of symbol table symtab and its string
// table into v.buf, with one read when the string table follows closely,
// as ld puts it. The string table is a string of the buffer, without a
// copy: the names are valid until the next view (see RawView; Object
// copies them).
func (v *RawView) readSymtab(symtab int) (entries []byte, strtab string, ok bool) {
	st, str := &v.s.secs[symtab], &v.s.secs[v.s.secs[symtab].link]
	if v.whole {
		// Both lie inside the file (Screen.sections), one with data
		// (Screen.symtab); the string table may have none.
		entries = v.buf[st.off : st.off+st.size]
		if str.size != 0 {
			v.strs = v.buf[str.off : str.off+str.size]
			strtab = unsafe.String(&v.strs[0], len(v.strs))
		} else {
			v.strs = nil
		}
		v.strtab = strtab
		return entries, strtab, true
	}
	lo, hi := st.off, st.off+st.size
	together := str.off >= hi && str.off-hi <= screenGap
	if together {
		hi = str.off + str.size
	}
	v.buf = fit(v.buf, int(hi-lo+str.size))
	b := v.buf[:hi-lo]
	if !readFull(v.r, b, int64(lo)) {
		return nil, "", false
	}
	entries = b[:st.size]
	var strs []byte
	if together {
		strs = b[str.off-lo:]
	} else {
		strs = b[len(b) : len(b)+int(str.size)]
		if !readFull(v.r, strs, int64(str.off)) {
			return nil, "", false
		}
	}
	if len(strs) > 0 {
		strtab = unsafe.String(&strs[0], len(strs))
	}
	v.strtab, v.strs = strtab, strs
	return entries, strtab, true
}

// symbol decodes entry e, symbol idx, into sym as symtabDecoder.symbol
// does, Name and File aside (left empty); symbols checked it.
func (v *RawView) symbol(sym *Symbol, e []byte, idx int) {
	le := binary.LittleEndian
	info, shndx := e[4], elf.SectionIndex(le.Uint16(e[6:]))
	sym.Name, sym.Section, sym.File = "", "", ""
	sym.Index, sym.Value, sym.Size = idx, le.Uint64(e[8:]), le.Uint64(e[16:])
	sym.Type, sym.Bind, sym.Shndx, sym.SectionIndex = elf.ST_TYPE(info), elf.ST_BIND(info), shndx, int(shndx)
	if shndx != elf.SHN_UNDEF && shndx < elf.SHN_LORESERVE {
		sym.Section = v.secs[shndx].Name
	}
}

// Machine returns the ELF e_machine.
func (v *RawView) Machine() elf.Machine { return v.machine }

// SectionTable is Object.SectionTable: the headers in index order,
// element 0 the null section. It must not be modified.
func (v *RawView) SectionTable() []Section { return v.secs }

// SymbolTable is Object.SymbolTable: indexed by ELF symbol index, element
// 0 the null symbol. The first call fills the names of Symbols' table,
// which it is. It must not be modified.
func (v *RawView) SymbolTable() []Symbol {
	switch {
	case !v.decoded:
		v.decode(true)
	case !v.named:
		v.fillNames(v.strtab)
	}
	return v.syms
}

// Symbols is SymbolTable before it is named: the same table, each Name ""
// until SymbolTable fills them (File is set). The first call decodes it.
// It must not be modified.
func (v *RawView) Symbols() []Symbol {
	if !v.decoded {
		v.decode(false)
	}
	return v.syms
}

// SymbolEntries is the symbol table as the file holds it: little-endian
// ELF64 entries of elf.Sym64Size bytes, index 0 the null symbol (whatever
// its bytes, Symbols' is the zero Symbol: read from 1), each other
// checked as Symbols' (st_shndx a section of the table or a reserved
// index other than SHN_XINDEX; a defined symbol's extent inside its
// section, as CheckSymbolExtents checks it). An analysis that needs a
// few fields of every symbol reads them here without decoding the table;
// SymbolName, SymbolNamed and SymbolHasBase answer for a name. Valid as
// long as the view; it must not be modified.
func (v *RawView) SymbolEntries() []byte { return v.entries }

// nameOff is symbol i's st_name.
func (v *RawView) nameOff(i int) uint32 {
	return binary.LittleEndian.Uint32(v.entries[i*elf.Sym64Size:])
}

// SymbolName is SymbolTable()[i].Name, found on its own; i must be an
// index of the table.
func (v *RawView) SymbolName(i int) string {
	if i == 0 {
		return ""
	}
	return strtabString(v.strtab, v.nameOff(i))
}

// SymbolNamed is SymbolTable()[i].Named() without finding where the name
// ends: Named looks at its first two bytes. i must be an index of the
// table.
func (v *RawView) SymbolNamed(i int) bool {
	if i == 0 {
		return false
	}
	if t := elf.ST_TYPE(v.entries[i*elf.Sym64Size+4]); t == elf.STT_SECTION || t == elf.STT_FILE {
		return false
	}
	off := int(v.nameOff(i))
	if off >= v.lastNUL || v.strtab[off] == 0 {
		return false // no NUL after it (strtabString's ""), or empty
	}
	head := v.strtab[off : off+1]
	if v.strtab[off+1] != 0 { // off+1 <= lastNUL: inside the table
		head = v.strtab[off : off+2]
	}
	return validName612(head) // which looks no further than two bytes
}

// SymbolNamePrefix is SymbolName(i)'s first eight bytes, little-endian
// (the first byte lowest), 0 past its end, without finding where the name
// ends: a caller comparing many names with a few can tell most apart by
// it. i must be an index of the table.
func (v *RawView) SymbolNamePrefix(i int) uint64 {
	off := int(v.nameOff(i))
	if i == 0 || off > v.lastNUL {
		return 0 // the name is ""
	}
	var x uint64
	if off+8 <= len(v.strs) {
		x = binary.LittleEndian.Uint64(v.strs[off:])
	} else {
		for k := 0; off+k < len(v.strs) && k < 8; k++ {
			x |= uint64(v.strs[off+k]) << (8 * k)
		}
	}
	// Bytes from the first NUL on cleared (the name's end: at or before
	// lastNUL). The lowest bit of z marks the first zero byte.
	if z := (x - 0x0101010101010101) &^ x & 0x8080808080808080; z != 0 {
		x &= 1<<(bits.TrailingZeros64(z)&^7) - 1
	}
	return x
}

// SymbolHasBase reports whether SymbolName(i) is base or one of its
// clones, base and a '.' (Object.Lookup's match; baseName(SymbolName(i))
// == base), reading no further; base must hold no '.' and no NUL. i must
// be an index of the table.
func (v *RawView) SymbolHasBase(i int, base string) bool {
	off := int(v.nameOff(i))
	if i == 0 || off > v.lastNUL {
		return base == "" // the name is ""
	}
	// The name ends at a NUL at or before lastNUL: past end, it would
	// hold base's bytes (no NUL) and end inside the table.
	end := off + len(base)
	if end > v.lastNUL || base != "" && v.strtab[off] != base[0] {
		return false // the first byte tells most names apart, without a call
	}
	return v.strtab[off:end] == base && (v.strtab[end] == 0 || v.strtab[end] == '.')
}

// fillNames sets each symbol's Name and File from strtab, the view's
// string table or a copy of it.
func (v *RawView) fillNames(strtab string) {
	file := ""
	for i := 1; i < len(v.syms); i++ {
		sym := &v.syms[i]
		sym.Name = strtabString(strtab, v.nameOff(i))
		switch {
		case sym.Type == elf.STT_FILE:
			file = sym.Name
		case sym.Bind == elf.STB_LOCAL && sym.Type != elf.STT_SECTION:
			sym.File = file
		}
	}
	v.named = true
}

// SectionNameIDs numbers the sections' names, by section index: two
// sections, of this view or any other in the process, have the same
// number exactly when they have the same name, so that a caller can keep
// what it derives from a name in a table indexed by it (package suggest's
// section classes). Numbers are small, from 0 up in the order names are
// first met; -1 for a name met after 65,536 others, which has none. It
// must not be modified.
func (v *RawView) SectionNameIDs() []int32 { return v.nameIDs }

// RelocSections is Object.RelocSections: every one an SHT_RELA section
// with a checked header.
func (v *RawView) RelocSections() []RelocSection { return v.rels }

// EachRelocation is Object.EachRelocation for one of RelocSections: each
// entry decoded and checked as Relocations does, read a window at a time
// into the Screen's buffer. Where the Object's would fail, the error is
// errRawView.
func (v *RawView) EachRelocation(rs RelocSection, f func(Relocation) bool) error {
	if rs.Index <= 0 || rs.Index >= len(v.secs) || v.secs[rs.Index].Type != elf.SHT_RELA {
		return errRawView
	}
	s := &v.secs[rs.Index]
	if buf, ok := v.aheadBytes(s.Offset, s.Size); ok {
		_, err := v.eachEntry(buf, &v.secs[s.Info], f)
		return err
	}
	per := uint64(screenWindow / 24 * 24)
	for off := uint64(0); off < s.Size; off += per {
		buf := v.s.window(int(min(per, s.Size-off)))
		if !readFull(v.r, buf, int64(s.Offset+off)) {
			return errRawView
		}
		if more, err := v.eachEntry(buf, &v.secs[s.Info], f); !more {
			return err
		}
	}
	return nil
}

// eachEntry decodes and checks the entries of buf, relocations of
// target, for EachRelocation; more is false when f or a check stopped
// the scan.
func (v *RawView) eachEntry(buf []byte, target *Section, f func(Relocation) bool) (more bool, err error) {
	for j := 0; j+Rela64Size <= len(buf); j += Rela64Size {
		r := Rela64Relocation(buf[j : j+Rela64Size])
		if uint64(r.Sym) >= uint64(len(v.entries)/elf.Sym64Size) ||
			r.Offset >= target.Size && !(target.Size == 0 && r.Offset == 0 && target.Type == elf.SHT_NOBITS) {
			return false, errRawView
		}
		if !f(r) {
			return false, nil
		}
	}
	return true, nil
}

// SectionDataBuf is Object.SectionDataBuf: section i's bytes, into buf's
// storage when it is large enough (valid until that is reused), nil for a
// section without file data.
func (v *RawView) SectionDataBuf(i int, buf []byte) ([]byte, error) {
	if i < 0 || i >= len(v.secs) {
		return nil, errRawView
	}
	s := &v.secs[i]
	if !s.hasFileData() {
		return nil, nil
	}
	if uint64(cap(buf)) < s.Size {
		buf = make([]byte, s.Size) // bounded: the extent lies inside the file
	}
	b := buf[:s.Size]
	if a, ok := v.aheadBytes(s.Offset, s.Size); ok {
		copy(b, a)
	} else if !readFull(v.r, b, int64(s.Offset)) {
		return nil, errRawView
	}
	return b, nil
}

// maxAhead is the most bytes ReadAhead reads for a view.
const maxAhead = screenWindow

// ReadAhead reads the bytes of sections idx that lie close together in
// the file (at most screenGap apart) with one call to ReadAt per run, up
// to 64 KiB in all: EachRelocation and SectionDataBuf then take them from
// memory until the next View. A section that would come alone, or past
// that, is read when asked for, as is every one when a read fails (which
// that read then reports). A call to ReadAt costs as much as copying a
// few KiB from the page cache (see PrefetchRelocations): a caller that
// reads several small sections (package suggest's seed search: the init
// and exit code and their relocations) makes one call for each run.
func (v *RawView) ReadAhead(idx ...int) {
	if v.whole {
		return // aheadBytes has the file
	}
	ext := v.runs[:0]
	for _, i := range idx {
		if i > 0 && i < len(v.secs) && v.secs[i].hasFileData() && v.secs[i].Size <= maxAhead {
			ext = append(ext, relocRun{lo: v.secs[i].Offset, hi: v.secs[i].Offset + v.secs[i].Size})
		}
	}
	runs, size := planRuns(ext, screenGap, maxAhead)
	v.ahead = grow(v.ahead, size)
	v.runs = runs[:0]
	for _, r := range runs {
		if readFull(v.r, v.ahead[r.at:r.at+int(r.hi-r.lo)], int64(r.lo)) {
			v.runs = append(v.runs, r)
		}
	}
}

// aheadBytes returns the file's n bytes at off when ReadAhead read them.
func (v *RawView) aheadBytes(off, n uint64) ([]byte, bool) {
	if v.whole {
		if off+n > uint64(len(v.buf)) { // a section's: each below 1<<63
			return nil, false
		}
		return v.buf[off : off+n], true
	}
	for _, r := range v.runs {
		if off >= r.lo && off+n <= r.hi {
			return v.ahead[r.at+int(off-r.lo) : r.at+int(off+n-r.lo)], true
		}
	}
	return nil, false
}

// fit returns b with length n, new only when it holds less: not grow,
// which drops a buffer above maxScratch for a smaller request, where a
// view's buffer is kept up to maxViewBuf (View).
func fit(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

// readWhole reads the size bytes r holds (at most maxWholeView) into
// buf's storage, and sets file to read them: one call to ReadAt for
// every later read of a small file (View's and Clean's). ok is false
// when the read fails or comes short.
func readWhole(r io.ReaderAt, size int64, buf []byte, file *bytes.Reader) (b []byte, ok bool) {
	if cap(buf) < int(size) {
		buf = make([]byte, 0, maxWholeView) // once, not once per larger file
	}
	b = fit(buf, int(size))
	if !readFull(r, b, 0) {
		return b, false
	}
	file.Reset(b)
	return b, true
}

// Object returns the Object Open would make of the viewed file, built
// from the view's tables (it takes them: the view is spent, and the
// Screen's next View reads into new ones). It reads from the view's
// reader, which must stay open while the Object is used (Close does not
// close it), or, of a file View read whole, from the bytes it read, which
// it takes with the tables. .modinfo is read on first use, not now: of initsec suggest's
// Objects only those with suggestions need it. An error reading it is
// LoadModInfo's (Open's would be the same). The Object's
// CheckSymbolExtents checks nothing again: the view refused what it
// would refuse.
//
// The Object's symbol names are the view's string table, not a copy of
// it: they stay valid until Recycle gives the table back (copying it cost
// initsec suggest about 8.5 MB of fresh memory on Debian 6.1's tree, and
// kept whole tables alive for the few names a result keeps).
func (v *RawView) Object(name string) (*Object, error) {
	if v.r == nil {
		return nil, errRawView
	}
	hdr, le := &v.s.hdr, binary.LittleEndian
	r := v.r
	if v.whole {
		r = bytes.NewReader(v.buf) // the Object's, as buf is
	}
	o := &Object{
		name: name, r: r, size: v.size,
		f: &elf.File{FileHeader: elf.FileHeader{
			Class: elf.ELFCLASS64, Data: elf.ELFDATA2LSB, Version: elf.EV_CURRENT,
			OSABI: elf.OSABI(hdr[elf.EI_OSABI]), ABIVersion: hdr[elf.EI_ABIVERSION],
			ByteOrder: le, Type: elf.ET_REL, Machine: v.machine, Entry: le.Uint64(hdr[24:]),
		}},
		sections: v.secs, symtabIdx: v.symtab, viewBuf: v.buf,
		lazyInfo: true, extentsChecked: true,
	}
	o.syms = v.SymbolTable()
	v.file.Reset(nil)
	v.r, v.secs, v.syms, v.buf, v.entries, v.strs = nil, nil, nil, nil, nil, nil
	return o, nil
}

// Recycle gives the view back the section and symbol tables and the
// string table Object took for o, for the next View to fill rather than
// allocate: a caller that makes Objects of many views (initsec suggest,
// for each object with a seed) would otherwise allocate them for each.
// Call it once done with o, which must not be used after: its tables are
// the view's again. Symbol names taken from o are then overwritten by the
// next View: copy those to keep (strings.Clone). Section names and
// .modinfo values stay valid.
func (v *RawView) Recycle(o *Object) {
	if o == nil {
		return
	}
	if v.syms == nil && cap(o.syms) <= maxViewSyms {
		v.syms = o.syms[:0]
	}
	if v.secs == nil {
		v.secs = o.sections[:0]
	}
	if v.buf == nil && cap(o.viewBuf) <= maxViewBuf {
		v.buf = o.viewBuf[:0]
	}
	o.syms, o.sections, o.viewBuf = nil, nil, nil
}
