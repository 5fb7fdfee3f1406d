package modfile

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
)

// sparseMin is the decompressed size from which a Sparse Reader keeps only
// part of an xz module: amdgpu, 28 MiB in one xz block in 6.12 and 45 MiB
// in 15 blocks in 7.x; the next largest modules decompress to under 12
// MiB. Reading 6.12's twice costs no more CPU than holding it whole (the
// garbage collector works less) and 6 MiB less peak memory at -j 2.
var sparseMin int64 = 16 << 20 // tests lower it

// span is one kept range of a sparse object: data is the bytes at off.
type span struct {
	off  int64
	data []byte
}

// sparseFile is a module of which only some ranges are in memory: what
// the section-mismatch checks read (sectionrt.CheckMismatch). Reading
// anywhere else is an error, never other bytes.
type sparseFile struct {
	name  string
	size  int64
	spans []span // sorted by off, not overlapping
}

func (s *sparseFile) Size() int64 { return s.size }

func (s *sparseFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= s.size {
		return 0, io.EOF
	}
	end := off + int64(len(p))
	short := end > s.size
	end = min(end, s.size)
	i := sort.Search(len(s.spans), func(i int) bool { return s.spans[i].off+int64(len(s.spans[i].data)) > off })
	if i == len(s.spans) || s.spans[i].off > off || s.spans[i].off+int64(len(s.spans[i].data)) < end {
		return 0, fmt.Errorf("%s: bytes %#x-%#x were not kept (a module over %d MiB is read in part)", s.name, off, end, sparseMin>>20)
	}
	n := copy(p, s.spans[i].data[off-s.spans[i].off:])
	if short {
		return n, io.EOF
	}
	return n, nil
}

// sparseXZ reads of the xz module f (size bytes, decompressing to want)
// only the ELF header, the section header table and the sections the
// mismatch checks may read: symbol and string tables, .symtab_shndx,
// relocation sections (and, for SHT_REL, the sections they patch, which
// hold the addends) and every section of at most 64 KiB (.modinfo among
// them). ok is false when the file is not a 64-bit ELF object this can
// read so; the caller decodes it whole then.
//
// A file of several xz blocks (xz -T makes them: Debian's 7.x modules
// have 3 MiB blocks) is read block by block, as its index locates them:
// each block is decoded at most once, and one that holds nothing kept is
// not decoded. A file of one block is decoded twice: the section header
// table is at its end, and keeping everything until then would hold the
// whole module.
func (r *Reader) sparseXZ(f *os.File, size, want int64, name string) (sf *sparseFile, ok bool, err error) {
	r.buf = nil // the last module's: not to be held beside this one's ranges
	if head, bs := xzBlocks(f, size); len(bs) > 1 {
		return r.sparseBlocks(f, head, bs, name)
	}
	// Pass 1: the ELF header, then the section header table it locates.
	hdr, shoff, sht, total, err := r.xzSectionTable(f, size, want, name)
	if err != nil {
		return nil, false, err
	}
	if sht == nil || shoff+int64(len(sht)) > total {
		return nil, false, nil
	}
	shstrndx := int(binary.LittleEndian.Uint16(hdr[62:]))
	merged := mergeRanges(keepRanges(shoff, sht, shstrndx, total))
	sf = &sparseFile{name: name, size: total, spans: r.allocSpans(merged)}
	// Pass 2: the kept ranges.
	if err := r.xzFillSpans(f, size, name, sf.spans); err != nil {
		return nil, false, err
	}
	return sf, true, nil
}

// xzPass decodes f (size bytes) from its start, handing keep each chunk b
// of output with its offset pos, and returns the decompressed size. It
// fails once that size passes limit.
func (r *Reader) xzPass(f *os.File, size int64, name string, keep func(pos int64, b []byte)) (int64, error) {
	dec, err := r.startXZ(f, name)
	if err != nil {
		return 0, err
	}
	chunk := make([]byte, 256<<10)
	var pos int64
	for {
		n, err := dec.Read(chunk)
		keep(pos, chunk[:n])
		pos += int64(n)
		if pos > limit {
			return 0, &Error{File: name, Msg: fmt.Sprintf("%s: decompressed size is more than the limit of %s", XZ, limitText())}
		}
		if err == io.EOF {
			return pos, nil
		}
		if err != nil {
			return 0, decodeErr(XZ, name, xzErr(err))
		}
	}
}

// copyRange copies what of chunk b (at pos) lies in [off, off+len(dst)).
func copyRange(dst []byte, off, pos int64, b []byte) {
	lo, hi := max(off, pos), min(off+int64(len(dst)), pos+int64(len(b)))
	if lo < hi {
		copy(dst[lo-off:hi-off], b[lo-pos:hi-pos])
	}
}

