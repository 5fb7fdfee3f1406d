package scaffold

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestInitWritesWiringOnly(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Makefile"), []byte("obj-m += drv.o\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "mage.go"), []byte("// mine\n"), 0o644)
	res, err := Init(InitOptions{Dir: dir, ModulePath: "example.com/drv"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"go.mod", "magefiles/magefile.go"}; !slices.Equal(res.Written, want) {
		t.Errorf("written %v, want %v", res.Written, want)
	}
	if !slices.Equal(res.Existing, []string{"mage.go"}) {
		t.Errorf("existing %v", res.Existing)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "mage.go")); string(b) != "// mine\n" {
		t.Errorf("mage.go overwritten: %q", b)
	}
	mf, _ := os.ReadFile(filepath.Join(dir, "magefiles", "magefile.go"))
	if !strings.Contains(string(mf), "//mage:import initsec") || !strings.Contains(string(mf), "this repository's kernel modules") {
		t.Errorf("magefile:\n%s", mf)
	}
	gm, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if !strings.HasPrefix(string(gm), "module example.com/drv\n") {
		t.Errorf("go.mod:\n%s", gm)
	}
}

func TestInitInsideModuleWritesNoGoMod(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/all\n\ngo 1.26.0\n"), 0o644)
	dir := filepath.Join(root, "drivers", "x")
	os.MkdirAll(dir, 0o755)
	res, err := Init(InitOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if res.NewModule || slices.Contains(res.Written, "go.mod") || res.ModulePath != "example.com/all" {
		t.Errorf("result %+v", res)
	}
	if _, err := os.Stat(filepath.Join(dir, "mage.go")); err != nil {
		t.Error(err)
	}
}

func TestInitAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	testHookPlace = func(p string) error {
		if p == "magefiles/magefile.go" {
			return errors.New("disk full")
		}
		return nil
	}
	defer func() { testHookPlace = nil }()
	if _, err := Init(InitOptions{Dir: dir, ModulePath: "example.com/drv"}); err == nil {
		t.Fatal("Init succeeded")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
}
