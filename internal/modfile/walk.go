package modfile

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Expand turns command-line arguments into the module files to check, each
// once, in argument order; a directory gives its own files in lexical order,
// then those of its subdirectories.
//
// A file argument is taken as it is, whatever its name. A directory is
// walked recursively, without following symbolic links (an installed
// tree's build/ and source/ links lead to the kernel headers) and skipping
// hidden directories, for files ending in .ko, .ko.xz, .ko.zst, .ko.gz and
// .o, with kbuild's intermediates left out so a module is reported once:
//
//   - X.mod.o (modpost's generated module info) is never a module, and
//     neither is a hidden file such as .module-common.o (6.12's kbuild
//     compiles the common module info there, once for all modules);
//   - X.o is skipped when X.ko is beside it: X.o is the .ko before modpost
//     linked X.mod.o into it;
//   - an object listed in a Y.mod file (kbuild's list of the objects
//     linked into module Y) is skipped when Y.ko or Y.o is beside the
//     Y.mod, unless it is Y.o itself (the single-source module with no .ko
//     yet). An external module's list holds absolute paths, so its parts
//     in subdirectories (dccp's ccids/*.o and ccids/lib/*.o built with
//     M=, lkrg's src/**.o) are skipped too, when the walk of the same
//     argument reaches them.
//
// So in a module's build directory the .ko is checked (or, before modpost,
// the linked X.o), and in an installed modules tree, which holds no .o, the
// .ko* files. Errors are for arguments that do not exist or directories
// that cannot be read; the other arguments are still expanded.
func Expand(args []string) ([]string, []error) {
	files, _, errs := ExpandListing(args)
	return files, errs
}

// Listing says, of each directory in which Expand found module files,
// whether its entries include one named Kbuild or Makefile (the names
// module.Scan looks for, of any type), keyed by the directory as
// filepath.Dir of those files gives it. verify looks for the kbuild file
// of each directory it checks objects in; in an installed tree there is
// none, and the walk has already listed every one of them.
type Listing map[string]bool

// NoKbuild reports whether Expand listed dir and found no entry named
// Kbuild or Makefile there; false for a directory it did not list.
func (l Listing) NoKbuild(dir string) bool {
	has, ok := l[dir]
	return ok && !has
}

// ExpandListing is Expand, also returning the Listing of the directories
// whose module files it returns.
func ExpandListing(args []string) ([]string, Listing, []error) {
	var out []string
	listing := Listing{}
	var errs []error
	// Only several arguments can name a file twice: a walk gives each of
	// its files once.
	var seen map[string]bool
	if len(args) > 1 {
		seen = make(map[string]bool)
	}
	add := func(p string) {
		if seen == nil {
			out = append(out, p)
		} else if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, arg := range args {
		fi, err := os.Stat(arg)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !fi.IsDir() {
			add(arg)
			continue
		}
		root, err := os.Lstat(arg)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		abs, err := filepath.Abs(arg)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		// The walk is pre-order, but a list may name objects anywhere:
		// candidates are filtered once the whole argument is walked.
		w := walker{errs: &errs, elsewhere: make(map[string]bool), listing: listing}
		w.walk(arg, abs, fs.FileInfoToDirEntry(root), true)
		switch {
		case len(w.elsewhere) > 0:
			w.kept(w.root, add)
		case out == nil && seen == nil:
			out = w.cands // the one argument, nothing to filter: no copy
		default:
			for _, c := range w.cands {
				add(c)
			}
		}
	}
	return out, listing, errs
}

// walker walks one directory argument of Expand.
type walker struct {
	errs      *[]error
	cands     []string        // the module files found, as the argument names them
	elsewhere map[string]bool // absolute paths of parts listed in another directory
	root      *dirNode
	listing   Listing // filled for the directories with module files
}

// walk is filepath.WalkDir over dir (absolute: abs) for Expand, with each
// directory read once, for both its modules and its subdirectories (an
// installed tree has a thousand directories; walking them, each read
// twice, took a fifth of verify's time). A directory that cannot be read
// is reported twice, as it was when dirModules and WalkDir each read it.
// root: dir is the argument, walked even when hidden.
//
// Directories are read on as many goroutines as GOMAXPROCS (readDirs),
// and what each gives is taken in the order of a walk on one: the walk
// is the part of verify that ran before any object was checked, a tenth
// to a sixth of its time on an installed tree, spent in system calls.
func (w *walker) walk(dir, abs string, d fs.DirEntry, root bool) {
	var r readDirs
	r.slots = make(chan struct{}, runtime.GOMAXPROCS(0)-1)
	w.root = r.read(dir, abs, d, root)
	r.wg.Wait()
	w.cands = make([]string, 0, w.root.count())
	w.take(w.root)
}

// readDirs reads a tree's directories: a subdirectory is read on a new
// goroutine when one of slots is free, else on the reader's own.
type readDirs struct {
	slots chan struct{}
	wg    sync.WaitGroup
}

// dirNode is what a directory of the walk gives: its module files and
// the parts its lists name elsewhere, or the error reading it, and its
// subdirectories in the order they are walked.
type dirNode struct {
	abs    string
	kbuild bool     // an entry is named Kbuild or Makefile
	files  []string // as the argument names them
	parts  []string
	err    error
	kids   []*dirNode
}

// read reads dir and, below it, every subdirectory walk follows; nil
// when walk does not follow dir.
func (r *readDirs) read(dir, abs string, d fs.DirEntry, root bool) *dirNode {
	if !d.IsDir() || (!root && strings.HasPrefix(d.Name(), ".")) {
		return nil // not followed: a symbolic link; skipped: a hidden directory
	}
	n := &dirNode{abs: abs}
	ents, err := os.ReadDir(dir)
	if err != nil {
		n.err = err
		return n
	}
	files, parts := dirModules(dir, abs, ents)
	n.kbuild = named(ents, "Kbuild") || named(ents, "Makefile")
	if len(files) > 0 {
		n.files = make([]string, len(files))
		for i, f := range files {
			n.files[i] = filepath.Join(dir, f)
		}
	}
	n.parts = parts
	dirs := 0
	for _, e := range ents {
		if e.IsDir() {
			dirs++
		}
	}
	// Made whole before any goroutine fills its slot.
	kids, next := make([]*dirNode, dirs), 0
	n.kids = kids
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		i := next
		next++
		sub, subAbs := filepath.Join(dir, e.Name()), filepath.Join(abs, e.Name())
		select {
		case r.slots <- struct{}{}:
			r.wg.Go(func() {
				kids[i] = r.read(sub, subAbs, e, false)
				<-r.slots
			})
		default:
			kids[i] = r.read(sub, subAbs, e, false)
		}
	}
	return n
}

