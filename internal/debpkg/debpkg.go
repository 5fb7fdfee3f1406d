// Package debpkg asks dpkg which Debian packages are installed and installs
// missing ones with apt-get when running as root.
//
// Package names are checked against Debian policy (lower-case letters,
// digits, '+', '-', '.', at least two characters, starting alphanumeric),
// optionally followed by ":ARCH"; anything else is an error before any
// command runs.
package debpkg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
)

// ErrNoDpkg is returned when dpkg-query is not in PATH: the system is not
// Debian-based (or not one this package can manage).
var ErrNoDpkg = errors.New("dpkg-query not found in PATH: not a Debian-based system; install the equivalent packages with the system's package manager")

// MissingError reports packages that are not installed and that this process
// cannot install because it is not root.
type MissingError struct {
	Packages []string
	Command  string // the command that installs them
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("Debian packages not installed: %s; install them as root with: %s",
		strings.Join(e.Packages, " "), e.Command)
}

var validName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?$`) })

func checkNames(pkgs []string) error {
	for _, p := range pkgs {
		if !validName().MatchString(p) {
			return fmt.Errorf("invalid Debian package name %q", p)
		}
	}
	return nil
}

// Replaceable in tests.
var (
	dpkgQuery = "dpkg-query"
	aptGet    = "apt-get"
	geteuid   = os.Geteuid
)

// query runs dpkg-query -W -f=FORMAT pkg. found is false when dpkg knows
// nothing of pkg.
func query(format, pkg string) (out string, found bool, err error) {
	path, err := exec.LookPath(dpkgQuery)
	if err != nil {
		return "", false, ErrNoDpkg
	}
	cmd := exec.Command(path, "-W", "-f="+format, "--", pkg)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 && strings.Contains(stderr.String(), "no packages found") {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("dpkg-query -W %s: %w: %s", pkg, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), true, nil
}

// Installed returns those of pkgs that are not installed, in the order
// given. A package counts as installed when dpkg's status for it is "ok
// installed" (want "install" or "hold": a held package is installed too);
// removed packages whose configuration files remain
// ("deinstall ok config-files") and unknown ones are missing. Without
// dpkg-query the error is ErrNoDpkg.
func Installed(pkgs ...string) (missing []string, err error) {
	if err := checkNames(pkgs); err != nil {
		return nil, err
	}
	for _, p := range pkgs {
		// One line per matching instance (several for multi-arch packages).
		out, found, err := query(`${Status}\n`, p)
		if err != nil {
			return nil, err
		}
		ok := false
		if found {
			for _, line := range strings.Split(out, "\n") {
				f := strings.Fields(line)
				if len(f) == 3 && f[1] == "ok" && f[2] == "installed" {
					ok = true
				}
			}
		}
		if !ok {
			missing = append(missing, p)
		}
	}
	return missing, nil
}

var (
	aptMu      sync.Mutex // one apt-get at a time from this process
	aptUpdated bool
)

// installCommand is what a user runs to install pkgs.
func installCommand(pkgs []string) string {
	return "sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends " + strings.Join(pkgs, " ")
}

// Ensure installs those of pkgs that are missing. As root it runs apt-get
// update (once per process, until it succeeds) and
// DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends
// with the missing packages, streaming apt's output to w (nil discards it),
// and checks afterwards that they are installed. Not as root, it returns a
// *MissingError naming them and the command to run. Without dpkg-query the
// error is ErrNoDpkg. Calls are serialised.
func Ensure(ctx context.Context, w io.Writer, pkgs ...string) error {
	missing, err := Installed(pkgs...)
	if err != nil || len(missing) == 0 {
		return err
	}
	if geteuid() != 0 {
		return &MissingError{Packages: missing, Command: installCommand(missing)}
	}
	if w == nil {
		w = io.Discard
	}
	aptMu.Lock()
	defer aptMu.Unlock()
	// Another call may have installed them while this one waited.
	if missing, err = Installed(missing...); err != nil || len(missing) == 0 {
		return err
	}
	if !aptUpdated {
		if err := runApt(ctx, w, "update"); err != nil {
			return err
		}
		aptUpdated = true
	}
	args := append([]string{"install", "-y", "--no-install-recommends", "--"}, missing...)
	if err := runApt(ctx, w, args...); err != nil {
		return err
	}
	still, err := Installed(missing...)
	if err != nil {
		return err
	}
	if len(still) > 0 {
		return fmt.Errorf("apt-get install finished but these packages are still not installed: %s", strings.Join(still, " "))
	}
	return nil
}

func runApt(ctx context.Context, w io.Writer, args ...string) error {
	path, err := exec.LookPath(aptGet)
	if err != nil {
		return fmt.Errorf("apt-get not found in PATH: %w", err)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("apt-get %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// Resolve returns the packages pkg depends on, from its Depends field as
// dpkg knows it: for a metapackage such as linux-headers-amd64 that is the
// package it stands for (linux-headers-6.1.0-56-amd64). Version constraints
// and architecture qualifiers are dropped; of alternatives ("a | b") only
// the first is kept. pkg must be known to dpkg (installed, or removed with
// its configuration kept).
func Resolve(pkg string) ([]string, error) {
	if err := checkNames([]string{pkg}); err != nil {
		return nil, err
	}
	out, found, err := query(`${Depends}`, pkg)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("Debian package %s is not known to dpkg (not installed)", pkg)
	}
	return parseDepends(out)
}

// parseDepends parses a Depends field: "a (>= 1), b | c, d:any".
func parseDepends(field string) ([]string, error) {
	field = strings.TrimSpace(field)
	if field == "" {
		return nil, nil
	}
	var deps []string
	for _, group := range strings.Split(field, ",") {
		first, _, _ := strings.Cut(group, "|")
		first = strings.TrimSpace(first)
		name, _, _ := strings.Cut(first, " ")
		name, _, _ = strings.Cut(name, "(") // "a(>= 1)" without a space
		name, _, _ = strings.Cut(name, ":") // a:any, a:amd64
		name, _, _ = strings.Cut(name, "[") // build-profile restrictions do not occur in binary Depends, but be safe
		name = strings.TrimSpace(name)
		if !validName().MatchString(name) {
			return nil, fmt.Errorf("Depends %q: malformed entry %q", field, strings.TrimSpace(group))
		}
		deps = append(deps, name)
	}
	return deps, nil
}
