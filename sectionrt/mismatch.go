package sectionrt

import (
	"debug/elf"
	"fmt"
	"math/bits"
	"path/filepath"
	"strings"

	"github.com/initsec/initsec/modpost"
)

// Rule identifiers of section-mismatch findings (see CheckMismatch).
const (
	RuleTextToInit     = "mismatch/text-to-init"
	RuleDataToInit     = "mismatch/data-to-init"
	RuleTextToExit     = "mismatch/text-to-exit"
	RuleDataToExit     = "mismatch/data-to-exit"
	RuleInitToExit     = "mismatch/init-to-exit"
	RuleExitToInit     = "mismatch/exit-to-init"
	RuleMemInitToInit  = "mismatch/meminit-to-init"  // 6.1 only: .meminit.* -> .init.*
	RulePCIFixupToInit = "mismatch/pcifixup-to-init" // .pci_fixup_* -> .init.*
	RuleExportInit     = "mismatch/export-init"
	RuleExportExit     = "mismatch/export-exit"
	RuleExtable        = "mismatch/extable"
)

// Reference is the reference a section-mismatch finding is about: the
// place holding it (From*), what it refers to (To*) and the relocation
// that records it. The From and To names are sectionrt's own resolution:
// the symbol that really contains the address. The Modpost* fields are
// what modpost of the rule set's version prints, which can differ: its
// search for a target named only by a section symbol takes the nearest
// symbol within 20 bytes, often the object just before the real one.
type Reference struct {
	// Module is the object's name as modpost knows it: the file name
	// without directory and without .ko/.o ("hello" for hello.ko).
	Module string `json:"module"`

	FromSym string `json:"fromSym,omitempty"` // "" when no symbol holds the place
	FromOff uint64 `json:"fromOff"`           // offset from FromSym, or in FromSec when FromSym is ""
	FromSec string `json:"fromSec"`
	ToSym   string `json:"toSym,omitempty"` // "" when no symbol is near the target
	ToOff   uint64 `json:"toOff"`           // offset from ToSym, or in ToSec when ToSym is ""
	ToSec   string `json:"toSec"`

	RelocType   string `json:"relocType"`   // "R_X86_64_PLT32", ...
	RelocOffset uint64 `json:"relocOffset"` // r_offset in FromSec

	// Mismatch is modpost's name for the check that fired
	// ("TEXT_TO_ANY_INIT", "TEXTDATA_TO_ANY_INIT_EXIT", ...), and Check
	// where it is in modpost.c.
	Mismatch string `json:"mismatch"`
	Check    string `json:"check,omitempty"`

	// What modpost prints: its source symbol and offset, and its target
	// symbol ("" when it finds none: 6.1 prints "(unknown)", 6.12 the
	// address ModpostToAddr).
	ModpostFromSym string `json:"modpostFromSym,omitempty"`
	ModpostFromOff uint64 `json:"modpostFromOff"`
	ModpostToSym   string `json:"modpostToSym,omitempty"`
	ModpostToAddr  uint64 `json:"modpostToAddr"`
	// ModpostFromSec is the section modpost read the reference from when
	// it is not FromSec: a .ko merges or drops the .o's export sections
	// (6.1's ___ksymtab_gpl+NAME into __ksymtab_gpl; 6.5 and later drop
	// .export_symbol), so its export is read from __ksymtab* and named as
	// modpost saw it in the .o. "" when it is FromSec.
	ModpostFromSec string `json:"modpostFromSec,omitempty"`
	// NamesWhy says why modpost's names (Modpost*) differ from the real
	// symbols (FromSym, ToSym, FromSec); "" when they do not differ.
	NamesWhy string `json:"namesWhy,omitempty"`
	// RuleVersion is the rule set that produced the finding ("6.1", ...).
	RuleVersion string `json:"ruleVersion"`
}

// NamesDiffer reports whether modpost names either end differently from
// sectionrt.
func (r *Reference) NamesDiffer() bool {
	return r.ModpostFromSym != r.FromSym || r.ModpostToSym != r.ToSym || (r.ModpostFromSec != "" && r.ModpostFromSec != r.FromSec)
}

// ModuleName is the module name modpost prints for an object file: its base
// name without ".ko", ".o" or a compression suffix.
func ModuleName(path string) string {
	b := filepath.Base(path)
	for _, ext := range []string{".xz", ".zst", ".gz"} {
		b = strings.TrimSuffix(b, ext)
	}
	for _, ext := range []string{".ko", ".o"} {
		if s, ok := strings.CutSuffix(b, ext); ok {
			return s
		}
	}
	return b
}

