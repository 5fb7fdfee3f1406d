package sectionrt

import (
	"bytes"
	"debug/elf"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
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

// batchesAndEach lists what EachRelocationBatch and EachRelocation give
// for every relocation section of o.
func batchesAndEach(o *Object) (batch, each []relocWalk) {
	rels, err := o.RelocSections()
	if err != nil {
		return nil, nil
	}
	var buf RelocBuf
	for _, r := range rels {
		var got, want []Relocation
		errB := o.EachRelocationBatch(r, &buf, func(rs []Relocation) bool {
			if len(rs) == 0 || len(rs) > relocBatch {
				got = append(got, Relocation{Sym: -len(rs)}) // shows up as a difference
			}
			got = append(got, rs...)
			return true
		})
		errE := o.EachRelocation(r, func(rel Relocation) bool {
			want = append(want, rel)
			return true
		})
		batch = append(batch, relocWalk{r.Index, got, errString(errB)})
		each = append(each, relocWalk{r.Index, want, errString(errE)})
	}
	return batch, each
}

// checkBatches opens data both ways (in memory and with ReadAt) and
// requires EachRelocationBatch to give what EachRelocation gives.
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
		if b, e := batchesAndEach(o); !reflect.DeepEqual(b, e) {
			t.Errorf("%s: EachRelocationBatch:\n%.3000v\nEachRelocation:\n%.3000v", name, b, e)
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
			err = o.EachRelocationBatch(rs, new(RelocBuf), func(r []Relocation) bool { n += len(r); return true })
			if n != 1 || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%d entries, error %v; want 1 and one containing %q", n, err, tc.want)
			}
		})
	}
	b := bytes.Clone(data)
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
	err = o.EachRelocationBatch(big, new(RelocBuf), func(rs []Relocation) bool {
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
	if err := o.EachRelocationBatch(big, new(RelocBuf), func(rs []Relocation) bool { got = append(got, rs...); return true }); err != nil || !reflect.DeepEqual(got, all) {
		t.Errorf("all batches: %d entries (error %v), Relocations: %d", len(got), err, len(all))
	}
}
