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
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/module"
	"github.com/initsec/initsec/sectionrt"
)

// Exit statuses CI can branch on; the CLI exits with them and Mage targets
// fail with them.
const (
	ExitOK       = 0 // clean
	ExitFindings = 1 // findings, or stale generated files with -check
	ExitError    = 2 // usage, I/O, annotation or build errors
)

// Output says where a run over module directories reports, and which
// commands its hints name. The CLI sends results to stdout and the rest to
// stderr; Mage sends both to stdout.
type Output struct {
	Results io.Writer // findings, and the generated files written or stale
	Log     io.Writer // progress, kbuild's output, errors
	// Generate and Build are the commands that regenerate and build
	// ("initsec generate", "mage initsec:build"), named in hints.
	Generate, Build string
}

// Summary is what a run over module directories found. Errors were already
// printed to the Log, one module directory each; the run went on past them.
type Summary struct {
	Dirs    int     // module directories handled
	Failing int     // findings that are not notes; stale files with -check
	Errs    []error // one per module directory that failed
}

// ExitCode is the status a command exits with for s.
func (s Summary) ExitCode() int {
	switch {
	case len(s.Errs) > 0:
		return ExitError
	case s.Failing > 0:
		return ExitFindings
	}
	return ExitOK
}

// ExitStatusError is what Err returns: the status and a one-line summary (the
// details are on the Log).
type ExitStatusError struct {
	Status int
	Msg    string
}

func (e *ExitStatusError) Error() string { return e.Msg }

// ExitStatus lets mage exit with the status (mg's exitStatus interface).
func (e *ExitStatusError) ExitStatus() int { return e.Status }

