package sectionrt

import (
	"fmt"
	"slices"
	"strings"

	"github.com/initsec/initsec/modpost"
)

// The sources the rule sets transcribe. Line numbers refer to these files.
const (
	// Debian 12's linux-source-6.1 6.1.192-2 (the source of the installed
	// linux-headers-6.1.0-56-amd64 and its modpost binary). 6.1.192 is a
	// stable release: unlike v6.1 itself it has ".text.*" and ".ltext*" in
	// TEXT_SECTIONS and the W=1-only "*driver" -> .exit.* whitelist.
	source61 = "scripts/mod/modpost.c of Linux 6.1.192 (Debian linux-source-6.1 6.1.192-2)"
	// Debian 12's linux-source-6.12 6.12.117-1~deb12u1 (the source of
	// linux-headers-6.12.117+deb12-amd64 and its modpost binary).
	source612 = "scripts/mod/modpost.c and scripts/mod/symsearch.c of Linux 6.12.117 (Debian linux-source-6.12 6.12.117-1~deb12u1)"
	// No 6.19 tree could be read. The 6.19 set is 6.12.117's, checked
	// against the newest trees at hand: the section-mismatch code of
	// CachyOS/linux@d5fac7d4a201777d15dcafbfaa8051625f349272 (6.17-rc1:
	// section_white_list, section macros, sectioncheck[], secref_whitelist,
	// find_fromsym/find_tosym, default_mismatch_handler's message,
	// check_export_symbol, addend_*_rel) and of
	// ColinIanKing/linux-next@34c39b69cd9b5a121cc6d16de9fd54a8022d63c5
	// (post-6.12: extended MODVERSIONS, .no_trim_symbol; also
	// section_rela, section_rel, check_sec_ref) are
	// 6.12.117's, apart from unaligned reads of REL addends, which give the
	// same values. The next change, commit a4df2071f1a2 ("modpost: drop
	// '*_probe' from section check whitelist"), was applied to kbuild-next
	// on 2025-12-16 and reached kbuild-fixes only with the 7.0 Kbuild
	// changes (kbuild.git post-receive of 2026-02-12), so 6.19 keeps
	// "*_probe"; that part is inferred from the branch history, not read
	// from a v6.19 tree.
	source619 = "Linux 6.19 modpost.c not read: 6.12.117's rules, which 6.17-rc1's (CachyOS/linux@d5fac7d4a201777d15dcafbfaa8051625f349272) match; '*_probe' was dropped only for 7.0 (commit a4df2071f1a2)"
	// Aarav90-cpu/linux-kotlin@a663adb68e0eb2208a5df1793d83184dbdc96866:
	// a merge of 7.1-rc4 and 7.0.9-zen that still holds conflict markers
	// (Makefile, include/linux/module_symbol.h, modpost.c's
	// add_exported_symbols), but none in modpost.c's section-mismatch code
	// (read from sym_name to check_sec_ref) nor around
	// is_mapping_symbol, which is unchanged.
	// That code is 6.12.117's except the data-symbol whitelist, which lost
	// "*_probe" in commit a4df2071f1a2bb5b003eb179e1a51625d26b04d5 (the
	// patch was read: a one-line change to secref_whitelist).
	source70 = "scripts/mod/modpost.c of Aarav90-cpu/linux-kotlin@a663adb68e0eb2208a5df1793d83184dbdc96866 (a 7.1-rc4/7.0.9 merge) and commit a4df2071f1a2 (\"modpost: drop '*_probe' from section check whitelist\", Linux 7.0)"
)

// The 7.2 set: read from the source of the modpost it is verified against.
const (
	// Debian sid's linux-source-7.2 7.2.13-1, the source of the
	// linux-kbuild-7.2.13 package whose modpost (run in a sid build root:
	// it needs GLIBC 2.38) the set is verified against, on modules built
	// with kbuild in that root and on the 4,216 modules of sid's
	// linux-modules package (internal/dev/corpus). Against 6.12.117 its
	// section-mismatch code (section_white_list to check_section_mismatch,
	// symsearch.c, is_valid_name, check_sec_ref) differs only in
	// section_white_list (+"__llvm_covfun", "__llvm_covmap", ".klp.symid"),
	// the data-symbol whitelist ("*_probe" gone, commit a4df2071f1a2, 7.0;
	// "*_ops.llvm.*" added, "modpost: Ignore Clang LTO suffixes in symbol
	// matching", a 7.2 fix, absent from the tree the 7.0 set was read
	// from) and unaligned reads of REL addends (same values).
	source72 = "scripts/mod/modpost.c and scripts/mod/symsearch.c of Linux 7.2.13 (Debian linux-source-7.2 7.2.13-1), verified against linux-kbuild 7.2.13's modpost"
)

