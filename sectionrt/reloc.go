package sectionrt

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
)

// Relocation is one entry of an SHT_REL or SHT_RELA section, decoded by
// hand: debug/elf applies relocations to DWARF but has no public API to
// list them.
type Relocation struct {
	Offset uint64 // r_offset: where in the relocated section
	Type   uint32 // r_type, machine-specific (elf.R_X86_64, elf.R_AARCH64, ...)
	Sym    int    // symbol table index (Object's syms[Sym])
	// Addend is r_addend for RELA; for REL it is the implicit addend read
	// from the relocated bytes as the psABI encodes it for that type
	// (R_386_PC32: the 32-bit word, usually -4; R_ARM_CALL: the branch
	// offset, usually -8). See HasAddend.
	Addend int64
	// HasAddend is false for a REL relocation whose type sectionrt (like
	// modpost) does not decode; Addend is 0 then.
	HasAddend bool
}

// RelocSection is a relocation section and the section it applies to.
type RelocSection struct {
	Index  int  // the SHT_REL/SHT_RELA section
	Target int  // sh_info: the relocated section
	RELA   bool // SHT_RELA (explicit addends) rather than SHT_REL
}

// RelocSections lists the object's SHT_REL and SHT_RELA sections, in
// section order, with their targets validated: sh_info must name an
// existing section and sh_link the symbol table, else the error is a
// *FormatError naming the relocation section.
func (o *Object) RelocSections() ([]RelocSection, error) {
	var out []RelocSection
	for i := range o.sections {
		s := &o.sections[i]
		if s.Type != elf.SHT_REL && s.Type != elf.SHT_RELA {
			continue
		}
		if err := o.checkRelocHeader(s); err != nil {
			return nil, err
		}
		out = append(out, RelocSection{Index: i, Target: int(s.Info), RELA: s.Type == elf.SHT_RELA})
	}
	return out, nil
}

func (o *Object) checkRelocHeader(s *Section) error {
	off := int64(min(s.Offset, 1<<62))
	if s.Info == 0 || uint64(s.Info) >= uint64(len(o.sections)) {
		return formatErr(o.name, off, nil, "relocation section %d (%s): sh_info %d names no section (the file has %d)", s.Index, s.Name, s.Info, len(o.sections))
	}
	if s.Size == 0 {
		return nil
	}
	if o.symtabIdx == 0 {
		return formatErr(o.name, off, nil, "relocation section %d (%s) but no symbol table", s.Index, s.Name)
	}
	if int(s.Link) != o.symtabIdx {
		return formatErr(o.name, off, nil, "relocation section %d (%s): sh_link %d is not the symbol table (section %d)", s.Index, s.Name, s.Link, o.symtabIdx)
	}
	ent := o.relocEntSize(s.Type == elf.SHT_RELA)
	if s.Size%ent != 0 {
		return formatErr(o.name, off, nil, "relocation section %d (%s): size %#x is not a multiple of the entry size %d (truncated?)", s.Index, s.Name, s.Size, ent)
	}
	if s.Entsize != 0 && s.Entsize != ent {
		return formatErr(o.name, off, nil, "relocation section %d (%s): sh_entsize %d, want %d", s.Index, s.Name, s.Entsize, ent)
	}
	if s.Flags&elf.SHF_COMPRESSED != 0 {
		return formatErr(o.name, off, nil, "relocation section %d (%s) is compressed (SHF_COMPRESSED)", s.Index, s.Name)
	}
	return nil
}

func (o *Object) relocEntSize(rela bool) uint64 {
	switch {
	case o.f.Class == elf.ELFCLASS64 && rela:
		return 24
	case o.f.Class == elf.ELFCLASS64:
		return 16
	case rela:
		return 12
	default:
		return 8
	}
}

