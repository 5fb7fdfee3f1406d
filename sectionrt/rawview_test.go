package sectionrt

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/initsec/initsec/internal/dev/elfmut"
	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
)

// viewAgrees requires that when View reads data, Open, RelocSections and
// CheckSymbolExtents accept it and the view's tables, relocations and
// section bytes are the Object's, with EachRelocation failing on the same
// sections, and that the view's Object is Open's. It reports whether View
// read it.
func viewAgrees(t *testing.T, s *Screen, data []byte, what string) bool {
	_, _, ok := viewAgreesObjects(t, s, data, what)
	return ok
}

// viewAgreesObjects is viewAgrees returning the Objects compared: the
// view's and Open's.
func viewAgreesObjects(t *testing.T, s *Screen, data []byte, what string) (vo, o *Object, ok bool) {
	t.Helper()
	v, ok := s.View(bytes.NewReader(data), int64(len(data)))
	if !ok {
		return nil, nil, false
	}
	o, err := NewObject(bytes.NewReader(data), "x.ko")
	if err != nil {
		t.Fatalf("%s: viewed, but NewObject: %v", what, err)
	}
	rels, err := o.RelocSections()
	if err != nil {
		t.Fatalf("%s: viewed, but RelocSections: %v", what, err)
	}
	if err := o.CheckSymbolExtents(); err != nil {
		t.Fatalf("%s: viewed, but CheckSymbolExtents: %v", what, err)
	}
	if v.Machine() != o.Machine() {
		t.Fatalf("%s: view machine %v, Object %v", what, v.Machine(), o.Machine())
	}
	if !reflect.DeepEqual(v.SectionTable(), o.SectionTable()) {
		t.Fatalf("%s: the view's sections differ from the Object's", what)
	}
	nameIDsAgree(t, v, what)
	entriesAgree(t, v, o, what)
	// Named first, as package suggest's seed search asks a seeded view's
	// table (decoded with its names in one pass); then, of a new view of
	// the same bytes, unnamed first.
	if !reflect.DeepEqual(v.SymbolTable(), o.SymbolTable()) {
		t.Fatalf("%s: the view's symbols, named first, differ from the Object's:\n%s", what, firstSymbolDiff(v.SymbolTable(), o.SymbolTable()))
	}
	if v, ok = s.View(bytes.NewReader(data), int64(len(data))); !ok {
		t.Fatalf("%s: viewed once, not twice", what)
	}
	unnamedAgrees(t, v, o, what)
	if !reflect.DeepEqual(v.SymbolTable(), o.SymbolTable()) {
		t.Fatalf("%s: the view's symbols differ from the Object's:\n%s", what, firstSymbolDiff(v.SymbolTable(), o.SymbolTable()))
	}
	if !reflect.DeepEqual(v.RelocSections(), rels) && (len(rels) != 0 || len(v.RelocSections()) != 0) {
		t.Fatalf("%s: view relocation sections %v, Object %v", what, v.RelocSections(), rels)
	}
	dataAgrees(t, v, o, rels, what)
	// Again from what ReadAhead read of every section.
	all := make([]int, len(o.SectionTable()))
	for i := range all {
		all[i] = i
	}
	v.ReadAhead(all...)
	dataAgrees(t, v, o, rels, what+", read ahead")
	vo, err = v.Object("x.ko")
	if err != nil {
		t.Fatalf("%s: viewed, but RawView.Object: %v", what, err)
	}
	objectsAgree(t, vo, o, what)
	if _, err := v.Object("x.ko"); err == nil {
		t.Fatalf("%s: a spent view made a second Object", what)
	}
	return vo, o, true
}

