package sectionrt

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"strings"
	"testing"
)

// mismatchSource has one mismatch of each basic kind, compiled with the
// host gcc (no kernel headers needed).
const mismatchSource = `
#define __sect(s) __attribute__((section(s)))
extern void ext(const void *);
static int idata __sect(".init.data") = 3;
static __sect(".init.text") __attribute__((noinline)) int helper_init(void) { ext(&idata); return 0; }
static __sect(".exit.text") __attribute__((noinline)) void helper_exit(void) { ext(0); }
__attribute__((noinline)) int resident(void) { return helper_init(); }
int (*resident_hook)(void) = helper_init;
void (*resident_ops)(void) = helper_exit;
int init_module(void) __attribute__((alias("resident")));
`

func TestCheckMismatchSmall(t *testing.T) {
	o := mustOpen(t, compileC(t, "mm.c", mismatchSource, "-fno-pie"))
	for _, v := range RuleVersions {
		rs, err := Rules(v)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := CheckMismatch(o, rs)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			got = append(got, f.Rule+" "+f.Ref.FromSym+" -> "+f.Ref.ToSym)
			line, err := f.FormatModpost(v)
			if f.Severity != Warning || f.Ref == nil || f.Message == "" || err != nil || line == "" || f.ModpostLine(v) != line {
				t.Errorf("%s: incomplete finding %+v (modpost line %q, %v)", v, f, line, err)
			}
		}
		want := []string{
			"mismatch/text-to-init resident -> helper_init",
			"mismatch/data-to-init resident_hook -> helper_init",
		}
		// resident_ops -> .exit.text is whitelisted (*_ops) in every version.
		for _, w := range want {
			found := false
			for _, g := range got {
				found = found || g == w
			}
			if !found {
				t.Errorf("rules %s: missing %q in %q", v, w, got)
			}
		}
		if len(got) != len(want) {
			t.Errorf("rules %s: got %q, want %q", v, got, want)
		}
	}
}

// TestProbeWhitelist70: 7.0 dropped "*_probe" from the data symbols that
// may refer to init and exit sections (commit a4df2071f1a2); 6.12 and 6.19
// keep it, 6.1 had it too.
func TestProbeWhitelist70(t *testing.T) {
	const src = `
#define __sect(s) __attribute__((section(s)))
static __sect(".init.text") __attribute__((noinline)) int chip_setup(void) { return 0; }
int (*chip_probe)(void) = chip_setup;
int (*chip_ops)(void) = chip_setup;
`
	o := mustOpen(t, compileC(t, "probe.c", src, "-fno-pie"))
	for _, tc := range []struct {
		version string
		want    []string
	}{
		{"6.1", nil},
		{"6.12", nil},
		{"6.19", nil},
		{"7.0", []string{"mismatch/data-to-init chip_probe -> chip_setup"}},
	} {
		rs, err := Rules(tc.version)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := CheckMismatch(o, rs)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			got = append(got, f.Rule+" "+f.Ref.ModpostFromSym+" -> "+f.Ref.ModpostToSym)
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("rules %s: got %q, want %q", tc.version, got, tc.want)
		}
	}
}

func TestFormatModpostVersion(t *testing.T) {
	f := Finding{Rule: RuleDataToInit, Severity: Warning, Ref: &Reference{
		Module: "hello", FromSym: "hello_ops", FromOff: 0x10, FromSec: ".data", ToSym: "hello_probe_init", ToSec: ".init.text",
		ModpostFromSym: "hello_ops", ModpostFromOff: 0x10, ModpostToSym: "hello_probe_init", RuleVersion: "6.12",
	}}
	const (
		line61  = "WARNING: modpost: hello.o: section mismatch in reference: hello_ops (section: .data) -> hello_probe_init (section: .init.text)"
		line612 = "WARNING: modpost: hello: section mismatch in reference: hello_ops+0x10 (section: .data) -> hello_probe_init (section: .init.text)"
	)
	for version, want := range map[string]string{"6.1": line61, "6.4.16": line61, "6.5": line612, "6.12.117+deb12-amd64": line612} {
		if got, err := f.FormatModpost(version); err != nil || got != want {
			t.Errorf("FormatModpost(%q) = %q, %v; want %q", version, got, err, want)
		}
		if got := f.ModpostLine(version); got != want {
			t.Errorf("ModpostLine(%q) = %q, want %q", version, got, want)
		}
	}
	// A version that does not parse is an error; ModpostLine keeps its
	// old reading of it as 6.12.
	for _, bad := range []string{"", "6", "v6.1", "x.y"} {
		if got, err := f.FormatModpost(bad); err == nil {
			t.Errorf("FormatModpost(%q) = %q, want an error", bad, got)
		}
		if got := f.ModpostLine(bad); got != line612 {
			t.Errorf("ModpostLine(%q) = %q, want the 6.12 form", bad, got)
		}
	}
	// A finding without a Reference has no modpost line, whatever the version.
	if got, err := (Finding{Rule: RuleAbsent}).FormatModpost("bogus"); got != "" || err != nil {
		t.Errorf("FormatModpost without a Reference = %q, %v", got, err)
	}
}

