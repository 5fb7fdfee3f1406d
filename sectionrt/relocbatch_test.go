package sectionrt

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
)

// relocWalk is what a walk over one relocation section gave: the entries,
// then the error.
type relocWalk struct {
	Index  int
	Relocs []Relocation
	Err    string
}

// batchesAndEach lists what EachRelocationBatch, EachRela64 (its
// entries decoded, from what PrefetchRelocations read of them all) and
// EachRelocation give for every relocation section of o.
func batchesAndEach(o *Object) (batch, rela, each []relocWalk) {
	rels, err := o.RelocSections()
	if err != nil {
		return nil, nil, nil
	}
	var buf, pre RelocBuf
	o.PrefetchRelocations(&pre, rels)
	for _, r := range rels {
		var got, raw, want []Relocation
		errB := o.eachRelocationBatch(r, &buf, func(rs []Relocation) bool {
			if len(rs) == 0 || len(rs) > relocBatch {
				got = append(got, Relocation{Sym: -len(rs)}) // shows up as a difference
			}
			got = append(got, rs...)
			return true
		})
		errR := o.EachRela64(r, &pre, func(b []byte) bool {
			if len(b) == 0 || len(b) > relocBatch*Rela64Size || len(b)%Rela64Size != 0 {
				raw = append(raw, Relocation{Sym: -len(b)})
			}
			for ; len(b) >= Rela64Size; b = b[Rela64Size:] {
				info := binary.LittleEndian.Uint64(b[8:])
				raw = append(raw, Relocation{Offset: binary.LittleEndian.Uint64(b), Type: uint32(info), Sym: int(info >> 32),
					Addend: int64(binary.LittleEndian.Uint64(b[16:])), HasAddend: true})
			}
			return true
		})
		errE := o.EachRelocation(r, func(rel Relocation) bool {
			want = append(want, rel)
			return true
		})
		batch = append(batch, relocWalk{r.Index, got, errString(errB)})
		rela = append(rela, relocWalk{r.Index, raw, errString(errR)})
		each = append(each, relocWalk{r.Index, want, errString(errE)})
	}
	return batch, rela, each
}

// asRela64 is walks as EachRela64 gives them: an addend not decoded
// (HasAddend false) is r_addend 0.
func asRela64(walks []relocWalk) []relocWalk {
	var out []relocWalk
	for _, w := range walks {
		rs := slices.Clone(w.Relocs)
		for i := range rs {
			rs[i].HasAddend = true
		}
		out = append(out, relocWalk{w.Index, rs, w.Err})
	}
	return out
}

// checkBatches opens data both ways (in memory and with ReadAt) and
// requires EachRelocationBatch and EachRela64 to give what
// EachRelocation gives.
func checkBatches(t *testing.T, data []byte, name string) {
	t.Helper()
	for _, open := range []func() (*Object, error){
		func() (*Object, error) { return NewObjectBytes(data, name) },
		func() (*Object, error) { return NewObject(bytes.NewReader(data), name) },
	} {
		o, err := open()
		if err != nil {
			continue
		}
		b, r, e := batchesAndEach(o)
		if !reflect.DeepEqual(b, e) {
			t.Errorf("%s: EachRelocationBatch:\n%s\nEachRelocation:\n%s", name, clip(b), clip(e))
		}
		if e := asRela64(e); !reflect.DeepEqual(r, e) {
			t.Errorf("%s: EachRela64:\n%s\nEachRelocation:\n%s", name, clip(r), clip(e))
		}
	}
}

// TestEachRelocationBatchMatches: on the small object (x86_64 RELA, the
// fast loop), its 32-bit build (REL, the decoder's path) and, unless
// -short, every .ko of the installed 6.1 tree, both readers.
func TestEachRelocationBatchMatches(t *testing.T) {
	small := smallObject(t)
	checkBatches(t, small, "small.o")
	checkBatches(t, readFile(t, compileC(t, "small32.c", smallSource, "-m32")), "small32.o")
	if testing.Short() {
		return
	}
	rel, ok := kernels.FindRelease("6.1.")
	if !ok {
		testenv.SkipOrFail(t, "no Linux 6.1.* modules with headers installed")
	}
	n := 0
	filepath.WalkDir(filepath.Join(rel.Tree, "kernel"), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && strings.HasSuffix(p, ".ko") {
			checkBatches(t, readFile(t, p), p)
			n++
		}
		return nil
	})
	if n == 0 {
		t.Fatalf("no .ko under %s", rel.Tree)
	}
	t.Logf("%d installed modules", n)
}

