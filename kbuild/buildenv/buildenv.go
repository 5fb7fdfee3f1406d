// Package buildenv provides the build environment of a resolved kernel
// target (target.Resolution): where and with what its modules are built.
//
// # The rule
//
// A target's headers were built with one compiler, gcc-N (the
// resolution's RoleCompiler), and kbuild wants that compiler. The host's
// compiler is the major version of its default gcc (Host). Then:
//
//	same gcc major, same architecture   -> Host: the target's headers package is
//	                                       installed on the host with apt (pinned
//	                                       to the locked version); KDIR is
//	                                       /usr/src/linux-headers-KERNEL
//	same gcc major, other architecture  -> Headers: the target's headers .deb is
//	                                       downloaded (checked against the lock's
//	                                       SHA256) and unpacked into a cache; its
//	                                       scripts/tools point at the host's own
//	                                       linux-kbuild of the same version; the
//	                                       cross compiler gcc-N-TRIPLET comes from
//	                                       apt; ARCH= and CROSS_COMPILE= are set
//	other gcc major, same architecture  -> Root: a build root of the target's
//	                                       release made by mmdebstrap
//	                                       (kbuild/buildroot) with the locked
//	                                       headers, -common, kbuild, compiler
//	                                       (NAME=VERSION), make and perl
//	other gcc major, other architecture -> an error: a root of another
//	                                       architecture would need emulation
//
// So Debian 12's 6.1 and 6.12 (gcc-12) build on a Debian 12 host, its arm64
// 6.1 builds with headers only, trixie (gcc-14) and sid (gcc-16) in roots;
// on a trixie host, trixie's target would be the host's and Debian 12's a
// root. No package name is known in advance beyond what the resolution
// says.
//
// # Caches
//
// Unpacked header trees live under os.UserCacheDir()/initsec/headers
// (Config.HeadersDir), one directory per package version, made in a
// temporary directory and renamed into place; roots are the buildroot
// cache's. Once there, Ensure downloads nothing.
//
// # Kernels
//
// A target's modules are booted in the target's own kernel (Config.Kernel):
// its locked image, binary and modules packages are downloaded and
// unpacked the same way under os.UserCacheDir()/initsec/kernels
// (Config.KernelsDir), never installed on the host, and the host's depmod
// indexes the module tree.
package buildenv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/initsec/initsec/internal/debpkg"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/kbuild/buildroot"
	"github.com/initsec/initsec/target"
)

// Kind is how a target's modules are built.
type Kind string

const (
	KindHost    Kind = "host"    // the host's make, compiler and installed headers package
	KindHeaders Kind = "headers" // an unpacked header tree, the host's kbuild tools and a cross compiler
	KindRoot    Kind = "root"    // a build root of the target's release
)

// Host is what the rule compares a target with.
type Host struct {
	Arch     string // Debian architecture: "amd64"
	Compiler string // the default compiler as a package name: "gcc-12"
}

// Choose applies the rule (see the package documentation) to r on host
// and says why, in words for a log.
func Choose(r target.Resolution, host Host) (Kind, string, error) {
	if r.Ended != "" {
		return "", "", fmt.Errorf("%s: series ended: %s", r.Target, r.Ended)
	}
	want := r.Compiler()
	wantMajor, ok := gccMajor(want)
	if !ok {
		return "", "", fmt.Errorf("%s: the resolution names no gcc-N compiler (%q)", r.Target, want)
	}
	haveMajor, ok := gccMajor(host.Compiler)
	sameCC := ok && haveMajor == wantMajor
	sameArch := r.Target.Arch == host.Arch
	switch {
	case sameCC && sameArch:
		return KindHost, fmt.Sprintf("headers built with %s, the host's compiler", want), nil
	case sameCC:
		return KindHeaders, fmt.Sprintf("headers built with %s, the host's compiler; cross-built for %s", want, r.Target.Arch), nil
	case sameArch:
		return KindRoot, fmt.Sprintf("headers built with %s, the host has %s", want, orNone(host.Compiler)), nil
	}
	return "", "", fmt.Errorf("%s: headers built with %s, the host has %s and is %s: a build root of another architecture is not supported", r.Target, want, orNone(host.Compiler), host.Arch)
}