// Relocations decodes the entries of relocation section rs. Every entry is
// bounds-checked: its symbol index must lie in the symbol table and its
// r_offset inside the relocated section (for REL, the bytes holding the
// implicit addend must be there too). The first violation is a
// *FormatError naming the relocation section and entry.
func (o *Object) Relocations(rs RelocSection) ([]Relocation, error) {
	d, err := o.relocDecoder(rs)
	if err != nil {
		return nil, err
	}
	out := make([]Relocation, 0, d.n)
	for i := range d.n {
		r, err := d.at(i)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// relocDecoder decodes the entries of one relocation section one at a
// time, without building a slice of them (CheckMismatch looks at each
// once).
type relocDecoder struct {
	o              *Object
	s, target      *Section
	data, tdata    []byte // the entries; the relocated bytes, for REL's implicit addends
	rela, is64     bool
	mips64         bool
	ent, n         int
	bo             binary.ByteOrder
	symCount       int
	targetSize     uint64
	targetIsNobits bool
	// For an object read with ReadAt, data is a window of the entries
	// from entry base on, refilled as at moves past it, so that a large
	// relocation section is never in memory whole.
	windowed bool
	base     int
}

// relocWindow is the most bytes of relocation entries a decoder of an
// object read with ReadAt holds at once.
var relocWindow = 32 << 10 // tests lower it

// relocDecoder validates relocation section rs's header and reads its
// entries (and, for REL, the relocated bytes).
func (o *Object) relocDecoder(rs RelocSection) (*relocDecoder, error) {
	s := o.section(rs.Index)
	if s == nil || (s.Type != elf.SHT_REL && s.Type != elf.SHT_RELA) {
		return nil, fmt.Errorf("%s: section %d is not a relocation section", o.name, rs.Index)
	}
	if err := o.checkRelocHeader(s); err != nil {
		return nil, err
	}
	rela := s.Type == elf.SHT_RELA
	ent := int(o.relocEntSize(rela))
	var data []byte
	windowed := o.data == nil && s.Size > uint64(relocWindow)
	if windowed {
		// Checked as readSection checks; the entries are read as at
		// reaches them.
		if err := o.checkExtent(s); err != nil {
			return nil, err
		}
		data = make([]byte, 0, relocWindow-relocWindow%ent)
	} else {
		var err error
		if data, err = o.readSection(s); err != nil {
			return nil, err
		}
	}
	n := len(data) / ent
	if windowed {
		n = int(s.Size / uint64(ent))
	}
	target := &o.sections[s.Info]
	var err error
	var tdata []byte
	if !rela && n > 0 && target.Type != elf.SHT_NOBITS {
		if tdata, err = o.readSection(target); err != nil {
			return nil, err
		}
	}
	is64 := o.f.Class == elf.ELFCLASS64
	return &relocDecoder{
		o: o, s: s, target: target, data: data, tdata: tdata,
		rela: rela, is64: is64, mips64: is64 && o.f.Machine == elf.EM_MIPS,
		ent: ent, n: n, bo: o.f.ByteOrder, symCount: len(o.syms),
		targetSize: target.Size, targetIsNobits: target.Type == elf.SHT_NOBITS,
		windowed: windowed,
	}, nil
}

// fill reads the window of entries that starts at entry i.
func (d *relocDecoder) fill(i int) error {
	k := min(cap(d.data)/d.ent, d.n-i)
	buf := d.data[:k*d.ent]
	off := d.s.Offset + uint64(i*d.ent)
	if _, err := d.o.r.ReadAt(buf, int64(off)); err != nil {
		return formatErr(d.o.name, int64(d.s.Offset), err, "read section %d (%s)", d.s.Index, d.s.Name)
	}
	d.data, d.base = buf, i
	return nil
}

// at decodes and checks entry i (0 <= i < d.n).
func (d *relocDecoder) at(i int) (Relocation, error) {
	bo := d.bo
	if d.windowed && (i < d.base || i >= d.base+len(d.data)/d.ent) {
		if err := d.fill(i); err != nil {
			return Relocation{}, err
		}
	}
	j := i - d.base
	b := d.data[j*d.ent : (j+1)*d.ent]
	var r Relocation
	if d.is64 {
		r.Offset = bo.Uint64(b)
		info := bo.Uint64(b[8:])
		if d.mips64 {
			// The MIPS64 r_info is a 32-bit symbol index followed by
			// four one-byte fields, the first relocation type last.
			var raw [8]byte
			bo.PutUint64(raw[:], info)
			r.Sym = int(bo.Uint32(raw[:4]))
			r.Type = uint32(raw[7])
		} else {
			r.Sym = int(info >> 32)
			r.Type = uint32(info)
		}
		if d.rela {
			r.Addend, r.HasAddend = int64(bo.Uint64(b[16:])), true
		}
	} else {
		r.Offset = uint64(bo.Uint32(b))
		info := bo.Uint32(b[4:])
		r.Sym, r.Type = int(info>>8), info&0xff
		if d.rela {
			r.Addend, r.HasAddend = int64(int32(bo.Uint32(b[8:]))), true
		}
	}
	if r.Sym >= d.symCount {
		return Relocation{}, d.errAt(i, "symbol index %d outside the symbol table (%d symbols)", r.Sym, d.symCount)
	}
	if r.Offset >= d.targetSize && !(d.targetSize == 0 && r.Offset == 0 && d.targetIsNobits) {
		return Relocation{}, d.errAt(i, "r_offset %#x past the end of section %d (%s, %#x bytes)", r.Offset, d.target.Index, d.target.Name, d.target.Size)
	}
	if !d.rela {
		a, ok, err := d.o.implicitAddend(r, d.tdata, d.target)
		if err != nil {
			return Relocation{}, d.errAt(i, "%v", err)
		}
		r.Addend, r.HasAddend = a, ok
	}
	return r, nil
}

func (d *relocDecoder) errAt(i int, format string, args ...any) error {
	off := int64(min(d.s.Offset+uint64(i*d.ent), 1<<62))
	return formatErr(d.o.name, off, nil, "relocation section %d (%s), entry %d: %s", d.s.Index, d.s.Name, i, fmt.Sprintf(format, args...))
}

// ARM relocation types modpost decodes that debug/elf does not name.
const (
	rARMCall         = 28
	rARMJump24       = 29
	rARMThmJump24    = 30
	rARMThmJump19    = 51
	rARMMovwAbsNC    = 43
	rARMMovtAbs      = 44
	rARMThmMovwAbsNC = 47
	rARMThmMovtAbs   = 48
	rRISCVSub32      = 39
)

// implicitAddend reads a REL entry's addend from the relocated bytes, for
// the types modpost's addend_386_rel and addend_arm_rel handle
// (scripts/mod/modpost.c, v6.12). Other types report ok=false.
func (o *Object) implicitAddend(r Relocation, tdata []byte, target *Section) (int64, bool, error) {
	var size uint64
	switch o.f.Machine {
	case elf.EM_386:
		switch elf.R_386(r.Type) {
		case elf.R_386_32, elf.R_386_PC32:
			size = 4
		}
	case elf.EM_ARM:
		switch r.Type {
		case uint32(elf.R_ARM_ABS32), uint32(elf.R_ARM_REL32), rARMMovwAbsNC, rARMMovtAbs,
			uint32(elf.R_ARM_PC24), rARMCall, rARMJump24,
			rARMThmMovwAbsNC, rARMThmMovtAbs, rARMThmJump19, uint32(elf.R_ARM_THM_PC22), rARMThmJump24:
			size = 4
		}
	case elf.EM_MIPS:
		switch elf.R_MIPS(r.Type) {
		case elf.R_MIPS_LO16, elf.R_MIPS_26, elf.R_MIPS_32:
			size = 4
		}
	}
	if size == 0 {
		return 0, false, nil
	}
	if target.Type == elf.SHT_NOBITS || r.Offset+size > uint64(len(tdata)) {
		return 0, false, fmt.Errorf("the %d bytes holding the addend at r_offset %#x run past the end of section %d (%s, %#x bytes)",
			size, r.Offset, target.Index, target.Name, target.Size)
	}
	loc := tdata[r.Offset:]
	bo := o.f.ByteOrder
	w := bo.Uint32(loc)
	switch o.f.Machine {
	case elf.EM_386:
		return int64(int32(w)), true, nil
	case elf.EM_MIPS:
		switch elf.R_MIPS(r.Type) {
		case elf.R_MIPS_LO16:
			return int64(w & 0xffff), true, nil
		case elf.R_MIPS_26:
			return int64((w & 0x03ffffff) << 2), true, nil
		}
		return int64(int32(w)), true, nil
	}
	// ARM. Thumb instructions are two halfwords, each in the target's byte order.
	upper, lower := uint32(bo.Uint16(loc)), uint32(bo.Uint16(loc[2:]))
	switch r.Type {
	case uint32(elf.R_ARM_ABS32), uint32(elf.R_ARM_REL32):
		return int64(int32(w)), true, nil
	case rARMMovwAbsNC, rARMMovtAbs:
		return int64(signExtend32(((w&0xf0000)>>4)|(w&0xfff), 15)), true, nil
	case uint32(elf.R_ARM_PC24), rARMCall, rARMJump24:
		return int64(signExtend32((w&0x00ffffff)<<2, 25)), true, nil
	case rARMThmMovwAbsNC, rARMThmMovtAbs:
		return int64(signExtend32(((upper&0x000f)<<12)|((upper&0x0400)<<1)|((lower&0x7000)>>4)|(lower&0x00ff), 15)), true, nil
	case rARMThmJump19:
		sign := (upper >> 10) & 1
		j1, j2 := (lower>>13)&1, (lower>>11)&1
		return int64(signExtend32((sign<<20)|(j2<<19)|(j1<<18)|((upper&0x03f)<<12)|((lower&0x07ff)<<1), 20)), true, nil
	default: // R_ARM_THM_PC22 (THM_CALL), R_ARM_THM_JUMP24
		sign := (upper >> 10) & 1
		j1, j2 := (lower>>13)&1, (lower>>11)&1
		return int64(signExtend32((sign<<24)|((^(j1^sign)&1)<<23)|((^(j2^sign)&1)<<22)|((upper&0x03ff)<<12)|((lower&0x07ff)<<1), 24)), true, nil
	}
}

// signExtend32 is modpost's sign_extend32: bit index is the sign bit.
func signExtend32(v uint32, index int) int32 {
	shift := 31 - index
	return int32(v<<shift) >> shift
}

// PCBias is what the addend of a PC-relative relocation of type typ on
// machine m lacks to reach the referenced address, 0 for other types:
// symbol value + addend + PCBias is the address the instruction uses. x86
// encodes the displacement relative to the end of a 4-byte field (the
// addend is -4 for call, jmp, lea and plain loads; an immediate after the
// field makes it -5..-8, which this cannot see), and ARM's branch
// encodings carry the pipeline offset (-8 in ARM state, -4 in Thumb).
// modpost's addend_386_rel and addend_arm_rel add the same; arm64's
// PC-relative types need nothing.
func PCBias(m elf.Machine, typ uint32) int64 { return pcBias(m, typ) }

// pcBias is PCBias.
func pcBias(m elf.Machine, typ uint32) int64 {
	switch m {
	case elf.EM_X86_64:
		switch elf.R_X86_64(typ) {
		case elf.R_X86_64_PC32, elf.R_X86_64_PLT32, elf.R_X86_64_GOTPCREL, elf.R_X86_64_GOTPCRELX, elf.R_X86_64_REX_GOTPCRELX, elf.R_X86_64_GOTPC32:
			return 4
		}
	case elf.EM_386:
		switch elf.R_386(typ) {
		case elf.R_386_PC32, elf.R_386_PLT32:
			return 4
		}
	case elf.EM_ARM:
		switch typ {
		case uint32(elf.R_ARM_PC24), rARMCall, rARMJump24:
			return 8
		case rARMThmJump19, uint32(elf.R_ARM_THM_PC22), rARMThmJump24:
			return 4
		}
	}
	return 0
}

// relocTypeName names a relocation type ("R_X86_64_PLT32"), or its number.
func relocTypeName(m elf.Machine, typ uint32) string {
	var s string
	switch m {
	case elf.EM_X86_64:
		s = elf.R_X86_64(typ).String()
	case elf.EM_AARCH64:
		s = elf.R_AARCH64(typ).String()
	case elf.EM_386:
		s = elf.R_386(typ).String()
	case elf.EM_ARM:
		s = elf.R_ARM(typ).String()
	case elf.EM_RISCV:
		s = elf.R_RISCV(typ).String()
	case elf.EM_MIPS:
		s = elf.R_MIPS(typ).String()
	case elf.EM_PPC64:
		s = elf.R_PPC64(typ).String()
	case elf.EM_LOONGARCH:
		s = elf.R_LARCH(typ).String()
	case elf.EM_S390:
		s = elf.R_390(typ).String()
	default:
		return fmt.Sprintf("type %d", typ)
	}
	return s
}
