package kbuild

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/modpost"
)

// realKDIR finds the machine's kernel build directory and build tools. It
// skips the test when they are missing, except under CI=true, where a
// missing kbuild is a failure.
func realKDIR(t *testing.T) string {
	t.Helper()
	fail := t.Skipf
	if testenv.CI() {
		fail = t.Fatalf
	}
	kdir, err := FindKDIR()
	if err != nil {
		fail("no kernel build directory: %v", err)
	}
	if err := checkTools(kdir, Options{}); err != nil {
		fail("no build tools: %v", err)
	}
	return kdir
}

func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		writeFile(t, filepath.Join(dir, name), content)
	}
	return dir
}

const helloC = `#include <linux/module.h>
#include <linux/init.h>

static int __init hello_init(void) { return 0; }
static void __exit hello_exit(void) { }
module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
`

// mismatchC has two section mismatches modpost reports in every version:
// an exported .text function calling an __init one (noinline, or gcc would
// fold it in), and a .data object, whose name matches none of modpost's
// whitelisted patterns (*_ops, *_probe, *driver, ...), pointing at one.
const mismatchC = `#include <linux/module.h>
#include <linux/init.h>

int __init noinline mm_setup(void);
int __init noinline mm_setup(void) { return 0; }

int mm_entry(void);
int mm_entry(void) { return mm_setup(); }
EXPORT_SYMBOL(mm_entry);

struct mm_hook { int (*fn)(void); };
struct mm_hook mm_table = { .fn = mm_setup };
EXPORT_SYMBOL(mm_table);

static int __init mm_init(void) { return mm_entry(); }
static void __exit mm_exit(void) { }
module_init(mm_init);
module_exit(mm_exit);
MODULE_LICENSE("GPL");
`

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestBuildClean(t *testing.T) {
	t.Parallel()
	kdir := realKDIR(t)
	dir := writeModule(t, map[string]string{"Kbuild": "obj-m := hello.o\n", "hello.c": helloC})
	var out bytes.Buffer
	res, err := Build(testCtx(t), dir, Options{KDIR: kdir, Jobs: 2, Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	ko := filepath.Join(dir, "hello.ko")
	if len(res.Modules) != 1 || res.Modules[0] != ko {
		t.Errorf("Modules = %q, want [%s]", res.Modules, ko)
	}
	if _, err := os.Stat(ko); err != nil {
		t.Error(err)
	}
	for _, w := range res.Warnings {
		if w.Kind != modpost.KindOther {
			t.Errorf("unexpected modpost message: %s", w.Raw)
		}
	}
	if !strings.Contains(out.String(), "hello.ko") || !strings.Contains(res.Output, "hello.ko") {
		t.Errorf("output not streamed and captured:\nstreamed: %s\ncaptured: %s", out.String(), res.Output)
	}
	wantArgs := []string{"make", "-C", kdir, "M=" + dir, "-j2", "CONFIG_SECTION_MISMATCH_WARN_ONLY=", "modules"}
	if strings.Join(res.Command, " ") != strings.Join(wantArgs, " ") {
		t.Errorf("Command = %q, want %q", res.Command, wantArgs)
	}

	if err := Clean(testCtx(t), dir, Options{KDIR: kdir}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ko); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Clean: stat %s: %v", ko, err)
	}
}

// checkMismatches asserts that ws hold both of mismatchC's mismatches.
func checkMismatches(t *testing.T, ws []modpost.Warning) {
	t.Helper()
	var text, data bool
	for _, w := range ws {
		if w.Kind != modpost.KindSectionMismatch {
			continue
		}
		if !strings.HasSuffix(strings.TrimSuffix(w.Module, ".o"), "/mm") {
			t.Errorf("Module = %q, want the path of mm", w.Module)
		}
		switch {
		case w.FromSym == "mm_entry" && strings.HasPrefix(w.FromSec, ".text") &&
			w.ToSym == "mm_setup" && w.ToSec == ".init.text":
			text = true
		case w.FromSym == "mm_table" && w.FromSec == ".data" &&
			w.ToSym == "mm_setup" && w.ToSec == ".init.text":
			data = true
		default:
			t.Errorf("unexpected mismatch %+v", w)
		}
	}
	if !text || !data {
		t.Errorf("mismatches found: text->init %v, data->init %v; warnings: %+v", text, data, ws)
	}
}

func TestBuildSectionMismatchIsFatal(t *testing.T) {
	t.Parallel()
	kdir := realKDIR(t)
	dir := writeModule(t, map[string]string{"Kbuild": "obj-m := mm.o\n", "mm.c": mismatchC})
	res, err := Build(testCtx(t), dir, Options{KDIR: kdir})
	if err == nil {
		t.Fatalf("build succeeded, want a fatal section mismatch; output:\n%s", res.Output)
	}
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want *BuildError", err)
	}
	checkMismatches(t, be.Warnings)
	msg := err.Error()
	t.Logf("error:\n%s", msg)
	for _, want := range []string{"make -C " + kdir, "M=" + dir, "CONFIG_SECTION_MISMATCH_WARN_ONLY= ", "Section mismatches detected"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not contain %q:\n%s", want, msg)
		}
	}
}

