package gen

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
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

// obj-m += hello.o, obj-m := a.o b.o, obj-$(CONFIG_FOO) += foo.o
var objmRE = regexp.MustCompile(`^\s*obj-(?:m|\$\([A-Z0-9_]+\))\s*[:+]?=\s*(.*)$`)

// moduleNames reads obj-m lines from the kbuild file in dir. pos[i] is
// where names[i] is written, in file.
func moduleNames(dir string) (names []string, pos []annotate.Pos, file string, err error) {
	for _, f := range []string{"Kbuild", "Makefile"} {
		data, err := readRegular(filepath.Join(dir, f))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, "", err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for line := 1; sc.Scan(); line++ {
			text := sc.Text()
			m := objmRE.FindStringSubmatchIndex(text)
			if m == nil {
				continue
			}
			off := m[2]
			for _, w := range strings.Fields(text[off:]) {
				col := off + strings.Index(text[off:], w) + 1
				off = col - 1 + len(w)
				if strings.HasPrefix(w, "#") {
					break
				}
				if strings.HasSuffix(w, ".o") {
					names = append(names, strings.TrimSuffix(w, ".o"))
					pos = append(pos, annotate.Pos{File: f, Line: line, Col: col})
				}
			}
		}
		if len(names) > 0 {
			return names, pos, f, nil
		}
	}
	return nil, nil, "", nil
}

// IsModuleDir reports whether dir has a Kbuild or Makefile naming an obj-m.
func IsModuleDir(dir string) bool {
	names, _, _, err := moduleNames(dir)
	return err == nil && len(names) > 0
}

// FindModules returns every module directory at or below root, sorted.
// Hidden directories, testdata and vendor are skipped. A root that is a
// symbolic link to a directory is searched; links below it are not followed.
func FindModules(root string) ([]string, error) {
	var dirs []string
	walkRoot := root
	if fi, err := os.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// WalkDir does not follow a link given as its root; a trailing
		// separator makes the kernel resolve it.
		walkRoot = root + string(filepath.Separator)
	}
	err := filepath.WalkDir(walkRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != walkRoot && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
			return filepath.SkipDir
		}
		if IsModuleDir(path) {
			dirs = append(dirs, path)
		}
		return nil
	})
	return dirs, err
}

// Load scans the module directory dir: its obj-m name and every annotated
// .c and .h file directly in it. Errors from the scanner are returned as an
// annotate.ErrorList with paths relative to dir's parent-independent form
// (the file name as it appears inside dir).
func Load(dir string) (*Module, error) {
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
	m := &Module{Dir: abs, Name: names[0], Kbuild: kb}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, err
	}
	var errs annotate.ErrorList
	var all []annotate.Annotation
	var goFiles []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasSuffix(name, ".initsec.h") {
			continue
		}
		ext := filepath.Ext(name)
		if ext == ".go" {
			goFiles = append(goFiles, name)
			continue
		}
		if ext != ".c" && ext != ".h" {
			continue
		}
		src, err := readRegular(filepath.Join(abs, name))
		if err != nil {
			return nil, fmt.Errorf("%s: %w (hint: initsec reads every .c and .h file of the module directory; remove or rename it)", filepath.Join(dir, name), err)
		}
		anns, err := annotate.ScanC(name, src)
		var el annotate.ErrorList
		switch {
		case errors.As(err, &el):
			errs = append(errs, el...)
			continue
		case err != nil:
			return nil, err
		}
		s := Source{Path: name, Annotations: anns}
		s.trailerOK, s.trailerLine = annotate.HasTrailer(src, s.Trailer())
		if len(anns) == 0 {
			// A file that still includes its trailer after its last
			// directive went keeps an empty one: deleting it would break
			// the build with "No such file".
			if s.trailerOK {
				m.Sources = append(m.Sources, s)
			}
			continue
		}
		if !s.trailerOK {
			errs = append(errs, &annotate.Error{
				Pos:  annotate.Pos{File: name, Line: s.trailerLine, Col: 1},
				Msg:  fmt.Sprintf("missing trailer include of the generated %s", s.Trailer()),
				Hint: fmt.Sprintf("add this line at the end of %s: #include \"%s\"", name, s.Trailer()),
			})
		}
		for _, a := range anns {
			if a.Blob == "" {
				continue
			}
			b, berr := checkBlob(abs, src, name, a)
			if berr != nil {
				errs = append(errs, berr)
				continue
			}
			m.Blobs = append(m.Blobs, b)
		}
		m.Sources = append(m.Sources, s)
		all = append(all, anns...)
	}
	if err := annotate.CheckModule(all); err != nil {
		var el annotate.ErrorList
		if !errors.As(err, &el) {
			return nil, err
		}
		errs = append(errs, el...)
	}
	errs = append(errs, goDirectiveFiles(abs, goFiles)...)
	tables, err := annotate.ScanGoDir(filepath.Join(abs, GoTablesDir), GoTablesDir)
	var el annotate.ErrorList
	switch {
	case errors.As(err, &el):
		errs = append(errs, el...)
	case err != nil:
		return nil, err
	}
	m.Tables = tables
	errs = append(errs, checkNames(m, all)...)
	if m.HasObjects() {
		errs = append(errs, checkKbuild(m)...)
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool {
			a, b := errs[i].Pos, errs[j].Pos
			if a.File != b.File {
				return a.File < b.File
			}
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Col < b.Col
		})
		return nil, errs
	}
	return m, nil
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
