//go:build mage

// Targets of the initsec repository itself. Module repositories import
// github.com/initsec/initsec/magefiles/targets instead.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	"github.com/initsec/initsec/internal/debpkg"
	"github.com/initsec/initsec/internal/dev/corpus"
	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/pipeline"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/kbuild/buildenv"
	"github.com/initsec/initsec/kbuild/buildroot"
	"github.com/initsec/initsec/module"
	"github.com/initsec/initsec/plan"
	"github.com/initsec/initsec/sectionrt/sectiontest"
)

// Default target: build.
var Default = Build

// buildPackages are what building the examples needs on Debian 12: kbuild
// for 6.1 and its compiler; bootPackages what the boot tests add: the kernel
// image whose vermagic matches those headers (E2e), and QEMU for amd64 and
// arm64 (the targets' own kernels are unpacked into a cache, not
// installed).
var (
	buildPackages = []string{"linux-headers-amd64", "make", "gcc"}
	bootPackages  = []string{"linux-image-amd64", "qemu-system-x86", "qemu-system-arm"}
)

// Deps installs the Debian packages the build needs (as root; otherwise it
// prints the apt-get command to run).
func Deps(ctx context.Context) error {
	return debpkg.Ensure(ctx, os.Stdout, buildPackages...)
}

// bootDeps installs what the boot test needs beyond the build.
func bootDeps(ctx context.Context) error {
	mg.CtxDeps(ctx, Deps)
	return debpkg.Ensure(ctx, os.Stdout, bootPackages...)
}

// corpusPackages are what the section-mismatch tests compare against (and
// shellcheck, which actionlint runs on the emitted workflows' scripts): the
// 6.12 kbuild and modpost, the arm64 cross compiler (internal/dev/kernels), and
// the 4,230 compressed modules of Debian's 6.12 kernel.
var corpusPackages = []string{kernels.Image612Meta, "shellcheck"}

// testDeps installs what the tests need beyond the build: the kernel trees
// of internal/dev/kernels (6.1 and 6.12 amd64 kbuild, 6.1 arm64 headers
// downloaded and unpacked) and the 6.12 module corpus.
func testDeps(ctx context.Context) error {
	mg.CtxDeps(ctx, bootDeps)
	pkgs := append(kernels.Packages(), corpusPackages...)
	if err := debpkg.Ensure(ctx, os.Stdout, pkgs...); err != nil {
		return err
	}
	_, err := kernels.EnsureAll(ctx, os.Stdout)
	return err
}

// kdir returns $KDIR or the kbuild directory of Debian's linux-headers-amd64
// (internal/dev/kernels resolves the metapackage to its 6.1 tree).
func kdir() (string, error) {
	if d := os.Getenv("KDIR"); d != "" {
		return d, nil
	}
	if t, err := kernels.Find61(); err == nil {
		return t.KDIR, nil
	}
	return kbuild.FindKDIR()
}

func examples() ([]string, error) { return module.FindModules("examples") }

// output is where the targets report: everything on stdout; hints name
// this repository's commands.
var output = pipeline.Output{Results: os.Stdout, Log: os.Stdout, Generate: "go run mage.go generate", Build: "go run mage.go build"}

// Generate writes the generated files of every module under examples/.
func Generate() error {
	dirs, err := examples()
	if err != nil {
		return err
	}
	return pipeline.Generate(dirs, false, output).Err("generate")
}

// Build installs what is missing, then generates, builds (kbuild W=1, section
// mismatches fatal) and verifies every module under examples/.
func Build(ctx context.Context) error {
	mg.CtxDeps(ctx, Deps)
	k, err := kdir()
	if err != nil {
		return err
	}
	dirs, err := examples()
	if err != nil {
		return err
	}
	return pipeline.Build(ctx, dirs, kbuild.Options{KDIR: k, W: "1"}, output).Err("build")
}

