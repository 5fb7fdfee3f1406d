package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/kbuild/buildenv"
	"github.com/initsec/initsec/module"
	"github.com/initsec/initsec/target"
)

// TestMatrixBootsEveryTarget builds this repository's examples for every
// target of its initsec.targets (pinned by the committed lock; a target
// whose locked packages left the archive is resolved afresh, as
// `go run mage.go test` does), boots each target once in its own kernel
// (every amd64 target under qemu-system-x86_64, the arm64 one under
// qemu-system-aarch64) and checks that every module behaved as its
// initsec-boot.json says, with initsize 0 after init. INITSEC_TARGETS=a,b
// narrows the targets. Under `go run mage.go test`, which has just run that
// matrix, INITSEC_MATRIX_REPORT names its JSON report, and the test checks
// that instead of building and booting everything a second time.
func TestMatrixBootsEveryTarget(t *testing.T) {
	if p := os.Getenv("INITSEC_MATRIX_REPORT"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var m Matrix
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		ts, err := target.ReadTargets("../..")
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Boots) != len(ts) {
			t.Errorf("%s: %d boots, initsec.targets has %d targets", p, len(m.Boots), len(ts))
		}
		checkMatrixBoots(t, &m, "(see the matrix's output above)")
		return
	}
	if testing.Short() {
		t.Skip("-short: builds the examples for every target (build roots, kernels) and boots each under TCG")
	}
	if os.Geteuid() != 0 && !testenv.CI() {
		t.Skip("not root: build roots, kernel packages and apt need root (CI=true runs it)")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := module.FindModules(filepath.Join(repo, "examples"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("examples: %q, %v", dirs, err)
	}
	names := []string{AllTargets}
	if s := os.Getenv("INITSEC_TARGETS"); s != "" {
		names = strings.Split(s, ",")
	}
	var log bytes.Buffer
	ctx := context.Background()
	rs, err := ResolveTargets(ctx, repo, names, &log)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := RunMatrix(ctx, dirs, rs, &buildenv.Config{Log: &log}, MatrixOptions{
		Build:   kbuild.Options{W: "1"},
		WorkDir: t.TempDir(),
		Log:     &log,
		Boot:    true,
		Refresh: true,
	})
	var table bytes.Buffer
	m.WriteTable(&table)
	t.Logf("\n%s", table.String())
	if len(m.Boots) != len(rs) {
		t.Errorf("%d boots for %d targets", len(m.Boots), len(rs))
	}
	checkMatrixBoots(t, m, "log:\n"+log.String())
}

// checkMatrixBoots checks that every target booted and every cell's
// modules behaved, with initsize 0 after init.
func checkMatrixBoots(t *testing.T, m *Matrix, log string) {
	for _, b := range m.Boots {
		t.Run(b.Target, func(t *testing.T) {
			if b.Error != "" {
				t.Fatalf("boot: %s\n%s", b.Error, log)
			}
			t.Logf("%s %s: %d module(s), boot %.1fs, total %.1fs", b.Arch, b.Release, b.Modules, b.BootSeconds, b.Seconds)
			for _, c := range m.Cells {
				if c.Target != b.Target {
					continue
				}
				if !c.Built || c.Findings > 0 {
					t.Errorf("%s: built %v, %d finding(s): %s", c.Module, c.Built, c.Findings, c.Error)
					continue
				}
				if !c.Booted {
					t.Errorf("%s: boot %s: %s", c.Module, c.Boot, c.BootError)
				}
				if c.InitSizeAfterInit != nil && *c.InitSizeAfterInit != 0 {
					t.Errorf("%s: initsize %d after init, want 0", c.Module, *c.InitSizeAfterInit)
				}
				if c.InitSizeAfterInit == nil && filepath.Base(c.Module) != "failinit" {
					t.Errorf("%s: not loaded", c.Module)
				}
			}
		})
	}
}

// TestPrepareRefreshesStaleLock feeds a lock whose arm64 kernel package
// has left the archive (its pool file is gone): with Refresh the target is
// resolved from the archive today, the log says so, and its kernel is
// unpacked; without, the target fails.
func TestPrepareRefreshesStaleLock(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: resolves from the archive and downloads a kernel")
	}
	if os.Geteuid() != 0 && !testenv.CI() {
		t.Skip("not root: apt and kernel packages need root (CI=true runs it)")
	}
	lock, err := target.ReadLock("../..")
	if err != nil {
		t.Fatal(err)
	}
	tg, _ := target.ParseName("debian-12/6.1/arm64")
	r, ok := lock.Lookup(tg)
	if !ok {
		t.Fatalf("%s not in the lock", tg)
	}
	stale := r
	stale.Packages = append([]target.Package(nil), r.Packages...)
	for i, p := range stale.Packages {
		if p.Role == target.RoleImage {
			p.Version = "6.1.0-0"
			p.Filename = "pool/main/l/linux-signed-arm64/" + p.Name + "_6.1.0-0_arm64.deb"
			stale.Packages[i] = p
		}
	}
	ctx := context.Background()
	var log bytes.Buffer
	cfg := &buildenv.Config{Log: &log}
	if _, _, _, errs := prepareTargets(ctx, cfg, []target.Resolution{stale}, true, false, &log); errs[0] == nil {
		t.Fatal("a lock naming a package gone from the archive prepared without Refresh")
	}
	log.Reset()
	rs, _, kernels, errs := prepareTargets(ctx, cfg, []target.Resolution{stale}, true, true, &log)
	if errs[0] != nil {
		t.Fatalf("with Refresh: %v\nlog:\n%s", errs[0], log.String())
	}
	if !strings.Contains(log.String(), "the lock is stale") || !strings.Contains(log.String(), "initsec targets -update") {
		t.Errorf("log does not say the lock is stale:\n%s", log.String())
	}
	if img, _ := rs[0].Package(target.RoleImage); img.Version == "6.1.0-0" || kernels[0] == nil || kernels[0].Image == "" {
		t.Errorf("refreshed to %+v, kernel %+v", img, kernels[0])
	}
	t.Logf("%s", firstLine(log.String()))
}
