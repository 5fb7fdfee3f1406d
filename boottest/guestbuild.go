package boottest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// GuestPackage is the import path of the guest /init program.
const GuestPackage = "github.com/initsec/initsec/boottest/guest"

// guestSources are the guest's source files, and those of the one package
// of this module it imports, at their paths below boottest/. They are
// built where they are written, not where initsec runs: an installed
// initsec builds its guest in any directory.
//
//go:embed guest/*.go internal/wire/*.go
var guestSources embed.FS

// guestModule is the module path of the directory the guest is built in:
// this module's own, so that the sources are written byte for byte as they
// are here and their imports resolve inside it.
const guestModule = "github.com/initsec/initsec"

// minGuestMinor is the oldest Go that builds the guest, go 1.22 (range
// over an int).
const minGuestMinor = 22

// guestBuildFlags are the flags of `go build`, part of the cache key.
var guestBuildFlags = []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w"}

// BuildGuest is BuildGuestFor amd64.
func BuildGuest(ctx context.Context, dir string) (string, error) {
	return BuildGuestFor(ctx, dir, "amd64")
}

// BuildGuestFor returns the path of the guest /init for GOARCH goarch (a
// static linux binary; amd64 or arm64), building it on first use.
//
// It writes the guest's embedded sources with a go.mod naming the go
// command's own version into a temporary directory and runs `go build`
// there with CGO_ENABLED=0 GOOS=linux GOARCH=goarch, whatever the current
// directory (see guestEnv for the environment). The binary is kept in
// GuestCacheDir, keyed by the sources' digest, goarch and the Go version,
// so a later boot does not rebuild; when no cache directory can be had it
// is built into dir. It needs a go command (Go 1.22 or later) in $PATH and
// nothing from the network; without one the error says so.
func BuildGuestFor(ctx context.Context, dir, goarch string) (string, error) {
	machine, err := guestMachine(goarch)
	if err != nil {
		return "", err
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("build guest init: needs a Go toolchain (go 1.%d or later) as `go` in $PATH, or a prebuilt guest (Config.GuestInit): %w", minGuestMinor, err)
	}
	ver, err := goVersion(ctx, goCmd, goarch)
	if err != nil {
		return "", err
	}
	files, err := guestTree(ver)
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "init")
	if cache, err := GuestCacheDir(); err == nil {
		out = filepath.Join(cache, guestKey(files, goarch, ver))
		if checkGuestELF(out, machine) == nil {
			now := time.Now()
			os.Chtimes(out, now, now) // used: see pruneGuestCache
			return out, nil
		}
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return "", fmt.Errorf("build guest init: %w", err)
		}
		defer pruneGuestCache(cache, time.Now())
	}
	if err := buildGuest(ctx, goCmd, files, goarch, machine, out); err != nil {
		return "", err
	}
	return out, nil
}

// guestCacheKeep is how long a cached guest that no boot used is kept.
// Each initsec version and Go version builds its own (1.5-2.5 MB); one
// unused this long belongs to a version no longer run here.
const guestCacheKeep = 30 * 24 * time.Hour

// pruneGuestCache removes the guests in cache that no boot has used for
// guestCacheKeep before now (a hit refreshes the file's time). It runs
// when a new guest is built, the one time a version change shows; errors
// only leave a file behind.
func pruneGuestCache(cache string, now time.Time) {
	ents, err := os.ReadDir(cache)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), "init-") || !e.Type().IsRegular() {
			continue
		}
		if fi, err := e.Info(); err == nil && now.Sub(fi.ModTime()) > guestCacheKeep {
			os.Remove(filepath.Join(cache, e.Name()))
		}
	}
}

// GuestCacheDir is where BuildGuestFor keeps built guests:
// os.UserCacheDir()/initsec/guest.
func GuestCacheDir() (string, error) {
	c, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(c, "initsec", "guest"), nil
}

// guestMachine returns the ELF machine of goarch's guest.
func guestMachine(goarch string) (elf.Machine, error) {
	var known []string
	for _, a := range Arches {
		if a.GOARCH == goarch {
			return a.ELFMachine, nil
		}
		known = append(known, a.GOARCH)
	}
	sort.Strings(known)
	return 0, fmt.Errorf("build guest init: GOARCH %q: the guest is built for %s", goarch, strings.Join(known, ", "))
}

// guestEnv is the environment of the go commands that build the guest: the
// caller's, with what would make them fail or differ set: no workspace, no
// vendoring or other inherited GOFLAGS, module mode, the local toolchain
// only and no module proxy (the guest needs nothing but the standard
// library, so nothing is downloaded), no cgo, and the baseline
// instruction set, which every CPU QEMU emulates has.
func guestEnv(goarch string) []string {
	set := guestSettings(goarch)
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.ContainsFunc(set, func(s string) bool { return strings.HasPrefix(s, k+"=") }) {
			env = append(env, kv)
		}
	}
	return append(env, set...)
}

