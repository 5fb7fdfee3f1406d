// Package kernels provides the kernel build trees the section-mismatch
// tests build against, on Debian 12: Linux 6.1 and 6.12 for x86_64
// (installed with apt) and 6.1 cross-built for arm64 (headers downloaded
// with apt-get download and unpacked into a cache directory, since
// installing linux-headers-*-arm64 through apt would replace the amd64
// compiler package; the cross compiler comes from apt).
//
// Ensure* functions install or download what is missing (apt needs root;
// otherwise the error names the command to run); Find* functions only
// look, for tests that skip when a tree is absent. Everything downloaded
// lives under CacheDir().
package kernels

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/initsec/initsec/internal/debpkg"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/modpost"
)

// Target is one kernel build tree and how to build for it.
type Target struct {
	Name         string // "6.1-amd64", "6.12-amd64", "6.1-arm64"
	Rules        string // the sectionrt rule set for it: "6.1", "6.12"
	KDIR         string
	Arch         string // ARCH= for cross builds, "" for native
	CrossCompile string // CROSS_COMPILE= for cross builds
	Release      string // kernel release, as in /lib/modules/RELEASE
}

// Options returns kbuild options building for t.
func (t Target) Options() kbuild.Options {
	return kbuild.Options{KDIR: t.KDIR, Arch: t.Arch, CrossCompile: t.CrossCompile}
}

// The Debian 12 packages involved.
const (
	// Headers61Meta is the metapackage naming the current 6.1 ABI's headers.
	Headers61Meta = "linux-headers-amd64"
	// Series612 is the second series Debian 12 serves. Its ABI moves with
	// security updates, so only the series is named: the metapackages
	// below resolve to the current ABI's packages.
	Series612 = "6.12"
	// Headers612Meta is the metapackage naming the current 6.12 ABI's
	// headers (linux-headers-SERIES-amd64).
	Headers612Meta = "linux-headers-" + Series612 + "-amd64"
	// Image612Meta is the 6.12 kernel image and its 4,230 .ko.xz modules.
	Image612Meta = "linux-image-" + Series612 + "-amd64"
	// CrossGCC is the compiler Debian's arm64 kbuild asks for
	// (aarch64-linux-gnu-gcc-12).
	CrossGCC = "gcc-12-aarch64-linux-gnu"
)

// Packages is what CI installs (apt-get install -y --no-install-recommends)
// before running the section-mismatch tests; EnsureArm64Headers then
// downloads linux-headers-<abi>-arm64 itself.
func Packages() []string {
	return []string{"make", "gcc-12", Headers61Meta, Headers612Meta, CrossGCC, "binutils-aarch64-linux-gnu"}
}

// CacheDir is where downloaded header trees and built corpora live:
// $XDG_CACHE_HOME/initsec-kernels (or ~/.cache/initsec-kernels).
func CacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "initsec-kernels"), nil
}

// Headers61Package returns the package linux-headers-amd64 stands for
// (linux-headers-<abi>-amd64), from dpkg.
func Headers61Package() (string, error) { return headersPackage(Headers61Meta) }

// Headers612Package returns the package linux-headers-6.12-amd64 stands
// for, from dpkg.
func Headers612Package() (string, error) { return headersPackage(Headers612Meta) }

// headersPackage resolves a headers metapackage to the versioned package
// it depends on.
func headersPackage(meta string) (string, error) {
	deps, err := debpkg.Resolve(meta)
	if err != nil {
		return "", err
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "linux-headers-") {
			return d, nil
		}
	}
	return "", fmt.Errorf("%s depends on no linux-headers-* package (%v)", meta, deps)
}

func headersTarget(name, rules, pkg string) (Target, error) {
	release := strings.TrimPrefix(pkg, "linux-headers-")
	kdir := filepath.Join("/usr/src", pkg)
	if _, err := os.Stat(filepath.Join(kdir, "Makefile")); err != nil {
		return Target{}, fmt.Errorf("%s: %s is not installed (%w)", name, pkg, err)
	}
	return Target{Name: name, Rules: rules, KDIR: kdir, Release: release}, nil
}

// Find61 returns the installed 6.1 x86_64 tree.
func Find61() (Target, error) {
	pkg, err := Headers61Package()
	if err != nil {
		return Target{}, err
	}
	return headersTarget("6.1-amd64", "6.1", pkg)
}

// Find612 returns the installed 6.12 x86_64 tree.
func Find612() (Target, error) {
	pkg, err := Headers612Package()
	if err != nil {
		return Target{}, err
	}
	return headersTarget("6.12-amd64", "6.12", pkg)
}

