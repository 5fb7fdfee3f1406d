package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/kbuild"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"initsec": func() { os.Exit(run(os.Stdout, os.Stderr, os.Args[1:])) },
	})
}

// TestScripts runs the CLI scenarios in testdata/script. Scripts that build
// with the real kbuild are guarded by [kbuild]; without kernel headers they
// skip on a developer's machine and fail under CI=true.
func TestScripts(t *testing.T) {
	kdir, kerr := kbuild.FindKDIR()
	if kerr != nil && testenv.CI() {
		t.Fatalf("CI=true but no kernel build directory: %v", kerr)
	}
	// verify_mismatch.txtar skips without gcc; CI must run it.
	if _, err := exec.LookPath("gcc"); err != nil && testenv.CI() {
		t.Fatalf("CI=true but no gcc: %v", err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("KDIR", kdir)
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "kbuild" {
				return kerr == nil, nil
			}
			return false, nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitcode,
		},
	})
}

// cmdExitcode is the script command
//
//	exitcode N program [args...]
//
// It runs program as exec does (the next stdout and stderr commands match
// its output) and fails unless the program exits with status N. Scripts
// use it wherever the status matters: `! exec` accepts any failure, and
// initsec's statuses are a contract with CI (0 clean, 1 findings or stale
// files, 2 usage, I/O or build errors). `! exitcode` is refused: name the
// status wanted.
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode (say which status: exitcode N ...)")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil || want < 0 || want > 255 {
		ts.Fatalf("exitcode: status %q is not a number from 0 to 255", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() < 0 {
			ts.Fatalf("exitcode: %s did not exit: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

// TestExitCodes pins the exit status contract CI relies on: 0 clean, 1
// findings, 2 usage or an object that could not be read or checked. The
// usage cases stop before any file is read; the object cases reach real
// objects (see TestVerifyExitCodes).
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	ko := filepath.Join(dir, "never-read.ko") // flag errors come first
	cases := []exitCase{
		{nil, exitError, "Usage"},
		{[]string{"-h"}, exitOK, "Commands:"},
		{[]string{"frobnicate"}, exitError, "unknown command"},
		{[]string{"generate", "-h"}, exitOK, "Usage: initsec generate"},
		{[]string{"generate", "-nope"}, exitError, "flag provided but not defined"},
		{[]string{"generate", dir}, exitError, "no module directory"},
		{[]string{"verify"}, exitError, "Usage: initsec verify"},
		{[]string{"verify", "-format", "xml", ko}, exitError, "unknown -format"},
		{[]string{"verify", "-manifest", filepath.Join(dir, "nope.json"), ko}, exitError, "nope.json"},
		{[]string{"build", "-h"}, exitOK, "Usage: initsec build"},
	}
	// generate -h names every kind of file gen writes, and where.
	for _, f := range []string{"foo.initsec.h", "foo.h.initsec.h", "Kbuild.initsec", "initsec/initsec_gen.go", "initsec/initsec_gen_test.go", "_initsec_blob.S", "_initsec_data.c", "_initsec_data.h", "tables/"} {
		cases = append(cases, exitCase{[]string{"generate", "-h"}, exitOK, f})
	}
	for _, tc := range cases {
		tc.check(t)
	}
}

// TestVerifyExitCodes runs initsec verify on real objects: gcc-built ones
// with and without a section mismatch, and broken files that must be
// errors naming the file, never a panic.
func TestVerifyExitCodes(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		testenv.SkipOrFail(t, "gcc is not installed: this test builds the objects with it")
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const modinfo = `
static const char __modinfo[] __attribute__((used, section(".modinfo"), aligned(1))) =
	"license=GPL\0vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions ";
`
	const decl = "int foo_init(void) __attribute__((section(\".init.text\"), noinline));\nint foo_init(void) { return 1; }\n"
	write("clean.c", []byte(decl+"int __attribute__((section(\".init.text\"))) other_init(void) { return foo_init() + 1; }\n"+modinfo))
	write("mod.c", []byte(decl+"int bad_ref(void) { return foo_init() + 1; }\n"+modinfo))
	for _, name := range []string{"clean", "mod"} {
		cmd := exec.Command(gcc, "-c", "-O2", "-o", name+".o", name+".c")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gcc: %v\n%s", err, out)
		}
	}
	clean, mod := filepath.Join(dir, "clean.o"), filepath.Join(dir, "mod.o")
	elf, err := os.ReadFile(clean)
	if err != nil {
		t.Fatal(err)
	}
	truncated := write("truncated.ko", elf[:len(elf)/2]) // section headers cut off
	garbage := write("garbage.ko", []byte("this is not an ELF file at all"))
	empty := write("empty.ko", nil)
	nothing := filepath.Join(dir, "nothing")
	if err := os.Mkdir(nothing, 0o755); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []exitCase{
		{[]string{"verify", clean}, exitOK, ""},
		{[]string{"verify", "-v", mod}, exitFindings, "initsec verify: decoders: xz: "},
		{[]string{"verify", mod}, exitFindings, "mod.o: warning: bad_ref+0x"},
		{[]string{"verify", "-format", "json", mod}, exitFindings, `"rule": "mismatch/text-to-init"`},
		{[]string{"verify", garbage}, exitError, garbage + ": not an ELF object"},
		{[]string{"verify", truncated}, exitError, truncated + ": truncated section header table"},
		{[]string{"verify", empty}, exitError, empty + ": empty file"},
		{[]string{"verify", filepath.Join(dir, "absent.ko")}, exitError, "absent.ko"},
		// An error outranks a finding; the other objects are still checked.
		{[]string{"verify", mod, garbage}, exitError, "1 finding(s), 1 error(s)"},
		// A path with no object in it is an error naming it, with the
		// build-first hint; the other arguments are still checked.
		{[]string{"verify", nothing}, exitError, nothing + ": no module object (.ko, .o) to check (hint: build first: initsec build " + nothing + ", or mage initsec:build)"},
		{[]string{"verify", clean, nothing}, exitError, "1 object(s) checked: 0 finding(s), 1 error(s)"},
		{[]string{"verify", "-format", "json", nothing}, exitError, nothing + ": no module object"},
		{[]string{"report", nothing}, exitError, nothing + ": no module object"},
		{[]string{"suggest", nothing}, exitError, nothing + ": no module object"},
		// -sub must name a directory inside DIR: refused before any copy.
		{[]string{"suggest", "-diff", "-sub", "../elsewhere", nothing}, exitError, `the module directory "../elsewhere" is not inside`},
	} {
		stdout, stderr := tc.check(t)
		if strings.Contains(stdout+stderr, "panic") {
			t.Errorf("initsec %s: output mentions a panic:\n%s%s", strings.Join(tc.args, " "), stdout, stderr)
		}
		if tc.want == exitOK && stdout+stderr != "" {
			t.Errorf("initsec %s: exit 0 but output:\n%s%s", strings.Join(tc.args, " "), stdout, stderr)
		}
	}
}

// exitCase is one run of initsec: its arguments, the status it must end
// with, and a substring of its output.
type exitCase struct {
	args []string
	want int
	out  string // substring of stdout+stderr
}

// check runs the case and reports a wrong status or missing output; it
// returns the output.
func (tc exitCase) check(t *testing.T) (stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	got := run(&o, &e, tc.args)
	if got != tc.want {
		t.Errorf("initsec %s: exit %d, want %d\nstderr: %s", strings.Join(tc.args, " "), got, tc.want, e.String())
	}
	if !strings.Contains(o.String()+e.String(), tc.out) {
		t.Errorf("initsec %s: output lacks %q:\n%s%s", strings.Join(tc.args, " "), tc.out, o.String(), e.String())
	}
	return o.String(), e.String()
}
