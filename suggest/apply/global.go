package apply

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/initsec/initsec/internal/clex"
	"github.com/initsec/initsec/sectionrt"
	"github.com/initsec/initsec/suggest"
)

// A global symbol is suggested only in a linked module (suggest.Find), and
// the object names no translation unit for it (a global has no STT_FILE).
// Its definition is the one non-static file-scope definition of that name
// among the C files of the module's objects. Only the definition gets the
// macro: a declaration in a header needs none, since the section
// attribute of the definition places the symbol and callers only need
// its address (include/linux/init.h: "If the function has a prototype
// somewhere, you can also add __init between closing brace of the
// prototype and semicolon" — optional).

// moduleSources is the C files (relative to the work copy, slash-separated)
// of one module's objects, or why they are not known.
type moduleSources struct {
	files map[string]bool
	why   string
}

// isGlobal reports whether o defines name as a global symbol.
func isGlobal(o *sectionrt.Object, name string) bool {
	for _, s := range o.Lookup(name) {
		if s.Name == name && s.Defined() && s.Bind == elf.STB_GLOBAL {
			return true
		}
	}
	return false
}

// readModuleSources reads the objects of the module ko from kbuild's
// MOD.mod beside it (scripts/Makefile.build, cmd_mod: one object per
// line, as kbuild names it: absolute, or relative to the module's
// directory) and maps each to its C file in the work copy.
func (p *planner) readModuleSources(ko string) *moduleSources {
	modFile := strings.TrimSuffix(ko, ".ko") + ".mod"
	b, err := os.ReadFile(modFile)
	if err != nil {
		return &moduleSources{why: fmt.Sprintf("the module's object list is unknown (%v)", err)}
	}
	ms := &moduleSources{files: map[string]bool{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		for _, obj := range strings.Fields(sc.Text()) {
			if !filepath.IsAbs(obj) {
				obj = filepath.Join(filepath.Dir(ko), obj)
			}
			rel, err := filepath.Rel(p.work, strings.TrimSuffix(obj, ".o")+".c")
			if err != nil || strings.HasPrefix(rel, "..") {
				continue // an object outside the module's directory: not its to edit
			}
			ms.files[filepath.ToSlash(rel)] = true
		}
	}
	if len(ms.files) == 0 {
		ms.why = "no C file of the module's directory in " + filepath.Base(modFile)
	}
	return ms
}

// globalDefinitions returns the non-static file-scope definitions of the
// global s in the module's C files.
func (p *planner) globalDefinitions(s suggest.Suggestion, ms *moduleSources) ([]found, error) {
	var defs []found
	for _, path := range slices.Sorted(maps.Keys(ms.files)) {
		if _, ok := p.orig[path]; !ok {
			continue
		}
		src, err := os.ReadFile(filepath.Join(p.work, filepath.FromSlash(path)))
		if err != nil {
			return nil, err
		}
		lx := clex.Lex(src)
		for _, d := range lx.Decls() {
			if d.Name == s.Symbol && !d.Extern && !d.Typedef && d.Func == isFunc(s.Kind) && !isStatic(lx, d) {
				defs = append(defs, found{path, src, lx, d})
			}
		}
	}
	return defs, nil
}

// whyNotOneGlobal is the Skip's where, why and header for a global with
// zero or several definitions: never a guess.
func (p *planner) whyNotOneGlobal(s suggest.Suggestion, defs []found, ms *moduleSources) (where, why string, header bool) {
	if ms.why != "" {
		return "", "a global: " + ms.why, false
	}
	if len(defs) == 0 {
		return "", "a global with no non-static definition of that name in the module's C files (made by a macro, or in a file of another directory?)", false
	}
	var at []string
	for _, f := range defs {
		l, _ := f.lx.Pos(f.d.Start)
		at = append(at, fmt.Sprintf("%s:%d", f.path, p.origLine(f.path, l)))
	}
	return strings.Join(at, ", "), "a global defined more than once in the module's C files (#if branches?): annotate by hand", false
}

// isStatic reports whether d's head, before its name, has "static".
func isStatic(lx *clex.Lexer, d clex.Decl) bool {
	for k := d.NameTok - 1; k >= 0 && lx.Toks[k].Off >= d.Start; k-- {
		if lx.Text(lx.Toks[k]) == "static" {
			return true
		}
	}
	return false
}