// RuleSet is modpost's section-mismatch logic of one kernel version, as
// data: which relocated sections are checked, which target sections are
// bad (or, for __ex_table, which are good), which references are
// whitelisted by symbol name, how exported symbols are found, and how
// modpost names the two ends of a reference. Rules returns a fresh copy, so
// a caller may change fields (ExtraWarn, say) without affecting others.
type RuleSet struct {
	Version string // "6.1", "6.12", "6.19", "7.0", "7.2"
	Source  string // the modpost.c the rules are transcribed from

	// Section groups (glob patterns, as modpost's fnmatch() takes them).
	InitSections     []string // ALL_INIT_SECTIONS
	ExitSections     []string // ALL_EXIT_SECTIONS
	InitDataSections []string // ALL_INIT_DATA_SECTIONS
	MemInitSections  []string // 6.1's ALL_XXXINIT_SECTIONS (".meminit.*"); nil later
	TextSections     []string // TEXT_SECTIONS
	OtherText        []string // OTHER_TEXT_SECTIONS
	DataSections     []string // DATA_SECTIONS
	AllTextSections  []string // ALL_TEXT_SECTIONS: __ex_table's good targets

	// SkipSections are relocated sections modpost does not check at all
	// (section_white_list: debug info, notes, comments, ...).
	SkipSections []string

	Checks    []SectionCheck  // the sectioncheck[] table, in modpost's order
	Whitelist []WhitelistRule // secref_whitelist(), in order

	// Export says how EXPORT_SYMBOL of an init or exit symbol is found:
	// ExportKsymtab (6.1: relocations from ___ksymtab* sections, checked
	// like any section mismatch) or ExportSymbolSection (6.5 and later:
	// relocations from .export_symbol, labelled __export_symbol_NAME).
	Export string

	// Naming is how modpost names the symbols of a reported reference:
	// NamingFindElfSymbol (6.1's find_elf_symbol/find_elf_symbol2) or
	// NamingSymsearch (6.8 and later: symsearch_find_nearest).
	Naming string

	// ExtraWarn is modpost's -W (the build's W=1). In 6.1 it turns off the
	// whitelist entry for "*driver" data referring to .exit sections.
	ExtraWarn bool
}

// Values of RuleSet.Export and RuleSet.Naming.
const (
	ExportKsymtab       = "ksymtab"
	ExportSymbolSection = "export_symbol"

	NamingFindElfSymbol = "find_elf_symbol"
	NamingSymsearch     = "symsearch"
)

// SectionCheck is one entry of modpost's sectioncheck[] table: a
// relocation from a section matching FromSec to one matching BadToSec, or
// (when GoodToSec is set) to one not matching GoodToSec, is a mismatch.
type SectionCheck struct {
	Mismatch  string   // modpost's enum mismatch name, e.g. "TEXT_TO_ANY_INIT"
	FromSec   []string // glob patterns
	BadToSec  []string
	GoodToSec []string
	Cite      string // where the entry is in modpost.c
}

// WhitelistRule is one condition of modpost's secref_whitelist(): a
// mismatch whose from section, to section, from symbol and to symbol match
// all the non-empty pattern lists is not reported. Symbols are named as
// modpost names them (see RuleSet.Naming).
type WhitelistRule struct {
	Name    string // modpost's comment name: "pattern 1", "pattern 1a", ...
	FromSec []string
	ToSec   []string
	FromSym []string
	ToSym   []string
	// UnlessExtraWarn: the rule applies only without -W (W=1).
	UnlessExtraWarn bool
	Cite            string
}

