package apply

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rogpeppe/go-internal/diff"
)

// Diff writes a unified diff of every changed file, paths relative to Dir
// with a/ and b/ prefixes (git apply and patch -p1 take it).
func (r *Result) Diff(w io.Writer) error {
	for _, f := range r.Files {
		if _, err := w.Write(diff.Diff("a/"+f.Path, f.Old, "b/"+f.Path, f.New)); err != nil {
			return err
		}
	}
	return nil
}

// Write applies the plan, all or nothing: every new content is first
// written to a temporary file beside its target, then each is renamed over
// it. A file that changed since Plan read it stops everything before any
// rename; a rename that fails puts the files already renamed back.
func (r *Result) Write() error {
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
	for _, f := range r.Files {
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
			return fmt.Errorf("%s changed since it was read; nothing written (run again)", p)
		}
		tmp, err := writeTemp(p, f.New, fi.Mode().Perm())
		if err != nil {
			cleanup()
			return err
		}
		st = append(st, staged{f, p, tmp, fi.Mode().Perm()})
	}
	for i, s := range st {
		if err := rename(s.tmp, s.path); err != nil {
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

// rename is os.Rename; tests replace it to fail one rename.
var rename = os.Rename

func writeTemp(path string, data []byte, mode fs.FileMode) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".initsec-apply-")
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
