package boottest

import (
	"context"
	"debug/elf"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/initsec/initsec/internal/dev/testenv"
)

// requireGo returns the go command, skipping (failing under CI=true)
// without one.
func requireGo(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		testenv.SkipOrFail(t, "no go command: %v", err)
	}
	return goCmd
}

// guestTestEnv gives the test a fresh, empty guest cache (under a new
// XDG_CACHE_HOME) while Go's build cache stays where it is, so that the
// standard library is not compiled again. It returns the guest cache.
func guestTestEnv(t *testing.T, goCmd string) string {
	t.Helper()
	gocache, err := exec.Command(goCmd, "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOCACHE", strings.TrimSpace(string(gocache)))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	cache, err := GuestCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	return cache
}

// TestGuestImportsOnlyStd: the guest and what it imports from this module
// use nothing but the standard library, so that any Go toolchain builds it
// with no download, and each package of this module it imports is among
// the embedded sources (the build would fail without it).
func TestGuestImportsOnlyStd(t *testing.T) {
	goCmd := requireGo(t)
	embedded := map[string]bool{}
	files, err := guestTree("go1.26.0")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.name != "go.mod" {
			embedded[guestModule+"/"+path.Dir(f.name)] = true
		}
	}
	for _, goarch := range []string{"amd64", "arm64"} {
		cmd := exec.Command(goCmd, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./guest")
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v", cmd.Args, err)
		}
		deps := strings.Fields(string(out))
		slices.Sort(deps)
		want := []string{GuestPackage, guestModule + "/boottest/internal/wire"}
		if !slices.Equal(deps, want) {
			t.Errorf("linux/%s: the guest's packages outside the standard library are %v, want only %v", goarch, deps, want)
		}
		for _, d := range deps {
			if !embedded[d] {
				t.Errorf("linux/%s: the guest imports %s, whose sources are not embedded (guestSources)", goarch, d)
			}
		}
	}
}

// hostileGoEnv sets, for the test, everything in the environment that
// would break or change a go build run as the caller's environment has it.
func hostileGoEnv(t *testing.T) {
	for k, v := range map[string]string{
		"GOFLAGS": "-modfile=/nonexistent/go.mod -mod=vendor", "GOWORK": "/nonexistent/go.work",
		"GO111MODULE": "off", "GOOS": "windows", "GOARCH": "386", "CGO_ENABLED": "1",
		"GOTOOLCHAIN": "go1.99.0", "GOPROXY": "https://proxy.invalid", "GOAMD64": "v4",
	} {
		t.Setenv(k, v)
	}
}

// checkStaticELF fails the test unless p is a static Linux executable for
// machine.
func checkStaticELF(t *testing.T, p string, machine elf.Machine) {
	t.Helper()
	f, err := elf.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != machine || f.Type != elf.ET_EXEC || f.Class != elf.ELFCLASS64 {
		t.Errorf("%s: %v %v %v, want ELFCLASS64 ET_EXEC %v", p, f.Class, f.Type, f.Machine, machine)
	}
	for _, ph := range f.Progs {
		if ph.Type == elf.PT_INTERP || ph.Type == elf.PT_DYNAMIC {
			t.Errorf("%s: has %v: not static", p, ph.Type)
		}
	}
}

