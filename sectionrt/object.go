package sectionrt

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"unicode"
)

// Object is an ELF object opened for checking: a relocatable .o or .ko, or
// any other ELF file (vmlinux, a shared object) for the checks that do not
// need a relocatable one. Opening reads and validates the ELF header, the
// section headers, the symbol table (with SHN_XINDEX resolved) and .modinfo
// (an Object a RawView made reads .modinfo on first use: LoadModInfo);
// anything malformed is a *FormatError naming the file, never a panic.
//
// An Object is not modified after it is opened and may be read from several
// goroutines.
type Object struct {
	name   string
	r      io.ReaderAt
	size   int64 // file size, -1 when the reader does not tell
	closer io.Closer
	// data is the whole file when it is in memory (NewObjectBytes):
	// sections are then slices of it rather than copies. Read only.
	data []byte

	// f is kept for the later stages (relocation decoding); every call into
	// it must go through safely.
	f         *elf.File
	sections  []Section // indexed by ELF section index; [0] is the null section
	symtabIdx int       // section index of .symtab, 0 when there is none
	// syms is indexed by ELF symbol table index, so that a relocation's
	// symbol index N is syms[N]; syms[0] is the null symbol. Empty when the
	// object has no symbol table.
	syms []Symbol
	// byBase maps a symbol name up to its first '.' to indices into syms;
	// only Lookup needs it, so it is built on the first call.
	byBaseOnce sync.Once
	byBase     map[string][]int
	// at is SymbolAt's index, built on the first call.
	atOnce  sync.Once
	at      *symIndex
	modinfo []modinfoEntry
	// lazyInfo: modinfo is read on first use (LoadModInfo), once
	// (infoOnce), its error infoErr: an Object a RawView made, most of
	// which (initsec suggest's without suggestions) never need it.
	lazyInfo bool
	infoOnce sync.Once
	infoErr  error
	// extentsChecked: every symbol's extent was checked as
	// checkSymbolExtents does (RawView.symbol), which need not run again.
	extentsChecked bool
	// viewBuf is the RawView buffer the names are substrings of, for an
	// Object a view made: RawView.Recycle takes it back.
	viewBuf []byte
}

// Section is one ELF section header.
type Section struct {
	Index     int
	Name      string
	Type      elf.SectionType
	Flags     elf.SectionFlag
	Offset    uint64 // sh_offset
	Size      uint64 // sh_size (bytes in the file, except for SHT_NOBITS)
	Addralign uint64
	Entsize   uint64
	Link      uint32
	Info      uint32
}

// Symbol is one entry of the object's symbol table (.symtab).
type Symbol struct {
	Name string
	// Section is the name of the section the symbol is defined in, "" for
	// SHN_UNDEF, SHN_ABS, SHN_COMMON and other reserved indices.
	Section string
	// SectionIndex is the section header index; for the reserved indices it
	// is the raw st_shndx (0 for undefined, 0xfff1 for ABS, 0xfff2 for
	// COMMON). SHN_XINDEX is resolved through .symtab_shndx, so it never
	// appears here. With more than 0xff00 sections a real index can equal a
	// reserved one: use Defined or Shndx to tell them apart.
	SectionIndex int
	// Shndx is st_shndx as stored in the table: the section index, a
	// reserved index, or SHN_XINDEX when the index is in .symtab_shndx.
	Shndx       elf.SectionIndex
	Value, Size uint64
	Type        elf.SymType
	Bind        elf.SymBind
	// Index is the symbol's index in .symtab (what relocations refer to).
	Index int
	// File is, for a local symbol, the name of the STT_FILE symbol that
	// precedes it (the translation unit it comes from, e.g. "hello.c");
	// "" for global and weak symbols and when no file symbol precedes it.
	File string
}

// Defined reports whether the symbol is defined in a section of this object.
func (s *Symbol) Defined() bool {
	return s.Shndx == elf.SHN_XINDEX || (s.Shndx != elf.SHN_UNDEF && s.Shndx < elf.SHN_LORESERVE)
}

// sectionLabel names the symbol's section for messages: the section name,
// or *UND*, *ABS*, *COM* as objdump does.
func (s Symbol) sectionLabel() string {
	switch {
	case s.Section != "":
		return s.Section
	case s.Defined():
		return fmt.Sprintf("section#%d", s.SectionIndex) // a section without a name
	case s.Shndx == elf.SHN_UNDEF:
		return "*UND*"
	case s.Shndx == elf.SHN_ABS:
		return "*ABS*"
	case s.Shndx == elf.SHN_COMMON:
		return "*COM*"
	default:
		return fmt.Sprintf("section#%#x", s.SectionIndex)
	}
}

