// Package targets is initsec's Mage targets for kernel-module repositories.
// Import it from a magefile:
//
//	//go:build mage
//	package main
//
//	import (
//		//mage:import initsec
//		_ "github.com/initsec/initsec/magefiles/targets"
//	)
//
// and run `mage initsec:build` (or initsec:generate, initsec:verify,
// initsec:e2e, initsec:matrix). The targets work on every module directory
// (a Kbuild or Makefile with obj-m) at or below the current directory.
//
// Settings come from the environment: KDIR (kernel build directory; default
// /lib/modules/$(uname -r)/build, else the newest /usr/src/linux-headers-*),
// ARCH and CROSS_COMPILE (cross builds), INITSEC_W (kbuild W=, default 1),
// INITSEC_MISMATCH_WARN_ONLY=1 (let modpost's section mismatches warn rather
// than fail).
//
// This package exports only targets: every exported function with a target
// signature becomes a target of the importing magefile.
package targets

import (
	"context"
	"os"
	"strings"

	"github.com/initsec/initsec/internal/pipeline"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/plan"
)

// Generate writes the generated files (trailer headers, Kbuild.initsec, Go
// manifest) of every module directory at or below the current directory.
func Generate() error {
	dirs, err := pipeline.ModuleDirs(nil)
	if err != nil {
		return err
	}
	return pipeline.Generate(dirs, false, output).Err("generate")
}

// Build generates, builds with the kernel's kbuild (section mismatches fatal)
// and verifies every module at or below the current directory.
func Build(ctx context.Context) error {
	dirs, err := pipeline.ModuleDirs(nil)
	if err != nil {
		return err
	}
	return pipeline.Build(ctx, dirs, options(), output).Err("build")
}

// Verify checks each built module at or below the current directory:
// placement against its annotations, and section mismatches by modpost's
// rules for the module's kernel release.
func Verify() error {
	dirs, err := pipeline.ModuleDirs(nil)
	if err != nil {
		return err
	}
	return pipeline.Verify(dirs, output).Err("verify")
}

// output is where the targets report: everything on stdout, as mage shows
// it; hints name these targets.
var output = pipeline.Output{Results: os.Stdout, Log: os.Stdout, Generate: "mage initsec:generate", Build: "mage initsec:build"}

// E2e builds every module at or below the current directory, boots the
// kernel image whose release matches KDIR (/boot/vmlinuz-<release>) once
// under QEMU, loads and unloads each module, and checks that its init
// region was freed (initsize 0). An optional initsec-boot.json beside a
// module's Kbuild names the messages init and exit print, or the errno its
// init must fail with. Results go to initsec-e2e.json.
func E2e(ctx context.Context) error {
	dirs, err := pipeline.ModuleDirs(nil)
	if err != nil {
		return err
	}
	_, err = pipeline.Boot(ctx, dirs, pipeline.BootOptions{
		Build:  options(),
		Report: "initsec-e2e.json",
		Log:    os.Stdout,
	})
	return err
}

// Matrix runs the repository's build plan here (the plan `initsec plan`
// prints and `initsec plan -emit github|k8s` hands to GitHub Actions or
// Kubernetes, under the same plan hash): every module at or below the
// current directory × every kernel target × the steps build, verify and
// boot. Its cells run in parallel up to the cores, each target in its own
// build environment (the host, unpacked headers with a cross compiler, or
// a build root of the target's release); then each target boots once in
// its own kernel (its locked image and modules packages, unpacked into a
// cache, never installed) under QEMU (TCG: qemu-system-x86_64, or
// qemu-system-aarch64 for arm64) with every module that built without
// findings; INITSEC_BOOT=0 leaves the boot step out of the plan. Each
// cell's JSON result goes to .initsec/plan, the files a GitHub job
// uploads; they are merged as the workflow's merge job merges them and
// printed as a table with the plan hash: module x target -> built,
// findings, placement, init bytes freed, predicted coresize, booted,
// initsize after init (0: the init region was freed). The targets are
// INITSEC_TARGETS (comma-separated names of initsec.targets; default all
// of them), each pinned by initsec.targets.lock (a plan's keys are the
// locked packages: run `initsec targets -update` first). The merged matrix
// is also written as JSON to initsec-matrix.json, with its plan hash, and
// as SARIF to initsec-matrix.sarif; module copies, build logs and boot
// consoles go to .initsec/matrix.
func Matrix(ctx context.Context) error {
	dirs, err := pipeline.ModuleDirs(nil)
	if err != nil {
		return err
	}
	root, err := pipeline.FindTargetsRoot(".")
	if err != nil {
		return err
	}
	_, _, err = plan.Local(ctx, root, dirs, matrixTargets(), matrixSteps(), plan.LocalOptions{Build: options()}, os.Stdout)
	return err
}

// matrixSteps are the plan's steps: build, verify and, unless
// INITSEC_BOOT=0, boot.
func matrixSteps() []plan.Step {
	if os.Getenv("INITSEC_BOOT") == "0" {
		return []plan.Step{plan.Build, plan.Verify}
	}
	return plan.Steps
}

func matrixTargets() []string {
	if s := os.Getenv("INITSEC_TARGETS"); s != "" {
		return strings.Split(s, ",")
	}
	return []string{pipeline.AllTargets}
}

func options() kbuild.Options {
	w, ok := os.LookupEnv("INITSEC_W")
	if !ok {
		w = "1"
	}
	return kbuild.Options{
		KDIR:             os.Getenv("KDIR"),
		Arch:             os.Getenv("ARCH"),
		CrossCompile:     os.Getenv("CROSS_COMPILE"),
		W:                w,
		MismatchWarnOnly: os.Getenv("INITSEC_MISMATCH_WARN_ONLY") == "1",
	}
}
