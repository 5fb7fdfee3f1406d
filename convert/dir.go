package convert

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/initsec/initsec/annotate"
	"github.com/initsec/initsec/internal/srctree"
)

// Result is the conversion of a directory's sources.
type Result struct {
	Dir   string  // absolute
	Files []*File // every .c and .h file read, Path relative to Dir, sorted
}

// Changed returns the files whose content changes.
func (r *Result) Changed() []*File {
	var out []*File
	for _, f := range r.Files {
		if f.Changed() {
			out = append(out, f)
		}
	}
	return out
}

// Changes returns every conversion made, in file order.
func (r *Result) Changes() []Change {
	var out []Change
	for _, f := range r.Files {
		out = append(out, f.Changes...)
	}
	return out
}

// Skips returns everything left as it was, in file order.
func (r *Result) Skips() []Skip {
	var out []Skip
	for _, f := range r.Files {
		out = append(out, f.Skips...)
	}
	return out
}

// Dir converts the .c files in dir and its subdirectories (hidden
// directories, testdata and vendor excepted; headers are read for the
// skip list only). It reads and writes nothing else: Write applies the
// result.
func Dir(dir string) (*Result, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	res := &Result{Dir: abs}
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != abs && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasSuffix(name, ".initsec.h") ||
			(filepath.Ext(name) != ".c" && filepath.Ext(name) != ".h") {
			return nil
		}
		src, err := readSource(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(abs, p)
		if err != nil {
			return err
		}
		res.Files = append(res.Files, ConvertFile(filepath.ToSlash(rel), src))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", dir, err)
	}
	sort.Slice(res.Files, func(i, j int) bool { return res.Files[i].Path < res.Files[j].Path })
	return res, nil
}

func readSource(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, annotate.MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(src) > annotate.MaxFileSize {
		return nil, fmt.Errorf("%s: %w", p, annotate.ErrTooLarge)
	}
	return src, nil
}

// Diff writes a unified diff of every changed file, paths relative to Dir
// with a/ and b/ prefixes (git apply and patch -p1 take it).
func (r *Result) Diff(w io.Writer) error {
	for _, f := range r.Changed() {
		if _, err := w.Write(diff.Diff("a/"+f.Path, f.Old, "b/"+f.Path, f.New)); err != nil {
			return err
		}
	}
	return nil
}

// Write applies the result, all or nothing (srctree.WriteAll): a file that
// changed since Dir read it stops everything before any is written.
func (r *Result) Write() error {
	var cs []srctree.Change
	for _, f := range r.Changed() {
		cs = append(cs, srctree.Change{Path: f.Path, Old: f.Old, New: f.New})
	}
	return srctree.WriteAll(r.Dir, cs, "run convert again")
}
