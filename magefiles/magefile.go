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
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	"github.com/initsec/initsec/internal/debpkg"
	"github.com/initsec/initsec/internal/dev/corpus"
	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/internal/pipeline"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/kbuild/buildenv"
	"github.com/initsec/initsec/kbuild/buildroot"
	"github.com/initsec/initsec/modpost"
	"github.com/initsec/initsec/module"
	"github.com/initsec/initsec/plan"
	"github.com/initsec/initsec/sectionrt/sectiontest"
	"github.com/initsec/initsec/target"
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

// Bench measures issue 13's goals in one run, each initsec command against
// its reference timed alternately in the same run (INITSEC_BENCH_RUNS runs
// each, default 5, after a warm-up; medians; peak RSS the largest):
//
//   - Debian 6.1's .ko (linux-image-amd64, modpost of linux-headers-amd64):
//     initsec verify <= 0.06 x modpost with kbuild's flags, peak RSS <= 48
//     MiB, also at -j 4 x the cores;
//   - initsec suggest and initsec report there <= 2 x initsec verify
//     (suggest with its header index cache kept: before the timed runs it
//     prints one run with an empty cache, then fills the user's);
//   - each compressed tree: 6.12's .ko.xz (/lib/modules/6.12.*), a 7.x
//     .ko.xz tree (INITSEC_BENCH_7X, else the newest 7.x kernel that
//     initsec.targets.lock locks for this machine's architecture, fetched
//     and unpacked once into the kernels cache as the boot matrix does:
//     buildenv.Config.Kernel) and the 6.1 .ko recompressed with zstd -19
//     (made once under os.UserCacheDir()/initsec/bench/zst): initsec
//     verify <= 1.5 x the C decoder alone (xz -dc / zstd -dc under xargs -P
//     cores), peak RSS <= 64 MiB.
//
// It prints the decoders modfile uses (modfile.Decoders), every ratio and
// peak with the machine's cores, and fails when a goal is missed or a
// tree is missing. INITSEC_BENCH_BIN=path times that initsec binary
// instead of building this tree's, which it builds with CGO_ENABLED=0
// (see benchBinary).
func Bench(ctx context.Context) error {
	rel, ok := corpus.FindRelease("6.1.")
	if !ok {
		return fmt.Errorf("bench: no Linux 6.1 modules with headers (apt-get install -y linux-image-amd64 linux-headers-amd64)")
	}
	runs, err := benchRuns()
	if err != nil {
		return err
	}
	ncpu := runtime.NumCPU()
	tmp, err := os.MkdirTemp("", "initsec-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin, err := benchBinary(tmp)
	if err != nil {
		return err
	}
	work := filepath.Join(tmp, "modpost")
	if err := os.Mkdir(work, 0o755); err != nil {
		return err
	}
	initsec := initsecCommand(ctx, bin)
	goals, err := benchPlain(ctx, rel, bin, work, runs, ncpu, initsec)
	if err != nil {
		return err
	}
	trees, missing, err := compressedTrees(ctx, rel, ncpu)
	if err != nil {
		return err
	}
	for _, t := range trees {
		g, err := benchCompressed(ctx, t, runs, ncpu, initsec)
		if err != nil {
			return err
		}
		goals = append(goals, g...)
	}
	return reportGoals(goals, missing, ncpu, runs)
}

// benchRuns is INITSEC_BENCH_RUNS, default 5.
func benchRuns() (int, error) {
	runs := 5
	if s := os.Getenv("INITSEC_BENCH_RUNS"); s != "" {
		if _, err := fmt.Sscan(s, &runs); err != nil || runs < 1 {
			return 0, fmt.Errorf("bench: INITSEC_BENCH_RUNS=%q: want a positive number", s)
		}
	}
	return runs, nil
}

// benchBinary is the initsec binary to time: this tree's, built into tmp,
// or INITSEC_BENCH_BIN, another build (an older commit's, for a
// before-and-after).
func benchBinary(tmp string) (string, error) {
	bin := os.Getenv("INITSEC_BENCH_BIN")
	if bin == "" {
		bin = filepath.Join(tmp, "initsec")
		// CGO_ENABLED=0: Go's own linker. With cgo (which purego turns
		// on for modfile's C decoders) the external linker writes the
		// binary so that the kernel maps its text and rodata whole from
		// the page cache: 9 MiB more resident, all clean file pages, on
		// every run of a freshly built binary (a copy of it does not).
		env := map[string]string{"CGO_ENABLED": "0"}
		if err := sh.RunWithV(env, "go", "build", "-o", bin, "./cmd/initsec"); err != nil {
			return "", err
		}
	}
	fmt.Printf("decoders: %s\n", modfile.Decoders())
	return bin, nil
}

// initsecCommand returns a maker of bin's commands with args: the
// benchmarks start a fresh exec.Cmd for each run.
func initsecCommand(ctx context.Context, bin string) func(args ...string) func() *exec.Cmd {
	return func(args ...string) func() *exec.Cmd {
		return func() *exec.Cmd { return exec.CommandContext(ctx, bin, args...) }
	}
}

// benchPlain measures the goals on rel's uncompressed .ko tree: verify
// against modpost, verify's peak RSS, also at -j 4 x the cores, and
// suggest and report against verify. It prints the modpost comparison.
func benchPlain(ctx context.Context, rel corpus.Release, bin, work string, runs, ncpu int, initsec func(args ...string) func() *exec.Cmd) ([]corpus.Goal, error) {
	b, err := corpus.RunBench(ctx, rel, bin, work, runs, os.Stdout)
	if err != nil {
		return nil, err
	}
	b.Report(os.Stdout)
	name := fmt.Sprintf("%s .ko (%d)", rel.Release, b.Modules)
	goals := []corpus.Goal{
		{What: name + ": verify / modpost", Value: b.Ratio(), Limit: corpus.GoalModpostRatio, Unit: "x"},
		{What: name + ": verify peak RSS", Value: mib(b.InitsecRSS), Limit: mib(corpus.GoalPlainRSS), Unit: "MiB"}}
	jobs := strconv.Itoa(4 * ncpu)
	p, err := corpus.RunPair(ctx, "verify -j "+jobs, "verify", initsec("verify", "-format", "modpost", rel.Tree),
		initsec("verify", "-j", jobs, "-format", "modpost", rel.Tree), 1, os.Stdout)
	if err != nil {
		return nil, err
	}
	goals = append(goals, corpus.Goal{What: name + ": verify -j " + jobs + " peak RSS", Value: mib(p.RSS), Limit: mib(corpus.GoalPlainRSS), Unit: "MiB"})
	for _, cmd := range []string{"suggest", "report"} {
		if cmd == "suggest" {
			if err := benchSuggestCold(initsec("suggest", "-format", "json", rel.Tree)); err != nil {
				return nil, err
			}
		}
		p, err := corpus.RunPair(ctx, cmd, "verify", initsec("verify", "-format", "json", rel.Tree),
			initsec(cmd, "-format", "json", rel.Tree), runs, os.Stdout)
		if err != nil {
			return nil, err
		}
		goals = append(goals, corpus.Goal{What: fmt.Sprintf("%s: %s / verify (%v / %v)", name, cmd, p.Initsec.Round(time.Millisecond), p.Ref.Round(time.Millisecond)),
			Value: p.Ratio(), Limit: corpus.GoalCmdRatio, Unit: "x"})
	}
	return goals, nil
}

// benchSuggestCold prints the time of suggest with an empty header index
// cache (XDG_CACHE_HOME a new directory: every header of the tree lexed,
// as on the first run per header tree and build of initsec), then runs
// it once with the user's cache, so that the timed runs, which measure
// the cache kept, find it filled whatever state it was in.
func benchSuggestCold(suggest func() *exec.Cmd) error {
	cache, err := os.MkdirTemp("", "initsec-bench-cache-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(cache)
	for _, dir := range []string{cache, ""} {
		cmd := suggest()
		if dir != "" {
			cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+dir)
		}
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
			err = nil // suggestions found
		}
		if err != nil {
			return fmt.Errorf("suggest: %w", err)
		}
		cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		what := "suggest, header index cache filled for the timed runs"
		if dir != "" {
			what = "suggest with an empty header index cache (cold, not timed below)"
		}
		fmt.Printf("%s: %v wall, %v CPU\n", what, wall.Round(time.Millisecond), cpu.Round(time.Millisecond))
	}
	return nil
}

