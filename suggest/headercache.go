package suggest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// IndexHeadersCached is IndexHeaders(roots...) kept between runs in the
// user cache (os.UserCacheDir()/initsec/header-index, one file per header
// tree and build of initsec: headerCacheFile). The file holds each
// header's definitions with the header's identity (device, inode, size,
// mtime, ctime), and each directory's listing with its own. A run stats
// the directories and headers (about 6,700 on a kernel's include trees;
// nothing is read), lists again only the directories and lexes again
// only the headers whose identity changed, in parallel, and rewrites the
// file (a temporary file renamed over it) only when something changed.
// Its answers and errors are IndexHeaders': the first definition in walk
// order; the first directory or header that cannot be read.
//
// The cache only saves time. A missing, corrupt, truncated or unreadable
// file, or one another build of initsec wrote, is rebuilt; when it cannot
// be written the answer is the same. A change is seen by its new
// identity; an identity less than racyWindow old is stored as unknown,
// since a change within the same tick of the file system's clock would
// keep it.
func IndexHeadersCached(roots ...string) (*HeaderIndex, error) {
	tree, _, err := headerTrees(roots, false, runtime.GOMAXPROCS(0))
	if err != nil {
		return nil, err
	}
	return treeIndex(roots, tree, nil), nil
}

// IndexHeadersForCached is IndexHeadersCached for names only, as
// IndexHeadersFor is IndexHeaders: Lookup answers for each of them as
// IndexHeaders(roots...) would, and knows no other name. When no cache
// can be kept (none is stored and none can be written), it is
// IndexHeadersFor, which lexes only the headers that mention a name.
func IndexHeadersForCached(names []string, roots ...string) (*HeaderIndex, error) {
	tree, ok, err := headerTrees(roots, true, runtime.GOMAXPROCS(0))
	return indexFor(names, roots, tree, ok, err)
}

// indexFor is IndexHeadersForCached once headerTrees(roots, true) has
// returned tree, ok and err.
func indexFor(names, roots []string, tree []*hnode, ok bool, err error) (*HeaderIndex, error) {
	if !ok {
		return IndexHeadersFor(names, roots...)
	}
	if err != nil {
		return nil, err
	}
	return treeIndex(roots, tree, newNameSet(names).names), nil
}

// A HeaderPrefetch is IndexHeadersForCached's look at a cache, the part
// that needs no names (stat every directory and header, lex the changed
// ones), started before the names are known: initsec suggest starts it
// for the kernel its objects most likely name while it walks its
// arguments, when a core is idle, and asks for the names at the end.
type HeaderPrefetch struct {
	roots []string
	done  chan struct{}
	tree  []*hnode
	ok    bool
	err   error
}

// PrefetchHeaders starts IndexHeadersForCached's look at the cache of
// roots in the background, when one is stored; otherwise it returns nil
// and starts nothing: without a cache the look lexes every header (about
// half a second of CPU on a kernel's), which a run that finds nothing to
// name would pay for nothing. The look runs on all cores but one: the
// caller walks its arguments meanwhile, and a second look worker only
// slowed that walk (on 2 cores, suggest's walk of Debian 6.1's tree took
// 19-31 ms beside it against 16-21 ms alone).
func PrefetchHeaders(roots ...string) *HeaderPrefetch {
	file := headerCacheFile(roots)
	if file == "" {
		return nil
	}
	if _, err := os.Stat(file); err != nil {
		return nil
	}
	p := &HeaderPrefetch{roots: slices.Clone(roots), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.tree, p.ok, p.err = headerTrees(p.roots, true, max(1, runtime.GOMAXPROCS(0)-1))
	}()
	return p
}

// IndexFor is IndexHeadersForCached(names, roots...), from p's look when
// roots are p's (waiting for it to end), else a look of its own, as for
// a nil p.
func (p *HeaderPrefetch) IndexFor(names []string, roots ...string) (*HeaderIndex, error) {
	if p == nil || !slices.Equal(roots, p.roots) {
		return IndexHeadersForCached(names, roots...)
	}
	<-p.done
	return indexFor(names, roots, p.tree, p.ok, p.err)
}

