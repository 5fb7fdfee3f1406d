package corpus

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
)

// The real corpora: Debian 12's two kernels, each with the modpost of its
// own headers. Packages (apt-get install -y ...):
//
//	6.1:  linux-image-amd64 linux-headers-amd64
//	6.12: linux-image-6.12-amd64 linux-headers-6.12-amd64
//
// Without them the tests skip; with CI=true they fail.
var corpora = []struct {
	prefix   string // release prefix
	rules    string // the rule set initsec must pick from the vermagic
	packages string
}{
	{"6.1.", "6.1", "linux-image-amd64 linux-headers-amd64"},
	{"6.12.", "6.12", kernels.Image612Meta + " " + kernels.Headers612Meta},
}

// TestCorpus runs initsec and modpost over every module of each installed
// Debian kernel: no error, no panic, and the same findings.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the corpora take a minute")
	}
	for _, c := range corpora {
		t.Run(c.rules, func(t *testing.T) {
			rel, ok := FindRelease(c.prefix)
			if !ok {
				testenv.SkipOrFail(t, "no Linux %s* modules with headers (apt-get install -y %s)", c.prefix, c.packages)
			}
			out, err := Run(context.Background(), rel.KDIR, rel.Tree, t.TempDir(), runtime.GOMAXPROCS(0))
			if err != nil {
				t.Fatal(err)
			}
			errs := out.Errors()
			for i, err := range errs {
				if i == 20 {
					t.Errorf("... and %d more", len(errs)-20)
					break
				}
				t.Errorf("initsec: %v", err)
			}
			for _, r := range out.Results {
				if r.Err == nil && r.Rules != c.rules {
					t.Errorf("%s: checked with rules %q, want %q (from its vermagic)", r.Object, r.Rules, c.rules)
					break
				}
			}
			if !out.Diff.Equal() {
				t.Errorf("%s (%d modules): initsec and modpost differ: %s", rel.Release, len(out.Files), out.Diff)
			}
			t.Logf("%s: %d modules, %d error(s), %s", rel.Release, len(out.Files), len(errs), out.Diff)
		})
	}
}

// TestCompareFindings runs both tools on objects with a section mismatch,
// so that the comparison is shown to match findings, not only empty sets.
func TestCompareFindings(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		testenv.SkipOrFail(t, "no gcc (apt-get install -y gcc)")
	}
	for _, c := range corpora {
		t.Run(c.rules, func(t *testing.T) {
			rel, ok := FindRelease(c.prefix)
			if !ok {
				testenv.SkipOrFail(t, "no Linux %s* headers (apt-get install -y %s)", c.prefix, c.packages)
			}
			tree := t.TempDir()
			src := filepath.Join(tree, "mm.c")
			os.WriteFile(src, []byte(`
int foo_init(void) __attribute__((section(".init.text"), noinline));
int foo_init(void) { return 1; }
int bad_ref(void) { return foo_init() + 1; }
int (*bad_ptr)(void) = foo_init;
static const char __modinfo[] __attribute__((used, section(".modinfo"), aligned(1))) = "license=GPL\0vermagic=`+rel.Release+` SMP preempt mod_unload modversions ";
`), 0o644)
			if out, err := exec.Command(gcc, "-c", "-O2", "-o", filepath.Join(tree, "mm.ko"), src).CombinedOutput(); err != nil {
				t.Fatalf("gcc: %v\n%s", err, out)
			}
			out, err := Run(context.Background(), rel.KDIR, tree, t.TempDir(), 2)
			if err != nil {
				t.Fatal(err)
			}
			if !out.Diff.Equal() || out.Diff.Same == 0 {
				t.Errorf("want the same findings, at least one: %s", out.Diff)
			}
		})
	}
}