// benchTree is a compressed module tree and the C decoder for its files.
type benchTree struct{ name, dir, tool string }

// compressedTrees finds the compressed trees to measure, and names those
// it cannot find; the zstd tree it makes from rel's (once, in the user
// cache).
func compressedTrees(ctx context.Context, rel corpus.Release, ncpu int) (trees []benchTree, missing []string, err error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return nil, nil, err
	}
	// The installed 6.12 series, whatever its ABI (a release glob).
	if d := newestTree(filepath.Join("/lib/modules", kernels.Series612+".*", "kernel")); d != "" {
		trees = append(trees, benchTree{"6.12 .ko.xz", d, "xz"})
	} else {
		missing = append(missing, "6.12 .ko.xz: no installed 6.12 modules (apt-get install -y "+kernels.Image612Meta+")")
	}
	d7 := os.Getenv("INITSEC_BENCH_7X")
	if d7 == "" {
		if d7, err = lockedKernelTree(ctx, "7."); err != nil {
			missing = append(missing, "7.x .ko.xz: "+err.Error())
		}
	}
	if d7 != "" {
		trees = append(trees, benchTree{"7.x .ko.xz", d7, "xz"})
	}
	zdir := filepath.Join(cache, "initsec/bench/zst", rel.Release, "kernel")
	if err := corpus.MakeZstdTree(ctx, rel.Tree, zdir, ncpu, os.Stdout); err != nil {
		return nil, nil, err
	}
	trees = append(trees, benchTree{rel.Release + " .ko.zst (zstd -19)", zdir, "zstd"})
	return trees, missing, nil
}