// Warning converts a mismatch finding to the modpost message it
// corresponds to, with modpost's own symbol names. ok is false for a
// finding without a Reference.
func (f Finding) Warning() (w modpost.Warning, ok bool) {
	r := f.Ref
	if r == nil {
		return modpost.Warning{}, false
	}
	w = modpost.Warning{Level: "WARNING", Module: r.Module, FromSec: r.FromSec, ToSec: r.ToSec}
	if f.Severity == Error {
		w.Level = "ERROR"
	}
	switch f.Rule {
	case RuleExportInit, RuleExportExit:
		w.Kind = modpost.KindExportInit
		if f.Rule == RuleExportExit {
			w.Kind = modpost.KindExportExit
		}
		w.ToSym, w.FromSec = r.ModpostToSym, ""
		if r.RuleVersion != "6.1" {
			w.ToSec = "" // check_export_symbol's message names no section
		}
		return w, true
	}
	w.Kind = modpost.KindSectionMismatch
	w.FromSym, w.FromOff, w.HasOff = r.ModpostFromSym, r.ModpostFromOff, true
	w.ToSym = r.ModpostToSym
	if w.ToSym == "" && r.RuleVersion != "6.1" {
		w.ToSym = fmt.Sprintf("0x%x", uint32(r.ModpostToAddr))
	}
	return w, true
}

// ModpostLine is FormatModpost without the error: a version that does not
// parse is read as 6.12. It is kept for callers written before
// FormatModpost; new code should use FormatModpost, which reports such a
// version instead of guessing.
func (f Finding) ModpostLine(version string) string {
	line, err := f.FormatModpost(version)
	if err != nil {
		line = f.formatModpost(modpost.KernelVersion{Version: 6, PatchLevel: 12})
	}
	return line
}

// FormatModpost renders a mismatch finding the way modpost of kernel
// version (e.g. "6.1", "6.12.117") prints it, with modpost's symbol names,
// so that log scrapers written for modpost read it; "" for a finding
// without a Reference. 6.1's __ex_table message has its own long form.
// The error is for a version that modpost.ParseKernelVersion rejects.
func (f Finding) FormatModpost(version string) (string, error) {
	if f.Ref == nil {
		return "", nil
	}
	v, err := modpost.ParseKernelVersion(version)
	if err != nil {
		return "", fmt.Errorf("modpost line: %w", err)
	}
	return f.formatModpost(v), nil
}

func (f Finding) formatModpost(v modpost.KernelVersion) string {
	w, ok := f.Warning()
	if !ok {
		return ""
	}
	if f.Rule == RuleExtable && v.Less(modpost.KernelVersion{Version: 6, PatchLevel: 5}) {
		// report_extable_warnings (modpost.c 6.1.192:1316).
		kind := func(sym string, isFunc bool) (string, string) {
			switch {
			case sym == "":
				return "(unknown reference)", "(unknown)"
			case isFunc:
				return "function", sym + "()"
			}
			return "variable", sym
		}
		fk, fs := kind(f.Ref.ModpostFromSym, true)
		tk, ts := kind(f.Ref.ModpostToSym, false)
		return fmt.Sprintf("%s: modpost: %s.o(%s+0x%x): Section mismatch in reference from the %s %s to the %s %s:%s",
			w.Level, f.Ref.Module, f.Ref.FromSec, f.Ref.RelocOffset, fk, fs, tk, f.Ref.ToSec, ts)
	}
	return w.Format(v)
}

// mismatchRule maps a fired check to sectionrt's rule id.
func (rs *RuleSet) mismatchRule(c *SectionCheck, fromsec, tosec string) string {
	switch c.Mismatch {
	case "EXTABLE_TO_NON_TEXT":
		return RuleExtable
	case "EXPORT_TO_INIT_EXIT":
		if matchAny(tosec, rs.ExitSections) {
			return RuleExportExit
		}
		return RuleExportInit
	}
	to := "init"
	if matchAny(tosec, rs.ExitSections) {
		to = "exit"
	}
	var from string
	switch {
	case matchAny(fromsec, rs.TextSections):
		from = "text"
	case matchAny(fromsec, rs.DataSections):
		from = "data"
	case rs.MemInitSections != nil && matchAny(fromsec, rs.MemInitSections):
		from = "meminit"
	case matchAny(fromsec, rs.InitSections):
		from = "init"
	case matchAny(fromsec, rs.ExitSections):
		from = "exit"
	default:
		from = "pcifixup"
	}
	return "mismatch/" + from + "-to-" + to
}

