package suggest

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/initsec/initsec/internal/dev/elfmut"
	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/sectionrt"
)

// cleanAgrees requires that when Clean clears data, the object opens and
// Find returns no suggestion and no error; with reference, findReference
// too, which has no seed search, so that a rule the seed search and
// Clean share cannot be wrong in both unseen. When the view is read but
// not cleared, Find on the view's Object must answer as on the opened
// one, error text included (initsec suggest uses it). It reports whether
// Clean cleared it, and whether the seed search on the opened object
// finds the object unseeded.
func cleanAgrees(t *testing.T, s *sectionrt.Screen, data []byte, what string, reference bool) (cleared, unseeded bool) {
	t.Helper()
	v, viewed := s.View(bytes.NewReader(data), int64(len(data)))
	cleared = viewed && CleanView(v)
	if cleared != Clean(s, bytes.NewReader(data), int64(len(data))) {
		t.Fatalf("%s: Clean and CleanView disagree", what)
	}
	o, err := sectionrt.NewObjectBytes(data, what)
	if err != nil {
		if cleared {
			t.Fatalf("%s: cleared, but NewObjectBytes: %v", what, err)
		}
		return false, false
	}
	unseeded = seedless(o)
	if !cleared {
		if viewed {
			v, _ = s.View(bytes.NewReader(data), int64(len(data)))
			findsAgree(t, v, o, what)
		}
		return false, unseeded
	}
	if sugg, err := Find(o); sugg != nil || err != nil {
		t.Fatalf("%s: cleared, but Find: %d suggestion(s) %v, error %v", what, len(sugg), sugg, err)
	}
	if !reference {
		return true, unseeded
	}
	if sugg, err := findReference(o); sugg != nil || err != nil {
		t.Fatalf("%s: cleared, but findReference: %d suggestion(s) %v, error %v", what, len(sugg), sugg, err)
	}
	return true, unseeded
}

// findsAgree requires Find on the Object view v makes to answer as on o,
// Open's Object of the same bytes; so must Seeded.Find, on the view's
// Object (the seed search reused) and on o (not the view's tables: the
// search runs again). It reports whether ScreenView handed a Seeded.
func findsAgree(t *testing.T, v *sectionrt.RawView, o *sectionrt.Object, what string) (handed bool) {
	t.Helper()
	clean, sd := ScreenView(v)
	_, other := ScreenView(v)
	if clean {
		t.Fatalf("%s: ScreenView cleared a view CleanView did not", what)
	}
	vo, err := v.Object(what)
	if err != nil {
		t.Fatalf("%s: RawView.Object: %v", what, err)
	}
	want, werr := Find(o)
	check := func(how string, got []Suggestion, gerr error) {
		t.Helper()
		if !reflect.DeepEqual(got, want) || fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Fatalf("%s: %s: %v, %v; Find on Open's Object: %v, %v", what, how, got, gerr, want, werr)
		}
	}
	if sd != nil {
		got, gerr := sd.Find(vo)
		check("Seeded.Find on the view's Object", got, gerr)
		got, gerr = other.Find(o)
		check("Seeded.Find on Open's Object", got, gerr)
	}
	got, gerr := Find(vo)
	check("Find on the view's Object", got, gerr)
	return sd != nil
}

// seedless reports whether Find stops at the seed search for o, with no
// error: what Clean decides without opening it.
func seedless(o *sectionrt.Object) bool {
	if o.Type() != elf.ET_REL || !o.HasSymbols() || !supported(o.Machine()) || o.CheckSymbolExtents() != nil {
		return false
	}
	rels, err := o.RelocSections()
	if err != nil {
		return false
	}
	w := getWorkspace()
	defer putWorkspace(w)
	seeded, err := newPrefilter(o, w).seeded(rels)
	return err == nil && !seeded
}