// matches reports whether the rule whitelists the reference.
func (w *WhitelistRule) matches(rs *RuleSet, fromsec, fromsym, tosec, tosym string) bool {
	if w.UnlessExtraWarn && rs.ExtraWarn {
		return false
	}
	return (w.FromSec == nil || matchAny(fromsec, w.FromSec)) &&
		(w.ToSec == nil || matchAny(tosec, w.ToSec)) &&
		(w.FromSym == nil || matchAny(fromsym, w.FromSym)) &&
		(w.ToSym == nil || matchAny(tosym, w.ToSym))
}

// sectionWhiteList is modpost's section_white_list[] (6.1.192 lines
// 763-784; 6.12.117 lines 728-750 adds ".llvm.call-graph-profile").
var sectionWhiteList61 = []string{
	".comment*", ".debug*", ".zdebug*", ".GCC.command.line", ".mdebug*", ".pdr",
	".stab*", ".note*", ".got*", ".toc*", ".xt.prop", ".xt.lit", ".arcextmap*",
	".gnu.linkonce.arcext*", ".cmem*", ".fmt_slot*", ".gnu.lto*", ".discard.*",
}

var pciInitSections = []string{
	".pci_fixup_early", ".pci_fixup_header", ".pci_fixup_final",
	".pci_fixup_enable", ".pci_fixup_resume", ".pci_fixup_resume_early", ".pci_fixup_suspend",
}

func cat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// rules61 transcribes 6.1.192's modpost.c lines 809-977 (section macros,
// sectioncheck[]) and 1058-1121 (secref_whitelist).
func rules61() *RuleSet {
	initSecs := []string{".init.*", ".meminit.*"} // ALL_INIT_SECTIONS = INIT_SECTIONS, ALL_XXXINIT_SECTIONS
	exitSecs := []string{".exit.*"}               // ALL_EXIT_SECTIONS = EXIT_SECTIONS
	text := []string{".text", ".text.*", ".sched.text", ".kprobes.text", ".cpuidle.text", ".noinstr.text", ".ltext", ".ltext.*"}
	other := []string{".ref.text", ".head.text", ".spinlock.text", ".fixup", ".entry.text", ".exception.text", ".coldtext", ".softirqentry.text", ".irqentry.text"}
	data := []string{".data", ".data.rel"}
	allText := cat([]string{".init.text", ".meminit.text", ".exit.text"}, text, other)
	initData := []string{".init.setup", ".init.rodata", ".meminit.rodata", ".init.data", ".meminit.data"}
	c := func(line int) string { return fmt.Sprintf("%s:%d", "modpost.c 6.1.192", line) }
	rs := &RuleSet{
		Version: "6.1", Source: source61,
		InitSections: initSecs, ExitSections: exitSecs, InitDataSections: initData,
		MemInitSections: []string{".meminit.*"},
		TextSections:    text, OtherText: other, DataSections: data, AllTextSections: allText,
		SkipSections: sectionWhiteList61,
		Checks: []SectionCheck{
			{Mismatch: "TEXT_TO_ANY_INIT", FromSec: text, BadToSec: initSecs, Cite: c(916)},
			{Mismatch: "DATA_TO_ANY_INIT", FromSec: data, BadToSec: []string{".meminit.*"}, Cite: c(921)},
			{Mismatch: "DATA_TO_ANY_INIT", FromSec: data, BadToSec: []string{".init.*"}, Cite: c(926)},
			{Mismatch: "TEXT_TO_ANY_EXIT", FromSec: text, BadToSec: exitSecs, Cite: c(931)},
			{Mismatch: "DATA_TO_ANY_EXIT", FromSec: data, BadToSec: exitSecs, Cite: c(936)},
			{Mismatch: "XXXINIT_TO_SOME_INIT", FromSec: []string{".meminit.*"}, BadToSec: []string{".init.*"}, Cite: c(942)},
			{Mismatch: "ANY_INIT_TO_ANY_EXIT", FromSec: initSecs, BadToSec: exitSecs, Cite: c(948)},
			{Mismatch: "ANY_EXIT_TO_ANY_INIT", FromSec: exitSecs, BadToSec: initSecs, Cite: c(954)},
			{Mismatch: "ANY_INIT_TO_ANY_EXIT", FromSec: pciInitSections, BadToSec: []string{".init.*"}, Cite: c(959)},
			{Mismatch: "EXPORT_TO_INIT_EXIT", FromSec: []string{"___ksymtab*"}, BadToSec: []string{".init.*", ".exit.*"}, Cite: c(965)},
			{Mismatch: "EXTABLE_TO_NON_TEXT", FromSec: []string{"__ex_table"}, BadToSec: []string{".altinstr_replacement"}, GoodToSec: allText, Cite: c(974)},
		},
		Whitelist: []WhitelistRule{
			{Name: "pattern 1 (__param* data -> init data)", ToSec: initData, FromSec: data, FromSym: []string{"__param*"}, Cite: c(1062)},
			{Name: "pattern 1a (__param_ops_* -> .init.text)", ToSec: []string{".init.text"}, FromSec: data, FromSym: []string{"__param_ops_*"}, Cite: c(1068)},
			{Name: "data symbols that may refer to init/exit sections", FromSec: data, ToSec: cat(initSecs, exitSecs),
				FromSym: []string{"*_template", "*_timer", "*_sht", "*_ops", "*_probe", "*_probe_one", "*_console"}, Cite: c(1074)},
			{Name: "*driver data -> .meminit.*", FromSec: data, ToSec: []string{".meminit.*"}, FromSym: []string{"*driver"}, Cite: c(1086)},
			{Name: "*driver data -> .exit.* (without W=1)", FromSec: data, ToSec: []string{".exit.*"}, FromSym: []string{"*driver"}, UnlessExtraWarn: true, Cite: c(1092)},
			{Name: "pattern 3 (.head.text -> init)", FromSec: []string{".head.text*"}, ToSec: initSecs, Cite: c(1103)},
			{Name: "pattern 4 (init section boundary symbols)", ToSym: []string{"__init_begin", "_sinittext", "_einittext"}, Cite: c(1108)},
			{Name: "pattern 5 (*.constprop.* text -> init)", FromSec: allText, ToSec: initSecs, FromSym: []string{"*.constprop.*"}, Cite: c(1112)},
			{Name: "pattern 6 (.L local labels)", FromSym: []string{".L*"}, Cite: c(1118)},
		},
		Export: ExportKsymtab,
		Naming: NamingFindElfSymbol,
	}
	return rs
}

