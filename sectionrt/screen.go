package sectionrt

import (
	"bytes"
	"cmp"
	"debug/elf"
	"encoding/binary"
	"io"
	"slices"
	"unicode"
	"unsafe"
)

// A Screen decides, for most well-formed modules and far more cheaply than
// opening an Object, that CheckMismatch would return neither a finding nor
// an error. It reads only the ELF header, the section headers and their
// names, the symbol table's entries (not its names), .modinfo and the
// relocation sections a check decodes, at most 64 KiB at a time into
// buffers it reuses, and builds no Symbol (with it, verify of Debian's
// 4,023 6.1 modules went from about 0.55 to 0.13 CPU-seconds).
//
// It never decides the other way: an object it cannot clear — one
// relocation that could fire a check (whitelisted or not), anything
// malformed, anything it does not handle (ELFCLASS32, big-endian, SHT_REL,
// MIPS, SHF_COMPRESSED, SHN_XINDEX, program headers, no vermagic or no
// rule set) — is left to Open and CheckMismatch, which report it exactly.
// Every condition under which they would fail is a condition under which
// Clean gives up, so a cleared object is one CheckMismatch clears too (see
// TestScreenAgrees).
//
// A Screen is used by one goroutine at a time; its zero value is ready.
type Screen struct {
	hdr   [64]byte
	tail  []byte   // the section header table and, usually, .shstrtab
	shbuf []byte   // .shstrtab when it is not in tail
	shstr []byte   // .shstrtab: in tail or shbuf
	secs  []scrSec // by section index
	// symMask[i] is what a reference to symbol i can fire: the checks of
	// its section's class.to, and exportBit for a symbol defined in an
	// init or exit section; 0 for an undefined one.
	symMask []uint64
	chunk   []byte     // symbol and relocation entries, a window at a time
	jobs    []relocJob // the relocation sections to scan
	info    []byte     // .modinfo
	// lastRelease is the release the last .modinfo read named ("" for
	// none): kept so that the next module's, the same, is not a new string.
	lastRelease string
	rs          *RuleSet // the rule set names was filled for
	names       map[string]scrClass
	// For Memory: section names interned, resident sections by index,
	// the symbol string table.
	interned map[string]internedName
	recent   [256]internedName // names of interned, by recentSlot
	core     []bool
	strs     []byte
	view     *RawView // View's tables (rawview.go)
	// whole holds a file Clean reads whole (maxWholeView), which file
	// reads.
	whole []byte
	file  bytes.Reader
}

// scrSec is what Clean needs of one section header.
type scrSec struct {
	typ         elf.SectionType
	flags       elf.SectionFlag
	off, size   uint64
	link, info  uint32
	entsize     uint64
	align       uint64
	class       scrClass
	name0, name int // the name's extent in .shstrtab
}

// scrClass is what a rule set says of a section name, computed once per
// name and rule set.
type scrClass struct {
	skip     bool   // in SkipSections: its relocations are not checked
	from     uint64 // the checks it is a FromSec of
	to       uint64 // the checks that fire for a reference into it
	initExit bool   // an init or exit section, for the export check
}

// screenWindow is the most bytes of symbol or relocation entries Clean
// reads at once: large tables are scanned a window at a time, so a worker
// holds a few dozen KiB whatever the module.
const screenWindow = 64 << 10

// screenTail is how much before the section header table Clean reads with
// it, to catch .shstrtab, which linkers put just before it.
const screenTail = 1 << 10

// Clean reports whether CheckMismatch would find nothing in the object
// that r holds (size bytes, a regular file's size), returning the rule set
// it was judged by: rules(release), release being the first word of the
// object's vermagic ("" when it has none). A nil result means "not known":
// open the object and check it. The rule sets rules returns must not
// change while the Screen is in use: it keeps what they say of each
// section name.
//
// A file of at most maxWholeView bytes is read whole, with one call to
// ReadAt, as View reads one: Clean reads from it about five times (the
// header, the section headers, the symbol entries, .modinfo, the
// relocations), each a system call on a file.
func (s *Screen) Clean(r io.ReaderAt, size int64, rules func(release string) *RuleSet) *RuleSet {
	if size < 64 {
		return nil
	}
	if size <= maxWholeView {
		var ok bool
		if s.whole, ok = readWhole(r, size, s.whole, &s.file); !ok {
			return nil
		}
		r = &s.file
	}
	if !readFull(r, s.hdr[:], 0) {
		return nil
	}
	h, ok := s.header(size)
	if !ok || !s.sections(r, h, size) {
		return nil
	}
	symtab, ok := s.symtab()
	if !ok {
		return nil
	}
	rs := rules(s.release(r))
	if rs == nil || len(rs.Checks) >= exportBit {
		return nil // CheckMismatch's limit is 64; bit 63 is exportBit here
	}
	if !s.classify(rs) || !s.symbols(r, symtab) || !s.relocations(r, rs, symtab) {
		return nil
	}
	return rs
}

