package suggest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/initsec/initsec/internal/dev/kernels"
)

// useCache points the user cache at an empty directory for the test.
func useCache(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	return dir
}

// trustAll makes the runs of the test start an hour from now, so that
// the stamps of the files it writes are trusted (not racy).
func trustAll(t *testing.T) {
	t.Cleanup(func() { now = time.Now })
	now = func() time.Time { return time.Now().Add(time.Hour) }
}

// sameIndex fails unless got knows exactly what want knows, at the same
// places, from as many headers.
func sameIndex(t *testing.T, what string, got, want *HeaderIndex) {
	t.Helper()
	if got.Files != want.Files || len(got.defs) != len(want.defs) {
		t.Errorf("%s: %d headers, %d names; want %d, %d", what, got.Files, len(got.defs), want.Files, len(want.defs))
	}
	bad := 0
	for n, w := range want.defs {
		if g, ok := got.defs[n]; g != w || !ok {
			if bad++; bad <= 5 {
				t.Errorf("%s: %s at %v %v, want %v", what, n, g, ok, w)
			}
		}
	}
}

// indexBoth returns IndexHeadersCached(roots...), failing the test unless
// it equals IndexHeaders(roots...).
func indexBoth(t *testing.T, what string, roots []string) *HeaderIndex {
	t.Helper()
	got, err := IndexHeadersCached(roots...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	want, err := IndexHeaders(roots...)
	if err != nil {
		t.Fatal(err)
	}
	sameIndex(t, what, got, want)
	return got
}

// fileID is what changes when a file is written again: renamed over
// (inode) or rewritten (mtime).
type fileID struct {
	ino   uint64
	mtime time.Time
}

func idOf(t *testing.T, p string) fileID {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fileID{fi.Sys().(*syscall.Stat_t).Ino, fi.ModTime()}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestIndexHeadersCachedKernel: on the installed 6.1 headers, a cold
// and a warm run answer as IndexHeaders, and the warm run does not
// write the cache; IndexHeadersForCached answers as IndexHeaders for the
// names asked (a sample of the index, and names it has not).
func TestIndexHeadersCachedKernel(t *testing.T) {
	tg := requireTarget(t, kernels.Find61)
	useCache(t)
	roots := KernelHeaderRoots(tg.KDIR, "x86")
	full, err := IndexHeaders(roots...)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cold, err := IndexHeadersCached(roots...)
	if err != nil {
		t.Fatal(err)
	}
	coldTime := time.Since(start)
	sameIndex(t, "cold", cold, full)
	file := headerCacheFile(roots)
	id := idOf(t, file)
	start = time.Now()
	warm, err := IndexHeadersCached(roots...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d headers, %d names: cold %v, warm %v", warm.Files, warm.Len(), coldTime, time.Since(start))
	sameIndex(t, "warm", warm, full)
	if idOf(t, file) != id {
		t.Errorf("the warm run wrote the cache")
	}
	var all []string
	for n := range full.defs {
		all = append(all, n)
	}
	slices.Sort(all)
	var names []string
	for i := 0; i < len(all); i += 10 {
		names = append(names, all[i])
	}
	names = append(names, "no_such_inline_anywhere", "sugg_init")
	h, err := IndexHeadersForCached(names, roots...)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		w, ok := h.Lookup(n)
		fw, fok := full.Lookup(n)
		if w != fw || ok != fok {
			t.Errorf("%s: %q %v, IndexHeaders: %q %v", n, w, ok, fw, fok)
		}
	}
	if h.Len() != len(names)-2 || h.Files != full.Files {
		t.Errorf("%d names from %d headers, want %d from %d", h.Len(), h.Files, len(names)-2, full.Files)
	}
}

// TestHeaderCacheChanges: an unchanged header's stored definitions are
// used without reading it; a header whose size, mtime or only ctime
// changed is lexed again; a removed one is dropped, an added one (or
// directory) indexed; the cache is written when something changed and
// only then. Roots as filepath.WalkDir takes them: a trailing slash, a
// .h file, a missing one; symbolic links and other files skipped.
func TestHeaderCacheChanges(t *testing.T) {
	useCache(t)
	trustAll(t)
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc")
	writeFiles(t, dir, map[string]string{
		"inc/a.h":   "static inline int dup(void) { return 1; }\nstatic inline int only_a(void) { return 0; }\n",
		"inc/b/c.h": "static inline int dup(void) { return 2; }\nstatic const int in_c[] = { 1 };\n",
		"inc/d.h":   "/* in_d */\nstatic inline int in_d(void) { return 0; }\n",
		"inc/e.c":   "static inline int not_a_header(void) { return 0; }\n",
		"one.h":     "static inline int in_one(void) { return 0; }\n",
		"other/x.h": "static inline int behind_link(void) { return 0; }\n",
	})
	for old, new := range map[string]string{"other": "inc/link", "other/x.h": "inc/link.h"} {
		if err := os.Symlink(filepath.Join(dir, old), filepath.Join(dir, new)); err != nil {
			t.Fatal(err)
		}
	}
	roots := []string{inc + "/", filepath.Join(dir, "one.h"), filepath.Join(dir, "missing")}
	file := headerCacheFile(roots)
	wrote := func(what string, want bool, f func()) {
		t.Helper()
		id := idOf(t, file)
		f()
		if got := idOf(t, file) != id; got != want {
			t.Errorf("%s: cache written %v, want %v", what, got, want)
		}
	}
	h := indexBoth(t, "cold", roots)
	if w, _ := h.Lookup("dup"); w != inc+"/a.h:1" || h.Files != 4 {
		t.Errorf("dup at %q, %d headers", w, h.Files)
	}
	wrote("unchanged", false, func() { indexBoth(t, "unchanged", roots) })

	// Stored definitions are the answer for a header whose stamp is
	// the stored one: the file is not read.
	setStoredDefs(t, file, roots, "d.h", "stored_only")
	wrote("stored", false, func() {
		h, err := IndexHeadersCached(roots...)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := h.Lookup("stored_only"); !ok {
			t.Errorf("the stored definitions of d.h were not used")
		}
	})
	wrote("size", true, func() {
		writeFiles(t, dir, map[string]string{"inc/d.h": "static inline int in_d(void) { return 0; }\n"})
		indexBoth(t, "size", roots)
	})
	// Same size and mtime, new content: only the ctime tells.
	fi, err := os.Stat(filepath.Join(inc, "d.h"))
	if err != nil {
		t.Fatal(err)
	}
	wrote("ctime", true, func() {
		writeFiles(t, dir, map[string]string{"inc/d.h": "static inline int in_e(void) { return 0; }\n"})
		if err := os.Chtimes(filepath.Join(inc, "d.h"), fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
		if h := indexBoth(t, "ctime", roots); h.Len() == 0 {
			t.Fatal("nothing indexed")
		} else if _, ok := h.Lookup("in_e"); !ok {
			t.Errorf("d.h not lexed again")
		}
	})
	wrote("removed", true, func() {
		if err := os.Remove(filepath.Join(inc, "a.h")); err != nil {
			t.Fatal(err)
		}
		if w, _ := indexBoth(t, "removed", roots).Lookup("dup"); w != inc+"/b/c.h:1" {
			t.Errorf("dup at %q after a.h was removed", w)
		}
	})
	wrote("added", true, func() {
		writeFiles(t, dir, map[string]string{"inc/b/new/f.h": "static inline int in_f(void) { return 0; }\n"})
		if _, ok := indexBoth(t, "added", roots).Lookup("in_f"); !ok {
			t.Errorf("in_f not indexed")
		}
	})
	wrote("unchanged again", false, func() { indexBoth(t, "unchanged again", roots) })
}

// setStoredDefs replaces, in the cache file for roots, the stored
// definitions of the header name (in the first root) with one, name.
func setStoredDefs(t *testing.T, file string, roots []string, header, def string) {
	t.Helper()
	tree := loadHeaderCache(file, roots)
	if tree == nil {
		t.Fatal("no cache stored")
	}
	k := tree[0].kid(header, kindHeader)
	if k == nil {
		t.Fatalf("%s not stored", header)
	}
	k.defs = string(appendDefs(nil, []headerDef{{def, 1}}))
	if err := saveHeaderCache(file, roots, tree); err != nil {
		t.Fatal(err)
	}
}

// TestHeaderCacheStaleListing: a stored listing that names an entry the
// directory does not have (ghost.h), or one of another kind (b, a
// directory stored as a header), under the directory's own unchanged
// stamp, is read again: the answer is IndexHeaders', and the stored
// listing is corrected.
func TestHeaderCacheStaleListing(t *testing.T) {
	useCache(t)
	trustAll(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.h":   "static inline int in_a(void) { return 0; }\n",
		"b/c.h": "static inline int in_c(void) { return 0; }\n",
	})
	roots := []string{dir}
	indexBoth(t, "cold", roots)
	file := headerCacheFile(roots)
	for _, kind := range []string{"ghost.h", "b"} {
		tree := loadHeaderCache(file, roots)
		if tree == nil {
			t.Fatal("no cache stored")
		}
		ghost := &hnode{name: kind, kind: kindHeader, stamp: stamp{ino: 1}, defs: string(appendDefs(nil, []headerDef{{"ghost_def", 1}}))}
		kids := slices.DeleteFunc(tree[0].kids, func(k *hnode) bool { return k.name == kind })
		tree[0].kids = append(kids, ghost)
		slices.SortFunc(tree[0].kids, func(a, b *hnode) int { return strings.Compare(a.name, b.name) })
		if err := saveHeaderCache(file, roots, tree); err != nil {
			t.Fatal(err)
		}
		indexBoth(t, kind, roots)
		if tree = loadHeaderCache(file, roots); tree == nil || tree[0].kid(kind, kindHeader) != nil {
			t.Errorf("%s: the stored listing was not corrected", kind)
		}
	}
}

// TestHeaderCacheRebuilt: a corrupt, truncated, empty or unreadable
// cache file, or one of another format or build, is rebuilt: the answer
// is IndexHeaders', and the file is valid after. Each bad file but the
// unreadable one stores a definition no header has, which would be the
// answer if the file were used.
func TestHeaderCacheRebuilt(t *testing.T) {
	useCache(t)
	trustAll(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.h":   "static inline int in_a(void) { return 0; }\n",
		"b/c.h": "static inline int in_c(void) { return 0; }\n",
	})
	roots := []string{dir}
	indexBoth(t, "cold", roots)
	file := headerCacheFile(roots)
	setStoredDefs(t, file, roots, "a.h", "stored_only")
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if h, err := IndexHeadersCached(roots...); err != nil {
		t.Fatal(err)
	} else if _, ok := h.Lookup("stored_only"); !ok {
		t.Fatal("the stored definitions of a.h were not used")
	}
	// resealed is good with its body (after the build ID) put after
	// head, and a CRC that fits.
	resealed := func(head []byte) []byte {
		i := len(headerCacheMagic)
		n, w := binary.Uvarint(good[i:])
		b := append(head, good[i+w+int(n):len(good)-4]...)
		return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	}
	if !bytes.Equal(resealed(appendStr([]byte(headerCacheMagic), buildID())), good) {
		t.Fatal("resealed does not remake the file")
	}
	flipped := bytes.Replace(good, []byte("stored_only"), []byte("stOred_only"), 1)
	for what, b := range map[string][]byte{
		"corrupt":      flipped,
		"truncated":    good[:len(good)/2],
		"empty":        nil,
		"other format": resealed(appendStr([]byte("initsec header index 0\n"), buildID())),
		"other build":  resealed(appendStr([]byte(headerCacheMagic), "go:another build")),
	} {
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		indexBoth(t, what, roots)
		if loadHeaderCache(file, roots) == nil {
			t.Errorf("%s: not rebuilt", what)
		}
	}
	// Unreadable: a directory where the file should be (root reads
	// any file); it cannot be replaced either.
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(file, 0o755); err != nil {
		t.Fatal(err)
	}
	indexBoth(t, "unreadable", roots)
}

// TestHeaderCacheUnwritable: when the cache directory cannot be made
// (the user cache is a file), the answers are the same: IndexHeaders'
// without a cache, and for names IndexHeadersFor's (by IndexHeadersFor,
// which lexes only the headers that mention one).
func TestHeaderCacheUnwritable(t *testing.T) {
	cache := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(cache, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", cache)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.h":   "static inline int dup(void) { return 0; }\n",
		"b/c.h": "static inline int dup(void) { return 1; }\nstatic inline int in_c(void) { return 0; }\n",
	})
	roots := []string{dir}
	indexBoth(t, "unwritable", roots)
	if _, ok, _ := headerTrees(roots, true, 1); ok {
		t.Errorf("every header lexed for names with no cache to keep them")
	}
	names := []string{"dup", "in_c", "absent"}
	got, err := IndexHeadersForCached(names, roots...)
	if err != nil {
		t.Fatal(err)
	}
	want, err := IndexHeadersFor(names, roots...)
	if err != nil {
		t.Fatal(err)
	}
	sameIndex(t, "names", got, want)
	if got.Len() != 2 {
		t.Errorf("%d names, want 2", got.Len())
	}
}

