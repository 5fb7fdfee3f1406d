package sectionrt

import (
	"cmp"
	"debug/elf"
	"encoding/binary"
	"slices"
)

// RelocBuf is the storage EachRela64 (and eachRelocationBatch) reuse from
// call to call: a window of the entries' bytes, the decoded batch, and
// the entries of other kinds in Elf64_Rela form. The zero value is ready
// to use; one RelocBuf serves one goroutine.
type RelocBuf struct {
	raw  []byte
	out  []Relocation
	rela []byte
	// win holds the runs of winObj's file that PrefetchRelocations read
	// (nil winObj: none); ext is its scratch.
	win    []byte
	runs   []relocRun
	winObj *Object
	ext    []relocRun
}

// relocRun is the file's bytes [lo, hi), at win[at:].
type relocRun struct {
	lo, hi uint64
	at     int
}

// maxPrefetch is the most bytes PrefetchRelocations reads; maxGap, the
// most bytes between two sections it reads in one call.
const (
	maxPrefetch = 256 << 10
	maxGap      = 4 << 10
)

// PrefetchRelocations reads into buf the relocation sections of lists,
// those next to each other in the file (less than 4 KiB apart) in one
// call to ReadAt, up to 256 KiB in all: EachRela64 (and
// eachRelocationBatch) then take the entries of those sections from buf
// rather than read them, until buf is prefetched again or Forget is
// called. The sections it leaves out (beyond that, or that would come
// alone) are read as before, as are all of them when the file is in
// memory or a read fails, which reports the error.
//
// An object's relocation sections follow each other near the end of its
// file, and a call to ReadAt costs as much as copying 5 KiB more from
// the page cache (1.4 us against 280 ns a KiB, on a 2-core VM reading
// Debian 6.1's modules): a caller that reads many of them (package
// suggest) makes one call for a run of them.
func (o *Object) PrefetchRelocations(buf *RelocBuf, lists ...[]RelocSection) {
	buf.Forget()
	if o.data != nil {
		return
	}
	ext := buf.ext[:0]
	for _, l := range lists {
		for _, rs := range l {
			if s, ok := o.rela64(rs); ok && s.Size > 0 && s.Size <= maxPrefetch {
				ext = append(ext, relocRun{lo: s.Offset, hi: s.Offset + s.Size})
			}
		}
	}
	buf.ext = ext
	// The runs first, then room for them (most objects' take a few KiB
	// of the 256), then the reads.
	planned, size := planRuns(ext, maxGap, maxPrefetch)
	if cap(buf.win) < size {
		buf.win = make([]byte, 0, min(max(size, 2*cap(buf.win)), maxPrefetch))
	}
	win := buf.win[:size]
	runs := buf.runs[:0]
	for _, r := range planned {
		if _, err := o.r.ReadAt(win[r.at:r.at+int(r.hi-r.lo)], int64(r.lo)); err == nil {
			runs = append(runs, r)
		}
	}
	buf.runs = runs
	buf.win, buf.winObj = win, o
}

// planRuns sorts the extents ext and groups those at most gap bytes
// apart into runs of at most limit bytes, each to be read with one call,
// up to limit bytes in all: each run's at is its place in a buffer of
// size bytes. An extent that would come alone, or past the limit, is in
// no run: it is read when needed, by the same one call. The runs are
// written over ext.
func planRuns(ext []relocRun, gap, limit uint64) (runs []relocRun, size int) {
	slices.SortFunc(ext, func(a, b relocRun) int { return cmp.Compare(a.lo, b.lo) })
	runs = ext[:0]
	for i := 0; i < len(ext); {
		lo, hi, j := ext[i].lo, ext[i].hi, i+1
		for j < len(ext) && ext[j].lo <= hi+gap && max(hi, ext[j].hi)-lo <= limit {
			hi = max(hi, ext[j].hi)
			j++
		}
		alone := j == i+1
		i = j
		if alone || uint64(size)+hi-lo > limit {
			continue
		}
		runs = append(runs, relocRun{lo: lo, hi: hi, at: size}) // ext[:i] is read: runs may overwrite it
		size += int(hi - lo)
	}
	return runs, size
}

