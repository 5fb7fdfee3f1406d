package module

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/initsec/initsec/annotate"
	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
)

// withKDIR makes Scan use find for its kernel tree for the rest of the
// test.
func withKDIR(t *testing.T, find func() (string, error)) {
	t.Helper()
	old := findKDIR
	reset := func() {
		kdirMu.Lock()
		clear(kdirCache)
		kdirMu.Unlock()
	}
	findKDIR = find
	reset()
	t.Cleanup(func() { findKDIR = old; reset() })
}

// withDebian61 probes with the Debian 6.1 headers, skipping without them.
func withDebian61(t *testing.T) string {
	t.Helper()
	k, err := kernels.Find61()
	if err != nil {
		testenv.SkipOrFail(t, "Debian 6.1 headers: %v", err)
	}
	withKDIR(t, func() (string, error) { return k.KDIR, nil })
	return k.KDIR
}

// withoutKDIR forces the textual fallback.
func withoutKDIR(t *testing.T) {
	withKDIR(t, func() (string, error) { return "", errors.New("no kernel tree (test)") })
}

func dirFixture(name string) string { return filepath.Join("testdata", "dirs", name) }

// modulesOf renders a Dir as "name: objects" lines, for comparison.
func modulesOf(d *Dir) []string {
	var out []string
	for _, m := range d.Modules {
		out = append(out, m.Name+": "+strings.Join(m.KbuildObjects, " "))
	}
	return out
}

// TestScan: make evaluates the kbuild file as kbuild does.
func TestScan(t *testing.T) {
	withDebian61(t)
	for _, tc := range []struct {
		dir     string
		want    []string
		subdirs []string
	}{
		{"trio", []string{"alpha: alpha.o", "beta: beta_main.o beta_util.o", "gamma: gamma.o"}, nil},
		{"startstop", []string{"startstop: src/start.o src/stop.o"}, nil},
		{"computed", []string{"drv: drv.o"}, nil},
		{"parent", []string{"top: top.o"}, []string{"sub"}},
		{"parent/sub", []string{"leaf: leaf.o"}, nil},
		{"cond", []string{"withmods: withmods.o"}, nil},
		{"shared", []string{"one: one_main.o common.o", "two: two_main.o common.o"}, nil},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			d, err := Scan(dirFixture(tc.dir))
			if err != nil {
				t.Fatal(err)
			}
			if d.Discovery.Method != ByMake {
				t.Errorf("discovery = %v, want make", d.Discovery)
			}
			if got := modulesOf(d); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("modules = %q, want %q", got, tc.want)
			}
			if !reflect.DeepEqual(d.Subdirs, tc.subdirs) {
				t.Errorf("subdirs = %q, want %q", d.Subdirs, tc.subdirs)
			}
		})
	}
}

