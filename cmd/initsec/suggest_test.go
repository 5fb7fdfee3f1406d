package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
)

// TestSuggest runs `initsec suggest` on a hand-assembled object: text and
// JSON output, and the exit status of a linter.
func TestSuggest(t *testing.T) {
	as, err := exec.LookPath("as")
	if err != nil {
		testenv.SkipOrFail(t, "as is not installed")
	}
	dir := t.TempDir()
	src := `
	.text
	.type helper, @function
helper:	ret
	.size helper, .-helper
	.section .init.text,"ax"
	.globl init_module
	.type init_module, @function
init_module:
	call helper
	ret
	.size init_module, .-init_module
`
	if err := os.WriteFile(filepath.Join(dir, "x.s"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(as, "-o", filepath.Join(dir, "x.o"), filepath.Join(dir, "x.s")).CombinedOutput(); err != nil {
		t.Fatalf("as: %v\n%s", err, out)
	}
	obj := filepath.Join(dir, "x.o")
	var stdout, stderr bytes.Buffer
	if code := run(&stdout, &stderr, []string{"suggest", obj}); code != exitFindings {
		t.Fatalf("exit %d, want %d: %s", code, exitFindings, stderr.String())
	}
	want := filepath.ToSlash(obj) + ": helper (.text, 1 bytes): only referenced from init code (callers: init_module) — annotate it //go:init-section init\n"
	if !strings.HasPrefix(stdout.String(), want) {
		t.Errorf("text:\n%s\nwant first line:\n%s", stdout.String(), want)
	}
	stdout.Reset()
	if code := run(&stdout, &stderr, []string{"suggest", "-format", "json", obj}); code != exitFindings {
		t.Errorf("-format json: exit %d, want %d: %s", code, exitFindings, stderr.String())
	}
	var reps []suggestReport
	if err := json.Unmarshal(stdout.Bytes(), &reps); err != nil || len(reps) != 1 || reps[0].InitBytes != 1 || reps[0].Suggestions[0].Kind != "init" {
		t.Errorf("json: %v %s", err, stdout.String())
	}
	// A missing object is an error (2), even next to suggestions.
	stderr.Reset()
	if code := run(&stdout, &stderr, []string{"suggest", obj, filepath.Join(dir, "nope.ko")}); code != exitError || !strings.Contains(stderr.String(), "nope.ko") {
		t.Errorf("missing object: exit %d, stderr %q", code, stderr.String())
	}
	if code := run(&stdout, &stderr, []string{"suggest", "-format", "xml", obj}); code != exitError || !strings.Contains(stderr.String(), "unknown -format") {
		t.Errorf("bad -format: exit %d, stderr %q", code, stderr.String())
	}
}

// TestLikelyKernel: the kernel whose header index suggest looks at while
// it walks its arguments is -kdir's, else the installed tree's that an
// argument lies in; none when that directory is missing.
func TestLikelyKernel(t *testing.T) {
	arch := map[bool]string{true: "arm64", false: "x86"}[runtime.GOARCH == "arm64"]
	kdir := t.TempDir()
	if got := likelyKernel([]string{"x.ko"}, kdir); got.kernel != (headerKernel{kdir, arch}) {
		t.Errorf("-kdir %s: %+v", kdir, got.kernel)
	}
	if got := likelyKernel([]string{"x.ko"}, filepath.Join(kdir, "missing")); got.p != nil || got.roots != nil || got.kernel != (headerKernel{}) {
		t.Errorf("missing -kdir: %+v", got)
	}
	rel, ok := kernels.FindRelease("6.1.")
	if !ok {
		testenv.SkipOrFail(t, "no Debian 6.1 kernel with modules and headers installed")
	}
	pre := likelyKernel([]string{filepath.Join(rel.Tree, "kernel"), "other.ko"}, "")
	pre.wait()
	if want := (headerKernel{filepath.Join(rel.Tree, "build"), arch}); pre.kernel != want {
		t.Errorf("%s: %+v, want %+v", rel.Tree, pre.kernel, want)
	}
}