// prefetched returns the bytes [lo, hi) of o's file when
// PrefetchRelocations read them into buf.
func (buf *RelocBuf) prefetched(o *Object, lo, hi uint64) ([]byte, bool) {
	if buf.winObj != o {
		return nil, false
	}
	for _, r := range buf.runs {
		if lo >= r.lo && hi <= r.hi {
			return buf.win[r.at+int(lo-r.lo) : r.at+int(hi-r.lo)], true
		}
	}
	return nil, false
}

// Forget drops what PrefetchRelocations read, and its object.
func (buf *RelocBuf) Forget() { buf.win, buf.runs, buf.winObj = buf.win[:0], buf.runs[:0], nil }

// relocBatch is the most entries one batch holds; relocRead, the most
// one call to ReadAt reads.
const (
	relocBatch = 1024
	relocRead  = 8 * relocBatch
)

// Rela64Size is the size of an Elf64_Rela entry, as EachRela64 gives
// them.
const Rela64Size = 24

// Rela64Relocation decodes e, one entry EachRela64 gave, as a Relocation:
// for a caller that sets most entries aside by a field or two and
// decodes the few it keeps.
func Rela64Relocation(e []byte) Relocation {
	info := binary.LittleEndian.Uint64(e[8:])
	return Relocation{
		Offset: binary.LittleEndian.Uint64(e),
		Type:   uint32(info), Sym: int(info >> 32),
		Addend: int64(binary.LittleEndian.Uint64(e[16:])), HasAddend: true,
	}
}

// EachRela64 calls f with the entries of rs in order, a batch of at
// most 1,024 at a time, as the bytes of Elf64_Rela entries in little
// endian (Rela64Size bytes each: r_offset; r_info, the symbol index in
// its upper 32 bits and the type in its lower; r_addend), every one
// checked as Relocations checks it: its symbol index in the symbol table,
// its r_offset inside the relocated section. The batch is buf's storage,
// overwritten by the next, so f must not keep it. It stops when f
// returns false. The error is Relocations' (or nil), after f has seen
// the entries before the bad one.
//
// It is EachRelocation for a caller that looks at millions of
// entries, needs a few fields of each and sets most aside at a glance
// (package suggest): the entries of the 64-bit little-endian RELA
// sections of x86_64 and arm64 are the file's own bytes, not decoded
// into Relocations, which took as long as reading them. Entries of every
// other kind are decoded as Relocations decodes them and given in that
// form; a REL entry whose addend Relocations does not decode (HasAddend
// false) has r_addend 0.
func (o *Object) EachRela64(rs RelocSection, buf *RelocBuf, f func(entries []byte) bool) error {
	s, ok := o.rela64(rs)
	if !ok {
		return o.eachRela64Slow(rs, buf, f)
	}
	const ent = Rela64Size
	n := s.Size / ent
	target := &o.sections[s.Info]
	// r_offset must be below limit; a section of no bytes takes the
	// entries at 0 when it is SHT_NOBITS (.bss of size 0), as Relocations.
	limit := target.Size
	if target.Size == 0 && target.Type == elf.SHT_NOBITS {
		limit = 1
	}
	nsyms := uint64(len(o.syms))
	for i := uint64(0); i < n; {
		raw, err := o.relaEntries(s, i, n, buf)
		if err != nil {
			return err
		}
		for len(raw) > 0 {
			k := min(len(raw)/ent, relocBatch)
			batch := raw[:k*ent]
			for j := 0; j < len(batch); j += ent {
				e := batch[j : j+ent : j+ent]
				if uint64(binary.LittleEndian.Uint32(e[12:])) >= nsyms || binary.LittleEndian.Uint64(e) >= limit {
					// The entries before it first, then the decoder's own error.
					if j > 0 && !f(batch[:j]) {
						return nil
					}
					return o.relocError(rs, int(i)+j/ent)
				}
			}
			if !f(batch) {
				return nil
			}
			raw = raw[k*ent:]
			i += uint64(k)
		}
	}
	return nil
}

// rela64 returns rs's section when its entries are 64-bit little-endian
// RELA (not MIPS64's r_info) with a header and extent Relocations
// accepts: those EachRela64 gives as the file has them.
func (o *Object) rela64(rs RelocSection) (*Section, bool) {
	s := o.section(rs.Index)
	ok := s != nil && s.Type == elf.SHT_RELA && o.f.Class == elf.ELFCLASS64 && o.f.Machine != elf.EM_MIPS &&
		o.f.ByteOrder == binary.LittleEndian && o.checkRelocHeader(s) == nil && o.checkExtent(s) == nil && s.Size <= 1<<40
	return s, ok
}