// Verify checks the built modules under examples/: placement against their
// annotations, and section mismatches.
func Verify() error {
	dirs, err := examples()
	if err != nil {
		return err
	}
	return pipeline.Verify(dirs, output).Err("verify")
}

// E2e builds every module under examples/, boots Debian's 6.1 kernel (the
// release of linux-headers-amd64) under QEMU once, loads and unloads each
// module, and checks that each init region was freed. The JSON results go to
// e2e-report.json.
func E2e(ctx context.Context) error {
	mg.CtxDeps(ctx, bootDeps)
	k, err := kdir()
	if err != nil {
		return err
	}
	dirs, err := examples()
	if err != nil {
		return err
	}
	_, err = pipeline.Boot(ctx, dirs, pipeline.BootOptions{
		Build:  kbuild.Options{KDIR: k, W: "1"},
		Report: "e2e-report.json",
		Log:    os.Stdout,
	})
	return err
}

// Matrix runs this repository's build plan here: every module under
// examples/ × every target of initsec.targets (pinned by
// initsec.targets.lock; INITSEC_TARGETS=a,b narrows it) × build, verify
// and boot (INITSEC_BOOT=0 leaves boot out), with the worker pool of the
// local matrix, each target in its own build environment and booted once
// in its own kernel under QEMU (plan.Local). It prints the plan hash,
// which `initsec plan -emit github|k8s examples` embeds for the same
// plan, and the table the workflow's merge job prints, merged from the
// per-cell JSON results in .initsec/plan: module x target -> built,
// findings, placement, init bytes freed, predicted coresize, booted,
// initsize after init; also written to initsec-matrix.json and
// initsec-matrix.sarif. Module copies, build logs and boot consoles are in
// .initsec/matrix.
func Matrix(ctx context.Context) error {
	dirs, err := examples()
	if err != nil {
		return err
	}
	targets := []string{pipeline.AllTargets}
	if s := os.Getenv("INITSEC_TARGETS"); s != "" {
		targets = strings.Split(s, ",")
	}
	steps := plan.Steps
	if os.Getenv("INITSEC_BOOT") == "0" {
		steps = []plan.Step{plan.Build, plan.Verify}
	}
	root, err := pipeline.FindTargetsRoot(".")
	if err != nil {
		return err
	}
	_, _, err = plan.Local(ctx, root, dirs, targets, steps, plan.LocalOptions{Build: kbuild.Options{W: "1"}}, os.Stdout)
	return err
}

// checkGenerated fails when a committed generated file under examples/ is
// stale, as `initsec generate -check` does in a module repository's CI.
func checkGenerated() error {
	dirs, err := examples()
	if err != nil {
		return err
	}
	return pipeline.Generate(dirs, true, output).Err("generate -check")
}

