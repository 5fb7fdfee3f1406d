package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/initsec/initsec/scaffold"
)

const newUsage = `Usage: initsec new [-template T] [-module-path P] [-dir D] NAME

Writes a new kernel-module repository for module NAME from a template:
NAME.c (annotated with //go:init-section, ending with its trailer include),
Kbuild, a Makefile for plain make, magefiles/magefile.go importing the
initsec targets, go.mod, dkms.conf, .gitignore and README.md; then generates
NAME.initsec.h, Kbuild.initsec and the Go manifest. The result builds and
verifies with "mage initsec:build".

When D is inside an existing Go module no go.mod is written: the new
directory joins that module.

NAME must be a C identifier, not a C keyword, shorter than 56 characters
(MODULE_NAME_LEN). new never writes into a non-empty directory and never
overwrites a file; on any error it leaves nothing behind.

Templates:
`

func runNew(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("new", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tmpl := fs.String("template", scaffold.DefaultTemplate, "the kind of driver (see the list above)")
	modulePath := fs.String("module-path", "", "module path of the new go.mod (default example.com/NAME); not allowed inside an existing Go module")
	dir := fs.String("dir", "", "directory to create, or an existing empty one (default ./NAME)")
	replace := fs.String("initsec-replace", "", "add `replace github.com/initsec/initsec => PATH` to the new go.mod (a local checkout)")
	version := fs.String("initsec-version", "", "the initsec version the new go.mod requires (default: this build's version; none for a development build, `go mod tidy` then adds the latest)")
	fs.Usage = func() { printNewUsage(fs) }
	name, code, ok := newName(fs, args)
	if !ok {
		return code
	}
	res, err := scaffold.New(scaffold.Options{
		Name:           name,
		Template:       *tmpl,
		Dir:            *dir,
		ModulePath:     *modulePath,
		InitsecReplace: *replace,
		InitsecVersion: *version,
	})
	if err != nil {
		fmt.Fprintf(stderr, "initsec new: %v\n", err)
		return exitError
	}
	shown := *dir
	if shown == "" {
		shown = name
	}
	scaffoldReport{
		Dir:        shown,
		Written:    res.Files,
		NewModule:  res.NewModule,
		ModulePath: res.ModulePath,
		GoMod:      res.GoMod,
		Notes:      res.Notes,
		Next:       "mage initsec:build",
	}.print(stdout)
	return exitOK
}

// printNewUsage is new's help: the text, the templates, the flags.
func printNewUsage(fs *flag.FlagSet) {
	fmt.Fprint(fs.Output(), newUsage)
	for _, t := range scaffold.Templates() {
		fmt.Fprintf(fs.Output(), "  %-9s %s\n", t.Name, t.Summary)
	}
	fmt.Fprintf(fs.Output(), "\nFlags:\n")
	fs.PrintDefaults()
}

// newName parses new's flags, which may come before or after NAME, and
// returns the one NAME. When ok is false the command ends with code.
func newName(fs *flag.FlagSet, args []string) (name string, code int, ok bool) {
	var names []string
	rest := args
	for {
		if code, ok := parseFlags(fs, rest); !ok {
			return "", code, false
		}
		if fs.NArg() == 0 {
			break
		}
		names = append(names, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(names) != 1 {
		if len(names) == 0 {
			fmt.Fprintln(fs.Output(), "initsec new: missing NAME")
		} else {
			fmt.Fprintf(fs.Output(), "initsec new: one NAME expected, got %d: %q\n", len(names), names)
		}
		fs.Usage()
		return "", exitError, false
	}
	return names[0], exitOK, true
}