type modinfoEntry struct{ key, value string }

// Open opens the ELF object at path. The returned Object holds the file
// open until Close.
func Open(path string) (*Object, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError: names the file
	}
	size := int64(-1)
	if fi, err := fh.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	o, err := newObject(fh, size, path)
	if err != nil {
		fh.Close()
		return nil, err
	}
	o.closer = fh
	return o, nil
}

// OpenFile is Open for a file the caller has opened: the Object reads it
// with ReadAt (only the headers and the sections asked for, never the
// whole file) and Close closes it. On error f is left open.
func OpenFile(f *os.File, name string) (*Object, error) {
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	o, err := newObject(f, size, name)
	if err != nil {
		return nil, err
	}
	o.closer = f
	return o, nil
}

// NewObject reads an ELF object from r; name is used in errors and findings.
// If r has a Size() int64 method (bytes.Reader, io.SectionReader) the file
// size is known up front and extents are checked against it; otherwise each
// section's extent is checked by reading its last byte. Close does not
// close r.
func NewObject(r io.ReaderAt, name string) (*Object, error) {
	size := int64(-1)
	switch v := r.(type) {
	case interface{ Size() int64 }:
		size = v.Size()
	case *os.File:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	return newObject(r, size, name)
}

// NewObjectBytes is NewObject for a file already in memory: sections are
// read as slices of data instead of being copied, and symbol names share
// one copy of the string table. data must not change while the Object is
// in use; names and findings taken from the Object stay valid after that.
func NewObjectBytes(data []byte, name string) (*Object, error) {
	o, err := newObjectData(bytes.NewReader(data), int64(len(data)), name, data)
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Close releases the file opened by Open. It is safe to call more than once
// and on an Object from NewObject (it does nothing then).
func (o *Object) Close() error {
	if o == nil || o.closer == nil {
		return nil
	}
	c := o.closer
	o.closer = nil
	return c.Close()
}

// Name returns the name the object was opened with.
func (o *Object) Name() string { return o.name }

// Machine returns the ELF e_machine (elf.EM_X86_64, elf.EM_AARCH64, ...).
func (o *Object) Machine() elf.Machine { return o.f.Machine }

// Type returns the ELF e_type; .o and .ko files are elf.ET_REL.
func (o *Object) Type() elf.Type { return o.f.Type }

// ByteOrder returns the byte order of the object's data (EI_DATA).
func (o *Object) ByteOrder() binary.ByteOrder { return o.f.ByteOrder }

// HasSymbols reports whether the object has a non-empty symbol table.
func (o *Object) HasSymbols() bool { return len(o.syms) > 1 }

// Sections returns a copy of the section headers, in index order; element
// 0 is the null section.
func (o *Object) Sections() []Section { return append([]Section(nil), o.sections...) }

// Symbols returns a copy of the symbol table without the null symbol 0, in
// table order: Symbols()[i].Index == i+1.
func (o *Object) Symbols() []Symbol {
	if len(o.syms) <= 1 {
		return nil
	}
	return append([]Symbol(nil), o.syms[1:]...)
}

// Lookup returns the symbols named name and the compiler's clones and parts
// of it: every symbol whose name is name followed by '.' and anything
// (foo.constprop.0, foo.isra.0, foo.part.0, foo.cold, foo.localalias, and
// also gcc's function-local statics foo.0). File and section symbols are
// left out. The result is in symbol table order and includes undefined
// symbols; see Symbol.Defined.
func (o *Object) Lookup(name string) []Symbol {
	if name == "" {
		return nil
	}
	o.byBaseOnce.Do(o.buildByBase)
	var out []Symbol
	for _, i := range o.byBase[baseName(name)] {
		s := o.syms[i]
		if s.Name == name || (len(s.Name) > len(name) && s.Name[len(name)] == '.' && strings.HasPrefix(s.Name, name)) {
			out = append(out, s)
		}
	}
	return out
}

// buildByBase builds Lookup's index.
func (o *Object) buildByBase() {
	o.byBase = make(map[string][]int)
	for i := 1; i < len(o.syms); i++ {
		sym := &o.syms[i]
		if sym.Type != elf.STT_FILE && sym.Type != elf.STT_SECTION && sym.Name != "" {
			b := baseName(sym.Name)
			o.byBase[b] = append(o.byBase[b], i)
		}
	}
}

// baseName is a symbol name up to its first '.': a name and all its
// clones share it, which is what Lookup's index is keyed on.
func baseName(name string) string {
	if i := strings.IndexByte(name, '.'); i >= 0 {
		return name[:i]
	}
	return name
}

// ModInfo returns the key=value entries of .modinfo (license, description,
// alias, depends, vermagic, parm, ...), values in file order since keys such
// as alias and parm repeat. Nil when the object has no .modinfo.
func (o *Object) ModInfo() map[string][]string {
	o.LoadModInfo() // an error leaves none, which LoadModInfo reports
	if o.modinfo == nil {
		return nil
	}
	m := make(map[string][]string)
	for _, e := range o.modinfo {
		m[e.key] = append(m[e.key], e.value)
	}
	return m
}

// LoadModInfo reads .modinfo if it is not read yet and returns the error
// reading it met, a *FormatError. Open reads it, and fails with that
// error; an Object a RawView made reads it on first use (this, ModInfo,
// Vermagic or KernelRelease), and ModInfo and Vermagic then answer as
// for an object without one: a caller that must tell calls this first.
func (o *Object) LoadModInfo() error {
	if o.lazyInfo {
		o.infoOnce.Do(func() { o.infoErr = o.loadModInfo() })
	}
	return o.infoErr
}

// Vermagic returns the module's vermagic string without trailing blanks,
// e.g. "6.1.0-56-amd64 SMP preempt mod_unload modversions", or "" when the
// object has none (a .o before modpost, or not a module).
func (o *Object) Vermagic() string {
	o.LoadModInfo() // an error leaves none, which LoadModInfo reports
	for _, e := range o.modinfo {
		if e.key == "vermagic" {
			return strings.TrimSpace(e.value)
		}
	}
	return ""
}

// KernelRelease returns the kernel release the module was built for: the
// first word of its vermagic, e.g. "6.1.0-56-amd64"; "" when there is none.
func (o *Object) KernelRelease() string { return releaseOf(o.Vermagic()) }

// releaseOf is the kernel release a vermagic string names: its first word
// (the first of strings.Fields, without making the others).
func releaseOf(vermagic string) string {
	v := strings.TrimLeftFunc(vermagic, unicode.IsSpace)
	if i := strings.IndexFunc(v, unicode.IsSpace); i >= 0 {
		return v[:i]
	}
	return v
}

// SectionData returns the bytes of section i (an index into Sections), read
// as the reader reads its own tables: the extent checked against the file,
// a compressed section (SHF_COMPRESSED) refused, the allocation bounded by
// the file size. SHT_NULL and SHT_NOBITS sections have no bytes (nil). An
// index that names no section is an error.
//
// The bytes must not be modified: for an Object from NewObjectBytes they
// are the file's own.
func (o *Object) SectionData(i int) ([]byte, error) {
	if i < 0 || i >= len(o.sections) {
		return nil, fmt.Errorf("%s: no section %d (the file has %d)", o.name, i, len(o.sections))
	}
	return o.readSection(&o.sections[i])
}

// section returns the section with the given index, or nil.
func (o *Object) section(i int) *Section {
	if i <= 0 || i >= len(o.sections) {
		return nil
	}
	return &o.sections[i]
}

// newObject is the load pipeline: header → section headers → section
// extents → symbols → .modinfo. Each stage returns a *FormatError.
func newObject(r io.ReaderAt, size int64, name string) (*Object, error) {
	return newObjectData(r, size, name, nil)
}

// newObjectData is newObject with, when data is not nil, the whole file
// (which r reads) in memory.
func newObjectData(r io.ReaderAt, size int64, name string, data []byte) (*Object, error) {
	o := &Object{name: name, r: r, size: size, data: data}
	if err := o.checkHeader(); err != nil {
		return nil, err
	}
	if err := o.loadELF(); err != nil {
		return nil, err
	}
	if err := o.loadSections(); err != nil {
		return nil, err
	}
	if err := o.loadSymbols(); err != nil {
		return nil, err
	}
	if err := o.loadModInfo(); err != nil {
		return nil, err
	}
	return o, nil
}

// readable reports whether the file holds bytes up to end (exclusive).
func (o *Object) readable(end uint64) bool {
	if end == 0 {
		return true
	}
	if o.size >= 0 {
		return end <= uint64(o.size)
	}
	if end > 1<<62 {
		return false
	}
	var b [1]byte
	n, _ := o.r.ReadAt(b[:], int64(end-1))
	return n == 1
}

// sizeNote describes the file size for messages.
func (o *Object) sizeNote() string {
	if o.size >= 0 {
		return fmt.Sprintf("past the end of the file (%#x bytes)", o.size)
	}
	return "past the end of the file"
}

var compressedMagic = []struct {
	magic []byte
	name  string
}{
	{[]byte{0xfd, '7', 'z', 'X', 'Z', 0}, "xz"},
	{[]byte{0x28, 0xb5, 0x2f, 0xfd}, "zstd"},
	{[]byte{0x1f, 0x8b}, "gzip"},
}

// checkHeader validates what debug/elf trusts without checking well: the
// identification, the header size, and that the section header table lies
// inside the file, so truncated input gets a precise message.
func (o *Object) checkHeader() error {
	var hdr [64]byte
	n, err := o.r.ReadAt(hdr[:], 0)
	if err != nil && err != io.EOF {
		return formatErr(o.name, 0, err, "read ELF header")
	}
	h, err := o.checkIdent(hdr[:n])
	if err != nil {
		return err
	}
	if h.shoff == 0 {
		return nil // no section headers; debug/elf checks shnum
	}
	if err := o.checkSectionTable(&h); err != nil {
		return err
	}
	return o.checkNameTable(h)
}

// elfHeader is what checkHeader reads from the ELF header: its size, byte
// order and the section header table's place.
type elfHeader struct {
	size          int // of the ELF header: 52 or 64
	wantShentsize int // of a section header in this class
	bo            binary.ByteOrder
	shoff         uint64
	shentsize     uint64
	shnum         uint64
	shstrndx      uint64
}

// checkIdent checks b, the start of the file, is a whole ELF header of a
// known class and byte order, and decodes it.
func (o *Object) checkIdent(b []byte) (elfHeader, error) {
	var h elfHeader
	n := len(b)
	if n == 0 {
		return h, formatErr(o.name, 0, nil, "empty file, not an ELF object")
	}
	if !bytes.HasPrefix(b, []byte(elf.ELFMAG)) {
		for _, c := range compressedMagic {
			if bytes.HasPrefix(b, c.magic) {
				return h, formatErr(o.name, 0, nil, "compressed with %s; decompress it first", c.name)
			}
		}
		if n < len(elf.ELFMAG) && bytes.HasPrefix([]byte(elf.ELFMAG), b) {
			return h, formatErr(o.name, 0, nil, "truncated ELF header: %d bytes", n)
		}
		return h, formatErr(o.name, 0, nil, "not an ELF object (bad magic %q)", b[:min(n, 4)])
	}
	if n < elf.EI_NIDENT {
		return h, formatErr(o.name, 0, nil, "truncated ELF header: %d bytes", n)
	}
	switch elf.Class(b[elf.EI_CLASS]) {
	case elf.ELFCLASS32:
		h.size, h.wantShentsize = 52, 40
	case elf.ELFCLASS64:
		h.size, h.wantShentsize = 64, 64
	default:
		return h, formatErr(o.name, elf.EI_CLASS, nil, "unknown ELF class %d", b[elf.EI_CLASS])
	}
	switch elf.Data(b[elf.EI_DATA]) {
	case elf.ELFDATA2LSB:
		h.bo = binary.LittleEndian
	case elf.ELFDATA2MSB:
		h.bo = binary.BigEndian
	default:
		return h, formatErr(o.name, elf.EI_DATA, nil, "unknown ELF data encoding %d", b[elf.EI_DATA])
	}
	if n < h.size {
		return h, formatErr(o.name, 0, nil, "truncated ELF header: %d of %d bytes", n, h.size)
	}
	bo := h.bo
	if h.size == 64 {
		h.shoff = bo.Uint64(b[40:])
		h.shentsize = uint64(bo.Uint16(b[58:]))
		h.shnum = uint64(bo.Uint16(b[60:]))
	} else {
		h.shoff = uint64(bo.Uint32(b[32:]))
		h.shentsize = uint64(bo.Uint16(b[46:]))
		h.shnum = uint64(bo.Uint16(b[48:]))
	}
	h.shstrndx = uint64(bo.Uint16(b[h.size-2:]))
	return h, nil
}

// checkSectionTable checks the section header table lies inside the file,
// reading the count from section 0 when the header has no room for it.
func (o *Object) checkSectionTable(h *elfHeader) error {
	shoff, shentsize := h.shoff, h.shentsize
	if shentsize < uint64(h.wantShentsize) {
		return formatErr(o.name, 0, nil, "section header entry size %d, want at least %d", shentsize, h.wantShentsize)
	}
	if shoff > 1<<62 || !o.readable(shoff+shentsize) {
		return formatErr(o.name, int64(min(shoff, 1<<62)), nil, "truncated section header table: it starts at offset %#x, %s", shoff, o.sizeNote())
	}
	if h.shnum == 0 {
		// More than 0xff00 sections: the count is in section 0's sh_size.
		sh0 := make([]byte, h.wantShentsize)
		if _, err := o.r.ReadAt(sh0, int64(shoff)); err != nil {
			return formatErr(o.name, int64(shoff), err, "read section header 0")
		}
		if h.size == 64 {
			h.shnum = h.bo.Uint64(sh0[32:])
		} else {
			h.shnum = uint64(h.bo.Uint32(sh0[20:]))
		}
	}
	if h.shnum > 1<<32 {
		return formatErr(o.name, int64(shoff), nil, "implausible section count %d", h.shnum)
	}
	end := shoff + h.shnum*shentsize
	if !o.readable(end) {
		return formatErr(o.name, int64(shoff), nil, "truncated section header table: %d headers of %d bytes at offset %#x end at %#x, %s",
			h.shnum, shentsize, shoff, end, o.sizeNote())
	}
	return nil
}

// checkNameTable refuses an SHF_COMPRESSED section name table: debug/elf
// decompresses it while opening, to whatever size its header claims (no
// tool compresses anything but debug sections).
func (o *Object) checkNameTable(h elfHeader) error {
	shoff, shstrndx := h.shoff, h.shstrndx
	if shstrndx == uint64(elf.SHN_XINDEX) {
		var l [4]byte
		linkOff := uint64(24) // sh_link in Section32
		if h.size == 64 {
			linkOff = 40
		}
		if _, err := o.r.ReadAt(l[:], int64(shoff+linkOff)); err != nil {
			return formatErr(o.name, int64(shoff), err, "read section header 0")
		}
		shstrndx = uint64(h.bo.Uint32(l[:]))
	}
	if shstrndx == 0 || shstrndx >= h.shnum {
		return nil
	}
	var fl [8]byte
	if _, err := o.r.ReadAt(fl[:], int64(shoff+shstrndx*h.shentsize+8)); err != nil {
		return formatErr(o.name, int64(shoff), err, "read section header %d", shstrndx)
	}
	flags := uint64(h.bo.Uint32(fl[:])) // sh_flags: Elf32_Word, or the low half of Elf64_Xword
	if h.size == 64 {
		flags = h.bo.Uint64(fl[:])
	}
	if flags&uint64(elf.SHF_COMPRESSED) != 0 {
		return formatErr(o.name, int64(shoff+shstrndx*h.shentsize), nil, "section name string table (section %d) is compressed (SHF_COMPRESSED)", shstrndx)
	}
	return nil
}

// safely runs fn, turning a panic inside debug/elf into an error: its
// package documentation admits that adversarial input can make it panic.
func safely(name string, stage string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = formatErr(name, -1, nil, "%s: malformed ELF (debug/elf panicked: %v)", stage, r)
		}
	}()
	return fn()
}

