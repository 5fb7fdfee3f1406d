package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// GoVersion is the go directive of a new go.mod: the version this module
// itself requires, below which the initsec packages do not build.
const GoVersion = "1.26.0"

// goModule is an existing go.mod that encloses the target directory.
type goModule struct {
	GoMod      string // path of the go.mod
	Path       string // its module path
	HasInitsec bool   // it is initsec itself or requires (or replaces) it
}

// enclosingModule finds the go.mod at or above dir (which need not exist
// yet), the way the go command finds the main module, and reads it with
// modfile. It returns nil when there is none. A go.mod that does not parse
// is an error: writing a package into a broken module helps nobody.
func enclosingModule(dir string) (*goModule, error) {
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "go.mod")
		data, err := os.ReadFile(p)
		switch {
		case err == nil:
			f, err := modfile.ParseLax(p, data, nil)
			if err != nil {
				return nil, fmt.Errorf("the target is inside the Go module of %s, which does not parse: %w", p, err)
			}
			if f.Module == nil || f.Module.Mod.Path == "" {
				return nil, fmt.Errorf("the target is inside %s, which has no module line", p)
			}
			m := &goModule{GoMod: p, Path: f.Module.Mod.Path}
			if m.Path == initsecPath {
				m.HasInitsec = true
			}
			for _, r := range f.Require {
				if r.Mod.Path == initsecPath {
					m.HasInitsec = true
				}
			}
			return m, nil
		case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		default:
			return nil, err
		}
		if filepath.Dir(d) == d {
			return nil, nil
		}
	}
}

// newGoMod renders the go.mod of a new module repository: module path mp,
// GoVersion, a requirement on initsec (version, else the build's own, else
// none: `go mod tidy` then adds the latest), and a replace to a local
// checkout when replace is set. It returns notes for the user.
func newGoMod(mp, version, replace string) ([]byte, []string, error) {
	if err := module.CheckPath(mp); err != nil {
		return nil, nil, fmt.Errorf("invalid module path %q: %v (hint: a path such as example.com/you/%s)", mp, err, filepath.Base(mp))
	}
	var notes []string
	if version != "" {
		if err := module.Check(initsecPath, version); err != nil {
			return nil, nil, fmt.Errorf("invalid initsec version: %v (hint: a semantic version such as v0.1.0)", err)
		}
	} else {
		version = BuildVersion()
	}
	if replace != "" {
		abs, err := filepath.Abs(replace)
		if err != nil {
			return nil, nil, err
		}
		if _, err := os.Stat(filepath.Join(abs, "go.mod")); err != nil {
			return nil, nil, fmt.Errorf("initsec replace %s: not a Go module directory: %w", replace, err)
		}
		replace = abs
		if version == "" {
			version = "v0.0.0"
		}
		notes = append(notes, fmt.Sprintf("go.mod replaces %s with the local directory %s: remove the replace line to use a published version", initsecPath, replace))
	}
	if version == "" {
		notes = append(notes, fmt.Sprintf("this initsec build has no release version, so go.mod does not require %s yet; `go mod tidy` adds its latest version", initsecPath))
	}

	f := new(modfile.File)
	if err := f.AddModuleStmt(mp); err != nil {
		return nil, nil, err
	}
	if err := f.AddGoStmt(GoVersion); err != nil {
		return nil, nil, err
	}
	if version != "" {
		if err := f.AddRequire(initsecPath, version); err != nil {
			return nil, nil, err
		}
	}
	if replace != "" {
		if err := f.AddReplace(initsecPath, "", replace, ""); err != nil {
			return nil, nil, err
		}
	}
	f.Cleanup()
	out, err := f.Format()
	if err != nil {
		return nil, nil, err
	}
	// What the go command will read must parse back to the same module.
	if g, err := modfile.Parse("go.mod", out, nil); err != nil || g.Module.Mod.Path != mp {
		return nil, nil, fmt.Errorf("internal error: rendered go.mod does not parse back: %v\n%s", err, out)
	}
	return out, notes, nil
}

// BuildVersion is the version of github.com/initsec/initsec this program
// was built from, when it is one the go command can fetch: a release or
// pseudo-version (go install ...@v1.2.3, or a magefile in a module that
// requires initsec). A development build ("(devel)", "+dirty") or a replaced
// module gives "".
func BuildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	v := ""
	if bi.Main.Path == initsecPath {
		v = bi.Main.Version
	}
	for _, d := range bi.Deps {
		if d.Path == initsecPath {
			if d.Replace != nil {
				return ""
			}
			v = d.Version
		}
	}
	if !semver.IsValid(v) || strings.Contains(v, "+") || module.Check(initsecPath, v) != nil {
		return ""
	}
	return v
}
