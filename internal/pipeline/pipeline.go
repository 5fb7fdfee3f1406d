// Package pipeline is initsec's one orchestration: it runs the stages in
// order — generate (module → gen), build (kbuild), verify (sectionrt), boot
// (boottest) — over module directories, for the CLI and both Mage files,
// which stay thin over it. A run goes on past a failing module directory,
// prints each error once, and returns a Summary whose ExitCode (CLI) or
// Err (Mage) is the same status: 0 clean, 1 findings, 2 errors.
package pipeline

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

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
func (r *Result) Failing() int { return sectionrt.Failing(r.Findings) }

// BuildAndVerify generates the files of the modules in dir (and of the
// directories its obj-m += sub/ lines name, which kbuild builds with it),
// builds them
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
	// kbuild compiles the directories obj-m += sub/ names in this same
	// build: their trailers must exist first.
	for _, sub := range d.SubdirPaths() {
		_, changes, err := gen.GenerateDir(sub)
		if err != nil {
			return nil, fmt.Errorf("generate %s (obj-m += %s/ in %s): %w", sub, filepath.Base(sub), dir, err)
		}
		for _, c := range changes {
			fmt.Fprintf(log, "initsec: %s %s\n", c.Action, filepath.Join(sub, c.Path))
		}
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
