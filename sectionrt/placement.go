package sectionrt

import (
	"cmp"
	"debug/elf"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// CheckFile opens the object at path and checks m against it. Unlike
// CheckPlacement it returns an error, not a finding, when the object cannot
// be checked: unreadable, malformed, not relocatable (ET_REL), or without a
// symbol table.
func CheckFile(path string, m Manifest) ([]Finding, error) {
	o, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	if err := o.placeable(); err != nil {
		return nil, err
	}
	return CheckPlacement(o, m), nil
}

// placeable reports why placement cannot be checked on o, or nil. Placement
// is checked on relocatable objects (.o, .ko): a linked image has merged or
// discarded the init and exit sections.
func (o *Object) placeable() error {
	if o.Type() != elf.ET_REL {
		return formatErr(o.name, -1, nil, "not a relocatable object (%s): placement is checked on .o and .ko files", o.Type())
	}
	if !o.HasSymbols() {
		return formatErr(o.name, -1, nil, "no symbol table (stripped?): placement cannot be checked")
	}
	return nil
}

// CheckPlacement checks every manifest entry against o:
//
//   - defined in the expected section, or in one whose name is the expected
//     one followed by '.' (.init.text.foo under -ffunction-sections): no
//     finding;
//   - defined in another section: Error placement/wrong-section;
//   - a compiler clone (foo.constprop.0, foo.isra.0, foo.part.0, foo.cold,
//     ...) must be in the expected section too (Error otherwise); clones
//     alone count as present;
//   - not defined (inlined, removed, or only referenced): Note
//     placement/absent;
//   - Role module_init/module_exit: init_module/cleanup_module must be
//     defined at the entry function's section and value (Error
//     placement/entry-alias). This assumes a module build (-DMODULE);
//   - Size != 0: st_size of the symbol itself (not its clones) must equal it
//     (Error placement/size).
//
// Candidates are chosen from Object.Lookup with two refinements: gcc's
// function-local statics (foo.0: an object named name.<digits>) are not
// clones, and for an annotation in a .c file, local symbols that the symbol
// table attributes to another translation unit (by its STT_FILE symbol) are
// left out, so that a static of the same name in another file of a
// multi-file module is not mistaken for it.
//
// An object that cannot be checked (not ET_REL, no symbol table) gives one
// Error finding with rule placement/object and nothing else. Findings are
// sorted by annotation position, then symbol, rule and message.
func CheckPlacement(o *Object, m Manifest) []Finding {
	if err := o.placeable(); err != nil {
		return []Finding{{
			Rule: RuleObject, Severity: Error, Object: o.name,
			Message: strings.TrimPrefix(err.Error(), o.name+": "),
		}}
	}
	var out []sortedFinding
	for _, e := range m.Entries {
		for _, f := range o.checkEntry(e) {
			out = append(out, sortedFinding{f, e})
		}
	}
	slices.SortStableFunc(out, func(a, b sortedFinding) int {
		return cmp.Or(
			cmp.Compare(a.e.File, b.e.File),
			cmp.Compare(a.e.Line, b.e.Line),
			cmp.Compare(a.e.Col, b.e.Col),
			cmp.Compare(a.f.Symbol, b.f.Symbol),
			cmp.Compare(a.f.Rule, b.f.Rule),
			cmp.Compare(a.f.Message, b.f.Message),
		)
	})
	fs := make([]Finding, len(out))
	for i, s := range out {
		fs[i] = s.f
	}
	return fs
}

type sortedFinding struct {
	f Finding
	e Expectation
}

// inSection reports whether a symbol in section got is in section want.
func inSection(got, want string) bool {
	return got == want || (strings.HasPrefix(got, want) && len(got) > len(want) && got[len(want)] == '.')
}

// candidates returns the symbols that stand for e.Symbol: itself and its
// clones (see CheckPlacement).
func (o *Object) candidates(e Expectation) []Symbol {
	var file string
	if strings.HasSuffix(e.File, ".c") {
		file = path.Base(e.File)
	}
	var out []Symbol
	for _, s := range o.Lookup(e.Symbol) {
		if s.Name != e.Symbol && s.Type == elf.STT_OBJECT && isDigits(s.Name[len(e.Symbol)+1:]) {
			continue // function-local static "name.N"
		}
		if file != "" && s.Bind == elf.STB_LOCAL && s.File != "" && s.File != file {
			continue
		}
		out = append(out, s)
	}
	return out
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// checkEntry checks one annotated symbol: its section and size, and for
// an entry function the init_module/cleanup_module alias.
func (o *Object) checkEntry(e Expectation) []Finding {
	c := entryCheck{o: o, e: e, pos: annotationPos(e)}
	out, primary := c.placement()
	return append(out, c.entryAlias(primary)...)
}

// annotationPos is file:line:col of e's annotation, as much as is known.
func annotationPos(e Expectation) string {
	if e.File == "" {
		return ""
	}
	pos := e.File
	if e.Line > 0 {
		pos += ":" + strconv.Itoa(e.Line)
		if e.Col > 0 {
			pos += ":" + strconv.Itoa(e.Col)
		}
	}
	return pos
}

// entryCheck is the check of one Expectation; every finding names the
// annotation it comes from.
type entryCheck struct {
	o   *Object
	e   Expectation
	pos string
}

func (c entryCheck) finding(rule string, sev Severity, sym, expected, actual, format string, args ...any) Finding {
	return Finding{
		Rule: rule, Severity: sev, Object: c.o.name, Symbol: sym,
		Expected: expected, Actual: actual, Annotation: c.pos,
		Message: fmt.Sprintf(format, args...),
	}
}

// placement checks the symbol and its clones are defined in the expected
// section, and the symbol has the expected size. It returns the symbol's
// own definition, nil when it has none.
func (c entryCheck) placement() (out []Finding, primary *Symbol) {
	e := c.e
	want := e.Section
	if e.Kind != "" {
		want += " (" + e.Kind + ")"
	}
	cands := c.o.candidates(e)
	var defined []Symbol
	for _, s := range cands {
		if s.Shndx != elf.SHN_UNDEF {
			defined = append(defined, s)
			if s.Name == e.Symbol && primary == nil {
				primary = &s
			}
		}
	}
	switch {
	case len(defined) == 0 && len(cands) > 0:
		out = append(out, c.finding(RuleAbsent, Note, e.Symbol, e.Section, "undefined",
			"%s is referenced but not defined in the object (defined in another object?)", e.Symbol))
	case len(defined) == 0:
		out = append(out, c.finding(RuleAbsent, Note, e.Symbol, e.Section, "absent",
			"%s is not in the object (inlined or removed by the compiler)", e.Symbol))
	}
	for _, s := range defined {
		got := s.sectionLabel()
		if s.Defined() && inSection(s.Section, e.Section) {
			continue
		}
		if s.Name == e.Symbol {
			out = append(out, c.finding(RuleWrongSection, Error, s.Name, e.Section, got,
				"%s is in %s, expected %s", s.Name, got, want))
		} else {
			out = append(out, c.finding(RuleWrongSection, Error, s.Name, e.Section, got,
				"%s (a compiler clone of %s) is in %s, expected %s", s.Name, e.Symbol, got, want))
		}
	}
	if e.Size != 0 && primary != nil && primary.Size != e.Size {
		out = append(out, c.finding(RuleSize, Error, e.Symbol, strconv.FormatUint(e.Size, 10), strconv.FormatUint(primary.Size, 10),
			"%s is %d bytes, expected %d", e.Symbol, primary.Size, e.Size))
	}
	return out, primary
}

// entryAlias checks that module_init(f) and module_exit(f) made
// init_module and cleanup_module aliases of f, whose definition is primary.
func (c entryCheck) entryAlias(primary *Symbol) []Finding {
	e := c.e
	var alias, macro string
	switch e.Role {
	case "module_init":
		alias, macro = "init_module", "module_init"
	case "module_exit":
		alias, macro = "cleanup_module", "module_exit"
	default:
		return nil
	}
	var a *Symbol
	for _, s := range c.o.Lookup(alias) {
		if s.Name == alias && s.Defined() {
			a = &s
			break
		}
	}
	expected := alias + " = " + e.Symbol
	switch {
	case a == nil:
		return []Finding{c.finding(RuleEntryAlias, Error, e.Symbol, expected, "no "+alias,
			"%s is not defined: %s(%s) is missing or the object was not built as a module", alias, macro, e.Symbol)}
	case primary == nil || !primary.Defined():
		return []Finding{c.finding(RuleEntryAlias, Error, e.Symbol, expected, fmt.Sprintf("%s+%#x", a.sectionLabel(), a.Value),
			"%s (at %s+%#x) does not alias %s, which is not in the object", alias, a.sectionLabel(), a.Value, e.Symbol)}
	case a.SectionIndex != primary.SectionIndex || a.Value != primary.Value:
		got := fmt.Sprintf("%s+%#x", a.sectionLabel(), a.Value)
		exp := fmt.Sprintf("%s+%#x", primary.sectionLabel(), primary.Value)
		return []Finding{c.finding(RuleEntryAlias, Error, e.Symbol, exp, got,
			"%s is at %s, expected the address of %s (%s): %s registers another function", alias, got, e.Symbol, exp, macro)}
	}
	return nil
}
