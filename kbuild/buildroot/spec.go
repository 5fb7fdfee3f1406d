package buildroot

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Spec says what a build root holds. Two Specs with the same Key share a
// root.
type Spec struct {
	// Suite is the Debian suite or codename mmdebstrap installs: "sid",
	// "trixie", "unstable".
	Suite string

	// Arch is the Debian architecture of the root ("amd64"); "" means this
	// machine's. A root of another architecture would need binfmt emulation
	// to run make in, which this package does not set up.
	Arch string

	// Packages are installed on top of apt's essential set (mmdebstrap
	// --variant=apt), each an exact Debian package name, optionally
	// NAME=VERSION. Their order does not matter. Metapackages work but pin
	// nothing: the root keeps what they resolved to when it was made.
	Packages []string

	// Mirror is the archive's URL; "" means mmdebstrap's default
	// (http://deb.debian.org/debian).
	Mirror string

	// Sources are further apt sources, each a one-line sources.list entry
	// ("deb http://deb.debian.org/debian-security trixie-security main"),
	// for packages the suite alone does not have: a stable release's kernel
	// updates reach SUITE-security first. They are passed to mmdebstrap
	// after the mirror (Mirror, or mmdebstrap's default named explicitly,
	// since any source given replaces the default).
	Sources []string
}

// keyVersion changes when the way a root is made changes (mmdebstrap's
// options), so roots made the old way are not reused.
const keyVersion = "initsec-buildroot/1 variant=apt"

var (
	validSuite   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9.-]*$`) })
	validArch    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`) })
	validPackage = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?$`) }) // Debian policy 5.6.1, with :ARCH
	validVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9][A-Za-z0-9.+~:-]*$`) })             // Debian policy 5.6.12
	validMirror  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(https?|file)://[^\s,]+$`) })
	validSource  = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^deb (\[[a-z0-9=,. /_-]+\] )?(https?|file)://[^\s,]+ [a-z][a-z0-9./-]*( [a-z][a-z0-9-]*)+$`)
	})
)

// DefaultMirror is the archive mmdebstrap uses when Spec.Mirror is empty.
const DefaultMirror = "http://deb.debian.org/debian"

// normalize checks s and returns it with Arch filled in and Packages
// sorted and without duplicates.
func (s Spec) normalize() (Spec, error) {
	if !validSuite().MatchString(s.Suite) {
		return s, fmt.Errorf("build root: suite %q: want a Debian suite or codename such as sid or trixie", s.Suite)
	}
	if s.Arch == "" {
		s.Arch = debianArch(runtime.GOARCH)
	}
	if !validArch().MatchString(s.Arch) {
		return s, fmt.Errorf("build root: architecture %q: want a Debian architecture such as amd64", s.Arch)
	}
	if s.Mirror != "" && !validMirror().MatchString(s.Mirror) {
		return s, fmt.Errorf("build root: mirror %q: want an http, https or file URL", s.Mirror)
	}
	for _, src := range s.Sources {
		if !validSource().MatchString(src) {
			return s, fmt.Errorf("build root: source %q: want one sources.list line, \"deb URI SUITE COMPONENT...\"", src)
		}
	}
	if len(s.Packages) == 0 {
		return s, fmt.Errorf("build root %s: no packages: name at least make, the compiler and the kernel headers", s.Suite)
	}
	pkgs := slices.Clone(s.Packages)
	for _, p := range pkgs {
		name, version, hasVersion := strings.Cut(p, "=")
		if !validPackage().MatchString(name) || hasVersion && !validVersion().MatchString(version) {
			return s, fmt.Errorf("build root %s: package %q: want a Debian package name, optionally NAME=VERSION", s.Suite, p)
		}
	}
	slices.Sort(pkgs)
	s.Packages = slices.Compact(pkgs)
	return s, nil
}

// Key is the digest naming s's root: the suite, architecture, mirror and
// sorted package list, hashed with SHA-256, as "SUITE-ARCH-HEX16". s must be
// valid.
func (s Spec) Key() (string, error) {
	n, err := s.normalize()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\nsuite=%s\narch=%s\nmirror=%s\n", keyVersion, n.Suite, n.Arch, n.Mirror)
	for _, p := range n.Packages {
		fmt.Fprintf(h, "package=%s\n", p)
	}
	for _, src := range n.Sources { // none: the keys of roots made before Sources existed
		fmt.Fprintf(h, "source=%s\n", src)
	}
	return n.Suite + "-" + n.Arch + "-" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

// debianArch maps GOARCH to Debian's architecture name.
func debianArch(goarch string) string {
	switch goarch {
	case "386":
		return "i386"
	case "arm":
		return "armhf"
	case "ppc64le":
		return "ppc64el"
	case "mips64le":
		return "mips64el"
	case "loong64":
		return "loong64"
	}
	return goarch // amd64, arm64, riscv64, s390x
}