// exportBit marks, in symMask, a symbol the export check could fire for.
const exportBit = 63

// scrHeader is the part of the ELF header Clean uses.
type scrHeader struct {
	shoff           uint64
	shnum, shstrndx int
	machine         elf.Machine
}

// header checks the ELF header is one Clean handles and debug/elf and
// Open accept: ELFCLASS64, little-endian, version 1, ET_REL, no program
// headers, a section header table of 64-byte entries inside the file.
func (s *Screen) header(size int64) (scrHeader, bool) {
	b, le := s.hdr[:], binary.LittleEndian
	var h scrHeader
	if string(b[:4]) != elf.ELFMAG || elf.Class(b[elf.EI_CLASS]) != elf.ELFCLASS64 ||
		elf.Data(b[elf.EI_DATA]) != elf.ELFDATA2LSB || elf.Version(b[elf.EI_VERSION]) != elf.EV_CURRENT {
		return h, false
	}
	if elf.Type(le.Uint16(b[16:])) != elf.ET_REL || le.Uint32(b[20:]) != uint32(elf.EV_CURRENT) {
		return h, false
	}
	h.machine = elf.Machine(le.Uint16(b[18:]))
	phoff, phnum := le.Uint64(b[32:]), le.Uint16(b[56:])
	h.shoff = le.Uint64(b[40:])
	shentsize := le.Uint16(b[58:])
	h.shnum, h.shstrndx = int(le.Uint16(b[60:])), int(le.Uint16(b[62:]))
	// MIPS64 packs r_info differently and ARM clears the Thumb bit of
	// function addresses: left to CheckMismatch.
	if h.machine == elf.EM_MIPS || h.machine == elf.EM_ARM {
		return h, false
	}
	if int64(phoff) < 0 || phnum != 0 || shentsize != 64 || h.shnum == 0 ||
		h.shstrndx == 0 || h.shstrndx >= h.shnum || h.shoff == 0 || h.shoff > 1<<62 ||
		h.shoff+uint64(h.shnum)*64 > uint64(size) {
		return h, false
	}
	return h, true
}

// sections reads the section headers and names, checking what Open
// checks: offsets and sizes debug/elf takes, every section's data inside
// the file, names inside a .shstrtab of type SHT_STRTAB, nothing
// compressed.
func (s *Screen) sections(r io.ReaderAt, h scrHeader, size int64) bool {
	start := h.shoff - min(h.shoff, screenTail)
	end := h.shoff + uint64(h.shnum)*64
	s.tail = grow(s.tail, int(end-start))
	if !readFull(r, s.tail, int64(start)) {
		return false
	}
	tab, le := s.tail[h.shoff-start:], binary.LittleEndian
	s.secs = s.secs[:0]
	for i := range h.shnum {
		e := tab[i*64:]
		sec := scrSec{
			name:  int(le.Uint32(e[0:])),
			typ:   elf.SectionType(le.Uint32(e[4:])),
			flags: elf.SectionFlag(le.Uint64(e[8:])),
			off:   le.Uint64(e[24:]), size: le.Uint64(e[32:]),
			link: le.Uint32(e[40:]), info: le.Uint32(e[44:]),
			entsize: le.Uint64(e[56:]), align: le.Uint64(e[48:]),
		}
		if int64(sec.off) < 0 || int64(sec.size) < 0 || sec.flags&elf.SHF_COMPRESSED != 0 {
			return false
		}
		hasData := sec.typ != elf.SHT_NULL && sec.typ != elf.SHT_NOBITS && sec.size != 0
		if hasData && sec.off+sec.size > uint64(size) {
			return false // int64 offsets and sizes: the sum cannot wrap
		}
		s.secs = append(s.secs, sec)
	}
	return s.sectionNames(r, h, start)
}

