package verify

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/internal/findings"
	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/sectionrt"
)

// installedModules returns up to n modules of Debian's installed 6.1 and
// 6.12 kernels (plain .ko and .ko.xz), spread over each tree.
func installedModules(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	for _, series := range []struct{ prefix, pkgs string }{
		{"6.1.", "linux-image-amd64 linux-headers-amd64"},
		{"6.12.", kernels.Image612Meta + " " + kernels.Headers612Meta},
	} {
		rel, ok := kernels.FindRelease(series.prefix)
		if !ok {
			testenv.SkipOrFail(t, "no Linux %s* modules with headers (apt-get install -y %s)", series.prefix, series.pkgs)
		}
		tree := filepath.Join(rel.Tree, "kernel")
		files, errs := modfile.Expand([]string{tree})
		if len(errs) > 0 || len(files) < n {
			testenv.SkipOrFail(t, "%s: %d modules, %v", tree, len(files), errs)
		}
		step := len(files) / n
		for i := 0; i < n; i++ {
			out = append(out, files[i*step])
		}
	}
	return out
}

// TestParallelMatchesSequential checks many real modules on many workers
// and on one: the results must be the same, in the order given. Under
// -race this exercises the worker pool and the shared rule-set and
// manifest caches.
func TestParallelMatchesSequential(t *testing.T) {
	files := installedModules(t, 40)
	seq := Files(files, Options{Jobs: 1})
	par := Files(files, Options{Jobs: 8})
	if len(seq) != len(files) || len(par) != len(files) {
		t.Fatalf("%d and %d results for %d files", len(seq), len(par), len(files))
	}
	rules := map[string]int{}
	for i := range files {
		if seq[i].Object != files[i] || par[i].Object != files[i] {
			t.Errorf("result %d is for %s / %s, want %s", i, seq[i].Object, par[i].Object, files[i])
		}
		if seq[i].Err != nil {
			t.Errorf("%s: %v", files[i], seq[i].Err)
		}
		if !reflect.DeepEqual(seq[i], par[i]) {
			t.Errorf("%s: -j 1 gave %+v, -j 8 gave %+v", files[i], seq[i], par[i])
		}
		rules[seq[i].Rules]++
	}
	// Each object is checked by its own release's rules (vermagic).
	if rules["6.1"] != 40 || rules["6.12"] != 40 {
		t.Errorf("rule sets used: %v, want 40 objects each of 6.1 and 6.12", rules)
	}
	// -rules overrides the object's own release.
	for _, r := range Files(files[:3], Options{Rules: mustRules(t, "7.0"), Jobs: 2}) {
		if r.Rules != "7.0" {
			t.Errorf("%s: checked with %q, want 7.0", r.Object, r.Rules)
		}
	}
}