// guestSettings are the variables guestEnv sets, as KEY=value, sorted.
func guestSettings(goarch string) []string {
	return []string{
		"CGO_ENABLED=0", "GO111MODULE=on", "GOAMD64=v1", "GOARCH=" + goarch,
		"GOARM64=v8.0", "GOFLAGS=-mod=mod", "GOOS=linux", "GOPROXY=off",
		"GOTOOLCHAIN=local", "GOWORK=off",
	}
}

// goVersion is `go env GOVERSION` of goCmd, run outside any module.
func goVersion(ctx context.Context, goCmd, goarch string) (string, error) {
	cmd := exec.CommandContext(ctx, goCmd, "env", "GOVERSION")
	cmd.Env = guestEnv(goarch)
	cmd.Dir = os.TempDir()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("build guest init: %s env GOVERSION: %w: %s", goCmd, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

var goVersionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`go(\d+)\.(\d+)(\.\d+|rc\d+)?`) })

// goModVersion is the go.mod `go` line's version for the toolchain whose
// GOVERSION is ver ("go1.26.8" → "1.26.8"; a development build's
// "devel go1.27-abc ..." → "1.27"), or an error if ver is older than
// minGuestMinor or unreadable.
func goModVersion(ver string) (string, error) {
	m := goVersionRE().FindStringSubmatch(ver)
	if m == nil {
		return "", fmt.Errorf("build guest init: go version %q: not a Go release", ver)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	if major < 1 || (major == 1 && minor < minGuestMinor) {
		return "", fmt.Errorf("build guest init: %s is too old: the guest needs go 1.%d or later", ver, minGuestMinor)
	}
	return strings.TrimPrefix(m[0], "go"), nil
}

// guestFile is one file of the guest's build directory.
type guestFile struct {
	name string // slash-separated, relative to the module root
	data []byte
}

// guestTree is the guest's build directory for the toolchain ver: go.mod,
// then the embedded sources (tests left out), sorted by name.
func guestTree(ver string) ([]guestFile, error) {
	modVer, err := goModVersion(ver)
	if err != nil {
		return nil, err
	}
	files := []guestFile{{"go.mod", fmt.Appendf(nil, "module %s\n\ngo %s\n", guestModule, modVer)}}
	err = fs.WalkDir(guestSources, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := guestSources.ReadFile(p)
		files = append(files, guestFile{path.Join("boottest", p), b})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("build guest init: embedded sources: %w", err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	return files, nil
}

// guestKey names the cached guest built from files for goarch by Go ver:
// the SHA-256 of the files and of the build's flags and environment, the
// GOARCH and the version.
func guestKey(files []guestFile, goarch, ver string) string {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%d\x00", f.name, len(f.data))
		h.Write(f.data)
	}
	fmt.Fprintf(h, "%q\x00%q\x00", guestBuildFlags, guestSettings(goarch))
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, ver)
	return fmt.Sprintf("init-%s-%s-%s", hex.EncodeToString(h.Sum(nil)[:16]), goarch, safe)
}

// buildGuest writes files into a temporary directory, builds the guest
// there for goarch, checks the binary and renames it to out.
func buildGuest(ctx context.Context, goCmd string, files []guestFile, goarch string, machine elf.Machine, out string) error {
	src, err := os.MkdirTemp("", "initsec-guest-")
	if err != nil {
		return fmt.Errorf("build guest init: %w", err)
	}
	defer os.RemoveAll(src)
	for _, f := range files {
		p := filepath.Join(src, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("build guest init: %w", err)
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			return fmt.Errorf("build guest init: %w", err)
		}
	}
	// Built beside out, then renamed: out is absent or a whole guest.
	tmpDir, err := os.MkdirTemp(filepath.Dir(out), ".init-")
	if err != nil {
		return fmt.Errorf("build guest init: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	tmp := filepath.Join(tmpDir, "init")
	args := append(append([]string(nil), guestBuildFlags...), "-o", tmp, GuestPackage)
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir, cmd.Env = src, guestEnv(goarch)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build guest init for linux/%s: %s %s: %w: %s", goarch, goCmd, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	if err := checkGuestELF(tmp, machine); err != nil {
		return fmt.Errorf("build guest init: %w", err)
	}
	if err := os.Rename(tmp, out); err != nil {
		return fmt.Errorf("build guest init: %w", err)
	}
	return nil
}

// checkGuestELF reports whether p is a static executable for machine: an
// ELF executable of that machine without a program interpreter.
func checkGuestELF(p string, machine elf.Machine) error {
	f, err := elf.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	if f.Machine != machine || f.Type != elf.ET_EXEC || f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX {
		return fmt.Errorf("%s: %v %v, want a Linux ET_EXEC for %v", p, f.Type, f.Machine, machine)
	}
	for _, ph := range f.Progs {
		if ph.Type == elf.PT_INTERP || ph.Type == elf.PT_DYNAMIC {
			return fmt.Errorf("%s: dynamically linked (%v), want a static binary", p, ph.Type)
		}
	}
	return nil
}