// rules612 transcribes 6.12.117's modpost.c lines 728-750
// (section_white_list), 775-859 (section macros, sectioncheck[]), 933-970
// (secref_whitelist) and 1061-1150 (check_export_symbol,
// check_section_mismatch).
func rules612(version, source, file string) *RuleSet {
	initSecs := []string{".init.*"}
	exitSecs := []string{".exit.*"}
	text := []string{".text", ".text.*", ".sched.text", ".kprobes.text", ".cpuidle.text", ".noinstr.text", ".ltext", ".ltext.*"}
	other := []string{".ref.text", ".head.text", ".spinlock.text", ".fixup", ".entry.text", ".exception.text", ".coldtext", ".softirqentry.text", ".irqentry.text"}
	data := []string{".data", ".data.rel"}
	allText := cat([]string{".init.text", ".exit.text"}, text, other)
	initData := []string{".init.setup", ".init.rodata", ".init.data"}
	c := func(line int) string { return fmt.Sprintf("%s:%d", file, line) }
	return &RuleSet{
		Version: version, Source: source,
		InitSections: initSecs, ExitSections: exitSecs, InitDataSections: initData,
		TextSections: text, OtherText: other, DataSections: data, AllTextSections: allText,
		SkipSections: cat(sectionWhiteList61, []string{".llvm.call-graph-profile"}),
		Checks: []SectionCheck{
			{Mismatch: "TEXTDATA_TO_ANY_INIT_EXIT", FromSec: cat(text, data), BadToSec: cat(initSecs, exitSecs), Cite: c(832)},
			{Mismatch: "ANY_INIT_TO_ANY_EXIT", FromSec: initSecs, BadToSec: exitSecs, Cite: c(838)},
			{Mismatch: "ANY_EXIT_TO_ANY_INIT", FromSec: exitSecs, BadToSec: initSecs, Cite: c(844)},
			{Mismatch: "ANY_INIT_TO_ANY_EXIT", FromSec: pciInitSections, BadToSec: initSecs, Cite: c(849)},
			{Mismatch: "EXTABLE_TO_NON_TEXT", FromSec: []string{"__ex_table"}, BadToSec: []string{".altinstr_replacement"}, GoodToSec: allText, Cite: c(858)},
		},
		Whitelist: []WhitelistRule{
			{Name: "pattern 1 (__param* data -> init data)", ToSec: initData, FromSec: data, FromSym: []string{"__param*"}, Cite: c(936)},
			{Name: "pattern 1a (__param_ops_* -> .init.text)", ToSec: []string{".init.text"}, FromSec: data, FromSym: []string{"__param_ops_*"}, Cite: c(942)},
			{Name: "data symbols that may refer to init/exit sections", FromSec: data, ToSec: cat(initSecs, exitSecs),
				FromSym: []string{"*_ops", "*_probe", "*_console"}, Cite: c(948)},
			{Name: "pattern 3 (.head.text -> init)", FromSec: []string{".head.text*"}, ToSec: initSecs, Cite: c(954)},
			{Name: "pattern 4 (init section boundary symbols)", ToSym: []string{"__init_begin", "_sinittext", "_einittext"}, Cite: c(959)},
			{Name: "pattern 5 (*.constprop.* text -> init)", FromSec: allText, ToSec: initSecs, FromSym: []string{"*.constprop.*"}, Cite: c(963)},
		},
		Export: ExportSymbolSection,
		Naming: NamingSymsearch,
	}
}