// EnsureHeaders61 installs linux-headers-amd64 if needed.
func EnsureHeaders61(ctx context.Context, w io.Writer) (Target, error) {
	if err := debpkg.Ensure(ctx, w, Headers61Meta, "make", "gcc-12"); err != nil {
		return Target{}, err
	}
	return Find61()
}

// EnsureHeaders612 installs linux-headers-6.12-amd64 if needed.
// Note that it then is the newest /usr/src/linux-headers-* tree, which
// kbuild.FindKDIR falls back to when neither $KDIR nor the running
// kernel's tree is there.
func EnsureHeaders612(ctx context.Context, w io.Writer) (Target, error) {
	if err := debpkg.Ensure(ctx, w, Headers612Meta, "make", "gcc-12"); err != nil {
		return Target{}, err
	}
	return Find612()
}

// arm64 tree layout under CacheDir(): arm64-<abi>/usr/src/linux-headers-<abi>-arm64.
func arm64Dir(cache, abi string) string {
	return filepath.Join(cache, "arm64-"+abi, "usr", "src", "linux-headers-"+abi+"-arm64")
}

// FindArm64 returns the unpacked arm64 6.1 tree, if EnsureArm64Headers made
// it and the cross compiler is installed.
func FindArm64() (Target, error) {
	pkg, err := Headers61Package()
	if err != nil {
		return Target{}, err
	}
	abi := strings.TrimSuffix(strings.TrimPrefix(pkg, "linux-headers-"), "-amd64")
	cache, err := CacheDir()
	if err != nil {
		return Target{}, err
	}
	kdir := arm64Dir(cache, abi)
	if _, err := os.Stat(filepath.Join(kdir, "scripts", "mod", "modpost")); err != nil {
		return Target{}, fmt.Errorf("6.1-arm64: no unpacked linux-headers-%s-arm64 under %s (EnsureArm64Headers downloads it): %w", abi, cache, err)
	}
	if _, err := exec.LookPath("aarch64-linux-gnu-gcc-12"); err != nil {
		return Target{}, fmt.Errorf("6.1-arm64: aarch64-linux-gnu-gcc-12 not found: install %s", CrossGCC)
	}
	return Target{Name: "6.1-arm64", Rules: "6.1", KDIR: kdir, Arch: "arm64", CrossCompile: "aarch64-linux-gnu-", Release: abi + "-arm64"}, nil
}