// sectionNames finds each section's name in .shstrtab as debug/elf's
// getString does: NUL-terminated, starting inside the table.
func (s *Screen) sectionNames(r io.ReaderAt, h scrHeader, tailStart uint64) bool {
	st := &s.secs[h.shstrndx]
	if st.typ != elf.SHT_STRTAB || st.size == 0 {
		return false
	}
	var strtab []byte
	if st.off >= tailStart && st.off+st.size <= h.shoff {
		strtab = s.tail[st.off-tailStart : st.off-tailStart+st.size]
	} else {
		s.shbuf = grow(s.shbuf, int(st.size))
		if !readFull(r, s.shbuf, int64(st.off)) {
			return false
		}
		strtab = s.shbuf
	}
	for i := range s.secs {
		sec := &s.secs[i]
		start := sec.name
		if start >= len(strtab) {
			return false
		}
		n := bytes.IndexByte(strtab[start:], 0)
		if n < 0 {
			return false
		}
		sec.name0, sec.name = start, start+n
	}
	s.shstr = strtab // names are read from it until the next object
	return true
}

// name is section i's name, valid until the next object.
func (s *Screen) name(i int) []byte { return s.shstr[s.secs[i].name0:s.secs[i].name] }

// symtab returns the index of the symbol table, checked as loadSymbols
// checks it: the first SHT_SYMTAB, not section 0, a whole number of
// entries and at least one symbol besides the null one, its string table a
// section of type SHT_STRTAB; and no .symtab_shndx.
func (s *Screen) symtab() (int, bool) {
	idx := -1
	for i := range s.secs {
		switch s.secs[i].typ {
		case elf.SHT_SYMTAB_SHNDX:
			return 0, false
		case elf.SHT_SYMTAB:
			if idx < 0 {
				idx = i
			}
		}
	}
	if idx <= 0 {
		return 0, false
	}
	st := &s.secs[idx]
	if st.size%elf.Sym64Size != 0 || st.size < 2*elf.Sym64Size {
		return 0, false
	}
	if st.link == 0 || int(st.link) >= len(s.secs) || s.secs[st.link].typ != elf.SHT_STRTAB {
		return 0, false
	}
	return idx, true
}

// symbols scans the symbol table a window at a time, checking each
// entry's section index as resolveSection does and each defined symbol's
// extent as checkSymbolExtents does, and fills symMask from the sections'
// classes.
func (s *Screen) symbols(r io.ReaderAt, symtab int) bool {
	st := &s.secs[symtab]
	n := int(st.size / elf.Sym64Size)
	s.symMask = grow(s.symMask, n)
	s.symMask[0] = 0
	le := binary.LittleEndian
	per := screenWindow / elf.Sym64Size
	for base := 0; base < n; base += per {
		k := min(per, n-base)
		buf := s.window(k * elf.Sym64Size)
		if !readFull(r, buf, int64(st.off)+int64(base)*elf.Sym64Size) {
			return false
		}
		for j := range k {
			idx := base + j
			if idx == 0 {
				continue
			}
			e := buf[j*elf.Sym64Size:]
			shndx := elf.SectionIndex(le.Uint16(e[6:]))
			if shndx == elf.SHN_XINDEX {
				return false
			}
			if shndx == elf.SHN_UNDEF || shndx >= elf.SHN_LORESERVE {
				s.symMask[idx] = 0
				continue
			}
			if int(shndx) >= len(s.secs) {
				return false
			}
			sec := &s.secs[shndx]
			s.symMask[idx] = sec.class.to
			if sec.class.initExit {
				s.symMask[idx] |= 1 << exportBit
			}
			typ := elf.ST_TYPE(e[4])
			if typ == elf.STT_SECTION || typ == elf.STT_FILE || sec.typ == elf.SHT_NULL {
				continue
			}
			addr, sz := le.Uint64(e[8:]), le.Uint64(e[16:])
			if addr > sec.size || sz > sec.size-addr {
				return false
			}
		}
	}
	return true
}

// release returns the kernel release of the first vermagic entry of the
// first .modinfo section, as Object.KernelRelease does; "" when there is
// none or it cannot be read. The last release is kept, so that a tree of
// modules built for one kernel allocates it once.
func (s *Screen) release(r io.ReaderAt) string {
	for i := range s.secs {
		if string(s.name(i)) != ".modinfo" {
			continue
		}
		sec := &s.secs[i]
		if sec.typ == elf.SHT_NULL || sec.typ == elf.SHT_NOBITS || sec.size == 0 {
			return ""
		}
		s.info = grow(s.info, int(sec.size))
		if !readFull(r, s.info, int64(sec.off)) {
			return ""
		}
		rel := firstWord(modinfoValue(s.info, "vermagic="))
		if string(rel) != s.lastRelease {
			s.lastRelease = string(rel)
		}
		if cap(s.info) > maxScratch {
			s.info = nil
		}
		return s.lastRelease
	}
	return ""
}