// rules70 is 6.12.117's set without "*_probe" among the data symbols
// that may refer to init and exit sections (commit a4df2071f1a2, Linux
// 7.0). Line numbers are 6.12.117's.
func rules70() *RuleSet {
	rs := rules612("7.0", source70, "modpost.c 6.12.117 (= 7.0)")
	for i := range rs.Whitelist {
		w := &rs.Whitelist[i]
		if w.Name == "data symbols that may refer to init/exit sections" {
			w.FromSym = []string{"*_ops", "*_console"}
			w.Cite += ", less *_probe (commit a4df2071f1a2)"
		}
	}
	return rs
}

// rules72 transcribes 7.2.13's modpost.c lines 747-772
// (section_white_list), 797-882 (section macros, sectioncheck[]), 955-992
// (secref_whitelist) and 1083-1171 (check_export_symbol,
// check_section_mismatch).
func rules72() *RuleSet {
	initSecs := []string{".init.*"}
	exitSecs := []string{".exit.*"}
	text := []string{".text", ".text.*", ".sched.text", ".kprobes.text", ".cpuidle.text", ".noinstr.text", ".ltext", ".ltext.*"}
	other := []string{".ref.text", ".head.text", ".spinlock.text", ".fixup", ".entry.text", ".exception.text", ".coldtext", ".softirqentry.text", ".irqentry.text"}
	data := []string{".data", ".data.rel"}
	allText := cat([]string{".init.text", ".exit.text"}, text, other)
	initData := []string{".init.setup", ".init.rodata", ".init.data"}
	c := func(line int) string { return fmt.Sprintf("modpost.c 7.2.13:%d", line) }
	return &RuleSet{
		Version: "7.2", Source: source72,
		InitSections: initSecs, ExitSections: exitSecs, InitDataSections: initData,
		TextSections: text, OtherText: other, DataSections: data, AllTextSections: allText,
		SkipSections: cat(sectionWhiteList61, []string{".llvm.call-graph-profile", "__llvm_covfun", "__llvm_covmap", ".klp.symid"}),
		Checks: []SectionCheck{
			{Mismatch: "TEXTDATA_TO_ANY_INIT_EXIT", FromSec: cat(text, data), BadToSec: cat(initSecs, exitSecs), Cite: c(854)},
			{Mismatch: "ANY_INIT_TO_ANY_EXIT", FromSec: initSecs, BadToSec: exitSecs, Cite: c(860)},
			{Mismatch: "ANY_EXIT_TO_ANY_INIT", FromSec: exitSecs, BadToSec: initSecs, Cite: c(866)},
			{Mismatch: "ANY_INIT_TO_ANY_EXIT", FromSec: pciInitSections, BadToSec: initSecs, Cite: c(871)},
			{Mismatch: "EXTABLE_TO_NON_TEXT", FromSec: []string{"__ex_table"}, BadToSec: []string{".altinstr_replacement"}, GoodToSec: allText, Cite: c(880)},
		},
		Whitelist: []WhitelistRule{
			{Name: "pattern 1 (__param* data -> init data)", ToSec: initData, FromSec: data, FromSym: []string{"__param*"}, Cite: c(958)},
			{Name: "pattern 1a (__param_ops_* -> .init.text)", ToSec: []string{".init.text"}, FromSec: data, FromSym: []string{"__param_ops_*"}, Cite: c(964)},
			// "*_probe" was dropped in 7.0 (commit a4df2071f1a2);
			// "*_ops.llvm.*" is "*_ops" renamed by Clang ThinLTO.
			{Name: "data symbols that may refer to init/exit sections", FromSec: data, ToSec: cat(initSecs, exitSecs),
				FromSym: []string{"*_ops", "*_ops.llvm.*", "*_console"}, Cite: c(970)},
			{Name: "pattern 3 (.head.text -> init)", FromSec: []string{".head.text*"}, ToSec: initSecs, Cite: c(976)},
			{Name: "pattern 4 (init section boundary symbols)", ToSym: []string{"__init_begin", "_sinittext", "_einittext"}, Cite: c(981)},
			{Name: "pattern 5 (*.constprop.* text -> init)", FromSec: allText, ToSec: initSecs, FromSym: []string{"*.constprop.*"}, Cite: c(985)},
		},
		Export: ExportSymbolSection,
		Naming: NamingSymsearch,
	}
}

