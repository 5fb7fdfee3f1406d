package suggest

import (
	"bytes"
	"debug/elf"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/sectionrt"
)

// reversedRelocs returns a copy of the ELF object data with the entries
// of every SHT_RELA section of an allocated section in reverse order: as
// valid an object as before, whose relocations are not by r_offset.
func reversedRelocs(t *testing.T, data []byte) []byte {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out := bytes.Clone(data)
	n := 0
	for _, s := range f.Sections {
		if s.Type != elf.SHT_RELA || s.Info >= uint32(len(f.Sections)) || f.Sections[s.Info].Flags&elf.SHF_ALLOC == 0 {
			continue
		}
		ents := out[s.Offset : s.Offset+s.Size]
		const ent = 24
		for i, j := 0, len(ents)/ent-1; i < j; i, j = i+1, j-1 {
			a, b := ents[i*ent:(i+1)*ent], ents[j*ent:(j+1)*ent]
			var tmp [ent]byte
			copy(tmp[:], a)
			copy(a, b)
			copy(b, tmp[:])
		}
		n++
	}
	if n == 0 {
		t.Fatal("no relocation section of an allocated section")
	}
	return out
}

// TestFindUnsortedRelocs: relocations out of r_offset order (the ELF
// format allows any) give the same suggestions, and those of the
// reference, on the installed 6.1 modules with suggestions (every fifth).
// addCode looks a candidate's up by r_offset, so it must sort them first.
func TestFindUnsortedRelocs(t *testing.T) {
	files, _ := installedSample(t, "6.1.", 1)
	checked := 0
	for k, path := range files {
		if k%5 != 0 {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := findBytes(t, data, path, Find)
		if len(want) == 0 {
			continue
		}
		rev := reversedRelocs(t, data)
		if got := findBytes(t, rev, path, Find); !reflect.DeepEqual(got, want) {
			t.Errorf("%s, relocations reversed:\n got  %+v\n want %+v", path, got, want)
		}
		if ref := findBytes(t, rev, path, findReference); !reflect.DeepEqual(ref, want) {
			t.Errorf("%s, relocations reversed, reference:\n got  %+v\n want %+v", path, ref, want)
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("only %d modules with suggestions checked", checked)
	}
	t.Logf("%d modules", checked)
}

// findBytes runs find on the object in data.
func findBytes(t *testing.T, data []byte, name string, find func(*sectionrt.Object) ([]Suggestion, error)) []Suggestion {
	t.Helper()
	o, err := sectionrt.NewObjectBytes(slices.Clone(data), name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := find(o)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

// TestFindCandidateDataRelocs: a candidate object's own relocations
// are data's, whose PC-relative entries have no instruction bias. tbl,
// read only by init code, holds helper_a's address relative to itself
// (R_X86_64_PC32 against .text, addend helper_a's offset): that keeps
// helper_a resident, not helper_b, four bytes on, which init code calls.
// The closure reads tbl's relocations among the candidates' own.
func TestFindCandidateDataRelocs(t *testing.T) {
	o := mustOpen(t, assemble(t, `
	.text
	.type helper_a, @function
helper_a:
	ret
	nop
	nop
	nop
	.size helper_a, .-helper_a
	.type helper_b, @function
helper_b:
	ret
	.size helper_b, .-helper_b
	.section .rodata
	.type tbl, @object
tbl:	.long helper_a - .
	.size tbl, 4
	.section .init.text,"ax"
	.type init_fn, @function
init_fn:
	mov tbl(%rip), %eax
	call helper_b
	ret
	.size init_fn, .-init_fn
`))
	got, err := Find(o)
	if err != nil {
		t.Fatal(err)
	}
	want := []Suggestion{
		{Symbol: "tbl", Section: ".rodata", Size: 4, ReferencedFrom: []string{"init_fn"}, Kind: "initconst"},
		{Symbol: "helper_b", Section: ".text", Size: 1, ReferencedFrom: []string{"init_fn"}, Kind: "init"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if ref, err := findReference(o); err != nil || !reflect.DeepEqual(ref, want) {
		t.Errorf("reference: %+v, %v", ref, err)
	}
}

// BenchmarkFind times Find on the installed 6.1 modules that have a seed
// (where it goes past the seed search: solveInStages), opened once, and
// on the largest of them, amdgpu.ko. cpu-ns/module is the process's CPU
// time (user and system), steadier than wall time on a loaded machine:
// go test -bench Find -run XXX ./suggest.
func BenchmarkFind(b *testing.B) {
	files := installedModules(b)
	var seeded, amdgpu []*sectionrt.Object
	var r modfile.Reader
	for _, path := range files {
		o, err := r.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if !hasSeed(b, o) {
			o.Close()
			continue
		}
		b.Cleanup(func() { o.Close() })
		seeded = append(seeded, o)
		if filepath.Base(path) == "amdgpu.ko" {
			amdgpu = append(amdgpu, o)
		}
	}
	for _, tc := range []struct {
		name string
		objs []*sectionrt.Object
	}{{"seeded", seeded}, {"amdgpu", amdgpu}} {
		b.Run(tc.name, func(b *testing.B) {
			if len(tc.objs) == 0 {
				b.Skip("not installed")
			}
			cpu0 := cpuTime()
			for b.Loop() {
				for _, o := range tc.objs {
					if _, err := Find(o); err != nil {
						b.Fatal(err)
					}
				}
			}
			per := float64(b.N * len(tc.objs))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/module")
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/per, "cpu-ns/module")
		})
	}
}

// hasSeed reports whether the seed search finds a seed in o.
func hasSeed(tb testing.TB, o *sectionrt.Object) bool {
	w := getWorkspace()
	defer putWorkspace(w)
	rels, err := o.RelocSections()
	if err != nil {
		tb.Fatal(err)
	}
	ok, err := newPrefilter(o, w).seeded(rels)
	if err != nil {
		tb.Fatal(err)
	}
	return ok
}
