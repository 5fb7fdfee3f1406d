package apply

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/initsec/initsec/suggest"
)

// dirSrc is a file with directives: each edit Plan makes in it inserts a
// line, so a later round's work copy is longer than the original.
const dirSrc = `#include <linux/module.h>

//go:init-section init
static int dir_init(void) { return 0; }

static int first(void) { return 1; }

static int second(void) { return 2; }

static int third __read_mostly = 3;

#include "dir.initsec.h"
`

// TestLocateLineAfterRound: Edit.Line and Skip.Where are the original
// file's lines after an earlier round inserted directive lines above the
// definition (the work copy's lines are one more).
func TestLocateLineAfterRound(t *testing.T) {
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "dir.c"), []byte(dirSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &planner{res: &Result{}, work: work, orig: map[string][]byte{"dir.c": []byte(dirSrc)},
		handled: map[string]bool{}, added: map[string][]int{}}

	// Round 1: first, at line 6, gets a directive line above it.
	e, skip := p.locate("dir", suggest.Suggestion{Symbol: "first", Kind: "init", File: "dir.c"}, nil)
	if skip != nil {
		t.Fatalf("first: %+v", skip)
	}
	if e.edit.Line != 6 {
		t.Errorf("first: line %d, want 6", e.edit.Line)
	}
	if n, err := p.write("dir.c", []edit{e}); n != 1 || err != nil {
		t.Fatalf("write: %d, %v", n, err)
	}
	if got := p.added["dir.c"]; len(got) != 1 || got[0] != 6 {
		t.Errorf("added lines %v, want [6]", got)
	}

	// Round 2: second is at line 9 of the work copy, line 8 of the original.
	e, skip = p.locate("dir", suggest.Suggestion{Symbol: "second", Kind: "init", File: "dir.c"}, nil)
	if skip != nil {
		t.Fatalf("second: %+v", skip)
	}
	if e.edit.Line != 8 {
		t.Errorf("second: line %d, want 8 (the original's)", e.edit.Line)
	}
	// third is in .data..read_mostly: a Skip, where the original has it.
	_, skip = p.locate("dir", suggest.Suggestion{Symbol: "third", Kind: "initdata", File: "dir.c"}, nil)
	if skip == nil || skip.Where != "dir.c:10" {
		t.Errorf("third: skip %+v, want where dir.c:10", skip)
	}

	// Two directives in one write, the lower first: both shift what follows.
	if n, err := p.write("dir.c", []edit{e}); n != 1 || err != nil {
		t.Fatalf("write: %d, %v", n, err)
	}
	if got := p.added["dir.c"]; len(got) != 2 || got[0] != 6 || got[1] != 9 {
		t.Errorf("added lines %v, want [6 9]", got)
	}
	if l := p.origLine("dir.c", 12); l != 10 {
		t.Errorf("work line 12 -> %d, want 10", l)
	}
}

// TestAddLines: lines inserted by one write, in any order, move the lines
// inserted before and are numbered in the new copy.
func TestAddLines(t *testing.T) {
	src := []byte("a\nb\nc\nd\n")
	// Offsets 2 (line 2) and 6 (line 4), given high first as write sorts them.
	edits := []edit{{off: 6, text: "//x\n"}, {off: 2, text: "//y\n"}, {off: 4, text: " __init"}}
	got := addLines([]int{3}, src, edits)
	// The new copy is a, //y, b, c, //x, d: y at 2, the old inserted
	// line c at 4, x at 5; " __init" inserts no line.
	want := []int{2, 4, 5}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