// count is the number of module files in n and below it.
func (n *dirNode) count() int {
	if n == nil {
		return 0
	}
	c := len(n.files)
	for _, k := range n.kids {
		c += k.count()
	}
	return c
}

// take adds what n and the directories below it give, in walk order.
func (w *walker) take(n *dirNode) {
	if n == nil {
		return
	}
	if n.err != nil {
		*w.errs = append(*w.errs, n.err, n.err)
		return
	}
	w.cands = append(w.cands, n.files...)
	if len(n.files) > 0 {
		w.listing[filepath.Dir(n.files[0])] = n.kbuild
	}
	for _, o := range n.parts {
		w.elsewhere[o] = true
	}
	for _, k := range n.kids {
		w.take(k)
	}
}

// kept calls add, in walk order, with each module file of n and below it
// that no list names elsewhere.
func (w *walker) kept(n *dirNode, add func(string)) {
	if n == nil || n.err != nil {
		return
	}
	for _, f := range n.files {
		if !w.elsewhere[filepath.Join(n.abs, filepath.Base(f))] {
			add(f)
		}
	}
	for _, k := range n.kids {
		w.kept(k, add)
	}
}

// dirModules returns the module files among ents, the entries of dir
// (absolute: abs) as os.ReadDir returns them (sorted by name), by the
// rules of Expand, sorted, and the parts its X.mod lists name in other
// directories (absolute, cleaned).
func dirModules(dir, abs string, ents []fs.DirEntry) (files, elsewhere []string) {
	// A regular file named name among ents; looked up, not put in a map:
	// most directories of a tree have no list and few modules.
	regular := func(name string) bool {
		e := entry(ents, name)
		return e != nil && e.Type().IsRegular()
	}
	// Objects that are parts of a module, from the X.mod lists. kbuild
	// writes absolute paths for external modules (M=) and paths relative
	// to the tree in-tree: a part is matched by its name, and an absolute
	// one in another directory is returned for Expand to skip there.
	var parts map[string]bool
	for _, e := range ents {
		mod, ok := strings.CutSuffix(e.Name(), ".mod")
		if !ok || !e.Type().IsRegular() || !(regular(mod+".ko") || regular(mod+".o")) {
			continue
		}
		for _, obj := range modList(filepath.Join(dir, e.Name())) {
			if filepath.IsAbs(obj) && filepath.Dir(filepath.Clean(obj)) != abs {
				elsewhere = append(elsewhere, filepath.Clean(obj))
				continue
			}
			if b := filepath.Base(obj); b != mod+".o" {
				if parts == nil {
					parts = make(map[string]bool)
				}
				parts[b] = true
			}
		}
	}
	for _, e := range ents {
		n := e.Name()
		if !e.Type().IsRegular() || !IsModuleFile(n) || strings.HasPrefix(n, ".") || strings.HasSuffix(n, ".mod.o") || parts[n] {
			continue
		}
		if base, ok := strings.CutSuffix(n, ".o"); ok && regular(base+".ko") {
			continue
		}
		files = append(files, n)
	}
	return files, elsewhere
}

// entry is the entry of ents (sorted by name, as os.ReadDir returns
// them) named name, or nil.
func entry(ents []fs.DirEntry, name string) fs.DirEntry {
	i, ok := slices.BinarySearchFunc(ents, name, func(e fs.DirEntry, name string) int {
		return strings.Compare(e.Name(), name)
	})
	if !ok {
		return nil
	}
	return ents[i]
}

// named reports whether an entry of ents is named name.
func named(ents []fs.DirEntry, name string) bool { return entry(ents, name) != nil }

// modList reads kbuild's X.mod: the object files of module X, separated by
// blanks or newlines, relative to the build directory. A file that cannot
// be read lists nothing.
func modList(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Split(bufio.ScanWords)
	for sc.Scan() && len(out) < 10000 {
		out = append(out, sc.Text())
	}
	return out
}