// describe turns a debug/elf error into a FormatError.
func (o *Object) describe(stage string, err error) error {
	var fe *FormatError
	if errors.As(err, &fe) {
		return err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return formatErr(o.name, -1, err, "%s: truncated file", stage)
	}
	var ee *elf.FormatError
	if errors.As(err, &ee) {
		return formatErr(o.name, -1, err, "%s: malformed ELF", stage)
	}
	return formatErr(o.name, -1, err, "%s", stage)
}

func (o *Object) loadELF() error {
	return safely(o.name, "read ELF headers", func() error {
		f, err := elf.NewFile(o.r)
		if err != nil {
			return o.describe("read ELF headers", err)
		}
		o.f = f
		return nil
	})
}

// loadSections copies the section headers and checks that every section
// with file data lies inside the file, so later reads never chase data that
// is not there (and never allocate for it).
func (o *Object) loadSections() error {
	o.sections = make([]Section, len(o.f.Sections))
	for i, s := range o.f.Sections {
		o.sections[i] = Section{
			Index: i, Name: s.Name, Type: s.Type, Flags: s.Flags,
			Offset: s.Offset, Size: s.FileSize, Addralign: s.Addralign,
			Entsize: s.Entsize, Link: s.Link, Info: s.Info,
		}
		if err := o.checkExtent(&o.sections[i]); err != nil {
			return err
		}
	}
	return nil
}

