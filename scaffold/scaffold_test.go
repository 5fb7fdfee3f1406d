package scaffold

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/initsec/initsec/annotate"
)

// repoRoot is this checkout.
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(wd)
}

func TestValidateName(t *testing.T) {
	good := []string{"a", "mydrv", "_x", "drv_2", "Ab9", strings.Repeat("a", 55)}
	for _, n := range good {
		if err := ValidateName(n); err != nil {
			t.Errorf("ValidateName(%q): %v", n, err)
		}
	}
	bad := map[string]string{
		"":                      "empty",
		"1abc":                  "leading digit",
		"a-b":                   "not a C identifier",
		"a.b":                   "not a C identifier",
		"héllo":                 "not a C identifier",
		strings.Repeat("a", 56): "at most 55",
		strings.Repeat("a", 60): "at most 55",
		"int":                   "C keyword",
		"_Bool":                 "C keyword",
		"typeof":                "C keyword",
		"vmlinux":               "reserved",
	}
	for n, want := range bad {
		err := ValidateName(n)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateName(%q) = %v, want an error containing %q", n, err, want)
		}
	}
}

// walk lists every file and directory below root, relative.
func walk(t *testing.T, root string) []string {
	t.Helper()
	var all []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if p != root {
			rel, _ := filepath.Rel(root, p)
			all = append(all, rel)
		}
		return nil
	})
	return all
}

func TestNewFiles(t *testing.T) {
	root := repoRoot(t)
	for _, tm := range Templates() {
		t.Run(tm.Name, func(t *testing.T) {
			tmp := t.TempDir()
			dir := filepath.Join(tmp, "repo")
			res, err := New(Options{Name: "drv", Template: tm.Name, Dir: dir, InitsecReplace: root})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{".gitignore", "Kbuild", "Kbuild.initsec", "Makefile", "README.md", "dkms.conf",
				"drv.c", "drv.initsec.h", "go.mod", "initsec-boot.json", "initsec/initsec_gen.go", "initsec/initsec_gen_test.go",
				"magefiles/magefile.go"}
			if strings.Join(res.Files, " ") != strings.Join(want, " ") {
				t.Errorf("files:\n got %v\nwant %v", res.Files, want)
			}
			if !res.NewModule || res.ModulePath != "example.com/drv" {
				t.Errorf("module: new=%v path=%q", res.NewModule, res.ModulePath)
			}
			// Nothing else beside the target: the temp dir was renamed.
			if ents, _ := os.ReadDir(tmp); len(ents) != 1 {
				t.Errorf("beside the target: %v", ents)
			}
			src, err := os.ReadFile(filepath.Join(dir, "drv.c"))
			if err != nil {
				t.Fatal(err)
			}
			// Annotations only: no init-family macro written by hand
			// (comments may name them).
			code := regexp.MustCompile(`(?s)/\*.*?\*/|//[^\n]*`).ReplaceAll(src, nil)
			if m := regexp.MustCompile(`\b__(init|exit|initdata|initconst|exitdata|ref|refdata|refconst)\b`).Find(code); m != nil {
				t.Errorf("drv.c uses %s", m)
			}
			if !strings.HasSuffix(string(src), "#include \"drv.initsec.h\"\n") {
				t.Error("drv.c does not end with its trailer include")
			}
			if strings.Contains(string(src), "{{") || strings.Contains(string(src), "<no value>") {
				t.Error("unexpanded template text in drv.c")
			}
			anns, err := annotate.ScanC("drv.c", src)
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]bool{}
			for _, a := range anns {
				kinds[a.Kind.String()+" "+a.Decl.Name] = true
			}
			for _, k := range []string{"init drv_init", "exit drv_exit"} {
				if !kinds[k] {
					t.Errorf("no annotation %q in %v", k, kinds)
				}
			}
			switch tm.Name {
			case "platform":
				if !kinds["init drv_probe"] {
					t.Error("platform: probe is not init-only")
				}
				if !strings.Contains(string(src), "platform_driver_probe(&drv_driver, drv_probe)") {
					t.Error("platform: not registered with platform_driver_probe")
				}
			case "pci":
				for k := range kinds {
					if strings.HasSuffix(k, "drv_probe") || strings.HasSuffix(k, "drv_remove") || strings.HasSuffix(k, "drv_ids") {
						t.Errorf("pci: %s must stay resident", k)
					}
				}
			}
			for name, want := range map[string]string{
				"Kbuild":                "include $(src)/Kbuild.initsec",
				"Makefile":              "KDIR ?= /lib/modules/$(shell uname -r)/build",
				"magefiles/magefile.go": `_ "github.com/initsec/initsec/magefiles/targets"`,
				"dkms.conf":             `BUILT_MODULE_NAME[0]="drv"`,
				".gitignore":            "!go.mod",
				"go.mod":                "replace github.com/initsec/initsec => " + root,
				"README.md":             "insmod drv.ko",
			} {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(b), want) {
					t.Errorf("%s lacks %q:\n%s", name, want, b)
				}
			}
			for _, key := range []string{"PACKAGE_NAME", "PACKAGE_VERSION", "BUILT_MODULE_NAME[0]", "DEST_MODULE_LOCATION[0]", "AUTOINSTALL"} {
				b, _ := os.ReadFile(filepath.Join(dir, "dkms.conf"))
				if !strings.Contains(string(b), "\n"+key+"=") {
					t.Errorf("dkms.conf lacks %s", key)
				}
			}
		})
	}
}

