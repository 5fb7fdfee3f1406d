package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/initsec/initsec/boottest"
	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/internal/srctree"
)

// TestSuggestProveOutsideModule runs initsec as a user who installed it
// does: a binary run in a copy of a driver directory outside this Go
// module, with GOFLAGS and GOWORK that would break a go build there.
// `suggest -apply -prove` must build the guest /init from the sources
// embedded in the binary (into an empty cache), boot, and write the edits.
func TestSuggestProveOutsideModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with kbuild and boots a kernel under QEMU (-short)")
	}
	tg, err := kernels.Find61()
	if err != nil {
		testenv.SkipOrFail(t, "kernel tree not available: %v", err)
	}
	if _, err := boottest.FindKernel(tg.Release); err != nil {
		testenv.SkipOrFail(t, "%v", err)
	}
	for _, tool := range []string{"go", "make", "gcc", boottest.Arches["amd64"].QEMU} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.SkipOrFail(t, "%v", err)
		}
	}
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "initsec")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(t.TempDir(), "macro")
	if _, err := srctree.Copy("../../suggest/apply/testdata/macro", dir, srctree.CopyOptions{}); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()

	cmd := exec.Command(bin, "suggest", "-apply", "-prove", "-kdir", tg.KDIR, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GOFLAGS=-modfile=/nonexistent/go.mod", "GOWORK=/nonexistent/go.work",
		"XDG_CACHE_HOME="+cache, "GOCACHE="+strings.TrimSpace(string(gocache)))
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("initsec suggest -apply -prove: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	t.Logf("stdout:\n%s", out)
	proof := regexp.MustCompile(`(?m)^proof ` + regexp.QuoteMeta(tg.Release) + ` mac: [1-9]\d* bytes moved; .*; booted: live, initsize 0, unloaded; coresize [1-9]\d* -> [1-9]\d*$`)
	if !proof.MatchString(out) || !strings.HasSuffix(out, "\napplied: 1 file(s) written\n") {
		t.Errorf("stdout lacks the booted proof of mac or the write")
	}
	src, err := os.ReadFile(filepath.Join(dir, "mac.c"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "static noinline int __init parse_opts(int v)\n") {
		t.Errorf("mac.c not annotated:\n%s", src)
	}
	guests, _ := filepath.Glob(filepath.Join(cache, "initsec", "guest", "init-*-amd64-go*"))
	if len(guests) != 1 {
		t.Errorf("guest cache holds %v, want the one amd64 guest this run built", guests)
	}
}