// Err is s as an error for Mage targets: nil when clean; otherwise an
// *ExitStatusError with ExitCode's status.
func (s Summary) Err(what string) error {
	switch s.ExitCode() {
	case ExitError:
		return &ExitStatusError{ExitError, fmt.Sprintf("initsec %s: %d of %d module director%s failed (errors above)", what, len(s.Errs), s.Dirs, plural(s.Dirs, "y", "ies"))}
	case ExitFindings:
		return &ExitStatusError{ExitFindings, fmt.Sprintf("initsec %s: %d finding(s)", what, s.Failing)}
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (s *Summary) fail(out Output, dir string, err error) {
	s.Errs = append(s.Errs, err)
	PrintError(out.Log, dir, err)
}

// PrintError prints err for the module directory dir to w: annotation
// errors one per line at dir/file:line:col, so that editors and CI can open
// them; any other error as one "initsec: " line.
func PrintError(w io.Writer, dir string, err error) {
	var el annotate.ErrorList
	if errors.As(err, &el) {
		for _, e := range el {
			c := *e
			if dir != "" && dir != "." && c.Pos.File != "" && !filepath.IsAbs(c.Pos.File) {
				c.Pos.File = filepath.Join(dir, c.Pos.File)
			}
			fmt.Fprintln(w, c.Error())
		}
		return
	}
	fmt.Fprintf(w, "initsec: %v\n", err)
}

// Generate writes the generated files of each module directory (with check,
// writes nothing and counts the files a rerun would change as failing),
// listing them on out.Results.
func Generate(dirs []string, check bool, out Output) Summary {
	var s Summary
	for _, dir := range dirs {
		s.Dirs++
		var changes []gen.Change
		var err error
		if check {
			_, changes, err = gen.CheckDir(dir)
		} else {
			_, changes, err = gen.GenerateDir(dir)
		}
		if err != nil {
			s.fail(out, dir, err)
			continue
		}
		for _, c := range changes {
			p := filepath.Join(dir, filepath.FromSlash(c.Path))
			if check {
				fmt.Fprintf(out.Results, "stale: %s (would %s)\n", p, c.Action)
			} else {
				fmt.Fprintf(out.Results, "%s: %s\n", c.Action, p)
			}
		}
		if check {
			s.Failing += len(changes)
		}
	}
	if check && s.Failing > 0 {
		fmt.Fprintf(out.Log, "initsec generate -check: generated files are stale; run `%s` and commit the result\n", out.Generate)
	}
	return s
}

// Build generates, builds and verifies each module directory
// (BuildAndVerify): kbuild's output and a line per module go to out.Log,
// findings to out.Results. A directory that another of dirs reaches through
// obj-m += sub/ (module.BuiltThrough) is built, once, with that one: kbuild
// descends into it there, and a build of its own would build its modules
// again.
func Build(ctx context.Context, dirs []string, opts kbuild.Options, out Output) Summary {
	var s Summary
	through := module.BuiltThrough(dirs)
	for _, dir := range dirs {
		if parent, ok := through[dir]; ok {
			fmt.Fprintf(out.Log, "initsec: %s: built with %s (obj-m += %s/ there), not on its own\n", dir, parent, relOr(parent, dir))
			continue
		}
		s.Dirs++
		res, err := BuildAndVerify(ctx, dir, opts, out.Log)
		if err != nil {
			s.fail(out, dir, err)
			if ctx.Err() != nil {
				break
			}
			continue
		}
		printFindings(out, res)
		s.Failing += res.Failing()
		what := "built"
		if res.ModpostFailed {
			what = "modpost failed the build; checked"
		}
		note := ""
		if n := sectionrt.Failing(res.Findings) - res.Failing(); n > 0 {
			note = fmt.Sprintf(" (and %d section mismatch(es), not failing with -mismatch-warn-only)", n)
		}
		fmt.Fprintf(out.Log, "initsec: %s: %s %s, %d finding(s)%s\n", dir, what, strings.Join(res.Objects, " "), res.Failing(), note)
	}
	return s
}

// ErrNotBuilt is wrapped by the error Verify reports for a module whose .ko
// does not exist.
var ErrNotBuilt = errors.New("module not built")

// Verify checks the built module of each directory (CheckObject): findings
// to out.Results, a line per module to out.Log.
func Verify(dirs []string, out Output) Summary {
	var s Summary
	for _, dir := range dirs {
		s.Dirs++
		res, err := verifyDir(dir)
		if errors.Is(err, ErrNotBuilt) {
			err = fmt.Errorf("%w (hint: run `%s` first)", err, out.Build)
		}
		if err != nil {
			s.fail(out, dir, err)
			continue
		}
		printFindings(out, res)
		s.Failing += res.Failing()
		fmt.Fprintf(out.Log, "initsec: %s: verified %s, %d finding(s)\n", dir, strings.Join(res.Objects, " "), res.Failing())
	}
	return s
}

// verifyDir checks the built object of every module kbuild builds in dir
// against that module's own manifest.
func verifyDir(dir string) (*Result, error) {
	d, err := module.LoadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", dir, err)
	}
	res := &Result{Dir: dir, Module: d.Modules[0], Modules: d}
	for _, m := range d.Modules {
		ko := filepath.Join(dir, m.Name+".ko")
		if _, err := os.Stat(ko); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("verify %s: %s: %w", dir, ko, ErrNotBuilt)
		} else if err != nil {
			return nil, fmt.Errorf("verify %s: %w", dir, err)
		}
		fs, err := CheckObject(ko, module.Manifest(m))
		if err != nil {
			return nil, fmt.Errorf("verify %s: %w", dir, err)
		}
		res.Objects = append(res.Objects, ko)
		res.Findings = append(res.Findings, fs...)
	}
	return res, nil
}

func printFindings(out Output, res *Result) {
	for _, f := range res.Findings {
		fmt.Fprintln(out.Results, f.String())
	}
}

// relOr is sub relative to parent, or sub when it is not below it.
func relOr(parent, sub string) string {
	if r, err := filepath.Rel(parent, sub); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return sub
}
