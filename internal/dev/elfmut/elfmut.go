// Package elfmut makes malformed copies of a 64-bit relocatable ELF
// object for tests: random changes confined to the tables a reader of
// section and symbol tables parses (the ELF header, the section header
// table, symbol and string tables, RELA sections), where they reach the
// reader's checks rather than code bytes nothing looks at. sectionrt's
// RawView and suggest's seed screen are held to their full readers on
// such mutants.
package elfmut

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"math/rand/v2"
)

// TableRegions returns the file extents [start, end) of data's ELF
// header, section header table, symbol and string tables and RELA
// sections. data must be a 64-bit little-endian ELF file debug/elf
// reads.
func TableRegions(data []byte) ([][2]int, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var h elf.Header64
	if err := binary.Read(bytes.NewReader(data), binary.LittleEndian, &h); err != nil {
		return nil, err
	}
	regions := [][2]int{{0, 64}, {int(h.Shoff), int(h.Shoff) + 64*int(h.Shnum)}}
	for _, sec := range f.Sections {
		if sec.Type == elf.SHT_SYMTAB || sec.Type == elf.SHT_STRTAB || sec.Type == elf.SHT_RELA {
			regions = append(regions, [2]int{int(sec.Offset), int(sec.Offset + sec.FileSize)})
		}
	}
	return regions, nil
}

// Mutate returns a copy of base with one to four changes, each in a
// random region: a bit flipped, a random byte, or a boundary value
// written over 1 to 8 bytes.
func Mutate(rng *rand.Rand, base []byte, regions [][2]int) []byte {
	d := bytes.Clone(base)
	for range 1 + rng.IntN(4) {
		r := regions[rng.IntN(len(regions))]
		if r[1] <= r[0] {
			continue
		}
		off := r[0] + rng.IntN(r[1]-r[0])
		switch rng.IntN(3) {
		case 0:
			d[off] ^= 1 << rng.IntN(8)
		case 1:
			d[off] = byte(rng.Uint32())
		default:
			v := []uint64{0, 1, 0xff, 0xffff, 0xff00, 0xfff1, 0xffffffff, 1 << 62, ^uint64(0)}[rng.IntN(9)]
			for j := range []int{1, 2, 4, 8}[rng.IntN(4)] {
				if off+j < len(d) {
					d[off+j] = byte(v >> (8 * j))
				}
			}
		}
	}
	return d
}