// RuleVersions lists the versions Rules knows, oldest first.
var RuleVersions = []string{"6.1", "6.12", "6.19", "7.0", "7.2"}

// Rules returns a fresh copy of the rule set for version "6.1", "6.12",
// "6.19", "7.0" or "7.2".
func Rules(version string) (*RuleSet, error) {
	switch version {
	case "6.1":
		return rules61(), nil
	case "6.12":
		return rules612("6.12", source612, "modpost.c 6.12.117"), nil
	case "6.19":
		// Same transcription; the line numbers are 6.12.117's (see
		// source619 for what was and was not checked).
		return rules612("6.19", source619, "modpost.c 6.12.117 (= 6.17-rc1, assumed 6.19)"), nil
	case "7.0":
		return rules70(), nil
	case "7.2":
		return rules72(), nil
	}
	return nil, fmt.Errorf("no section-mismatch rules for Linux %q: want one of %s", version, strings.Join(RuleVersions, ", "))
}

// RulesForRelease returns the rule set for a kernel release string
// ("6.1.0-56-amd64", "6.12.57+deb13-amd64", "6.16.1", "6.19-rc3"): the
// newest set at or below it. Releases 6.12 to 6.18 get 6.12's, 6.19 gets
// 6.19's, 7.0 and 7.1 7.0's (read from a 7.1-rc4 merge, never run), 7.2
// and later 7.2's (verified against 7.2.13's modpost; later releases are
// assumed to match until a newer modpost is run), everything before 6.12
// gets 6.1's — including releases
// before 6.1, whose modpost differed (the verbose message form before
// 5.x, no ".text.*" check before 6.2 and 6.1.y backports), so findings
// for them are 6.1's judgement, not that kernel's. Releases between 6.5 and
// 6.11 export through .export_symbol like 6.12, which the 6.1 set does not
// look at: their export findings are missed.
func RulesForRelease(release string) (*RuleSet, error) {
	v, err := modpost.ParseKernelVersion(release)
	if err != nil {
		return nil, fmt.Errorf("kernel release %q: want it to start with MAJOR.MINOR", release)
	}
	switch {
	case v.Version > 7 || v.Version == 7 && v.PatchLevel >= 2:
		return Rules("7.2")
	case v.Version == 7:
		return Rules("7.0")
	case v.Version == 6 && v.PatchLevel >= 19:
		return Rules("6.19")
	case v.Version == 6 && v.PatchLevel >= 12:
		return Rules("6.12")
	}
	return Rules("6.1")
}

// matchAny reports whether s matches one of the glob patterns.
func matchAny(s string, patterns []string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return glob(p, s) })
}

// glob is fnmatch(pattern, s, 0) for the patterns modpost uses: '*' (any
// run of characters, '/' included), '?' and literal characters; no
// bracket expressions, which modpost's patterns do not contain.
func glob(p, s string) bool {
	// Iterative matcher with single-star backtracking.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]) && p[pi] != '*':
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
