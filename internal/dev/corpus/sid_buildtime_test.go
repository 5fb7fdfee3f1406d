package corpus

import (
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/findings"
	"github.com/initsec/initsec/internal/verify"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/modpost"
	"github.com/initsec/initsec/sectionrt"
)

// sidExpected is what the cases of testdata/sid must make 7.2's modpost
// print during the build (modpost's own names and offsets, the module by
// its base name): TestSidBuildTime fails if the build says otherwise, so
// the cases keep testing what their comments claim. Offsets are gcc-16's
// (-O2) and may move with another compiler: the comparison with initsec
// does not depend on this list.
var sidExpected = []string{
	"s7_clone: section-mismatch s7cl_prepare.isra.0 -> s7cl_setup (.init.text)",
	"s7_data_init: section-mismatch s7di_hook -> s7di_setup (.init.text)",
	"s7_data_init: section-mismatch s7di_ptr -> s7di_initval (.init.data)",
	"s7_exit_init: section-mismatch s7xi_exit -> s7xi_limit (.init.data)",
	"s7_exit_init: section-mismatch s7xi_exit -> s7xi_setup (.init.text)",
	"s7_exit_init: section-mismatch s7xi_init -> s7xi_cleanup (.exit.text)",
	"s7_export: export-exit s7ex_bye",
	"s7_export: export-init s7ex_gpl_helper",
	"s7_export: export-init s7ex_helper",
	"s7_probe: section-mismatch s7p_bus_probe -> s7p_real_setup (.init.text)",
	"s7_probe: section-mismatch s7p_bus_probe_one -> s7p_real_setup (.init.text)",
	"s7_text_init: section-mismatch s7ti_rare -> s7ti_teardown (.exit.text)",
	"s7_text_init: section-mismatch s7ti_resident -> s7ti_setup (.init.text)",
}

// sidSymbols are symbols the cases must have in their .o, so that the
// whitelisted references above (absent from sidExpected) are really there:
// gcc's constant-propagation clone and the ThinLTO-style *_ops name.
var sidSymbols = map[string][]string{
	"s7_clone":       {"s7cl_prepare.isra.0", "s7cl_scale.constprop.0"},
	"s7_ops_console": {"s7oc_bus_ops", "s7oc_early_console", "s7oc_net_ops.llvm.5641696707737373282"},
}

// koMisses are build-time findings that initsec cannot see on a .ko yet,
// with the reason; the test fails when one of them is found after all, so
// the list shrinks with the fix. Empty: the exports 6.12 and later read
// from .export_symbol are rebuilt from the .ko's __ksymtab*.
var koMisses = map[string]string{}

// textMerged is why a finding from a .text.* section of the .o (gcc's
// .text.unlikely for cold code) is named from .text on a 7.x .ko.
const textMerged = "7.x's scripts/module.lds.S (7.2.13: .text 0 : { *(.text .text.[0-9a-zA-Z_]*) }; 6.12's has no .text rule) links the .o's .text.* into the .ko's .text, and the .ko keeps no trace of the input section, so initsec names .text where modpost at build time named the .o's section; only the .o (beside the .ko in the build directory) can tell"

// TestSidBuildTime builds the modules of testdata/sid with kbuild in the
// sid build root (7.x headers, gcc-16) and compares what 7.x's modpost
// printed during that build (the MODPOST step, on the .o files) with
// initsec verify on the .o files (the same input) and on the .ko files
// (what a user has), each with the rule set of the kernel's release. The
// cases cover the *_probe whitelist entry 7.0 dropped (reported), *_ops,
// *_console and *_ops.llvm.* (not reported), exported init and exit
// functions, data -> init, exit -> init, init -> exit, text and
// .text.unlikely -> init/exit, and gcc's .isra and .constprop clones.
func TestSidBuildTime(t *testing.T) {
	sid := needSid(t)
	b := buildInSid(t, sid, "testdata/sid", "sid7x")
	var got []string
	for _, w := range b.want {
		got = append(got, expectKey(w))
	}
	slices.Sort(got)
	if !slices.Equal(got, sidExpected) {
		t.Errorf("7.x modpost during the build:\n got %q\nwant %q", got, sidExpected)
	}
	checkSymbols(t, b.dir)
	t.Run("other-sets", func(t *testing.T) { checkOtherSets(t, b.dir, b.cases, b.want, sid.Kernel) })
	b.compare(t, koMisses)
}

