package boottest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/initsec/initsec/internal/modfile"
)

// ModulesDep is a kernel's module tree as depmod describes it: its
// modules.dep (for each module of the tree, its file and every module it
// needs) and its modules.builtin (the modules built into the image).
//
// Names are normalised as the kernel and modprobe do: the file's base
// name without its .ko(.xz|.zst|.gz) suffix, with '-' read as '_'
// ("hwmon-vid" and "hwmon_vid" are one module).
type ModulesDep struct {
	// Dir is the tree's directory, /lib/modules/RELEASE; the paths of
	// modules.dep are relative to it.
	Dir string
	// File is where the entries were read (for messages).
	File    string
	mods    map[string]*depEntry
	builtin map[string]bool
}

// depEntry is one line of modules.dep, or a module under test.
type depEntry struct {
	name string
	path string   // absolute on the host
	deps []string // normalised names, each once, in the order given
	line int      // line in modules.dep; 0 for a module under test
}

// TreeModule is one module to load before a module under test.
type TreeModule struct {
	// Name is the module's normalised name, as in /sys/module.
	Name string `json:"name"`
	// Path is its file on the host (possibly compressed): in the kernel's
	// tree, or a module under test. Empty when Builtin.
	Path string `json:"path,omitempty"`
	// Builtin: the module is part of the kernel image (modules.builtin),
	// so there is nothing to load.
	Builtin bool `json:"builtin,omitempty"`
}

// ModName returns the kernel's name for the module file at p:
// "kernel/drivers/hwmon/hwmon-vid.ko.xz" → "hwmon_vid".
func ModName(p string) string {
	return strings.ReplaceAll(modfile.Trim(path.Base(filepath.ToSlash(p))), "-", "_")
}

// normName normalises a module name as written in .modinfo depends=,
// modules.softdep or a configuration file.
func normName(n string) string { return strings.ReplaceAll(strings.TrimSpace(n), "-", "_") }

// LoadModulesDep reads dir/modules.dep and, when present, dir/modules.builtin.
// A missing modules.dep is an error naming the Debian package that installs
// it.
func LoadModulesDep(dir, release string) (*ModulesDep, error) {
	file := filepath.Join(dir, "modules.dep")
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		pkg := "the kernel's modules package"
		if release != "" {
			pkg = "linux-image-" + release
		}
		return nil, fmt.Errorf("modules.dep: %s does not exist: the module tree of the booted kernel is needed to load dependencies; install the Debian package %s (it installs %s with modules.dep), or run depmod", file, pkg, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("modules.dep: %w", err)
	}
	defer f.Close()
	d, err := ParseModulesDep(f, dir, file)
	if err != nil {
		return nil, err
	}
	if b, err := os.ReadFile(filepath.Join(dir, "modules.builtin")); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				d.builtin[ModName(l)] = true
			}
		}
	}
	return d, nil
}

// ParseModulesDep parses modules.dep text: one line per module,
// "kernel/lib/crc8.ko:" or "kernel/net/dccp/dccp_ipv4.ko: kernel/net/dccp/dccp.ko",
// paths relative to dir (or absolute). Blank lines and lines starting with
// '#' are skipped; a line without ':' is an error naming file:line. A module
// named twice keeps its first line (depmod writes one line per name, the
// one it chose by its search order); a dependency named twice on a line
// counts once.
func ParseModulesDep(r io.Reader, dir, file string) (*ModulesDep, error) {
	d := &ModulesDep{Dir: dir, File: file, mods: map[string]*depEntry{}, builtin: map[string]bool{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		mod, rest, ok := strings.Cut(line, ":")
		mod = strings.TrimSpace(mod)
		if !ok || mod == "" {
			return nil, fmt.Errorf("%s:%d: malformed line %q: want \"MODULE: DEPENDENCY...\"", file, n, line)
		}
		name := ModName(mod)
		if d.mods[name] != nil {
			continue
		}
		e := &depEntry{name: name, path: d.abs(mod), line: n}
		seen := map[string]bool{name: true}
		for _, dep := range strings.Fields(rest) {
			if dn := ModName(dep); !seen[dn] {
				seen[dn] = true
				e.deps = append(e.deps, dn)
			}
		}
		d.mods[name] = e
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return d, nil
}

func (d *ModulesDep) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.Dir, p)
}