// TestHeaderCacheRacy: a header written less than racyWindow before the
// run is stored as unknown and lexed again next run, so that a change
// in the same clock tick is seen; that lexing alone does not rewrite the
// cache.
func TestHeaderCacheRacy(t *testing.T) {
	useCache(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.h": "static inline int in_a(void) { return 0; }\n"})
	roots := []string{dir}
	indexBoth(t, "cold", roots)
	file := headerCacheFile(roots)
	tree := loadHeaderCache(file, roots)
	if tree == nil {
		t.Fatal("no cache stored")
	}
	if k := tree[0].kid("a.h", kindHeader); k == nil || k.stamp != (stamp{}) {
		t.Fatalf("a.h stored as %+v, want an unknown stamp", k)
	}
	id := idOf(t, file)
	indexBoth(t, "again", roots)
	if idOf(t, file) != id {
		t.Errorf("the cache was written though nothing changed")
	}
	writeFiles(t, dir, map[string]string{"a.h": "static inline int in_b(void) { return 0; }\n"})
	if _, ok := indexBoth(t, "changed", roots).Lookup("in_b"); !ok {
		t.Errorf("a.h not lexed again")
	}
}

// TestHeaderCacheConcurrent: runs that start together on an empty cache
// all answer as IndexHeaders, and leave a valid file.
func TestHeaderCacheConcurrent(t *testing.T) {
	useCache(t)
	trustAll(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.h":   "static inline int in_a(void) { return 0; }\n",
		"b/c.h": "static inline int in_c(void) { return 0; }\n",
	})
	roots := []string{dir}
	want, err := IndexHeaders(roots...)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			got, err := IndexHeadersCached(roots...)
			if err != nil {
				t.Error(err)
				return
			}
			sameIndex(t, "concurrent", got, want)
		})
	}
	wg.Wait()
	if loadHeaderCache(headerCacheFile(roots), roots) == nil {
		t.Errorf("no valid cache left")
	}
}