// TestSidMismatchCorpus builds sectionrt's corpus (testdata/mismatch: the
// cases the 6.1 and 6.12 modpost are compared on) in the sid root and
// compares 7.x's modpost lines from that build with initsec on the .o and
// .ko files, as TestSidBuildTime does.
func TestSidMismatchCorpus(t *testing.T) {
	sid := needSid(t)
	b := buildInSid(t, sid, "../../../sectionrt/testdata/mismatch", "mismatch7x")
	// Equal empty sides would pass compare: the build must have printed
	// both kinds of finding the corpus holds (38 lines with 7.2.13).
	kinds := map[string]int{}
	for _, w := range b.want {
		kinds[w.Kind]++
	}
	if kinds[modpost.KindSectionMismatch] == 0 || kinds[modpost.KindExportInit]+kinds[modpost.KindExportExit] == 0 {
		t.Fatalf("7.x modpost printed %d finding(s) (%v) during the corpus build: want section mismatches and exported init/exit symbols", len(b.want), kinds)
	}
	b.compare(t, mismatchKoMisses)
}

// mismatchKoMisses are TestSidMismatchCorpus's koMisses.
var mismatchKoMisses = map[string]string{}

// sidBuild is a directory of cases built with kbuild in the sid root.
type sidBuild struct {
	sid   *kernels.Sid
	dir   string
	cases []string
	want  []modpost.Warning // modpost's findings during the build
	rules *sectionrt.RuleSet
}