// TestCleanFixtures: an object whose init code only calls out is cleared;
// one whose init code calls a static function of .text, one that is not
// x86_64 or arm64, and truncated copies are not.
func TestCleanFixtures(t *testing.T) {
	var s sectionrt.Screen
	small := smallObject(t)
	if c, _ := cleanAgrees(t, &s, small, "small.o", true); !c {
		t.Error("small.o (no seed) not cleared")
	}
	for _, n := range []int{0, 64, len(small) / 2, len(small) - 1} {
		if c, _ := cleanAgrees(t, &s, small[:n], "truncated small.o", true); c {
			t.Errorf("small.o truncated to %d bytes cleared", n)
		}
	}
	seeded := readObject(t, assemble(t, `
	.text
helper:	ret
	.size helper, .-helper
	.type helper, @function
	.section .init.text,"ax"
	.globl init_module
init_module:
	call helper
	ret
	.size init_module, .-init_module
`))
	if c, _ := cleanAgrees(t, &s, seeded, "seeded.o", true); c {
		t.Error("seeded.o (init code calls a static function) cleared")
	}
	if v, ok := s.View(bytes.NewReader(seeded), int64(len(seeded))); !ok {
		t.Error("seeded.o: no view")
	} else if o, err := sectionrt.NewObjectBytes(seeded, "seeded.o"); err != nil {
		t.Fatal(err)
	} else if !findsAgree(t, v, o, "seeded.o") {
		t.Error("seeded.o: ScreenView handed no Seeded")
	}
	// foo's clone outside .init.text calls helper: the node {foo,
	// foo.part.0} is init code, though no relocation of .init.text
	// names helper (the mixed case of seeds.go).
	mixed := readObject(t, assemble(t, `
	.file "m.c"
	.text
helper:	ret
	.size helper, .-helper
	.type helper, @function
foo.part.0:
	call helper
	ret
	.size foo.part.0, .-foo.part.0
	.type foo.part.0, @function
	.section .init.text,"ax"
foo:	ret
	.size foo, .-foo
	.type foo, @function
`))
	if c, _ := cleanAgrees(t, &s, mixed, "mixed.o", true); c {
		t.Error("mixed.o (a clone of init code calls a static function) cleared")
	}
	o, err := sectionrt.NewObjectBytes(mixed, "mixed.o")
	if err != nil {
		t.Fatal(err)
	}
	if sugg, err := findReference(o); err != nil || len(sugg) != 1 || sugg[0].Symbol != "helper" {
		t.Fatalf("mixed.o: findReference = %v, %v; want helper suggested", sugg, err)
	}
	other := bytes.Clone(small)
	other[18] = byte(elf.EM_RISCV) // e_machine
	if c, _ := cleanAgrees(t, &s, other, "small.o as riscv", true); c {
		t.Error("a RISC-V object cleared: Find refuses it")
	}
}

