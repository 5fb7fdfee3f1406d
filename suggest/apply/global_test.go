package apply

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// globalsDiff is what Plan writes into testdata/globals: the globals of
// the linked module that only init code reaches, at their one definition
// among the module's objects (not_built.c, which no Makefile names, also
// defines glob_setup and does not count), and nothing in glob.h.
const globalsDiff = `diff a/glob_setup.c b/glob_setup.c
--- a/glob_setup.c
+++ b/glob_setup.c
@@ -6,7 +6,7 @@
 extern volatile int glob_sink;
 
 /* Called only from glob_init: becomes __init. */
-int glob_setup(int v)
+int __init glob_setup(int v)
 {
 	glob_sink = v * 3;
 	return glob_sink + 1;
@@ -13,7 +13,7 @@
 }
 
 /* Read only by glob_init: becomes __initconst. */
-const int glob_table[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };
+const int glob_table[8] __initconst = { 3, 1, 4, 1, 5, 9, 2, 6 };
 
 /* Exported: stays. */
 void glob_exported(int v)
`

// TestPlanGlobals plans testdata/globals on 6.1: two edits in
// glob_setup.c, a skip for the global a macro defines and one for the
// global with a definition in each #if branch.
func TestPlanGlobals(t *testing.T) {
	res, _ := planFixture(t, "globals")
	var d bytes.Buffer
	if err := res.Diff(&d); err != nil {
		t.Fatal(err)
	}
	if d.String() != globalsDiff {
		t.Errorf("diff:\n%s\nwant:\n%s", d.String(), globalsDiff)
	}
	var edits []string
	for _, e := range res.Edits {
		edits = append(edits, e.Symbol+" "+e.Text+" "+e.File)
	}
	slices.Sort(edits)
	if want := []string{"glob_setup __init glob_setup.c", "glob_table __initconst glob_setup.c"}; !slices.Equal(edits, want) {
		t.Errorf("edits %q, want %q", edits, want)
	}
	skips := map[string]Skip{}
	for _, s := range res.Skips {
		skips[s.Symbol] = s
	}
	if s := skips["glob_twice"]; s.Where != "glob_twice.c:8, glob_twice.c:13" || !strings.Contains(s.Why, "a global defined more than once") {
		t.Errorf("glob_twice: %+v", s)
	}
	if s := skips["glob_macro"]; s.Where != "" || !strings.HasPrefix(s.Why, "a global with no non-static definition") {
		t.Errorf("glob_macro: %+v", s)
	}
	if len(res.Skips) != 2 {
		t.Errorf("skips %+v, want glob_twice and glob_macro", res.Skips)
	}
	if res.Rounds != 2 {
		t.Errorf("%d rounds, want 2 (the second finds nothing new)", res.Rounds)
	}
	if _, ok := res.fileByPath("glob.h"); ok {
		t.Errorf("glob.h changed")
	}
}

func (r *Result) fileByPath(path string) (*File, bool) {
	for _, f := range r.Files {
		if filepath.ToSlash(f.Path) == path {
			return f, true
		}
	}
	return nil, false
}

// noinitDiff is what Plan writes into testdata/noinit: noinit_scale, in
// a file that includes <linux/init.h>, becomes __init; noinit_helper's
// edit is undone, since its file declares no __init and gcc rejects it.
const noinitDiff = `diff a/noinit_main.c b/noinit_main.c
--- a/noinit_main.c
+++ b/noinit_main.c
@@ -8,7 +8,7 @@
 int noinit_helper(int v);
 
 /* Only noinit_init reaches it, and this file includes <linux/init.h>: becomes __init. */
-static noinline int noinit_scale(int v)
+static noinline int __init noinit_scale(int v)
 {
 	noinit_sink = v * 11;
 	return noinit_sink;
`

// TestPlanUncompiled plans testdata/noinit on 6.1: the global helper's
// __init in a file that includes no header declaring __init stops that
// file from compiling; the edit is undone and listed with gcc's error,
// and the other file's edit stays.
func TestPlanUncompiled(t *testing.T) {
	res, _ := planFixture(t, "noinit")
	var d bytes.Buffer
	if err := res.Diff(&d); err != nil {
		t.Fatal(err)
	}
	if d.String() != noinitDiff {
		t.Errorf("diff:\n%s\nwant:\n%s", d.String(), noinitDiff)
	}
	var edits []string
	for _, e := range res.Edits {
		edits = append(edits, e.Symbol+" "+e.Text+" "+e.File)
	}
	if want := []string{"noinit_scale __init noinit_main.c"}; !slices.Equal(edits, want) {
		t.Errorf("edits %q, want %q", edits, want)
	}
	if len(res.Skips) != 1 {
		t.Fatalf("skips %+v, want noinit_helper's", res.Skips)
	}
	s := res.Skips[0]
	if s.Symbol != "noinit_helper" || s.Where != "noinit_helper.c:8" ||
		!strings.HasPrefix(s.Why, "annotated, gcc rejects the file: noinit_helper.c:8:") ||
		!strings.Contains(s.Why, "error: expected") || !strings.HasSuffix(s.Why, "(does it include <linux/init.h>?): left as it is") {
		t.Errorf("skip %+v", s)
	}
}
