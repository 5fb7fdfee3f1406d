package suggest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/initsec/initsec/internal/dev/kernels"
)

func TestHeaderIndex(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "include", "linux"), 0o755)
	os.WriteFile(filepath.Join(dir, "include", "linux", "x.h"), []byte(`#ifndef X_H
#define X_H
extern int not_here(void);
static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}
static const char *const x_names[] = { "a" };
int global_decl;
#endif
`), 0o644)
	h, err := IndexHeaders(filepath.Join(dir, "include"), filepath.Join(dir, "missing"))
	if err != nil {
		t.Fatal(err)
	}
	if w, ok := h.Lookup("kzalloc"); !ok || w != filepath.Join(dir, "include/linux/x.h")+":4" {
		t.Errorf("kzalloc: %q %v", w, ok)
	}
	for _, n := range []string{"not_here", "global_decl", "kmalloc"} {
		if _, ok := h.Lookup(n); ok {
			t.Errorf("%s indexed", n)
		}
	}
	if _, ok := h.Lookup("x_names"); !ok {
		t.Errorf("x_names not indexed")
	}
	own, inl := Split([]Suggestion{{Symbol: "kzalloc"}, {Symbol: "mine"}}, h)
	if len(own) != 1 || own[0].Symbol != "mine" || len(inl) != 1 || inl[0].Symbol != "kzalloc" {
		t.Errorf("Split: %+v %+v", own, inl)
	}
}

// TestHeaderIndexKernel indexes the installed 6.1 headers.
func TestHeaderIndexKernel(t *testing.T) {
	tg := requireTarget(t, kernels.Find61)
	start := time.Now()
	h, err := IndexHeaders(KernelHeaderRoots(tg.KDIR, "x86")...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d headers, %d names, %v", h.Files, h.Len(), time.Since(start))
	for _, n := range []string{"kzalloc", "kmalloc_array", "list_add_tail", "slow_down_io", "find_next_bit", "platform_device_register_resndata"} {
		if w, ok := h.Lookup(n); !ok {
			t.Errorf("%s not indexed", n)
		} else {
			t.Logf("%s: %s", n, w)
		}
	}
}

// TestIndexHeadersFor: for the names asked, the same answers as
// IndexHeaders (the first definition in walk order, a mention in a
// comment or a declaration is no definition); other names unknown.
func TestIndexHeadersFor(t *testing.T) {
	dir := t.TempDir()
	inc := filepath.Join(dir, "include")
	for name, src := range map[string]string{
		"a/x.h": "/* kzalloc and x_table are mentioned here */\nextern int x_table[];\nstatic const int x_table[] = { 1 };\n",
		"a/y.h": "static inline int kzalloc(int n)\n{\n\treturn n;\n}\nstatic inline int other(void) { return 0; }\n",
		"b/z.h": "static inline int kzalloc(int n) { return n + 1; }\nint 2x_table;\n",
		"b/w.c": "static inline int not_a_header(void) { return 0; }\n",
	} {
		p := filepath.Join(inc, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	names := []string{"kzalloc", "x_table", "not_a_header", "absent"}
	h, err := IndexHeadersFor(names, inc, filepath.Join(dir, "missing"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"kzalloc": filepath.Join(inc, "a/y.h") + ":1", "x_table": filepath.Join(inc, "a/x.h") + ":3"}
	for _, n := range append(names, "other") {
		w, ok := h.Lookup(n)
		if ww, wok := want[n]; w != ww || ok != wok {
			t.Errorf("%s: %q %v, want %q %v", n, w, ok, ww, wok)
		}
	}
	if h.Files != 3 || h.Len() != 2 {
		t.Errorf("%d files, %d names; want 3, 2", h.Files, h.Len())
	}
}

// TestNameSetOccursIn: identifiers as clex reads them, digits before an
// identifier being tokens of their own; by Wu-Manber's search and, with a
// name of less than 3 bytes (Q, found nowhere), one identifier at a time.
func TestNameSetOccursIn(t *testing.T) {
	wm, idents := newNameSet([]string{"foo", "a$b"}), newNameSet([]string{"foo", "a$b", "Q"})
	if wm.shift == nil || idents.shift != nil {
		t.Fatalf("search not chosen as expected: %v %v", wm.shift == nil, idents.shift != nil)
	}
	for src, want := range map[string]bool{
		"foo":          true,
		"(foo)":        true,
		"12foo":        true,
		"x = 0x1foo;":  false, // the identifier is "x1foo"
		"foobar":       false,
		"_foo":         false,
		"foo$":         false,
		"fo o":         false,
		"a$b":          true,
		"/* a$b */":    true,
		"f\\\noo":      false,
		"\xc3\xa9foo":  false,
		"\"foo\" 1foo": true,
		"xx foo":       true,
		"fo":           false,
		"":             false,
	} {
		for _, s := range []*nameSet{wm, idents} {
			if got := s.occursIn([]byte(src)); got != want {
				t.Errorf("occursIn(%q) = %v, want %v (Wu-Manber: %v)", src, got, want, s.shift != nil)
			}
		}
	}
}

// TestIndexHeadersForKernel: on the installed 6.1 headers, IndexHeadersFor
// answers as IndexHeaders for every name the full index has (a sample)
// and for names it has not.
func TestIndexHeadersForKernel(t *testing.T) {
	tg := requireTarget(t, kernels.Find61)
	roots := KernelHeaderRoots(tg.KDIR, "x86")
	full, err := IndexHeaders(roots...)
	if err != nil {
		t.Fatal(err)
	}
	// Every tenth name, in order; of 3 bytes or more, so that the search
	// is Wu-Manber's, as on real suggestions (TestNameSetOccursIn covers
	// the other).
	var all []string
	for n := range full.defs {
		if len(n) >= 3 {
			all = append(all, n)
		}
	}
	slices.Sort(all)
	var names []string
	for i := 0; i < len(all); i += 10 {
		names = append(names, all[i])
	}
	names = append(names, "no_such_inline_anywhere", "sugg_init", "only_init")
	start := time.Now()
	h, err := IndexHeadersFor(names, roots...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d names: %v (%d headers)", len(names), time.Since(start), h.Files)
	if h.Files != full.Files {
		t.Errorf("%d headers read, IndexHeaders read %d", h.Files, full.Files)
	}
	for _, n := range names {
		w, ok := h.Lookup(n)
		fw, fok := full.Lookup(n)
		if w != fw || ok != fok {
			t.Errorf("%s: %q %v, IndexHeaders: %q %v", n, w, ok, fw, fok)
		}
	}
	if h.Len() != len(names)-3 {
		t.Errorf("%d names indexed, want %d", h.Len(), len(names)-3)
	}
}