// CheckMismatch runs modpost's section-mismatch checks of rule set rs on
// o, a relocatable object (.o, or a .ko: modpost itself reads the .o, but
// linking a module does not change its sections' names or relocations).
//
// Every SHT_REL/SHT_RELA section is validated (sh_info, sh_link, size);
// the entries of those whose relocated section a check looks at are
// decoded and bounds-checked. A reference that modpost of rs.Version would
// report gives one Finding, in modpost's order (section by section,
// relocation by relocation), with Severity Warning (modpost's default,
// CONFIG_SECTION_MISMATCH_WARN_ONLY=y) — Error for an __ex_table entry
// into a non-executable section, which modpost reports as an error — and
// Ref filled. Whitelisting is decided on modpost's own symbol names, so
// the findings are the ones modpost prints; Ref also carries the names of
// the symbols that really hold both ends.
//
// Malformed input (a relocation naming a symbol outside the symbol table,
// an r_offset past the end of its section, a symbol past the end of its
// section, ...) is a *FormatError naming the file and the problem.
func CheckMismatch(o *Object, rs *RuleSet) ([]Finding, error) {
	if rs == nil {
		return nil, fmt.Errorf("%s: no rule set", o.name)
	}
	if len(rs.Checks) > maxChecks {
		return nil, fmt.Errorf("%s: rule set %s has %d checks, more than the %d supported", o.name, rs.Version, len(rs.Checks), maxChecks)
	}
	if o.Type() != elf.ET_REL {
		return nil, formatErr(o.name, -1, nil, "not a relocatable object (%s): section mismatches are checked on .o and .ko files", o.Type())
	}
	if !o.HasSymbols() {
		return nil, formatErr(o.name, -1, nil, "no symbol table (stripped?): section mismatches cannot be checked")
	}
	rels, err := o.RelocSections()
	if err != nil {
		return nil, err
	}
	if err := o.checkSymbolExtents(); err != nil {
		return nil, err
	}
	c := &checker{o: o, rs: rs, module: ModuleName(o.name), linked: o.linkedModule()}
	if rs.Export == ExportSymbolSection {
		for i := range o.sections {
			if o.sections[i].Name == ".export_symbol" {
				c.exportSec = i // modpost keeps the last one
			}
		}
		// A .ko has no .export_symbol (module.lds discards it): its
		// exports are the __ksymtab* entries modpost generated from it.
		c.exportFromKsymtab = c.exportSec == 0 && c.linked
	}
	for _, r := range rels {
		if err := c.section(r); err != nil {
			return nil, err
		}
	}
	return c.findings, nil
}

// maxChecks is the most entries a RuleSet's Checks may have: the checker
// keeps sets of them as bits of a uint64 (modpost's table has 11 at most).
const maxChecks = 64

type checker struct {
	o      *Object
	rs     *RuleSet
	module string
	// linked: o is a linked module (.ko), not the .o modpost read at
	// build time; see Object.linkedModule.
	linked    bool
	exportSec int
	// exportFromKsymtab: rs exports through .export_symbol, which o (a
	// .ko) no longer has; its __ksymtab* entries stand for it.
	exportFromKsymtab bool
	idx               *symIndex
	findings          []Finding
	// bad[sec] is badFor(sec) once badKnown[sec].
	bad      []uint64
	badKnown []bool
}

func (c *checker) index() *symIndex {
	if c.idx == nil {
		c.idx = &symIndex{o: c.o, linked: c.linked}
	}
	return c.idx
}

