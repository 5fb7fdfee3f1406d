package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"github.com/initsec/initsec/target"
)

const targetsUsage = `Usage: initsec targets [-update | -check] [-cache DIR] [-offline] [-v] [DIR]

Lists the kernel targets of the repository in DIR (default ".") and the
exact Debian packages each resolves to today: the headers, their -common
and linux-kbuild packages, the compiler they were built with, and the
kernel image (for 7.x, linux-binary-* and linux-modules-*).

Targets are listed in DIR/%[1]s, one per line, '#' starting a comment:

  debian-12/6.1/amd64     Debian 12's 6.1 kernel
  debian-12/6.12/amd64    Debian 12's 6.12 series (bookworm-security)
  debian-13/amd64         Debian 13's default kernel
  debian-sid/amd64        sid's newest series
  debian-12/6.1/arm64     cross-built for arm64

Without that file, builds use the host's kernel or $KDIR and there is
nothing to resolve.

Resolution reads the Debian archive's metadata with apt-get and apt-cache
in a private state directory per release (-cache), never the system's.
The lock, DIR/%[2]s, pins every package's version and
SHA256; commit it.

  -update  rewrites the lock and prints the drift it records: a new ABI,
           a package replaced or at another version, a version gone from
           the archive, a series that ended.
  -check   prints the same drift and exits 1 if there is any.

Exit status: 0 up to date (or no targets file), 1 drift (-check; -update
when a listed series ended and could not be locked), 2 usage, targets
file or resolution error.

Flags:
`

func runTargets(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("targets", flag.ContinueOnError)
	fs.SetOutput(stderr)
	update := fs.Bool("update", false, "resolve afresh, print what changed and rewrite "+target.LockFile)
	check := fs.Bool("check", false, "resolve afresh and exit 1 if the archive drifted from "+target.LockFile+" (for CI)")
	cache := fs.String("cache", "", "apt state directory (default $XDG_CACHE_HOME/initsec/apt)")
	offline := fs.Bool("offline", false, "use the package lists already in the cache; no apt-get update")
	verbose := fs.Bool("v", false, "show apt-get's output")
	setUsage(fs, fmt.Sprintf(targetsUsage, target.TargetsFile, target.LockFile))
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *update && *check {
		fmt.Fprintln(stderr, "initsec targets: -update and -check exclude each other")
		return exitError
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(stderr, "initsec targets: at most one directory")
		return exitError
	}
	dir := "."
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	targets, err := target.ReadTargets(dir)
	if errors.Is(err, target.ErrNoTargetsFile) {
		fmt.Fprintf(stdout, "%s: no %s: builds use the host's kernel or $KDIR\n", dir, target.TargetsFile)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "initsec targets: %v\n", err)
		return exitError
	}
	lock, err := target.ReadLock(dir)
	if err != nil && !errors.Is(err, target.ErrNoLock) {
		fmt.Fprintf(stderr, "initsec targets: %v\n", err)
		return exitError
	}
	log := io.Discard
	if *verbose {
		log = stderr
	}
	src := &target.APT{Dir: *cache, NoUpdate: *offline, Log: log}
	fresh, drift, err := target.Check(context.Background(), src, targets, lock)
	if err != nil {
		fmt.Fprintf(stderr, "initsec targets: %v\n", err)
		return exitError
	}
	lockPath := filepath.Join(dir, target.LockFile)
	switch {
	case *check:
		return checkLock(stdout, lockPath, fresh, drift)
	case *update:
		return updateLock(stdout, stderr, dir, fresh, drift)
	}
	printTargets(stdout, lockPath, fresh, drift)
	return exitOK
}

// checkLock is targets -check: the drift, and exit status 1 if there is any.
func checkLock(stdout io.Writer, lockPath string, fresh []target.Resolution, drift []target.Drift) int {
	for _, d := range drift {
		fmt.Fprintln(stdout, d)
	}
	if len(drift) > 0 {
		fmt.Fprintf(stdout, "%s: %d change(s) in the archive; run initsec targets -update\n", lockPath, len(drift))
		return exitFindings
	}
	fmt.Fprintf(stdout, "%s: %d target(s) up to date\n", lockPath, len(fresh))
	return exitOK
}

// updateLock is targets -update: print the drift and rewrite the lock. A
// series that ended cannot be locked, and is exit status 1.
func updateLock(stdout, stderr io.Writer, dir string, fresh []target.Resolution, drift []target.Drift) int {
	lockPath := filepath.Join(dir, target.LockFile)
	for _, d := range drift {
		fmt.Fprintln(stdout, d)
	}
	if err := target.WriteLock(dir, fresh); err != nil {
		fmt.Fprintf(stderr, "initsec targets: %v\n", err)
		return exitError
	}
	status := exitOK
	for _, r := range fresh {
		if r.Ended != "" {
			fmt.Fprintf(stdout, "%s: not locked; remove it from %s\n", r.Target, target.TargetsFile)
			status = exitFindings
		}
	}
	if len(drift) == 0 {
		fmt.Fprintf(stdout, "%s: unchanged\n", lockPath)
	} else {
		fmt.Fprintf(stdout, "%s: written\n", lockPath)
	}
	return status
}

// printTargets lists each target with the packages it resolves to.
func printTargets(stdout io.Writer, lockPath string, fresh []target.Resolution, drift []target.Drift) {
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
	for _, r := range fresh {
		if r.Ended != "" {
			fmt.Fprintf(tw, "%s\tseries ended: %s\n", r.Target, r.Ended)
			continue
		}
		fmt.Fprintf(tw, "%s\tkernel %s\tseries %s\t%s\n", r.Target, r.Kernel(), r.Series(), r.Compiler())
		for _, p := range r.Packages {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", p.Role, p.Name, p.Version, p.Arch)
		}
	}
	tw.Flush()
	if len(drift) > 0 {
		fmt.Fprintf(stdout, "%s: %d change(s) in the archive (initsec targets -check lists them)\n", lockPath, len(drift))
	}
}