// dataAgrees requires the view's relocations and section bytes to be the
// Object's, EachRelocation failing on the same sections.
func dataAgrees(t *testing.T, v *RawView, o *Object, rels []RelocSection, what string) {
	t.Helper()
	for _, rs := range rels {
		got, gerr := eachRelocation(v.EachRelocation, rs)
		want, werr := eachRelocation(o.EachRelocation, rs)
		if (gerr == nil) != (werr == nil) || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: relocation section %d: view %d entries, error %v; Object %d, error %v", what, rs.Index, len(got), gerr, len(want), werr)
		}
	}
	for i := range o.SectionTable() {
		got, gerr := v.SectionDataBuf(i, nil)
		want, werr := o.SectionData(i)
		if (gerr == nil) != (werr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("%s: section %d: view %d bytes, error %v; Object %d, error %v", what, i, len(got), gerr, len(want), werr)
		}
	}
}

// entriesAgree requires the view's symbol entries (SymbolEntries) to hold
// the Object's symbols: each field as the ELF64 entry gives it.
func entriesAgree(t *testing.T, v *RawView, o *Object, what string) {
	t.Helper()
	ents, want := v.SymbolEntries(), o.SymbolTable()
	if len(ents) != len(want)*elf.Sym64Size {
		t.Fatalf("%s: %d bytes of symbol entries, the Object has %d symbols", what, len(ents), len(want))
	}
	le := binary.LittleEndian
	for i, w := range want[1:] { // entry 0 as the file holds it; Symbol 0 is zero
		i++
		e := ents[i*elf.Sym64Size:]
		shndx := elf.SectionIndex(le.Uint16(e[6:]))
		if elf.ST_TYPE(e[4]) != w.Type || elf.ST_BIND(e[4]) != w.Bind || shndx != w.Shndx || int(shndx) != w.SectionIndex ||
			le.Uint64(e[8:]) != w.Value || le.Uint64(e[16:]) != w.Size || v.SymbolName(i) != w.Name {
			t.Fatalf("%s: symbol %d: entry % x, Object %+v", what, i, e[:elf.Sym64Size], w)
		}
	}
}

// metNames is every section name nameIDsAgree met, by its number.
var metNames = struct {
	sync.Mutex
	names map[int32]string
}{names: map[int32]string{}}

// nameIDsAgree requires the view's SectionNameIDs to number each name as
// every view before did, and no two names alike.
func nameIDsAgree(t *testing.T, v *RawView, what string) {
	t.Helper()
	ids := v.SectionNameIDs()
	if len(ids) != len(v.SectionTable()) {
		t.Fatalf("%s: %d name numbers for %d sections", what, len(ids), len(v.SectionTable()))
	}
	metNames.Lock()
	defer metNames.Unlock()
	for i, sec := range v.SectionTable() {
		if ids[i] < 0 {
			t.Fatalf("%s: section %d (%q) has no name number", what, i, sec.Name)
		}
		if n, ok := metNames.names[ids[i]]; ok && n != sec.Name {
			t.Fatalf("%s: section %d (%q) has number %d, which %q had", what, i, sec.Name, ids[i], n)
		}
		metNames.names[ids[i]] = sec.Name
	}
}

// unnamedAgrees requires the view's table before SymbolTable names it
// (Symbols) to be the Object's with every Name empty, and SymbolName,
// SymbolNamePrefix and SymbolNamed to give each symbol's Name, its first
// eight bytes and Named.
func unnamedAgrees(t *testing.T, v *RawView, o *Object, what string) {
	t.Helper()
	syms, want := v.Symbols(), o.SymbolTable()
	if len(syms) != len(want) {
		t.Fatalf("%s: the view has %d symbols, the Object %d", what, len(syms), len(want))
	}
	for i := range want {
		w := want[i]
		w.Name = ""
		if syms[i] != w {
			t.Fatalf("%s: symbol %d unnamed: view %+v\n          Object %+v", what, i, syms[i], w)
		}
		if got := v.SymbolName(i); got != want[i].Name {
			t.Fatalf("%s: SymbolName(%d) = %q, Object %q", what, i, got, want[i].Name)
		}
		var prefix [8]byte
		copy(prefix[:], want[i].Name)
		if got, want := v.SymbolNamePrefix(i), binary.LittleEndian.Uint64(prefix[:]); got != want {
			t.Fatalf("%s: SymbolNamePrefix(%d) = %#x, want %#x", what, i, got, want)
		}
		if got := v.SymbolNamed(i); got != want[i].Named() {
			t.Fatalf("%s: SymbolNamed(%d) = %v, Object's %q: %v", what, i, got, want[i].Name, want[i].Named())
		}
		for _, b := range []string{baseName(want[i].Name), baseName(want[max(i, 1)-1].Name), "", "x"} {
			if got, want := v.SymbolHasBase(i, b), baseName(want[i].Name) == b; got != want {
				t.Fatalf("%s: SymbolHasBase(%d, %q) = %v, want %v", what, i, b, got, want)
			}
		}
	}
}