// section checks the relocations of one relocation section.
func (c *checker) section(r RelocSection) error {
	o, rs := c.o, c.rs
	fromsec := o.sections[r.Target].Name
	// msec is the section's name as modpost saw it in the .o.
	msec := fromsec
	if c.linked && rs.Export == ExportKsymtab && isMergedKsymtab(fromsec) {
		// 6.1: module.lds merges the .o's ___ksymtab+NAME and
		// ___ksymtab_gpl+NAME sections into __ksymtab and __ksymtab_gpl;
		// modpost checked them under their .o names ("___ksymtab*").
		msec = "_" + fromsec + "+"
	}
	if matchAny(msec, rs.SkipSections) {
		return nil
	}
	exportLabel := ""
	switch {
	case c.exportSec != 0 && r.Target == c.exportSec:
		exportLabel = "__export_symbol_"
	case c.exportFromKsymtab && isMergedKsymtab(fromsec):
		exportLabel = "__ksymtab_"
	}
	isExport := exportLabel != ""
	checks := rs.fromChecks(msec)
	if !isExport && checks == 0 {
		return nil
	}
	d, err := o.relocDecoder(r)
	if err != nil {
		return err
	}
	m := o.f.Machine
	for i := range d.n {
		rel, err := d.at(i) // every entry is checked, even where nothing can fire
		if err != nil {
			return err
		}
		if c.skipReloc(m, r, fromsec, rel) {
			continue
		}
		sym := &o.syms[rel.Sym]
		if isExport {
			c.export(r, rel, sym, exportLabel)
			continue
		}
		if !sym.Defined() {
			continue // undefined or a reserved index: tosec is "" for modpost
		}
		// The first check in modpost's order that fires for the target.
		if fire := c.badFor(sym.SectionIndex) & checks; fire != 0 {
			c.report(r, fromsec, msec, rel, &rs.Checks[bits.TrailingZeros64(fire)])
		}
	}
	return nil
}

// badFor returns the checks that fire for a reference into section sec
// (bit i: rs.Checks[i]), whatever the reference's own section: its
// BadToSec matches sec's name, or it has GoodToSec and sec's name matches
// none of it. Computed once per section.
func (c *checker) badFor(sec int) uint64 {
	if c.bad == nil {
		c.bad = make([]uint64, len(c.o.sections))
		c.badKnown = make([]bool, len(c.o.sections))
	}
	if c.badKnown[sec] {
		return c.bad[sec]
	}
	b := c.rs.toChecks(c.o.sections[sec].Name)
	c.bad[sec], c.badKnown[sec] = b, true
	return b
}

// fromChecks returns the checks whose FromSec matches msec, the name of
// a relocated section as modpost saw it (bit i: rs.Checks[i]).
func (rs *RuleSet) fromChecks(msec string) uint64 {
	var checks uint64
	for i := range rs.Checks {
		if matchAny(msec, rs.Checks[i].FromSec) {
			checks |= 1 << i
		}
	}
	return checks
}

// toChecks returns the checks that fire for a reference into a section
// named tosec (bit i: rs.Checks[i]): its BadToSec matches, or it has
// GoodToSec and tosec matches none of it.
func (rs *RuleSet) toChecks(tosec string) uint64 {
	var b uint64
	for i := range rs.Checks {
		ch := &rs.Checks[i]
		if (ch.BadToSec != nil && matchAny(tosec, ch.BadToSec)) || (ch.GoodToSec != nil && !matchAny(tosec, ch.GoodToSec)) {
			b |= 1 << i
		}
	}
	return b
}

// skipReloc reports the relocations modpost passes over.
func (c *checker) skipReloc(m elf.Machine, r RelocSection, fromsec string, rel Relocation) bool {
	switch m {
	case elf.EM_RISCV:
		// section_rela: R_RISCV_SUB32 in __ex_table (both versions).
		return fromsec == "__ex_table" && rel.Type == rRISCVSub32
	case elf.EM_LOONGARCH:
		if c.rs.Naming != NamingSymsearch {
			return false
		}
		switch elf.R_LARCH(rel.Type) {
		case elf.R_LARCH_SUB32:
			return fromsec == "__ex_table"
		case elf.R_LARCH_RELAX, elf.R_LARCH_ALIGN:
			return true
		}
	case elf.EM_ARM:
		// 6.1's addend_arm_rel returns 1 (skip) for types it does not know.
		return !r.RELA && c.rs.Naming == NamingFindElfSymbol && !rel.HasAddend
	case elf.EM_MIPS:
		return !r.RELA && c.rs.Naming == NamingFindElfSymbol && elf.R_MIPS(rel.Type) == elf.R_MIPS_HI16
	}
	return false
}