// hasFileData reports whether a section occupies bytes in the file.
func (s *Section) hasFileData() bool {
	return s.Type != elf.SHT_NULL && s.Type != elf.SHT_NOBITS && s.Size != 0
}

// checkExtent checks that a section's file data lies inside the file.
func (o *Object) checkExtent(s *Section) error {
	if !s.hasFileData() {
		return nil
	}
	end := s.Offset + s.Size
	if end < s.Offset || !o.readable(end) {
		return formatErr(o.name, int64(min(s.Offset, 1<<62)), nil,
			"section %d (%s): data at offset %#x, size %#x, runs %s", s.Index, s.Name, s.Offset, s.Size, o.sizeNote())
	}
	return nil
}

// readSection returns a section's bytes (none for SHT_NULL and SHT_NOBITS).
// The allocation is bounded by the file, since the extent is checked first.
func (o *Object) readSection(s *Section) ([]byte, error) {
	if !s.hasFileData() {
		return nil, nil
	}
	if err := o.checkExtent(s); err != nil {
		return nil, err // checked when loaded; checked again since it bounds the allocation
	}
	if s.Flags&elf.SHF_COMPRESSED != 0 {
		return nil, formatErr(o.name, int64(s.Offset), nil, "section %d (%s) is compressed (SHF_COMPRESSED), which is not supported for it", s.Index, s.Name)
	}
	if s.Size > 1<<40 {
		return nil, formatErr(o.name, int64(s.Offset), nil, "section %d (%s): implausible size %#x", s.Index, s.Name, s.Size)
	}
	if o.data != nil {
		// In bounds: checkExtent compared the end with len(data). The
		// capacity is cut so that an append cannot write into the file.
		return o.data[s.Offset : s.Offset+s.Size : s.Offset+s.Size], nil
	}
	buf := make([]byte, s.Size)
	if _, err := o.r.ReadAt(buf, int64(s.Offset)); err != nil {
		return nil, formatErr(o.name, int64(s.Offset), err, "read section %d (%s)", s.Index, s.Name)
	}
	return buf, nil
}