// modinfoValue is the value of the first key=value string of .modinfo
// (NUL-separated strings, as loadModInfo splits them) that starts with
// keyEq ("vermagic="); nil when there is none. It is a part of info.
func modinfoValue(info []byte, keyEq string) []byte {
	for from := 0; ; {
		i := bytes.Index(info[from:], []byte(keyEq))
		if i < 0 {
			return nil
		}
		i += from
		if i == 0 || info[i-1] == 0 { // the start of a string: its key is key
			v := info[i+len(keyEq):]
			if j := bytes.IndexByte(v, 0); j >= 0 {
				v = v[:j]
			}
			return v
		}
		from = i + 1
	}
}

// firstWord is releaseOf for bytes: the first of strings.Fields(b).
func firstWord(b []byte) []byte {
	b = bytes.TrimLeftFunc(b, unicode.IsSpace)
	if i := bytes.IndexFunc(b, unicode.IsSpace); i >= 0 {
		return b[:i]
	}
	return b
}

// maxNames bounds the Screen's cache of section names: Debian's 6.1
// modules use 165 distinct names.
const maxNames = 8192

// classify sets each section's class under rs, from a cache of names.
// It gives up on a file that has SHT_REL sections.
func (s *Screen) classify(rs *RuleSet) bool {
	if s.rs != rs || len(s.names) > maxNames {
		// A new rule set, or a cache grown past what a tree of linked
		// modules needs (.o files built with -ffunction-sections name a
		// section per function): start afresh.
		s.rs, s.names = rs, make(map[string]scrClass)
	}
	for i := range s.secs {
		if s.secs[i].typ == elf.SHT_REL {
			return false
		}
		name := s.name(i)
		c, ok := s.names[string(name)]
		if !ok {
			n := string(name)
			c = scrClass{
				skip: matchAny(n, rs.SkipSections), from: rs.fromChecks(n), to: rs.toChecks(n),
				initExit: matchAny(n, rs.InitSections) || matchAny(n, rs.ExitSections),
			}
			s.names[n] = c
		}
		s.secs[i].class = c
	}
	return true
}

// relocations checks every SHT_RELA section's header as checkRelocHeader
// does, and scans the entries of those CheckMismatch decodes: each must
// be in bounds, and none may refer to a symbol that a check, or the export
// check, could fire for.
func (s *Screen) relocations(r io.ReaderAt, rs *RuleSet, symtab int) bool {
	linked, exportSec := false, 0
	for i := range s.secs {
		switch string(s.name(i)) {
		case ".gnu.linkonce.this_module":
			linked = true
		case ".export_symbol":
			exportSec = i
		}
	}
	if rs.Export != ExportSymbolSection {
		exportSec = 0
	}
	exportFromKsymtab := rs.Export == ExportSymbolSection && exportSec == 0 && linked
	s.jobs = s.jobs[:0]
	for i := range s.secs {
		sec := &s.secs[i]
		if sec.typ != elf.SHT_RELA {
			continue
		}
		if sec.info == 0 || int(sec.info) >= len(s.secs) {
			return false
		}
		if sec.size == 0 {
			continue
		}
		if int(sec.link) != symtab || sec.size%24 != 0 || (sec.entsize != 0 && sec.entsize != 24) {
			return false
		}
		target := &s.secs[sec.info]
		tname := s.name(int(sec.info))
		class := target.class
		merged := isMergedKsymtab(string(tname))
		if linked && rs.Export == ExportKsymtab && merged {
			class = s.msecClass(rs, tname) // 6.1 checked it under its .o name
		}
		if class.skip {
			continue
		}
		isExport := (exportSec != 0 && int(sec.info) == exportSec) || (exportFromKsymtab && merged)
		if !isExport && class.from == 0 {
			continue
		}
		want := class.from
		if isExport {
			want = 1 << exportBit // CheckMismatch's export check, not the others
		}
		s.jobs = append(s.jobs, relocJob{off: sec.off, size: sec.size, targetSize: target.size, want: want})
	}
	return s.scanJobs(r)
}

