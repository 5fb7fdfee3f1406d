package annotate

import (
	"fmt"
	"slices"
)

// CheckModule checks the rules that span a module's files: at most one
// annotation with initcall= and at most one with entry (module_init and
// module_exit each take one function), and no symbol annotated twice. A
// static symbol is identified by its file and name, any other by its name.
//
// The annotations are considered in position order (file, line, column), so
// the error always points at the later one and the result does not depend
// on the order of anns. It returns nil or an ErrorList sorted by position.
func CheckModule(anns []Annotation) error {
	sorted := slices.Clone(anns)
	slices.SortStableFunc(sorted, func(a, b Annotation) int { return a.Pos.Compare(b.Pos) })

	var errs ErrorList
	var initcall, entry *Annotation
	type key struct{ file, name string }
	seen := make(map[key]*Annotation)
	for i := range sorted {
		a := &sorted[i]
		if a.Initcall != "" {
			if initcall != nil {
				errs = append(errs, &Error{Pos: a.Pos,
					Msg:  fmt.Sprintf("second initcall= in the module, on %s", a.Decl.Name),
					Hint: fmt.Sprintf("%s at %s already has initcall=; a module has one init entry point", initcall.Decl.Name, initcall.Pos)})
			} else {
				initcall = a
			}
		}
		if a.Entry {
			if entry != nil {
				errs = append(errs, &Error{Pos: a.Pos,
					Msg:  fmt.Sprintf("second entry in the module, on %s", a.Decl.Name),
					Hint: fmt.Sprintf("%s at %s is already the entry; a module has one module_exit", entry.Decl.Name, entry.Pos)})
			} else {
				entry = a
			}
		}
		if a.Decl.Name == "" {
			continue
		}
		k := key{name: a.Decl.Name}
		if a.Decl.Static {
			k.file = a.Decl.Pos.File
		}
		first := seen[k]
		if first == nil && !a.Decl.Static {
			// A static and a global of the same name in one file are the
			// same symbol as far as the trailer is concerned.
			first = seen[key{a.Decl.Pos.File, a.Decl.Name}]
		}
		if first == nil && a.Decl.Static {
			if g := seen[key{name: a.Decl.Name}]; g != nil && g.Decl.Pos.File == a.Decl.Pos.File {
				first = g
			}
		}
		if first != nil {
			errs = append(errs, &Error{Pos: a.Pos,
				Msg:  fmt.Sprintf("%s is annotated twice", a.Decl.Name),
				Hint: fmt.Sprintf("first annotation at %s; keep one", first.Pos)})
			continue
		}
		seen[k] = a
	}
	if len(errs) == 0 {
		return nil
	}
	errs.Sort()
	return errs
}
