package apply

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/initsec/initsec/kbuild"
)

// An annotation can change what gcc emits around it: a function that gcc
// had inlined into resident code of its file, keeping an out-of-line copy
// for the init (or exit) caller suggest saw, is not inlined once it is
// __init or __exit (a call across sections; __exit is also cold), and the
// resident code now calls into init or exit text. modpost reports it, and
// the next round's build fails on it. dropMismatched undoes exactly the
// edits the mismatches name and the round is built again without them;
// they become Skips. Rounds stay bounded: each undo removes at least one
// edit, and an undone symbol stays handled.

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

// dropMismatched undoes the edits of round (the previous one) whose
// symbol a section mismatch of the failed build err names as its target,
// rewrites the other edits of their files, and returns how many it undid
// (0: the failure is not one it can undo).
func (p *planner) dropMismatched(err error, round int) (int, error) {
	var be *kbuild.BuildError
	if !errors.As(err, &be) || p.last == nil || p.last.round != round {
		return 0, nil
	}
	why := map[string]string{} // symbol -> the mismatch naming it
	for _, w := range be.Warnings {
		if w.ToSym != "" {
			sym, _, _ := strings.Cut(w.ToSym, ".")
			if _, ok := why[sym]; !ok {
				why[sym] = fmt.Sprintf("%s (%s) -> %s (%s)", w.FromSym, w.FromSec, w.ToSym, w.ToSec)
			}
		}
	}
	last := p.last
	n := 0
	for _, path := range last.order {
		for _, e := range last.edits[path] {
			if _, ok := why[e.edit.Symbol]; ok {
				n++
			}
		}
	}
	if n == 0 {
		return 0, nil
	}
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
			if m, ok := why[e.edit.Symbol]; ok {
				p.res.Skips = append(p.res.Skips, Skip{Module: e.edit.Module, Symbol: e.edit.Symbol, Kind: e.edit.Kind, Size: e.edit.Size,
					Where: fmt.Sprintf("%s:%d", e.edit.File, e.edit.Line),
					Why:   "annotated, the build has a section mismatch: " + m + " (gcc had inlined it into resident code; annotated, it is called there): left as it is"})
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
