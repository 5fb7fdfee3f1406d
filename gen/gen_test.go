package gen

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/initsec/initsec/annotate"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/module"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// modulesDir holds the module fixtures; they are module's test data, and
// testdata/golden holds what gen renders for them.
var modulesDir = filepath.Join("..", "module", "testdata", "modules")

// fixture copies the module fixture name into a new temp dir.
func fixture(t *testing.T, name string) string {
	t.Helper()
	return copyDir(t, filepath.Join(modulesDir, name))
}

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

// snapshot reads every file below dir into a map keyed by relative path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			rel, _ := filepath.Rel(dir, p)
			files[filepath.ToSlash(rel)] = "-> " + target
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGolden(t *testing.T) {
	for _, name := range []string{"hello", "multi", "blob", "gotables"} {
		t.Run(name, func(t *testing.T) {
			dir := fixture(t, name)
			before := snapshot(t, dir)
			_, changes, err := Generate(dir)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			after := snapshot(t, dir)
			for p, content := range before {
				if after[p] != content {
					t.Errorf("input file %s changed", p)
				}
			}
			var created []string
			for _, c := range changes {
				if c.Action != "create" {
					t.Errorf("first run: %s %s, want create", c.Action, c.Path)
				}
				created = append(created, c.Path)
			}
			golden := filepath.Join("testdata", "golden", name)
			for _, p := range created {
				got := after[p]
				gp := filepath.Join(golden, filepath.FromSlash(p)) + ".golden"
				if *update {
					if err := os.MkdirAll(filepath.Dir(gp), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(gp, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(gp)
				if err != nil {
					t.Fatalf("%v (run go test ./gen -update)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from %s:\n--- got\n%s\n--- want\n%s", p, gp, got, want)
				}
			}
			// Every golden file is produced: nothing is silently dropped.
			if goldens := snapshot(t, golden); !*update && len(goldens) != len(created) {
				t.Errorf("created %d files, golden has %d", len(created), len(goldens))
			}

			// A rerun is byte-identical and changes nothing.
			_, changes, err = Generate(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(changes) != 0 {
				t.Errorf("rerun changed %v", changes)
			}
			if again := snapshot(t, dir); !reflect.DeepEqual(again, after) {
				t.Error("rerun changed the directory")
			}
			_, stale, err := Check(dir)
			if err != nil || len(stale) != 0 {
				t.Errorf("Check after Generate: %v, %v", stale, err)
			}
		})
	}
}

// TestGeneratedFilesCarryHeader: every kind of generated file, blob stub
// and Go tables' files included, starts with the generated-code line.
func TestGeneratedFilesCarryHeader(t *testing.T) {
	for _, name := range []string{"multi", "blob", "gotables"} {
		m, err := module.Load(fixture(t, name))
		if err != nil {
			t.Fatal(err)
		}
		files, err := Render(m)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			first, _, _ := strings.Cut(string(f.Content), "\n")
			if first != HeaderC && first != HeaderGo && first != HeaderMake {
				t.Errorf("%s: %s starts with %q", name, f.Path, first)
			}
			if ok, err := isGeneratedContent(t, f); !ok || err != nil {
				t.Errorf("%s: IsGenerated(%s) = %v, %v", name, f.Path, ok, err)
			}
		}
	}
}

// isGeneratedContent writes f to a temporary file and asks IsGenerated,
// which gen's refusal to overwrite relies on.
func isGeneratedContent(t *testing.T, f File) (bool, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), filepath.Base(f.Path))
	writeFile(t, p, string(f.Content))
	return IsGenerated(p)
}

func TestCheckReportsStale(t *testing.T) {
	dir := fixture(t, "hello")
	if _, _, err := Generate(dir); err != nil {
		t.Fatal(err)
	}
	// A hand edit of a generated file.
	p := filepath.Join(dir, "hello.initsec.h")
	data, _ := os.ReadFile(p)
	if err := os.WriteFile(p, append(data, "/* edited */\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	// A new annotation in the source.
	src := filepath.Join(dir, "hello.c")
	data, _ = os.ReadFile(src)
	edited := strings.Replace(string(data), "MODULE_LICENSE", "//go:init-section initdata\nstatic int hello_extra = 1;\n\nMODULE_LICENSE", 1)
	if err := os.WriteFile(src, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	_, changes, err := Check(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range changes {
		got[c.Path] = c.Action
	}
	want := map[string]string{"hello.initsec.h": "update", "initsec/initsec_gen.go": "update"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Check = %v, want %v", got, want)
	}
	// Check wrote nothing.
	if after, _ := os.ReadFile(p); !strings.HasSuffix(string(after), "/* edited */\n") {
		t.Error("Check rewrote the file")
	}
}

func TestRefusesToOverwriteHandWrittenFile(t *testing.T) {
	dir := fixture(t, "hello")
	hand := filepath.Join(dir, "hello.initsec.h")
	if err := os.WriteFile(hand, []byte("/* mine */\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	_, _, err := Generate(dir)
	var ng *NotGeneratedError
	if !errors.As(err, &ng) || ng.Path != hand {
		t.Fatalf("Generate error = %v, want NotGeneratedError for %s", err, hand)
	}
	if after := snapshot(t, dir); !reflect.DeepEqual(after, before) {
		t.Error("Generate wrote files although it refused one")
	}
}

func TestRemovesOnlyGeneratedStaleFiles(t *testing.T) {
	dir := fixture(t, "hello")
	if _, _, err := Generate(dir); err != nil {
		t.Fatal(err)
	}
	// A generated trailer of a file that no longer exists, and a hand-written
	// file that matches a generated name pattern.
	oldGen := filepath.Join(dir, "gone.initsec.h")
	if err := os.WriteFile(oldGen, []byte(HeaderC+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	handMade := filepath.Join(dir, "notes.initsec.h")
	if err := os.WriteFile(handMade, []byte("/* hand-made */\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, changes, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0] != (Change{"gone.initsec.h", "remove"}) {
		t.Errorf("changes = %v, want only the removal of gone.initsec.h", changes)
	}
	if _, err := os.Stat(oldGen); !errors.Is(err, fs.ErrNotExist) {
		t.Error("stale generated file still there")
	}
	if _, err := os.Stat(handMade); err != nil {
		t.Error("hand-made file removed")
	}
}

// TestHeaderAndSourceTrailers: an annotated foo.c and foo.h get distinct
// trailers (foo.initsec.h and foo.h.initsec.h), each with its own
// declarations.
func TestHeaderAndSourceTrailers(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"Kbuild": "obj-m += foo.o\ninclude $(src)/Kbuild.initsec\n",
		"foo.h":  "//go:init-section initconst\nstatic const int foo_tab[] = { 1, 2 };\n\n#include \"foo.h.initsec.h\"\n",
		"foo.c":  "#include <linux/module.h>\n#include \"foo.h\"\n\n//go:init-section init initcall=device\nstatic int foo_init(void)\n{\n\treturn foo_tab[0] - 1;\n}\n\nMODULE_LICENSE(\"GPL\");\n\n#include \"foo.initsec.h\"\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := Generate(dir); err != nil {
		t.Fatal(err)
	}
	h, _ := os.ReadFile(filepath.Join(dir, "foo.h.initsec.h"))
	c, _ := os.ReadFile(filepath.Join(dir, "foo.initsec.h"))
	if !strings.Contains(string(h), "static const int foo_tab[] __initconst;") || strings.Contains(string(h), "foo_init") {
		t.Errorf("foo.h.initsec.h:\n%s", h)
	}
	if !strings.Contains(string(c), "static int foo_init(void) __init;") || strings.Contains(string(c), "foo_tab") {
		t.Errorf("foo.initsec.h:\n%s", c)
	}
}

// TestWriteAtomic: a target whose name is near NAME_MAX (255) is written
// (the temporary file beside it must not be longer), no temporary file is
// left behind, and an error names the target, not the temporary file.
func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	long := filepath.Join(dir, strings.Repeat("a", 240)+".initsec.h")
	if err := writeAtomic(long, []byte("x\n")); err != nil {
		t.Fatalf("writeAtomic(%d-byte name): %v", len(filepath.Base(long)), err)
	}
	if b, err := os.ReadFile(long); err != nil || string(b) != "x\n" {
		t.Errorf("read back %q, %v", b, err)
	}
	target := filepath.Join(dir, "Kbuild.initsec")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := writeAtomic(target, []byte("x\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "write "+target+": ") || strings.Contains(err.Error(), ".tmp") {
		t.Errorf("writeAtomic over a directory = %v, want an error naming %s only", err, target)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("left in %s: %v", dir, ents)
	}
}

// TestTrailerKeptWithoutDirectives: when the last directive of a file that
// still includes its trailer goes, the trailer stays (empty of
// declarations) so the include keeps compiling; a file that does not
// include it gets none.
func TestTrailerKeptWithoutDirectives(t *testing.T) {
	dir := fixture(t, "hello")
	if _, _, err := Generate(dir); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "hello.c")
	data, _ := os.ReadFile(src)
	var kept []string
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if !strings.HasPrefix(l, "//go:init-section") {
			kept = append(kept, l)
		}
	}
	if err := os.WriteFile(src, []byte(strings.Join(kept, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	_, changes, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		if c.Path == "hello.initsec.h" && c.Action == "remove" {
			t.Fatal("trailer removed although hello.c still includes it")
		}
	}
	tr, err := os.ReadFile(filepath.Join(dir, "hello.initsec.h"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(tr), HeaderC) || strings.Contains(string(tr), "__init") {
		t.Errorf("trailer without directives:\n%s", tr)
	}
	// Without the include, the trailer is no longer needed and goes.
	data, _ = os.ReadFile(src)
	if err := os.WriteFile(src, []byte(strings.Replace(string(data), "#include \"hello.initsec.h\"\n", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Generate(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "hello.initsec.h")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("trailer kept although nothing includes it: %v", err)
	}
}

// edit helpers.
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

// TestLoadErrorsWriteNothing: when module.Load reports problems (module's
// tests check each one), Generate writes nothing and Check fails too.
func TestLoadErrorsWriteNothing(t *testing.T) {
	cases := []struct {
		name, module string
		edit         func(t *testing.T, dir string)
	}{
		{"unknown kind", "hello", func(t *testing.T, dir string) {
			replaceIn(t, filepath.Join(dir, "hello.c"), "MODULE_DESCRIPTION", "//go:init-section initt\nstatic int x;\nMODULE_DESCRIPTION")
		}},
		{"blob missing", "blob", func(t *testing.T, dir string) {
			replaceIn(t, filepath.Join(dir, "main.c"), "blob=fw/table.bin", "blob=fw/nope.bin")
		}},
		{"Go value not constant", "gotables", func(t *testing.T, dir string) {
			replaceIn(t, filepath.Join(dir, "tables", "tables.go"), "{0, 0x77073096,", "{uint32(notAnnotated), 0x77073096,")
		}},
		{"Kbuild does not include the fragment", "blob", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "Kbuild"), "obj-m += blob.o\nblob-y := main.o\n")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := fixture(t, tc.module)
			tc.edit(t, dir)
			before := snapshot(t, dir)
			_, _, err := Generate(dir)
			var el annotate.ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("err = %v, want annotate.ErrorList", err)
			}
			if after := snapshot(t, dir); !reflect.DeepEqual(after, before) {
				t.Error("files written despite the error")
			}
			if _, _, err := Check(dir); err == nil {
				t.Error("Check succeeded where Generate failed")
			}
		})
	}
}

// The stub does not depend on the blob's bytes; the manifest records its
// size (module's TestManifestBlobSizes), so only a change of size makes the
// generated files stale.
func TestBlobChangeStaleness(t *testing.T) {
	dir := fixture(t, "blob")
	if _, _, err := Generate(dir); err != nil {
		t.Fatal(err)
	}
	blob := filepath.Join(dir, "fw", "table.bin")
	writeFile(t, blob, "ABCDEFGHIJ") // same size, other bytes
	if _, changes, err := Check(dir); err != nil || len(changes) != 0 {
		t.Errorf("same-size change: Check = %v, %v; want nothing stale", changes, err)
	}
	writeFile(t, blob, "ABCDEFGHIJK")
	_, changes, err := Check(dir)
	if err != nil || len(changes) != 1 || changes[0] != (Change{"initsec/initsec_gen.go", "update"}) {
		t.Errorf("size change: Check = %v, %v; want only the manifest stale", changes, err)
	}
}

// TestRenderRejectsLineBreaks: what the templates write into one line (a
// comment, a label, an .incbin operand) is checked before rendering, so a
// name with a line break is an error, not a broken stub.
func TestRenderRejectsLineBreaks(t *testing.T) {
	blob := module.Blob{
		Annotation: annotate.Annotation{
			Directive: annotate.Directive{Kind: annotate.KindInitConst, Blob: "fw.bin", Pos: annotate.Pos{File: "main.c", Line: 1, Col: 1}},
			Decl:      annotate.Decl{Name: "tab"},
		},
		Source: "main.c", Path: "fw.bin", Size: 1, Align: 8,
	}
	table := annotate.GoVar{
		Directive: annotate.Directive{Kind: annotate.KindInitConst, Pos: annotate.Pos{File: "tables/t.go", Line: 3, Col: 1}},
		Name:      "T", CName: "t", Type: annotate.GoU8, Shape: annotate.GoScalar, Values: []uint64{1},
	}
	for _, tc := range []struct {
		name string
		edit func(m *module.Module)
	}{
		{"module name", func(m *module.Module) { m.Name = "m\nx" }},
		{"blob source", func(m *module.Module) { m.Blobs[0].Source = "a\nb.c" }},
		{"blob path", func(m *module.Module) { m.Blobs[0].Path = "fw\n.bin" }},
		{"Go file", func(m *module.Module) { m.Tables[0].Directive.Pos.File = "tables/a\rb.go" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &module.Module{Name: "m", Kbuild: "Kbuild", Blobs: []module.Blob{blob}, Tables: []annotate.GoVar{table}}
			if _, err := Render(m); err != nil {
				t.Fatalf("Render before the edit: %v", err)
			}
			tc.edit(m)
			if _, err := Render(m); err == nil || !strings.Contains(err.Error(), "line break") {
				t.Errorf("Render = %v, want a line-break error", err)
			}
		})
	}
}

// TestTrailerCommentSafe: user text copied into the trailer's comments (a
// reason, a blob path) neither ends a comment early ("*/") nor opens one
// inside it ("/*", which gcc's -Wcomment, on with W=1, reports). The
// trailer then compiles with gcc -Wcomment -Werror, with the kernel's
// headers replaced by the macros it uses.
func TestTrailerCommentSafe(t *testing.T) {
	reasons := []string{"a /* b", "a */ b", "/*/", "*/*", "a/**/b", "//*", "**//**", "ends with /"}
	src := module.Source{Path: "m.c"}
	for i, r := range reasons {
		src.Annotations = append(src.Annotations, annotate.Annotation{
			Directive: annotate.Directive{Kind: annotate.KindRef, Reason: r, Pos: annotate.Pos{File: "m.c", Line: i + 1, Col: 1}},
			Decl:      annotate.Decl{Name: fmt.Sprintf("f%d", i), Kind: annotate.DeclFunc, Text: fmt.Sprintf("int f%d(void)", i)},
		})
	}
	// A blob path goes into the same comment.
	reasons = append(reasons, "blob=fw/*x*/y.bin")
	src.Annotations = append(src.Annotations, annotate.Annotation{
		Directive: annotate.Directive{Kind: annotate.KindInitConst, Blob: "fw/*x*/y.bin", Pos: annotate.Pos{File: "m.c", Line: len(reasons), Col: 1}},
		Decl:      annotate.Decl{Name: "tab", Kind: annotate.DeclExtern, Const: true, Array: true, Text: "extern const char tab[]"},
	})
	trailer := string(renderTrailer(src))
	for i, r := range reasons {
		line := fmt.Sprintf("m.c:%d: ", i+1)
		k := strings.Index(trailer, "/* "+line)
		if k < 0 {
			t.Fatalf("no comment for %s in\n%s", line, trailer)
		}
		comment, _, _ := strings.Cut(trailer[k:], "\n")
		inner, ok := strings.CutSuffix(strings.TrimPrefix(comment, "/* "), " */")
		if !ok || strings.Contains(inner, "*/") || strings.Contains(inner, "/*") {
			t.Errorf("%q: comment %q is not one clean comment", r, comment)
		}
	}

	gcc, err := exec.LookPath("gcc")
	if err != nil {
		if testenv.CI() {
			t.Fatalf("CI=true but no gcc: %v", err)
		}
		t.Skip("no gcc")
	}
	dir := t.TempDir()
	prelude := "#define __ref __attribute__((__section__(\".ref.text\")))\n" +
		"#define __initconst __attribute__((__section__(\".init.rodata\")))\n"
	c := strings.NewReplacer("#include <linux/init.h>\n", prelude, "#include <linux/module.h>\n", "").Replace(trailer)
	p := filepath.Join(dir, "m.initsec.h")
	if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(gcc, "-fsyntax-only", "-Wcomment", "-Werror", "-x", "c", p).CombinedOutput()
	if err != nil {
		t.Errorf("gcc -Wcomment -Werror: %v\n%s\n%s", err, out, c)
	}
}

// dirsDir holds the fixtures of directories that build several modules
// or keep sources in subdirectories.
var dirsDir = filepath.Join("..", "module", "testdata", "dirs")

// TestGoldenDir: what GenerateDir writes for directories with several
// modules (trailers per source, also in src/; one manifest per module),
// byte for byte, and a rerun changes nothing.
func TestGoldenDir(t *testing.T) {
	for _, name := range []string{"trio", "startstop", "shared", "plain", "fwpair"} {
		t.Run(name, func(t *testing.T) {
			dir := copyDir(t, filepath.Join(dirsDir, name))
			before := snapshot(t, dir)
			_, changes, err := GenerateDir(dir)
			if err != nil {
				t.Fatalf("GenerateDir: %v", err)
			}
			after := snapshot(t, dir)
			golden := filepath.Join("testdata", "golden", "dirs", name)
			var created []string
			for _, c := range changes {
				if c.Action != "create" {
					t.Errorf("first run: %s %s, want create", c.Action, c.Path)
				}
				created = append(created, c.Path)
				gp := filepath.Join(golden, filepath.FromSlash(c.Path)) + ".golden"
				if *update {
					writeFile(t, gp, after[c.Path])
					continue
				}
				want, err := os.ReadFile(gp)
				if err != nil {
					t.Fatalf("%v (run go test ./gen -update)", err)
				}
				if after[c.Path] != string(want) {
					t.Errorf("%s differs from %s:\n--- got\n%s\n--- want\n%s", c.Path, gp, after[c.Path], want)
				}
			}
			for p, content := range before {
				if after[p] != content {
					t.Errorf("input file %s changed", p)
				}
			}
			if goldens := snapshot(t, golden); !*update && len(goldens) != len(created) {
				t.Errorf("created %d files %v, golden has %d", len(created), created, len(goldens))
			}
			if _, changes, err := GenerateDir(dir); err != nil || len(changes) != 0 {
				t.Errorf("rerun: %v, %v", changes, err)
			}
		})
	}
}

// TestGenerateDirRemovesStaleSubdirTrailer: a trailer in a subdirectory
// whose source lost its directives and include is removed like any other.
func TestGenerateDirRemovesStaleSubdirTrailer(t *testing.T) {
	dir := copyDir(t, filepath.Join(dirsDir, "startstop"))
	if _, _, err := GenerateDir(dir); err != nil {
		t.Fatal(err)
	}
	stop := filepath.Join(dir, "src", "stop.c")
	writeFile(t, stop, "#include <linux/module.h>\n")
	_, changes, err := GenerateDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{{"initsec/initsec_gen.go", "update"}, {"src/stop.initsec.h", "remove"}}
	if !reflect.DeepEqual(changes, want) {
		t.Errorf("changes = %v, want %v", changes, want)
	}
}