// targetAddr is the address in the target symbol's section the reference
// really points at: S + A, plus what a PC-relative encoding in an
// instruction leaves out. In data (".long sym - ." in __ex_table, a PCI
// fixup, a PREL32 ksymtab entry) the addend has no such bias.
func (c *checker) targetAddr(r RelocSection, rel Relocation, sym *Symbol) uint64 {
	bias := int64(0)
	if c.o.sections[r.Target].Flags&elf.SHF_EXECINSTR != 0 {
		bias = pcBias(c.o.f.Machine, rel.Type)
	}
	return c.o.symAddr(sym) + uint64(rel.Addend+bias)
}

// modpostTaddr is the target address modpost computes: 6.12's taddr
// (section_rela: st_value + r_addend; section_rel: addend_386_rel,
// addend_arm_rel, addend_mips_rel), or 6.1's r_addend (find_elf_symbol's
// addr).
func (c *checker) modpostTaddr(r RelocSection, rel Relocation, sym *Symbol) uint64 {
	m := c.o.f.Machine
	if r.RELA {
		if c.rs.Naming == NamingFindElfSymbol {
			return uint64(rel.Addend)
		}
		return sym.Value + uint64(rel.Addend)
	}
	if !rel.HasAddend {
		if c.rs.Naming == NamingFindElfSymbol {
			return 0 // 6.1: r_addend stays 0
		}
		return ^uint64(0) // 6.12: (Elf_Addr)-1
	}
	switch m {
	case elf.EM_386:
		return uint64(rel.Addend + pcBias(m, rel.Type))
	case elf.EM_ARM:
		// 6.12's addend_arm_rel: st_value + the addend in the instruction
		// + the PC bias of a branch. The 6.1 set uses it too. Upstream's
		// addend_arm_rel before v6.5 (commit 3310bae80525 and its
		// neighbours) stored a host pointer for the Thumb branches, so
		// such a modpost names no symbol near a section-symbol target;
		// that address cannot be reproduced, and whether 6.1.192 carries
		// the fix was not checked, so the real target address is used.
		return sym.Value + uint64(rel.Addend+pcBias(m, rel.Type))
	}
	return uint64(rel.Addend)
}

// modpostNames resolves both ends of a reference the way modpost does:
// the source symbol and offset, the target symbol ("" when none).
func (c *checker) modpostNames(r RelocSection, fromsec string, rel Relocation) (fromSym string, fromOff uint64, toSym string, taddr uint64) {
	o, x := c.o, c.index()
	sym := &o.syms[rel.Sym]
	taddr = c.modpostTaddr(r, rel, sym)
	if c.rs.Naming == NamingFindElfSymbol {
		if f := x.findElfSymbol2(rel.Offset, fromsec); f != 0 {
			fromSym, fromOff = o.syms[f].Name, rel.Offset-o.syms[f].Value
		} else {
			fromOff = rel.Offset
		}
		if t := x.findElfSymbol(int32(taddr), rel.Sym); t != 0 {
			toSym = o.syms[t].Name
		}
		return
	}
	if f := x.findNearest(rel.Offset, uint32(r.Target), false, ^uint64(0)); f != 0 {
		fromSym, fromOff = o.syms[f].Name, rel.Offset-o.syms[f].Value
	} else {
		fromOff = rel.Offset
	}
	t := rel.Sym
	if !validName612(sym.Name) {
		if n := x.findNearest(taddr, secIndex(sym), true, 20); n != 0 {
			t = n
		}
	}
	toSym = o.syms[t].Name
	if !validName612(toSym) {
		toSym = "" // sym_name of a section symbol: empty, printed as the address
	}
	return
}

// exactNames resolves both ends of a reference to the symbols that hold
// them.
func (c *checker) exactNames(r RelocSection, rel Relocation) (fromSym string, fromOff uint64, toSym string, toOff uint64) {
	o, x := c.o, c.index()
	if f := x.containing(r.Target, rel.Offset, 0); f != 0 {
		fromSym, fromOff = o.syms[f].Name, rel.Offset-o.symAddr(&o.syms[f])
	} else {
		fromOff = rel.Offset
	}
	sym := &o.syms[rel.Sym]
	t := c.targetAddr(r, rel, sym)
	prefer := 0
	if exactName(sym) {
		prefer = rel.Sym
	}
	if s := x.containing(sym.SectionIndex, t, prefer); s != 0 {
		toSym, toOff = o.syms[s].Name, t-o.symAddr(&o.syms[s])
	} else {
		toOff = t
	}
	return
}

