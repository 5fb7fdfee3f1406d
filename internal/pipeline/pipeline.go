// Package pipeline is initsec's one orchestration: it runs the stages in
// order — generate (module → gen), build (kbuild), verify (sectionrt), boot
// (boottest) — over module directories, for the CLI and both Mage files,
// which stay thin over it. A run goes on past a failing module directory,
// prints each error once, and returns a Summary whose ExitCode (CLI) or
// Err (Mage) is the same status: 0 clean, 1 findings, 2 errors.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/initsec/initsec/gen"
	"github.com/initsec/initsec/internal/findings"
	"github.com/initsec/initsec/internal/verify"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/modpost"
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
	Objects  []string       // built .ko files; the .o files when ModpostFailed
	Findings []sectionrt.Finding
	// ModpostFailed: kbuild's modpost stopped the build on section
	// mismatches (they are fatal unless MismatchWarnOnly), so no .ko was
	// linked, and Objects are the modules' .o files modpost read.
	ModpostFailed bool
	// MismatchWarnOnly: section mismatches do not count as failing.
	MismatchWarnOnly bool
}

// Failing counts the findings that are not notes, less the section
// mismatches when MismatchWarnOnly.
func (r *Result) Failing() int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == sectionrt.Note || (r.MismatchWarnOnly && strings.HasPrefix(f.Rule, "mismatch/")) {
			continue
		}
		n++
	}
	return n
}

// BuildAndVerify generates the files of the modules in dir (and of the
// directories its obj-m += sub/ lines name, which kbuild builds with it),
// builds them
// with kbuild and checks every built object against its module's manifest
// (an object kbuild built in a subdirectory, obj-m += sub/, against that
// directory's). Progress goes to log.
func BuildAndVerify(ctx context.Context, dir string, opts kbuild.Options, log io.Writer) (*Result, error) {
	return buildAndVerify(ctx, dir, kbuild.Build, opts, log)
}

// buildFunc builds the module in a directory: kbuild.Build on the host, or
// a target's environment (buildenv.Env.Build).
type buildFunc func(ctx context.Context, dir string, opts kbuild.Options) (*kbuild.Result, error)

func buildAndVerify(ctx context.Context, dir string, build buildFunc, opts kbuild.Options, log io.Writer) (*Result, error) {
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
	out := &Result{Dir: dir, Module: d.Modules[0], Modules: d, MismatchWarnOnly: opts.MismatchWarnOnly}
	res, err := build(ctx, d.Path, opts)
	var be *kbuild.BuildError
	switch {
	case err == nil:
		out.Objects = res.Modules
	case !opts.MismatchWarnOnly && errors.As(err, &be) && modpostMismatchFailure(be):
		// modpost -E stopped the build before the .ko files were linked:
		// check the .o files it read, so that its findings are reported
		// (and fail the run) like those of a build that went through.
		kos, oerr := kbuild.ModulesOrder(d.Path)
		if oerr != nil || len(kos) == 0 {
			return nil, fmt.Errorf("build %s: %w", dir, err)
		}
		for _, ko := range kos {
			out.Objects = append(out.Objects, strings.TrimSuffix(ko, ".ko")+".o")
		}
		out.ModpostFailed = true
		fmt.Fprintf(log, "initsec: %s: modpost stopped the build on section mismatches (fatal without -mismatch-warn-only); checking the .o files it read\n", dir)
	default:
		return nil, fmt.Errorf("build %s: %w", dir, err)
	}
	if len(out.Objects) == 0 {
		return nil, fmt.Errorf("build %s: kbuild reported no module in modules.order", dir)
	}
	for _, obj := range out.Objects {
		var r findings.Result
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(obj), ".ko"), ".o")
		if m := d.Module(name); m != nil && filepath.Dir(obj) == d.Path {
			mm := module.Manifest(m)
			r = verify.Files([]string{obj}, verify.Options{Manifest: &mm, Jobs: 1})[0]
		} else {
			r = verify.Files([]string{obj}, verify.Options{Jobs: 1})[0]
		}
		if r.Err != nil {
			return nil, fmt.Errorf("verify %s: %w", dir, r.Err)
		}
		out.Findings = append(out.Findings, r.Findings...)
	}
	return out, nil
}

// modpostMismatchFailure reports whether make failed because modpost, run
// with -E, found section mismatches: its closing error and at least one
// mismatch message.
func modpostMismatchFailure(be *kbuild.BuildError) bool {
	if !strings.Contains(be.Output, "Section mismatches detected") {
		return false
	}
	for _, w := range be.Warnings {
		if w.Kind != modpost.KindOther {
			return true
		}
	}
	return false
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
