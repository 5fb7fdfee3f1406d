package target

import (
	"fmt"
	"slices"
	"strings"
)

// Target is one kernel a module is built for: a Debian release, a kernel
// series within it ("" for the release's default kernel) and an
// architecture. Its name is DISTRO-RELEASE/SERIES/ARCH or
// DISTRO-RELEASE/ARCH.
type Target struct {
	Release string // "debian-12", "debian-13", "debian-sid"
	Series  string // "6.1", "6.12"; "" for the release's default kernel
	Arch    string // Debian architecture: "amd64", "arm64"
}

// String returns the target's name.
func (t Target) String() string {
	if t.Series == "" {
		return t.Release + "/" + t.Arch
	}
	return t.Release + "/" + t.Series + "/" + t.Arch
}

// Release is a Debian release a target can name, and the suites of the
// archive its kernels come from.
type Release struct {
	Name     string   // "debian-12"
	Codename string   // "bookworm"
	Suites   []string // "bookworm", "bookworm-security": searched together, newest version wins
}

// Releases are the releases target names may use. Kernel updates of a
// stable release reach its -security suite first (Debian's security
// tracker; the 6.1 and 6.12 packages of bookworm-security are newer than
// bookworm's), so both are searched; sid has no security suite.
var Releases = []Release{
	{Name: "debian-12", Codename: "bookworm", Suites: []string{"bookworm", "bookworm-security"}},
	{Name: "debian-13", Codename: "trixie", Suites: []string{"trixie", "trixie-security"}},
	{Name: "debian-sid", Codename: "sid", Suites: []string{"sid"}},
}

// Architectures are the Debian architectures a target may name: those
// initsec builds (natively or cross) and boots.
var Architectures = []string{"amd64", "arm64"}

// Examples are target names known to resolve, listed in error hints.
var Examples = []string{
	"debian-12/6.1/amd64",
	"debian-12/6.12/amd64",
	"debian-13/amd64",
	"debian-sid/amd64",
	"debian-12/6.1/arm64",
}

// LookupRelease returns the release named name ("debian-12").
func LookupRelease(name string) (Release, bool) {
	for _, r := range Releases {
		if r.Name == name {
			return r, true
		}
	}
	return Release{}, false
}

// MaxNameLen bounds a target name; longer input is an error, not parsed.
const MaxNameLen = 64

// NameError is a malformed target name. Offset is the byte offset in the
// name of the part at fault.
type NameError struct {
	Name   string
	Offset int
	Msg    string
}

func (e *NameError) Error() string {
	return fmt.Sprintf("target %q: %s", e.Name, e.Msg)
}

// Hint lists the names that are known to work, for error messages.
func Hint() string {
	return "known targets: " + strings.Join(Examples, ", ") +
		" (DISTRO-RELEASE/SERIES/ARCH or DISTRO-RELEASE/ARCH for the release's default kernel)"
}

// ParseName parses a target name:
//
//	name    = release "/" [ series "/" ] arch
//	release = "debian-12" | "debian-13" | "debian-sid"   (see Releases)
//	series  = digits "." digits                          ("6.1", "6.12")
//	arch    = "amd64" | "arm64"                          (see Architectures)
//
// Nothing is trimmed or case-folded: a name is exactly one of these.
// Whether the release serves that series is the archive's to say (Resolve).
func ParseName(s string) (Target, error) {
	fail := func(off int, format string, args ...any) (Target, error) {
		return Target{}, &NameError{Name: s, Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
	if s == "" {
		return fail(0, "empty name")
	}
	if len(s) > MaxNameLen {
		return fail(MaxNameLen, "longer than %d bytes", MaxNameLen)
	}
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return fail(0, "want DISTRO-RELEASE/SERIES/ARCH or DISTRO-RELEASE/ARCH, have %d part(s)", len(parts))
	}
	off := 0
	var t Target
	rel := parts[0]
	if _, ok := LookupRelease(rel); !ok {
		names := make([]string, len(Releases))
		for i, r := range Releases {
			names[i] = r.Name
		}
		return fail(off, "unknown release %q (known: %s)", rel, strings.Join(names, ", "))
	}
	t.Release = rel
	off += len(rel) + 1
	if len(parts) == 3 {
		if !isSeries(parts[1]) {
			return fail(off, "series %q is not MAJOR.MINOR, as in 6.1 or 6.12", parts[1])
		}
		t.Series = parts[1]
		off += len(parts[1]) + 1
	}
	arch := parts[len(parts)-1]
	if !slices.Contains(Architectures, arch) {
		return fail(off, "unknown architecture %q (known: %s)", arch, strings.Join(Architectures, ", "))
	}
	t.Arch = arch
	return t, nil
}

// isSeries reports whether s is digits "." digits, without leading zeros.
func isSeries(s string) bool {
	maj, min, ok := strings.Cut(s, ".")
	return ok && isNumber(maj) && isNumber(min)
}

func isNumber(s string) bool {
	if s == "" || len(s) > 4 || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