// scratch holds buffers for section bytes that are decoded and dropped
// while an object is opened (the symbol table's entries, .symtab_shndx,
// .modinfo), so that opening thousands of objects with ReadAt does not
// allocate them anew each time.
var scratch sync.Pool // of *[]byte

// readSectionScratch is readSection into a buffer that release returns
// to scratch: the bytes must not be used after release. For an Object
// in memory they are the file's own and release does nothing.
func (o *Object) readSectionScratch(s *Section) (data []byte, release func(), err error) {
	if o.data != nil || !s.hasFileData() {
		data, err := o.readSection(s)
		return data, func() {}, err
	}
	if err := o.checkExtent(s); err != nil {
		return nil, nil, err
	}
	if s.Flags&elf.SHF_COMPRESSED != 0 || s.Size > 1<<40 {
		data, err := o.readSection(s) // its error
		return data, func() {}, err
	}
	bp, _ := scratch.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	if uint64(cap(*bp)) < s.Size {
		*bp = make([]byte, s.Size)
	}
	buf := (*bp)[:s.Size]
	if _, err := o.r.ReadAt(buf, int64(s.Offset)); err != nil {
		scratch.Put(bp)
		return nil, nil, formatErr(o.name, int64(s.Offset), err, "read section %d (%s)", s.Index, s.Name)
	}
	return buf, func() {
		if cap(*bp) <= maxScratch {
			scratch.Put(bp)
		}
	}, nil
}

