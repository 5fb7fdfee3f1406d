package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/initsec/initsec/convert"
	"github.com/initsec/initsec/kbuild"
)

const convertUsage = `Usage: initsec convert [-diff] [-n] [-prove [-var NAME=VALUE]...] DIR

Rewrites the kernel's __init, __exit, __initdata, __initconst and __exitdata
on the definitions in DIR's .c files (subdirectories included) into
//go:init-section directives above the declarations, folds module_init(f),
module_exit(f) and LEVEL_initcall(f) lines into initcall=LEVEL and entry
options on f's directive, and appends #include "foo.initsec.h" to each
converted foo.c. Comments, formatting and line endings stay as they are.
Kbuild and Makefile are not changed: the directives need only the trailer
headers, which "initsec generate" writes next.

What cannot be converted is left as it is and listed with file:line:col and
the reason. Writes are all or nothing. Converting twice changes nothing.

-prove builds DIR as it is and converted (generate + kbuild) in temporary
copies and prints symbol | section before | section after; it exits 1 when
any symbol moved.

Flags:
`

func runConvert(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(stderr)
	showDiff := fs.Bool("diff", false, "print a unified diff and write nothing")
	dryRun := fs.Bool("n", false, "list what would change and write nothing")
	prove := fs.Bool("prove", false, "convert copies, build before and after with kbuild, compare every symbol's section; write nothing to DIR")
	kdir := fs.String("kdir", "", "kernel build directory for -prove (default $KDIR, then /lib/modules/$(uname -r)/build)")
	keep := fs.Bool("keep", false, "with -prove: keep the before/ and after/ copies and print where")
	var vars stringList
	fs.Var(&vars, "var", "with -prove: a make variable NAME=VALUE for both builds, e.g. CONFIG_SAMPLE_KFIFO=m (repeatable)")
	setUsage(fs, convertUsage)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitError
	}
	dir := fs.Arg(0)
	if *prove {
		return runProve(stdout, stderr, dir, convert.ProveOptions{Kbuild: kbuild.Options{KDIR: *kdir, Vars: vars}, Keep: *keep})
	}
	res, err := convert.Dir(dir)
	if err != nil {
		fmt.Fprintf(stderr, "initsec convert: %v\n", err)
		return exitError
	}
	switch {
	case *showDiff:
		if err := res.Diff(stdout); err != nil {
			fmt.Fprintf(stderr, "initsec convert: %v\n", err)
			return exitError
		}
		printSkips(stderr, res)
		return exitOK
	case *dryRun:
		printConversion(stdout, res)
		return exitOK
	}
	if err := res.Write(); err != nil {
		fmt.Fprintf(stderr, "initsec convert: %v\n", err)
		return exitError
	}
	printConversion(stdout, res)
	if len(res.Changes()) > 0 {
		fmt.Fprintf(stdout, "next: initsec generate %s && mage initsec:build (or initsec build %s)\n", dir, dir)
	}
	return exitOK
}

// runProve is convert -prove: build DIR before and after in copies and
// compare where each symbol landed.
func runProve(stdout, stderr io.Writer, dir string, opts convert.ProveOptions) int {
	p, err := convert.Prove(context.Background(), dir, opts)
	if err != nil {
		fmt.Fprintf(stderr, "initsec convert: %v\n", err)
		return exitError
	}
	printConversion(stdout, p.Result)
	fmt.Fprintf(stdout, "trailers written by %s\n\n", p.Generated)
	p.WriteTable(stdout)
	if opts.Keep {
		fmt.Fprintf(stdout, "copies kept in %s\n", p.WorkDir)
	}
	if len(p.Differences()) > 0 {
		return exitFindings
	}
	return exitOK
}

func printConversion(w io.Writer, res *convert.Result) {
	for _, c := range res.Changes() {
		line := fmt.Sprintf("%s: %s %s -> %s", c.Pos, c.Macro, c.Symbol, c.Directive)
		if len(c.Removed) > 0 {
			line += " (folded " + strings.Join(c.Removed, " ") + ")"
		}
		fmt.Fprintln(w, line)
	}
	printSkips(w, res)
	fmt.Fprintf(w, "%d converted in %d files, %d left as they are\n", len(res.Changes()), len(res.Changed()), len(res.Skips()))
}

func printSkips(w io.Writer, res *convert.Result) {
	for _, s := range res.Skips() {
		fmt.Fprintf(w, "left: %s\n", s)
	}
}
