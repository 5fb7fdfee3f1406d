package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/srctree"
	"github.com/initsec/initsec/target"
)

func TestCellCopy(t *testing.T) {
	src := t.TempDir()
	for name, content := range map[string]string{
		"Kbuild": "obj-m += m.o\n", "m.c": "int x;\n", "sub/a.c": "", "sub/a.h": "",
		"m.o": "", "m.ko": "", "m.mod": "", "m.mod.c": "", ".m.o.cmd": "", "modules.order": "", "Module.symvers": "",
	} {
		p := filepath.Join(src, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	os.Symlink("m.c", filepath.Join(src, "link.c"))
	dst := filepath.Join(t.TempDir(), "cell", "m")
	if _, err := srctree.Copy(src, dst, cellCopy); err != nil {
		t.Fatal(err)
	}
	var got []string
	filepath.WalkDir(dst, func(p string, d os.DirEntry, err error) error {
		if !d.IsDir() {
			rel, _ := filepath.Rel(dst, p)
			got = append(got, rel)
		}
		return nil
	})
	if want := "Kbuild link.c m.c sub/a.c sub/a.h"; strings.Join(got, " ") != want {
		t.Errorf("copied %q, want %s (no kbuild output)", got, want)
	}
	if l, err := os.Readlink(filepath.Join(dst, "link.c")); err != nil || l != "m.c" {
		t.Errorf("symlink: %q, %v", l, err)
	}
}

func TestCellPath(t *testing.T) {
	for in, want := range map[string]string{
		"examples/hello": "examples/hello", "./examples/hello/": "examples/hello",
		"/abs/mod": "mod", "../up/mod": "mod",
	} {
		if got := cellPath(in); got != want {
			t.Errorf("cellPath(%q) = %q, want %q", in, got, want)
		}
	}
	if got := slug("debian-12/6.1/arm64"); got != "debian-12_6.1_arm64" {
		t.Errorf("slug = %q", got)
	}
}

func TestWriteTable(t *testing.T) {
	m := &Matrix{Targets: []string{"debian-sid/amd64"}, Modules: []string{"examples/hello", "examples/x"}, Seconds: 3, Cells: []Cell{
		{Module: "examples/hello", Target: "debian-sid/amd64", Kernel: "7.2.13+deb14-amd64", Env: "root", Built: true, Placed: 4, Entries: 4, InitBytes: 199, CoreSize: 16384},
		{Module: "examples/x", Target: "debian-sid/amd64", Env: "root", Error: "make failed"},
	}}
	var b bytes.Buffer
	m.WriteTable(&b)
	for _, want := range []string{"examples/hello  debian-sid/amd64  7.2.13+deb14-amd64  root  yes", "4/4", "199 B", "16384", "FAILED", "1 of 2 built"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

// A target not in the lock is resolved from the archive, and the log says
// so; a locked one never touches it. Offline: only the locked path runs.
func TestResolveTargetsFromLock(t *testing.T) {
	repo := t.TempDir()
	os.WriteFile(filepath.Join(repo, target.TargetsFile), []byte("debian-sid/amd64\n"), 0o644)
	sid, _ := target.ParseName("debian-sid/amd64")
	locked := target.Resolution{Target: sid, Packages: []target.Package{
		{Role: target.RoleHeaders, Name: "linux-headers-7.2.13+deb14-amd64", Version: "7.2.13-1", Arch: "amd64", SHA256: strings.Repeat("a", 64), Filename: "pool/main/l/linux/x.deb"},
		{Role: target.RoleCompiler, Name: "gcc-16", Version: "16.2.0-4", Arch: "amd64", SHA256: strings.Repeat("b", 64), Filename: "pool/main/g/gcc-16/y.deb"},
	}}
	if err := target.WriteLock(repo, []target.Resolution{locked}); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	rs, err := ResolveTargets(context.Background(), repo, []string{AllTargets}, &log)
	if err != nil || len(rs) != 1 || rs[0].Kernel() != "7.2.13+deb14-amd64" || log.Len() != 0 {
		t.Fatalf("ResolveTargets = %+v, %v, log %q", rs, err, log.String())
	}
	if _, err := ResolveTargets(context.Background(), t.TempDir(), []string{AllTargets}, &log); !errors.Is(err, target.ErrNoTargetsFile) {
		t.Errorf("all without initsec.targets: %v", err)
	}
	if _, err := ResolveTargets(context.Background(), repo, []string{"debian-11/amd64"}, &log); err == nil || !strings.Contains(err.Error(), "known targets") {
		t.Errorf("unknown release: %v", err)
	}
	sub := filepath.Join(repo, "a", "b")
	os.MkdirAll(sub, 0o755)
	if got, err := FindTargetsRoot(sub); err != nil || got != repo {
		t.Errorf("FindTargetsRoot = %q, %v; want %q", got, err, repo)
	}
}
