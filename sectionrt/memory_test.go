package sectionrt

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPredictMemoryHello(t *testing.T) {
	ko := filepath.Join("..", "examples", "hello", "hello.ko")
	if _, err := os.Stat(ko); err != nil {
		t.Skipf("%s not built (go run mage.go build): %v", ko, err)
	}
	o, err := Open(ko)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
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
