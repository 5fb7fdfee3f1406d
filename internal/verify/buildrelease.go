package verify

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/sectionrt"
)

// errNoBuildRelease is wrapped by buildRelease's error when nothing in the
// object's build says which kernel it was built against.
var errNoBuildRelease = errors.New("nothing in its build says which kernel it was built against")

// buildRelease returns the kernel release (or upstream version) an object
// without a vermagic, such as a module's .o before modpost, was built
// against, from its own kbuild output directory, and where that was read:
//
//  1. .NAME.o.cmd, kbuild's record of the compile command: the absolute
//     -include and -I paths of the kernel tree (Debian's -common tree, or
//     a full source tree); its include/generated/utsrelease.h gives the
//     release, else its top Makefile the version;
//  2. NAME.ko beside it, linked by the same build: its vermagic.
//
// The headers installed on this machine are never consulted: a 6.1
// object checked by 6.12's rules would lose its export findings.
func buildRelease(path string) (release, from string, err error) {
	dir, base := filepath.Split(path)
	base = modfile.Trim(base) // hello.o.xz → hello
	cmd := filepath.Join(dir, "."+base+".o.cmd")
	switch rel, err := cmdRelease(cmd); {
	case err == nil:
		return rel, cmd, nil
	case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, errNoBuildRelease):
		return "", "", err
	}
	ko := filepath.Join(dir, base+".ko")
	if o, err := sectionrt.Open(ko); err == nil {
		rel := o.KernelRelease()
		o.Close()
		if rel != "" {
			return rel, ko + " (vermagic)", nil
		}
	}
	return "", "", fmt.Errorf("%w (no kernel tree in %s, no vermagic in %s)", errNoBuildRelease, cmd, ko)
}

// maxCmdLine bounds the compile command read from a .cmd file.
const maxCmdLine = 1 << 20

// cmdRelease reads the compile command of a kbuild .cmd file (its first
// line, "cmd_OBJ := ..." before 6.2, "savedcmd_OBJ := ..." after) and
// returns the release of the kernel tree its absolute include paths name.
func cmdRelease(cmdFile string) (string, error) {
	f, err := os.Open(cmdFile)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), maxCmdLine)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return "", fmt.Errorf("%s: %w", cmdFile, err)
		}
		return "", fmt.Errorf("%s: empty: %w", cmdFile, errNoBuildRelease)
	}
	line := sc.Text()
	name, cmd, ok := strings.Cut(line, ":=")
	if !ok || !(strings.HasPrefix(name, "cmd_") || strings.HasPrefix(name, "savedcmd_")) {
		return "", fmt.Errorf("%s:1: not a kbuild command record (want cmd_OBJ := or savedcmd_OBJ :=): %w", cmdFile, errNoBuildRelease)
	}
	for _, root := range treeRoots(strings.Fields(cmd)) {
		if rel, err := kbuild.Release(root); err == nil {
			return rel, nil
		}
		if v, err := kbuild.Version(root); err == nil {
			return v.String(), nil
		}
	}
	return "", fmt.Errorf("%s: no kernel tree among its absolute -I and -include paths: %w", cmdFile, errNoBuildRelease)
}

// treeRoots lists, in order and once each, the kernel trees that the
// compiler arguments' absolute include paths lie in: DIR for
// "-include DIR/include/linux/X.h", "-IDIR/include",
// "-IDIR/arch/ARCH/include" and their uapi forms.
func treeRoots(args []string) []string {
	var roots []string
	add := func(p string) {
		if !filepath.IsAbs(p) {
			return // relative to KDIR, the directory make ran in: unknown here
		}
		p = filepath.Clean(p)
		var root string
		if i := strings.LastIndex(p, "/include/linux/"); i > 0 {
			root = p[:i]
		} else {
			p = strings.TrimSuffix(p, "/uapi")
			r, ok := strings.CutSuffix(p, "/include")
			if !ok {
				return
			}
			if a := filepath.Dir(r); filepath.Base(a) == "arch" {
				r = filepath.Dir(a)
			}
			root = r
		}
		for _, have := range roots {
			if have == root {
				return
			}
		}
		roots = append(roots, root)
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-include" || a == "-I" || a == "-isystem":
			if i+1 < len(args) {
				add(args[i+1])
				i++
			}
		case strings.HasPrefix(a, "-I"):
			add(a[2:])
		}
	}
	return roots
}