// msecClass is the class of ___ksymtab*+ under rs: the name a linked
// module's merged __ksymtab* section had in the .o modpost read.
func (s *Screen) msecClass(rs *RuleSet, tname []byte) scrClass {
	msec := "_" + string(tname) + "+"
	c, ok := s.names[msec]
	if !ok {
		c = scrClass{skip: matchAny(msec, rs.SkipSections), from: rs.fromChecks(msec)}
		s.names[msec] = c
	}
	return c
}

// relocJob is one relocation section CheckMismatch would decode: its
// entries, the size of the section they relocate, and what a reference
// may not fire (its checks, or exportBit for an export section).
type relocJob struct {
	off, size, targetSize, want uint64
}

// scanJobs scans the entries of every job, reading those that lie close
// together in the file (a module's relocation sections are side by side,
// the ones no check looks at between them) with one read of at most
// screenWindow bytes, and a large one a window at a time.
func (s *Screen) scanJobs(r io.ReaderAt) bool {
	jobs := s.jobs
	slices.SortFunc(jobs, func(a, b relocJob) int { return cmp.Compare(a.off, b.off) })
	for i := 0; i < len(jobs); {
		start, end, j := jobs[i].off, jobs[i].off+jobs[i].size, i+1
		for j < len(jobs) && jobs[j].off >= end && jobs[j].off-end <= screenGap && jobs[j].off+jobs[j].size-start <= screenWindow {
			end = jobs[j].off + jobs[j].size
			j++
		}
		if end-start > screenWindow { // one large section
			if !s.scanLarge(r, &jobs[i]) {
				return false
			}
			i++
			continue
		}
		buf := s.window(int(end - start))
		if !readFull(r, buf, int64(start)) {
			return false
		}
		for ; i < j; i++ {
			jb := &jobs[i]
			if !s.scanEntries(buf[jb.off-start:jb.off-start+jb.size], jb) {
				return false
			}
		}
	}
	return true
}

// screenGap is the most bytes scanJobs reads between two relocation
// sections to read them at once: about what a read costs.
const screenGap = 2 << 10

// scanLarge scans a relocation section larger than a window, a window at
// a time.
func (s *Screen) scanLarge(r io.ReaderAt, jb *relocJob) bool {
	per := uint64(screenWindow / 24 * 24)
	for off := uint64(0); off < jb.size; off += per {
		buf := s.window(int(min(per, jb.size-off)))
		if !readFull(r, buf, int64(jb.off+off)) || !s.scanEntries(buf, jb) {
			return false
		}
	}
	return true
}

// scanEntries scans whole RELA entries: symbol index inside the table,
// r_offset inside the relocated section, and no reference to a symbol
// whose mask has a bit of jb.want.
func (s *Screen) scanEntries(buf []byte, jb *relocJob) bool {
	le := binary.LittleEndian
	nsyms, mask := uint64(len(s.symMask)), s.symMask
	for j := 0; j+24 <= len(buf); j += 24 {
		off, sym := le.Uint64(buf[j:]), le.Uint64(buf[j+8:])>>32
		if sym >= nsyms || off >= jb.targetSize || mask[sym]&jb.want != 0 {
			return false
		}
	}
	return true
}

// window returns a buffer of n bytes (n <= screenWindow) for entries.
func (s *Screen) window(n int) []byte {
	if cap(s.chunk) < screenWindow {
		s.chunk = make([]byte, screenWindow)
	}
	return s.chunk[:n]
}

// grow returns b resized to n, reallocated when too small: to at least
// twice its capacity while that is at most growDouble bytes, since
// modules come in every size and each buffer left behind is memory
// touched for the first time, which costs a page fault a page (on a
// paravirtualized VM, about 25 µs each); a larger one to n exactly, as
// making it zeroes, and so touches, all of its capacity. A buffer beyond
// maxScratch is not kept past the object that needed it.
func grow[T any](b []T, n int) []T {
	switch {
	case cap(b) > maxScratch && n <= maxScratch:
		return make([]T, n)
	case cap(b) < n:
		c := n
		if double := 2 * cap(b); double > n && double*int(unsafe.Sizeof(*new(T))) <= growDouble {
			c = double
		}
		return make([]T, n, c)
	}
	return b[:n]
}

// growDouble is the largest buffer, in bytes, grow doubles to.
const growDouble = 256 << 10

// readFull reads len(b) bytes at off; false on any error or short read.
func readFull(r io.ReaderAt, b []byte, off int64) bool {
	n, err := r.ReadAt(b, off)
	return n == len(b) && (err == nil || err == io.EOF)
}