// TestEachRelocationBatchMalformed: a bad entry (symbol index, r_offset)
// or section header gives EachRelocation's error, after the entries
// before it; so do random boundary values written over the relocation
// sections and their headers.
func TestEachRelocationBatchMalformed(t *testing.T) {
	data := smallObject(t)
	o, err := NewObject(bytes.NewReader(data), "small.o")
	if err != nil {
		t.Fatal(err)
	}
	var text *Section
	for i := range o.sections {
		if o.sections[i].Name == ".rela.init.text" {
			text = &o.sections[i]
		}
	}
	if text == nil || text.Size < 3*24 {
		t.Fatalf("no .rela.init.text with three entries in the small object")
	}
	rs := RelocSection{Index: text.Index, Target: int(text.Info), RELA: true}
	end := o.sections[text.Info].Size
	for _, tc := range []struct {
		name  string
		field uint64 // offset in the second entry
		value uint64
		want  string
	}{
		{"symbol", 8, 0xffff_0000_0000_0002, "entry 1: symbol index 4294901760 outside the symbol table"},
		{"symbol at the count", 8, uint64(len(o.syms))<<32 | 2, fmt.Sprintf("entry 1: symbol index %d outside the symbol table", len(o.syms))},
		{"offset", 0, 1 << 40, "entry 1: r_offset 0x10000000000 past the end of section"},
		{"offset at the end", 0, end, fmt.Sprintf("entry 1: r_offset %#x past the end of section", end)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := bytes.Clone(data)
			putU64(b[text.Offset+24+tc.field:], tc.value)
			checkBatches(t, b, "bad.o")
			o, err := NewObject(bytes.NewReader(b), "bad.o")
			if err != nil {
				t.Fatal(err)
			}
			var n int
			err = o.eachRelocationBatch(rs, new(RelocBuf), func(r []Relocation) bool { n += len(r); return true })
			if n != 1 || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%d entries, error %v; want 1 and one containing %q", n, err, tc.want)
			}
		})
	}
	// A target of no bytes takes r_offset 0 when it is SHT_NOBITS (an
	// empty .bss), and nothing else.
	b := bytes.Clone(data)
	putU32(b[sectionHeader(b, int(text.Info))+4:], uint32(elf.SHT_NOBITS))
	putU64(b[sectionHeader(b, int(text.Info))+0x20:], 0) // sh_size
	putU64(b[text.Offset:], 0)
	checkBatches(t, b, "nobits.o")
	if o, err := NewObject(bytes.NewReader(b), "nobits.o"); err != nil {
		t.Error(err)
	} else if n, err := countRela64(o, rs, new(RelocBuf)); n != 1 || err == nil || !strings.Contains(err.Error(), "entry 1: r_offset 0x") {
		t.Errorf("nobits.o: %d entries, error %v; want 1 and an r_offset past the end of the section", n, err)
	}
	b = bytes.Clone(data)
	putU32(b[sectionHeader(b, text.Index)+0x28:], 0) // sh_link
	checkBatches(t, b, "link.o")

	rng := rand.New(rand.NewPCG(11, 13))
	vals := []uint64{0, 1, 0x7f, 0x80, 0xff, 0xffff, 0xffffffff, 1 << 32, 0x7fffffffffffffff, 0xffffffffffffffff}
	for i := 0; i < 2000; i++ {
		b := bytes.Clone(data)
		var s *Section
		for s == nil || s.Size == 0 {
			s = &o.sections[rng.IntN(len(o.sections))]
			if s.Type != elf.SHT_RELA {
				s = nil
			}
		}
		lo, n := s.Offset, s.Size
		if rng.IntN(4) == 0 { // the header
			lo, n = sectionHeader(b, s.Index), 64
		}
		off := lo + uint64(rng.IntN(int(n)-7))
		v := vals[rng.IntN(len(vals))]
		for j := range []int{1, 2, 4, 8}[rng.IntN(4)] {
			b[off+uint64(j)] = byte(v >> (8 * j))
		}
		checkBatches(t, b, "bound.o")
	}
}

// clip is walks printed, cut at 3,000 bytes (a %.3000v pads each
// number to 3,000 digits instead).
func clip(walks []relocWalk) string {
	s := fmt.Sprint(walks)
	return s[:min(len(s), 3000)]
}

// countRela64 counts the entries EachRela64 gives for rs.
func countRela64(o *Object, rs RelocSection, buf *RelocBuf) (n int, err error) {
	err = o.EachRela64(rs, buf, func(b []byte) bool { n += len(b) / Rela64Size; return true })
	return n, err
}