// Has reports whether name is a module of the tree, loadable or built in.
func (d *ModulesDep) Has(name string) bool {
	n := normName(name)
	return d.mods[n] != nil || d.builtin[n]
}

// Resolver orders the modules to load before a module under test. It
// looks names up first among the modules under test (so that one may
// depend on another, or replace the tree's module of the same name), then
// in the kernel's tree.
type Resolver struct {
	Tree   *ModulesDep // nil: no tree (only modules under test resolve)
	tested map[string]*depEntry
}

// AddTested makes the module under test at path, named name, with the
// direct dependencies deps (its .modinfo depends=), resolvable by name.
func (r *Resolver) AddTested(name, path string, deps []string) {
	if r.tested == nil {
		r.tested = map[string]*depEntry{}
	}
	e := &depEntry{name: normName(name), path: path}
	for _, dn := range deps {
		if dn = normName(dn); dn != "" && dn != e.name && !contains(e.deps, dn) {
			e.deps = append(e.deps, dn)
		}
	}
	r.tested[e.name] = e
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

func (r *Resolver) lookup(name string) (e *depEntry, builtin bool) {
	if e := r.tested[name]; e != nil {
		return e, false
	}
	if r.Tree == nil {
		return nil, false
	}
	if e := r.Tree.mods[name]; e != nil {
		return e, false
	}
	return nil, r.Tree.builtin[name]
}

// MissingError is a dependency found neither among the modules under test
// nor in the kernel's tree.
type MissingError struct {
	Name  string   // the missing module
	Chain []string // who needs it: the module under test first
	Where string   // where it was looked for
}

func (e *MissingError) Error() string {
	through := ""
	if len(e.Chain) > 1 {
		through = " (through " + strings.Join(append(e.Chain[1:len(e.Chain):len(e.Chain)], e.Name), " → ") + ")"
	}
	return fmt.Sprintf("%s needs module %s%s, found neither in %s: "+
		"is it a module of this kernel release (modinfo -F depends; modules.dep), or was the module built against other headers?",
		e.Chain[0], e.Name, through, e.Where)
}

// Order returns the modules to load before the module under test named
// self, which needs names (its .modinfo depends=, after any extra modules
// to load first): dependencies first, each once, in the order modprobe
// loads them (a depth-first walk of each module's modules.dep line, a
// module after everything it needs). self is never part of the result.
// Built-in modules are returned with Builtin set, and their place kept.
// A name found nowhere is a *MissingError; a cycle is an error naming it.
func (r *Resolver) Order(self string, names []string) ([]TreeModule, error) {
	self = normName(self)
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{self: visiting}
	stack := []string{self}
	var out []TreeModule
	var visit func(name string) error
	visit = func(name string) error {
		switch state[name] {
		case done:
			return nil
		case visiting:
			i := len(stack) - 1
			for i > 0 && stack[i] != name {
				i--
			}
			return fmt.Errorf("dependency cycle %s: the kernel cannot load modules that need each other", strings.Join(append(stack[i:len(stack):len(stack)], name), " → "))
		}
		e, builtin := r.lookup(name)
		if e == nil {
			state[name] = done
			if builtin {
				out = append(out, TreeModule{Name: name, Builtin: true})
				return nil
			}
			return &MissingError{Name: name, Chain: append([]string(nil), stack...), Where: r.where()}
		}
		state[name] = visiting
		stack = append(stack, name)
		for _, dep := range e.deps {
			if err := visit(dep); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[name] = done
		out = append(out, TreeModule{Name: name, Path: e.path})
		return nil
	}
	for _, n := range names {
		if n = normName(n); n == "" {
			continue
		}
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *Resolver) where() string {
	var w []string
	if r.Tree != nil {
		w = append(w, r.Tree.File, "nor in "+filepath.Join(r.Tree.Dir, "modules.builtin"))
	} else {
		w = append(w, "the kernel's module tree (none was read)")
	}
	if len(r.tested) > 0 {
		w = append(w, "nor among the modules under test")
	}
	return strings.Join(w, ", ")
}
