package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/initsec/initsec/internal/pipeline"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/kbuild/buildenv"
)

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, " ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runBuild(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts kbuild.Options
	var vars stringList
	fs.StringVar(&opts.KDIR, "kdir", "", "kernel build directory (default: $KDIR, /lib/modules/$(uname -r)/build, newest /usr/src/linux-headers-*)")
	fs.StringVar(&opts.Arch, "arch", os.Getenv("ARCH"), "ARCH= for cross builds (default $ARCH)")
	fs.StringVar(&opts.CrossCompile, "cross-compile", os.Getenv("CROSS_COMPILE"), "CROSS_COMPILE= prefix (default $CROSS_COMPILE)")
	fs.StringVar(&opts.W, "W", "1", "kbuild W= warning level; empty for none")
	fs.BoolVar(&opts.MismatchWarnOnly, "mismatch-warn-only", false, "let section mismatches warn: modpost does not stop the build and initsec prints them without failing (placement findings still fail)")
	fs.Var(&vars, "var", "extra make variable NAME=VALUE (repeatable)")
	var targets stringList
	fs.Var(&targets, "target", "kernel target NAME (debian-sid/amd64, ...), or all for every target in initsec.targets (repeatable); replaces -kdir, -arch and -cross-compile")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: initsec build [flags] [dir...]

For each module directory (default: the current directory, or every module
directory below it): generate, build with the kernel's kbuild
(make -C KDIR M=dir modules, with CONFIG_SECTION_MISMATCH_WARN_ONLY= so
modpost's section mismatches fail the build), then verify every built .ko
against the annotations.

With -target, the module is built for each named kernel target instead of
the host's kernel: the target's exact packages come from the lock,
initsec.targets.lock, found with initsec.targets at or above the current
directory (a target not locked is resolved from the archive, and the log
says so). Each target is built where its compiler is: on the host with
the target's headers package installed, from unpacked headers with a
cross compiler (another architecture), or in a build root of the
target's release made with mmdebstrap (a newer compiler: trixie, sid).
Installing, downloading and making roots needs root; a second build
downloads nothing. Modules are built in place, target after target, and
each result is verified before the next target's build.

Exit status: 0 clean, 1 findings (every section mismatch modpost found
at build time counts, also when it stopped the build; not with
-mismatch-warn-only), 2 usage, generate or build error.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	opts.Vars = vars
	dirs, err := pipeline.ModuleDirs(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "initsec build: %v\n", err)
		return exitError
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(targets) == 0 {
		return pipeline.Build(ctx, dirs, opts, cliOutput(stdout, stderr)).ExitCode()
	}
	if opts.KDIR != "" || opts.Arch != "" || opts.CrossCompile != "" {
		fmt.Fprintln(stderr, "initsec build: -target chooses KDIR, ARCH and CROSS_COMPILE itself: drop -kdir, -arch, -cross-compile (and $ARCH, $CROSS_COMPILE)")
		return exitError
	}
	repo, err := pipeline.FindTargetsRoot(".")
	if err != nil {
		fmt.Fprintf(stderr, "initsec build: %v\n", err)
		return exitError
	}
	rs, err := pipeline.ResolveTargets(ctx, repo, targets, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "initsec build: %v\n", err)
		return exitError
	}
	cfg := &buildenv.Config{Log: stderr}
	return pipeline.BuildTargets(ctx, dirs, rs, cfg, opts, cliOutput(stdout, stderr)).ExitCode()
}