// A directory inside an existing Go module gets no go.mod of its own.
func TestNewInsideModule(t *testing.T) {
	tmp := t.TempDir()
	gomod := "module example.com/outer\n\ngo 1.26.0\n\nrequire github.com/initsec/initsec v0.1.0\n"
	if err := os.WriteFile(filepath.Join(tmp, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := New(Options{Name: "newdrv", Template: "minimal", Dir: filepath.Join(tmp, "examples", "newdrv")})
	if err != nil {
		t.Fatal(err)
	}
	if res.NewModule || res.ModulePath != "example.com/outer" || res.GoMod != filepath.Join(tmp, "go.mod") {
		t.Errorf("result: %+v", res)
	}
	if _, err := os.Stat(filepath.Join(tmp, "examples", "newdrv", "go.mod")); err == nil {
		t.Error("a nested go.mod was written")
	}
	if len(res.Notes) != 0 {
		t.Errorf("notes for a module that requires initsec: %v", res.Notes)
	}

	// -module-path makes no sense there: an error, nothing written.
	_, err = New(Options{Name: "other", Dir: filepath.Join(tmp, "other"), ModulePath: "example.com/x"})
	if err == nil || !strings.Contains(err.Error(), "inside the Go module example.com/outer") {
		t.Errorf("module path inside a module: %v", err)
	}
	if _, err := os.Stat(filepath.Join(tmp, "other")); err == nil {
		t.Error("left other/ behind")
	}
}

// This repository's own module: a scaffold under examples/ of a copy of its
// go.mod adds no go.mod.
func TestNewInsideThisRepository(t *testing.T) {
	tmp := t.TempDir()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(tmp, "go.mod"), b, 0o644)
	res, err := New(Options{Name: "newdrv", Dir: filepath.Join(tmp, "examples", "newdrv")})
	if err != nil {
		t.Fatal(err)
	}
	if res.NewModule || res.ModulePath != "github.com/initsec/initsec" || len(res.Notes) != 0 {
		t.Errorf("result: %+v", res)
	}
	for _, f := range res.Files {
		if filepath.Base(f) == "go.mod" {
			t.Errorf("wrote %s", f)
		}
	}
}

func TestNewErrorsLeaveNothing(t *testing.T) {
	tmp := t.TempDir()
	nonEmpty := filepath.Join(tmp, "full")
	os.MkdirAll(nonEmpty, 0o755)
	os.WriteFile(filepath.Join(nonEmpty, "keep.txt"), []byte("mine\n"), 0o644)
	file := filepath.Join(tmp, "afile")
	os.WriteFile(file, []byte("x"), 0o644)
	cases := []struct {
		opts Options
		want string
	}{
		{Options{Name: "1abc"}, "not a C identifier"},
		{Options{Name: "a-b"}, "not a C identifier"},
		{Options{Name: strings.Repeat("x", 60)}, "at most 55"},
		{Options{Name: ""}, "empty"},
		{Options{Name: "int"}, "C keyword"},
		{Options{Name: "drv", Template: "usb"}, "unknown template"},
		{Options{Name: "drv", Dir: nonEmpty}, "not empty"},
		{Options{Name: "drv", Dir: file}, "not a directory"},
		{Options{Name: "drv", ModulePath: "Not A Path"}, "invalid module path"},
		{Options{Name: "drv", ModulePath: "nodot/drv"}, "invalid module path"},
		{Options{Name: "drv", InitsecVersion: "latest"}, "invalid initsec version"},
		{Options{Name: "drv", InitsecReplace: filepath.Join(tmp, "nope")}, "not a Go module directory"},
		{Options{Name: "drv", Dir: filepath.Join(tmp, "deep", "er", "drv"), ModulePath: "bad path"}, "invalid module path"},
	}
	for _, tc := range cases {
		if tc.opts.Dir == "" {
			tc.opts.Dir = filepath.Join(tmp, "target")
		}
		_, err := New(tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", tc.opts, err, tc.want)
		}
	}
	got := walk(t, tmp)
	want := []string{"afile", "full", filepath.Join("full", "keep.txt")}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("left behind: %v, want %v", got, want)
	}
}