// Wait returns when p's look has ended, its cache file written: a run
// that did not need it waits before it exits. A nil p returns at once.
func (p *HeaderPrefetch) Wait() {
	if p != nil {
		<-p.done
	}
}

// treeIndex indexes the definitions in the trees under roots whose names
// want holds (nil: all).
func treeIndex(roots []string, tree []*hnode, want map[string]bool) *HeaderIndex {
	size := len(want)
	if want == nil {
		size = 1 << 15 // a kernel's include trees define 21,000 names
	}
	h := &HeaderIndex{defs: make(map[string]defAt, size)}
	for i, n := range tree {
		h.addTree(n, roots[i], want)
	}
	return h
}

// racyWindow: a directory or header whose mtime or ctime is within this
// of the run's start is stored as unknown, and looked at again next run.
// File systems stamp with a coarse clock (a jiffy on Linux: current_time
// in fs/inode.c), and NFS with the server's; a second covers both.
const racyWindow = time.Second

// now is the time a run starts; tests move it to trust what they wrote.
var now = time.Now

// headerTrees returns the trees under roots as they are now, from the
// cache brought up to date, and saves it if anything changed. With
// quick, when no cache can be kept (none is stored and none can be
// written), it does nothing and returns ok false. workers goroutines
// stat and lex.
func headerTrees(roots []string, quick bool, workers int) (tree []*hnode, ok bool, err error) {
	file := headerCacheFile(roots)
	if file != "" {
		tree = loadHeaderCache(file, roots)
	}
	loaded := tree != nil
	if !loaded {
		if quick && (file == "" || !writable(filepath.Dir(file))) {
			return nil, false, nil
		}
		tree = make([]*hnode, len(roots))
		for i := range tree {
			tree[i] = &hnode{}
		}
	}
	w := newHwalk(false, workers)
	w.walk(roots, tree)
	if w.stale.Load() {
		// A stored listing was out of date under a directory stamp that
		// was not: list every directory again.
		w = newHwalk(true, workers)
		w.walk(roots, tree)
	}
	for _, n := range tree {
		if err := n.firstError(); err != nil {
			return nil, true, fmt.Errorf("index headers: %w", err)
		}
	}
	if file != "" && (!loaded || w.changed.Load()) {
		// Best effort: a cache that cannot be written costs the next
		// run time, not its answer.
		_ = saveHeaderCache(file, roots, tree)
	}
	return tree, true, nil
}

// hnode is a directory or a header under a root, or a root that is
// neither (kindNone: missing, a symbolic link, another file), as the
// cache stores it; a walk brings it up to date in place.
type hnode struct {
	name  string // in its directory; "" for a root
	kind  hkind
	stamp stamp    // zero: unknown
	kids  []*hnode // a directory's subdirectories and .h files, by name
	defs  string   // a header's definitions, encoded (appendDefs)
	err   error    // the walk's: it could not be listed, stated or read
}

type hkind uint8

const (
	kindNone hkind = iota
	kindDir
	kindHeader
)

// stamp is a file's identity: what changes when it is written, replaced,
// renamed over or restored with an old mtime (ctime, inode).
type stamp struct {
	dev, ino, size uint64
	mtime, ctime   int64 // ns
}

// hwalk is one walk over the trees: its workers take tasks
// (list a directory, stat its entries, lex a header) from a queue that
// the tasks add to.
type hwalk struct {
	since   int64       // ns: stamps from then on are not trusted
	relist  bool        // list every directory, stored listings or not
	workers int         // goroutines running the tasks
	changed atomic.Bool // something differs from what was stored
	stale   atomic.Bool // a stored listing is out of date
	bufs    sync.Pool   // *[]byte for reading headers

	mu      sync.Mutex
	more    sync.Cond // a task was queued, or none is left
	tasks   []func()
	pending int // tasks queued or running
}

func newHwalk(relist bool, workers int) *hwalk {
	w := &hwalk{since: now().Add(-racyWindow).UnixNano(), relist: relist, workers: workers}
	w.more.L = &w.mu
	return w
}