// FuzzHeaderCacheDecode: the decoder of the cache file's trees (and of
// a header's definitions) never panics, and what it reads whole encodes
// to bytes that read back to the same tree.
func FuzzHeaderCacheDecode(f *testing.F) {
	f.Add(string(appendNode(nil, &hnode{kind: kindDir, stamp: stamp{1, 2, 3, 4, -5}, kids: []*hnode{
		{name: "a.h", kind: kindHeader, defs: string(appendDefs(nil, []headerDef{{"kzalloc", 4}}))},
		{name: "b", kind: kindDir},
	}})))
	f.Add("\x02\x00\x00\x00\x00\x00\xff\xff\xff\xff\x0f")
	f.Fuzz(func(t *testing.T, s string) {
		d := &hdecoder{s: s}
		n := d.node("")
		var defs func(n *hnode)
		defs = func(n *hnode) {
			for r := readDefs(n.defs); r.next(); {
			}
			for _, k := range n.kids {
				defs(k)
			}
		}
		defs(n)
		if d.err != nil || d.i != len(s) {
			return
		}
		b := appendNode(nil, n)
		d = &hdecoder{s: string(b)}
		if n2 := d.node(""); d.err != nil || d.i != len(b) || string(appendNode(nil, n2)) != string(b) {
			t.Errorf("%q encodes as %q, which does not read back (%v)", s, b, d.err)
		}
	})
}

