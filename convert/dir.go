package convert

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/initsec/initsec/annotate"
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

// Write applies the result, all or nothing: every new content is first
// written to a temporary file beside its target, then each is renamed over
// it. A file that changed since Dir read it stops everything before any
// rename; a rename that fails puts the files already renamed back.
func (r *Result) Write() error {
	changed := r.Changed()
	type staged struct {
		f    *File
		path string
		tmp  string
		mode fs.FileMode
	}
	var st []staged
	cleanup := func() {
		for _, s := range st {
			os.Remove(s.tmp)
		}
	}
	for _, f := range changed {
		p := filepath.Join(r.Dir, filepath.FromSlash(f.Path))
		fi, err := os.Stat(p)
		if err != nil {
			cleanup()
			return err
		}
		cur, err := os.ReadFile(p)
		if err != nil {
			cleanup()
			return err
		}
		if !bytes.Equal(cur, f.Old) {
			cleanup()
			return fmt.Errorf("%s changed since it was read; nothing written (run convert again)", p)
		}
		tmp, err := writeTemp(p, f.New, fi.Mode().Perm())
		if err != nil {
			cleanup()
			return err
		}
		st = append(st, staged{f, p, tmp, fi.Mode().Perm()})
	}
	for i, s := range st {
		if err := os.Rename(s.tmp, s.path); err != nil {
			// Put back what was renamed; remove what was not.
			for _, done := range st[:i] {
				if t, terr := writeTemp(done.path, done.f.Old, done.mode); terr == nil {
					os.Rename(t, done.path)
				}
			}
			for _, rest := range st[i:] {
				os.Remove(rest.tmp)
			}
			return fmt.Errorf("write %s: %w (files already written were restored)", s.path, err)
		}
	}
	return nil
}

// testHookWriteTemp, when set by a test, fails writeTemp for a path.
var testHookWriteTemp func(path string) error

func writeTemp(path string, data []byte, mode fs.FileMode) (string, error) {
	if testHookWriteTemp != nil {
		if err := testHookWriteTemp(path); err != nil {
			return "", err
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".initsec-convert-")
	if err != nil {
		return "", err
	}
	name := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}
