package target

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Defaults for APT.
const (
	DefaultMirror         = "http://deb.debian.org/debian"
	DefaultSecurityMirror = "http://deb.debian.org/debian-security"
	DefaultKeyring        = "/usr/share/keyrings/debian-archive-keyring.gpg"
)

// APT is a Source backed by apt-get and apt-cache with a private state
// directory per release under Dir: its own apt.conf (passed as
// APT_CONFIG, so the system's apt.conf.d, sources, preferences, lists,
// package cache and dpkg status are never read or written), sources.list,
// lists and cache. Open runs apt-get update there (only changed indexes
// are downloaded), with Acquire::Check-Valid-Until=false: the archive may
// be a snapshot whose Release files are past their Valid-Until. Each
// suite's InRelease must verify with Keyring (sources are signed-by it);
// a failure is an error, never a fallback to unsigned lists.
type APT struct {
	Dir            string    // state root; default: UserCacheDir()/initsec/apt
	Mirror         string    // default DefaultMirror
	SecurityMirror string    // for SUITE-security; default DefaultSecurityMirror
	Keyring        string    // default DefaultKeyring
	NoUpdate       bool      // use the lists already in Dir (error if there are none)
	Log            io.Writer // apt-get's output; nil discards it
}

// DefaultAPTDir is APT's default Dir.
func DefaultAPTDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "initsec", "apt"), nil
}

func (a *APT) defaults() (APT, error) {
	c := *a
	if c.Dir == "" {
		d, err := DefaultAPTDir()
		if err != nil {
			return c, err
		}
		c.Dir = d
	}
	if c.Mirror == "" {
		c.Mirror = DefaultMirror
	}
	if c.SecurityMirror == "" {
		c.SecurityMirror = DefaultSecurityMirror
	}
	if c.Keyring == "" {
		c.Keyring = DefaultKeyring
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	return c, nil
}

// Open prepares rel's private state for archs, updates its lists unless
// NoUpdate, and returns an Index that asks apt-cache.
func (a *APT) Open(ctx context.Context, rel Release, archs []string) (Index, error) {
	c, err := a.defaults()
	if err != nil {
		return nil, err
	}
	if len(archs) == 0 {
		return nil, errors.New("no architectures")
	}
	if _, err := os.Stat(c.Keyring); err != nil {
		return nil, fmt.Errorf("keyring: %w (Debian's debian-archive-keyring package)", err)
	}
	dir := filepath.Join(c.Dir, rel.Codename)
	for _, d := range []string{"etc/apt.conf.d", "etc/preferences.d", "etc/sources.list.d", "etc/trusted.gpg.d", "lists/partial", "cache/archives/partial"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	var sources strings.Builder
	for _, s := range rel.Suites {
		uri := c.Mirror
		if strings.HasSuffix(s, "-security") {
			uri = c.SecurityMirror
		}
		fmt.Fprintf(&sources, "deb [arch=%s signed-by=%s] %s %s main\n", strings.Join(archs, ","), c.Keyring, uri, s)
	}
	// APT::Sandbox::User root: as root, apt-get update drops to the _apt
	// user to download, which cannot write into this private directory
	// (under root's home), and says so with a "W:" line that Open treats as
	// an error. The files are verified the same way either way.
	conf := fmt.Sprintf(`// Private apt configuration written by initsec (package target).
Dir::Etc "%[1]s/etc";
Dir::Etc::Parts "%[1]s/etc/apt.conf.d";
Dir::Etc::SourceList "%[1]s/etc/sources.list";
Dir::Etc::SourceParts "%[1]s/etc/sources.list.d";
Dir::Etc::Preferences "%[1]s/etc/preferences";
Dir::Etc::PreferencesParts "%[1]s/etc/preferences.d";
Dir::Etc::TrustedParts "%[1]s/etc/trusted.gpg.d";
Dir::State "%[1]s";
Dir::State::Lists "%[1]s/lists";
Dir::State::status "%[1]s/status";
Dir::Cache "%[1]s/cache";
Debug::NoLocking "true";
Acquire::Check-Valid-Until "false";
Acquire::Languages "none";
APT::Sandbox::User "root";
APT::Architecture "%[2]s";
APT::Architectures { %[3]s };
`, dir, archs[0], `"`+strings.Join(archs, `"; "`)+`";`)
	files := map[string]string{
		"etc/sources.list": sources.String(),
		"apt.conf":         conf,
	}
	for name, content := range files {
		if err := writeIfChanged(filepath.Join(dir, name), content); err != nil {
			return nil, err
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "status")); err != nil {
		if err := os.WriteFile(filepath.Join(dir, "status"), nil, 0o644); err != nil {
			return nil, err
		}
	}
	ix := &aptIndex{conf: filepath.Join(dir, "apt.conf")}
	if c.NoUpdate {
		if m, _ := filepath.Glob(filepath.Join(dir, "lists", "*Packages*")); len(m) == 0 {
			return nil, fmt.Errorf("%s: no package lists in %s (run without NoUpdate once)", rel.Name, dir)
		}
		return ix, nil
	}
	out, err := ix.run(ctx, "apt-get", "update")
	c.Log.Write(out)
	if err != nil {
		return nil, fmt.Errorf("%s: apt-get update: %w", rel.Name, err)
	}
	// apt-get update exits 0 when a source fails to verify but others
	// succeed ("W: GPG error", "W: The repository … is not signed"): those
	// lists would silently be missing, so any such warning is an error.
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "W:") || strings.HasPrefix(line, "E:") || strings.HasPrefix(line, "Err:") {
			return nil, fmt.Errorf("%s: apt-get update: %s", rel.Name, strings.TrimSpace(line))
		}
	}
	return ix, nil
}

