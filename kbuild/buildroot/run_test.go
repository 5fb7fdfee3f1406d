package buildroot

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCheckBinds(t *testing.T) {
	dir := t.TempDir()
	for _, inside := range []string{"/tmp/x", "/build", "/build/../etc", "build/x", "/buildx/y"} {
		if _, err := checkBinds([]Bind{{Host: dir, Inside: inside}}); err == nil {
			t.Errorf("bind at %q: no error", inside)
		}
	}
	if _, err := checkBinds([]Bind{{Host: filepath.Join(dir, "missing"), Inside: "/build/x"}}); err == nil {
		t.Error("bind of a missing directory: no error")
	}
	got, err := checkBinds([]Bind{{Host: dir, Inside: "/build/a/./b/", ReadOnly: true}})
	if err != nil || got[0].Inside != "/build/a/b" || got[0].Host != dir || !got[0].ReadOnly {
		t.Errorf("checkBinds = %+v, %v", got, err)
	}
}

// TestRun runs the root's own programs on bound directories: the root's C
// library (sid's, newer than the host's), a read-write and a read-only
// bind, the exit status, and no mounts left behind.
func TestRun(t *testing.T) {
	needRoots(t)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Minute)
	defer cancel()
	r, err := testCache(t).Ensure(ctx, sidSpec)
	if err != nil {
		t.Fatal(err)
	}
	in, out := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(in, "hello"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := watchMounts(t, r)
	var stdout, stderr bytes.Buffer
	err = r.Run(ctx, []string{"/bin/sh", "-c", "cat hello > /build/out/copy && ldd --version | head -n1 && ! touch /build/in/x"}, RunOptions{
		Dir:    "/build/in",
		Stdout: &stdout, Stderr: &stderr,
		Binds: []Bind{{Host: in, Inside: "/build/in", ReadOnly: true}, {Host: out, Inside: "/build/out"}},
	})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, stderr.String())
	}
	w.check(t)
	checkNoHostMounts(t, r)
	if b, err := os.ReadFile(filepath.Join(out, "copy")); err != nil || string(b) != "hello\n" {
		t.Errorf("copy through the binds: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(in, "x")); err == nil {
		t.Error("wrote through a read-only bind")
	}
	t.Logf("the root's C library: %s", strings.TrimSpace(stdout.String()))

	err = r.Run(ctx, []string{"/bin/sh", "-c", "exit 3"}, RunOptions{})
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Errorf("exit 3: %v, want an *exec.ExitError with status 3", err)
	}
	if err := r.Run(ctx, []string{"sh"}, RunOptions{}); err == nil {
		t.Error("relative program: no error")
	}
}
