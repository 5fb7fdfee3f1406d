package modpost

import (
	"cmp"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// KernelVersion is an upstream kernel version, VERSION.PATCHLEVEL.SUBLEVEL
// in the top Makefile's words.
type KernelVersion struct {
	Version, PatchLevel, SubLevel int
}

func (v KernelVersion) String() string {
	return fmt.Sprintf("%d.%d.%d", v.Version, v.PatchLevel, v.SubLevel)
}

// Compare returns -1, 0 or +1 as v is older than, equal to or newer than w.
func (v KernelVersion) Compare(w KernelVersion) int {
	if c := cmp.Compare(v.Version, w.Version); c != 0 {
		return c
	}
	if c := cmp.Compare(v.PatchLevel, w.PatchLevel); c != 0 {
		return c
	}
	return cmp.Compare(v.SubLevel, w.SubLevel)
}

// Less reports whether v is older than w.
func (v KernelVersion) Less(w KernelVersion) bool { return v.Compare(w) < 0 }

var versionPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?`) })

// ParseKernelVersion reads the leading "X.Y" or "X.Y.Z" of a version or
// release string ("6.1", "6.1.192", "6.1.0-56-amd64", "6.12.0-rc1+",
// "6.19-rc3"); what follows is ignored. X, Y and Z are decimal digits only
// (no sign, no "v" prefix).
func ParseKernelVersion(s string) (KernelVersion, error) {
	m := versionPrefix().FindStringSubmatch(s)
	if m == nil {
		return KernelVersion{}, fmt.Errorf("kernel version %q: want X.Y or X.Y.Z", s)
	}
	var v KernelVersion
	var err error
	if v.Version, err = strconv.Atoi(m[1]); err != nil {
		return KernelVersion{}, fmt.Errorf("kernel version %q: %w", s, err)
	}
	if v.PatchLevel, err = strconv.Atoi(m[2]); err != nil {
		return KernelVersion{}, fmt.Errorf("kernel version %q: %w", s, err)
	}
	if m[3] != "" {
		if v.SubLevel, err = strconv.Atoi(m[3]); err != nil {
			return KernelVersion{}, fmt.Errorf("kernel version %q: %w", s, err)
		}
	}
	return v, nil
}

// CompareReleases orders kernel release strings as versions: runs of digits
// compare numerically, other runs byte-wise ("6.1.0-9" < "6.1.0-56" <
// "6.12.1").
func CompareReleases(a, b string) int {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if da != db {
			if da {
				return 1 // "6.1.0-1" vs "6.1.0-rc": a number sorts after text
			}
			return -1
		}
		ra, rb := leadingRun(a, da), leadingRun(b, db)
		if da {
			na, nb := strings.TrimLeft(ra, "0"), strings.TrimLeft(rb, "0")
			if len(na) != len(nb) {
				return cmp.Compare(len(na), len(nb))
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
		} else if c := strings.Compare(ra, rb); c != 0 {
			return c
		}
		a, b = a[len(ra):], b[len(rb):]
	}
	return cmp.Compare(len(a), len(b))
}

func leadingRun(s string, digits bool) string {
	i := 0
	for i < len(s) && isDigit(s[i]) == digits {
		i++
	}
	return s[:i]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
