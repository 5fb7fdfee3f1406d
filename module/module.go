package module

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/initsec/initsec/annotate"
)

// Module is one module that a kbuild directory builds, and the
// annotations of the sources kbuild links into it.
type Module struct {
	Dir    string // absolute path of the kbuild directory
	Name   string // module name, from obj-m in Kbuild (or Makefile)
	Kbuild string // the file that declares obj-m, relative to Dir
	// KbuildObjects are the objects kbuild links into the module (NAME-y,
	// NAME-objs), relative to Dir and slash-separated; NAME.o for a module
	// without such a list.
	KbuildObjects []string
	// Fragment is the generated Kbuild fragment that adds gen's objects:
	// KbuildFragment when the directory builds one module, else
	// NAME.Kbuild.initsec.
	Fragment string
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

// Load loads the one module that the kbuild file in dir builds (see
// LoadDir); a directory that builds several is an error that says to use
// LoadDir.
func Load(dir string) (*Module, error) {
	d, err := LoadDir(dir)
	if err != nil {
		return nil, err
	}
	if len(d.Modules) > 1 {
		return nil, fmt.Errorf("%s: %s builds %d modules (%s); load them with LoadDir", dir, d.Kbuild, len(d.Modules), strings.Join(d.Names(), ", "))
	}
	return d.Modules[0], nil
}

// LoadDir finds the modules the kbuild file in dir builds (Scan) and loads
// each: the annotated sources kbuild links into it, its blobs and its Go
// tables (see the package doc). Problems in the directory's files are
// returned together as an annotate.ErrorList, with paths relative to dir.
func LoadDir(dir string) (*Dir, error) {
	d, err := Scan(dir)
	if err != nil {
		var el annotate.ErrorList
		if errors.As(err, &el) {
			return nil, el
		}
		return nil, fmt.Errorf("read kbuild file: %w", err)
	}
	if len(d.Modules) == 0 {
		if d.Kbuild == "" {
			return nil, fmt.Errorf("%s: no Kbuild or Makefile (hint: add \"obj-m += NAME.o\" to %s)", dir, filepath.Join(dir, "Kbuild"))
		}
		return nil, fmt.Errorf("%s: %s builds no module (%s) (hint: add \"obj-m += NAME.o\")", dir, d.Kbuild, d.Discovery)
	}
	l := &loader{d: d, dir: dir, files: map[string]*scanned{}}
	if err := l.sources(); err != nil {
		return nil, err
	}
	l.errs = append(l.errs, goDirectiveFiles(d.Path, l.goFiles)...)
	tables, err := annotate.ScanGoDir(filepath.Join(d.Path, GoTablesDir), GoTablesDir)
	if err := l.collect(err); err != nil {
		return nil, err
	}
	if len(tables) > 0 && len(d.Modules) > 1 {
		l.errs = append(l.errs, &annotate.Error{
			Pos:  tables[0].Directive.Pos,
			Msg:  fmt.Sprintf("Go tables in a directory that builds %d modules (%s): initsec cannot tell which module they belong to", len(d.Modules), strings.Join(d.Names(), ", ")),
			Hint: "move the module that uses them to its own directory, with its own " + d.Kbuild,
		})
		tables = nil
	}
	for _, m := range d.Modules {
		m.Tables = tables
		var anns []annotate.Annotation
		for _, f := range l.order {
			if !slices.Contains(f.owners, m) {
				continue
			}
			m.Sources = append(m.Sources, f.Source)
			m.Blobs = append(m.Blobs, f.blobs...)
			anns = append(anns, f.Annotations...)
		}
		if err := l.collect(annotate.CheckModule(anns)); err != nil {
			return nil, err
		}
		l.errs = append(l.errs, checkNames(m, anns)...)
		if m.HasObjects() {
			l.errs = append(l.errs, checkKbuild(m)...)
		}
	}
	if len(l.errs) > 0 {
		l.errs.Sort()
		return nil, dedup(l.errs)
	}
	return d, nil
}

// dedup drops an error equal to the one before it: a check that runs per
// module reports a source linked into two modules once.
func dedup(el annotate.ErrorList) annotate.ErrorList {
	var out annotate.ErrorList
	for i, e := range el {
		if i > 0 && e.Error() == el[i-1].Error() {
			continue
		}
		out = append(out, e)
	}
	return out
}

// loader carries what LoadDir gathers across its steps.
type loader struct {
	d       *Dir
	dir     string              // as the caller wrote it, for messages
	errs    annotate.ErrorList  // problems in the directory's files
	files   map[string]*scanned // by path relative to d.Path
	order   []*scanned          // kept files (annotated, or with a trailer), by path
	goFiles []string            // .go files directly in the directory
}

// scanned is one C source or header read by the loader.
type scanned struct {
	Source
	blobs  []Blob
	owners []*Module // the modules kbuild links it into
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

// sources scans the sources kbuild links into each module (NAME-y objects:
// foo.o is built from foo.c; foo.S is assembly and carries no directives;
// objects outside the directory are not read) and every .c and .h file
// directly in the directory, once each, in path order. A kept file belongs
// to the modules that link it; with one module in the directory, the files
// directly in it that no object names (headers) belong to that module.
func (l *loader) sources() error {
	owners := map[string][]*Module{}
	var paths []string
	for _, m := range l.d.Modules {
		generated := m.Objects()
		for _, obj := range m.KbuildObjects {
			if slices.Contains(generated, obj) || !strings.HasSuffix(obj, ".o") {
				continue
			}
			p := path.Clean(strings.TrimSuffix(obj, ".o") + ".c")
			if path.IsAbs(p) || p == ".." || strings.HasPrefix(p, "../") {
				continue
			}
			if _, err := os.Lstat(filepath.Join(l.d.Path, filepath.FromSlash(p))); err != nil {
				continue // foo.S, or a source generated at build time
			}
			if _, ok := owners[p]; !ok {
				paths = append(paths, p)
			}
			if !slices.Contains(owners[p], m) {
				owners[p] = append(owners[p], m)
			}
		}
	}
	entries, err := os.ReadDir(l.d.Path)
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
			if _, ok := owners[name]; !ok {
				paths = append(paths, name)
			}
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		f, err := l.source(p)
		if err != nil {
			return err
		}
		if f == nil {
			continue
		}
		f.owners = owners[p]
		if len(f.owners) == 0 {
			if len(l.d.Modules) > 1 {
				if len(f.Annotations) > 0 {
					l.errs = append(l.errs, unowned(l.d, f))
				}
				continue
			}
			f.owners = l.d.Modules
		}
		l.order = append(l.order, f)
	}
	return nil
}

// unowned reports an annotated file in a directory with several modules
// that no module links: its annotations belong to no manifest.
func unowned(d *Dir, f *scanned) *annotate.Error {
	pos := f.Annotations[0].Pos
	names := strings.Join(d.Names(), ", ")
	if strings.HasSuffix(f.Path, ".h") {
		return &annotate.Error{Pos: pos,
			Msg:  fmt.Sprintf("annotated header in a directory that builds %d modules (%s): initsec cannot tell which module's manifest its symbols belong to", len(d.Modules), names),
			Hint: "move the annotations into the .c file that defines the symbols"}
	}
	obj := strings.TrimSuffix(f.Path, ".c") + ".o"
	return &annotate.Error{Pos: pos,
		Msg:  fmt.Sprintf("%s has directives but %s links %s into none of its modules (%s)", f.Path, d.Kbuild, obj, names),
		Hint: fmt.Sprintf("add %s to the NAME-y list of the module it belongs to, or remove the directives", obj)}
}

// source scans one C source or header: its annotations, its trailer
// include, and the blobs it names. It returns nil for a file with neither
// annotations nor a trailer include.
func (l *loader) source(name string) (*scanned, error) {
	src, err := readRegular(filepath.Join(l.d.Path, filepath.FromSlash(name)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w (hint: initsec reads every .c and .h file of the module directory and every source kbuild links; remove or rename it)", filepath.Join(l.dir, name), err)
	}
	anns, err := annotate.ScanC(name, src)
	if err != nil {
		return nil, l.collect(err)
	}
	f := &scanned{Source: Source{Path: name, Annotations: anns}}
	f.trailerOK, f.trailerLine = annotate.HasTrailer(src, f.Trailer())
	if len(anns) == 0 {
		// A file that still includes its trailer after its last
		// directive went keeps an empty one: deleting it would break
		// the build with "No such file".
		if f.trailerOK {
			return f, nil
		}
		return nil, nil
	}
	if !f.trailerOK {
		l.errs = append(l.errs, &annotate.Error{
			Pos:  annotate.Pos{File: name, Line: f.trailerLine, Col: 1},
			Msg:  fmt.Sprintf("missing trailer include of the generated %s", f.Trailer()),
			Hint: fmt.Sprintf("add this line at the end of %s: #include \"%s\"", name, f.Trailer()),
		})
	}
	for _, a := range anns {
		if a.Blob == "" {
			continue
		}
		b, berr := checkBlob(l.d.Path, src, name, a)
		if berr != nil {
			l.errs = append(l.errs, berr)
			continue
		}
		f.blobs = append(f.blobs, b)
	}
	return f, nil
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
