package sectionrt

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func symbolNames(syms []Symbol) []string {
	var out []string
	for _, s := range syms {
		out = append(out, s.Name)
	}
	return out
}

func findSymbol(t *testing.T, o *Object, name string) Symbol {
	t.Helper()
	for _, s := range o.Symbols() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("%s: no symbol %s in %v", o.Name(), name, symbolNames(o.Symbols()))
	return Symbol{}
}

func TestOpenSmallObject(t *testing.T) {
	path := compileC(t, "small.c", smallSource)
	o := mustOpen(t, path)
	if o.Name() != path {
		t.Errorf("Name() = %q, want %q", o.Name(), path)
	}
	if want, ok := hostMachine[runtime.GOARCH]; ok && o.Machine() != want {
		t.Errorf("Machine() = %v, want %v", o.Machine(), want)
	}
	if o.Type() != elf.ET_REL {
		t.Errorf("Type() = %v, want ET_REL", o.Type())
	}
	secs := o.Sections()
	if secs[0].Type != elf.SHT_NULL {
		t.Errorf("Sections()[0] = %+v, want the null section", secs[0])
	}
	for i, s := range secs {
		if s.Index != i {
			t.Errorf("Sections()[%d].Index = %d", i, s.Index)
		}
	}
	syms := o.Symbols()
	for i, s := range syms {
		if s.Index != i+1 {
			t.Errorf("Symbols()[%d].Index = %d, want %d", i, s.Index, i+1)
		}
		if s.Defined() && secs[s.SectionIndex].Name != s.Section {
			t.Errorf("%s: Section %q but section %d is %q", s.Name, s.Section, s.SectionIndex, secs[s.SectionIndex].Name)
		}
	}
	for name, want := range map[string]string{
		"small_init": ".init.text", "init_module": ".init.text",
		"small_exit": ".exit.text", "cleanup_module": ".exit.text",
		"tbl": ".init.rodata", "cnt": ".init.data",
	} {
		if s := findSymbol(t, o, name); s.Section != want {
			t.Errorf("%s in %q, want %q", name, s.Section, want)
		}
	}
	if s := findSymbol(t, o, "small_init"); s.File != "small.c" || s.Bind != elf.STB_LOCAL || s.Type != elf.STT_FUNC {
		t.Errorf("small_init = %+v, want local FUNC from small.c", s)
	}
	if s := findSymbol(t, o, "init_module"); s.File != "" || s.Bind != elf.STB_GLOBAL {
		t.Errorf("init_module = %+v, want global with no File", s)
	}
	if s := findSymbol(t, o, "ext"); s.Section != "" || s.SectionIndex != int(elf.SHN_UNDEF) || s.Defined() {
		t.Errorf("ext = %+v, want undefined", s)
	}
	if s := findSymbol(t, o, "small.c"); s.Type != elf.STT_FILE || s.SectionIndex != int(elf.SHN_ABS) || s.Section != "" {
		t.Errorf("small.c = %+v, want FILE in SHN_ABS", s)
	}

	// Symbols and Sections return copies.
	syms[0].Name = "changed"
	secs[1].Name = "changed"
	if o.Symbols()[0].Name == "changed" || o.Sections()[1].Name == "changed" {
		t.Error("Symbols/Sections expose internal state")
	}

	if got := o.Vermagic(); got != "6.1.0-56-amd64 SMP preempt mod_unload modversions" {
		t.Errorf("Vermagic() = %q", got)
	}
	if got := o.KernelRelease(); got != "6.1.0-56-amd64" {
		t.Errorf("KernelRelease() = %q", got)
	}
	if got := o.ModInfo()["license"]; !slices.Equal(got, []string{"GPL"}) {
		t.Errorf("ModInfo()[license] = %q", got)
	}
	if err := o.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := o.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestNewObjectMirrorsOpen(t *testing.T) {
	path := compileC(t, "small.c", smallSource)
	data := readFile(t, path)
	a := mustOpen(t, path)
	for _, r := range []struct {
		name string
		ra   interface {
			ReadAt([]byte, int64) (int, error)
		}
	}{
		{"bytes.Reader", bytes.NewReader(data)},
		{"unsized", unsized{bytes.NewReader(data)}},
	} {
		b, err := NewObject(r.ra, "small.o")
		if err != nil {
			t.Fatalf("%s: NewObject: %v", r.name, err)
		}
		if b.Name() != "small.o" {
			t.Errorf("%s: Name() = %q", r.name, b.Name())
		}
		if fmt.Sprint(a.Symbols()) != fmt.Sprint(b.Symbols()) || fmt.Sprint(a.Sections()) != fmt.Sprint(b.Sections()) {
			t.Errorf("%s: NewObject and Open disagree", r.name)
		}
		b.Close()
	}
}

// unsized hides a reader's Size method, so that NewObject cannot know the
// file size and must probe extents.
type unsized struct{ r *bytes.Reader }

func (u unsized) ReadAt(p []byte, off int64) (int, error) { return u.r.ReadAt(p, off) }

func TestLookupClones(t *testing.T) {
	// gcc 12 -O2 turns scale (always called with k=3) into
	// scale.constprop.0, keeping its section, and names the function-local
	// static cnt "cnt.0".
	src := `
#define __sect(s) __attribute__((section(s)))
extern void ext(int);
static __attribute__((noinline)) __sect(".init.text") int scale(int x, int k) { ext(k); return x * k + (x >> k); }
__sect(".init.text") int use1(int a) { return scale(a, 3); }
__sect(".init.text") int use2(int a) { return scale(a + 1, 3); }
int cnt __sect(".init.data") = 1;
int bump(void) { static int cnt; return ++cnt; }
`
	o := mustOpen(t, compileC(t, "clones.c", src))
	got := o.Lookup("scale")
	if len(got) != 1 || got[0].Name != "scale.constprop.0" || got[0].Section != ".init.text" {
		t.Errorf("Lookup(scale) = %+v, want scale.constprop.0 in .init.text", got)
	}
	if got := symbolNames(o.Lookup("cnt")); !slices.Equal(got, []string{"cnt.0", "cnt"}) {
		t.Errorf("Lookup(cnt) = %q, want [cnt.0 cnt]", got)
	}
	if got := o.Lookup("clones"); len(got) != 0 {
		t.Errorf("Lookup(clones) = %+v, want nothing (the FILE symbol clones.c is not a clone)", got)
	}
	if got := o.Lookup("sca"); len(got) != 0 {
		t.Errorf("Lookup(sca) = %+v, want nothing", got)
	}
	if got := o.Lookup(""); len(got) != 0 {
		t.Errorf("Lookup(\"\") = %+v, want nothing", got)
	}
	if got := symbolNames(o.Lookup("scale.constprop.0")); !slices.Equal(got, []string{"scale.constprop.0"}) {
		t.Errorf("Lookup(scale.constprop.0) = %q", got)
	}
}

var hostMachine = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}

