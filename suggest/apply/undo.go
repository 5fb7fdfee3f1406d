package apply

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/initsec/initsec/kbuild"
)

// An annotation can change what gcc emits around it: a function that gcc
// had inlined into resident code of its file, keeping an out-of-line copy
// for the init (or exit) caller suggest saw, is not inlined once it is
// __init or __exit (a call across sections; __exit is also cold), and the
// resident code now calls into init or exit text. modpost reports it, and
// the next round's build fails on it. dropMismatched undoes exactly the
// edits the mismatches name and the round is built again without them;
// they become Skips. An edit can also stop a file from compiling (an
// __init where no header declared it): dropUncompiled undoes that file's
// edits. Rounds stay bounded: each undo removes at least one edit, and
// an undone symbol stays handled.

// roundEdits is what one round wrote: per file, its content and inserted
// lines before the round, and the edits written into it.
type roundEdits struct {
	round int
	src   map[string][]byte
	added map[string][]int
	edits map[string][]edit
	order []string
}

func newRoundEdits(round int) *roundEdits {
	return &roundEdits{round: round, src: map[string][]byte{}, added: map[string][]int{}, edits: map[string][]edit{}}
}

// record notes that edits were written into path, whose content and
// inserted lines were src and added before them (nothing when r is nil:
// no round under way).
func (r *roundEdits) record(path string, src []byte, added []int, edits []edit) {
	if r == nil {
		return
	}
	if _, ok := r.src[path]; !ok {
		r.src[path] = src
		r.added[path] = slices.Clone(added)
		r.order = append(r.order, path)
	}
	r.edits[path] = append(r.edits[path], edits...)
}

// undoRejected undoes the edits of round (the previous one) that the
// failed build err rejects: those whose symbol a section mismatch names
// as its target (dropMismatched), else every edit of a file the compiler
// reports an error in (dropUncompiled). It rewrites the other edits of
// their files and returns how many it undid (0: the failure is not one
// it can undo).
func (p *planner) undoRejected(err error, round int) (int, error) {
	var be *kbuild.BuildError
	if !errors.As(err, &be) || p.last == nil || p.last.round != round {
		return 0, nil
	}
	if n, err := p.dropMismatched(be); n > 0 || err != nil {
		return n, err
	}
	return p.dropUncompiled(be)
}

// dropMismatched undoes the edits whose symbol a section mismatch of be
// names as its target.
func (p *planner) dropMismatched(be *kbuild.BuildError) (int, error) {
	why := map[string]string{} // symbol -> the mismatch naming it
	for _, w := range be.Warnings {
		if w.ToSym != "" {
			sym, _, _ := strings.Cut(w.ToSym, ".")
			if _, ok := why[sym]; !ok {
				why[sym] = fmt.Sprintf("annotated, the build has a section mismatch: %s (%s) -> %s (%s) (gcc had inlined it into resident code; annotated, it is called there): left as it is",
					w.FromSym, w.FromSec, w.ToSym, w.ToSec)
			}
		}
	}
	return p.undo(func(e edit) (string, bool) {
		w, ok := why[e.edit.Symbol]
		return w, ok
	})
}

// gccError is a compiler diagnostic line: FILE:LINE:COL: error: TEXT.
var gccError = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^(\S+?):(\d+):(\d+): (?:fatal )?error: (.*)$`) })

// dropUncompiled undoes every edit of the last round in a file the
// compiler rejects. The round before built, so the edits broke it: an
// __init in a file that does not include <linux/init.h> (directly or
// through another header) is the case seen (gcc: "expected ... before
// 'name'"). All of the file's edits go, since one missing declaration
// fails them all.
func (p *planner) dropUncompiled(be *kbuild.BuildError) (int, error) {
	why := map[string]string{} // path -> the first error in it
	for _, m := range gccError().FindAllStringSubmatch(be.Output, -1) {
		if path, ok := p.lastPath(m[1]); ok {
			if _, seen := why[path]; !seen {
				why[path] = fmt.Sprintf("annotated, gcc rejects the file: %s:%s:%s: error: %s (does it include <linux/init.h>?): left as it is", path, m[2], m[3], m[4])
			}
		}
	}
	return p.undo(func(e edit) (string, bool) {
		w, ok := why[e.path]
		return w, ok
	})
}

// lastPath returns the path, as the last round's edits name it, of the
// file the compiler names name (absolute, or relative to the directory
// kbuild ran in, which is inside the work copy).
func (p *planner) lastPath(name string) (string, bool) {
	for _, path := range p.last.order {
		abs := filepath.Join(p.work, filepath.FromSlash(path))
		if filepath.Clean(name) == abs || strings.HasSuffix(filepath.ToSlash(name), "/"+path) || filepath.ToSlash(name) == path {
			return path, true
		}
	}
	return "", false
}

// undo undoes the last round's edits that reject names (with why), as a
// Skip each, and rewrites the others of their files.
func (p *planner) undo(reject func(edit) (why string, ok bool)) (int, error) {
	last := p.last
	n := 0
	for _, path := range last.order {
		for _, e := range last.edits[path] {
			if _, ok := reject(e); ok {
				n++
			}
		}
	}
	if n == 0 {
		return 0, nil
	}
	round := last.round
	p.last = newRoundEdits(round)
	p.res.Edits = slices.DeleteFunc(p.res.Edits, func(e Edit) bool {
		_, touched := last.src[e.File]
		return e.Round == round && touched
	})
	for _, path := range last.order {
		if err := os.WriteFile(filepath.Join(p.work, filepath.FromSlash(path)), last.src[path], 0o644); err != nil {
			return 0, err
		}
		p.added[path] = last.added[path]
		var keep []edit
		for _, e := range last.edits[path] {
			if why, ok := reject(e); ok {
				p.res.Skips = append(p.res.Skips, Skip{Module: e.edit.Module, Symbol: e.edit.Symbol, Kind: e.edit.Kind, Size: e.edit.Size,
					Where: fmt.Sprintf("%s:%d", e.edit.File, e.edit.Line), Why: why})
				continue
			}
			keep = append(keep, e)
		}
		if len(keep) > 0 {
			if _, err := p.write(path, keep); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}