func writeIfChanged(path, content string) error {
	if b, err := os.ReadFile(path); err == nil && string(b) == content {
		return nil
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

// aptIndex answers with apt-cache show under a private APT_CONFIG.
type aptIndex struct {
	conf string
}

func (ix *aptIndex) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "APT_CONFIG="+ix.conf, "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if name == "apt-get" {
		// apt-get update's progress goes to stdout, warnings to stderr:
		// keep them in order enough for the log and the warning scan.
		stdout.Write(stderr.Bytes())
		if err != nil {
			return stdout.Bytes(), fmt.Errorf("%w\n%s", err, tail(stdout.String(), 20))
		}
		return stdout.Bytes(), nil
	}
	if err != nil {
		// apt-cache show exits 100 when none of the names exist.
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 100 && stdout.Len() == 0 && strings.Contains(stderr.String(), "No packages found") {
			return nil, nil
		}
		return nil, fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// show runs apt-cache show for each name both as NAME:ARCH and as NAME
// (an Architecture: all package is not found under a foreign
// architecture's qualifier) and keeps the paragraphs for arch or "all".
func (ix *aptIndex) show(ctx context.Context, arch string, names []string, candidateOnly bool) ([]Stanza, error) {
	if len(names) == 0 {
		return nil, nil
	}
	args := []string{"show"}
	if candidateOnly {
		args = append(args, "--no-all-versions")
	}
	for _, n := range names {
		if !validPackageName(n) {
			return nil, fmt.Errorf("invalid package name %q", n)
		}
		args = append(args, n+":"+arch, n)
	}
	out, err := ix.run(ctx, "apt-cache", args...)
	if err != nil {
		return nil, err
	}
	stanzas, err := parseStanzas(out)
	if err != nil {
		return nil, fmt.Errorf("apt-cache show: %w", err)
	}
	var keep []Stanza
	seen := map[[3]string]bool{}
	for _, s := range stanzas {
		k := [3]string{s.Package, s.Version, s.Architecture}
		if (s.Architecture == arch || s.Architecture == "all") && !seen[k] {
			seen[k] = true
			keep = append(keep, s)
		}
	}
	return keep, nil
}

func (ix *aptIndex) Candidates(ctx context.Context, arch string, names []string) (map[string]Stanza, error) {
	stanzas, err := ix.show(ctx, arch, names, true)
	if err != nil {
		return nil, err
	}
	out := map[string]Stanza{}
	for _, s := range stanzas {
		if prev, ok := out[s.Package]; !ok || CompareVersions(s.Version, prev.Version) > 0 {
			out[s.Package] = s
		}
	}
	return out, nil
}

func (ix *aptIndex) Versions(ctx context.Context, arch string, names []string) (map[string][]Stanza, error) {
	stanzas, err := ix.show(ctx, arch, names, false)
	if err != nil {
		return nil, err
	}
	out := map[string][]Stanza{}
	for _, s := range stanzas {
		out[s.Package] = append(out[s.Package], s)
	}
	return out, nil
}

// validPackageName is Debian Policy 5.6.1: lower-case letters, digits,
// '+', '-', '.', at least two characters, starting alphanumeric. Checked
// before a name reaches a command line.
func validPackageName(s string) bool {
	if len(s) < 2 || len(s) > 200 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', isDigit(c):
		case (c == '+' || c == '-' || c == '.') && i > 0:
		default:
			return false
		}
	}
	return true
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
