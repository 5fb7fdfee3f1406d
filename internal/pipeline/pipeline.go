// Package pipeline runs initsec's stages in order for the CLI and the Mage
// targets: generate (module → gen), build (kbuild), verify (sectionrt).
// Data flows one way; each step returns errors wrapped with its stage and
// leaves the choice of exit code to the caller.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/initsec/initsec/annotate"
	"github.com/initsec/initsec/gen"
	"github.com/initsec/initsec/internal/findings"
	"github.com/initsec/initsec/internal/verify"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/module"
	"github.com/initsec/initsec/sectionrt"
)

// ModuleDirs expands paths (default ".") to module directories: a path that
// is a module directory is kept, any other is searched below.
func ModuleDirs(paths []string) ([]string, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var dirs []string
	for _, a := range paths {
		if module.IsModuleDir(a) {
			dirs = append(dirs, a)
			continue
		}
		found, err := module.FindModules(a)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no module directory (a Kbuild or Makefile with obj-m) at or below it", a)
		}
		dirs = append(dirs, found...)
	}
	return dirs, nil
}

// Result is what building and verifying one kbuild directory produced.
type Result struct {
	Dir      string
	Module   *module.Module // the first module the directory builds
	Modules  *module.Dir    // every module it builds, and how they were found
	Objects  []string       // built .ko files
	Findings []sectionrt.Finding
}

// Failing counts the findings that are not notes.
func (r *Result) Failing() int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity != sectionrt.Note {
			n++
		}
	}
	return n
}

// BuildAndVerify generates the files of the modules in dir, builds them
// with kbuild and checks every built object against its module's manifest
// (an object kbuild built in a subdirectory, obj-m += sub/, against that
// directory's). Progress goes to log.
func BuildAndVerify(ctx context.Context, dir string, opts kbuild.Options, log io.Writer) (*Result, error) {
	d, changes, err := gen.GenerateDir(dir)
	if err != nil {
		return nil, fmt.Errorf("generate %s: %w", dir, err)
	}
	for _, c := range changes {
		fmt.Fprintf(log, "initsec: %s %s\n", c.Action, filepath.Join(dir, c.Path))
	}
	if opts.Stdout == nil {
		opts.Stdout = log
	}
	if opts.Stderr == nil {
		opts.Stderr = log
	}
	res, err := kbuild.Build(ctx, d.Path, opts)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", dir, err)
	}
	out := &Result{Dir: dir, Module: d.Modules[0], Modules: d, Objects: res.Modules}
	if len(res.Modules) == 0 {
		return nil, fmt.Errorf("build %s: kbuild reported no module in modules.order", dir)
	}
	for _, ko := range res.Modules {
		var r findings.Result
		if m := d.Module(strings.TrimSuffix(filepath.Base(ko), ".ko")); m != nil && filepath.Dir(ko) == d.Path {
			mm := module.Manifest(m)
			r = verify.Files([]string{ko}, verify.Options{Manifest: &mm, Jobs: 1})[0]
		} else {
			r = verify.Files([]string{ko}, verify.Options{Jobs: 1})[0]
		}
		if r.Err != nil {
			return nil, fmt.Errorf("verify %s: %w", dir, r.Err)
		}
		out.Findings = append(out.Findings, r.Findings...)
	}
	return out, nil
}

// CheckObject checks one built module as `initsec verify -manifest` does
// (internal/verify): placement against the manifest, and section
// mismatches by the modpost rules of the module's own release (its
// vermagic). The build already ran the kernel's modpost; this names the
// real symbols, and still reports when mismatches were made non-fatal.
func CheckObject(ko string, m sectionrt.Manifest) ([]sectionrt.Finding, error) {
	r := verify.Files([]string{ko}, verify.Options{Manifest: &m, Jobs: 1})[0]
	return r.Findings, r.Err
}

// Generate writes the generated files of each kbuild directory, reporting
// what changed to log. A directory that fails is reported in the error
// (once) and the others are still generated.
func Generate(dirs []string, log io.Writer) error {
	var errs []error
	for _, d := range dirs {
		_, changes, err := gen.GenerateDir(d)
		if err != nil {
			errs = append(errs, stageError("generate", d, err))
			continue
		}
		for _, c := range changes {
			fmt.Fprintf(log, "initsec: %s %s\n", c.Action, filepath.Join(d, c.Path))
		}
	}
	return errors.Join(errs...)
}

// BuildAll runs BuildAndVerify on each directory, printing findings to log,
// and returns how many are not notes.
// A directory that fails is reported in the error (once) and the others
// are still built.
func BuildAll(ctx context.Context, dirs []string, opts kbuild.Options, log io.Writer) (int, error) {
	failing := 0
	var errs []error
	for _, d := range dirs {
		res, err := BuildAndVerify(ctx, d, opts, log)
		if err != nil {
			var el annotate.ErrorList
			if errors.As(err, &el) {
				err = stageError("generate", d, el)
			}
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
			continue
		}
		for _, f := range res.Findings {
			fmt.Fprintln(log, f.String())
		}
		failing += res.Failing()
		fmt.Fprintf(log, "initsec: %s: %s verified, %d finding(s)\n", d, strings.Join(res.Objects, " "), res.Failing())
	}
	return failing, errors.Join(errs...)
}

// ErrNotBuilt is wrapped by VerifyAll's error when a module's .ko does not
// exist, so that callers can name the command that builds it.
var ErrNotBuilt = errors.New("module not built")

// VerifyAll checks the built module of each directory (see CheckObject),
// printing findings to log, and returns how many are not notes.
// A directory or module that fails is reported in the error (once) and the
// others are still checked.
func VerifyAll(dirs []string, log io.Writer) (int, error) {
	failing := 0
	var errs []error
	for _, d := range dirs {
		md, err := module.LoadDir(d)
		if err != nil {
			errs = append(errs, stageError("verify", d, err))
			continue
		}
		for _, m := range md.Modules {
			ko := filepath.Join(d, m.Name+".ko")
			if _, err := os.Stat(ko); errors.Is(err, os.ErrNotExist) {
				errs = append(errs, fmt.Errorf("verify %s: %s: %w", d, ko, ErrNotBuilt))
				continue
			} else if err != nil {
				errs = append(errs, fmt.Errorf("verify %s: %w", d, err))
				continue
			}
			fs, err := CheckObject(ko, module.Manifest(m))
			if err != nil {
				errs = append(errs, fmt.Errorf("verify %s: %w", d, err))
				continue
			}
			for _, f := range fs {
				fmt.Fprintln(log, f.String())
				if f.Severity != sectionrt.Note {
					failing++
				}
			}
		}
	}
	return failing, errors.Join(errs...)
}

// stageError wraps err with the stage and module directory. Annotation
// errors carry positions relative to the module directory; they are made
// relative to the working directory (dir/file:line:col), one per line, so
// that editors and CI can open them.
func stageError(stage, dir string, err error) error {
	var el annotate.ErrorList
	if !errors.As(err, &el) {
		return fmt.Errorf("%s %s: %w", stage, dir, err)
	}
	rel := make(annotate.ErrorList, len(el))
	for i, e := range el {
		c := *e
		if c.Pos.File != "" && !filepath.IsAbs(c.Pos.File) {
			c.Pos.File = filepath.Join(dir, c.Pos.File)
		}
		rel[i] = &c
	}
	return fmt.Errorf("%s %s:\n%w", stage, dir, rel)
}
