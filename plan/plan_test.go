package plan

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/initsec/initsec/target"
)

// synthetic is a plan of modules × targets × steps with made-up digests;
// target names are valid ones (series 6.N), so engines can take them.
func synthetic(modules, targets int, steps ...Step) *Plan {
	if steps == nil {
		steps = DefaultSteps
	}
	var ms []Module
	for i := range modules {
		ms = append(ms, Module{Dir: fmt.Sprintf("drivers/m%03d", i), Digest: digest(fmt.Sprint("module", i))})
	}
	var ts []Target
	for i := range targets {
		ts = append(ts, Target{Name: fmt.Sprintf("debian-12/6.%d/amd64", i), Arch: "amd64", Lock: digest(fmt.Sprint("lock", i))})
	}
	return New(ms, ts, steps)
}

// planSizes are the synthetic plans the engine tests run, by cell count:
// one target per job, so the 300- and 1,000-cell plans have more than
// MaxMatrixJobs jobs and are sharded.
var planSizes = []struct {
	cells   int
	modules int
	targets int
	steps   []Step
}{
	{1, 1, 1, []Step{Build}},
	{50, 5, 5, []Step{Build, Verify}},
	{300, 1, 300, []Step{Build}},
	{1000, 1, 500, []Step{Build, Verify}},
	{1000, 2, 500, []Step{Build}},
}

func TestSyntheticSizes(t *testing.T) {
	for _, s := range planSizes {
		if p := synthetic(s.modules, s.targets, s.steps...); len(p.Cells) != s.cells {
			t.Errorf("%+v: %d cells", s, len(p.Cells))
		}
	}
}

// writeRepo makes a repository with two targets, their lock and two
// modules.
func writeRepo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, target.TargetsFile), []byte("debian-sid/amd64\ndebian-12/6.1/amd64 # comment\n"), 0o644)
	var rs []target.Resolution
	for i, n := range []string{"debian-sid/amd64", "debian-12/6.1/amd64"} {
		tg, _ := target.ParseName(n)
		rs = append(rs, target.Resolution{Target: tg, Packages: []target.Package{
			{Role: target.RoleHeaders, Name: "linux-headers-x", Version: "1.0-1", Arch: "amd64", SHA256: strings.Repeat(fmt.Sprint(i), 64), Filename: "pool/main/l/x.deb"},
			{Role: target.RoleCompiler, Name: "gcc-12", Version: "12.2.0-14", Arch: "amd64", SHA256: strings.Repeat("c", 64), Filename: "pool/main/g/gcc.deb"},
		}})
	}
	if err := target.WriteLock(root, rs); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"zeta", "alpha"} {
		d := filepath.Join(root, "mods", m)
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, "Kbuild"), []byte("obj-m += "+m+".o\n"), 0o644)
		os.WriteFile(filepath.Join(d, m+".c"), []byte("int x;\n"), 0o644)
	}
	return root
}

func TestMake(t *testing.T) {
	root := writeRepo(t)
	p, err := Make(root, Options{Dirs: []string{filepath.Join(root, "mods")}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, c := range p.Cells {
		ids = append(ids, c.ID)
		if c.Index != i || !strings.HasPrefix(c.Key, "sha256:") {
			t.Errorf("cell %d: %+v", i, c)
		}
	}
	want := []string{
		"mods/alpha@debian-12/6.1/amd64:build", "mods/alpha@debian-12/6.1/amd64:verify",
		"mods/zeta@debian-12/6.1/amd64:build", "mods/zeta@debian-12/6.1/amd64:verify",
		"mods/alpha@debian-sid/amd64:build", "mods/alpha@debian-sid/amd64:verify",
		"mods/zeta@debian-sid/amd64:build", "mods/zeta@debian-sid/amd64:verify",
	}
	if !slices.Equal(ids, want) {
		t.Errorf("cells:\n%s\nwant\n%s", strings.Join(ids, "\n"), strings.Join(want, "\n"))
	}
	// Stable: the same inputs, the same hash; kbuild output does not count.
	os.WriteFile(filepath.Join(root, "mods/zeta/zeta.ko"), []byte("ELF"), 0o644)
	os.WriteFile(filepath.Join(root, "mods/zeta/.zeta.o.cmd"), []byte("x"), 0o644)
	p2, _ := Make(root, Options{Dirs: []string{filepath.Join(root, "mods")}})
	if p2.Hash != p.Hash {
		t.Errorf("kbuild output changed the plan: %s -> %s", p.Hash, p2.Hash)
	}
	// A source change changes that module's keys and the hash, no other key.
	os.WriteFile(filepath.Join(root, "mods/zeta/zeta.c"), []byte("int y;\n"), 0o644)
	p3, _ := Make(root, Options{Dirs: []string{filepath.Join(root, "mods")}})
	if p3.Hash == p.Hash {
		t.Error("a source change left the plan hash")
	}
	for i, c := range p3.Cells {
		if changed := c.Key != p.Cells[i].Key; changed != strings.HasPrefix(c.ID, "mods/zeta@") {
			t.Errorf("%s: key changed %v", c.ID, changed)
		}
	}
	// A target narrowed, boot added.
	p4, err := Make(root, Options{Dirs: []string{filepath.Join(root, "mods")}, Targets: []string{"debian-sid/amd64"}, Steps: Steps})
	if err != nil || len(p4.Cells) != 6 || p4.Cells[2].Step != Boot || p4.Cells[2].Needs != "mods/alpha@debian-sid/amd64:build" {
		t.Errorf("narrowed: %v %+v", err, p4)
	}
	if _, err := Make(root, Options{Targets: []string{"debian-13/amd64"}}); err == nil {
		t.Error("a target not in initsec.targets was planned")
	}
	// Not locked: an error that says how to lock.
	os.WriteFile(filepath.Join(root, target.TargetsFile), []byte("debian-13/amd64\n"), 0o644)
	if _, err := Make(root, Options{}); err == nil || !strings.Contains(err.Error(), "targets -update") {
		t.Errorf("unlocked target: %v", err)
	}
}

func TestParseSteps(t *testing.T) {
	if s, err := ParseSteps("boot,build"); err != nil || !slices.Equal(s, []Step{Build, Boot}) {
		t.Errorf("%v %v", s, err)
	}
	for _, bad := range []string{"verify", "build,link", ""} {
		if _, err := ParseSteps(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestSelect(t *testing.T) {
	p := synthetic(2, 3)
	if cs, err := Select(p, "", -1); err != nil || len(cs) != 12 {
		t.Errorf("all: %d %v", len(cs), err)
	}
	cs, err := Select(p, "debian-12/6.1/amd64", 3)
	if err != nil || len(cs) != 1 || cs[0].ID != "drivers/m001@debian-12/6.1/amd64:verify" || cs[0].Index != 7 {
		t.Errorf("target index: %+v %v", cs, err)
	}
	if _, err := Select(p, "debian-12/6.1/amd64", 4); err == nil {
		t.Error("index past the target's cells")
	}
	if _, err := Select(p, "debian-13/amd64", -1); err == nil {
		t.Error("unknown target")
	}
}