func TestBuildSectionMismatchWarnOnly(t *testing.T) {
	t.Parallel()
	kdir := realKDIR(t)
	dir := writeModule(t, map[string]string{"Kbuild": "obj-m := mm.o\n", "mm.c": mismatchC})
	res, err := Build(testCtx(t), dir, Options{KDIR: kdir, MismatchWarnOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	checkMismatches(t, res.Warnings)
	for _, w := range res.Warnings {
		t.Logf("%#v", w)
	}
	if want := filepath.Join(dir, "mm.ko"); len(res.Modules) != 1 || res.Modules[0] != want {
		t.Errorf("Modules = %q, want [%s]", res.Modules, want)
	}
}

func TestBuildCompileError(t *testing.T) {
	t.Parallel()
	kdir := realKDIR(t)
	dir := writeModule(t, map[string]string{"Kbuild": "obj-m := bad.o\n", "bad.c": "this is not C;\n"})
	_, err := Build(testCtx(t), dir, Options{KDIR: kdir})
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want *BuildError", err)
	}
	if !strings.Contains(err.Error(), "bad.c") {
		t.Errorf("error does not quote the compiler's complaint:\n%v", err)
	}
}

func TestBuildMissingTools(t *testing.T) {
	kdir := realKDIR(t)
	dir := writeModule(t, map[string]string{"Kbuild": "obj-m := hello.o\n", "hello.c": helloC})
	// An empty PATH: make itself is missing.
	_, err := Build(testCtx(t), dir, Options{KDIR: kdir, Env: []string{"PATH=" + t.TempDir()}})
	var te *ToolError
	if !errors.As(err, &te) || te.Package != "make" {
		t.Errorf("err = %v, want a *ToolError for make", err)
	}
	// A cross compiler that is not installed.
	_, err = Build(testCtx(t), dir, Options{KDIR: kdir, Arch: "arm64", CrossCompile: "initsec-none-linux-gnu-"})
	if !errors.As(err, &te) || !strings.Contains(te.Package, "initsec-none-linux-gnu") || !strings.Contains(err.Error(), "apt-get install") {
		t.Errorf("err = %v, want a *ToolError naming the cross compiler's package", err)
	}
}

// TestBuildRejectsBadOptions: options make would misread, a module path
// kbuild cannot build in and a KDIR that is no kbuild directory are refused
// before make runs, with an error naming the fault. No real kbuild needed.
func TestBuildRejectsBadOptions(t *testing.T) {
	kdir := fakeHeaders(t, t.TempDir(), "6.1.0-56-amd64", "x86", "6.1.192")
	dir := writeModule(t, map[string]string{"Kbuild": "obj-m := hello.o\n", "hello.c": helloC})
	spaced := filepath.Join(t.TempDir(), "my module")
	writeFile(t, filepath.Join(spaced, "Kbuild"), "obj-m := hello.o\n")
	notKbuild := t.TempDir()
	for _, tc := range []struct {
		dir  string
		opts Options
		want string
	}{
		{dir, Options{KDIR: kdir, Vars: []string{"NOEQUALS"}}, `make variable "NOEQUALS": want NAME=VALUE`},
		{dir, Options{KDIR: kdir, Vars: []string{"=x"}}, `make variable "=x"`},
		{dir, Options{KDIR: kdir, Vars: []string{"A=b\nc"}}, "on one line"},
		{dir, Options{KDIR: kdir, Arch: "x86 y"}, `option Arch "x86 y": contains white space`},
		{dir, Options{KDIR: notKbuild}, notKbuild + ": not a kbuild directory: no Makefile"},
		{spaced, Options{KDIR: kdir}, "kbuild cannot handle white space"},
		{filepath.Join(dir, "hello.c"), Options{KDIR: kdir}, "not a directory"},
		{filepath.Join(dir, "nope"), Options{KDIR: kdir}, "no such file or directory"},
	} {
		_, err := Build(testCtx(t), tc.dir, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Build(%s, %+v) = %v, want an error containing %q", tc.dir, tc.opts, err, tc.want)
		}
		var be *BuildError
		if errors.As(err, &be) {
			t.Errorf("Build(%s, %+v) ran make: %v", tc.dir, tc.opts, err)
		}
	}
}

func TestBuildCancelled(t *testing.T) {
	kdir := realKDIR(t)
	dir := writeModule(t, map[string]string{"Kbuild": "obj-m := hello.o\n", "hello.c": helloC})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Build(ctx, dir, Options{KDIR: kdir})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