// A failure after every file was written removes them all, and the parent
// directories New created.
func TestNewFailureLate(t *testing.T) {
	tmp := t.TempDir()
	testHookBeforeMove = func(dir string) error {
		if _, err := os.Stat(filepath.Join(dir, "drv.initsec.h")); err != nil {
			t.Errorf("hook: generated files missing: %v", err)
		}
		return os.ErrDeadlineExceeded
	}
	defer func() { testHookBeforeMove = nil }()
	_, err := New(Options{Name: "drv", Dir: filepath.Join(tmp, "a", "b", "drv")})
	if err != os.ErrDeadlineExceeded {
		t.Errorf("err = %v", err)
	}
	if got := walk(t, tmp); len(got) != 0 {
		t.Errorf("left behind: %v", got)
	}
}

func TestMoveInto(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "src")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "f"), []byte("x"), 0o644)
	dst := filepath.Join(tmp, "dst")
	os.MkdirAll(dst, 0o755)
	os.WriteFile(filepath.Join(dst, "other"), []byte("y"), 0o644)
	if err := moveInto(src, dst); err == nil || !strings.Contains(err.Error(), "no longer empty") {
		t.Errorf("moveInto a non-empty dir: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "other")); string(b) != "y" {
		t.Error("moveInto clobbered the target")
	}
	// An empty existing directory is replaced; a missing one created.
	empty := filepath.Join(tmp, "empty")
	os.MkdirAll(empty, 0o755)
	if err := moveInto(src, empty); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(empty, "f")); err != nil {
		t.Error(err)
	}
	if err := moveInto(empty, filepath.Join(tmp, "fresh")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(tmp, "fresh", "f")); err != nil {
		t.Error(err)
	}
}

func TestNewIntoEmptyDir(t *testing.T) {
	dir := t.TempDir()
	res, err := New(Options{Name: "drv", Template: "minimal", Dir: dir, InitsecVersion: "v0.3.1", ModulePath: "example.com/me/drv"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	want := "module example.com/me/drv\n\ngo " + GoVersion + "\n\nrequire github.com/initsec/initsec v0.3.1\n"
	if string(b) != want {
		t.Errorf("go.mod:\n%s\nwant:\n%s", b, want)
	}
	if res.Dir != dir {
		t.Errorf("Dir %s, want %s", res.Dir, dir)
	}
}

// A development build (this test binary) knows no initsec version: the
// go.mod has no require, and a note says `go mod tidy` adds it.
func TestNewNoVersion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "drv")
	res, err := New(Options{Name: "drv", Template: "minimal", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if strings.Contains(string(b), "require") {
		t.Errorf("go.mod of a development build requires a version:\n%s", b)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "go mod tidy") {
		t.Errorf("notes: %v", res.Notes)
	}
}

// Rendering is deterministic, and every template renders for every name
// shape ValidateName accepts (shortest, leading underscore, mixed case,
// digits, longest), inside or outside an enclosing module.
func TestRenderDeterministic(t *testing.T) {
	names := []string{"a", "_x", "Ab9", "drv_2", strings.Repeat("n", 55)}
	for _, tm := range Templates() {
		for _, name := range names {
			for _, newModule := range []bool{true, false} {
				d := data{Name: name, Upper: strings.ToUpper(name), Template: tm.Name, Description: tm.description, Summary: tm.Summary,
					ModulePath: "example.com/" + name, NewModule: newModule, NeedsRequire: !newModule, Version: "0.1.0"}
				x, err := render(tm, d)
				if err != nil {
					t.Fatalf("%s %s: %v", tm.Name, name, err)
				}
				if len(x) != len(commonFiles)+1 {
					t.Errorf("%s %s: %d files, want %d", tm.Name, name, len(x), len(commonFiles)+1)
				}
				if src := string(x[name+".c"]); !strings.Contains(src, "#include \""+name+".initsec.h\"") {
					t.Errorf("%s %s: %s.c does not include its trailer", tm.Name, name, name)
				}
				y, err := render(tm, d)
				if err != nil {
					t.Fatal(err)
				}
				for k := range x {
					if string(x[k]) != string(y[k]) {
						t.Errorf("%s %s: %s differs between runs", tm.Name, name, k)
					}
				}
			}
		}
	}
}

func TestAlign(t *testing.T) {
	for in, want := range map[string]string{"": "", "abc(": "    ", "static ssize_t x_read(": "\t\t      ", "\tfoo(": "\t    "} {
		if got := align(in); got != want {
			t.Errorf("align(%q) = %q, want %q", in, got, want)
		}
	}
}
