package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
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
	})
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