// TestScanText: without a kernel tree the obj-m lines are read as text,
// Discovery says so, and what only make can evaluate is an error with the
// way out.
func TestScanText(t *testing.T) {
	withoutKDIR(t)
	d, err := Scan(dirFixture("trio"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Discovery.Method != ByText || !strings.Contains(d.Discovery.String(), "no kernel tree (test)") {
		t.Errorf("discovery = %v, want text, with why", d.Discovery)
	}
	want := []string{"alpha: alpha.o", "beta: beta_main.o beta_util.o", "gamma: gamma.o"}
	if got := modulesOf(d); !reflect.DeepEqual(got, want) {
		t.Errorf("modules = %q, want %q", got, want)
	}
	_, err = Scan(dirFixture("computed"))
	var el annotate.ErrorList
	if !errors.As(err, &el) || el[0].Pos.String() != "Makefile:4:9" || !strings.Contains(el[0].Msg, "only make can evaluate") || el[0].Hint == "" {
		t.Errorf("Scan(computed) = %v, want Makefile:4:9: only make can evaluate, with a hint", err)
	}
}

// TestScanMakeError: a kbuild file make cannot read is an error at the
// line make names; a missing generated fragment (before the first
// generate) is not.
func TestScanMakeError(t *testing.T) {
	withDebian61(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "Kbuild"), "obj-m += a.o\nthis is not make\n")
	_, err := Scan(dir)
	var el annotate.ErrorList
	if !errors.As(err, &el) || len(el) != 1 || el[0].Pos.String() != "Kbuild:2:1" || !strings.Contains(el[0].Msg, "missing separator") {
		t.Errorf("Scan(bad Kbuild) = %v, want Kbuild:2:1: missing separator", err)
	}
	writeFile(t, filepath.Join(dir, "Kbuild"), "obj-m += a.o b.o\na-y := x.o\ninclude $(src)/a.Kbuild.initsec\ninclude $(src)/Kbuild.initsec\n")
	d, err := Scan(dir)
	if err != nil {
		t.Fatalf("Scan with missing fragments: %v", err)
	}
	if got, want := modulesOf(d), []string{"a: x.o", "b: b.o"}; !reflect.DeepEqual(got, want) {
		t.Errorf("modules = %q, want %q", got, want)
	}
}

// TestParseProbe: the probe's output, read robustly.
func TestParseProbe(t *testing.T) {
	out := "user info line\ninitsec-obj-m: a.o  b.o a.o sub/ sub2/ x.ko\ninitsec-mod: a: src/x.o src/y.o src/x.o \ninitsec-mod: b:  \n"
	specs, subdirs, seen, err := parseProbe([]byte(out))
	if err != nil || !seen {
		t.Fatal(err, seen)
	}
	want := []modSpec{{"a", []string{"src/x.o", "src/y.o"}}, {"b", []string{"b.o"}}}
	if !reflect.DeepEqual(specs, want) || !reflect.DeepEqual(subdirs, []string{"sub", "sub2"}) {
		t.Errorf("parseProbe = %v %v", specs, subdirs)
	}
	// Make read the makefiles twice (it remade an include): the last
	// reading counts, and a module of the first only is not in it.
	specs, subdirs, seen, err = parseProbe([]byte("initsec-obj-m: a.o sub/\ninitsec-mod: a: x.o\ninitsec-obj-m: b.o\ninitsec-mod: b: y.o\n"))
	if want := []modSpec{{"b", []string{"y.o"}}}; err != nil || !seen || !reflect.DeepEqual(specs, want) || subdirs != nil {
		t.Errorf("two readings: %v %v %v %v, want %v", specs, subdirs, seen, err, want)
	}
	for _, bad := range []string{
		"initsec-obj-m: a.o\ninitsec-obj-m: b.o\ninitsec-mod: a: a.o\n",
		"initsec-obj-m: a.o\ninitsec-mod: c: c.o\n",
		"initsec-obj-m: a.o\ninitsec-mod: a\n",
	} {
		if _, _, _, err := parseProbe([]byte(bad)); err == nil {
			t.Errorf("parseProbe(%q): no error", bad)
		}
	}
}

// TestLoadDir: each module owns the sources kbuild links into it, also in
// subdirectories; a source linked into two modules is in both.
func TestLoadDir(t *testing.T) {
	withDebian61(t)
	for _, tc := range []struct {
		dir  string
		want map[string][]string // module: symbols of its manifest
	}{
		{"trio", map[string][]string{"alpha": {"alpha_count", "alpha_init", "alpha_exit"}, "beta": {"beta_init", "beta_exit", "beta_banner", "beta_setup"}, "gamma": nil}},
		{"startstop", map[string][]string{"startstop": {"startstop_init", "startstop_exit"}}},
		{"computed", map[string][]string{"drv": {"drv_init", "drv_exit"}}},
		{"shared", map[string][]string{"one": {"common_setup", "one_init"}, "two": {"common_setup", "two_init"}}},
		{"plain", map[string][]string{"p1": nil, "p2": nil, "p3": nil}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			d, err := LoadDir(dirFixture(tc.dir))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for _, m := range d.Modules {
				var syms []string
				for _, e := range Entries(m) {
					syms = append(syms, e.Symbol)
				}
				got[m.Name] = syms
				wantFrag := KbuildFragment
				if len(d.Modules) > 1 {
					wantFrag = m.Name + ".Kbuild.initsec"
				}
				if m.Fragment != wantFrag {
					t.Errorf("%s: fragment %s, want %s", m.Name, m.Fragment, wantFrag)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("manifests = %v, want %v", got, tc.want)
			}
		})
	}
	m, err := Load(dirFixture("startstop"))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Sources[0].Path; got != "src/start.c" {
		t.Errorf("source path = %s, want src/start.c", got)
	}
	if _, err := Load(dirFixture("trio")); err == nil || !strings.Contains(err.Error(), "builds 3 modules (alpha, beta, gamma)") {
		t.Errorf("Load(trio) = %v, want the three modules named", err)
	}
}

// TestLoadDirUnowned: in a directory with several modules, directives in a
// file no module links, or in a header, are errors at the directive.
func TestLoadDirUnowned(t *testing.T) {
	withDebian61(t)
	dir := copyDir(t, dirFixture("trio"))
	writeFile(t, filepath.Join(dir, "stray.c"), "//go:init-section init\nstatic int stray(void) { return 0; }\n#include \"stray.initsec.h\"\n")
	writeFile(t, filepath.Join(dir, "trio.h"), "//go:init-section initdata\nstatic int x = 1;\n#include \"trio.h.initsec.h\"\n")
	_, err := LoadDir(dir)
	var el annotate.ErrorList
	if !errors.As(err, &el) || len(el) != 2 {
		t.Fatalf("LoadDir = %v, want 2 errors", err)
	}
	if el[0].Pos.String() != "stray.c:1:1" || !strings.Contains(el[0].Msg, "links stray.o into none of its modules (alpha, beta, gamma)") {
		t.Errorf("error 0 = %v", el[0])
	}
	if el[1].Pos.String() != "trio.h:1:1" || !strings.Contains(el[1].Msg, "annotated header in a directory that builds 3 modules") {
		t.Errorf("error 1 = %v", el[1])
	}
}

// TestFindModulesMulti: a repository walk finds each kbuild directory once,
// including those only make can read.
func TestFindModulesMulti(t *testing.T) {
	withDebian61(t)
	got, err := FindModules(filepath.Join("testdata", "dirs"))
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, d := range got {
		r, _ := filepath.Rel(filepath.Join("testdata", "dirs"), d)
		rel = append(rel, filepath.ToSlash(r))
	}
	want := []string{"computed", "cond", "fwpair", "parent", "parent/sub", "plain", "shared", "startstop", "trio"}
	if !reflect.DeepEqual(rel, want) {
		t.Errorf("FindModules = %q, want %q", rel, want)
	}
}

// TestBuiltThrough: a directory that another reaches through obj-m +=
// sub/ is built with that one, found by make and by the textual fallback
// alike; alone, it is built on its own.
func TestBuiltThrough(t *testing.T) {
	for _, how := range []string{"make", "text"} {
		t.Run(how, func(t *testing.T) {
			if how == "make" {
				withDebian61(t)
			} else {
				withoutKDIR(t)
			}
			parent, sub, trio := dirFixture("parent"), dirFixture("parent/sub"), dirFixture("trio")
			got := BuiltThrough([]string{sub, trio, parent})
			if want := map[string]string{sub: parent}; !reflect.DeepEqual(got, want) {
				t.Errorf("BuiltThrough = %v, want %v", got, want)
			}
			if got := BuiltThrough([]string{sub, trio}); len(got) != 0 {
				t.Errorf("BuiltThrough without the parent = %v, want none", got)
			}
			d, err := Scan(parent)
			if err != nil {
				t.Fatal(err)
			}
			abs, _ := filepath.Abs(sub)
			if got := d.SubdirPaths(); !reflect.DeepEqual(got, []string{abs}) {
				t.Errorf("SubdirPaths = %q, want [%s]", got, abs)
			}
		})
	}
}

// TestScanRemadeInclude: a Makefile that includes a makefile its own rule
// makes (rtpengine's rtpengine-kmod.mk) is read twice by make, which
// remakes the include and starts again; the probe still answers once.
func TestScanRemadeInclude(t *testing.T) {
	withDebian61(t)
	dir := t.TempDir()
	mk := "include $(CURDIR)/flags.mk\n\nobj-m += remade.o\nremade-y := a.o b.o\n\n$(CURDIR)/flags.mk:\n\techo 'ccflags-y += -DREMADE' > $@\n"
	if err := os.WriteFile(filepath.Join(dir, "Makefile"), []byte(mk), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := modulesOf(d), []string{"remade: a.o b.o"}; !reflect.DeepEqual(got, want) {
		t.Errorf("modules %q, want %q", got, want)
	}
}
