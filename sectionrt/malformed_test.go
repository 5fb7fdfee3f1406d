package sectionrt

import (
	"bytes"
	"debug/elf"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// checkNoPanic opens data through both reader kinds and requires an error
// naming the file, or an object that every accessor and the placement check
// can be run on.
func checkNoPanic(t *testing.T, data []byte, name string) (failed bool) {
	t.Helper()
	for _, r := range []io.ReaderAt{bytes.NewReader(data), unsized{bytes.NewReader(data)}} {
		o, err := NewObject(r, name)
		if err != nil {
			if o != nil {
				t.Errorf("NewObject returned both an object and %v", err)
			}
			if !strings.HasPrefix(err.Error(), name+": ") {
				t.Errorf("error %q does not start with %q", err, name+": ")
			}
			failed = true
			continue
		}
		exercise(o)
	}
	return failed
}

func exercise(o *Object) {
	o.Symbols()
	o.Sections()
	o.ModInfo()
	o.Vermagic()
	o.KernelRelease()
	for _, s := range o.Symbols() {
		o.Lookup(s.Name)
	}
	CheckPlacement(o, Manifest{Entries: []Expectation{
		{Symbol: "small_init", Section: ".init.text", Role: "module_init", File: "small.c", Line: 1},
		{Symbol: "small_exit", Section: ".exit.text", Role: "module_exit"},
		{Symbol: "tbl", Section: ".init.rodata", Size: 16},
	}})
	o.Close()
}

func TestMalformedEmptyAndGarbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}
	elfGarbage := append([]byte("\x7fELF\x02\x01\x01"), garbage[:2000]...)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty.o: empty file, not an ELF object"},
		{"short", []byte("\x7fE"), "truncated ELF header"},
		{"garbage", garbage, "not an ELF object (bad magic"},
		{"text", []byte("hello, world\n"), `not an ELF object (bad magic "hell")`},
		{"xz", []byte("\xfd7zXZ\x00\x00\x04"), "compressed with xz; decompress it first"},
		{"zstd", []byte("\x28\xb5\x2f\xfd\x00"), "compressed with zstd"},
		{"ident only", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"), "truncated ELF header: 16 of 64 bytes"},
		{"bad class", []byte("\x7fELF\x07\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"), "unknown ELF class 7"},
		{"elf garbage", elfGarbage, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.name + ".o"
			if tc.name == "empty" {
				name = "empty.o"
			}
			_, err := NewObject(bytes.NewReader(tc.data), name)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), name+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to start with %q and contain %q", err, name+": ", tc.want)
			}
			checkNoPanic(t, tc.data, name)
		})
	}
}

func TestMalformedTruncated(t *testing.T) {
	data := smallObject(t)
	for n := 0; n < len(data); n++ {
		if !checkNoPanic(t, data[:n], "small.o") {
			t.Errorf("truncated to %d of %d bytes: no error", n, len(data))
		}
	}
	// The section header table is at the end of gcc's output, so most
	// truncations are reported as such.
	shoff := le64(data[0x28:])
	_, err := NewObject(bytes.NewReader(data[:shoff+10]), "small.o")
	if err == nil || !strings.HasPrefix(err.Error(), "small.o: truncated section header table") {
		t.Errorf("error %v, want a truncated section header table", err)
	}
}

func TestMalformedBitFlips(t *testing.T) {
	data := smallObject(t)
	rng := rand.New(rand.NewPCG(20261126, 1))
	iters := 3000
	if testing.Short() {
		iters = 300
	}
	ok := 0
	for i := 0; i < iters; i++ {
		b := bytes.Clone(data)
		for k := 1 + rng.IntN(4); k > 0; k-- {
			bit := rng.IntN(len(b) * 8)
			b[bit/8] ^= 1 << (bit % 8)
		}
		if !checkNoPanic(t, b, "flip.o") {
			ok++
		}
	}
	t.Logf("%d of %d bit-flipped objects still opened", ok, iters)
}

// sectionHeader returns the offset of section i's header in a 64-bit
// little-endian object.
func sectionHeader(data []byte, i int) uint64 {
	return le64(data[0x28:]) + uint64(i)*uint64(data[0x3a])
}