func (c *checker) whitelisted(fromsec, fromsym, tosec, tosym string) bool {
	for i := range c.rs.Whitelist {
		if c.rs.Whitelist[i].matches(c.rs, fromsec, fromsym, tosec, tosym) {
			return true
		}
	}
	return false
}

// report records a reference that check fires for, unless modpost's
// whitelist lets it pass. fromsec is the relocated section's name, msec
// the name modpost saw in the .o (different only for a .ko's merged
// __ksymtab* sections under 6.1's rules).
func (c *checker) report(r RelocSection, fromsec, msec string, rel Relocation, check *SectionCheck) {
	o := c.o
	sym := &o.syms[rel.Sym]
	tosec := o.sections[sym.SectionIndex].Name
	mFrom, mFromOff, mTo, mTaddr := c.modpostNames(r, fromsec, rel)
	// secref_whitelist sees "(unknown)" in 6.1 and "" in 6.12 for a
	// missing symbol; no pattern matches either.
	if c.whitelisted(msec, mFrom, tosec, mTo) {
		return
	}
	from, fromOff, to, toOff := c.exactNames(r, rel)
	ref := &Reference{
		Module:  c.module,
		FromSym: from, FromOff: fromOff, FromSec: fromsec,
		ToSym: to, ToOff: toOff, ToSec: tosec,
		RelocType: relocTypeName(o.f.Machine, rel.Type), RelocOffset: rel.Offset,
		Mismatch: check.Mismatch, Check: check.Cite,
		ModpostFromSym: mFrom, ModpostFromOff: mFromOff, ModpostToSym: mTo, ModpostToAddr: mTaddr,
		RuleVersion: c.rs.Version,
	}
	rule := c.rs.mismatchRule(check, msec, tosec)
	sev := Warning
	if rule == RuleExtable && !matchAny(tosec, check.BadToSec) && o.sections[sym.SectionIndex].Flags&elf.SHF_EXECINSTR == 0 {
		sev = Error
	}
	if rule == RuleExportInit || rule == RuleExportExit {
		// The exported symbol is the target; the ksymtab entry the source.
		ref.ToSym = sym.Name
		if ref.ModpostToSym == "" {
			ref.ModpostToSym = sym.Name
		}
		if msec != fromsec {
			ref.ModpostFromSec = msec + sym.Name
		}
	}
	ref.NamesWhy = c.namesWhy(ref, sym)
	c.findings = append(c.findings, Finding{
		Rule: rule, Severity: sev, Object: o.name, Symbol: from,
		Expected: expectedFor(rule), Actual: tosec,
		Message: message(rule, ref), Ref: ref,
	})
}

// export is 6.12's check_export_symbol (modpost.c 6.12.117:1061) reduced
// to what it warns about: an .export_symbol entry whose label is
// __export_symbol_NAME, referring to the global symbol NAME, defined in an
// init or exit section. Its errors (strange label, local symbol, unknown
// license) are not section mismatches and are not reported here.
//
// On a .ko, which has no .export_symbol, prefix is "__ksymtab_": the
// __ksymtab and __ksymtab_gpl entries modpost generated for the .o's
// exports (in NAME.mod.c) carry a label __ksymtab_NAME, and their first
// relocation refers to NAME, as the .export_symbol entry did.
func (c *checker) export(r RelocSection, rel Relocation, sym *Symbol, prefix string) {
	o, x := c.o, c.index()
	label := x.findNearest(rel.Offset, uint32(r.Target), false, ^uint64(0))
	name := o.syms[label].Name
	if label == 0 || !strings.HasPrefix(name, prefix) || sym.Name != name[len(prefix):] {
		return
	}
	if sym.Bind != elf.STB_GLOBAL && sym.Bind != elf.STB_WEAK {
		return
	}
	tosec := ""
	if sym.Defined() {
		tosec = o.sections[sym.SectionIndex].Name
	}
	rule := ""
	switch {
	case matchAny(tosec, c.rs.InitSections):
		rule = RuleExportInit
	case matchAny(tosec, c.rs.ExitSections):
		rule = RuleExportExit
	default:
		return
	}
	ref := &Reference{
		Module:  c.module,
		FromSym: name, FromOff: rel.Offset - o.syms[label].Value, FromSec: o.sections[r.Target].Name,
		ToSym: sym.Name, ToSec: tosec,
		RelocType: relocTypeName(o.f.Machine, rel.Type), RelocOffset: rel.Offset,
		Mismatch: "check_export_symbol", Check: "modpost.c 6.12.117:1120",
		ModpostFromSym: name, ModpostFromOff: rel.Offset - o.syms[label].Value, ModpostToSym: sym.Name,
		RuleVersion: c.rs.Version,
	}
	if prefix != "__export_symbol_" {
		ref.ModpostFromSym = "__export_symbol_" + sym.Name
		ref.ModpostFromSec = ".export_symbol"
	}
	ref.NamesWhy = c.namesWhy(ref, sym)
	c.findings = append(c.findings, Finding{
		Rule: rule, Severity: Warning, Object: o.name, Symbol: sym.Name,
		Expected: expectedFor(rule), Actual: tosec,
		Message: message(rule, ref), Ref: ref,
	})
}

