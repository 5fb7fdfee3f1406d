package module

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/initsec/initsec/annotate"
)

// copyDir copies the module src into a new temp dir and returns it.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// edit helpers for TestLoadDataErrors.
func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func replaceIn(t *testing.T, p, old, new string) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", p, old)
	}
	writeFile(t, p, strings.Replace(string(data), old, new, 1))
}

// TestLoadDirectiveErrors: a bad directive is an annotate.ErrorList whose
// first error has the position and a hint.
func TestLoadDirectiveErrors(t *testing.T) {
	cases := []struct {
		name, edit string
		wantPos    string // file:line:col
		wantMsg    string
	}{
		{"unknown kind", "//go:init-section initt\nstatic int x;\n", "hello.c:44:1", "unknown"},
		{"initconst on non-const", "//go:init-section initconst\nstatic int x = 1;\n", "hello.c:", "const"},
		{"blank line", "//go:init-section initdata\n\nstatic int x = 1;\n", "hello.c:44:1", "declaration"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, filepath.Join("testdata", "modules", "hello"))
			src := filepath.Join(dir, "hello.c")
			data, _ := os.ReadFile(src)
			// Insert the bad directive before MODULE_DESCRIPTION (line 44).
			text := strings.Replace(string(data), "MODULE_DESCRIPTION", tc.edit+"MODULE_DESCRIPTION", 1)
			if err := os.WriteFile(src, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(dir)
			var el annotate.ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("err = %v, want annotate.ErrorList", err)
			}
			if !strings.Contains(el[0].Pos.String(), tc.wantPos) || !strings.Contains(el[0].Msg+el[0].Hint, tc.wantMsg) || el[0].Hint == "" {
				t.Errorf("error = %v, want %s ... %s with a hint", el[0], tc.wantPos, tc.wantMsg)
			}
		})
	}
}

func TestMissingTrailer(t *testing.T) {
	dir := copyDir(t, filepath.Join("testdata", "modules", "hello"))
	src := filepath.Join(dir, "hello.c")
	data, _ := os.ReadFile(src)
	text := strings.Replace(string(data), "#include \"hello.initsec.h\"\n", "", 1)
	if err := os.WriteFile(src, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), `#include "hello.initsec.h"`) || !strings.Contains(err.Error(), "hello.c:") {
		t.Fatalf("err = %v, want the trailer line to add, with the position", err)
	}
}