// elfTable returns where the section header table of a module of total
// bytes is, from its ELF header hdr; ok is false when hdr is not a
// little-endian ELF64 header with a plausible table (such a module is
// decoded whole).
func elfTable(hdr []byte, total int64) (shoff, shlen int64, ok bool) {
	if string(hdr[:4]) != elf.ELFMAG || elf.Class(hdr[elf.EI_CLASS]) != elf.ELFCLASS64 || elf.Data(hdr[elf.EI_DATA]) != elf.ELFDATA2LSB {
		return 0, 0, false
	}
	shoff = int64(binary.LittleEndian.Uint64(hdr[40:]))
	shlen = int64(binary.LittleEndian.Uint16(hdr[60:])) * 64
	if binary.LittleEndian.Uint16(hdr[58:]) != 64 || shoff <= 0 || shlen == 0 || shlen > 4<<20 || shoff > total-shlen {
		return 0, 0, false
	}
	return shoff, shlen, true
}

// xzSectionTable is sparseXZ's first pass: it decodes f whole, keeping the
// 64-byte ELF header and the section header table (at shoff) that header
// locates. sht is nil when elfTable finds no table; total is the
// decompressed size.
func (r *Reader) xzSectionTable(f *os.File, size, want int64, name string) (hdr [64]byte, shoff int64, sht []byte, total int64, err error) {
	shoff = -1
	total, err = r.xzPass(f, size, name, func(pos int64, b []byte) {
		copyRange(hdr[:], 0, pos, b)
		if shoff < 0 && pos+int64(len(b)) >= 64 {
			var shlen int64
			var ok bool
			if shoff, shlen, ok = elfTable(hdr[:], want); !ok {
				shoff = 0 // not for this reader: decoded whole
				return
			}
			sht = make([]byte, shlen)
		}
		if sht != nil {
			copyRange(sht, shoff, pos, b)
		}
	})
	return hdr, shoff, sht, total, err
}

// rng is a byte range [off, end) of a decompressed module.
type rng struct{ off, end int64 }

// keepRanges lists, unsorted and possibly overlapping, the ranges of a
// module of total bytes that sparseXZ keeps: the ELF header, the section
// header table sht (at shoff) and the sections sparseXZ's comment names.
func keepRanges(shoff int64, sht []byte, shstrndx int, total int64) []rng {
	ranges := []rng{{0, 64}, {shoff, shoff + int64(len(sht))}}
	shnum := len(sht) / 64
	for i := 0; i < shnum; i++ {
		h := sht[i*64:]
		typ := elf.SectionType(binary.LittleEndian.Uint32(h[4:]))
		off := int64(binary.LittleEndian.Uint64(h[24:]))
		sz := int64(binary.LittleEndian.Uint64(h[32:]))
		info := int(binary.LittleEndian.Uint32(h[44:]))
		if typ == elf.SHT_NOBITS || typ == elf.SHT_NULL || sz <= 0 || off < 0 || off >= total {
			continue
		}
		keep := sz <= 64<<10 || i == shstrndx
		switch typ {
		case elf.SHT_SYMTAB, elf.SHT_STRTAB, elf.SHT_SYMTAB_SHNDX, elf.SHT_RELA:
			keep = true
		case elf.SHT_REL:
			keep = true
			if info > 0 && info < shnum {
				t := sht[info*64:]
				toff, tsz := int64(binary.LittleEndian.Uint64(t[24:])), int64(binary.LittleEndian.Uint64(t[32:]))
				if toff >= 0 && tsz > 0 && toff < total {
					ranges = append(ranges, rng{toff, min(toff+tsz, total)})
				}
			}
		}
		if keep {
			ranges = append(ranges, rng{off, min(off+sz, total)})
		}
	}
	return ranges
}

// mergeRanges sorts ranges by offset (in place) and joins those that
// overlap or touch.
func mergeRanges(ranges []rng) []rng {
	slices.SortFunc(ranges, func(a, b rng) int { return int(min(max(a.off-b.off, -1), 1)) })
	var merged []rng
	for _, g := range ranges {
		if n := len(merged); n > 0 && g.off <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, g.end)
		} else {
			merged = append(merged, g)
		}
	}
	return merged
}

// allocSpans reserves the kept bytes of merged against r's memory budget
// and returns an empty span for each range, all cut from one allocation.
func (r *Reader) allocSpans(merged []rng) []span {
	var kept int64
	for _, g := range merged {
		kept += g.end - g.off
	}
	r.reserve(kept)
	store := make([]byte, kept)
	var spans []span
	for _, g := range merged {
		spans = append(spans, span{g.off, store[: g.end-g.off : g.end-g.off]})
		store = store[g.end-g.off:]
	}
	return spans
}

// xzFillSpans is sparseXZ's second pass: it decodes f again, copying into
// spans (sorted, not overlapping) the bytes each covers.
func (r *Reader) xzFillSpans(f *os.File, size int64, name string, spans []span) error {
	i := 0
	_, err := r.xzPass(f, size, name, func(pos int64, b []byte) {
		for i < len(spans) && spans[i].off+int64(len(spans[i].data)) <= pos {
			i++
		}
		for j := i; j < len(spans) && spans[j].off < pos+int64(len(b)); j++ {
			copyRange(spans[j].data, spans[j].off, pos, b)
		}
	})
	return err
}