func expectedFor(rule string) string {
	switch rule {
	case RuleTextToInit, RuleDataToInit, RuleExitToInit, RuleMemInitToInit, RulePCIFixupToInit:
		return "no reference into .init.* sections (freed after init)"
	case RuleTextToExit, RuleDataToExit, RuleInitToExit:
		return "no reference into .exit.* sections (discarded when built in or without MODULE_UNLOAD)"
	case RuleExportInit, RuleExportExit:
		return "exported symbols outside .init.* and .exit.*"
	case RuleExtable:
		return "exception-table entries pointing into text"
	}
	return ""
}

// message explains a finding in a kernel developer's words, with a fix.
func message(rule string, r *Reference) string {
	from := orPlace(r.FromSym, r.FromOff, r.FromSec)
	to := orPlace(r.ToSym, r.ToOff, r.ToSec)
	fromName, toName := nameOr(r.FromSym, "the referencing code"), nameOr(r.ToSym, "the target")
	var s string
	switch rule {
	case RuleTextToInit:
		s = fmt.Sprintf("%s (%s) refers to %s (%s), which is freed once init is done (after the module's init function returns; at boot for built-in code): "+
			"mark %s __init too if only init code uses it, or remove __init/__initdata/__initconst from %s; "+
			"if the reference is only followed during init, mark %s __ref and say why", from, r.FromSec, to, r.ToSec, fromName, toName, fromName)
	case RuleDataToInit:
		s = fmt.Sprintf("%s (%s) holds the address of %s (%s), which is freed once init is done, so a later use reaches freed memory: "+
			"remove __init/__initdata from %s, or make %s __initdata/__initconst if only init code uses it, "+
			"or mark %s __refdata with the reason if the pointer is only followed during init", from, r.FromSec, to, r.ToSec, toName, fromName, fromName)
	case RuleTextToExit:
		s = fmt.Sprintf("%s (%s) refers to %s (%s), which is discarded when the code is built in and left out of modules without CONFIG_MODULE_UNLOAD: "+
			"remove __exit from %s, or mark %s __exit if only exit code uses it", from, r.FromSec, to, r.ToSec, toName, fromName)
	case RuleDataToExit:
		s = fmt.Sprintf("%s (%s) holds the address of %s (%s), which is discarded when the code is built in and left out of modules without CONFIG_MODULE_UNLOAD: "+
			"remove __exit from %s, or stop storing its address (module_exit() needs no pointer of yours)", from, r.FromSec, to, r.ToSec, toName)
	case RuleInitToExit:
		s = fmt.Sprintf("init code %s (%s) refers to %s (%s), an exit section discarded when built in: "+
			"an init error path that calls the cleanup function needs it without __exit; remove __exit from %s", from, r.FromSec, to, r.ToSec, toName)
	case RuleExitToInit:
		s = fmt.Sprintf("exit code %s (%s) refers to %s (%s), which was freed after init, long before exit code runs: "+
			"remove __init/__initdata from %s", from, r.FromSec, to, r.ToSec, toName)
	case RuleMemInitToInit:
		s = fmt.Sprintf("%s (%s) refers to %s (%s): memory-hotplug code outlives init sections; remove __init from %s or use __meminit", from, r.FromSec, to, r.ToSec, toName)
	case RulePCIFixupToInit:
		s = fmt.Sprintf("PCI fixup %s (%s) refers to %s (%s): fixups can run after init (hotplug, resume); remove __init from %s", from, r.FromSec, to, r.ToSec, toName)
	case RuleExportInit:
		s = fmt.Sprintf("EXPORT_SYMBOL(%s): %s is in %s and freed after init, but other modules may call it later: remove __init or EXPORT_SYMBOL", r.ToSym, r.ToSym, r.ToSec)
	case RuleExportExit:
		s = fmt.Sprintf("EXPORT_SYMBOL(%s): %s is in %s, discarded when built in: remove __exit or EXPORT_SYMBOL", r.ToSym, r.ToSym, r.ToSec)
	case RuleExtable:
		s = fmt.Sprintf("exception table entry at %s+0x%x points to %s (%s), which is not one of the text sections modpost allows there: "+
			"put the code in .text or .fixup, or add the section to OTHER_TEXT_SECTIONS if it really is text", r.FromSec, r.RelocOffset, to, r.ToSec)
	default:
		s = fmt.Sprintf("%s (%s) refers to %s (%s)", from, r.FromSec, to, r.ToSec)
	}
	switch {
	case !r.NamesDiffer():
	case rule == RuleExportInit || rule == RuleExportExit:
		s += fmt.Sprintf(" [modpost %s: %s]", r.RuleVersion, r.NamesWhy)
	default:
		s += fmt.Sprintf(" [modpost %s names it %s -> %s: %s]", r.RuleVersion, nameOr(r.ModpostFromSym, "(unknown)"), nameOr(r.ModpostToSym, "(unknown)"), r.NamesWhy)
	}
	return s
}

