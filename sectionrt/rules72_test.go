package sectionrt

import (
	"slices"
	"strings"
	"testing"
)

// TestRules72Whitelist: 7.2's data-symbol whitelist is "*_ops",
// "*_ops.llvm.*" (a Clang ThinLTO rename of a *_ops symbol) and
// "*_console" (modpost.c 7.2.13:970-974); 7.0's, read from a 7.1-rc4
// merge, has no "*_ops.llvm.*"; both report "*_probe". The real 7.2
// modpost's verdict on the same names, built with kbuild, is
// internal/dev/corpus's TestSidBuildTime.
func TestRules72Whitelist(t *testing.T) {
	const src = `
#define __sect(s) __attribute__((section(s)))
static __sect(".init.text") __attribute__((noinline)) int chip_setup(void) { return 0; }
int (*chip_probe)(void) = chip_setup;
int (*chip_ops)(void) = chip_setup;
int (*chip_console)(void) = chip_setup;
int (*chip_lto)(void) __asm__("chip_ops.llvm.1234") = chip_setup;
`
	o := mustOpen(t, compileC(t, "probe72.c", src, "-fno-pie"))
	for _, tc := range []struct {
		version string
		want    []string
	}{
		{"6.12", []string{"chip_ops.llvm.1234"}},
		{"7.0", []string{"chip_ops.llvm.1234", "chip_probe"}},
		{"7.2", []string{"chip_probe"}},
	} {
		rs, err := Rules(tc.version)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := CheckMismatch(o, rs)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			if f.Rule != RuleDataToInit || f.Ref.ModpostToSym != "chip_setup" {
				t.Errorf("rules %s: unexpected finding %s %s -> %s", tc.version, f.Rule, f.Ref.ModpostFromSym, f.Ref.ModpostToSym)
			}
			got = append(got, f.Ref.ModpostFromSym)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("rules %s: data -> init reported from %q, want %q", tc.version, got, tc.want)
		}
	}
}

func TestRules72(t *testing.T) {
	rs, err := Rules("7.2")
	if err != nil {
		t.Fatal(err)
	}
	if rs.Version != "7.2" || !strings.Contains(rs.Source, "7.2.13") || rs.Export != ExportSymbolSection || rs.Naming != NamingSymsearch {
		t.Errorf("Rules(7.2) = %+v", rs)
	}
	for _, sec := range []string{"__llvm_covfun", "__llvm_covmap", ".klp.symid", ".llvm.call-graph-profile", ".debug_info"} {
		if !matchAny(sec, rs.SkipSections) {
			t.Errorf("7.2: %s is in section_white_list (modpost.c 7.2.13:747-772), not in SkipSections", sec)
		}
	}
	if !slices.Contains(RuleVersions, "7.2") || !slices.Contains(RuleVersions, "7.0") {
		t.Errorf("RuleVersions = %q: want 7.0 kept and 7.2 added", RuleVersions)
	}
	for release, want := range map[string]string{
		"7.0.9":         "7.0",
		"7.1.0-rc4":     "7.0",
		"7.2":           "7.2",
		"7.2.1-amd64":   "7.2",
		"7.3.0-rc1":     "7.2",
		"8.0.0-1-arm64": "7.2",
	} {
		rs, err := RulesForRelease(release)
		if err != nil || rs.Version != want {
			t.Errorf("RulesForRelease(%q) = %v, %v; want %s", release, rs, err, want)
		}
	}
}