// TestBuildGuestOutsideModule builds the guest as an installed initsec
// does: from a directory outside any module, with an environment that
// would break a plain `go build`. Each result is a static ELF of its
// machine, kept in the guest cache; the amd64 one runs here and refuses to
// act outside PID 1.
func TestBuildGuestOutsideModule(t *testing.T) {
	goCmd := requireGo(t)
	cache := guestTestEnv(t, goCmd)
	hostileGoEnv(t)
	t.Chdir(t.TempDir())
	for goarch, machine := range map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64} {
		dir := t.TempDir()
		p, err := BuildGuestFor(context.Background(), dir, goarch)
		if err != nil {
			t.Fatalf("%s: %v", goarch, err)
		}
		if filepath.Dir(p) != cache || !strings.HasPrefix(filepath.Base(p), "init-") || !strings.Contains(filepath.Base(p), "-"+goarch+"-go") {
			t.Errorf("%s: guest at %s, want init-DIGEST-%s-goVERSION in %s", goarch, p, goarch, cache)
		}
		checkStaticELF(t, p, machine)
		if goarch != "amd64" {
			continue
		}
		out, err := exec.Command(p).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "runs only as PID 1") {
			t.Errorf("running the guest outside PID 1: %v, %q; want exit status 2 and the refusal", err, out)
		}
	}
	ents, _ := os.ReadDir(cache)
	if len(ents) != 2 {
		t.Errorf("guest cache holds %d entries, want the 2 guests (no leftovers)", len(ents))
	}
}

// goLogger puts in front of $PATH a `go` that logs its arguments to the
// returned file, then runs the real go.
func goLogger(t *testing.T, goCmd string) string {
	t.Helper()
	bin := t.TempDir()
	log := filepath.Join(bin, "calls")
	script := "#!/bin/sh\necho \"$*\" >> '" + log + "'\nexec '" + goCmd + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return log
}

// goCalls returns the go commands run so far (first two words each), and
// forgets them.
func goCalls(t *testing.T, log string) []string {
	t.Helper()
	b, err := os.ReadFile(log)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	os.Remove(log)
	var calls []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if f := strings.Fields(l); len(f) >= 2 {
			calls = append(calls, f[0]+" "+f[1])
		}
	}
	return calls
}

// TestBuildGuestCacheHit: a second build of the same guest only asks go
// its version and returns the cached file untouched; a damaged cache
// entry is built again.
func TestBuildGuestCacheHit(t *testing.T) {
	goCmd := requireGo(t)
	guestTestEnv(t, goCmd)
	log := goLogger(t, goCmd)
	ctx := context.Background()
	p, err := BuildGuestFor(ctx, t.TempDir(), "arm64")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := goCalls(t, log), []string{"env GOVERSION", "build -trimpath"}; !slices.Equal(got, want) {
		t.Errorf("first build ran go %q, want %q", got, want)
	}
	before, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}

	p2, err := BuildGuestFor(ctx, t.TempDir(), "arm64")
	if err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(p2)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := goCalls(t, log), []string{"env GOVERSION"}; !slices.Equal(got, want) {
		t.Errorf("cache hit ran go %q, want %q", got, want)
	}
	if p2 != p || !os.SameFile(before, after) || after.Size() != before.Size() || after.ModTime().Before(before.ModTime()) {
		t.Errorf("cache hit returned %s (%v), want %s, the same file, its time refreshed", p2, after.ModTime(), p)
	}

	// A rebuild prunes the guests no boot used for 30 days, and only them.
	cache := filepath.Dir(p)
	stale, recent := filepath.Join(cache, "init-0ld-arm64-go1.22.0"), filepath.Join(cache, "init-0ld-amd64-go1.25.0")
	for f, age := range map[string]time.Duration{stale: 31 * 24 * time.Hour, recent: 29 * 24 * time.Hour} {
		if err := os.WriteFile(f, []byte("an older version's guest"), 0o755); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-age)
		if err := os.Chtimes(f, old, old); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(p, []byte("not an ELF file"), 0o755); err != nil {
		t.Fatal(err)
	}
	if p3, err := BuildGuestFor(ctx, t.TempDir(), "arm64"); err != nil || p3 != p {
		t.Fatalf("after damage: %s, %v; want %s rebuilt", p3, err, p)
	}
	if got, want := goCalls(t, log), []string{"env GOVERSION", "build -trimpath"}; !slices.Equal(got, want) {
		t.Errorf("damaged entry: go %q, want %q", got, want)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a guest unused for 31 days is still there: %v", err)
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("a guest used 29 days ago was removed: %v", err)
	}
	checkStaticELF(t, p, elf.EM_AARCH64)
}