// objectsAgree requires the Object a view made to be the one Open made:
// the same header, tables, .modinfo, relocations and section bytes.
func objectsAgree(t *testing.T, vo, o *Object, what string) {
	t.Helper()
	if vo.f.FileHeader != o.f.FileHeader {
		t.Fatalf("%s: view Object header %+v, Open's %+v", what, vo.f.FileHeader, o.f.FileHeader)
	}
	if !reflect.DeepEqual(vo.Sections(), o.Sections()) || !reflect.DeepEqual(vo.Symbols(), o.Symbols()) || vo.symtabIdx != o.symtabIdx {
		t.Fatalf("%s: view Object tables differ from Open's", what)
	}
	if vo.LoadModInfo() != nil || vo.CheckSymbolExtents() != nil {
		t.Fatalf("%s: view Object LoadModInfo %v, CheckSymbolExtents %v", what, vo.LoadModInfo(), vo.CheckSymbolExtents())
	}
	if !reflect.DeepEqual(vo.ModInfo(), o.ModInfo()) || vo.KernelRelease() != o.KernelRelease() {
		t.Fatalf("%s: view Object .modinfo %v, Open's %v", what, vo.ModInfo(), o.ModInfo())
	}
	vrels, verr := vo.RelocSections()
	rels, err := o.RelocSections()
	if !reflect.DeepEqual(vrels, rels) || (verr == nil) != (err == nil) {
		t.Fatalf("%s: view Object RelocSections %v, %v; Open's %v, %v", what, vrels, verr, rels, err)
	}
	for _, rs := range rels {
		got, gerr := vo.Relocations(rs)
		want, werr := o.Relocations(rs)
		if !reflect.DeepEqual(got, want) || (gerr == nil) != (werr == nil) {
			t.Fatalf("%s: view Object relocation section %d differs: error %v, Open's %v", what, rs.Index, gerr, werr)
		}
	}
	for i := range o.SectionTable() {
		got, gerr := vo.SectionData(i)
		want, werr := o.SectionData(i)
		if !bytes.Equal(got, want) || (gerr == nil) != (werr == nil) {
			t.Fatalf("%s: view Object section %d differs: error %v, Open's %v", what, i, gerr, werr)
		}
	}
}

// eachRelocation collects what each gives for rs.
func eachRelocation(each func(RelocSection, func(Relocation) bool) error, rs RelocSection) ([]Relocation, error) {
	var out []Relocation
	err := each(rs, func(r Relocation) bool { out = append(out, r); return true })
	return out, err
}

// firstSymbolDiff describes the first symbol that differs.
func firstSymbolDiff(a, b []Symbol) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("symbol %d: view %+v\n          Object %+v", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("view %d symbols, Object %d", len(a), len(b))
}

