package sectiontest_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	failinit "github.com/initsec/initsec/examples/failinit/initsec"
	firmware "github.com/initsec/initsec/examples/firmware/initsec"
	hello "github.com/initsec/initsec/examples/hello/initsec"
	tables "github.com/initsec/initsec/examples/tables/initsec"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/sectionrt"
	"github.com/initsec/initsec/sectionrt/sectiontest"
)

// recorder is a testing.TB that records what Check reports instead of
// reporting it. Skipf and Fatalf end the calling goroutine, as they do on
// a *testing.T, so run calls Check on a goroutine of its own. Methods
// Check must not call are left to the nil embedded TB and panic.
type recorder struct {
	testing.TB
	errors, logs, skips, fatals []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *recorder) Logf(format string, a ...any) { r.logs = append(r.logs, fmt.Sprintf(format, a...)) }
func (r *recorder) Skipf(format string, a ...any) {
	r.skips = append(r.skips, fmt.Sprintf(format, a...))
	runtime.Goexit()
}
func (r *recorder) Fatalf(format string, a ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, a...))
	runtime.Goexit()
}

// check runs sectiontest.Check against a recorder and returns it.
func check(ko string, m sectionrt.Manifest) *recorder {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sectiontest.Check(r, ko, m)
	}()
	<-done
	return r
}

// compile compiles src with gcc -c -O2 into a temporary directory and
// returns the object's path, named as a kbuild module would be.
func compile(t *testing.T, name, src string) string {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		testenv.SkipOrFail(t, "gcc is not installed: this test builds real ELF objects with it")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name+".c"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(gcc, "-c", "-O2", "-o", name+".ko", name+".c")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return filepath.Join(dir, name+".ko")
}

// modinfo is a .modinfo section with a vermagic, as kbuild writes it.
const modinfo = `
static const char __modinfo[] __attribute__((used, section(".modinfo"), aligned(1))) =
	"license=GPL\0vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions ";
`

// clean is a module-like object whose annotations are all honoured and
// which has no section mismatch.
const clean = `
#define __sect(s) __attribute__((section(s)))
extern void ext(const void *);
const int tbl[4] __sect(".init.rodata") = { 1, 2, 3, 4 };
static __sect(".init.text") __attribute__((noinline)) int clean_init(void) { ext(tbl); return 0; }
static __sect(".exit.text") __attribute__((noinline)) void clean_exit(void) { ext(0); }
int init_module(void) __attribute__((alias("clean_init")));
void cleanup_module(void) __attribute__((alias("clean_exit")));
` + modinfo

func cleanManifest() sectionrt.Manifest {
	return sectionrt.Manifest{Module: "clean", Entries: []sectionrt.Expectation{
		{Symbol: "tbl", Kind: "initconst", Section: ".init.rodata", File: "clean.c", Line: 4, Col: 1},
		{Symbol: "clean_init", Kind: "init", Section: ".init.text", Role: "module_init", File: "clean.c", Line: 5, Col: 1},
		{Symbol: "clean_exit", Kind: "exit", Section: ".exit.text", Role: "module_exit", File: "clean.c", Line: 6, Col: 1},
	}}
}

func TestCheckClean(t *testing.T) {
	r := check(compile(t, "clean", clean), cleanManifest())
	if len(r.errors)+len(r.fatals)+len(r.skips) != 0 || len(r.logs) != 0 {
		t.Errorf("clean object: errors %q, fatals %q, skips %q, logs %q; want nothing", r.errors, r.fatals, r.skips, r.logs)
	}
}

// An annotated symbol the compiler removed is a note: logged, not a failure.
func TestCheckAbsentIsLogged(t *testing.T) {
	m := cleanManifest()
	m.Entries = append(m.Entries, sectionrt.Expectation{Symbol: "gone", Kind: "initdata", Section: ".init.data", File: "clean.c", Line: 9, Col: 1})
	r := check(compile(t, "clean", clean), m)
	if len(r.errors)+len(r.fatals)+len(r.skips) != 0 {
		t.Errorf("errors %q, fatals %q, skips %q; want none", r.errors, r.fatals, r.skips)
	}
	if len(r.logs) != 1 || !strings.Contains(r.logs[0], "clean.c:9:1: note: gone") {
		t.Errorf("logs %q, want one note about gone at clean.c:9:1", r.logs)
	}
}

