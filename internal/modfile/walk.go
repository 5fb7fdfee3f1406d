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
	var out []string
	var errs []error
	seen := make(map[string]bool)
	add := func(p string) {
		if !seen[p] {
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
		w := walker{errs: &errs, elsewhere: make(map[string]bool)}
		w.walk(arg, abs, fs.FileInfoToDirEntry(root), true)
		for _, c := range w.cands {
			if !w.elsewhere[c.abs] {
				add(c.path)
			}
		}
	}
	return out, errs
}

// walker walks one directory argument of Expand.
type walker struct {
	errs      *[]error
	cands     []cand
	elsewhere map[string]bool // absolute paths of parts listed in another directory
}

// cand is a module file found by the walk, as the argument names it and
// absolute.
type cand struct{ path, abs string }

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
	n := r.read(dir, abs, d, root)
	r.wg.Wait()
	w.take(n)
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
	files []cand
	parts []string
	err   error
	kids  []*dirNode
}

// read reads dir and, below it, every subdirectory walk follows; nil
// when walk does not follow dir.
func (r *readDirs) read(dir, abs string, d fs.DirEntry, root bool) *dirNode {
	if !d.IsDir() || (!root && strings.HasPrefix(d.Name(), ".")) {
		return nil // not followed: a symbolic link; skipped: a hidden directory
	}
	n := &dirNode{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		n.err = err
		return n
	}
	files, parts := dirModules(dir, abs, ents)
	for _, f := range files {
		n.files = append(n.files, cand{filepath.Join(dir, f), filepath.Join(abs, f)})
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
	for _, o := range n.parts {
		w.elsewhere[o] = true
	}
	for _, k := range n.kids {
		w.take(k)
	}
}

// dirModules returns the module files among ents, the entries of dir
// (absolute: abs), by the rules of Expand, sorted, and the parts its
// X.mod lists name in other directories (absolute, cleaned).
func dirModules(dir, abs string, ents []fs.DirEntry) (files, elsewhere []string) {
	names := make(map[string]bool, len(ents))
	for _, e := range ents {
		if e.Type().IsRegular() {
			names[e.Name()] = true
		}
	}
	// Objects that are parts of a module, from the X.mod lists. kbuild
	// writes absolute paths for external modules (M=) and paths relative
	// to the tree in-tree: a part is matched by its name, and an absolute
	// one in another directory is returned for Expand to skip there.
	parts := make(map[string]bool)
	for n := range names {
		mod, ok := strings.CutSuffix(n, ".mod")
		if !ok || !(names[mod+".ko"] || names[mod+".o"]) {
			continue
		}
		for _, obj := range modList(filepath.Join(dir, n)) {
			if filepath.IsAbs(obj) && filepath.Dir(filepath.Clean(obj)) != abs {
				elsewhere = append(elsewhere, filepath.Clean(obj))
				continue
			}
			if b := filepath.Base(obj); b != mod+".o" {
				parts[b] = true
			}
		}
	}
	for n := range names {
		if !IsModuleFile(n) || strings.HasPrefix(n, ".") || strings.HasSuffix(n, ".mod.o") || parts[n] {
			continue
		}
		if base, ok := strings.CutSuffix(n, ".o"); ok && names[base+".ko"] {
			continue
		}
		files = append(files, n)
	}
	slices.Sort(files)
	return files, elsewhere
}

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