// Test checks that the committed generated files are up to date, installs
// what is missing, builds and verifies the examples, then builds, verifies
// and boots them on every target of initsec.targets (bootMatrix), then runs
// go vet and the whole test suite.
func Test(ctx context.Context) error {
	mg.CtxDeps(ctx, checkGenerated)
	mg.CtxDeps(ctx, testDeps)
	mg.CtxDeps(ctx, Build)
	mg.CtxDeps(ctx, bootMatrix)
	if err := sh.RunV("go", "vet", "./..."); err != nil {
		return err
	}
	report, err := filepath.Abs(pipeline.DefaultMatrixReport)
	if err != nil {
		return err
	}
	// -timeout: internal/dev/corpus runs modpost over three installed
	// kernels' modules, one of them (sid's 7.x) in a build root that the
	// first run makes with mmdebstrap; together they can pass go test's
	// default 10 minutes on a busy 2-core runner.
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-timeout=30m", "./...")
	// The matrix test checks the report bootMatrix just wrote rather than
	// building and booting every target a second time.
	// The examples are built by now: their generated tests must check the
	// .ko files, not skip them (sectiontest.RequireBuiltEnv).
	cmd.Env = append(os.Environ(), "INITSEC_MATRIX_REPORT="+report, sectiontest.RequireBuiltEnv+"=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// bootMatrix builds, verifies and boots the examples on every target of
// initsec.targets, each in its own kernel, as pinned by the committed lock.
// It must pass on a fresh Debian 12 machine on any day, so a target whose
// locked packages have left the archive is resolved from the archive today
// and the output says so (Refresh); `initsec targets -check` is what
// reports the drift.
func bootMatrix(ctx context.Context) error {
	dirs, err := examples()
	if err != nil {
		return err
	}
	start := time.Now()
	err = pipeline.MatrixWith(ctx, dirs, []string{pipeline.AllTargets},
		pipeline.MatrixOptions{Build: kbuild.Options{W: "1"}, Boot: true, Refresh: true}, os.Stdout)
	fmt.Printf("initsec: examples built, verified and booted on every target in %v\n", time.Since(start).Round(time.Second))
	return err
}

// Clean removes kbuild output from the examples (generated sources stay:
// they are committed) and the matrix's work directory, .initsec/matrix.
// With INITSEC_CLEAN_ROOTS=1 it also removes the cached build roots
// (buildroot.Cache.Clean: every root under os.UserCacheDir()/initsec/roots,
// refusing one in use), the unpacked header trees of cross targets and the
// targets' unpacked kernels; they
// take minutes and hundreds of MiB to make again, so only when asked.
func Clean(ctx context.Context) error {
	if err := os.RemoveAll(pipeline.DefaultMatrixDir); err != nil {
		return err
	}
	if os.Getenv("INITSEC_CLEAN_ROOTS") == "1" {
		if err := (&buildroot.Cache{Log: os.Stdout}).Clean(); err != nil {
			return err
		}
		if err := (&buildenv.Config{}).CleanHeaders(); err != nil {
			return err
		}
		if err := (&buildenv.Config{}).CleanKernels(); err != nil {
			return err
		}
		fmt.Println("initsec: removed the build roots, unpacked header trees and unpacked kernels")
	}
	k, err := kdir()
	if err != nil {
		return err
	}
	dirs, err := examples()
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if err := kbuild.Clean(ctx, d, kbuild.Options{KDIR: k, Stdout: os.Stdout, Stderr: os.Stderr}); err != nil {
			return err
		}
	}
	return nil
}

// Bench times the kernel's modpost and `initsec verify` on the same modules
// of Debian's 6.1 kernel (linux-image-amd64, 4,023 .ko; modpost of
// linux-headers-amd64): warm cache, INITSEC_BENCH_RUNS runs each (default
// 5), medians. It prints the ratio initsec/modpost and initsec's peak RSS,
// and fails when they miss the targets (ratio 0.25, 256 MiB).
func Bench(ctx context.Context) error {
	rel, ok := corpus.FindRelease("6.1.")
	if !ok {
		return fmt.Errorf("bench: no Linux 6.1 modules with headers (apt-get install -y linux-image-amd64 linux-headers-amd64)")
	}
	runs := 5
	if s := os.Getenv("INITSEC_BENCH_RUNS"); s != "" {
		if _, err := fmt.Sscan(s, &runs); err != nil || runs < 1 {
			return fmt.Errorf("bench: INITSEC_BENCH_RUNS=%q: want a positive number", s)
		}
	}
	tmp, err := os.MkdirTemp("", "initsec-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "initsec")
	if err := sh.RunV("go", "build", "-o", bin, "./cmd/initsec"); err != nil {
		return err
	}
	work := filepath.Join(tmp, "modpost")
	if err := os.Mkdir(work, 0o755); err != nil {
		return err
	}
	b, err := corpus.RunBench(ctx, rel, bin, work, runs, os.Stdout)
	if err != nil {
		return err
	}
	b.Report(os.Stdout)
	if !b.Met() {
		return mg.Fatalf(1, "bench: targets missed")
	}
	return nil
}