// maxScratch is the largest buffer kept in scratch: a larger one (the
// symbol table of the largest modules) is left to the collector rather
// than held for every later object.
const maxScratch = 1 << 20

// loadSymbols decodes .symtab from its bytes: each entry bounds-checked,
// SHN_XINDEX resolved through .symtab_shndx, names taken as substrings of
// one copy of the linked string table (a name whose offset is outside the
// table or that has no terminating NUL is "", as debug/elf reads it).
// The stages: find the table, read its entries, its string table and its
// extended section indices, then decode each entry.
func (o *Object) loadSymbols() error {
	st := o.findSymtab()
	if st == nil {
		return nil
	}
	data, release, err := o.readSymtab(st)
	if err != nil {
		return err
	}
	defer release()
	if len(data) == 0 {
		o.syms = make([]Symbol, 1)
		return nil
	}
	strtab, err := o.readSymtabStrings(st)
	if err != nil {
		return err
	}
	xindex, releaseX, err := o.readSymtabShndx()
	if err != nil {
		return err
	}
	defer releaseX()
	d := symtabDecoder{o: o, st: st, data: data, entSize: o.symEntSize(), strtab: strtab, xindex: xindex}
	n := d.count()
	o.syms = make([]Symbol, n)
	file := ""
	for idx := 1; idx < n; idx++ {
		sym, err := d.symbol(idx)
		if err != nil {
			return err
		}
		// A local symbol comes from the translation unit of the STT_FILE
		// symbol before it.
		switch {
		case sym.Type == elf.STT_FILE:
			file = sym.Name
		case sym.Bind == elf.STB_LOCAL && sym.Type != elf.STT_SECTION:
			sym.File = file
		}
		o.syms[idx] = sym
	}
	return nil
}

