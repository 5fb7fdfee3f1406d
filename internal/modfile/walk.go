package modfile

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
//     in subdirectories (xpadneo's xpadneo/*.o, lkrg's src/**.o) are
//     skipped too, when the walk of the same argument reaches them.
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
		// The walk is pre-order, but a list may name objects anywhere:
		// candidates are filtered once the whole argument is walked.
		type cand struct{ path, abs string }
		var cands []cand
		elsewhere := map[string]bool{} // absolute paths of parts listed in another directory
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, err)
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if p != arg && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				absP, files, parts, err := dirModules(p)
				if err != nil {
					errs = append(errs, err)
				}
				for _, f := range files {
					cands = append(cands, cand{filepath.Join(p, f), filepath.Join(absP, f)})
				}
				for _, o := range parts {
					elsewhere[o] = true
				}
			}
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
		for _, c := range cands {
			if !elsewhere[c.abs] {
				add(c.path)
			}
		}
	}
	return out, errs
}

// dirModules returns dir's absolute path, the module files directly in
// dir by the rules of Expand, sorted, and the parts its X.mod lists name
// in other directories (absolute, cleaned).
func dirModules(dir string) (abs string, files, elsewhere []string, err error) {
	abs, _ = filepath.Abs(dir)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return abs, nil, nil, err
	}
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
	return abs, files, elsewhere, nil
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
