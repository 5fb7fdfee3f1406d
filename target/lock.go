package target

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// LockFile is the name of the lock file next to TargetsFile.
const LockFile = "initsec.targets.lock"

// ErrNoLock is returned by ReadLock when the directory has no lock file.
var ErrNoLock = errors.New("no " + LockFile)

// lockHeader opens every lock file WriteLock writes.
const lockHeader = `# initsec.targets.lock: the exact Debian packages each target of
# initsec.targets resolved to. Written by "initsec targets -update"; commit
# it, do not edit it. One package per line:
# TARGET ROLE PACKAGE VERSION ARCH SHA256 FILENAME
`

// Lock is a lock file's content: one resolution per target, sorted by
// target name, each with its packages in role order.
type Lock struct {
	Resolutions []Resolution
}

// Lookup returns the locked resolution of t.
func (l *Lock) Lookup(t Target) (Resolution, bool) {
	if l == nil {
		return Resolution{}, false
	}
	for _, r := range l.Resolutions {
		if r.Target == t {
			return r, true
		}
	}
	return Resolution{}, false
}

// FormatLock renders resolutions as a lock file: a fixed header, then one
// line per package, "TARGET ROLE PACKAGE VERSION ARCH SHA256 FILENAME",
// sorted by target name and then by role (the order of Roles). Every line
// names its target, so a diff of two locks reads on its own, as go.sum's
// does. Ended resolutions have no packages and are left out.
func FormatLock(rs []Resolution) []byte {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b Resolution) int { return strings.Compare(a.Target.String(), b.Target.String()) })
	var b bytes.Buffer
	b.WriteString(lockHeader)
	for _, r := range rs {
		ps := slices.Clone(r.Packages)
		sortPackages(ps)
		for _, p := range ps {
			fmt.Fprintf(&b, "%s %s %s %s %s %s %s\n", r.Target, p.Role, p.Name, p.Version, p.Arch, p.SHA256, p.Filename)
		}
	}
	return b.Bytes()
}

// WriteLock writes FormatLock(rs) to dir's lock file (through a temporary
// file and a rename, so a failed write leaves the old lock).
func WriteLock(dir string, rs []Resolution) error {
	path := filepath.Join(dir, LockFile)
	tmp, err := os.CreateTemp(dir, LockFile+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(FormatLock(rs)); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ReadLock reads dir's lock file; ErrNoLock (wrapped) when there is none.
func ReadLock(dir string) (*Lock, error) {
	path := filepath.Join(dir, LockFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoLock)
	}
	if err != nil {
		return nil, err
	}
	return ParseLock(path, data)
}

var (
	sha256Hex    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{64}$`) })
	debVersion   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]+:)?[0-9][A-Za-z0-9.+~:-]*$`) })
	archiveField = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_./+~-]+$`) })
)

// MaxLockSize bounds a lock file.
const MaxLockSize = 1 << 20

// ParseLock parses a lock file as FormatLock writes it. Lines starting
// with '#' and blank lines are skipped; every other line has exactly the
// seven fields, a known target and role, at most one package per target
// and role, a Debian version, 64 hex digits of SHA256 and a pool path.
// Errors are file:line:col. The order of lines does not matter.
func ParseLock(file string, data []byte) (*Lock, error) {
	if len(data) > MaxLockSize {
		return nil, &SyntaxError{File: file, Line: 1, Col: 1, Err: fmt.Errorf("larger than %d bytes", MaxLockSize)}
	}
	byTarget := map[Target]*Resolution{}
	seen := map[[2]string]int{}
	for i, raw := range bytes.Split(data, []byte("\n")) {
		line := strings.TrimSuffix(string(raw), "\r")
		lineNo := i + 1
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, " ")
		cols := make([]int, len(fields))
		for k, c := 1, 1; k < len(fields); k++ {
			c += len(fields[k-1]) + 1
			cols[k] = c
		}
		cols[0] = 1
		fail := func(k int, format string, args ...any) (*Lock, error) {
			return nil, &SyntaxError{File: file, Line: lineNo, Col: cols[k], Err: fmt.Errorf(format, args...)}
		}
		if len(fields) != 7 {
			return fail(0, "want 7 space-separated fields (TARGET ROLE PACKAGE VERSION ARCH SHA256 FILENAME), have %d", len(fields))
		}
		t, err := ParseName(fields[0])
		if err != nil {
			return fail(0, "%v", err)
		}
		role := Role(fields[1])
		if !slices.Contains(Roles, role) {
			return fail(1, "unknown role %q", fields[1])
		}
		if prev, dup := seen[[2]string{fields[0], fields[1]}]; dup {
			return fail(1, "second %s package for %s (first on line %d)", role, t, prev)
		}
		seen[[2]string{fields[0], fields[1]}] = lineNo
		p := Package{Role: role, Name: fields[2], Version: fields[3], Arch: fields[4], SHA256: fields[5], Filename: fields[6]}
		switch {
		case !validPackageName(p.Name):
			return fail(2, "invalid package name %q", p.Name)
		case !debVersion().MatchString(p.Version):
			return fail(3, "invalid version %q", p.Version)
		case p.Arch != t.Arch && p.Arch != "all":
			return fail(4, "architecture %q for a %s target", p.Arch, t.Arch)
		case !sha256Hex().MatchString(p.SHA256):
			return fail(5, "SHA256 is not 64 lower-case hex digits")
		case !archiveField().MatchString(p.Filename) || !strings.HasSuffix(p.Filename, ".deb"):
			return fail(6, "invalid archive path %q", p.Filename)
		}
		r := byTarget[t]
		if r == nil {
			r = &Resolution{Target: t}
			byTarget[t] = r
		}
		r.Packages = append(r.Packages, p)
	}
	l := &Lock{}
	for _, r := range byTarget {
		sortPackages(r.Packages)
		l.Resolutions = append(l.Resolutions, *r)
	}
	slices.SortFunc(l.Resolutions, func(a, b Resolution) int { return strings.Compare(a.Target.String(), b.Target.String()) })
	return l, nil
}