// TestBuildGuestNoGo: without a go command in $PATH the build fails,
// naming what it needs, and writes nothing.
func TestBuildGuestNoGo(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("PATH", t.TempDir())
	dir := t.TempDir()
	p, err := BuildGuestFor(context.Background(), dir, "amd64")
	const want = "build guest init: needs a Go toolchain (go 1.22 or later) as `go` in $PATH, or a prebuilt guest (Config.GuestInit): "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, exec.ErrNotFound) {
		t.Fatalf("BuildGuestFor = %q, %v; want an error starting %q (exec.ErrNotFound)", p, err, want)
	}
	for _, d := range []string{dir, os.Getenv("XDG_CACHE_HOME")} {
		if ents, _ := os.ReadDir(d); len(ents) != 0 {
			t.Errorf("%s: %d entries written", d, len(ents))
		}
	}
}

// TestBuildGuestNoCacheDir: with no user cache directory (neither
// XDG_CACHE_HOME nor HOME) the guest is built into the directory given.
func TestBuildGuestNoCacheDir(t *testing.T) {
	goCmd := requireGo(t)
	guestTestEnv(t, goCmd) // keeps GOCACHE, which go needs
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "")
	dir := t.TempDir()
	p, err := BuildGuestFor(context.Background(), dir, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if p != filepath.Join(dir, "init") {
		t.Errorf("guest at %s, want %s", p, filepath.Join(dir, "init"))
	}
	checkStaticELF(t, p, elf.EM_X86_64)
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%s holds %d entries, want only init", dir, len(ents))
	}
}

// TestBuildGuestUnknownArch: a GOARCH boottest does not boot is refused
// before anything runs.
func TestBuildGuestUnknownArch(t *testing.T) {
	_, err := BuildGuestFor(context.Background(), t.TempDir(), "riscv64")
	if err == nil || err.Error() != `build guest init: GOARCH "riscv64": the guest is built for amd64, arm64` {
		t.Fatalf("err = %v", err)
	}
}

func TestGoModVersion(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"go1.26.8", "1.26.8", ""},
		{"go1.22.0", "1.22.0", ""},
		{"go1.23rc1", "1.23rc1", ""},
		{"devel go1.27-abcdef Tue Jan 1 00:00:00 2027 +0000", "1.27", ""},
		{"go1.21.13", "", "build guest init: go1.21.13 is too old: the guest needs go 1.22 or later"},
		{"", "", `build guest init: go version "": not a Go release`},
	} {
		got, err := goModVersion(c.in)
		if got != c.want || (err == nil) != (c.err == "") || err != nil && err.Error() != c.err {
			t.Errorf("goModVersion(%q) = %q, %v; want %q, %q", c.in, got, err, c.want, c.err)
		}
	}
}

// TestGuestKey: the cache key changes with any byte of the sources, the
// GOARCH and the Go version, and only with them.
func TestGuestKey(t *testing.T) {
	files, err := guestTree("go1.26.8")
	if err != nil {
		t.Fatal(err)
	}
	base := guestKey(files, "amd64", "go1.26.8")
	if again := guestKey(files, "amd64", "go1.26.8"); again != base {
		t.Errorf("same inputs, keys %s and %s", base, again)
	}
	edited := slices.Clone(files)
	last := &edited[len(edited)-1]
	last.data = append(slices.Clone(last.data), ' ')
	for name, k := range map[string]string{
		"one byte more": guestKey(edited, "amd64", "go1.26.8"),
		"arm64":         guestKey(files, "arm64", "go1.26.8"),
		"go1.26.9":      guestKey(files, "amd64", "go1.26.9"),
	} {
		if k == base {
			t.Errorf("%s: key unchanged (%s)", name, k)
		}
	}
	if !strings.HasSuffix(base, "-amd64-go1.26.8") || strings.ContainsAny(base, "/ ") {
		t.Errorf("key %q: want init-DIGEST-amd64-go1.26.8", base)
	}
}