// TestErrorsNameTheObject: an object that cannot be read or checked is an
// error naming it, and the others are still checked.
func TestErrorsNameTheObject(t *testing.T) {
	good := installedModules(t, 1)[0]
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.ko")
	if err := os.WriteFile(garbage, []byte("not an ELF object"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.ko")
	rs := Files([]string{garbage, good, missing}, Options{Jobs: 3})
	for _, i := range []int{0, 2} {
		if rs[i].Err == nil || !strings.Contains(rs[i].Err.Error(), rs[i].Object) {
			t.Errorf("%s: err %v, want one naming the object", rs[i].Object, rs[i].Err)
		}
	}
	if rs[1].Err != nil || rs[1].Rules == "" {
		t.Errorf("%s beside broken objects: rules %q, err %v", good, rs[1].Rules, rs[1].Err)
	}
	if findings.Errors(rs) != 2 {
		t.Errorf("Errors = %d, want 2", findings.Errors(rs))
	}
}

// TestPlacementModes: "always" makes an object whose directory holds no
// module an error, "auto" and "never" check only mismatches there, and a
// manifest is checked against every object.
func TestPlacementModes(t *testing.T) {
	ko := filepath.Join(t.TempDir(), "m.ko")
	b, err := modfile.ReadFile(installedModules(t, 1)[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ko, b, 0o644); err != nil {
		t.Fatal(err)
	}

	r := Files([]string{ko}, Options{Placement: "always"})[0]
	if r.Err == nil || !strings.Contains(r.Err.Error(), ko) || !strings.Contains(r.Err.Error(), "obj-m") {
		t.Errorf("always, no module: err %v, want one naming %s and the missing obj-m", r.Err, ko)
	}
	for _, mode := range []string{"", "auto", "never"} {
		r := Files([]string{ko}, Options{Placement: mode})[0]
		if r.Err != nil || r.Rules != "6.1" || slices.ContainsFunc(r.Findings, isPlacement) {
			t.Errorf("placement %q: err %v, rules %q, findings %v", mode, r.Err, r.Rules, r.Findings)
		}
	}
	m := &sectionrt.Manifest{Module: "m", Entries: []sectionrt.Expectation{
		{Symbol: "no_such_symbol", Kind: "init", Section: ".init.text", File: "m.c", Line: 3, Col: 1},
	}}
	r = Files([]string{ko}, Options{Manifest: m})[0]
	if r.Err != nil || !slices.ContainsFunc(r.Findings, func(f sectionrt.Finding) bool {
		return f.Rule == sectionrt.RuleAbsent && f.Symbol == "no_such_symbol" && f.Annotation == filepath.Join(filepath.Dir(ko), "m.c:3:1")
	}) {
		t.Errorf("manifest: err %v, findings %+v; want no_such_symbol absent, at its annotation beside the object", r.Err, r.Findings)
	}
	if r := Files([]string{ko}, Options{Manifest: m, Placement: "never"})[0]; slices.ContainsFunc(r.Findings, isPlacement) {
		t.Errorf("placement never with a manifest: %v", r.Findings)
	}
}

func isPlacement(f sectionrt.Finding) bool { return strings.HasPrefix(f.Rule, "placement/") }

// TestNoReleaseFromBuild: an object without a vermagic takes the release
// its own kbuild output names (.NAME.o.cmd's kernel tree, else NAME.ko's
// vermagic); when nothing does, it is an error that says to choose the
// rules, whatever headers are installed or named by $KDIR, and -rules
// makes it checkable.
func TestNoReleaseFromBuild(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		testenv.SkipOrFail(t, "no gcc (install gcc)")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "plain.c")
	if err := os.WriteFile(src, []byte("int plain(void) { return 1; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	obj := filepath.Join(dir, "plain.o")
	if out, err := exec.Command("gcc", "-c", "-o", obj, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	noBuild := func(kdir string) {
		t.Helper()
		t.Setenv("KDIR", kdir)
		r := Files([]string{obj}, Options{})[0]
		if r.Err == nil || !strings.Contains(r.Err.Error(), obj) || !strings.Contains(r.Err.Error(), "-rules") {
			t.Errorf("no vermagic, no build record, KDIR=%s: rules %q, err %v; want an error naming the object and -rules", kdir, r.Rules, r.Err)
		}
	}
	noBuild(filepath.Join(dir, "no-such-kdir"))
	r := Files([]string{obj}, Options{Rules: mustRules(t, "6.12")})[0]
	if r.Err != nil || r.Rules != "6.12" || len(r.Findings) != 0 {
		t.Errorf("with -rules 6.12: %+v", r)
	}

	// The compile record names the tree. Both installed series are tried,
	// each with $KDIR naming the other, so that the answer can be neither
	// a default nor the headers in use.
	cmd := filepath.Join(dir, ".plain.o.cmd")
	series := []string{"6.1.", "6.12."}
	for i, s := range series {
		rel, ok := kernels.FindRelease(s)
		other, ok2 := kernels.FindRelease(series[1-i])
		if !ok || !ok2 {
			testenv.SkipOrFail(t, "Linux 6.1 and 6.12 headers are not both installed")
		}
		os.Remove(cmd)
		noBuild(other.KDIR)
		want := strings.TrimSuffix(s, ".")
		for _, form := range []string{
			"-I" + rel.KDIR + "/include",
			"-include " + rel.KDIR + "/include/linux/kconfig.h",
			"-I ./include -I" + rel.KDIR + "/arch/x86/include/uapi",
		} {
			line := "savedcmd_" + obj + " := gcc -nostdinc " + form + " -c -o " + obj + " " + src + "\n\nsource_" + obj + " := " + src + "\n"
			if err := os.WriteFile(cmd, []byte(line), 0o644); err != nil {
				t.Fatal(err)
			}
			if r := Files([]string{obj}, Options{})[0]; r.Err != nil || r.Rules != want {
				t.Errorf("no vermagic, %s names %s (KDIR=%s): rules %q, err %v; want %s", cmd, form, other.KDIR, r.Rules, r.Err, want)
			}
		}
	}
	// A record that names no tree is no answer either.
	if err := os.WriteFile(cmd, []byte("cmd_"+obj+" := gcc -I./include -c\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noBuild(filepath.Join(dir, "no-such-kdir"))
}

func mustRules(t *testing.T, v string) *sectionrt.RuleSet {
	t.Helper()
	rs, err := sectionrt.Rules(v)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestListing: a directory the walk listed with a kbuild file is looked
// at as without a Listing (placement checked where it has annotations);
// one it listed without (here, falsely) is not looked at, which is the
// stats Listing saves on an installed tree.
func TestListing(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"Kbuild", "Kbuild.initsec", "failinit.c", "failinit.initsec.h"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", "failinit", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := modfile.ReadFile(installedModules(t, 1)[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "failinit.ko"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	files, listing, errs := modfile.ExpandListing([]string{dir})
	if len(errs) != 0 || len(files) != 1 || listing.NoKbuild(dir) {
		t.Fatalf("ExpandListing: %q, %v, %v", files, listing, errs)
	}
	without := Files(files, Options{})
	with := Files(files, Options{Listing: listing})
	if !reflect.DeepEqual(with, without) {
		t.Errorf("with the Listing:\n%+v\nwithout:\n%+v", with, without)
	}
	if with[0].Err != nil || !slices.ContainsFunc(with[0].Findings, isPlacement) {
		t.Errorf("err %v, findings %v; want the annotations of failinit.c checked against another module", with[0].Err, with[0].Findings)
	}
	forged := Files(files, Options{Listing: modfile.Listing{dir: false}})
	if forged[0].Err != nil || slices.ContainsFunc(forged[0].Findings, isPlacement) {
		t.Errorf("listed without a kbuild file: err %v, findings %v; want no placement checked", forged[0].Err, forged[0].Findings)
	}
}