func TestMalformedSectionPastEOF(t *testing.T) {
	data := smallObject(t)
	o, err := NewObject(bytes.NewReader(data), "small.o")
	if err != nil {
		t.Fatal(err)
	}
	symtab := o.symtabIdx
	modinfo := -1
	for _, s := range o.Sections() {
		if s.Name == ".modinfo" {
			modinfo = s.Index
		}
	}
	for _, tc := range []struct {
		name        string
		sec         int
		field       uint64 // offset in the section header: 0x18 sh_offset, 0x20 sh_size
		value       uint64
		want        string
		wantUnsized string
	}{
		{"symtab offset", symtab, 0x18, uint64(len(data)) + 0x1000, "(.symtab): data at offset", ""},
		{"symtab size", symtab, 0x20, 0xffffffffffff, "(.symtab): data at offset", ""},
		{"modinfo size", modinfo, 0x20, 0x7fffffffffffffff, "(.modinfo): data at offset", ""},
		{"offset overflow", modinfo, 0x18, 0xfffffffffffffff0, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := bytes.Clone(data)
			putU64(b[sectionHeader(b, tc.sec)+tc.field:], tc.value)
			wantErr(t, b, tc.want)
			checkNoPanic(t, b, "bad.o")
		})
	}
	// The section header table itself past EOF.
	b := bytes.Clone(data)
	putU64(b[0x28:], uint64(len(data))-64)
	wantErr(t, b, "truncated section header table")
	putU64(b[0x28:], 1<<63)
	wantErr(t, b, "truncated section header table")
	b = bytes.Clone(data)
	putU16(b[0x3c:], 0xfff0) // e_shnum
	wantErr(t, b, "truncated section header table: 65520 headers")
	b = bytes.Clone(data)
	putU16(b[0x3a:], 8) // e_shentsize
	wantErr(t, b, "section header entry size 8, want at least 64")
}

func TestMalformedSymbolSectionIndex(t *testing.T) {
	data := smallObject(t)
	o, err := NewObject(bytes.NewReader(data), "small.o")
	if err != nil {
		t.Fatal(err)
	}
	st := o.sections[o.symtabIdx]
	x := findSymbol(t, o, "small_init")
	for _, shndx := range []uint16{uint16(len(o.sections)), 0xfe00, 0xfeff} {
		b := bytes.Clone(data)
		putU16(b[st.Offset+uint64(x.Index)*st.Entsize+6:], shndx)
		wantErr(t, b, "small_init): section index")
		wantErr(t, b, "out of range")
	}
	// SHN_XINDEX without a .symtab_shndx section.
	b := bytes.Clone(data)
	putU16(b[st.Offset+uint64(x.Index)*st.Entsize+6:], uint16(elf.SHN_XINDEX))
	wantErr(t, b, "no .symtab_shndx")
	// A reserved index other than XINDEX is kept as is (processor-specific
	// indices such as SHN_X86_64_LCOMMON are legitimate).
	b = bytes.Clone(data)
	putU16(b[st.Offset+uint64(x.Index)*st.Entsize+6:], 0xff02)
	o2, err := NewObject(bytes.NewReader(b), "lcommon.o")
	if err != nil {
		t.Fatal(err)
	}
	if s := findSymbol(t, o2, "small_init"); s.Section != "" || s.SectionIndex != 0xff02 || s.Defined() {
		t.Errorf("small_init = %+v", s)
	}
}

func TestMalformedCompressedSymtab(t *testing.T) {
	data := smallObject(t)
	o, err := NewObject(bytes.NewReader(data), "small.o")
	if err != nil {
		t.Fatal(err)
	}
	b := bytes.Clone(data)
	flags := sectionHeader(b, o.symtabIdx) + 8
	putU64(b[flags:], le64(b[flags:])|uint64(elf.SHF_COMPRESSED))
	checkNoPanic(t, b, "bad.o")
	wantErr(t, b, "")
}

func TestSafelyRecoversPanics(t *testing.T) {
	err := safely("x.ko", "read symbols", func() error { panic("index out of range [3] with length 2") })
	if err == nil || err.Error() != "x.ko: read symbols: malformed ELF (debug/elf panicked: index out of range [3] with length 2)" {
		t.Errorf("safely = %v", err)
	}
}

// TestMalformedBoundaryValues overwrites random fields with boundary values
// (0, all ones, sign bits, 0xff00...), which reach the size and index checks
// more often than bit flips do.
func TestMalformedBoundaryValues(t *testing.T) {
	data := smallObject(t)
	rng := rand.New(rand.NewPCG(7, 7))
	vals := []uint64{0, 1, 0x7f, 0x80, 0xff, 0xff00, 0xfff0, 0xffff, 0xffffffff, 0x7fffffffffffffff, 0xffffffffffffffff}
	iters := 5000
	if testing.Short() {
		iters = 500
	}
	for i := 0; i < iters; i++ {
		b := bytes.Clone(data)
		for k := 1 + rng.IntN(3); k > 0; k-- {
			off := rng.IntN(len(b) - 8)
			v := vals[rng.IntN(len(vals))]
			for j := range []int{1, 2, 4, 8}[rng.IntN(4)] {
				b[off+j] = byte(v >> (8 * j))
			}
		}
		checkNoPanic(t, b, "bound.o")
	}
}
