// Command initsec generates the files that carry //go:init-section
// annotations to the compiler, builds kernel modules with kbuild, verifies
// that every annotated symbol sits in the section it was meant for and that
// nothing resident refers to init or exit memory (modpost's section-mismatch
// rules of 6.1, 6.12, 6.19 and 7.0), and scaffolds new drivers.
//
// Usage:
//
//	initsec generate [-check] [dir...]
//	initsec build [flags] [dir...]
//	initsec verify [-format text|modpost|json|sarif] [-rules 6.1|6.12|6.19|7.0] [-manifest file.json] [-placement auto|always|never] [-j N] file-or-dir...
//	initsec report [-format text|json] [-no-module-unload] file-or-dir...
//	initsec suggest [-format text|json] file-or-dir...
//	initsec new [-template misc|platform|pci|minimal] [-module-path P] [-dir D] NAME
//	initsec targets [-update | -check] [DIR]
//	initsec init [DIR]
//	initsec convert [-diff] [-n] [-prove] DIR
//	initsec plan [-emit text|json|github|k8s] [DIR...]; plan run, plan merge
//
// Exit status: 0 clean, 1 findings (or stale files with generate -check),
// 2 usage, I/O, annotation or build errors, or a path with nothing to check.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/initsec/initsec/internal/pipeline"
)

// Exit codes CI can branch on (pipeline's, shared with the Mage targets).
const (
	exitOK       = pipeline.ExitOK
	exitFindings = pipeline.ExitFindings
	exitError    = pipeline.ExitError
)

// cliOutput sends results to stdout and progress and errors to stderr; hints
// name the CLI's own commands.
func cliOutput(stdout, stderr io.Writer) pipeline.Output {
	return pipeline.Output{Results: stdout, Log: stderr, Generate: "initsec generate", Build: "initsec build"}
}

func main() {
	os.Exit(run(os.Stdout, os.Stderr, os.Args[1:]))
}

type command struct {
	name    string
	summary string
	run     func(stdout, stderr io.Writer, args []string) int
}

var commands []command

func init() {
	commands = []command{
		{"generate", "write the generated trailer headers, Kbuild fragment and Go manifest", runGenerate},
		{"build", "generate, build with the kernel's kbuild, then verify", runBuild},
		{"verify", "check built objects: placement against the annotations, section mismatches", runVerify},
		{"new", "scaffold a new kernel-module repository from a template", runNew},
		{"report", "what each module frees after init and keeps resident, as the loader lays it out", runReport},
		{"suggest", "local functions and objects used only by init or exit code, and the bytes annotating them frees", runSuggest},
		{"targets", "the kernels the repository targets, resolved to exact Debian packages; -update, -check the lock", runTargets},
		{"convert", "rewrite __init-family macros and module_init lines into directives; -prove compares placement", runConvert},
		{"plan", "the build plan, cells module × target × step; -emit github or k8s; run and merge its cells", runPlan},
		{"init", "set up go.mod, a magefile importing the initsec targets and mage.go in an existing module repository", runInit},
	}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `initsec: init/exit section discipline for Linux kernel modules.

Usage:
  initsec <command> [flags] [args]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Run "initsec <command> -h" for a command's flags.
Exit status: 0 clean, 1 findings or stale files, 2 usage, I/O or build error.
`)
}

func run(stdout, stderr io.Writer, args []string) int {
	if len(args) == 0 {
		usage(stderr)
		return exitError
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(stdout, stderr, args[1:])
		}
	}
	fmt.Fprintf(stderr, "initsec: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitError
}
