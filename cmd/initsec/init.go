package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/initsec/initsec/scaffold"
)

const initUsage = `Usage: initsec init [-module-path P] [DIR]

Sets up the Mage wiring in an existing kernel-module repository DIR (default
.): a go.mod (none when DIR is inside an existing Go module), a
magefiles/magefile.go that imports github.com/initsec/initsec/magefiles/targets,
and mage.go, which runs the targets without installing mage. Sources,
Kbuild and Makefile are not touched (initsec convert rewrites the macros).
An existing file is never overwritten: it is listed and left. Writes are all
or nothing.

Flags:
`

func runInit(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	modulePath := fs.String("module-path", "", "module path of a new go.mod (default example.com/BASE of DIR); not allowed inside an existing Go module")
	replace := fs.String("initsec-replace", "", "add `replace github.com/initsec/initsec => PATH` to a new go.mod (a local checkout)")
	version := fs.String("initsec-version", "", "the initsec version a new go.mod requires (default: this build's version)")
	setUsage(fs, initUsage)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return exitError
	}
	dir := "."
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	res, err := scaffold.Init(scaffold.InitOptions{Dir: dir, ModulePath: *modulePath, InitsecVersion: *version, InitsecReplace: *replace})
	if err != nil {
		fmt.Fprintf(stderr, "initsec init: %v\n", err)
		return exitError
	}
	scaffoldReport{
		Dir:        dir,
		Written:    res.Written,
		Existing:   res.Existing,
		NewModule:  res.NewModule,
		ModulePath: res.ModulePath,
		GoMod:      res.GoMod,
		Notes:      res.Notes,
		Next:       "initsec convert -diff . && initsec convert . && go run mage.go initsec:build",
	}.print(stdout)
	return exitOK
}

// scaffoldReport is what init and new print once they have written: the
// files, the module they belong to, notes, and the commands to run next.
type scaffoldReport struct {
	Dir               string
	Written, Existing []string // slash-separated, relative to Dir
	NewModule         bool
	ModulePath, GoMod string
	Notes             []string
	Next              string // run after cd Dir (and go mod tidy for a new module)
}

func (r scaffoldReport) print(w io.Writer) {
	for _, f := range r.Written {
		fmt.Fprintf(w, "create: %s\n", filepath.Join(r.Dir, filepath.FromSlash(f)))
	}
	for _, f := range r.Existing {
		fmt.Fprintf(w, "exists, left as it is: %s\n", filepath.Join(r.Dir, filepath.FromSlash(f)))
	}
	if r.NewModule {
		fmt.Fprintf(w, "module %s (new go.mod)\n", r.ModulePath)
	} else {
		fmt.Fprintf(w, "module %s (%s)\n", r.ModulePath, r.GoMod)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintf(w, "next: cd %s", r.Dir)
	if r.NewModule {
		fmt.Fprintf(w, " && go mod tidy")
	}
	fmt.Fprintf(w, " && %s\n", r.Next)
}