// TestRawViewFixtures: a small object is viewed as Open reads it; a
// truncated one, one with SHT_REL and one whose relocation section names
// another symbol table are not.
func TestRawViewFixtures(t *testing.T) {
	var s Screen
	small := smallObject(t)
	if !viewAgrees(t, &s, small, "small.o") {
		t.Fatal("small.o not viewed")
	}
	// The Object of a view that nothing asked for its symbol table.
	v, ok := s.View(bytes.NewReader(small), int64(len(small)))
	if !ok {
		t.Fatal("small.o not viewed again")
	}
	vo, err := v.Object("x.ko")
	if err != nil {
		t.Fatal(err)
	}
	open, err := NewObject(bytes.NewReader(small), "x.ko")
	if err != nil {
		t.Fatal(err)
	}
	objectsAgree(t, vo, open, "small.o, its view's Object made first")
	for _, n := range []int{0, 63, 64, len(small) - 1} {
		if _, ok := s.View(bytes.NewReader(small[:n]), int64(n)); ok {
			t.Errorf("small.o truncated to %d bytes viewed", n)
		}
	}
	o, err := NewObject(bytes.NewReader(small), "small.o")
	if err != nil {
		t.Fatal(err)
	}
	shoff := int(le64(small[0x28:]))
	for _, sec := range o.SectionTable() {
		if sec.Type != elf.SHT_RELA {
			continue
		}
		hdr := shoff + 64*sec.Index
		rel := bytes.Clone(small)
		rel[hdr+4] = byte(elf.SHT_REL) // sh_type
		if _, ok := s.View(bytes.NewReader(rel), int64(len(rel))); ok {
			t.Errorf("%s made SHT_REL: viewed", sec.Name)
		}
		link := bytes.Clone(small)
		link[hdr+40] = byte(sec.Index) // sh_link: itself, not the symbol table
		if _, ok := s.View(bytes.NewReader(link), int64(len(link))); ok {
			t.Errorf("%s linked to section %d: viewed", sec.Name, sec.Index)
		}
	}
}

// TestRawViewInstalled: every installed 6.1 module is viewed, as Open
// reads it.
func TestRawViewInstalled(t *testing.T) {
	rel, ok := kernels.FindRelease("6.1.")
	if !ok {
		testenv.SkipOrFail(t, "no installed 6.1 kernel with modules and headers")
	}
	var s Screen
	n, viewed := 0, 0
	var prev, prevOpen *Object
	err := filepath.WalkDir(filepath.Join(rel.Tree, "kernel"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".ko") || (testing.Short() && n >= 400) {
			return err
		}
		n++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		vo, o, ok := viewAgreesObjects(t, &s, data, p)
		if ok {
			viewed++
		}
		if prev != nil && !reflect.DeepEqual(prev.Symbols(), prevOpen.Symbols()) {
			// The view's buffers were reused for p: the last Object's
			// names must not have been.
			t.Fatalf("%s: the view's Object changed when the Screen read the next object", prev.Name())
		}
		prev, prevOpen = vo, o
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d modules, %d viewed", n, viewed)
	if viewed != n {
		t.Errorf("%d of %d well-formed modules not viewed", n-viewed, n)
	}
}

// TestRawViewRecycle: a view's Object, given back with Recycle, lends its
// tables and its string table to the next view, which still reads every
// object as Open does; the Object's names are the view's string table,
// not a copy of it.
func TestRawViewRecycle(t *testing.T) {
	rel, ok := kernels.FindRelease("6.1.")
	if !ok {
		testenv.SkipOrFail(t, "no installed 6.1 kernel with modules and headers")
	}
	files, err := filepath.Glob(filepath.Join(rel.Tree, "kernel", "fs", "*", "*.ko"))
	if err != nil || len(files) < 10 {
		t.Fatalf("%d modules under fs/, error %v", len(files), err)
	}
	var s Screen
	var lent []Symbol
	var lentBuf []byte
	reused, reusedBuf := 0, 0
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		vo, o, ok := viewAgreesObjects(t, &s, data, p)
		if !ok {
			t.Fatalf("%s: not viewed", p)
		}
		if lent != nil && cap(lent) >= len(o.SymbolTable()) {
			if &vo.syms[:1][0] != &lent[:1][0] {
				t.Fatalf("%s: the view did not fill the recycled symbol table", p)
			}
			reused++
		}
		if lentBuf != nil && cap(lentBuf) >= len(vo.viewBuf) {
			if &vo.viewBuf[:1][0] != &lentBuf[:1][0] {
				t.Fatalf("%s: the view did not read into the recycled buffer", p)
			}
			reusedBuf++
		}
		for _, sym := range vo.syms[1:] {
			if sym.Name != "" && !inBuffer(sym.Name, vo.viewBuf) {
				t.Fatalf("%s: symbol %d's name %q is not in the view's buffer", p, sym.Index, sym.Name)
			}
		}
		lent, lentBuf = vo.syms, vo.viewBuf
		s.view.Recycle(vo)
		if vo.syms != nil || vo.sections != nil || vo.viewBuf != nil {
			t.Fatalf("%s: Recycle left the Object its tables", p)
		}
	}
	t.Logf("%d modules, %d views filled a recycled table, %d read into a recycled buffer", len(files), reused, reusedBuf)
	if reused == 0 || reusedBuf == 0 {
		t.Error("no view filled a recycled table or buffer")
	}
}

