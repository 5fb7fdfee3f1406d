package target

import (
	"github.com/initsec/initsec/internal/dev/testenv"

	"context"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"
)

// archive returns an APT source over the real archive, with its state in
// a directory shared by the tests of one run ($INITSEC_APT_DIR to reuse
// lists across runs), or skips with the reason when apt or the network is
// absent, unless CI=true, where the archive must be reachable.
func archive(t *testing.T) *APT {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: no archive access")
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		testenv.SkipOrFail(t, "apt-get not found: not a Debian system")
	}
	if _, err := os.Stat(DefaultKeyring); err != nil {
		testenv.SkipOrFail(t, "no %s (package debian-archive-keyring)", DefaultKeyring)
	}
	dir := os.Getenv("INITSEC_APT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	return &APT{Dir: dir, Log: testWriter{t}}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// The five targets of issue 11 resolve against the archive, through the
// metapackages alone: every expectation is derived from what the archive
// says, none is written down.
func TestResolveArchive(t *testing.T) {
	src := archive(t)
	var targets []Target
	for _, n := range Examples {
		tg, err := ParseName(n)
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, tg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	rs, err := Resolve(ctx, src, targets)
	if err != nil {
		if os.Getenv("CI") != "true" && strings.Contains(err.Error(), "apt-get update") {
			t.Skipf("archive not reachable: %v", err)
		}
		t.Fatal(err)
	}
	t.Logf("resolved %d targets in %v", len(rs), time.Since(start))
	for _, r := range rs {
		t.Logf("%s: kernel %s, series %s, %s", r.Target, r.Kernel(), r.Series(), r.Compiler())
		for _, p := range r.Packages {
			t.Logf("  %-14s %s %s %s %s", p.Role, p.Name, p.Version, p.Arch, p.Filename)
		}
		checkResolution(t, r)
	}
	// The lock of this resolution shows no drift against the same lists
	// (NoUpdate: the lists Resolve just fetched).
	lock, err := ParseLock("fresh", FormatLock(rs))
	if err != nil {
		t.Fatal(err)
	}
	offline := *src
	offline.NoUpdate = true
	if _, drift, err := Check(ctx, &offline, targets, lock); err != nil || len(drift) != 0 {
		t.Errorf("fresh lock: drift %v, %v", drift, err)
	}
	// Derived, not written down: the 6.1 amd64 and arm64 targets are one
	// source package's builds, so they share the version and -common.
	a, b := rs[0], rs[4]
	ah, _ := a.Package(RoleHeadersCommon)
	bh, _ := b.Package(RoleHeadersCommon)
	if ah != bh || a.Kernel()[:len(a.Kernel())-len("amd64")] != b.Kernel()[:len(b.Kernel())-len("arm64")] {
		t.Errorf("6.1 amd64 %s (%s) and arm64 %s (%s) differ", a.Kernel(), ah.Version, b.Kernel(), bh.Version)
	}
	// sid's newest series is not older than trixie's default.
	if ht, hs := rs[2].Packages[1], rs[3].Packages[1]; CompareVersions(hs.Version, ht.Version) < 0 {
		t.Errorf("sid headers %s older than trixie's %s", hs.Version, ht.Version)
	}
}

// checkResolution checks what follows from Debian's packaging alone.
func checkResolution(t *testing.T, r Resolution) {
	t.Helper()
	if r.Ended != "" {
		t.Errorf("%s: ended: %s", r.Target, r.Ended)
		return
	}
	for _, role := range []Role{RoleHeadersMeta, RoleHeaders, RoleHeadersCommon, RoleKbuild, RoleCompiler, RoleImageMeta, RoleImage} {
		if _, ok := r.Package(role); !ok {
			t.Errorf("%s: no %s package", r.Target, role)
		}
	}
	if !strings.HasSuffix(r.Kernel(), "-"+r.Target.Arch) {
		t.Errorf("%s: kernel release %q does not end in -%s", r.Target, r.Kernel(), r.Target.Arch)
	}
	if r.Target.Series != "" && r.Series() != r.Target.Series {
		t.Errorf("%s: series %s", r.Target, r.Series())
	}
	if !regexp.MustCompile(`^gcc-[0-9]+$`).MatchString(r.Compiler()) {
		t.Errorf("%s: compiler %q", r.Target, r.Compiler())
	}
	if major, _, _ := strings.Cut(r.Series(), "."); len(major) == 1 && major >= "7" {
		// 7.x: linux-image-RELEASE is a meta over linux-binary-* and linux-modules-*.
		for _, role := range []Role{RoleBinary, RoleModules} {
			if p, ok := r.Package(role); !ok || !strings.HasSuffix(p.Name, r.Kernel()) {
				t.Errorf("%s: %s package %q", r.Target, role, p.Name)
			}
		}
	}
	for _, p := range r.Packages {
		_, up, _ := strings.Cut(p.Version, ":")
		if up == "" {
			up = p.Version
		}
		if base := path.Base(p.Filename); base != p.Name+"_"+up+"_"+p.Arch+".deb" {
			t.Errorf("%s: %s: Filename %s", r.Target, p.Name, p.Filename)
		}
		if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(p.SHA256) {
			t.Errorf("%s: %s: SHA256 %q", r.Target, p.Name, p.SHA256)
		}
		if p.Arch != r.Target.Arch && p.Arch != "all" {
			t.Errorf("%s: %s is %s", r.Target, p.Name, p.Arch)
		}
	}
}
