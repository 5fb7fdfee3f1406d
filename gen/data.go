package gen

import (
	"bytes"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/initsec/initsec/annotate"
)

// GoTablesDir is the subdirectory of a module directory that holds its Go
// tables: an ordinary Go package whose //go:init-section vars gen defines in
// C. They cannot live beside the C files: the go command refuses a package
// directory that holds .c files unless it uses cgo.
const GoTablesDir = "tables"

// MaxBlobSize bounds a blob= file. The module loader allocates init memory
// with the rest of the module; beyond this a file is better loaded with
// request_firmware.
const MaxBlobSize = 64 << 20

// defaultBlobAlign is the alignment of a blob without __aligned(N).
const defaultBlobAlign = 8

// Blob is a blob= annotation and the file it embeds.
type Blob struct {
	annotate.Annotation
	Source string // the annotated file, relative to the module directory
	Path   string // the blob, relative to the module directory, cleaned
	Size   int64  // its size in bytes when gen ran
	Align  int    // from __aligned(N) on the declaration, else 8
}

// SizeSymbol is the name of the blob's size symbol: NAME_size, a const
// unsigned long in .init.rodata.
func (b Blob) SizeSymbol() string { return b.Decl.Name + "_size" }

// Names of the per-module generated files for blobs and Go tables.
func blobStubFile(m *Module) string   { return m.Name + "_initsec_blob.S" }
func dataSourceFile(m *Module) string { return m.Name + "_initsec_data.c" }
func dataHeaderFile(m *Module) string { return m.Name + "_initsec_data.h" }

// HasObjects reports whether gen builds objects into the module (a blob
// stub or Go tables), which Kbuild.initsec then adds.
func (m *Module) HasObjects() bool { return len(m.Blobs) > 0 || len(m.Tables) > 0 }

// makeSafe are the characters a blob path may use: it is written into
// Kbuild.initsec as a make prerequisite, where white space, $, #, :, %, ;
// and wildcards mean something.
var makeSafe = regexp.MustCompile(`^[A-Za-z0-9._+,@/-]+$`)

// optionPos returns the position of option name= in the directive at p,
// found in src; p itself when it cannot be found.
func optionPos(src []byte, p annotate.Pos, name string) annotate.Pos {
	lines := bytes.SplitAfter(src, []byte("\n"))
	if p.Line < 1 || p.Line > len(lines) {
		return p
	}
	line := lines[p.Line-1]
	from := min(max(p.Col-1, 0), len(line))
	if i := bytes.Index(line[from:], []byte(" "+name+"=")); i >= 0 {
		return annotate.Pos{File: p.File, Line: p.Line, Col: from + i + 2 + len(name) + 1}
	}
	if i := bytes.Index(line[from:], []byte("\t"+name+"=")); i >= 0 {
		return annotate.Pos{File: p.File, Line: p.Line, Col: from + i + 2 + len(name) + 1}
	}
	return p
}

// checkBlob validates a blob= annotation against the file system: the file
// must exist inside the module directory (after resolving symlinks), be a
// regular, non-empty file no larger than MaxBlobSize, and its path must be
// safe to write into Kbuild.initsec.
func checkBlob(dir string, src []byte, source string, a annotate.Annotation) (Blob, *annotate.Error) {
	at := optionPos(src, a.Pos, "blob")
	fail := func(hint, format string, args ...any) (Blob, *annotate.Error) {
		return Blob{}, &annotate.Error{Pos: at, Msg: fmt.Sprintf(format, args...), Hint: hint}
	}
	rel := path.Clean(a.Blob)
	switch {
	case path.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../"):
		return fail("keep the file inside the module directory", "blob= path %s leaves the module directory", a.Blob)
	case rel == ".":
		return fail("name a file", "blob= path %s is the module directory", a.Blob)
	case !makeSafe.MatchString(rel):
		return fail("rename the file using letters, digits and . _ + , @ - /: the path is a make prerequisite in Kbuild.initsec",
			"blob= path %q has characters make would interpret", a.Blob)
	}
	full := filepath.Join(dir, filepath.FromSlash(rel))
	real, err := filepath.EvalSymlinks(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail("add the file, or fix the path: it is relative to the module directory",
			"blob file %s does not exist", rel)
	case err != nil:
		return fail("make the file readable", "blob file %s: %v", rel, err)
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return fail("", "module directory: %v", err)
	}
	if r, err := filepath.Rel(realDir, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return fail("copy the file into the module directory: the module's sources must be self-contained",
			"blob file %s resolves through a symlink to %s, outside the module directory", rel, real)
	}
	fi, err := os.Stat(real)
	switch {
	case err != nil:
		return fail("make the file readable", "blob file %s: %v", rel, err)
	case !fi.Mode().IsRegular():
		return fail("point blob= at a regular file", "blob file %s is not a regular file", rel)
	case fi.Size() == 0:
		return fail("an empty blob embeds nothing: fill the file or remove the annotation", "blob file %s is empty", rel)
	case fi.Size() > MaxBlobSize:
		return fail(fmt.Sprintf("embed at most %d bytes; load larger data with request_firmware", MaxBlobSize),
			"blob file %s is %d bytes", rel, fi.Size())
	}
	align, err := declAlign(a.Decl.Text)
	if err != nil {
		return Blob{}, &annotate.Error{Pos: a.Decl.Pos, Msg: fmt.Sprintf("%s: %v", a.Decl.Name, err),
			Hint: "write __aligned(N) with a power of two from 1 to 4096 as an integer literal; the assembler stub cannot evaluate C expressions"}
	}
	return Blob{Annotation: a, Source: source, Path: rel, Size: fi.Size(), Align: align}, nil
}