// buildInSid copies the cases of src (one module per directory) into a
// fresh directory named name, builds them in the sid root with section
// mismatches kept warnings, and returns modpost's findings from the build.
func buildInSid(t *testing.T, sid *kernels.Sid, src, name string) *sidBuild {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Minute)
	defer cancel()
	dir := filepath.Join(t.TempDir(), name)
	cases, err := layoutCases(src, dir)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := sid.Root.Build(ctx, dir, kbuild.Options{KDIR: sid.KDIR, MismatchWarnOnly: true, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %d modules of %s for %s in the sid root in %v", len(cases), src, sid.Release, time.Since(start).Round(time.Millisecond))
	b := &sidBuild{sid: sid, dir: dir, cases: cases}
	var other []string
	for _, w := range res.Warnings {
		if w.Kind == modpost.KindOther {
			other = append(other, w.Raw)
			continue
		}
		b.want = append(b.want, w)
		t.Logf("modpost: %s", w.Raw)
	}
	if len(other) > 0 {
		t.Logf("other modpost messages (not findings):\n%s", strings.Join(other, "\n"))
	}
	if b.rules, err = sectionrt.RulesForRelease(sid.Release); err != nil {
		t.Fatal(err)
	}
	if b.rules.Version != "7.2" {
		t.Errorf("release %s: rules %s, want the verified 7.2 set", sid.Release, b.rules.Version)
	}
	return b
}

// compare runs initsec verify on the .o files (with the build's rules: a
// .o has no vermagic) and on the .ko files (rules from the vermagic) and
// requires modpost's findings from the build, but for the known
// differences on the .ko (koMisses, and .text.* names: dropKnown).
func (b *sidBuild) compare(t *testing.T, koMisses map[string]string) {
	for _, kind := range []string{".o", ".ko"} {
		t.Run(strings.TrimPrefix(kind, "."), func(t *testing.T) {
			files := make([]string, len(b.cases))
			for i, c := range b.cases {
				files[i] = filepath.Join(b.dir, c+kind)
			}
			opts := verify.Options{Placement: "never", Jobs: 2}
			if kind == ".o" {
				opts.Rules = b.rules
			}
			results := verify.Files(files, opts)
			for _, r := range results {
				if r.Err != nil {
					t.Errorf("initsec: %v", r.Err)
				} else if r.Rules != b.rules.Version {
					t.Errorf("%s: checked with rules %q, want %q", r.Object, r.Rules, b.rules.Version)
				}
			}
			expected := make([]modpost.Warning, 0, len(b.want))
			for _, w := range b.want {
				w.Module = filepath.Join(b.dir, filepath.Base(w.Module)+kind)
				expected = append(expected, w)
			}
			d := Compare(results, expected, b.sid.Kernel)
			renamed := 0
			if kind == ".ko" {
				d, renamed = dropKnown(t, d, b.want, koMisses)
			}
			if !d.Equal() {
				t.Errorf("initsec verify on the %s files and 7.x modpost at build time differ: %s", kind, d)
			}
			t.Logf("%d case(s), %d finding(s) from modpost at build time; on the %s files: %s (%d of them named from .text, not the .o's .text.*)", len(b.cases), len(b.want), kind, d, renamed)
			logLines(t, results)
		})
	}
}

// otherSets: how the neighbouring rule sets judge the same .o files,
// against 7.2's modpost at build time: 6.12 still whitelists *_probe (not
// *_probe_one, which only 6.1 had), and neither 6.12 nor 7.0 (read from a
// 7.1-rc4 merge) has 7.2's *_ops.llvm.* entry.
var otherSets = map[string]struct{ onlyModpost, onlyInitsec []string }{
	"6.12": {
		onlyModpost: []string{"s7_probe: section-mismatch s7p_bus_probe -> s7p_real_setup (.init.text)"},
		onlyInitsec: []string{"s7_ops_console: section-mismatch s7oc_net_ops.llvm.5641696707737373282 -> s7oc_setup (.init.text)"},
	},
	"7.0": {onlyInitsec: []string{
		"s7_ops_console: section-mismatch s7oc_net_ops.llvm.5641696707737373282 -> s7oc_setup (.init.text)",
	}},
}

// checkOtherSets compares the other sets' findings on the .o files with
// 7.2's modpost's (otherSets).
func checkOtherSets(t *testing.T, dir string, cases []string, want []modpost.Warning, v modpost.KernelVersion) {
	files := make([]string, len(cases))
	for i, c := range cases {
		files[i] = filepath.Join(dir, c+".o")
	}
	expected := make([]modpost.Warning, 0, len(want))
	for _, w := range want {
		w.Module = filepath.Join(dir, filepath.Base(w.Module)+".o")
		expected = append(expected, w)
	}
	short := func(ks []Key) []string {
		var out []string
		for _, k := range ks {
			out = append(out, fmt.Sprintf("%s: %s %s -> %s (%s)", strings.TrimSuffix(filepath.Base(k.Object), ".o"), k.Kind, k.FromSym, k.ToSym, k.ToSec))
		}
		slices.Sort(out)
		return out
	}
	for version, wantDiff := range otherSets {
		rs, err := sectionrt.Rules(version)
		if err != nil {
			t.Fatal(err)
		}
		d := Compare(verify.Files(files, verify.Options{Placement: "never", Jobs: 2, Rules: rs}), expected, v)
		if got := short(d.OnlyModpost); !slices.Equal(got, wantDiff.onlyModpost) {
			t.Errorf("rules %s: only 7.2's modpost reports %q, want %q", version, got, wantDiff.onlyModpost)
		}
		if got := short(d.OnlyInitsec); !slices.Equal(got, wantDiff.onlyInitsec) {
			t.Errorf("rules %s: only initsec reports %q, want %q", version, got, wantDiff.onlyInitsec)
		}
		t.Logf("rules %s on the .o files against 7.2's modpost: %s", version, d)
	}
}

// expectKey names a modpost message as sidExpected lists it.
func expectKey(w modpost.Warning) string {
	mod := filepath.Base(w.Module)
	if w.Kind != modpost.KindSectionMismatch {
		return fmt.Sprintf("%s: %s %s", mod, w.Kind, w.ToSym)
	}
	return fmt.Sprintf("%s: %s %s -> %s (%s)", mod, w.Kind, w.FromSym, w.ToSym, w.ToSec)
}

// dropKnown removes the known differences on the .ko from d: koMisses
// from its only-modpost list (failing for a listed miss that initsec now
// finds) and pairs of one finding that modpost names from a .text.*
// section and initsec from .text (textMerged), counted in renamed.
func dropKnown(t *testing.T, d Diff, want []modpost.Warning, koMisses map[string]string) (_ Diff, renamed int) {
	t.Helper()
	name := func(k Key) string {
		return fmt.Sprintf("%s: %s %s", strings.TrimSuffix(filepath.Base(k.Object), ".ko"), k.Kind, k.ToSym)
	}
	missing := map[string]bool{}
	var onlyModpost []Key
	for _, k := range d.OnlyModpost {
		missing[name(k)] = true
		if why, ok := koMisses[name(k)]; ok {
			t.Logf("known miss on the .ko: %s: %s", name(k), why)
			continue
		}
		onlyModpost = append(onlyModpost, k)
	}
	for _, w := range want {
		if key := expectKey(w); koMisses[key] != "" && !missing[key] {
			t.Errorf("%s is found on the .ko now: remove it from koMisses", key)
		}
	}
	d.OnlyModpost = nil
	for _, k := range onlyModpost {
		merged := k
		merged.FromSec = ".text"
		if i := slices.Index(d.OnlyInitsec, merged); strings.HasPrefix(k.FromSec, ".text.") && i >= 0 {
			t.Logf("known difference on the .ko: %s is in .text there: %s", k, textMerged)
			d.OnlyInitsec = slices.Delete(d.OnlyInitsec, i, i+1)
			d.Same++
			renamed++
			continue
		}
		d.OnlyModpost = append(d.OnlyModpost, k)
	}
	return d, renamed
}

// checkSymbols fails for a symbol of sidSymbols missing from its case's
// object.
func checkSymbols(t *testing.T, dir string) {
	t.Helper()
	for c, names := range sidSymbols {
		f, err := elf.Open(filepath.Join(dir, c+".o"))
		if err != nil {
			t.Fatal(err)
		}
		syms, err := f.Symbols()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if !slices.ContainsFunc(syms, func(s elf.Symbol) bool { return s.Name == n }) {
				t.Errorf("%s.o has no symbol %s: the case no longer tests what it says", c, n)
			}
		}
	}
}

