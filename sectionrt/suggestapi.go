package sectionrt

import (
	"debug/elf"
	"fmt"
)

// The read paths of an analysis that reads thousands of objects (package
// suggest): the symbol and section tables without a copy, SymbolAt's
// index, relocations decoded one at a time, and section bytes read into
// the caller's buffer. Each checks what its copying counterpart checks
// and returns the same errors.

// SymbolTable returns the symbol table indexed by ELF symbol index, so that
// a relocation's Sym indexes it: element 0 is the null symbol. It is the
// Object's own slice, not a copy (Symbols copies): it must not be
// modified. Empty when the object has no symbol table.
func (o *Object) SymbolTable() []Symbol { return o.syms }

// SectionSymbols returns the symbols SymbolAt chooses among in section
// sec: the indices of its Named, defined symbols, sorted by address, then
// index. It is SymbolAt's own index (built on the first call to either),
// not a copy: it must not be modified. Nil for a section with none.
func (o *Object) SectionSymbols(sec int) []int {
	o.atOnce.Do(o.buildAt)
	if sec < 0 || sec >= len(o.at.bySec) {
		return nil
	}
	return o.at.bySec[sec]
}

// buildAt builds SymbolAt's index as SymbolAt does (symindex.go).
func (o *Object) buildAt() {
	o.at = &symIndex{o: o}
	o.at.buildBySec()
}

// SectionTable returns the section headers in index order (element 0 is
// the null section): the Object's own slice, not a copy (Sections
// copies). It must not be modified.
func (o *Object) SectionTable() []Section { return o.sections }

// SectionDataBuf is SectionData reading into buf's storage when it is
// large enough, so that a caller reading many sections in turn need not
// allocate for each: the result is then valid until buf's storage is
// reused. For an Object from NewObjectBytes it is a slice of the file, as
// SectionData returns, and buf is not used.
func (o *Object) SectionDataBuf(i int, buf []byte) ([]byte, error) {
	if i < 0 || i >= len(o.sections) {
		return nil, fmt.Errorf("%s: no section %d (the file has %d)", o.name, i, len(o.sections))
	}
	s := &o.sections[i]
	if o.data != nil || !s.hasFileData() || uint64(cap(buf)) < s.Size || s.Flags&elf.SHF_COMPRESSED != 0 {
		return o.readSection(s) // its bytes, or its error
	}
	if err := o.checkExtent(s); err != nil {
		return nil, err
	}
	b := buf[:s.Size]
	if _, err := o.r.ReadAt(b, int64(s.Offset)); err != nil {
		return nil, formatErr(o.name, int64(s.Offset), err, "read section %d (%s)", s.Index, s.Name)
	}
	return b, nil
}

// EachRelocation calls f with each entry of rs in order, decoded and
// checked as Relocations does, without building a slice of them; it
// stops when f returns false. The error is Relocations' (or nil).
func (o *Object) EachRelocation(rs RelocSection, f func(Relocation) bool) error {
	d, err := o.relocDecoder(rs)
	if err != nil {
		return err
	}
	for i := range d.n {
		r, err := d.at(i)
		if err != nil {
			return err
		}
		if !f(r) {
			return nil
		}
	}
	return nil
}
