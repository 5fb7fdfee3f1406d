package module

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/initsec/initsec/annotate"
)

// Module is a kernel module directory and the annotations found in it.
type Module struct {
	Dir    string // absolute path of the module directory
	Name   string // module name, from obj-m in Kbuild (or Makefile)
	Kbuild string // the file that declares obj-m, relative to Dir
	// Sources are the annotated C sources and headers, relative to Dir,
	// sorted by path.
	Sources []Source
	// Blobs are the blob= annotations, in source order; gen embeds them
	// with an assembler stub.
	Blobs []Blob
	// Tables are the annotated vars of the Go package in GoTablesDir, in
	// position order; gen defines them in C.
	Tables []annotate.GoVar
}

// Source is one annotated file.
type Source struct {
	Path        string // relative to Module.Dir, slash-separated
	Annotations []annotate.Annotation
	trailerOK   bool
	trailerLine int
}

// Trailer returns the name of the generated header foo.c includes last.
// foo.c includes foo.initsec.h; a header foo.h includes foo.h.initsec.h,
// so that an annotated foo.c and foo.h never share a trailer.
func (s Source) Trailer() string {
	base := filepath.Base(s.Path)
	if filepath.Ext(base) == ".h" {
		return base + ".initsec.h"
	}
	return strings.TrimSuffix(base, filepath.Ext(base)) + ".initsec.h"
}

// Names of the generated files that the module's own files refer to: its
// kbuild file includes KbuildFragment, which links the objects built from
// the blob stub and the data source; C sources include the data header.
const KbuildFragment = "Kbuild.initsec"

// BlobStub is the assembler stub that embeds the module's blobs.
func (m *Module) BlobStub() string { return m.Name + "_initsec_blob.S" }

// DataSource is the C file that defines the module's Go tables.
func (m *Module) DataSource() string { return m.Name + "_initsec_data.c" }

// DataHeader is the C header that declares the Go tables and blob sizes.
func (m *Module) DataHeader() string { return m.Name + "_initsec_data.h" }

// HasObjects reports whether gen builds objects into the module (a blob
// stub or Go tables), which KbuildFragment then adds.
func (m *Module) HasObjects() bool { return len(m.Blobs) > 0 || len(m.Tables) > 0 }

// Objects are the objects gen builds into the module, in the order
// KbuildFragment adds them: the blob stub's, then the data source's.
func (m *Module) Objects() []string {
	var objs []string
	if len(m.Blobs) > 0 {
		objs = append(objs, strings.TrimSuffix(m.BlobStub(), ".S")+".o")
	}
	if len(m.Tables) > 0 {
		objs = append(objs, strings.TrimSuffix(m.DataSource(), ".c")+".o")
	}
	return objs
}

// Load scans the module directory dir: its obj-m name, every annotated .c
// and .h file directly in it, its blobs and its Go tables (see the package
// doc). Problems in the module's files are returned together as an
// annotate.ErrorList, with paths relative to dir.
func Load(dir string) (*Module, error) {
	m, err := identify(dir)
	if err != nil {
		return nil, err
	}
	l := &loader{m: m, dir: dir}
	if err := l.sources(); err != nil {
		return nil, err
	}
	if err := l.collect(annotate.CheckModule(l.anns)); err != nil {
		return nil, err
	}
	l.errs = append(l.errs, goDirectiveFiles(m.Dir, l.goFiles)...)
	tables, err := annotate.ScanGoDir(filepath.Join(m.Dir, GoTablesDir), GoTablesDir)
	if err := l.collect(err); err != nil {
		return nil, err
	}
	m.Tables = tables
	l.errs = append(l.errs, checkNames(m, l.anns)...)
	if m.HasObjects() {
		l.errs = append(l.errs, checkKbuild(m)...)
	}
	if len(l.errs) > 0 {
		l.errs.Sort()
		return nil, l.errs
	}
	return m, nil
}