func TestCheckPlacementError(t *testing.T) {
	m := cleanManifest()
	m.Entries[0].Kind, m.Entries[0].Section = "initdata", ".init.data"
	r := check(compile(t, "clean", clean), m)
	if len(r.fatals)+len(r.skips) != 0 {
		t.Fatalf("fatals %q, skips %q; want none", r.fatals, r.skips)
	}
	if len(r.errors) != 1 || !strings.HasPrefix(r.errors[0], "clean.c:4:1: error: tbl is in .init.rodata, expected .init.data") {
		t.Errorf("errors %q, want one placement error for tbl at clean.c:4:1", r.errors)
	}
}

// A section mismatch fails the test although no manifest entry concerns
// it: Check runs modpost's rules too, those of the object's vermagic.
func TestCheckMismatch(t *testing.T) {
	src := clean + `
int bad_ref(void) { return clean_init() + 1; }
`
	r := check(compile(t, "clean", src), cleanManifest())
	if len(r.fatals)+len(r.skips) != 0 {
		t.Fatalf("fatals %q, skips %q; want none", r.fatals, r.skips)
	}
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "warning: bad_ref+0x") || !strings.Contains(r.errors[0], "refers to clean_init (.init.text)") {
		t.Errorf("errors %q, want one section mismatch from bad_ref to clean_init", r.errors)
	}
}

// Without a vermagic there is no telling which kernel's rules apply: an
// error, not a guess.
func TestCheckNoVermagic(t *testing.T) {
	src := strings.Replace(clean, "vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions ", "", 1)
	r := check(compile(t, "clean", src), cleanManifest())
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "no vermagic") {
		t.Errorf("fatals %q, want one about the missing vermagic", r.fatals)
	}
}

func TestCheckNotBuiltSkips(t *testing.T) {
	t.Setenv(sectiontest.RequireBuiltEnv, "")
	ko := filepath.Join(t.TempDir(), "hello.ko")
	r := check(ko, cleanManifest())
	if len(r.skips) != 1 || !strings.Contains(r.skips[0], ko+" is not built") {
		t.Errorf("skips %q, want one saying %s is not built", r.skips, ko)
	}
	if len(r.errors)+len(r.fatals) != 0 {
		t.Errorf("errors %q, fatals %q; want none", r.errors, r.fatals)
	}
}

// With INITSEC_REQUIRE_BUILT=1 (a CI step after the build) a missing
// object fails instead.
func TestCheckNotBuiltRequired(t *testing.T) {
	t.Setenv(sectiontest.RequireBuiltEnv, "1")
	ko := filepath.Join(t.TempDir(), "hello.ko")
	r := check(ko, cleanManifest())
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], ko+" is not built, and INITSEC_REQUIRE_BUILT=1") || len(r.skips) != 0 {
		t.Errorf("fatals %q, skips %q; want one failure saying %s is not built", r.fatals, r.skips, ko)
	}
}

func TestCheckUnreadableFails(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.ko")
	if err := os.WriteFile(garbage, []byte("this is not an ELF file at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.ko")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, ko := range []string{garbage, empty} {
		r := check(ko, cleanManifest())
		if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], ko) {
			t.Errorf("%s: fatals %q, want one naming the file", ko, r.fatals)
		}
		if len(r.skips) != 0 {
			t.Errorf("%s: skipped (%q); an object that exists is checked", ko, r.skips)
		}
	}
}

// TestCheckExamples runs Check as the generated tests will: on the
// kbuild-built examples with the manifests initsec generated for them. They
// must pass, with notes at most (a table the compiler folded away).
func TestCheckExamples(t *testing.T) {
	for _, ex := range []struct {
		ko string
		m  sectionrt.Manifest
	}{
		{"../../examples/hello/hello.ko", hello.InitsecManifest},
		{"../../examples/firmware/firmware.ko", firmware.InitsecManifest},
		{"../../examples/tables/tables.ko", tables.InitsecManifest},
		{"../../examples/failinit/failinit.ko", failinit.InitsecManifest},
	} {
		if _, err := os.Stat(ex.ko); err != nil {
			// CI builds the examples (mage build) before it tests.
			testenv.SkipOrFail(t, "%s not built (go run mage.go build): %v", ex.ko, err)
		}
		r := check(ex.ko, ex.m)
		if len(r.errors)+len(r.fatals)+len(r.skips) != 0 {
			t.Errorf("%s: errors %q, fatals %q, skips %q; want none", ex.ko, r.errors, r.fatals, r.skips)
		}
	}
}