// countingReader counts the calls to ReadAt.
type countingReader struct {
	r     *bytes.Reader
	calls int
}

func (c *countingReader) Size() int64 { return c.r.Size() }

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	c.calls++
	return c.r.ReadAt(p, off)
}

// TestPrefetchRelocations: the small object's relocation sections lie
// within 4 KiB of each other, so that PrefetchRelocations reads them in
// one call and walking them reads nothing more, however often; prefetched
// again with one of them, or forgotten, each is read on its own.
func TestPrefetchRelocations(t *testing.T) {
	r := &countingReader{r: bytes.NewReader(smallObject(t))}
	o, err := NewObject(r, "small.o")
	if err != nil {
		t.Fatal(err)
	}
	rels, err := o.RelocSections()
	if err != nil || len(rels) < 3 {
		t.Fatalf("%d relocation sections, error %v; want three at least", len(rels), err)
	}
	var buf RelocBuf
	walk := func(rels []RelocSection) (calls int) {
		before := r.calls
		for _, rs := range rels {
			if n, err := countRela64(o, rs, &buf); n == 0 || err != nil {
				t.Fatalf("section %d: %d entries, error %v", rs.Index, n, err)
			}
		}
		return r.calls - before
	}
	before := r.calls
	o.PrefetchRelocations(&buf, rels)
	if n := r.calls - before; n != 1 {
		t.Errorf("PrefetchRelocations: %d calls to ReadAt, want 1", n)
	}
	if n := walk(append(rels, rels...)); n != 0 {
		t.Errorf("walk after PrefetchRelocations: %d calls to ReadAt, want none", n)
	}
	o.PrefetchRelocations(&buf, rels[:1]) // one section alone: left to the walk
	if n := walk(rels); n != len(rels) {
		t.Errorf("walk after PrefetchRelocations of one section: %d calls to ReadAt, want %d", n, len(rels))
	}
	o.PrefetchRelocations(&buf, rels)
	buf.Forget()
	if n := walk(rels); n != len(rels) {
		t.Errorf("walk after Forget: %d calls to ReadAt, want %d", n, len(rels))
	}
}

// TestEachRelocationBatchStops: f returning false ends the walk with no
// error, and a batch never holds more than relocBatch entries.
func TestEachRelocationBatchStops(t *testing.T) {
	rel, ok := kernels.FindRelease("6.1.")
	if !ok {
		testenv.SkipOrFail(t, "no Linux 6.1.* modules installed: btrfs.ko has relocation sections of several batches")
	}
	o := mustOpen(t, filepath.Join(rel.Tree, "kernel", "fs", "btrfs", "btrfs.ko"))
	rels, err := o.RelocSections()
	if err != nil {
		t.Fatal(err)
	}
	var big RelocSection
	for _, r := range rels {
		if o.sections[r.Index].Size > 3*relocBatch*24 {
			big = r
		}
	}
	var calls, n int
	err = o.eachRelocationBatch(big, new(RelocBuf), func(rs []Relocation) bool {
		calls++
		n += len(rs)
		return calls < 2
	})
	if err != nil || calls != 2 || n != 2*relocBatch {
		t.Errorf("calls %d, entries %d, error %v; want 2, %d, nil", calls, n, err, 2*relocBatch)
	}
	all, err := o.Relocations(big)
	if err != nil {
		t.Fatal(err)
	}
	var got []Relocation
	if err := o.eachRelocationBatch(big, new(RelocBuf), func(rs []Relocation) bool { got = append(got, rs...); return true }); err != nil || !reflect.DeepEqual(got, all) {
		t.Errorf("all batches: %d entries (error %v), Relocations: %d", len(got), err, len(all))
	}
}

// TestRelocErrorDisagreement: when EachRela64's check refuses an entry
// that the decoder accepts (the two checks disagree: a bug), the walk
// ends with an error naming the entry, not with nil, which would drop the
// entries after it without a word.
func TestRelocErrorDisagreement(t *testing.T) {
	o, err := NewObjectBytes(smallObject(t), "small.o")
	if err != nil {
		t.Fatal(err)
	}
	rels, err := o.RelocSections()
	if err != nil || len(rels) == 0 {
		t.Fatalf("small.o: relocation sections %v, %v", rels, err)
	}
	err = o.relocError(rels[0], 0) // a good entry: the decoder accepts it
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "relocation 0 of section") || !strings.Contains(fe.Msg, "refused by the fast check, accepted by the decoder") {
		t.Fatalf("relocError on a good entry: %v, want the disagreement named", err)
	}
}