// findSymtab records and returns the first SHT_SYMTAB section; nil when
// the object has none (or, malformed, only section 0 claims to be one).
func (o *Object) findSymtab() *Section {
	for i := range o.sections {
		if o.sections[i].Type == elf.SHT_SYMTAB {
			if i == 0 {
				return nil
			}
			o.symtabIdx = i
			return &o.sections[i]
		}
	}
	return nil
}

// symEntSize is the size of one symbol table entry for the object's class.
func (o *Object) symEntSize() uint64 {
	if o.f.Class == elf.ELFCLASS64 {
		return elf.Sym64Size
	}
	return elf.Sym32Size
}

// readSymtab returns the entries of symbol table st, refusing a
// compressed table or string table and a size that is not a whole number
// of entries.
func (o *Object) readSymtab(st *Section) ([]byte, func(), error) {
	if st.Flags&elf.SHF_COMPRESSED != 0 {
		return nil, nil, formatErr(o.name, int64(st.Offset), nil, "symbol table section %d (%s) is compressed (SHF_COMPRESSED)", st.Index, st.Name)
	}
	if l := o.section(int(st.Link)); l != nil && l.Flags&elf.SHF_COMPRESSED != 0 {
		return nil, nil, formatErr(o.name, int64(l.Offset), nil, "string table section %d (%s) is compressed (SHF_COMPRESSED)", l.Index, l.Name)
	}
	data, release, err := o.readSectionScratch(st)
	if err != nil {
		return nil, nil, err
	}
	if entSize := o.symEntSize(); uint64(len(data))%entSize != 0 {
		release()
		return nil, nil, formatErr(o.name, int64(min(st.Offset, 1<<62)), nil, "symbol table section %d (%s): size %#x is not a multiple of the entry size %d", st.Index, st.Name, len(data), entSize)
	}
	return data, release, nil
}

// readSymtabStrings returns the string table that symbol table st links
// to, as one string: every symbol name is a substring of it.
func (o *Object) readSymtabStrings(st *Section) (string, error) {
	strSec := o.section(int(st.Link))
	if strSec == nil {
		return "", formatErr(o.name, int64(min(st.Offset, 1<<62)), nil, "symbol table section %d (%s): sh_link %d names no string table (the file has %d sections)", st.Index, st.Name, st.Link, len(o.sections))
	}
	if strSec.Type == elf.SHT_NOBITS && strSec.Size != 0 {
		return "", formatErr(o.name, int64(min(strSec.Offset, 1<<62)), nil, "string table section %d (%s) of the symbol table has no data (SHT_NOBITS)", strSec.Index, strSec.Name)
	}
	// debug/elf reads a string table whatever its type; readSection
	// reads none from an SHT_NULL section, so name it a string table.
	strRead := *strSec
	if strRead.Type == elf.SHT_NULL {
		strRead.Type = elf.SHT_STRTAB
	}
	strdata, err := o.readSection(&strRead)
	if err != nil {
		return "", err
	}
	return string(strdata), nil
}

// readSymtabShndx returns .symtab_shndx: one 32-bit word per symbol
// (including symbol 0) holding the section index of symbols whose
// st_shndx is SHN_XINDEX. Nil when the object has none.
func (o *Object) readSymtabShndx() ([]byte, func(), error) {
	for i := range o.sections {
		s := &o.sections[i]
		if s.Type == elf.SHT_SYMTAB_SHNDX && int(s.Link) == o.symtabIdx {
			data, release, err := o.readSectionScratch(s)
			if err != nil {
				return nil, func() {}, err
			}
			return data, release, nil
		}
	}
	return nil, func() {}, nil
}

// symtabDecoder decodes the entries of a symbol table read by
// loadSymbols.
type symtabDecoder struct {
	o       *Object
	st      *Section
	data    []byte // the entries, a whole number of entSize
	entSize uint64
	strtab  string
	xindex  []byte // .symtab_shndx, nil when there is none
}

// count is the number of entries, symbol 0 included.
func (d *symtabDecoder) count() int { return int(uint64(len(d.data)) / d.entSize) }

// symbol decodes entry idx (0 < idx < count) with its section resolved.
// File is left to the caller, which sees the entries in order.
func (d *symtabDecoder) symbol(idx int) (Symbol, error) {
	sym, shndx := d.entry(idx)
	if err := d.resolveSection(&sym, shndx); err != nil {
		return Symbol{}, err
	}
	return sym, nil
}

