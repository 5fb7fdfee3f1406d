package sectionrt

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/testenv"
)

// requireTool returns the path of tool, skipping the test when it is not
// installed; with CI=true a missing tool is a failure, since CI must run the
// tests that build real objects.
func requireTool(t testing.TB, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		testenv.SkipOrFail(t, "%s is not installed: this test builds real ELF objects with it", tool)
	}
	return p
}

// run runs a tool in dir and fails the test with its output on error.
func run(t testing.TB, dir string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(requireTool(t, name), args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// compileC compiles src with gcc -c -O2 (plus flags) in a temporary
// directory and returns the object's path. The source file is named
// file (e.g. "fixture.c"), which becomes the object's STT_FILE symbol.
func compileC(t testing.TB, file, src string, flags ...string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, file), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	obj := strings.TrimSuffix(file, filepath.Ext(file)) + ".o"
	args := append([]string{"-c", "-O2"}, flags...)
	args = append(args, "-o", obj, file)
	run(t, dir, "gcc", args...)
	return filepath.Join(dir, obj)
}

// assemble assembles src with as and returns the object's path.
func assemble(t testing.TB, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.s"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, "as", "-o", "x.o", "x.s")
	return filepath.Join(dir, "x.o")
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustOpen(t testing.TB, path string) *Object {
	t.Helper()
	o, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

// smallSource is a tiny module-like translation unit used as the base of
// the malformed-input tests and the fuzz seed.
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

func smallObject(t testing.TB) []byte {
	t.Helper()
	return readFile(t, compileC(t, "small.c", smallSource))
}
