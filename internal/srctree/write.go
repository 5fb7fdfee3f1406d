package srctree

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Change is a file's content as read and as it is to be written.
type Change struct {
	Path     string // relative to the directory, slash-separated
	Old, New []byte
}

// Hooks for tests (of this package and of its callers); nil otherwise.
var (
	// TestHookWriteTemp, when it returns an error for a path, fails
	// writing the temporary file for it.
	TestHookWriteTemp func(path string) error
	// TestHookRename, when set, replaces os.Rename for putting a new
	// content in place (not for putting an old one back).
	TestHookRename func(oldpath, newpath string) error
)

// WriteAll writes every change under dir, all or nothing: every new content
// is first written to a temporary file beside its target, then each is
// renamed over it. A file whose content is no longer Old stops everything
// before any rename, with an error ending "nothing written (again)"; a
// rename that fails puts the files already renamed back.
func WriteAll(dir string, changes []Change, again string) error {
	type staged struct {
		c    Change
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
	for _, c := range changes {
		p := filepath.Join(dir, filepath.FromSlash(c.Path))
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
		if !bytes.Equal(cur, c.Old) {
			cleanup()
			return fmt.Errorf("%s changed since it was read; nothing written (%s)", p, again)
		}
		tmp, err := writeTemp(p, c.New, fi.Mode().Perm())
		if err != nil {
			cleanup()
			return err
		}
		st = append(st, staged{c, p, tmp, fi.Mode().Perm()})
	}
	rename := os.Rename
	if TestHookRename != nil {
		rename = TestHookRename
	}
	for i, s := range st {
		if err := rename(s.tmp, s.path); err != nil {
			// Put back what was renamed; remove what was not.
			for _, done := range st[:i] {
				if t, terr := writeTemp(done.path, done.c.Old, done.mode); terr == nil {
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

// writeTemp writes data to a new temporary file beside path, synced, and
// returns its name.
func writeTemp(path string, data []byte, mode fs.FileMode) (string, error) {
	if TestHookWriteTemp != nil {
		if err := TestHookWriteTemp(path); err != nil {
			return "", err
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".initsec-")
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
