package sectionrt

import "testing"

func TestPredictMemoryHello(t *testing.T) {
	o := openHello(t)
	with := PredictMemory(o, true)
	without := PredictMemory(o, false)
	var initSecs, exitSecs uint64
	for _, s := range o.Sections() {
		switch s.Name {
		case ".init.text", ".init.data", ".init.rodata":
			initSecs += s.Size
		case ".exit.text", ".exit.data":
			exitSecs += s.Size
		}
	}
	if initSecs == 0 || exitSecs == 0 {
		t.Fatalf("hello.ko lacks init or exit sections (%d, %d bytes)", initSecs, exitSecs)
	}
	if with.Init < initSecs {
		t.Errorf("init bytes %d < sum of .init sections %d", with.Init, initSecs)
	}
	// Without MODULE_UNLOAD, .exit.* move from core to init.
	if without.Init < with.Init+exitSecs || without.Core > with.Core-exitSecs {
		t.Errorf("without unload: init %d core %d; with: init %d core %d; exit %d", without.Init, without.Core, with.Init, with.Core, exitSecs)
	}
	if with.CorePages == 0 || with.InitPages == 0 {
		t.Errorf("pages: %+v", with)
	}
}

// TestPredictMemoryKallsyms checks the core kallsyms estimate against the
// object's own symbol table: one Elf64_Sym, the name and a type byte for
// every named symbol in a resident allocated section, plus symbol 0.
func TestPredictMemoryKallsyms(t *testing.T) {
	o := openHello(t)
	var n, names uint64 = 1, 1
	for _, s := range o.Symbols() {
		if s.Name == "" || s.Section == "" || s.Section == ".modinfo" || s.Section == "__versions" {
			continue
		}
		if len(s.Section) >= 5 && s.Section[:5] == ".init" {
			continue
		}
		n++
		names += uint64(len(s.Name)) + 1
	}
	m := PredictMemory(o, true)
	if want := n*24 + names + n; m.CoreKallsyms != want {
		t.Errorf("CoreKallsyms = %d, want %d (%d symbols)", m.CoreKallsyms, want, n)
	}
}