func TestRulesForRelease(t *testing.T) {
	for _, tc := range []struct{ release, want string }{
		{"6.1.0-56-amd64", "6.1"},
		{"5.10.0-30-amd64", "6.1"},
		{"6.11.9", "6.1"},
		{"6.12.57+deb13-amd64", "6.12"},
		{"6.12.117+deb12-amd64", "6.12"},
		{"6.16.1", "6.12"},
		{"6.18.0-rc1", "6.12"},
		{"6.19", "6.19"},
		{"6.19.0-rc5", "6.19"},
		{"6.19.3-1-amd64", "6.19"},
		{"7.0.2", "7.0"},
		{"7.1.0-rc4", "7.0"},
	} {
		rs, err := RulesForRelease(tc.release)
		if err != nil || rs.Version != tc.want {
			t.Errorf("RulesForRelease(%q) = %v, %v; want %s", tc.release, rs, err, tc.want)
		}
	}
	for _, bad := range []string{"", "6", "x.y", "6.x"} {
		if _, err := RulesForRelease(bad); err == nil {
			t.Errorf("RulesForRelease(%q): no error", bad)
		}
	}
	if _, err := Rules("5.4"); err == nil {
		t.Error("Rules(5.4): no error")
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{".init.*", ".init.text", true},
		{".init.*", ".init", false},
		{".init.*", ".init.", true},
		{"*.constprop.*", "foo.constprop.0", true},
		{"*.constprop.*", "foo.constprop", false},
		{"___ksymtab*", "___ksymtab+foo", true},
		{"*_ops", "my_ops", true},
		{"*_ops", "my_ops2", false},
		{"*driver", "driver", true},
		{".text", ".text.unlikely", false},
		{"a*b*c", "aXbYbZc", true},
		{"a?c", "abc", true},
	} {
		if got := glob(tc.p, tc.s); got != tc.want {
			t.Errorf("glob(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
}

func TestModuleName(t *testing.T) {
	for in, want := range map[string]string{
		"/lib/modules/x/kernel/drivers/a.ko": "a",
		"dir/b.ko.xz":                        "b",
		"c.o":                                "c",
		"/tmp/corp/d":                        "d",
	} {
		if got := ModuleName(in); got != want {
			t.Errorf("ModuleName(%q) = %q, want %q", in, got, want)
		}
	}
}

// elfPatch edits a 64-bit little-endian object in place.
type elfPatch struct {
	t    *testing.T
	data []byte
	f    *elf.File
}

func newPatch(t *testing.T, data []byte) *elfPatch {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if f.Class != elf.ELFCLASS64 || f.ByteOrder != binary.LittleEndian {
		t.Skip("patch helpers assume ELF64 little endian")
	}
	return &elfPatch{t: t, data: data, f: f}
}

func (p *elfPatch) section(name string) (int, *elf.Section) {
	for i, s := range p.f.Sections {
		if s.Name == name {
			return i, s
		}
	}
	p.t.Fatalf("no section %s", name)
	return 0, nil
}

// shdr returns the offset of section i's header.
func (p *elfPatch) shdr(i int) int {
	shoff := binary.LittleEndian.Uint64(p.data[40:])
	return int(shoff) + i*64
}

func TestMalformedRelocations(t *testing.T) {
	base := readFile(t, compileC(t, "mm.c", mismatchSource, "-fno-pie"))
	rs, _ := Rules("6.12")
	for _, tc := range []struct {
		name  string
		patch func(p *elfPatch)
		want  string
	}{
		{"symbol index outside the symbol table", func(p *elfPatch) {
			_, s := p.section(".rela.text")
			info := p.data[s.Offset+8:]
			binary.LittleEndian.PutUint64(info, binary.LittleEndian.Uint64(info)&0xffffffff|uint64(0xfffff)<<32)
		}, "symbol index 1048575 outside the symbol table"},
		{"r_offset past the end of the section", func(p *elfPatch) {
			_, s := p.section(".rela.text")
			binary.LittleEndian.PutUint64(p.data[s.Offset:], 1<<40)
		}, "r_offset 0x10000000000 past the end of section"},
		{"truncated relocation section", func(p *elfPatch) {
			i, s := p.section(".rela.text")
			binary.LittleEndian.PutUint64(p.data[p.shdr(i)+32:], s.Size-5)
		}, "is not a multiple of the entry size 24"},
		{"sh_info names no section", func(p *elfPatch) {
			i, _ := p.section(".rela.text")
			binary.LittleEndian.PutUint32(p.data[p.shdr(i)+44:], 9999)
		}, "sh_info 9999 names no section"},
		{"sh_link is not the symbol table", func(p *elfPatch) {
			i, _ := p.section(".rela.text")
			binary.LittleEndian.PutUint32(p.data[p.shdr(i)+40:], 1)
		}, "sh_link 1 is not the symbol table"},
		{"symbol past the end of its section", func(p *elfPatch) {
			_, st := p.section(".symtab")
			syms, _ := p.f.Symbols()
			for i, s := range syms {
				if s.Name == "resident" {
					off := st.Offset + uint64(i+1)*24 + 8 // st_value
					binary.LittleEndian.PutUint64(p.data[off:], 0x100000)
					return
				}
			}
			p.t.Fatal("no symbol resident")
		}, "symbol"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := bytes.Clone(base)
			tc.patch(newPatch(t, data))
			o, err := NewObject(bytes.NewReader(data), "bad.o")
			if err != nil {
				if !strings.HasPrefix(err.Error(), "bad.o: ") {
					t.Fatalf("error does not name the file: %v", err)
				}
				return // caught on opening: fine
			}
			fs, err := CheckMismatch(o, rs)
			if err == nil {
				t.Fatalf("no error; findings %v", fs)
			}
			if !strings.HasPrefix(err.Error(), "bad.o: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q: want it to name the file and say %q", err, tc.want)
			}
			if _, ok := err.(*FormatError); !ok {
				t.Errorf("error is %T, want *FormatError", err)
			}
		})
	}
}

func TestCheckMismatchNotRelocatable(t *testing.T) {
	o := mustOpen(t, compileC(t, "mm.c", mismatchSource, "-fno-pie"))
	if _, err := CheckMismatch(o, nil); err == nil {
		t.Error("nil rule set: no error")
	}
}