// TestHeaderPrefetch: PrefetchHeaders starts nothing without a stored
// cache; with one, IndexFor answers as IndexHeadersForCached, sees a
// header changed after the cache was written, and, for other roots,
// looks at their cache itself.
func TestHeaderPrefetch(t *testing.T) {
	useCache(t)
	trustAll(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a/x.h": "static inline int in_x(void) { return 0; }\n",
		"b/y.h": "static inline int in_y(void) { return 0; }\n",
	})
	a, b := []string{filepath.Join(dir, "a")}, []string{filepath.Join(dir, "b")}
	if p := PrefetchHeaders(a...); p != nil {
		p.Wait()
		t.Fatal("PrefetchHeaders started with no cache stored")
	}
	if _, err := IndexHeadersCached(a...); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"a/x.h": "static inline int in_z(void) { return 0; }\n"})
	p := PrefetchHeaders(a...)
	if p == nil {
		t.Fatal("PrefetchHeaders started nothing with a cache stored")
	}
	names := []string{"in_x", "in_y", "in_z"}
	for _, tc := range []struct {
		roots []string
		found string
	}{{a, "in_z"}, {a, "in_z"}, {b, "in_y"}} {
		got, err := p.IndexFor(names, tc.roots...)
		if err != nil {
			t.Fatal(err)
		}
		want, err := IndexHeadersForCached(names, tc.roots...)
		if err != nil {
			t.Fatal(err)
		}
		sameIndex(t, tc.roots[0], got, want)
		if _, ok := got.Lookup(tc.found); !ok || got.Len() != 1 {
			t.Errorf("%s: %d names, %s not among them", tc.roots[0], got.Len(), tc.found)
		}
	}
	p.Wait()
	var none *HeaderPrefetch
	if h, err := none.IndexFor(names, b...); err != nil || h.Len() != 1 {
		t.Errorf("nil IndexFor: %v names, %v", h.Len(), err)
	}
	none.Wait()
}