// walk brings the trees under roots up to date.
func (w *hwalk) walk(roots []string, tree []*hnode) {
	for i, root := range roots {
		w.root(tree[i], root)
	}
	var wg sync.WaitGroup
	for range w.workers {
		wg.Go(w.work)
	}
	wg.Wait()
}

// spawn queues f. A queue, not a goroutine each: a cold run lexes 6,000
// headers, and the collector would scan the stack of each goroutine
// waiting its turn.
func (w *hwalk) spawn(f func()) {
	w.mu.Lock()
	w.tasks = append(w.tasks, f)
	w.pending++
	w.mu.Unlock()
	w.more.Signal()
}

// work runs the queued tasks until none is queued or running.
func (w *hwalk) work() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		for len(w.tasks) == 0 && w.pending > 0 {
			w.more.Wait()
		}
		if w.pending == 0 {
			w.more.Broadcast()
			return
		}
		f := w.tasks[len(w.tasks)-1]
		w.tasks = w.tasks[:len(w.tasks)-1]
		w.mu.Unlock()
		f()
		w.mu.Lock()
		w.pending--
	}
}

// root brings n up to date with the root at path, taken as walkHeaders
// takes it: skipped when it does not exist, walked when it is a
// directory (not through a symbolic link), indexed when it is a regular
// .h file.
func (w *hwalk) root(n *hnode, path string) {
	n.err = nil
	kind, st := kindNone, stamp{}
	if _, err := os.Stat(path); err == nil {
		st, kind, n.err = lstatStamp(path)
		if kind == kindHeader && !strings.HasSuffix(path, ".h") {
			kind = kindNone
		}
	}
	if kind != n.kind {
		w.changed.Store(true)
		*n = hnode{kind: kind, err: n.err}
	}
	switch kind {
	case kindDir:
		w.spawn(func() { w.dir(n, newDirPath(path), st) })
	case kindHeader:
		w.header(n, dirPath{}, path, st)
	}
}

// dir brings n, the directory at p, up to date: its stored listing when
// its stamp is the one stored, else the directory's. Its entries are
// stated in chunks, tasks of their own for a large directory.
func (w *hwalk) dir(n *hnode, p dirPath, st stamp) {
	const chunk = 256
	n.err = nil
	listed := w.relist || st != n.stamp
	if listed {
		if n.err = w.list(n, p); n.err != nil {
			n.kids = nil
			return
		}
	}
	w.restamp(n, st)
	for lo := 0; lo < len(n.kids); lo += chunk {
		kids := n.kids[lo:min(lo+chunk, len(n.kids))]
		if lo+chunk >= len(n.kids) {
			w.entries(kids, p, listed)
			break
		}
		w.spawn(func() { w.entries(kids, p, listed) })
	}
}

// list reads the directory at p into n.kids, in name order as
// filepath.WalkDir visits them: its subdirectories and regular .h files,
// each the stored entry of that name and kind if there is one.
func (w *hwalk) list(n *hnode, p dirPath) error {
	ents, err := os.ReadDir(p.path)
	if err != nil {
		return err
	}
	kids := make([]*hnode, 0, len(n.kids))
	for _, e := range ents {
		kind := kindNone
		switch {
		case e.IsDir():
			kind = kindDir
		case e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".h"):
			kind = kindHeader
		default:
			continue
		}
		k := n.kid(e.Name(), kind)
		if k == nil {
			k = &hnode{name: e.Name(), kind: kind}
		}
		kids = append(kids, k)
	}
	if !slices.Equal(kids, n.kids) {
		w.changed.Store(true)
	}
	n.kids = kids
	return nil
}

// kid returns the entry name of kind in a directory, or nil.
func (n *hnode) kid(name string, kind hkind) *hnode {
	i, ok := slices.BinarySearchFunc(n.kids, name, func(k *hnode, name string) int { return strings.Compare(k.name, name) })
	if !ok || n.kids[i].kind != kind {
		return nil
	}
	return n.kids[i]
}

