package srctree

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestIsOutput(t *testing.T) {
	for _, name := range []string{"m.o", "m.mod.o", "m.ko", "m.mod", "m.mod.c", ".m.o.cmd", ".m.ko.cmd",
		"built-in.a", "m.dwo", "m.s", "modules.order", "Module.symvers", ".tmp_versions", ".tmp_m.o"} {
		if !IsOutput(name) {
			t.Errorf("IsOutput(%q) = false", name)
		}
	}
	for _, name := range []string{"m.c", "m.h", "m.S", "Kbuild", "Makefile", "m.c.orig", ".gitignore", "README"} {
		if IsOutput(name) {
			t.Errorf("IsOutput(%q) = true", name)
		}
	}
}

// tree makes a module directory with sources, kbuild output, a hidden
// directory and file, an executable script and a symbolic link.
func tree(t *testing.T) string {
	src := t.TempDir()
	for name, content := range map[string]string{
		"Kbuild": "obj-m += m.o\n", "m.c": "int x;\n", "sub/a.c": "a", "sub/a.h": "h", ".gitignore": "*.o\n",
		".git/HEAD": "ref\n", "gen.sh": "#!/bin/sh\n",
		"m.o": "", "m.ko": "", "m.mod": "", "m.mod.c": "", ".m.o.cmd": "", "modules.order": "", "Module.symvers": "",
		"sub/a.dwo": "", "sub/a.s": "", "built-in.a": "", ".tmp_versions/m.mod": "",
	} {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(src, "gen.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("m.c", filepath.Join(src, "link.c")); err != nil {
		t.Fatal(err)
	}
	return src
}

// listing returns dst's files, links marked "@", executables "*".
func listing(t *testing.T, dst string) string {
	var got []string
	filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dst, p)
		rel = filepath.ToSlash(rel)
		if d.Type()&fs.ModeSymlink != 0 {
			rel += "@"
		} else if info, _ := d.Info(); info.Mode().Perm()&0o100 != 0 {
			rel += "*"
		}
		got = append(got, rel)
		return nil
	})
	return strings.Join(got, " ")
}

func TestCopy(t *testing.T) {
	src := tree(t)
	for _, tc := range []struct {
		opts  CopyOptions
		want  string
		files []string
	}{
		{CopyOptions{}, "Kbuild gen.sh m.c sub/a.c sub/a.h",
			[]string{"Kbuild", "gen.sh", "m.c", "sub/a.c", "sub/a.h"}},
		{CopyOptions{Hidden: true, Symlinks: true, Perm: true}, ".git/HEAD .gitignore Kbuild gen.sh* link.c@ m.c sub/a.c sub/a.h",
			[]string{".git/HEAD", ".gitignore", "Kbuild", "gen.sh", "m.c", "sub/a.c", "sub/a.h"}},
	} {
		dst := filepath.Join(t.TempDir(), "m")
		files, err := Copy(src, dst, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := listing(t, dst); got != tc.want {
			t.Errorf("%+v: copied %s, want %s", tc.opts, got, tc.want)
		}
		if got := slices.Sorted(maps.Keys(files)); !slices.Equal(got, tc.files) {
			t.Errorf("%+v: returned %q, want %q", tc.opts, got, tc.files)
		}
		if string(files["sub/a.c"]) != "a" {
			t.Errorf("%+v: sub/a.c = %q", tc.opts, files["sub/a.c"])
		}
	}
}

// dirWith makes a directory holding the Old content of each change.
func dirWith(t *testing.T, changes []Change) string {
	dir := t.TempDir()
	for _, c := range changes {
		if err := os.WriteFile(filepath.Join(dir, c.Path), c.Old, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func check(t *testing.T, dir string, changes []Change, applied bool) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	if len(ents) != len(changes) {
		t.Errorf("temporary files left: %v", ents)
	}
	for _, c := range changes {
		p := filepath.Join(dir, c.Path)
		got, _ := os.ReadFile(p)
		want := c.Old
		if applied {
			want = c.New
		}
		if string(got) != string(want) {
			t.Errorf("%s = %q, want %q", c.Path, got, want)
		}
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o640 {
			t.Errorf("%s: mode %v, %v; want 0640", c.Path, fi.Mode(), err)
		}
	}
}

func changes() []Change {
	return []Change{
		{Path: "a.c", Old: []byte("a old\n"), New: []byte("a new\n")},
		{Path: "b.c", Old: []byte("b old\n"), New: []byte("b new\n")},
		{Path: "c.c", Old: []byte("c old\n"), New: []byte("c new\n")},
	}
}

func TestWriteAll(t *testing.T) {
	cs := changes()
	dir := dirWith(t, cs)
	if err := WriteAll(dir, cs, "run again"); err != nil {
		t.Fatal(err)
	}
	check(t, dir, cs, true)
}

func TestWriteAllChangedSinceRead(t *testing.T) {
	cs := changes()
	dir := dirWith(t, cs)
	edited := []byte("edited meanwhile\n")
	if err := os.WriteFile(filepath.Join(dir, "c.c"), edited, 0o640); err != nil {
		t.Fatal(err)
	}
	err := WriteAll(dir, cs, "run convert again")
	if err == nil || !strings.HasSuffix(err.Error(), "c.c changed since it was read; nothing written (run convert again)") {
		t.Fatalf("err = %v", err)
	}
	cs[2].Old = edited // what the file holds now
	check(t, dir, cs, false)
}

func TestWriteAllRenameFails(t *testing.T) {
	cs := changes()
	dir := dirWith(t, cs)
	TestHookRename = func(oldpath, newpath string) error {
		if filepath.Base(newpath) == "c.c" {
			return errors.New("injected")
		}
		return os.Rename(oldpath, newpath)
	}
	defer func() { TestHookRename = nil }()
	err := WriteAll(dir, cs, "run again")
	if err == nil || !strings.Contains(err.Error(), "injected (files already written were restored)") {
		t.Fatalf("err = %v", err)
	}
	check(t, dir, cs, false)
}

func TestWriteAllWriteTempFails(t *testing.T) {
	cs := changes()
	dir := dirWith(t, cs)
	TestHookWriteTemp = func(p string) error {
		if filepath.Base(p) == "b.c" {
			return errors.New("disk full")
		}
		return nil
	}
	defer func() { TestHookWriteTemp = nil }()
	if err := WriteAll(dir, cs, "run again"); err == nil {
		t.Fatal("WriteAll succeeded")
	}
	check(t, dir, cs, false)
}