// readObject reads the file at path.
func readObject(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCleanInstalled: on the installed Debian trees (6.1's every module;
// 6.12's, xz-compressed, every fourth, decoded), each module Clean clears
// is one Find and findReference return nothing for, and Clean clears
// exactly those without a seed (on 6.1, 3,170 of 4,023 modules).
func TestCleanInstalled(t *testing.T) {
	for _, tc := range []struct {
		prefix       string
		every        int
		minPerMille  int // the least share of the sample cleared, per mille
		minCleared61 int
	}{{"6.1.", 1, 700, 3000}, {"6.12.", 4, 700, 0}} {
		t.Run(tc.prefix, func(t *testing.T) {
			every := tc.every
			if testing.Short() {
				every *= 8
			}
			sample, release := installedSample(t, tc.prefix, every)
			cleared, unseeded := cleanAll(t, sample)
			t.Logf("%s: %d of %d modules cleared (%d without a seed)", release, cleared, len(sample), unseeded)
			if cleared*1000 < len(sample)*tc.minPerMille {
				t.Errorf("%d of %d modules cleared, want at least %d per mille", cleared, len(sample), tc.minPerMille)
			}
			if !testing.Short() && cleared < tc.minCleared61 {
				t.Errorf("%d modules cleared, want at least %d", cleared, tc.minCleared61)
			}
		})
	}
}

// cleanAll runs cleanAgrees on each file, decoded, on GOMAXPROCS
// workers, requires Clean to clear exactly the objects without a seed,
// and returns how many it cleared and how many have no seed.
func cleanAll(t *testing.T, files []string) (cleared, unseeded int) {
	var mu sync.Mutex
	// Every file queued first: a worker that fails (Fatalf ends it) must
	// not leave the queue blocked, which hung the test until its timeout.
	next := make(chan string, len(files))
	for _, f := range files {
		next <- f
	}
	close(next)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s sectionrt.Screen
			for f := range next {
				data, err := modfile.ReadFile(f)
				if err != nil {
					t.Error(err)
					continue
				}
				c, u := cleanAgrees(t, &s, data, f, true)
				mu.Lock()
				if c {
					cleared++
				}
				if u {
					unseeded++
				}
				if c != u {
					t.Errorf("%s: cleared %v, but the seed search finds it unseeded %v", f, c, u)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return cleared, unseeded
}

// TestCleanAgrees corrupts modules where Clean reads (ELF header,
// section headers, symbol entries and names, relocation entries) and
// requires every mutant it clears to open with no suggestion and no
// error from Find. The bases: small.o and, when installed, 6.1 modules
// with a seed (so that a mutant may lose it) and without.
func TestCleanAgrees(t *testing.T) {
	bases := [][]byte{smallObject(t)}
	if rel, ok := kernels.FindRelease("6.1."); ok {
		for _, m := range []string{"drivers/net/dummy.ko", "fs/fat/vfat.ko", "drivers/input/mouse/psmouse.ko", "fs/ext4/ext4.ko"} {
			if b, err := os.ReadFile(filepath.Join(rel.Tree, "kernel", m)); err == nil {
				bases = append(bases, b)
			}
		}
	}
	iters := 1500
	if testing.Short() {
		iters = 150
	}
	var s sectionrt.Screen
	rng := rand.New(rand.NewPCG(13, 3))
	for bi, base := range bases {
		regions, err := elfmut.TableRegions(base)
		if err != nil {
			t.Fatal(err)
		}
		n := iters
		if len(base) > 1<<20 {
			n = iters / 10
		}
		cleared := 0
		for range n {
			// Not findReference: it reads relocations Find never needs,
			// which a mutant may have broken.
			if c, _ := cleanAgrees(t, &s, elfmut.Mutate(rng, base, regions), "mutant", false); c {
				cleared++
			}
		}
		t.Logf("base %d (%d bytes, cleared as is: %v): %d of %d mutants cleared", bi, len(base), Clean(&s, bytes.NewReader(base), int64(len(base))), cleared, n)
	}
}

// FuzzClean: an object Clean clears opens, and Find returns no
// suggestion and no error for it.
func FuzzClean(f *testing.F) {
	f.Add(smallObject(f))
	var s sectionrt.Screen
	f.Fuzz(func(t *testing.T, data []byte) {
		cleanAgrees(t, &s, data, "fuzz", false)
	})
}

// BenchmarkClean times, per module of the installed 6.1 tree without a
// seed (which Clean clears), Clean against what it saves (opening the
// module and running Find) and against verify's screen
// (sectionrt.Screen.Clean), each reading the files as initsec does
// (modfile.OpenRaw). cpu-ns/module is the process's CPU time (user and
// system), steadier than wall time on a loaded machine:
// go test -bench Clean -run XXX ./suggest.
func BenchmarkClean(b *testing.B) {
	all := installedModules(b)
	var s sectionrt.Screen
	var files []string
	for _, path := range all {
		if f, size, ok := modfile.OpenRaw(path); ok {
			if Clean(&s, f, size) {
				files = append(files, path)
			}
			f.Close()
		}
	}
	rules := func(rel string) *sectionrt.RuleSet {
		rs, _ := sectionrt.RulesForRelease(rel)
		return rs
	}
	var r modfile.Reader
	for _, tc := range []struct {
		name string
		one  func(path string, f io.ReaderAt, size int64) bool
	}{
		{"Clean", func(_ string, f io.ReaderAt, size int64) bool { return Clean(&s, f, size) }},
		{"OpenFind", func(path string, _ io.ReaderAt, _ int64) bool {
			o, err := r.Open(path)
			if err != nil {
				return false
			}
			defer o.Close()
			sugg, err := Find(o)
			return err == nil && sugg == nil
		}},
		{"ScreenClean", func(_ string, f io.ReaderAt, size int64) bool { return s.Clean(f, size, rules) != nil }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				for _, path := range files {
					f, size, ok := modfile.OpenRaw(path)
					if !ok {
						b.Fatalf("%s: cannot open", path)
					}
					if !tc.one(path, f, size) {
						b.Fatalf("%s: not cleared", path)
					}
					f.Close()
				}
			}
			per := float64(b.N * len(files))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/module")
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/per, "cpu-ns/module")
		})
	}
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkScreenView times, per module of the installed 6.1 tree (all of
// them, seeded or not), the seed screen initsec suggest runs on every
// object: the view alone (View) and the view with the seed search
// (ScreenView), against opening and closing the file (Open), which both
// include. user-ns and sys-ns per module are the process's CPU times,
// steadier than wall time on a loaded machine:
// go test -bench ScreenView -run XXX ./suggest.
func BenchmarkScreenView(b *testing.B) {
	files := installedModules(b)
	var s sectionrt.Screen
	for _, tc := range []struct {
		name string
		one  func(f io.ReaderAt, size int64) bool
	}{
		{"Open", func(io.ReaderAt, int64) bool { return true }},
		{"View", func(f io.ReaderAt, size int64) bool { _, ok := s.View(f, size); return ok }},
		{"ScreenView", func(f io.ReaderAt, size int64) bool {
			v, ok := s.View(f, size)
			if !ok {
				return false
			}
			_, sd := ScreenView(v)
			sd.Release()
			return true
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			user0, sys0 := cpuTimes()
			for b.Loop() {
				for _, path := range files {
					f, size, ok := modfile.OpenRaw(path)
					if !ok {
						b.Fatalf("%s: cannot open", path)
					}
					if !tc.one(f, size) {
						b.Fatalf("%s: not viewed", path)
					}
					f.Close()
				}
			}
			user1, sys1 := cpuTimes()
			per := float64(b.N * len(files))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/module")
			b.ReportMetric(float64((user1-user0).Nanoseconds())/per, "user-ns/module")
			b.ReportMetric(float64((sys1-sys0).Nanoseconds())/per, "sys-ns/module")
		})
	}
}

// cpuTimes is the process's user and system time so far.
func cpuTimes() (user, sys time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}

// TestSeededFindOwnsNames: the suggestions Seeded.Find makes on a view's
// Object stay as they were once the Object's tables are given back to
// the view (RawView.Recycle) and the next view reads into them: their
// names are their own, not substrings of the recycled string table.
func TestSeededFindOwnsNames(t *testing.T) {
	rel, ok := kernels.FindRelease("6.1.")
	if !ok {
		testenv.SkipOrFail(t, "no installed 6.1 kernel with modules")
	}
	path := filepath.Join(rel.Tree, "kernel/arch/x86/events/intel/intel-uncore.ko")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := sectionrt.NewObject(bytes.NewReader(data), path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Find(o)
	if err != nil || len(want) == 0 {
		t.Fatalf("%s: Find: %d suggestions, error %v; want some", path, len(want), err)
	}
	var s sectionrt.Screen
	v, ok := s.View(bytes.NewReader(data), int64(len(data)))
	if !ok {
		t.Fatalf("%s: not viewed", path)
	}
	clean, sd := ScreenView(v)
	if clean || sd == nil {
		t.Fatalf("%s: ScreenView: clean %v, Seeded %v; want a Seeded", path, clean, sd)
	}
	vo, err := v.Object(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sd.Find(vo)
	if err != nil {
		t.Fatal(err)
	}
	v.Recycle(vo)
	// The same object with every name in upper case: the next view
	// reads it into the recycled table.
	upper := bytes.Clone(data)
	secs := o.SectionTable()
	strtab := secs[secs[slices.IndexFunc(secs, func(s sectionrt.Section) bool { return s.Type == elf.SHT_SYMTAB })].Link]
	copy(upper[strtab.Offset:], bytes.ToUpper(data[strtab.Offset:strtab.Offset+strtab.Size]))
	if _, ok := s.View(bytes.NewReader(upper), int64(len(upper))); !ok {
		t.Fatalf("%s in upper case: not viewed", path)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after Recycle and the next view, Seeded.Find's suggestions are\n%v\nwant\n%v", got, want)
	}
}

// TestCleanNullSymbol: a relocation may name symbol 0, which Open's table
// holds as the zero Symbol whatever its entry's bytes; the seed search on
// a view, which reads the entries, must too. nlmon.ko (no seed) with
// entry 0 a copy of nlmon_setup's (an eligible function) and its init
// code's first call (to __fentry__) naming symbol 0 has no seed still,
// and is cleared.
func TestCleanNullSymbol(t *testing.T) {
	rel, ok := kernels.FindRelease("6.1.")
	if !ok {
		testenv.SkipOrFail(t, "no installed 6.1 kernel with modules")
	}
	data, err := os.ReadFile(filepath.Join(rel.Tree, "kernel", "drivers", "net", "nlmon.ko"))
	if err != nil {
		t.Fatal(err)
	}
	var s sectionrt.Screen
	if c, u := cleanAgrees(t, &s, data, "nlmon.ko", true); !c || !u {
		t.Fatalf("nlmon.ko: cleared %v, unseeded %v; want both", c, u)
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	setup := slices.IndexFunc(syms, func(s elf.Symbol) bool { return s.Name == "nlmon_setup" }) + 1 // Symbols drops entry 0
	symtab, rela := f.Section(".symtab"), f.Section(".rela.init.text")
	if setup == 0 || symtab == nil || rela == nil {
		t.Fatal("nlmon.ko: no nlmon_setup, .symtab or .rela.init.text")
	}
	mut := slices.Clone(data)
	copy(mut[symtab.Offset:symtab.Offset+elf.Sym64Size], data[symtab.Offset+uint64(setup)*elf.Sym64Size:])
	info := mut[rela.Offset+8 : rela.Offset+16]
	if elf.R_X86_64(binary.LittleEndian.Uint64(info)&0xffffffff) != elf.R_X86_64_PLT32 {
		t.Fatal("nlmon.ko: the init code's first relocation is no call")
	}
	binary.LittleEndian.PutUint64(info, uint64(elf.R_X86_64_PLT32)) // symbol 0
	if c, u := cleanAgrees(t, &s, mut, "nlmon.ko, symbol 0 nlmon_setup's", true); !c || !u {
		t.Fatalf("nlmon.ko, symbol 0 nlmon_setup's and called: cleared %v, unseeded %v; want both", c, u)
	}
}
