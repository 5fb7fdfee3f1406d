package suggest

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/initsec/initsec/sectionrt"
)

// bigTextSource is an object whose .text is larger than minMapped: init
// code calls helper, which calls helper2 with a call the assembler
// resolved (no relocation), read from .text's bytes.
const bigTextSource = `
	.text
	.type helper2, @function
helper2:
	ret
	.size helper2, .-helper2
	.type helper, @function
helper:
	call helper2
	ret
	.size helper, .-helper
	.type pad, @function
pad:
	.skip 300000, 0xcc
	.size pad, .-pad
	.section .init.text,"ax",@progbits
	.globl init_module
	.type init_module, @function
init_module:
	call helper
	ret
	.size init_module, .-init_module
`

// bigText assembles bigTextSource and returns its path and the index of
// its .text.
func bigText(t *testing.T) (string, int) {
	t.Helper()
	path := assemble(t, bigTextSource)
	o := mustOpen(t, path)
	for _, s := range o.SectionTable() {
		if s.Name == ".text" {
			if s.Size < minMapped {
				t.Fatalf(".text is %d bytes, less than minMapped", s.Size)
			}
			return path, s.Index
		}
	}
	t.Fatal("no .text")
	return "", 0
}

// TestSectionDataMaps checks that a workspace maps a section of at least
// minMapped bytes only while a Find guards it, with the bytes a read
// gives, and unmaps it when released.
func TestSectionDataMaps(t *testing.T) {
	path, text := bigText(t)
	o := mustOpen(t, path)
	want, err := o.SectionData(text)
	if err != nil {
		t.Fatal(err)
	}
	w := new(workspace)
	if b, err := w.sectionData(o, text); err != nil || !bytes.Equal(b, want) || len(w.maps) != 0 {
		t.Fatalf("unguarded: err %v, same bytes %v, %d maps; want the bytes read, no map", err, bytes.Equal(b, want), len(w.maps))
	}
	w.release()
	var out []Suggestion
	was := w.guardMaps()
	b, err := w.sectionData(o, text)
	if err != nil || !bytes.Equal(b, want) || len(w.maps) != 1 || !w.maps[0].Contains(uintptrOf(b)) {
		t.Fatalf("guarded: err %v, same bytes %v, %d maps; want the bytes of one map", err, bytes.Equal(b, want), len(w.maps))
	}
	w.endGuard(o, was, &out, &err)
	w.release()
	if len(w.maps) != 0 || w.mapping {
		t.Errorf("after release: %d maps, mapping %v; want none", len(w.maps), w.mapping)
	}
}

// TestFindMapped checks Find on an object whose .text it maps: the call
// resolved in .text is read from the mapping, and the suggestions are
// those of the same object in memory.
func TestFindMapped(t *testing.T) {
	path, _ := bigText(t)
	got, err := Find(mustOpen(t, path))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range got {
		names = append(names, s.Symbol+":"+s.Kind)
	}
	if want := []string{"helper:init", "helper2:init"}; !reflect.DeepEqual(names, want) {
		t.Errorf("Find = %v, want %v", names, want)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inMemory, err := sectionrt.NewObjectBytes(data, path)
	if err != nil {
		t.Fatal(err)
	}
	if want, err := Find(inMemory); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Find on the file = %+v; in memory = %+v, %v", got, want, err)
	}
}

var sink byte

// TestMappedFaultIsError truncates the file of a mapped section and reads
// past its new end: the fault is an error naming the file, not a crash.
func TestMappedFaultIsError(t *testing.T) {
	path, text := bigText(t)
	o := mustOpen(t, path)
	w := new(workspace)
	defer w.release()
	var out []Suggestion
	var err error
	func() {
		defer w.endGuard(o, w.guardMaps(), &out, &err)
		b, err := w.sectionData(o, text)
		if err != nil || len(w.maps) != 1 {
			t.Fatalf("sectionData: %v, %d maps; want one map", err, len(w.maps))
		}
		if err := os.Truncate(path, 0); err != nil {
			t.Fatal(err)
		}
		sink = b[len(b)-1]
		t.Error("reading past the end of the truncated file did not fault")
	}()
	if err == nil || !strings.HasPrefix(err.Error(), path+": the file changed while it was read") {
		t.Errorf("err = %v; want the file changed while it was read, naming %s", err, path)
	}
}

func uintptrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }

// TestTakeBestFit: take hands out the smallest free table that holds the
// request (zeroed, of the length asked), grows the smallest when none
// does, and keeps every table for the next object.
func TestTakeBestFit(t *testing.T) {
	var w workspace
	big, small := w.bitset(1000), w.bitset(10)
	big[999], small[9] = 7, 7
	w.release()
	// By position, the first request (10 words) would take the 1000-word
	// table and the second (500) grow the 10-word one.
	a := w.bitset(10)
	b := w.bitset(500)
	if len(a) != 10 || cap(a) != 10 || &a[0] != &small[0] || a[9] != 0 {
		t.Errorf("bitset(10) = len %d cap %d, small table %v, a[9] %d; want the 10-word table, zeroed", len(a), cap(a), &a[0] == &small[0], a[9])
	}
	if len(b) != 500 || &b[0] != &big[0] || b[499] != 0 {
		t.Errorf("bitset(500) = len %d, big table %v; want the 1000-word table, zeroed", len(b), &b[0] == &big[0])
	}
	if c := w.bitset(20); len(c) != 20 || cap(c) != 20 || len(w.bitsets) != 3 {
		t.Errorf("bitset(20) with none free: len %d cap %d, %d tables; want a new 20-word table, 3 tables", len(c), cap(c), len(w.bitsets))
	}
	w.release()
	// None holds 2000: the smallest (10) is grown, the others kept.
	d := w.bitset(2000)
	caps := []int{cap(w.bitsets[0]), cap(w.bitsets[1]), cap(w.bitsets[2])}
	if len(d) != 2000 || !reflect.DeepEqual(caps, []int{2000, 1000, 20}) && !reflect.DeepEqual(caps, []int{2000, 20, 1000}) {
		t.Errorf("bitset(2000): len %d, tables' capacities %v; want 2000 and the 1000- and 20-word tables kept", len(d), caps)
	}
}

// TestScansGiveBack: the storage a scan takes (its bitset of starts, its
// table of low bits) goes back at giveBackScans, for the next scan to
// take again, while a graph's bitset (patched bytes) stays taken.
func TestScansGiveBack(t *testing.T) {
	var w workspace
	patched := w.bitset(100)
	m := w.markScans()
	near, low := w.nearSet(100), w.lowTable()
	w.giveBackScans(m)
	if near2, low2 := w.nearSet(50), w.lowTable(); &near2[0] != &near[0] || low2 != low {
		t.Errorf("a scan after giveBackScans got new storage (bitset %v, low table %v); want the last scan's", &near2[0] == &near[0], low2 == low)
	}
	if p := w.bitset(100); &p[0] == &patched[0] {
		t.Error("bitset handed out the patched bitset still taken")
	}
}
