// Package srctree handles a kernel module's source tree on disk: copying it
// without what a build left in it, and writing changed files back all or
// nothing.
package srctree

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// outputSuffixes are the endings of the files kbuild writes into an
// external module's directory (scripts/Makefile.build, Makefile.modpost,
// Makefile.modfinal):
//
//   - .o objects (and the .mod.o of each module), .ko modules
//   - .mod (a module's object list) and .mod.c (modpost's generated source)
//   - .cmd, the saved command lines (.NAME.o.cmd, .NAME.ko.cmd, ...)
//   - .a archives (built-in.a, lib.a)
//   - .dwo, gcc's split debug info beside each .o (CONFIG_DEBUG_INFO_SPLIT)
//   - .s, from the single-target rules (make foo.s, cmd_cc_s_c and
//     cmd_as_s_S). kbuild has no rule that assembles a .s (it runs make
//     with -r, so make's built-in one is off: hand-written assembly is
//     .S), so a lower-case .s in a module directory is taken as output.
//   - .order and .symvers: modules.order and Module.symvers
var outputSuffixes = []string{".o", ".ko", ".mod", ".mod.c", ".cmd", ".a", ".dwo", ".s", ".order", ".symvers"}

// IsOutput reports whether a file or directory name is kbuild's output:
// see outputSuffixes, and the .tmp_ prefix of its temporaries (.tmp_*.o,
// and the .tmp_versions directory of kernels before 5.3).
func IsOutput(name string) bool {
	if strings.HasPrefix(name, ".tmp_") {
		return true
	}
	for _, suf := range outputSuffixes {
		if strings.HasSuffix(name, suf) {
			return true
		}
	}
	return false
}

// CopyOptions says what Copy keeps besides regular, non-hidden files.
type CopyOptions struct {
	// Hidden copies files and directories whose names start with a dot
	// (kbuild's own, such as .NAME.o.cmd, are still left out).
	Hidden bool
	// Symlinks copies symbolic links as links. Without it they are left
	// out, so that editing the copy cannot write through a link into
	// files outside it.
	Symlinks bool
	// Perm gives each copied file its source's permission bits; without
	// it, files are written 0644.
	Perm bool
}

// Copy copies the module directory src into dst without kbuild's output
// (IsOutput) and returns the contents of the regular files it copied by
// slash-separated path relative to src. Sockets, devices and pipes are not
// a module's sources and are not copied.
func Copy(src, dst string, opts CopyOptions) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if rel != "." && (IsOutput(d.Name()) || !opts.Hidden && strings.HasPrefix(d.Name(), ".")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			if !opts.Symlinks {
				return nil
			}
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, target)
		case d.Type().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			perm := fs.FileMode(0o644)
			if opts.Perm {
				info, err := d.Info()
				if err != nil {
					return err
				}
				perm = info.Mode().Perm()
			}
			files[filepath.ToSlash(rel)] = data
			return os.WriteFile(target, data, perm)
		}
		return nil
	})
	return files, err
}