// TestLoadDataErrors: the checks of blobs, Go tables and the kbuild file
// report the position of the problem, with a hint.
func TestLoadDataErrors(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "outside.bin")
	writeFile(t, outside, "secret")
	cases := []struct {
		name    string
		module  string
		edit    func(t *testing.T, dir string)
		wantPos string // prefix of file:line:col
		wantMsg string
	}{
		{"blob path absolute", "blob", func(t *testing.T, dir string) {
			replaceIn(t, filepath.Join(dir, "main.c"), "blob=fw/table.bin", "blob=/etc/passwd")
		}, "main.c:5:34", "absolute"},
		{"blob path climbs out", "blob", func(t *testing.T, dir string) {
			replaceIn(t, filepath.Join(dir, "main.c"), "blob=fw/table.bin", "blob=fw/../../x.bin")
		}, "main.c:5:34", "leaves the module directory"},
		{"blob through a symlink outside", "blob", func(t *testing.T, dir string) {
			if err := os.Symlink(outside, filepath.Join(dir, "fw", "link.bin")); err != nil {
				t.Fatal(err)
			}
			replaceIn(t, filepath.Join(dir, "main.c"), "blob=fw/table.bin", "blob=fw/link.bin")
		}, "main.c:5:34", "outside the module directory"},
		{"blob directory symlinked outside", "blob", func(t *testing.T, dir string) {
			if err := os.Symlink(filepath.Dir(outside), filepath.Join(dir, "ext")); err != nil {
				t.Fatal(err)
			}
			replaceIn(t, filepath.Join(dir, "main.c"), "blob=fw/table.bin", "blob=ext/outside.bin")
		}, "main.c:5:34", "outside the module directory"},
		{"blob missing", "blob", func(t *testing.T, dir string) {
			replaceIn(t, filepath.Join(dir, "main.c"), "blob=fw/table.bin", "blob=fw/nope.bin")
		}, "main.c:5:34", "does not exist"},
		{"blob empty", "blob", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "fw", "table.bin"), "")
		}, "main.c:5:34", "is empty"},
		{"blob is a directory", "blob", func(t *testing.T, dir string) {
			replaceIn(t, filepath.Join(dir, "main.c"), "blob=fw/table.bin", "blob=fw")
		}, "main.c:5:34", "not a regular file"},
		{"blob path with make characters", "blob", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "fw", "a:b.bin"), "x")
			replaceIn(t, filepath.Join(dir, "main.c"), "blob=fw/table.bin", "blob=fw/a:b.bin")
		}, "main.c:5:34", "characters make would interpret"},
		{"blob alignment not a literal", "blob", func(t *testing.T, dir string) {
			replaceIn(t, filepath.Join(dir, "main.c"), "__aligned(64)", "__aligned(PAGE_SIZE)")
		}, "main.c:6:1", "alignment"},
		{"blob size symbol clash", "blob", func(t *testing.T, dir string) {
			replaceIn(t, filepath.Join(dir, "main.c"), "MODULE_LICENSE", "//go:init-section initdata\nint blob_table_size;\n\nMODULE_LICENSE")
		}, "main.c:5:1", "blob_table_size is also annotated"},
		{"module not composite", "blob", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "Kbuild"), "obj-m += blob.o\ninclude $(src)/Kbuild.initsec\n")
		}, "Kbuild:1:1", "composite"},
		{"Kbuild does not include the fragment", "blob", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "Kbuild"), "obj-m += blob.o\nblob-y := main.o\n")
		}, "Kbuild:3:1", "does not include"},
		{"fragment included before the object list", "gotables", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "Kbuild"), "obj-m += gotables.o\ninclude $(src)/Kbuild.initsec\ngotables-objs := main.o\n")
		}, "Kbuild:2:1", "included before line 3"},
		{"Go value not constant", "gotables", func(t *testing.T, dir string) {
			replaceIn(t, filepath.Join(dir, "tables", "tables.go"), "{0, 0x77073096,", "{uint32(notAnnotated), 0x77073096,")
		}, "tables/tables.go:11:26", "not a constant"},
		{"Go type unsupported", "gotables", func(t *testing.T, dir string) {
			replaceIn(t, filepath.Join(dir, "tables", "tables.go"), "var Magic int32", "var Magic int")
		}, "tables/tables.go:32:5", "unsupported type"},
		{"Go name clashes with a C annotation", "gotables", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "tables", "more.go"), "package tables\n\n//go:init-section initconst\nvar GotablesInit = \"x\"\n")
		}, "tables/more.go:3:1", "also declared at main.c:5:1"},
		{"Go table beside the C files", "gotables", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "t.go"), "package t\n\n//go:init-section initconst\nvar X = \"x\"\n")
		}, "t.go:3:1", "Go table in the module directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, filepath.Join("testdata", "modules", tc.module))
			tc.edit(t, dir)
			_, err := Load(dir)
			var el annotate.ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("err = %v, want annotate.ErrorList", err)
			}
			found := false
			for _, e := range el {
				if strings.HasPrefix(e.Pos.String(), tc.wantPos) && strings.Contains(e.Msg, tc.wantMsg) {
					found = true
					if e.Hint == "" {
						t.Errorf("no hint: %v", e)
					}
				}
			}
			if !found {
				t.Errorf("errors:\n%v\nwant %s: ...%s...", err, tc.wantPos, tc.wantMsg)
			}
		})
	}
}

// TestManifestBlobSizes: the manifest records each blob's size as Load
// found it, and an entry for its size symbol.
func TestManifestBlobSizes(t *testing.T) {
	dir := copyDir(t, filepath.Join("testdata", "modules", "blob"))
	writeFile(t, filepath.Join(dir, "fw", "table.bin"), "ABCDEFGHIJK")
	m, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]uint64{}
	for _, e := range Manifest(m).Entries {
		sizes[e.Symbol] = e.Size
	}
	if sizes["blob_table"] != 11 || sizes["blob_scratch"] != 7 {
		t.Errorf("manifest sizes = %v", sizes)
	}
	if _, ok := sizes["blob_table_size"]; !ok {
		t.Error("no manifest entry for blob_table_size")
	}
}

// TestLoadKbuildErrors: a directory without obj-m says what to add.
func TestLoadKbuildErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "Kbuild"), "obj-y += core.o\n")
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), `hint: add "obj-m += NAME.o"`) {
		t.Errorf("Load(no obj-m) = %v, want the line to add", err)
	}
}

// TestLoadUnreadableSources: a FIFO (reading it would block forever) or a
// broken symbolic link among the module's .c files is an error naming it,
// not a hang or a bare "no such file".
func TestLoadUnreadableSources(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(p string) error
		want string
	}{
		{"fifo.c", func(p string) error { return syscall.Mkfifo(p, 0o644) }, "fifo.c: not a regular file (hint: "},
		{"dangling.c", func(p string) error { return os.Symlink("nowhere.c", p) }, "dangling.c: broken symbolic link"},
	} {
		dir := copyDir(t, filepath.Join("testdata", "modules", "hello"))
		if err := tc.make(filepath.Join(dir, tc.name)); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { _, err := Load(dir); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, tc.want)) {
				t.Errorf("Load with %s = %v, want %q", tc.name, err, tc.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Load with %s did not return", tc.name)
		}
	}
}