// namesWhy says why modpost's names for r differ from the real ones; ""
// when they do not. relSym is the relocation's symbol.
func (c *checker) namesWhy(r *Reference, relSym *Symbol) string {
	if !r.NamesDiffer() {
		return ""
	}
	if r.ModpostFromSec != "" && r.ModpostFromSec != r.FromSec {
		if r.ModpostFromSec == ".export_symbol" {
			return fmt.Sprintf("modpost read the export at build time from the .o's .export_symbol entry %s; the linked module drops .export_symbol and keeps the %s entry %s that modpost generated from it",
				r.ModpostFromSym, r.FromSec, nameOr(r.FromSym, "(unnamed)"))
		}
		return fmt.Sprintf("modpost read the export at build time from the .o's section %s, which the module link merged into %s", r.ModpostFromSec, r.FromSec)
	}
	var why []string
	if r.ModpostFromSym != r.FromSym {
		switch {
		case r.ModpostFromSym == "":
			why = append(why, fmt.Sprintf("modpost %s finds no symbol at or below %s+0x%x", r.RuleVersion, r.FromSec, r.RelocOffset))
		case isEntryAlias(r.ModpostFromSym):
			why = append(why, fmt.Sprintf("modpost %s names the module_init/module_exit alias %s of %s (same address)", r.RuleVersion, r.ModpostFromSym, nameOr(r.FromSym, "the function")))
		default:
			why = append(why, fmt.Sprintf("modpost %s names the nearest symbol at or below %s+0x%x, %s, not the one holding it", r.RuleVersion, r.FromSec, r.RelocOffset, r.ModpostFromSym))
		}
	}
	if r.ModpostToSym != r.ToSym {
		switch {
		case relSym.Type == elf.STT_SECTION || relSym.Name == "":
			why = append(why, fmt.Sprintf("the relocation names only section %s, and modpost %s takes the symbol nearest the address it computes (within 20 bytes), not the one holding the target", r.ToSec, r.RuleVersion))
		case r.ModpostToSym == "":
			why = append(why, fmt.Sprintf("modpost %s finds no symbol near the target address", r.RuleVersion))
		default:
			why = append(why, fmt.Sprintf("modpost %s names the relocation's own symbol %s", r.RuleVersion, r.ModpostToSym))
		}
	}
	return strings.Join(why, "; ")
}

// isMergedKsymtab reports whether a linked module's section is one of
// the export tables module.lds merges the .o's ___ksymtab*+NAME sections
// into (__ksymtab, __ksymtab_gpl, and before 5.13 __ksymtab_unused,
// __ksymtab_unused_gpl, __ksymtab_gpl_future); 6.5 and later generate
// them from .export_symbol.
func isMergedKsymtab(sec string) bool {
	return strings.HasPrefix(sec, "__ksymtab") && sec != "__ksymtab_strings"
}

func orPlace(sym string, off uint64, sec string) string {
	if sym == "" {
		return fmt.Sprintf("%s+0x%x", sec, off)
	}
	if off != 0 {
		return fmt.Sprintf("%s+0x%x", sym, off)
	}
	return sym
}

func nameOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
