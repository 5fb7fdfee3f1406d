package suggest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/sectionrt"
)

// The helpers below are sectionrt's test helpers (helpers_test.go,
// mismatch_corpus_test.go), cut to what these tests use.

// requireTarget returns the kernel target find resolves, skipping the test
// when its tree is not installed (a failure with CI=true).
func requireTarget(t *testing.T, find func() (kernels.Target, error)) kernels.Target {
	t.Helper()
	tg, err := find()
	if err != nil {
		testenv.SkipOrFail(t, "kernel tree not available: %v (kernels.EnsureAll installs it)", err)
	}
	return tg
}

// run runs a tool in dir, skipping the test when it is not installed (a
// failure with CI=true), and fails the test with its output on error.
func run(t testing.TB, dir string, name string, args ...string) {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		testenv.SkipOrFail(t, "%s is not installed: this test builds real ELF objects with it", name)
	}
	cmd := exec.Command(p, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// assemble assembles src with as and returns the object's path.
func assemble(t testing.TB, src string) string {
	t.Helper()
	return assembleWith(t, "as", src)
}

// assembleWith is assemble with another assembler (aarch64-linux-gnu-as).
func assembleWith(t testing.TB, as, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.s"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, as, "-o", "x.o", "x.s")
	return filepath.Join(dir, "x.o")
}

func mustOpen(t testing.TB, path string) *sectionrt.Object {
	t.Helper()
	o, err := sectionrt.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

// smallSource is a tiny module-like translation unit: init and exit code
// and data, the entry aliases, .modinfo.
const smallSource = `
#define __sect(s) __attribute__((section(s)))
extern void ext(const void *);
static const int tbl[4] __sect(".init.rodata") = { 1, 2, 3, 4 };
static int cnt __sect(".init.data") = 3;
static __sect(".init.text") __attribute__((cold)) int small_init(void) { ext(tbl); ext(&cnt); return 0; }
static __sect(".exit.text") __attribute__((cold)) void small_exit(void) { ext(0); }
int init_module(void) __attribute__((alias("small_init")));
void cleanup_module(void) __attribute__((alias("small_exit")));
static const char __modinfo[] __attribute__((used, section(".modinfo"), aligned(1))) = "license=GPL\0vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions ";
`

// smallObject compiles smallSource with gcc -c -O2 and returns the object.
func smallObject(t testing.TB) []byte {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "small.c"), []byte(smallSource), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, "gcc", "-c", "-O2", "-o", "small.o", "small.c")
	b, err := os.ReadFile(filepath.Join(dir, "small.o"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// installedSample returns every every-th module of the installed Debian
// tree whose release starts with prefix ("6.1."), and the release; it
// skips (fails under CI) when none is installed.
func installedSample(t *testing.T, prefix string, every int) ([]string, string) {
	t.Helper()
	rel, ok := kernels.FindRelease(prefix)
	if !ok {
		testenv.SkipOrFail(t, "no Linux %s* modules with headers installed", prefix)
	}
	files, errs := modfile.Expand([]string{rel.Tree + "/kernel"})
	if len(errs) > 0 || len(files) == 0 {
		t.Fatalf("%s: %d objects, errors %v", rel.Tree, len(files), errs)
	}
	var sample []string
	for i := 0; i < len(files); i += every {
		sample = append(sample, files[i])
	}
	return sample, rel.Release
}

// installedModules lists the modules of the installed 6.1 tree for a
// benchmark, skipping it when none is installed.
func installedModules(b *testing.B) []string {
	b.Helper()
	rel, ok := kernels.FindRelease("6.1.")
	if !ok {
		b.Skip("no installed 6.1 kernel with modules")
	}
	files, errs := modfile.Expand([]string{rel.Tree + "/kernel"})
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	return files
}
