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

// TestExitCodes pins the exit status contract CI relies on.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.ko")
	os.WriteFile(garbage, []byte("this is not an ELF file at all"), 0o644)
	empty := filepath.Join(dir, "empty.ko")
	os.WriteFile(empty, nil, 0o644)
	cases := []struct {
		args []string
		want int
		out  string // substring of stderr
	}{
		{nil, exitError, "Usage"},
		{[]string{"-h"}, exitOK, "Commands:"},
		{[]string{"frobnicate"}, exitError, "unknown command"},
		{[]string{"generate", "-h"}, exitOK, "Usage: initsec generate"},
		{[]string{"generate", "-nope"}, exitError, "flag provided but not defined"},
		{[]string{"generate", dir}, exitError, "no module directory"},
		{[]string{"verify"}, exitError, "Usage: initsec verify"},
		{[]string{"verify", "-format", "xml", garbage}, exitError, "unknown -format"},
		{[]string{"verify", "-manifest", filepath.Join(dir, "nope.json"), garbage}, exitError, "nope.json"},
		{[]string{"build", "-h"}, exitOK, "Usage: initsec build"},
	}
	// generate -h names every kind of file gen writes, and where.
	for _, f := range []string{"foo.initsec.h", "foo.h.initsec.h", "Kbuild.initsec", "initsec/initsec_gen.go", "initsec/initsec_gen_test.go", "_initsec_blob.S", "_initsec_data.c", "_initsec_data.h", "tables/"} {
		cases = append(cases, struct {
			args []string
			want int
			out  string
		}{[]string{"generate", "-h"}, exitOK, f})
	}
	for _, tc := range cases {
		var stdout, stderr bytes.Buffer
		got := run(&stdout, &stderr, tc.args)
		if got != tc.want {
			t.Errorf("initsec %s: exit %d, want %d\nstderr: %s", strings.Join(tc.args, " "), got, tc.want, stderr.String())
		}
		if !strings.Contains(stderr.String()+stdout.String(), tc.out) {
			t.Errorf("initsec %s: output lacks %q:\n%s%s", strings.Join(tc.args, " "), tc.out, stdout.String(), stderr.String())
		}
	}
}
