package sectionrt

import (
	"debug/elf"
	"encoding/binary"
)

// RelocBuf is the storage EachRelocationBatch reuses from call to call:
// a window of the entries' bytes and the decoded batch. The zero value is
// ready to use; one RelocBuf serves one goroutine.
type RelocBuf struct {
	raw []byte
	out []Relocation
}

// relocBatch is the most entries one batch holds; relocRead, the most
// one call to ReadAt reads.
const (
	relocBatch = 1024
	relocRead  = 8 * relocBatch
)

// EachRelocationBatch calls f with the entries of rs in order, a batch at a
// time, decoded and checked as Relocations does, into buf's storage: a
// batch is overwritten by the next, so f must not keep it. It stops when
// f returns false. The error is Relocations' (or nil), after f has seen
// the entries before the bad one.
//
// It is EachRelocation for a caller that looks at millions of entries and
// sets most of them aside at a glance (package suggest): no call per
// entry, and no allocation once buf has grown. The 64-bit little-endian
// RELA entries of x86_64 and arm64 are decoded in a loop of their own;
// every other kind goes through EachRelocation's decoder.
func (o *Object) EachRelocationBatch(rs RelocSection, buf *RelocBuf, f func([]Relocation) bool) error {
	s := o.section(rs.Index)
	if s == nil || s.Type != elf.SHT_RELA || o.f.Class != elf.ELFCLASS64 || o.f.Machine == elf.EM_MIPS ||
		o.f.ByteOrder != binary.LittleEndian || o.checkRelocHeader(s) != nil || o.checkExtent(s) != nil || s.Size > 1<<40 {
		return o.eachRelocationBatchSlow(rs, buf, f)
	}
	const ent = 24
	n := s.Size / ent
	target := &o.sections[s.Info]
	if cap(buf.out) < relocBatch {
		buf.out = make([]Relocation, relocBatch)
	}
	if o.data == nil && cap(buf.raw) < relocRead*ent {
		buf.raw = make([]byte, relocRead*ent)
	}
	for i := uint64(0); i < n; {
		// Read a window of entries (fewer calls to ReadAt), decode it a
		// batch at a time.
		var raw []byte
		if o.data != nil {
			// In bounds: checkExtent compared the end with len(data).
			raw = o.data[s.Offset+i*ent : s.Offset+n*ent]
		} else {
			raw = buf.raw[:min(n-i, relocRead)*ent]
			if _, err := o.r.ReadAt(raw, int64(s.Offset+i*ent)); err != nil {
				return formatErr(o.name, int64(s.Offset), err, "read section %d (%s)", s.Index, s.Name)
			}
		}
		for len(raw) > 0 {
			k := min(len(raw)/ent, relocBatch)
			out := buf.out[:k]
			for j := range out {
				e := raw[j*ent : j*ent+ent]
				r := Relocation{
					Offset:    binary.LittleEndian.Uint64(e),
					Addend:    int64(binary.LittleEndian.Uint64(e[16:])),
					HasAddend: true,
				}
				info := binary.LittleEndian.Uint64(e[8:])
				r.Sym, r.Type = int(info>>32), uint32(info)
				if uint64(r.Sym) >= uint64(len(o.syms)) || r.Offset >= target.Size && !(target.Size == 0 && r.Offset == 0 && target.Type == elf.SHT_NOBITS) {
					// The entries before it first, then the decoder's own error.
					if j > 0 && !f(out[:j]) {
						return nil
					}
					return o.relocError(rs, int(i)+j)
				}
				out[j] = r
			}
			if !f(out) {
				return nil
			}
			raw = raw[k*ent:]
			i += uint64(k)
		}
	}
	return nil
}

// relocError is the error EachRelocation reports for entry i of rs.
func (o *Object) relocError(rs RelocSection, i int) error {
	d, err := o.relocDecoder(rs)
	if err != nil {
		return err
	}
	_, err = d.at(i)
	return err
}

// eachRelocationBatchSlow is EachRelocationBatch through EachRelocation's
// decoder, for the entries the fast loop does not decode and for the
// errors of a malformed section header.
func (o *Object) eachRelocationBatchSlow(rs RelocSection, buf *RelocBuf, f func([]Relocation) bool) error {
	if cap(buf.out) < relocBatch {
		buf.out = make([]Relocation, relocBatch)
	}
	out := buf.out[:0]
	stopped := false
	err := o.EachRelocation(rs, func(r Relocation) bool {
		out = append(out, r)
		if len(out) == relocBatch {
			if !f(out) {
				stopped = true
				return false
			}
			out = out[:0]
		}
		return true
	})
	if len(out) > 0 && !stopped && !f(out) {
		return nil
	}
	return err
}