// entry decodes the fields of entry idx as stored; the section index is
// returned raw (st_shndx) for resolveSection.
func (d *symtabDecoder) entry(idx int) (Symbol, uint16) {
	bo := d.o.f.ByteOrder
	e := d.data[uint64(idx)*d.entSize : uint64(idx+1)*d.entSize]
	var nameOff uint32
	var info uint8
	var shndx16 uint16
	sym := Symbol{Index: idx}
	if d.entSize == elf.Sym64Size {
		nameOff, info, shndx16 = bo.Uint32(e[0:4]), e[4], bo.Uint16(e[6:8])
		sym.Value, sym.Size = bo.Uint64(e[8:16]), bo.Uint64(e[16:24])
	} else {
		nameOff = bo.Uint32(e[0:4])
		sym.Value, sym.Size = uint64(bo.Uint32(e[4:8])), uint64(bo.Uint32(e[8:12]))
		info, shndx16 = e[12], bo.Uint16(e[14:16])
	}
	sym.Name = strtabString(d.strtab, nameOff)
	sym.Type, sym.Bind = elf.ST_TYPE(info), elf.ST_BIND(info)
	sym.Shndx = elf.SectionIndex(shndx16)
	return sym, shndx16
}

// resolveSection sets sym.SectionIndex and sym.Section from st_shndx:
// through .symtab_shndx for SHN_XINDEX, checked against the section
// count for a real index, the raw value for a reserved one.
func (d *symtabDecoder) resolveSection(sym *Symbol, shndx16 uint16) error {
	o, idx := d.o, sym.Index
	off := int64(min(d.st.Offset+uint64(idx)*d.entSize, 1<<62))
	shndx := uint64(shndx16)
	switch {
	case sym.Shndx == elf.SHN_XINDEX:
		if d.xindex == nil {
			return formatErr(o.name, off, nil, "symbol %d (%s): st_shndx is SHN_XINDEX but there is no .symtab_shndx section", idx, sym.Name)
		}
		if uint64(len(d.xindex))/4 <= uint64(idx) {
			return formatErr(o.name, off, nil, "symbol %d (%s): st_shndx is SHN_XINDEX but .symtab_shndx has only %d entries", idx, sym.Name, len(d.xindex)/4)
		}
		shndx = uint64(o.f.ByteOrder.Uint32(d.xindex[idx*4:]))
		if shndx == 0 || shndx >= uint64(len(o.sections)) {
			return formatErr(o.name, off, nil, "symbol %d (%s): extended section index %d out of range (the file has %d sections)", idx, sym.Name, shndx, len(o.sections))
		}
		fallthrough
	case sym.Shndx != elf.SHN_UNDEF && sym.Shndx < elf.SHN_LORESERVE:
		if shndx >= uint64(len(o.sections)) {
			return formatErr(o.name, off, nil, "symbol %d (%s): section index %d out of range (the file has %d sections)", idx, sym.Name, shndx, len(o.sections))
		}
		sym.SectionIndex = int(shndx)
		sym.Section = o.sections[shndx].Name
	default: // SHN_UNDEF, SHN_ABS, SHN_COMMON, other reserved indices
		sym.SectionIndex = int(sym.Shndx)
	}
	return nil
}

// strtabString is the NUL-terminated string at off in an ELF string
// table; "" when off is outside the table or the string is not
// terminated (debug/elf's getString does the same).
func strtabString(strtab string, off uint32) string {
	if uint64(off) >= uint64(len(strtab)) {
		return ""
	}
	s := strtab[off:]
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return ""
}

// loadModInfo parses .modinfo: NUL-separated key=value strings (padding
// NULs between them are skipped; a string without '=' is ignored).
func (o *Object) loadModInfo() error {
	for i := range o.sections {
		s := &o.sections[i]
		if s.Name != ".modinfo" {
			continue
		}
		data, release, err := o.readSectionScratch(s)
		if err != nil {
			return err
		}
		// One copy of the section; keys and values are substrings of it.
		text := string(data)
		release()
		o.modinfo = make([]modinfoEntry, 0, strings.Count(text, "="))
		for len(text) > 0 {
			kv := text
			if i := strings.IndexByte(text, 0); i >= 0 {
				kv, text = text[:i], text[i+1:]
			} else {
				text = ""
			}
			k, v, ok := strings.Cut(kv, "=")
			if !ok || len(k) == 0 {
				continue
			}
			o.modinfo = append(o.modinfo, modinfoEntry{k, v})
		}
		return nil
	}
	return nil
}