// EnsureArm64Headers provides the arm64 build tree matching the installed
// 6.1 amd64 headers: it installs the cross compiler and the 6.1 headers
// (for linux-headers-<abi>-common and linux-kbuild-6.1, which are
// architecture-independent or host tools), then, unless already done,
// fetches linux-headers-<abi>-arm64 of the same version with apt-get
// download through a private apt configuration (its own lists under
// CacheDir(), architecture arm64, the Debian archive and security
// sources only: the system's apt state is not touched), unpacks it with
// dpkg-deb -x and points its scripts and tools links at the installed
// /usr/lib/linux-kbuild-<ver>.
func EnsureArm64Headers(ctx context.Context, w io.Writer) (Target, error) {
	if w == nil {
		w = io.Discard
	}
	if _, err := EnsureHeaders61(ctx, w); err != nil {
		return Target{}, err
	}
	if err := debpkg.Ensure(ctx, w, CrossGCC, "binutils-aarch64-linux-gnu"); err != nil {
		return Target{}, err
	}
	if t, err := FindArm64(); err == nil {
		return t, nil
	}
	pkg, err := Headers61Package()
	if err != nil {
		return Target{}, err
	}
	abi := strings.TrimSuffix(strings.TrimPrefix(pkg, "linux-headers-"), "-amd64")
	version, err := installedVersion("linux-headers-" + abi + "-common")
	if err != nil {
		return Target{}, err
	}
	cache, err := CacheDir()
	if err != nil {
		return Target{}, err
	}
	aptDir := filepath.Join(cache, "apt-arm64")
	for _, d := range []string{"lists/partial", "cache/archives/partial", "parts", "dl"} {
		if err := os.MkdirAll(filepath.Join(aptDir, d), 0o755); err != nil {
			return Target{}, err
		}
	}
	sources := "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main\n" +
		"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main\n"
	if err := os.WriteFile(filepath.Join(aptDir, "sources.list"), []byte(sources), 0o644); err != nil {
		return Target{}, err
	}
	opts := []string{
		"-o", "Dir::State::Lists=" + filepath.Join(aptDir, "lists"),
		"-o", "Dir::Cache=" + filepath.Join(aptDir, "cache"),
		"-o", "Dir::Etc::SourceList=" + filepath.Join(aptDir, "sources.list"),
		"-o", "Dir::Etc::SourceParts=" + filepath.Join(aptDir, "parts"),
		"-o", "APT::Architecture=arm64", "-o", "APT::Architectures::=arm64",
		"-o", "Debug::NoLocking=1",
	}
	dl := filepath.Join(aptDir, "dl")
	arm := "linux-headers-" + abi + "-arm64"
	debs, _ := filepath.Glob(filepath.Join(dl, arm+"_"+strings.ReplaceAll(version, ":", "%3a")+"_arm64.deb"))
	if len(debs) == 0 {
		if err := run(ctx, w, "", "apt-get", append(opts, "update")...); err != nil {
			return Target{}, fmt.Errorf("apt-get update (arm64 lists): %w", err)
		}
		if err := run(ctx, w, dl, "apt-get", append(opts, "download", arm+"="+version)...); err != nil {
			return Target{}, fmt.Errorf("apt-get download %s=%s: %w", arm, version, err)
		}
		debs, _ = filepath.Glob(filepath.Join(dl, arm+"_*_arm64.deb"))
		if len(debs) == 0 {
			return Target{}, fmt.Errorf("apt-get download %s=%s left no .deb in %s", arm, version, dl)
		}
	}
	root := filepath.Join(cache, "arm64-"+abi)
	if err := run(ctx, w, "", "dpkg-deb", "-x", debs[0], root); err != nil {
		return Target{}, err
	}
	kdir := arm64Dir(cache, abi)
	for _, l := range []string{"scripts", "tools"} {
		p := filepath.Join(kdir, l)
		dest, err := os.Readlink(p)
		if err != nil {
			return Target{}, fmt.Errorf("%s: %w", p, err)
		}
		if !filepath.IsAbs(dest) {
			// ../../lib/linux-kbuild-6.1/scripts, relative to /usr/src/<pkg>.
			dest = filepath.Join("/usr/src", filepath.Base(kdir), dest)
		}
		if err := os.Remove(p); err != nil {
			return Target{}, err
		}
		if err := os.Symlink(dest, p); err != nil {
			return Target{}, err
		}
	}
	return FindArm64()
}

// EnsureAll provides every target, in the order 6.1-amd64, 6.12-amd64,
// 6.1-arm64 — the magefile's step before the tests under CI.
func EnsureAll(ctx context.Context, w io.Writer) ([]Target, error) {
	var out []Target
	for _, f := range []func(context.Context, io.Writer) (Target, error){EnsureHeaders61, EnsureHeaders612, EnsureArm64Headers} {
		t, err := f(ctx, w)
		if err != nil {
			return out, err
		}
		out = append(out, t)
	}
	return out, nil
}

func installedVersion(pkg string) (string, error) {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", pkg).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("dpkg-query %s: %s", pkg, bytes.TrimSpace(ee.Stderr))
		}
		return "", fmt.Errorf("dpkg-query %s: %w", pkg, err)
	}
	v := strings.TrimSpace(string(out))
	if v == "" {
		return "", fmt.Errorf("%s is not installed", pkg)
	}
	return v, nil
}

func run(ctx context.Context, w io.Writer, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var buf bytes.Buffer
	out := io.MultiWriter(w, &buf)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, tail(buf.String(), 20))
	}
	return nil
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Release is an installed kernel with the headers of the same release.
type Release struct {
	Release string // as in /lib/modules/RELEASE
	Tree    string // /lib/modules/RELEASE
	KDIR    string // /usr/src/linux-headers-RELEASE, with scripts/mod/modpost
}

// FindRelease returns the newest installed release (by
// modpost.CompareReleases) whose name starts with prefix ("6.1.", "6.12.")
// and that has both modules and headers with modpost. The releases are
// found, never named: Debian moves its ABI numbers every few weeks.
func FindRelease(prefix string) (Release, bool) {
	trees, _ := filepath.Glob("/lib/modules/" + prefix + "*")
	slices.SortFunc(trees, func(a, b string) int { return modpost.CompareReleases(filepath.Base(b), filepath.Base(a)) })
	for _, t := range trees {
		rel := filepath.Base(t)
		kdir := filepath.Join("/usr/src", "linux-headers-"+rel)
		if _, err := os.Stat(filepath.Join(kdir, "scripts", "mod", "modpost")); err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(t, "kernel")); err != nil {
			continue
		}
		return Release{Release: rel, Tree: t, KDIR: kdir}, true
	}
	return Release{}, false
}