func orNone(s string) string {
	if s == "" {
		return "no gcc"
	}
	return s
}

// gccMajor returns N of "gcc-N".
func gccMajor(pkg string) (int, bool) {
	s, ok := strings.CutPrefix(pkg, "gcc-")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// DetectHost returns this machine's architecture and default compiler:
// the major version of the installed gcc package, or of apt's candidate
// for it when it is not installed.
func DetectHost(ctx context.Context) (Host, error) {
	h := Host{Arch: DebianArch(runtime.GOARCH)}
	v, err := dpkgVersion(ctx, "gcc")
	if err != nil || v == "" {
		out, err2 := exec.CommandContext(ctx, "apt-cache", "show", "--no-all-versions", "gcc").Output()
		if err2 != nil {
			return h, fmt.Errorf("the host's compiler: gcc is not installed and apt-cache show gcc failed: %v", err2)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if s, ok := strings.CutPrefix(line, "Version: "); ok {
				v = strings.TrimSpace(s)
				break
			}
		}
	}
	// "4:12.2.0-3": epoch, then the upstream MAJOR.
	if _, after, ok := strings.Cut(v, ":"); ok {
		v = after
	}
	major, _, _ := strings.Cut(v, ".")
	if _, err := strconv.Atoi(major); err != nil {
		return h, fmt.Errorf("the host's compiler: gcc version %q", v)
	}
	h.Compiler = "gcc-" + major
	return h, nil
}

// DebianArch maps GOARCH to Debian's architecture name.
func DebianArch(goarch string) string {
	switch goarch {
	case "386":
		return "i386"
	case "arm":
		return "armhf"
	case "ppc64le":
		return "ppc64el"
	}
	return goarch
}

// kernelArch is kbuild's ARCH= for a Debian architecture.
var kernelArch = map[string]string{"amd64": "x86", "arm64": "arm64"}

// gnuTriplet is the GNU type of a Debian architecture (dpkg-architecture's
// DEB_HOST_GNU_TYPE), the prefix of its cross tools.
var gnuTriplet = map[string]string{"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}

// Env is one target's build environment, ready to build.
type Env struct {
	Resolution target.Resolution
	Kind       Kind
	Why        string // the rule's reason
	// KDIR is the kernel build directory: a path on this machine (Host,
	// Headers) or inside the root (Root).
	KDIR         string
	Arch         string // ARCH= (Headers)
	CrossCompile string // CROSS_COMPILE= (Headers)
	Root         *buildroot.Root
}

// Target is the environment's target.
func (e *Env) Target() target.Target { return e.Resolution.Target }

// String describes e in one line.
func (e *Env) String() string {
	where := e.KDIR
	if e.Root != nil {
		where = "build root " + e.Root.Path + ":" + e.KDIR
	}
	return fmt.Sprintf("%s: kernel %s, %s build (%s), %s", e.Target(), e.Resolution.Kernel(), e.Kind, e.Why, where)
}

// Options returns opts with the environment's KDIR, ARCH and
// CROSS_COMPILE.
func (e *Env) Options(opts kbuild.Options) kbuild.Options {
	opts.KDIR = e.KDIR
	opts.Arch = e.Arch
	opts.CrossCompile = e.CrossCompile
	if e.Root != nil {
		opts.Env = nil // the root's own PATH (buildroot.DefaultEnv)
	}
	return opts
}

// Build builds the external module in dir for the target, as kbuild.Build
// does; opts.KDIR, Arch and CrossCompile are the environment's.
func (e *Env) Build(ctx context.Context, dir string, opts kbuild.Options) (*kbuild.Result, error) {
	opts = e.Options(opts)
	if e.Root != nil {
		return e.Root.Build(ctx, dir, opts)
	}
	return kbuild.Build(ctx, dir, opts)
}

// Config says where environments are made.
type Config struct {
	// Roots is the build root cache; nil means the default one.
	Roots *buildroot.Cache
	// HeadersDir holds unpacked header trees; "" means
	// os.UserCacheDir()/initsec/headers.
	HeadersDir string
	// KernelsDir holds unpacked kernels (Kernel); "" means
	// os.UserCacheDir()/initsec/kernels.
	KernelsDir string
	// Mirror and SecurityMirror are the archive's URLs
	// (target.DefaultMirror, target.DefaultSecurityMirror when empty).
	Mirror, SecurityMirror string
	// Host is compared with each target; zero means DetectHost.
	Host Host
	// Log receives apt's and mmdebstrap's output; nil discards it.
	Log io.Writer

	hostOnce sync.Once
	hostErr  error
}

func (c *Config) log() io.Writer {
	if c.Log == nil {
		return io.Discard
	}
	return c.Log
}

func (c *Config) host(ctx context.Context) (Host, error) {
	c.hostOnce.Do(func() {
		if c.Host.Compiler == "" {
			arch := c.Host.Arch
			c.Host, c.hostErr = DetectHost(ctx)
			if arch != "" {
				c.Host.Arch = arch
			}
		}
	})
	return c.Host, c.hostErr
}

// Ensure makes r's environment: installs, downloads or makes what is
// missing (as root; otherwise the error says what to run) and returns it.
// It may be called for several targets at once.
func (c *Config) Ensure(ctx context.Context, r target.Resolution) (*Env, error) {
	host, err := c.host(ctx)
	if err != nil {
		return nil, err
	}
	kind, why, err := Choose(r, host)
	if err != nil {
		return nil, err
	}
	e := &Env{Resolution: r, Kind: kind, Why: why}
	switch kind {
	case KindHost:
		err = c.ensureHost(ctx, e)
	case KindHeaders:
		err = c.ensureHeaders(ctx, e)
	case KindRoot:
		err = c.ensureRoot(ctx, e)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Target, err)
	}
	return e, nil
}

// ensureHost installs the locked headers package and its compiler on the
// host and checks that apt installed the locked version.
func (c *Config) ensureHost(ctx context.Context, e *Env) error {
	r := e.Resolution
	hdr, _ := r.Package(target.RoleHeaders)
	if err := debpkg.Ensure(ctx, c.log(), hdr.Name, r.Compiler(), "make"); err != nil {
		return err
	}
	if err := checkInstalled(ctx, hdr); err != nil {
		return err
	}
	e.KDIR = filepath.Join("/usr/src", hdr.Name)
	return nil
}

// checkInstalled checks that p is installed at its locked version.
func checkInstalled(ctx context.Context, p target.Package) error {
	v, err := dpkgVersion(ctx, p.Name)
	if err != nil {
		return err
	}
	if v != p.Version {
		return fmt.Errorf("%s %s is installed, the lock has %s (run initsec targets -update, or install %s=%s)", p.Name, v, p.Version, p.Name, p.Version)
	}
	return nil
}

func dpkgVersion(ctx context.Context, name string) (string, error) {
	out, err := exec.CommandContext(ctx, "dpkg-query", "-W", "-f=${Version}", "--", name).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("dpkg-query %s: %s", name, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("dpkg-query %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// ensureHeaders provides a cross build: the host's kbuild tools and the
// -common tree of the locked version (architecture-independent, or host
// tools), the cross compiler, and the target's own headers unpacked.
func (c *Config) ensureHeaders(ctx context.Context, e *Env) error {
	r := e.Resolution
	triplet, ok := gnuTriplet[r.Target.Arch]
	if !ok {
		return fmt.Errorf("no cross compiler known for %s", r.Target.Arch)
	}
	hdr, _ := r.Package(target.RoleHeaders)
	kb, ok1 := r.Package(target.RoleKbuild)
	common, ok2 := r.Package(target.RoleHeadersCommon)
	if !ok1 || !ok2 {
		return fmt.Errorf("the resolution has no %s or %s package", target.RoleKbuild, target.RoleHeadersCommon)
	}
	cross := r.Compiler() + "-" + triplet // gcc-12-aarch64-linux-gnu: $(CROSS_COMPILE)gcc-12
	if err := debpkg.Ensure(ctx, c.log(), "make", cross, kb.Name, common.Name); err != nil {
		return err
	}
	for _, p := range []target.Package{kb, common} {
		if err := checkInstalled(ctx, p); err != nil {
			return fmt.Errorf("%w (the host's %s must be the target's version)", err, p.Name)
		}
	}
	tree, err := c.unpackHeaders(ctx, hdr)
	if err != nil {
		return err
	}
	e.KDIR = filepath.Join(tree, "usr/src", hdr.Name)
	e.Arch = kernelArch[r.Target.Arch]
	e.CrossCompile = triplet + "-"
	return nil
}

func (c *Config) headersDir() (string, error) {
	if c.HeadersDir != "" {
		return c.HeadersDir, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "initsec", "headers"), nil
}

// unpackDone marks a complete tree; it holds the SHA256 of each .deb
// unpacked in it, one a line.
const unpackDone = ".initsec-unpacked"

// unpackHeaders returns the directory p's .deb (a linux-headers-RELEASE)
// is unpacked in under the headers cache. Its scripts and tools links are
// pointed at the host's /usr/lib/linux-kbuild-*: the package's own point
// there relatively, and the target's kbuild tools are of its
// architecture.
func (c *Config) unpackHeaders(ctx context.Context, p target.Package) (string, error) {
	dir, err := c.headersDir()
	if err != nil {
		return "", err
	}
	name := p.Name + "_" + strings.ReplaceAll(p.Version, ":", "%3a") + "_" + p.Arch
	return c.unpack(ctx, dir, name, []target.Package{p}, func(tree string) error {
		src := filepath.Join(tree, "usr/src", p.Name)
		for _, l := range []string{"scripts", "tools"} {
			link := filepath.Join(src, l)
			dest, err := os.Readlink(link)
			if err != nil {
				return fmt.Errorf("%s: %s: %w", p.Name, l, err)
			}
			if !filepath.IsAbs(dest) {
				// ../../lib/linux-kbuild-6.1/scripts, relative to /usr/src/NAME.
				dest = filepath.Join("/usr/src", p.Name, dest)
			}
			if err := os.Remove(link); err != nil {
				return err
			}
			if err := os.Symlink(dest, link); err != nil {
				return err
			}
		}
		return nil
	})
}

// unpack returns dir/name, where the .debs of pkgs are unpacked one over
// the other (dpkg-deb -x: nothing is installed on the host), downloading
// and unpacking them first unless a complete tree of the same packages
// (by SHA256) is there. fix, when not nil, finishes the tree before it is
// renamed into place. Processes unpacking the same name wait on an flock,
// and only the first downloads.
func (c *Config) unpack(ctx context.Context, dir, name string, pkgs []target.Package, fix func(tree string) error) (string, error) {
	final := filepath.Join(dir, name)
	var sums strings.Builder
	for _, p := range pkgs {
		sums.WriteString(p.SHA256 + "\n")
	}
	done := func() bool {
		b, err := os.ReadFile(filepath.Join(final, unpackDone))
		return err == nil && string(b) == sums.String()
	}
	if done() {
		return final, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockFile(ctx, filepath.Join(dir, "."+name+".lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if done() { // another process made it while this one waited
		return final, nil
	}
	tmp, err := os.MkdirTemp(dir, ".tmp-"+name+"-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	tree := filepath.Join(tmp, "tree")
	for _, p := range pkgs {
		deb := filepath.Join(tmp, p.Name+".deb")
		if err := c.download(ctx, p, deb); err != nil {
			return "", err
		}
		if out, err := exec.CommandContext(ctx, "dpkg-deb", "-x", deb, tree).CombinedOutput(); err != nil {
			return "", fmt.Errorf("dpkg-deb -x %s: %w: %s", p.Name, err, strings.TrimSpace(string(out)))
		}
		if err := os.Remove(deb); err != nil {
			return "", err
		}
	}
	if fix != nil {
		if err := fix(tree); err != nil {
			return "", err
		}
	}
	if err := os.WriteFile(filepath.Join(tree, unpackDone), []byte(sums.String()), 0o644); err != nil {
		return "", err
	}
	if err := os.RemoveAll(final); err != nil {
		return "", err
	}
	if err := os.Rename(tree, final); err != nil {
		return "", err
	}
	return final, nil
}

// lockFile takes an exclusive flock on path (made if missing), waiting
// for it until ctx ends, and returns its release.
func lockFile(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// download fetches p's .deb from the archive (the main mirror, then the
// security one: the lock names the pool file, not the suite) into path and
// checks its SHA256 against the lock.
func (c *Config) download(ctx context.Context, p target.Package, path string) error {
	if p.Filename == "" || p.SHA256 == "" {
		return fmt.Errorf("%s: the lock has no file name or SHA256 to download it by", p.Name)
	}
	mirrors := []string{c.Mirror, c.SecurityMirror}
	if mirrors[0] == "" {
		mirrors[0] = target.DefaultMirror
	}
	if mirrors[1] == "" {
		mirrors[1] = target.DefaultSecurityMirror
	}
	var errs []error
	for _, m := range mirrors {
		url := strings.TrimSuffix(m, "/") + "/" + p.Filename
		err := Fetch(ctx, url, path, p.SHA256)
		if err == nil {
			fmt.Fprintf(c.log(), "initsec: downloaded %s\n", url)
			return nil
		}
		errs = append(errs, err)
	}
	return fmt.Errorf("download %s %s: %w", p.Name, p.Version, errors.Join(errs...))
}

// maxDeb bounds a downloaded package.
const maxDeb = 1 << 30

// Fetch downloads url into path, at most maxDeb bytes, and checks its
// SHA256 against sum (hex): the archive's Packages index gives it, so a
// package fetched by its pool file name is the one the index (or a lock)
// names.
func Fetch(ctx context.Context, url, path, sum string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(f, h), io.LimitReader(resp.Body, maxDeb))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return fmt.Errorf("%s: SHA256 %s, the lock has %s", url, got, sum)
	}
	return nil
}

// buildRoles are the packages a build root is made with, at their locked
// versions; apt adds what they depend on.
var buildRoles = []target.Role{target.RoleHeaders, target.RoleHeadersCommon, target.RoleKbuild, target.RoleBase, target.RoleCompiler, target.RoleCompilerDep}

// RootSpec is the build root of r: its release's suite, the locked build
// packages as NAME=VERSION, make and perl, and the release's security
// suite.
func RootSpec(r target.Resolution, securityMirror string) (buildroot.Spec, error) {
	rel, ok := target.LookupRelease(r.Target.Release)
	if !ok {
		return buildroot.Spec{}, fmt.Errorf("unknown release %s", r.Target.Release)
	}
	if securityMirror == "" {
		securityMirror = target.DefaultSecurityMirror
	}
	// perl: kbuild's scripts/kernel-doc, which W=1 runs on every source
	// before 7.x, is a Perl script that needs more than apt's perl-base
	// (Pod::Usage); measured in a trixie root.
	spec := buildroot.Spec{Suite: rel.Codename, Arch: r.Target.Arch, Packages: []string{"make", "perl"}}
	for _, role := range buildRoles {
		if p, ok := r.Package(role); ok {
			spec.Packages = append(spec.Packages, p.Name+"="+p.Version)
		}
	}
	for _, s := range rel.Suites {
		if strings.HasSuffix(s, "-security") {
			spec.Sources = append(spec.Sources, "deb "+securityMirror+" "+s+" main")
		}
	}
	return spec, nil
}

// ensureRoot makes (or finds) the target's build root.
func (c *Config) ensureRoot(ctx context.Context, e *Env) error {
	spec, err := RootSpec(e.Resolution, c.SecurityMirror)
	if err != nil {
		return err
	}
	if c.Mirror != "" {
		spec.Mirror = c.Mirror
	}
	cache := c.Roots
	if cache == nil {
		cache = &buildroot.Cache{Log: c.Log}
	}
	root, err := cache.Ensure(ctx, spec)
	if err != nil {
		return err
	}
	e.Root = root
	e.KDIR = "/usr/src/linux-headers-" + e.Resolution.Kernel()
	return nil
}

// CleanHeaders removes the unpacked header trees.
func (c *Config) CleanHeaders() error {
	dir, err := c.headersDir()
	if err != nil {
		return err
	}
	return os.RemoveAll(dir)
}