var alignedRE = regexp.MustCompile(`\b(?:__aligned|aligned|__aligned__)\s*\(([^()]*)\)`)

// declAlign returns the alignment a declaration asks for with __aligned(N)
// or __attribute__((aligned(N))), or the default.
func declAlign(text string) (int, error) {
	m := alignedRE.FindAllStringSubmatch(text, -1)
	if len(m) == 0 {
		return defaultBlobAlign, nil
	}
	arg := strings.TrimSpace(m[len(m)-1][1])
	n, err := strconv.ParseUint(strings.TrimRight(arg, "uUlL"), 0, 16)
	if err != nil || n == 0 || n&(n-1) != 0 || n > 4096 {
		return 0, fmt.Errorf("alignment %q is not a power of two from 1 to 4096", arg)
	}
	return int(n), nil
}

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

// checkNames reports C symbols that two sources of definitions both claim:
// Go tables, blob size symbols and the C annotations.
func checkNames(m *Module, anns []annotate.Annotation) annotate.ErrorList {
	var errs annotate.ErrorList
	owner := map[string]annotate.Pos{}
	for _, a := range anns {
		if _, ok := owner[a.Decl.Name]; !ok {
			owner[a.Decl.Name] = a.Pos
		}
	}
	for _, b := range m.Blobs {
		name := b.SizeSymbol()
		if first, ok := owner[name]; ok {
			errs = append(errs, &annotate.Error{Pos: b.Pos,
				Msg:  fmt.Sprintf("the blob's size symbol %s is also annotated at %s", name, first),
				Hint: "rename one of them: gen defines NAME_size for every blob NAME"})
			continue
		}
		owner[name] = b.Pos
	}
	for _, v := range m.Tables {
		if first, ok := owner[v.CName]; ok {
			errs = append(errs, &annotate.Error{Pos: v.Directive.Pos,
				Msg:  fmt.Sprintf("Go var %s becomes C symbol %s, which is also declared at %s", v.Name, v.CName, first),
				Hint: "give the Go table another C name with c=NAME"})
			continue
		}
		owner[v.CName] = v.Directive.Pos
	}
	return errs
}

// checkKbuild reads the module's kbuild file for the checks that generated
// objects need: the module must be composite (NAME-y or NAME-objs lists its
// objects; the fragment adds to that list), and Kbuild.initsec must be
// included after the last assignment that sets the list.
func checkKbuild(m *Module) annotate.ErrorList {
	data, err := os.ReadFile(filepath.Join(m.Dir, m.Kbuild))
	if err != nil {
		return annotate.ErrorList{{Pos: annotate.Pos{File: m.Kbuild, Line: 1, Col: 1}, Msg: err.Error()}}
	}
	objsRE := regexp.MustCompile(`^\s*` + regexp.QuoteMeta(m.Name) + `-(?:y|objs|\$\([A-Z0-9_]+\))\s*([:+?]?)=`)
	inclRE := regexp.MustCompile(`^\s*(?:-|s)?include\s+\$\(src\)/` + regexp.QuoteMeta(kbuildFragment) + `\s*(?:#.*)?$`)
	objmLine, lastSet, include, last := 0, 0, 0, 0
	composite := false
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) != "" {
			last = n
		}
		if objmLine == 0 && objmRE.MatchString(line) {
			objmLine = n
		}
		if sm := objsRE.FindStringSubmatch(line); sm != nil {
			composite = true
			if sm[1] != "+" {
				lastSet = n
			}
		}
		if include == 0 && inclRE.MatchString(line) {
			include = n
		}
	}
	var objs []string
	if len(m.Blobs) > 0 {
		objs = append(objs, strings.TrimSuffix(blobStubFile(m), ".S")+".o")
	}
	if len(m.Tables) > 0 {
		objs = append(objs, strings.TrimSuffix(dataSourceFile(m), ".c")+".o")
	}
	what := strings.Join(objs, " and ")
	var errs annotate.ErrorList
	if !composite {
		errs = append(errs, &annotate.Error{
			Pos: annotate.Pos{File: m.Kbuild, Line: max(objmLine, 1), Col: 1},
			Msg: fmt.Sprintf("module %s is not composite (kbuild builds it from %s.c alone), so %s cannot be linked into it", m.Name, m.Name, what),
			Hint: fmt.Sprintf("make it a composite module: rename %s.c (to main.c, say) and add \"%s-y := main.o\" after obj-m, then include $(src)/%s",
				m.Name, m.Name, kbuildFragment),
		})
	}
	switch {
	case include == 0:
		errs = append(errs, &annotate.Error{
			Pos:  annotate.Pos{File: m.Kbuild, Line: last + 1, Col: 1},
			Msg:  fmt.Sprintf("%s does not include the generated %s, which adds the %s", m.Kbuild, kbuildFragment, what),
			Hint: fmt.Sprintf("add this line after the %s-y line: include $(src)/%s", m.Name, kbuildFragment),
		})
	case lastSet > 0 && include < lastSet:
		errs = append(errs, &annotate.Error{
			Pos:  annotate.Pos{File: m.Kbuild, Line: include, Col: 1},
			Msg:  fmt.Sprintf("%s is included before line %d sets %s-y, which drops the objects it adds", kbuildFragment, lastSet, m.Name),
			Hint: fmt.Sprintf("move the include below line %d", lastSet),
		})
	}
	return errs
}