// relaEntries returns the bytes of entries i up to n of s (a section
// rela64 accepts): all of them when the file is in memory or they are
// in what PrefetchRelocations read, else as many as one read of buf's
// window holds.
func (o *Object) relaEntries(s *Section, i, n uint64, buf *RelocBuf) ([]byte, error) {
	const ent = Rela64Size
	if o.data != nil {
		// In bounds: checkExtent compared the end with len(data).
		return o.data[s.Offset+i*ent : s.Offset+n*ent], nil
	}
	if b, ok := buf.prefetched(o, s.Offset+i*ent, s.Offset+n*ent); ok {
		return b, nil
	}
	k := min(n-i, relocRead)
	if uint64(cap(buf.raw)) < k*ent {
		buf.raw = make([]byte, k*ent)
	}
	raw := buf.raw[:k*ent]
	if _, err := o.r.ReadAt(raw, int64(s.Offset+i*ent)); err != nil {
		return nil, formatErr(o.name, int64(s.Offset), err, "read section %d (%s)", s.Index, s.Name)
	}
	return raw, nil
}

// eachRela64Slow is EachRela64 for the sections rela64 does not accept:
// their entries decoded by EachRelocation's decoder (which also reports
// the errors of a malformed header), written out as Elf64_Rela.
func (o *Object) eachRela64Slow(rs RelocSection, buf *RelocBuf, f func(entries []byte) bool) error {
	return o.eachRelocationBatchSlow(rs, buf, func(batch []Relocation) bool {
		b := buf.rela[:0]
		for i := range batch {
			r := &batch[i]
			b = binary.LittleEndian.AppendUint64(b, r.Offset)
			b = binary.LittleEndian.AppendUint64(b, uint64(r.Sym)<<32|uint64(r.Type))
			b = binary.LittleEndian.AppendUint64(b, uint64(r.Addend))
		}
		buf.rela = b
		return f(b)
	})
}

// eachRelocationBatch calls f with the entries of rs in order, a batch at a
// time, decoded and checked as Relocations does, into buf's storage: a
// batch is overwritten by the next, so f must not keep it. It stops when
// f returns false. The error is Relocations' (or nil), after f has seen
// the entries before the bad one.
//
// The 64-bit little-endian RELA entries of x86_64 and arm64 come from
// EachRela64; every other kind goes through EachRelocation's decoder.
// No caller outside the tests needs Relocations a batch at a time since
// suggest reads EachRela64; the tests hold the three readers to the same
// entries and errors.
func (o *Object) eachRelocationBatch(rs RelocSection, buf *RelocBuf, f func([]Relocation) bool) error {
	if _, ok := o.rela64(rs); !ok {
		return o.eachRelocationBatchSlow(rs, buf, f)
	}
	if cap(buf.out) < relocBatch {
		buf.out = make([]Relocation, relocBatch)
	}
	return o.EachRela64(rs, buf, func(entries []byte) bool {
		out := buf.out[:len(entries)/Rela64Size]
		for j := range out {
			out[j] = Rela64Relocation(entries[j*Rela64Size : j*Rela64Size+Rela64Size])
		}
		return f(out)
	})
}

// relocError is the error EachRelocation reports for entry i of rs,
// which EachRela64's check refused. Should the decoder accept it (the two
// checks disagree: a bug), that is an error too, not an end of the
// entries that would silently drop the rest.
func (o *Object) relocError(rs RelocSection, i int) error {
	d, err := o.relocDecoder(rs)
	if err != nil {
		return err
	}
	if _, err = d.at(i); err == nil {
		s := o.section(rs.Index)
		err = formatErr(o.name, int64(s.Offset)+int64(i)*Rela64Size, nil,
			"relocation %d of section %d (%s): refused by the fast check, accepted by the decoder (an initsec bug: please report it)", i, s.Index, s.Name)
	}
	return err
}

// eachRelocationBatchSlow is eachRelocationBatch through EachRelocation's
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