// TestRawViewModInfoLate: a view's Object reads .modinfo on first use,
// not when it is made: a read of it that fails then is LoadModInfo's
// *FormatError, and ModInfo and Vermagic answer as for none.
func TestRawViewModInfoLate(t *testing.T) {
	rel, ok := kernels.FindRelease("6.1.")
	if !ok {
		testenv.SkipOrFail(t, "no installed 6.1 kernel with modules and headers")
	}
	files, err := filepath.Glob(filepath.Join(rel.Tree, "kernel", "fs", "*", "*.ko"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no module under fs/, error %v", err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewObject(bytes.NewReader(data), files[0])
	if err != nil || o.Vermagic() == "" {
		t.Fatalf("%s: Open %v, vermagic %q", files[0], err, o.Vermagic())
	}
	info := o.SectionTable()[slices.IndexFunc(o.SectionTable(), func(s Section) bool { return s.Name == ".modinfo" })]
	r := &failAt{r: bytes.NewReader(data), off: int64(info.Offset)}
	var s Screen
	v, ok := s.View(r, int64(len(data)))
	if !ok {
		t.Fatalf("%s: not viewed", files[0])
	}
	vo, err := v.Object(files[0])
	if err != nil {
		t.Fatalf("%s: Object: %v (it must not read .modinfo)", files[0], err)
	}
	r.fail = true
	var fe *FormatError
	if err := vo.LoadModInfo(); !errors.As(err, &fe) {
		t.Fatalf("%s: LoadModInfo = %v, want a *FormatError", files[0], err)
	}
	if vo.Vermagic() != "" || vo.ModInfo() != nil {
		t.Errorf("%s: after a failed read, Vermagic %q, ModInfo %v; want none", files[0], vo.Vermagic(), vo.ModInfo())
	}
}

// countReads counts the calls to ReadAt.
type countReads struct {
	r *bytes.Reader
	n int
}

func (c *countReads) ReadAt(b []byte, off int64) (int, error) {
	c.n++
	return c.r.ReadAt(b, off)
}

// TestRawViewReadAhead: of a file View does not read whole, ReadAhead
// reads sections side by side with one call, after which the view reads
// none of them again; a section alone is not read ahead, but when asked
// for.
func TestRawViewReadAhead(t *testing.T) {
	// small.o, padded past what View reads whole: the bytes after the
	// section headers belong to no section.
	small := smallObject(t)
	if len(small) > maxWholeView {
		t.Fatalf("small.o is %d bytes, more than maxWholeView (%d)", len(small), maxWholeView)
	}
	small = append(small, make([]byte, maxWholeView+1-len(small))...)
	o, err := NewObject(bytes.NewReader(small), "small.o")
	if err != nil {
		t.Fatal(err)
	}
	rels, err := o.RelocSections()
	if err != nil || len(rels) == 0 {
		t.Fatalf("small.o: relocation sections %v, error %v; want some", rels, err)
	}
	var s Screen
	r := &countReads{r: bytes.NewReader(small)}
	v, ok := s.View(r, int64(len(small)))
	if !ok {
		t.Fatal("small.o not viewed")
	}
	// Every section with data: small.o's lie side by side, in 64 KiB.
	var all []int
	for _, sec := range o.SectionTable() {
		if sec.Type != elf.SHT_NOBITS && sec.Size > 0 {
			all = append(all, sec.Index)
		}
	}
	r.n = 0
	v.ReadAhead(all...)
	if r.n != 1 {
		t.Fatalf("ReadAhead of small.o's %d sections with data: %d calls to ReadAt, want 1", len(all), r.n)
	}
	for _, rs := range rels {
		if _, err := eachRelocation(v.EachRelocation, rs); err != nil {
			t.Fatal(err)
		}
	}
	for _, i := range all {
		if _, err := v.SectionDataBuf(i, nil); err != nil {
			t.Fatal(err)
		}
	}
	if r.n != 1 {
		t.Fatalf("reading the sections read ahead: %d more calls to ReadAt, want none", r.n-1)
	}
	// One section alone is left to be read when asked for.
	if v, ok = s.View(r, int64(len(small))); !ok {
		t.Fatal("small.o not viewed again")
	}
	r.n = 0
	v.ReadAhead(rels[0].Index)
	if _, err := eachRelocation(v.EachRelocation, rels[0]); err != nil || r.n != 1 {
		t.Fatalf("one section read ahead, then its relocations: %d calls to ReadAt, error %v; want 1, nil", r.n, err)
	}
}

// TestRawViewWhole: View reads a file of at most maxWholeView bytes with
// one call to ReadAt, and neither the view (ReadAhead, EachRelocation,
// SectionDataBuf) nor its Object (relocations, section bytes, .modinfo)
// calls it again; one byte more, and it reads the parts it needs. A
// whole read that fails, or comes short of the size given, is no view.
func TestRawViewWhole(t *testing.T) {
	small := smallObject(t)
	if len(small) > maxWholeView {
		t.Fatalf("small.o is %d bytes, more than maxWholeView (%d)", len(small), maxWholeView)
	}
	want, err := NewObject(bytes.NewReader(small), "small.o")
	if err != nil {
		t.Fatal(err)
	}
	rels, err := want.RelocSections()
	if err != nil || len(rels) == 0 {
		t.Fatalf("small.o: relocation sections %v, error %v; want some", rels, err)
	}
	var s Screen
	r := &countReads{r: bytes.NewReader(small)}
	v, ok := s.View(r, int64(len(small)))
	if !ok || r.n != 1 {
		t.Fatalf("View of small.o (%d bytes): viewed %v with %d calls to ReadAt; want true with 1", len(small), ok, r.n)
	}
	all := make([]int, len(want.SectionTable()))
	for i := range all {
		all[i] = i
	}
	v.ReadAhead(all...)
	dataAgrees(t, v, want, rels, "small.o, whole")
	vo, err := v.Object("small.o")
	if err != nil {
		t.Fatal(err)
	}
	objectsAgree(t, vo, want, "small.o, whole")
	for _, rs := range rels {
		if _, err := eachRelocation(vo.EachRelocation, rs); err != nil {
			t.Fatal(err)
		}
	}
	for i := range vo.SectionTable() {
		if _, err := vo.SectionData(i); err != nil {
			t.Fatal(err)
		}
	}
	if err := vo.LoadModInfo(); err != nil {
		t.Fatal(err)
	}
	if r.n != 1 {
		t.Fatalf("small.o, read whole: %d more calls to ReadAt after View's, want none", r.n-1)
	}
	s.view.Recycle(vo)

	padded := append(slices.Clip(small), make([]byte, maxWholeView+1-len(small))...)
	r = &countReads{r: bytes.NewReader(padded)}
	if _, ok := s.View(r, int64(len(padded))); !ok || r.n < 3 {
		t.Fatalf("View of small.o padded to %d bytes: viewed %v with %d calls to ReadAt; want true with the header's, the section headers' and the symbol table's", len(padded), ok, r.n)
	}
	r = &countReads{r: bytes.NewReader(small[:len(small)-1])}
	if _, ok := s.View(r, int64(len(small))); ok || r.n != 1 {
		t.Fatalf("View of small.o with its last byte missing: viewed %v with %d calls to ReadAt; want false with 1", ok, r.n)
	}
	if _, ok := s.View(&failAt{r: bytes.NewReader(small), fail: true}, int64(len(small))); ok {
		t.Fatal("View of small.o whose read fails: viewed")
	}
}

// failAt is a reader whose reads at off fail once fail is set.
type failAt struct {
	r    *bytes.Reader
	off  int64
	fail bool
}

func (f *failAt) ReadAt(b []byte, off int64) (int, error) {
	if f.fail && off == f.off {
		return 0, errors.New("failAt: read error")
	}
	return f.r.ReadAt(b, off)
}

// inBuffer reports whether s's bytes lie in b's storage.
func inBuffer(s string, b []byte) bool {
	if len(b) == 0 {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(&b[:1][0]))
	return p >= lo && p+uintptr(len(s)) <= lo+uintptr(cap(b))
}

// TestRawViewAgrees corrupts objects where the view reads (ELF header,
// section headers, symbol entries and names, relocation entries) and
// requires every object View reads to be one Open reads the same.
func TestRawViewAgrees(t *testing.T) {
	bases := [][]byte{smallObject(t)}
	if rel, ok := kernels.FindRelease("6.1."); ok {
		for _, m := range []string{"drivers/net/dummy.ko", "fs/fat/vfat.ko", "fs/ext4/ext4.ko"} {
			if b, err := os.ReadFile(filepath.Join(rel.Tree, "kernel", m)); err == nil {
				bases = append(bases, b)
			}
		}
	}
	iters := 2000
	if testing.Short() {
		iters = 200
	}
	var s Screen
	rng := rand.New(rand.NewPCG(13, 2))
	for bi, base := range bases {
		regions, err := elfmut.TableRegions(base)
		if err != nil {
			t.Fatal(err)
		}
		n := iters
		if len(base) > 1<<20 {
			n = iters / 10 // ext4: each comparison takes milliseconds
		}
		viewed := 0
		for range n {
			if viewAgrees(t, &s, elfmut.Mutate(rng, base, regions), "mutant") {
				viewed++
			}
		}
		t.Logf("base %d (%d bytes): %d of %d mutants viewed", bi, len(base), viewed, n)
	}
}

// FuzzRawView: an object View reads is one Open reads the same.
func FuzzRawView(f *testing.F) {
	f.Add(smallObject(f))
	var s Screen
	f.Fuzz(func(t *testing.T, data []byte) {
		viewAgrees(t, &s, data, "fuzz")
	})
}

// TestRawViewErrors: EachRelocation and SectionDataBuf of a section the
// view has not (an index out of range, a section that is not RELA) are
// errors, not panics.
func TestRawViewErrors(t *testing.T) {
	var s Screen
	small := smallObject(t)
	v, ok := s.View(bytes.NewReader(small), int64(len(small)))
	if !ok {
		t.Fatal("small.o not viewed")
	}
	n := len(v.SectionTable())
	for _, rs := range []RelocSection{{Index: 0}, {Index: -1}, {Index: n}, {Index: 1}} {
		if err := v.EachRelocation(rs, func(Relocation) bool { return true }); !errors.Is(err, errRawView) {
			t.Errorf("EachRelocation(%+v) = %v, want errRawView", rs, err)
		}
	}
	for _, i := range []int{-1, n} {
		if _, err := v.SectionDataBuf(i, nil); !errors.Is(err, errRawView) {
			t.Errorf("SectionDataBuf(%d) = %v, want errRawView", i, err)
		}
	}
}

// TestRawViewNames: names the string table does not hold — an offset at
// or past its end, the last name without its NUL — are "" in the view as
// in the Object, and not errors; SymbolNamed agrees with Named.
func TestRawViewNames(t *testing.T) {
	var s Screen
	small := smallObject(t)
	o, err := NewObject(bytes.NewReader(small), "small.o")
	if err != nil {
		t.Fatal(err)
	}
	var symtab, strtab Section
	for _, sec := range o.SectionTable() {
		if sec.Type == elf.SHT_SYMTAB {
			symtab, strtab = sec, o.SectionTable()[sec.Link]
		}
	}
	n := int(symtab.Size / elf.Sym64Size)
	setNames := func(off uint32) []byte {
		d := bytes.Clone(small)
		for i := 1; i < n; i++ {
			e := int(symtab.Offset) + i*elf.Sym64Size
			d[e], d[e+1], d[e+2], d[e+3] = byte(off), byte(off>>8), byte(off>>16), byte(off>>24)
		}
		return d
	}
	unnamed := func(o *Object) (k int) {
		for _, sym := range o.SymbolTable()[1:] {
			if sym.Name == "" {
				k++
			}
		}
		return k
	}
	unterminated := bytes.Clone(small)
	unterminated[strtab.Offset+strtab.Size-1] = 'x'
	for _, tc := range []struct {
		what    string
		data    []byte
		unnamed int // how many symbols have no name
	}{
		{"every name at the table's end", setNames(uint32(strtab.Size)), n - 1},
		{"every name at 0xffffffff", setNames(^uint32(0)), n - 1},
		{"every name at the last byte, a NUL", setNames(uint32(strtab.Size - 1)), n - 1},
		{"the last name without its NUL", unterminated, unnamed(o) + 1},
	} {
		vo, _, ok := viewAgreesObjects(t, &s, tc.data, tc.what)
		if !ok {
			t.Fatalf("%s: not viewed", tc.what)
		}
		if got := unnamed(vo); got != tc.unnamed {
			t.Errorf("%s: %d symbols without a name, want %d", tc.what, got, tc.unnamed)
		}
	}
}

// TestRawViewKeepsHugeTables: the tables of Debian 6.1's largest module
// (amdgpu.ko, 26,032 symbols), given back with Recycle, are what the
// next view fills, not left to the collector for the next object to grow
// new ones.
func TestRawViewKeepsHugeTables(t *testing.T) {
	rel, ok := kernels.FindRelease("6.1.")
	if !ok {
		testenv.SkipOrFail(t, "no installed 6.1 kernel with modules and headers")
	}
	var s Screen
	var lent []Symbol
	var lentBuf []byte
	for _, p := range []string{"drivers/gpu/drm/amd/amdgpu/amdgpu.ko", "drivers/net/dummy.ko"} {
		p = filepath.Join(rel.Tree, "kernel", p)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		vo, _, ok := viewAgreesObjects(t, &s, data, p)
		if !ok {
			t.Fatalf("%s: not viewed", p)
		}
		if lent == nil {
			if n := len(vo.syms); n < 20000 {
				t.Fatalf("%s: %d symbols; want the largest module's table (over 20,000)", p, n)
			}
		} else if &vo.syms[:1][0] != &lent[:1][0] || &vo.viewBuf[:1][0] != &lentBuf[:1][0] {
			t.Errorf("%s: the view did not fill the huge module's tables (symbols %v, buffer %v)", p,
				&vo.syms[:1][0] == &lent[:1][0], &vo.viewBuf[:1][0] == &lentBuf[:1][0])
		}
		lent, lentBuf = vo.syms, vo.viewBuf
		s.view.Recycle(vo)
	}
}
