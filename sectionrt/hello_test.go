package sectionrt

import (
	"debug/elf"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/testenv"
)

// helloKo is the kbuild-built example module. It is not committed (kbuild
// output is ignored); build it with
//
//	make -C /usr/src/linux-headers-6.1.0-56-amd64 M=/work/main/examples/hello modules
const helloKo = "../examples/hello/hello.ko"

func openHello(t testing.TB) *Object {
	t.Helper()
	if _, err := os.Stat(helloKo); err != nil {
		// CI builds the examples (mage build) before it tests.
		testenv.SkipOrFail(t, "%s not built (make -C $KDIR M=$PWD/examples/hello modules): %v", helloKo, err)
	}
	return mustOpen(t, helloKo)
}

// helloManifest is what the annotations in examples/hello/hello.c expect.
func helloManifest() Manifest {
	return Manifest{Module: "hello", Entries: []Expectation{
		{Symbol: "hello_greetings", Kind: "initconst", Section: ".init.rodata", Size: 48, File: "hello.c", Line: 17, Col: 1},
		{Symbol: "hello_count", Kind: "initdata", Section: ".init.data", Size: 4, File: "hello.c", Line: 24, Col: 1},
		{Symbol: "hello_init", Kind: "init", Section: ".init.text", Role: "module_init", File: "hello.c", Line: 27, Col: 1},
		{Symbol: "hello_exit", Kind: "exit", Section: ".exit.text", Role: "module_exit", File: "hello.c", Line: 38, Col: 1},
	}}
}

func TestHelloKo(t *testing.T) {
	o := openHello(t)
	if o.Machine() != elf.EM_X86_64 || o.Type() != elf.ET_REL {
		t.Errorf("Machine %v Type %v, want EM_X86_64 ET_REL", o.Machine(), o.Type())
	}
	if !strings.HasPrefix(o.Vermagic(), o.KernelRelease()+" ") || !strings.HasPrefix(o.KernelRelease(), "6.") {
		t.Errorf("Vermagic %q, KernelRelease %q", o.Vermagic(), o.KernelRelease())
	}
	mi := o.ModInfo()
	if !slices.Equal(mi["license"], []string{"GPL"}) || !slices.Equal(mi["name"], []string{"hello"}) {
		t.Errorf("ModInfo = %q", mi)
	}
	for _, c := range []struct {
		name, section string
		size          uint64
	}{
		{"hello_init", ".init.text", 0},
		{"init_module", ".init.text", 0},
		{"hello_exit", ".exit.text", 0},
		{"cleanup_module", ".exit.text", 0},
		{"hello_greetings", ".init.rodata", 48},
		{"hello_count", ".init.data", 4},
	} {
		s := findSymbol(t, o, c.name)
		if s.Section != c.section || (c.size != 0 && s.Size != c.size) {
			t.Errorf("%s = %+v, want in %s (size %d)", c.name, s, c.section, c.size)
		}
	}
	if s := findSymbol(t, o, "hello_init"); s.File != "hello.c" {
		t.Errorf("hello_init.File = %q, want hello.c", s.File)
	}
	// module_init/module_exit add an 8-byte pointer each (___ADDRESSABLE).
	for prefix, section := range map[string]string{
		"__UNIQUE_ID___addressable_init_module":    ".init.data",
		"__UNIQUE_ID___addressable_cleanup_module": ".exit.data",
	} {
		n := 0
		for _, s := range o.Symbols() {
			if strings.HasPrefix(s.Name, prefix) {
				n++
				if s.Section != section || s.Size != 8 {
					t.Errorf("%s = %+v, want 8 bytes in %s", s.Name, s, section)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d symbols %s*, want 1", n, prefix)
		}
	}
	if fs := CheckPlacement(o, helloManifest()); len(fs) != 0 {
		t.Errorf("findings for hello.ko:\n%s", join(fs))
	}
	fs, err := CheckFile(helloKo, helloManifest())
	if err != nil || len(fs) != 0 {
		t.Errorf("CheckFile = %v, %v", fs, err)
	}
}

func TestHelloKoWrongSection(t *testing.T) {
	o := openHello(t)
	m := helloManifest()
	m.Entries[0].Section = ".init.data" // hello_greetings is really in .init.rodata
	m.Entries[0].Kind = "initdata"
	fs := CheckPlacement(o, m)
	if len(fs) != 1 {
		t.Fatalf("findings:\n%s", join(fs))
	}
	f := fs[0]
	want := "hello.c:17:1: error: hello_greetings is in .init.rodata, expected .init.data (initdata) [" + helloKo + "]"
	if f.Rule != RuleWrongSection || f.Severity != Error || f.Expected != ".init.data" || f.Actual != ".init.rodata" || f.String() != want {
		t.Errorf("finding %#v\n%s\nwant %s", f, f, want)
	}
}

func BenchmarkOpenSymbols(b *testing.B) {
	o := openHello(b)
	path := o.Name()
	b.ResetTimer()
	for b.Loop() {
		o, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if len(o.Symbols()) == 0 {
			b.Fatal("no symbols")
		}
		o.Close()
	}
}