func TestObject32(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("builds an i386 object with gcc -m32, which needs an x86 gcc")
	}
	path := compileC(t, "m32.c", `int x __attribute__((section(".init.data"))) = 1; int f(void) { return x; }`, "-m32")
	o := mustOpen(t, path)
	if o.Machine() != elf.EM_386 {
		t.Errorf("Machine() = %v, want EM_386", o.Machine())
	}
	if s := findSymbol(t, o, "x"); s.Section != ".init.data" || s.Size != 4 {
		t.Errorf("x = %+v", s)
	}
	if fs := CheckPlacement(o, Manifest{Entries: []Expectation{{Symbol: "x", Section: ".init.data", Size: 4}}}); len(fs) != 0 {
		t.Errorf("findings: %v", fs)
	}
}

// TestXIndex builds an object with more than 0xff00 sections, so that the
// section header count lives in section 0 and symbols in high sections use
// SHN_XINDEX with .symtab_shndx. debug/elf leaves those unresolved.
func TestXIndex(t *testing.T) {
	const n = 65300
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, ".section .s%d,\"a\"\n", i)
	}
	b.WriteString(`.section .init.text,"ax"
.globl xsym
.type xsym,@function
xsym: ret
.size xsym,1
.section .init.rodata,"a"
.type xlocal,@object
xlocal: .byte 1
.size xlocal,1
`)
	path := assemble(t, b.String())
	o := mustOpen(t, path)
	secs := o.Sections()
	if len(secs) <= n {
		t.Fatalf("%d sections, want more than %d", len(secs), n)
	}
	for name, want := range map[string]string{"xsym": ".init.text", "xlocal": ".init.rodata"} {
		s := findSymbol(t, o, name)
		if s.Section != want || s.SectionIndex < int(elf.SHN_LORESERVE) || secs[s.SectionIndex].Name != want {
			t.Errorf("%s = %+v, want in %s at an index >= 0xff00", name, s, want)
		}
	}
	m := Manifest{Entries: []Expectation{
		{Symbol: "xsym", Section: ".init.text", Size: 1},
		{Symbol: "xlocal", Section: ".init.data", Kind: "initdata"},
	}}
	fs := CheckPlacement(o, m)
	if len(fs) != 1 || fs[0].Rule != RuleWrongSection || fs[0].Actual != ".init.rodata" {
		t.Errorf("findings = %v, want one wrong-section for xlocal", fs)
	}

	// Corrupt the .symtab_shndx entry of xsym, then remove the table.
	data := readFile(t, path)
	var shndx Section
	for _, s := range secs {
		if s.Type == elf.SHT_SYMTAB_SHNDX {
			shndx = s
		}
	}
	x := findSymbol(t, o, "xsym")
	bad := bytes.Clone(data)
	putU32(bad[shndx.Offset+uint64(4*x.Index):], 0xfffffff0)
	wantErr(t, bad, "extended section index 4294967280 out of range")

	bad = bytes.Clone(data)
	shoff := le64(data[0x28:])
	putU32(bad[shoff+uint64(shndx.Index)*64+4:], uint32(elf.SHT_PROGBITS))
	wantErr(t, bad, "SHN_XINDEX but there is no .symtab_shndx section")
}