// identify resolves dir and reads the one module its kbuild file names.
func identify(dir string) (*Module, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	names, pos, kb, err := moduleNames(abs)
	if err != nil {
		return nil, fmt.Errorf("read kbuild file: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no Kbuild or Makefile with an obj-m line (hint: add \"obj-m += NAME.o\" to %s)", dir, filepath.Join(dir, "Kbuild"))
	}
	if len(names) > 1 {
		return nil, annotate.ErrorList{{
			Pos:  pos[1],
			Msg:  fmt.Sprintf("second module %s in %s (it builds %s); initsec handles one module per directory", names[1], kb, strings.Join(names, ", ")),
			Hint: "move each module to its own directory, with its own " + kb,
		}}
	}
	return &Module{Dir: abs, Name: names[0], Kbuild: kb}, nil
}

// loader carries what Load gathers across its steps.
type loader struct {
	m       *Module
	dir     string                // as the caller wrote it, for messages
	errs    annotate.ErrorList    // problems in the module's files
	anns    []annotate.Annotation // of every source, for module-wide checks
	goFiles []string              // .go files directly in the directory
}

// collect keeps the problems of an annotate.ErrorList in l.errs and
// returns any other error.
func (l *loader) collect(err error) error {
	var el annotate.ErrorList
	if errors.As(err, &el) {
		l.errs = append(l.errs, el...)
		return nil
	}
	return err
}

// sources scans the .c and .h files directly in the module directory, in
// name order, and notes its .go files for goDirectiveFiles.
func (l *loader) sources() error {
	entries, err := os.ReadDir(l.m.Dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasSuffix(name, ".initsec.h") {
			continue
		}
		switch filepath.Ext(name) {
		case ".go":
			l.goFiles = append(l.goFiles, name)
		case ".c", ".h":
			if err := l.source(name); err != nil {
				return err
			}
		}
	}
	return nil
}

// source scans one C source or header: its annotations, its trailer
// include, and the blobs it names.
func (l *loader) source(name string) error {
	src, err := readRegular(filepath.Join(l.m.Dir, name))
	if err != nil {
		return fmt.Errorf("%s: %w (hint: initsec reads every .c and .h file of the module directory; remove or rename it)", filepath.Join(l.dir, name), err)
	}
	anns, err := annotate.ScanC(name, src)
	if err != nil {
		return l.collect(err)
	}
	s := Source{Path: name, Annotations: anns}
	s.trailerOK, s.trailerLine = annotate.HasTrailer(src, s.Trailer())
	if len(anns) == 0 {
		// A file that still includes its trailer after its last
		// directive went keeps an empty one: deleting it would break
		// the build with "No such file".
		if s.trailerOK {
			l.m.Sources = append(l.m.Sources, s)
		}
		return nil
	}
	if !s.trailerOK {
		l.errs = append(l.errs, &annotate.Error{
			Pos:  annotate.Pos{File: name, Line: s.trailerLine, Col: 1},
			Msg:  fmt.Sprintf("missing trailer include of the generated %s", s.Trailer()),
			Hint: fmt.Sprintf("add this line at the end of %s: #include \"%s\"", name, s.Trailer()),
		})
	}
	for _, a := range anns {
		if a.Blob == "" {
			continue
		}
		b, berr := checkBlob(l.m.Dir, src, name, a)
		if berr != nil {
			l.errs = append(l.errs, berr)
			continue
		}
		l.m.Blobs = append(l.m.Blobs, b)
	}
	l.m.Sources = append(l.m.Sources, s)
	l.anns = append(l.anns, anns...)
	return nil
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

// errNotRegular is returned by readRegular for a FIFO, device or socket,
// which reading could block on or never finish.
var errNotRegular = errors.New("not a regular file")

// readRegular reads the file at path, following symbolic links, if it is
// a regular file.
func readRegular(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if _, lerr := os.Lstat(path); lerr == nil {
			return nil, fmt.Errorf("broken symbolic link: %w", err)
		}
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errNotRegular
	}
	return os.ReadFile(path)
}
