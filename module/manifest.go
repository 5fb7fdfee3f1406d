package module

import (
	"path"

	"github.com/initsec/initsec/annotate"
	"github.com/initsec/initsec/sectionrt"
)

// Entries returns the manifest entries of m in source order.
func Entries(m *Module) []sectionrt.Expectation {
	var es []sectionrt.Expectation
	for _, s := range m.Sources {
		for _, a := range s.Annotations {
			e := sectionrt.Expectation{
				Symbol:  a.Decl.Name,
				Kind:    a.Kind.String(),
				Section: a.Kind.Section(),
				File:    s.Path,
				Line:    a.Pos.Line,
				Col:     a.Pos.Col,
			}
			if a.Initcall != "" {
				e.Role = "module_init"
			}
			if a.Entry {
				e.Role = "module_exit"
			}
			b, isBlob := blobFor(m, a)
			if isBlob {
				e.Size = uint64(b.Size)
			}
			es = append(es, e)
			if isBlob {
				// Its size is an unsigned long: no fixed st_size to expect.
				es = append(es, sectionrt.Expectation{
					Symbol:  b.SizeSymbol(),
					Kind:    annotate.KindInitConst.String(),
					Section: annotate.KindInitConst.Section(),
					File:    s.Path,
					Line:    a.Pos.Line,
					Col:     a.Pos.Col,
				})
			}
		}
	}
	for _, v := range m.Tables {
		es = append(es, sectionrt.Expectation{
			Symbol:  v.CName,
			Kind:    v.Kind.String(),
			Section: v.Kind.Section(),
			Size:    uint64(v.Size()),
			File:    goFileOf(v),
			Line:    v.Directive.Pos.Line,
			Col:     v.Directive.Pos.Col,
		})
	}
	return es
}

// Manifest returns what m's annotations expect of the built module.
func Manifest(m *Module) sectionrt.Manifest {
	return sectionrt.Manifest{Module: m.Name, Entries: Entries(m)}
}

// blobFor returns the blob of annotation a, if it has one.
func blobFor(m *Module, a annotate.Annotation) (Blob, bool) {
	for _, b := range m.Blobs {
		if b.Pos == a.Pos {
			return b, true
		}
	}
	return Blob{}, false
}

// goFileOf is the Go file of table v, relative to the module directory.
func goFileOf(v annotate.GoVar) string { return path.Clean(v.Directive.Pos.File) }
