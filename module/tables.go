package module

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"path/filepath"

	"github.com/initsec/initsec/annotate"
)

// GoTablesDir is the subdirectory of a module directory that holds its Go
// tables: an ordinary Go package whose //go:init-section vars gen defines in
// C. They cannot live beside the C files: the go command refuses a package
// directory that holds .c files unless it uses cgo.
const GoTablesDir = "tables"

// goDirectiveFiles reports .go files directly in the module directory that
// hold a directive: the go command cannot build them there.
func goDirectiveFiles(dir string, names []string) annotate.ErrorList {
	var errs annotate.ErrorList
	for _, name := range names {
		src, err := readRegular(filepath.Join(dir, name))
		if err != nil || !bytes.Contains(src, []byte("//go:init-section")) {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.PackageClauseOnly)
		if err != nil && f == nil {
			continue
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if annotate.IsDirective(c.Text) {
					p := fset.Position(c.Slash)
					errs = append(errs, &annotate.Error{
						Pos:  annotate.Pos{File: name, Line: p.Line, Col: p.Column},
						Msg:  "Go table in the module directory",
						Hint: fmt.Sprintf("move %s to %s/: a directory with .c files cannot hold a Go package (the go command refuses it without cgo)", name, GoTablesDir),
					})
					break
				}
			}
		}
	}
	return errs
}