// lockedKernelTree returns the module tree (…/lib/modules/RELEASE/kernel)
// of the newest kernel of a release starting with prefix that
// initsec.targets.lock locks for this machine's architecture: the boot
// matrix's kernel, downloaded and unpacked once into the kernels cache by
// buildenv.Config.Kernel.
func lockedKernelTree(ctx context.Context, prefix string) (string, error) {
	lock, err := target.ReadLock(".")
	if err != nil {
		return "", err
	}
	var r target.Resolution
	for _, c := range lock.Resolutions {
		if c.Target.Arch == buildenv.DebianArch(runtime.GOARCH) && strings.HasPrefix(c.Kernel(), prefix) && c.Ended == "" &&
			modpost.CompareReleases(c.Kernel(), r.Kernel()) > 0 {
			r = c
		}
	}
	if r.Kernel() == "" {
		return "", fmt.Errorf("%s locks no %s* kernel for %s", target.LockFile, prefix, runtime.GOARCH)
	}
	fmt.Printf("%s: kernel %s of %s (unpacked once into the kernels cache)\n", prefix+"x", r.Kernel(), r.Target)
	k, err := (&buildenv.Config{Log: os.Stdout}).Kernel(ctx, r)
	if err != nil {
		return "", err
	}
	return filepath.Join(k.ModulesDir, "kernel"), nil
}

// benchCompressed measures the goals on one compressed tree: verify
// against the C decoder alone, and verify's peak RSS.
func benchCompressed(ctx context.Context, t benchTree, runs, ncpu int, initsec func(args ...string) func() *exec.Cmd) ([]corpus.Goal, error) {
	files, err := corpus.Tree(t.dir)
	if err != nil {
		return nil, err
	}
	dec, err := corpus.DecoderCommand(ctx, t.tool, files, ncpu)
	if err != nil {
		return nil, err
	}
	p, err := corpus.RunPair(ctx, t.name, t.tool+" -dc", dec, initsec("verify", "-format", "modpost", t.dir), runs, os.Stdout)
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("%s (%d): verify / %s -dc -P %d (%v / %v)", t.name, len(files), t.tool, ncpu, p.Initsec.Round(time.Millisecond), p.Ref.Round(time.Millisecond))
	return []corpus.Goal{
		{What: what, Value: p.Ratio(), Limit: corpus.GoalDecodeRatio, Unit: "x"},
		{What: t.name + ": verify peak RSS", Value: mib(p.RSS), Limit: mib(corpus.GoalCompRSS), Unit: "MiB"}}, nil
}

// reportGoals prints every goal and every tree not measured, and fails
// when a goal is missed or a tree is missing.
func reportGoals(goals []corpus.Goal, missing []string, ncpu, runs int) error {
	fmt.Printf("\nissue 13 goals on %d cores (GOMAXPROCS %d), %d runs each, medians:\n", ncpu, runtime.GOMAXPROCS(0), runs)
	missed := 0
	for _, g := range goals {
		fmt.Println("  " + g.String())
		if !g.Met() {
			missed++
		}
	}
	for _, m := range missing {
		fmt.Println("  not measured: " + m)
	}
	if missed > 0 || len(missing) > 0 {
		return mg.Fatalf(1, "bench: %d goal(s) missed, %d tree(s) not measured", missed, len(missing))
	}
	return nil
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// newestTree returns the last directory matching pattern in lexical
// order, "" when none.
func newestTree(pattern string) string {
	m, _ := filepath.Glob(pattern)
	if len(m) == 0 {
		return ""
	}
	return m[len(m)-1]
}
