package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"text/template"
)

// InitOptions says where Init sets up the Mage wiring.
type InitOptions struct {
	// Dir is the existing module repository (default ".").
	Dir string
	// ModulePath, InitsecVersion and InitsecReplace are as in Options; the
	// default module path is example.com/BASE, BASE being Dir's name.
	ModulePath, InitsecVersion, InitsecReplace string
}

// InitResult is what Init wrote and left.
type InitResult struct {
	Dir      string   // absolute
	Written  []string // files written, relative to Dir, sorted
	Existing []string // files that were there already and were left as they are
	// GoMod is the go.mod that governs Dir; NewModule says Init wrote it.
	GoMod, ModulePath string
	NewModule         bool
	Notes             []string
}

// initFiles are the files Init writes: template -> path in Dir.
var initFiles = map[string]string{
	"templates/common/magefile.go.tmpl": "magefiles/magefile.go",
	"templates/common/mage.go.tmpl":     "mage.go",
}

// Init sets up the Mage wiring in an existing kernel-module repository:
// a go.mod (none when Dir is inside an existing Go module), a magefile that
// imports github.com/initsec/initsec/magefiles/targets, and the zero-install
// mage.go. It touches no source: converting the macros is `initsec convert`.
// It never overwrites a file (an existing one is listed in Existing and
// left), and it writes all or nothing: every file goes to a temporary file
// first and is then linked into place without replacing anything; on any
// error the files and directories already placed are removed again.
func Init(opts InitOptions) (*InitResult, error) {
	if opts.Dir == "" {
		opts.Dir = "."
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	res := &InitResult{Dir: dir}
	files := map[string][]byte{}
	encl, err := enclosingModule(dir)
	if err != nil {
		return nil, err
	}
	if encl != nil {
		if opts.ModulePath != "" && opts.ModulePath != encl.Path {
			return nil, fmt.Errorf("%s is inside the Go module %s (%s), so no go.mod is written and -module-path %s does not apply", opts.Dir, encl.Path, encl.GoMod, opts.ModulePath)
		}
		res.GoMod, res.ModulePath = encl.GoMod, encl.Path
		if !encl.HasInitsec {
			res.Notes = append(res.Notes, fmt.Sprintf("the enclosing module %s does not require %s: run `go get %s` in %s", encl.Path, initsecPath, initsecPath, filepath.Dir(encl.GoMod)))
		}
	} else {
		mp := opts.ModulePath
		if mp == "" {
			mp = "example.com/" + filepath.Base(dir)
			res.Notes = append(res.Notes, fmt.Sprintf("the module path is %s; change it in go.mod (or pass -module-path) before publishing", mp))
		}
		gomod, notes, err := newGoMod(mp, opts.InitsecVersion, opts.InitsecReplace)
		if err != nil {
			return nil, err
		}
		files["go.mod"] = gomod
		res.GoMod, res.ModulePath, res.NewModule = filepath.Join(dir, "go.mod"), mp, true
		res.Notes = append(res.Notes, notes...)
	}
	for src, dst := range initFiles {
		text, err := templateFS.ReadFile(src)
		if err != nil {
			return nil, err
		}
		tm, err := template.New(filepath.Base(src)).Option("missingkey=error").Parse(string(text))
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := tm.Execute(&b, data{}); err != nil {
			return nil, fmt.Errorf("template %s: %w", src, err)
		}
		files[dst] = b.Bytes()
	}
	var paths []string
	for p := range files {
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p))); err == nil {
			res.Existing = append(res.Existing, p)
			continue
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	sort.Strings(res.Existing)
	if err := placeAll(dir, paths, files); err != nil {
		return nil, err
	}
	res.Written = paths
	if res.NewModule {
		res.Notes = append(res.Notes, "run `go mod tidy` once: it fetches the initsec targets and mage and writes go.sum")
	}
	return res, nil
}

// testHookPlace, when set by a test, runs before each file is placed; an
// error from it fails Init there.
var testHookPlace func(path string) error

// placeAll writes files[p] for each p in paths under dir without replacing
// anything, all or nothing.
func placeAll(dir string, paths []string, files map[string][]byte) (err error) {
	var placed []string
	var madeDirs []string
	defer func() {
		if err == nil {
			return
		}
		for _, p := range placed {
			os.Remove(p)
		}
		for i := len(madeDirs) - 1; i >= 0; i-- {
			os.Remove(madeDirs[i])
		}
	}()
	for _, p := range paths {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if top, err := mkdirAllTracked(filepath.Dir(full)); err != nil {
			return err
		} else if top != "" {
			madeDirs = append(madeDirs, top)
		}
		if testHookPlace != nil {
			if err := testHookPlace(p); err != nil {
				return err
			}
		}
		tmp, err := os.CreateTemp(filepath.Dir(full), "."+filepath.Base(full)+".initsec-init-")
		if err != nil {
			return err
		}
		_, werr := tmp.Write(files[p])
		cerr := tmp.Close()
		if werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Chmod(tmp.Name(), 0o644)
		}
		if werr == nil {
			// A hard link never replaces an existing file.
			werr = os.Link(tmp.Name(), full)
		}
		os.Remove(tmp.Name())
		if werr != nil {
			if errors.Is(werr, fs.ErrExist) {
				return fmt.Errorf("%s appeared while initsec init ran; nothing written", full)
			}
			return werr
		}
		placed = append(placed, full)
	}
	return nil
}