func wantErr(t *testing.T, data []byte, substr string) {
	t.Helper()
	o, err := NewObject(bytes.NewReader(data), "bad.o")
	if err == nil {
		o.Close()
		t.Fatalf("NewObject succeeded, want an error containing %q", substr)
	}
	if !strings.HasPrefix(err.Error(), "bad.o: ") || !strings.Contains(err.Error(), substr) {
		t.Fatalf("error %q, want one starting with \"bad.o: \" and containing %q", err, substr)
	}
}

func le64(b []byte) uint64 {
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

func putU16(b []byte, v uint16) { b[0], b[1] = byte(v), byte(v>>8) }
func putU32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}
func putU64(b []byte, v uint64) { putU32(b, uint32(v)); putU32(b[4:], uint32(v>>32)) }

func TestOpenMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.ko")
	_, err := Open(path)
	if err == nil || !os.IsNotExist(err) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open(missing) = %v, want a not-exist error naming the file", err)
	}
}

func TestNoModInfo(t *testing.T) {
	o := mustOpen(t, compileC(t, "plain.c", "int f(void) { return 1; }"))
	if o.ModInfo() != nil || o.Vermagic() != "" || o.KernelRelease() != "" {
		t.Errorf("ModInfo=%v Vermagic=%q KernelRelease=%q, want none", o.ModInfo(), o.Vermagic(), o.KernelRelease())
	}
}

func TestStripped(t *testing.T) {
	path := compileC(t, "s.c", "int x = 1;")
	run(t, filepath.Dir(path), "strip", "s.o")
	o := mustOpen(t, path)
	if o.HasSymbols() || o.Symbols() != nil {
		t.Errorf("stripped object has symbols: %v", o.Symbols())
	}
	fs := CheckPlacement(o, Manifest{Entries: []Expectation{{Symbol: "x", Section: ".data"}}})
	if len(fs) != 1 || fs[0].Rule != RuleObject || !strings.Contains(fs[0].Message, "no symbol table") {
		t.Errorf("findings = %v, want one placement/object", fs)
	}
	if _, err := CheckFile(path, Manifest{}); err == nil || !strings.HasPrefix(err.Error(), path+": no symbol table") {
		t.Errorf("CheckFile = %v, want a no-symbol-table error naming the file", err)
	}
}

func TestNotRelocatable(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "d.c"), []byte("int f(void) { return 1; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, "gcc", "-O2", "-shared", "-fPIC", "-nostdlib", "-o", "d.so", "d.c")
	path := filepath.Join(dir, "d.so")
	o := mustOpen(t, path) // opening is fine: only placement needs ET_REL
	if len(o.Lookup("f")) != 1 {
		t.Errorf("Lookup(f) = %v", o.Lookup("f"))
	}
	fs := CheckPlacement(o, Manifest{Entries: []Expectation{{Symbol: "f", Section: ".text"}}})
	if len(fs) != 1 || fs[0].Rule != RuleObject || fs[0].Severity != Error {
		t.Errorf("findings = %v, want one placement/object error", fs)
	}
	_, err := CheckFile(path, Manifest{})
	if err == nil || err.Error() != path+": not a relocatable object (ET_DYN): placement is checked on .o and .ko files" {
		t.Errorf("CheckFile = %v", err)
	}
}
