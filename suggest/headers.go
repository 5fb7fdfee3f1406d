package suggest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/initsec/initsec/internal/clex"
)

// HeaderIndex knows the functions and objects that header files define
// (static inline functions above all): the names of a kernel's include
// trees, or of a module's own headers. A suggestion of such a name is an
// out-of-line copy of a header definition (kzalloc.constprop.0, a
// header's list_add_tail the compiler did not inline): the module's
// sources cannot annotate it, so it is reported apart (Split).
//
// This needs no debug information: Debian's installed modules have none,
// and their sources are not installed, but the headers of the same release
// are (linux-headers-RELEASE). A module's own static function with the
// name of a header inline of its release cannot be in a file that includes
// that header (C forbids the redefinition), so a clash can only drop a
// suggestion, never add one.
type HeaderIndex struct {
	defs  map[string]string // name -> "path:line" of its first definition
	Files int               // headers read
}

// Lookup returns where a header defines name.
func (h *HeaderIndex) Lookup(name string) (string, bool) {
	if h == nil {
		return "", false
	}
	w, ok := h.defs[name]
	return w, ok
}

// Len is the number of names indexed.
func (h *HeaderIndex) Len() int { return len(h.defs) }

// IndexHeaders reads every .h file under roots (missing roots are skipped)
// and records each file-scope function definition (a body in a header:
// static inline) and each static object definition with where it is.
func IndexHeaders(roots ...string) (*HeaderIndex, error) {
	h := &HeaderIndex{defs: map[string]string{}}
	for _, root := range roots {
		if _, err := os.Stat(root); err != nil {
			continue
		}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(p, ".h") || !d.Type().IsRegular() {
				return nil
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Files++
			h.add(p, src)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("index headers: %w", err)
		}
	}
	return h, nil
}

func (h *HeaderIndex) add(path string, src []byte) {
	lx := clex.Lex(src)
	for _, d := range lx.Decls() {
		if d.Extern || d.Typedef || (!d.Func && !strings.Contains(string(src[d.Start:d.DeclaratorEnd]), "static")) {
			continue
		}
		if _, ok := h.defs[d.Name]; !ok {
			line, _ := lx.Pos(lx.Toks[d.NameTok].Off)
			h.defs[d.Name] = fmt.Sprintf("%s:%d", path, line)
		}
	}
}

// KernelHeaderRoots returns the include trees of a kernel build directory
// for arch ("x86", "arm64"): KDIR/include and KDIR/arch/ARCH/include, and
// the same in the source tree a Debian headers package points to (its
// Makefile is one line, "include /usr/src/linux-headers-R-common/Makefile").
func KernelHeaderRoots(kdir, arch string) []string {
	dirs := []string{kdir}
	if b, err := os.ReadFile(filepath.Join(kdir, "Makefile")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) == 2 && f[0] == "include" && filepath.Base(f[1]) == "Makefile" {
				dirs = append(dirs, filepath.Dir(f[1]))
			}
		}
	}
	var roots []string
	for _, d := range dirs {
		roots = append(roots, filepath.Join(d, "include"), filepath.Join(d, "arch", arch, "include"))
	}
	return roots
}

// HeaderInline is a suggestion whose name a header defines.
type HeaderInline struct {
	Suggestion
	// Header is where: "path:line".
	Header string `json:"header"`
}

// Split separates the suggestions whose names h defines (out-of-line
// copies of header definitions, which the module's sources cannot
// annotate) from the others.
func Split(sugg []Suggestion, h *HeaderIndex) (own []Suggestion, inlines []HeaderInline) {
	for _, s := range sugg {
		if w, ok := h.Lookup(s.Symbol); ok {
			inlines = append(inlines, HeaderInline{s, w})
			continue
		}
		own = append(own, s)
	}
	return own, inlines
}
