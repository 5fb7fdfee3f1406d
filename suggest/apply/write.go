package apply

import (
	"io"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/initsec/initsec/internal/srctree"
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

// Write applies the plan, all or nothing (srctree.WriteAll): a file that
// changed since Plan read it stops everything before any is written.
func (r *Result) Write() error {
	cs := make([]srctree.Change, len(r.Files))
	for i, f := range r.Files {
		cs[i] = srctree.Change{Path: f.Path, Old: f.Old, New: f.New}
	}
	return srctree.WriteAll(r.Dir, cs, "run again")
}