// logLines logs initsec's findings in modpost's format.
func logLines(t *testing.T, results []findings.Result) {
	t.Helper()
	for _, r := range results {
		for _, f := range r.Findings {
			if _, ok := f.Warning(); ok {
				t.Logf("initsec: %s: %s", filepath.Base(r.Object), f.ModpostLine(r.Rules))
			}
		}
	}
}

// layoutCases copies src/CASE/*.c into dir, with a Kbuild building one
// module per case (and each case's Kbuild.frag lines), and returns the
// case names, sorted.
func layoutCases(src, dir string) ([]string, error) {
	entries, err := os.ReadDir(src)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var cases []string
	var kb strings.Builder
	kb.WriteString("# Written by internal/dev/corpus's TestSidBuildTime.\n")
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		files, err := filepath.Glob(filepath.Join(src, e.Name(), "*.c"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
				return nil, err
			}
		}
		cases = append(cases, e.Name())
		fmt.Fprintf(&kb, "obj-m += %s.o\n", e.Name())
		// A case's own lines ("CASE-y := a.o b.o"), as kernels.BuildCorpus
		// takes them.
		frag, err := os.ReadFile(filepath.Join(src, e.Name(), "Kbuild.frag"))
		if err == nil {
			kb.Write(frag)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	slices.Sort(cases)
	return cases, os.WriteFile(filepath.Join(dir, "Kbuild"), []byte(kb.String()), 0o644)
}
