package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/initsec/initsec/scaffold"
)

func runInit(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	modulePath := fs.String("module-path", "", "module path of a new go.mod (default example.com/BASE of DIR); not allowed inside an existing Go module")
	replace := fs.String("initsec-replace", "", "add `replace github.com/initsec/initsec => PATH` to a new go.mod (a local checkout)")
	version := fs.String("initsec-version", "", "the initsec version a new go.mod requires (default: this build's version)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: initsec init [-module-path P] [DIR]

Sets up the Mage wiring in an existing kernel-module repository DIR (default
.): a go.mod (none when DIR is inside an existing Go module), a
magefiles/magefile.go that imports github.com/initsec/initsec/magefiles/targets,
and mage.go, which runs the targets without installing mage. Sources,
Kbuild and Makefile are not touched (initsec convert rewrites the macros).
An existing file is never overwritten: it is listed and left. Writes are all
or nothing.

Flags:
`)
		fs.PrintDefaults()
	}
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
	for _, f := range res.Written {
		fmt.Fprintf(stdout, "create: %s\n", filepath.Join(dir, filepath.FromSlash(f)))
	}
	for _, f := range res.Existing {
		fmt.Fprintf(stdout, "exists, left as it is: %s\n", filepath.Join(dir, filepath.FromSlash(f)))
	}
	if res.NewModule {
		fmt.Fprintf(stdout, "module %s (new go.mod)\n", res.ModulePath)
	} else {
		fmt.Fprintf(stdout, "module %s (%s)\n", res.ModulePath, res.GoMod)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(stdout, "note: %s\n", n)
	}
	fmt.Fprintf(stdout, "next: cd %s", dir)
	if res.NewModule {
		fmt.Fprintf(stdout, " && go mod tidy")
	}
	fmt.Fprintf(stdout, " && initsec convert -diff . && initsec convert . && go run mage.go initsec:build\n")
	return exitOK
}
