package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/kbuild/buildenv"
	"github.com/initsec/initsec/module"
)

// TestMatrixBootsEveryTarget builds this repository's examples for every
// target of its initsec.targets (pinned by the committed lock; a target
// whose locked packages left the archive is resolved afresh, as
// `go run mage.go test` does), boots each target once in its own kernel
// (every amd64 target under qemu-system-x86_64, the arm64 one under
// qemu-system-aarch64) and checks that every module behaved as its
// initsec-boot.json says, with initsize 0 after init. INITSEC_TARGETS=a,b
// narrows the targets.
func TestMatrixBootsEveryTarget(t *testing.T) {
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
	for _, b := range m.Boots {
		t.Run(b.Target, func(t *testing.T) {
			if b.Error != "" {
				t.Fatalf("boot: %s\nlog:\n%s", b.Error, log.String())
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
	if len(m.Boots) != len(rs) {
		t.Errorf("%d boots for %d targets", len(m.Boots), len(rs))
	}
}