// entries stats kids, entries of the directory at p, and brings each up
// to date. An entry that is not what a stored listing (listed false)
// says makes the walk stale; in a listing just read, it is the entry's
// error (it changed since).
func (w *hwalk) entries(kids []*hnode, p dirPath, listed bool) {
	stats := statEntries(p.path, kids)
	for i, k := range kids {
		s := stats[i]
		if s.err == nil && s.kind != k.kind {
			s.err = fmt.Errorf("%s: changed while indexed", p.join(k.name))
		}
		if s.err != nil {
			if !listed {
				w.stale.Store(true)
				return
			}
			k.err = s.err
			continue
		}
		k.err = nil
		if k.kind == kindDir {
			kp := p.join(k.name)
			w.spawn(func() { w.dir(k, newDirPath(kp), s.stamp) })
			continue
		}
		w.header(k, p, "", s.stamp)
	}
}

// entryStat is what a stat of a directory entry says.
type entryStat struct {
	stamp stamp
	kind  hkind
	err   error
}

// header brings n, the header in dir at path ("": made from dir and
// n.name), up to date: its stored definitions when its stamp is the one
// stored, else the file's, lexed on a goroutine of its own.
func (w *hwalk) header(n *hnode, dir dirPath, path string, st stamp) {
	if st == n.stamp {
		return
	}
	w.spawn(func() {
		if path == "" {
			path = dir.join(n.name)
		}
		bp, _ := w.bufs.Get().(*[]byte)
		if bp == nil {
			bp = new([]byte)
		}
		defer w.bufs.Put(bp)
		src, err := readInto(*bp, path)
		*bp = src
		if err != nil {
			n.err = err
			return
		}
		defs := string(appendDefs(nil, definitions(src, func(string) bool { return true })))
		if defs != n.defs {
			n.defs = defs
			w.changed.Store(true)
		}
		w.restamp(n, st)
	})
}

// restamp stores st as n's stamp, or the zero stamp (unknown) when st is
// too recent to tell a later change in the same clock tick from none.
func (w *hwalk) restamp(n *hnode, st stamp) {
	if st.mtime >= w.since || st.ctime >= w.since {
		st = stamp{}
	}
	if st != n.stamp {
		n.stamp = st
		w.changed.Store(true)
	}
}

// firstError returns the first error in walk order under n.
func (n *hnode) firstError() error {
	if n.err != nil {
		return n.err
	}
	for _, k := range n.kids {
		if err := k.firstError(); err != nil {
			return err
		}
	}
	return nil
}

// addTree adds the definitions under n, the root at path, in walk order
// (a directory's entries by name, each subdirectory's at its place), of
// the names want holds (nil: all).
func (h *HeaderIndex) addTree(n *hnode, path string, want map[string]bool) {
	switch n.kind {
	case kindHeader:
		h.addHeader(n, dirPath{}, path, want)
	case kindDir:
		h.addDir(n, newDirPath(path), want)
	}
}

func (h *HeaderIndex) addDir(n *hnode, p dirPath, want map[string]bool) {
	for _, k := range n.kids {
		if k.kind == kindDir {
			h.addDir(k, newDirPath(p.join(k.name)), want)
		} else {
			h.addHeader(k, p, "", want)
		}
	}
}

// addHeader adds the definitions of n, the header in dir, at path ("":
// made from dir and n.name when a definition is taken).
func (h *HeaderIndex) addHeader(n *hnode, dir dirPath, path string, want map[string]bool) {
	h.Files++
	for d := readDefs(n.defs); d.next(); {
		if want != nil && !want[d.name] {
			continue
		}
		if _, ok := h.defs[d.name]; !ok {
			if path == "" {
				path = dir.join(n.name)
			}
			h.defs[d.name] = defAt{path, d.line}
		}
	}
}

// dirPath is a directory's path as filepath.WalkDir names it, and
// whether joining a name to it is a concatenation: when it is clean, as
// all but a root are.
type dirPath struct {
	path string
	fast bool
}

func newDirPath(p string) dirPath {
	return dirPath{p, p != "." && p != "/" && filepath.Clean(p) == p}
}

// join is filepath.Join(p.path, name), as filepath.WalkDir names an
// entry.
func (p dirPath) join(name string) string {
	if p.fast {
		return p.path + "/" + name
	}
	return filepath.Join(p.path, name)
}
