package apply

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/initsec/initsec/boottest"
	"github.com/initsec/initsec/internal/pipeline"
	"github.com/initsec/initsec/internal/srctree"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/sectionrt"
)

// ProveOptions configures Prove.
type ProveOptions struct {
	// Targets are the kernels to prove on, one kbuild.Options each (KDIR,
	// ARCH, Vars); none means the host's (kbuild.FindKDIR).
	Targets []kbuild.Options
	// NoBoot skips the boot: build and findings only.
	NoBoot bool
	// Boot names the modules to boot (kernel names; '-' and '_' alike),
	// for a directory some of whose modules cannot load in the guest (no
	// such hardware); none means every module. The others are still built
	// and checked, and their ModuleProof says NotBooted. A name no build
	// made fails the proof.
	Boot []string
	// Log receives progress and kbuild's output; Console the guests'
	// serial consoles (nil: discarded).
	Log, Console io.Writer
	// WorkDir receives the copies ("": a temporary directory, removed).
	WorkDir string
}

// ModuleProof is one module on one target, before and after.
type ModuleProof struct {
	Module        string           `json:"module"`
	Before, After sectionrt.Memory `json:"-"`
	// InitBefore ... CoreAfter are the predicted init and core bytes
	// (sectionrt.PredictMemory with CONFIG_MODULE_UNLOAD; CorePages in
	// Before and After are the page counts).
	InitBefore uint64 `json:"init_bytes_before"`
	InitAfter  uint64 `json:"init_bytes_after"`
	CoreBefore uint64 `json:"core_bytes_before"`
	CoreAfter  uint64 `json:"core_bytes_after"`
	// BootCoreBefore and BootCoreAfter are /sys/module/NAME/coresize in
	// the guest (0 without a boot).
	BootCoreBefore int64 `json:"boot_coresize_before"`
	BootCoreAfter  int64 `json:"boot_coresize_after"`
	// Moved is the growth of the init region: the bytes the edits moved
	// out of the resident image, unrounded.
	Moved uint64 `json:"bytes_moved"`
	// PagesSaved is the drop in resident pages, as predicted.
	PagesSaved int64 `json:"pages_saved"`
	// BootSeen says what the guest saw of the edited build, e.g. "live,
	// initsize 0, unloaded", or "init failed with ENODEV (expected)" for
	// a module whose initsec-boot.json expects it ("" without a boot).
	BootSeen string `json:"boot_seen,omitempty"`
	// NotBooted: ProveOptions.Boot left this module out of the boot.
	NotBooted bool `json:"not_booted,omitempty"`
}

// TargetProof is the proof on one kernel.
type TargetProof struct {
	KDIR    string        `json:"kdir"`
	Release string        `json:"release"`
	Modules []ModuleProof `json:"modules"`
	Booted  bool          `json:"booted"`
	// BootPassed: every module build booted did what the directory's
	// initsec-boot.json expects (pipeline.BootFile); without one, it
	// loaded, reached live, freed its init and unloaded.
	BootPassed bool `json:"boot_passed"`
}

// Proof is what Prove established. Failed is "" when every step passed;
// otherwise it names the step that failed and why.
type Proof struct {
	Targets []TargetProof `json:"targets"`
	Failed  string        `json:"failed,omitempty"`
}

// Prove builds dir as it is and with res's changes, in copies, on each
// target with W=1, and requires the edited build to have no warning and no
// failing section finding the original lacked; then boots both builds of
// every module in one boot of the target's kernel and requires each to
// do what dir's initsec-boot.json (pipeline.BootFile) expects, as
// initsec boot does: without one, to load, reach live, free its init and
// unload; with {"init_errno":"ENODEV"}, to fail init with exactly that,
// before and after. dir is only read.
//
// A failed step is a Proof with Failed set, not an error; errors are for
// what stopped the proof from running (no image for the release, I/O).
func Prove(ctx context.Context, dir string, res *Result, opts ProveOptions) (*Proof, error) {
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	work := opts.WorkDir
	if work == "" {
		var err error
		if work, err = os.MkdirTemp("", "initsec-prove-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(work)
	}
	targets := opts.Targets
	if len(targets) == 0 {
		targets = []kbuild.Options{{}}
	}
	proof := &Proof{}
	for i, kopts := range targets {
		if kopts.KDIR == "" {
			k, err := kbuild.FindKDIR()
			if err != nil {
				return nil, err
			}
			kopts.KDIR = k
		}
		tp, failed, err := proveTarget(ctx, dir, res, kopts, filepath.Join(work, fmt.Sprint(i)), opts, log)
		if err != nil {
			return nil, err
		}
		proof.Targets = append(proof.Targets, *tp)
		if failed != "" {
			proof.Failed = tp.Release + ": " + failed
			return proof, nil
		}
	}
	return proof, nil
}

// proveTarget is Prove on one target, in work: the failed step, if any,
// and the TargetProof so far.
func proveTarget(ctx context.Context, dir string, res *Result, kopts kbuild.Options, work string, opts ProveOptions, log io.Writer) (*TargetProof, string, error) {
	release, err := kbuild.Release(kopts.KDIR)
	if err != nil {
		return nil, "", err
	}
	tp := &TargetProof{KDIR: kopts.KDIR, Release: release}
	before, after := filepath.Join(work, "before"), filepath.Join(work, "after")
	if err := copyTrees(dir, before, after, res); err != nil {
		return nil, "", err
	}
	rb, ra, failed := buildBoth(ctx, before, after, filepath.FromSlash(res.Sub), release, kopts, log)
	if failed != "" {
		return tp, failed, nil
	}
	// Each build is booted with what the module directory's BootFile
	// expects of it, as initsec boot does: read from each copy, so the
	// same for both.
	mb, err := pipeline.BootModules(filepath.Join(before, filepath.FromSlash(res.Sub)), rb.Modules)
	if err != nil {
		return nil, "", err
	}
	ma, err := pipeline.BootModules(filepath.Join(after, filepath.FromSlash(res.Sub)), ra.Modules)
	if err != nil {
		return nil, "", err
	}
	boot, failed, err := measureModules(tp, mb, ma, opts.Boot)
	if err != nil {
		return nil, "", err
	}
	if failed != "" || opts.NoBoot {
		return tp, failed, nil
	}
	failed, err = bootModules(ctx, tp, boot, opts, log)
	if err != nil {
		return nil, "", err
	}
	return tp, failed, nil
}

// copyTrees makes the two copies of dir to build: before as it is, after
// with res's files written over it.
func copyTrees(dir, before, after string, res *Result) error {
	for _, d := range []string{before, after} {
		if _, err := srctree.Copy(dir, d, srctree.CopyOptions{Perm: true}); err != nil {
			return err
		}
	}
	for _, f := range res.Files {
		if err := os.WriteFile(filepath.Join(after, filepath.FromSlash(f.Path)), f.New, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// buildBoth builds sub of before and then of after with W=1 and compares
// them: the edited build may add no warning and must make as many
// modules. A build error is a failed step, not an error, so failed
// carries it.
func buildBoth(ctx context.Context, before, after, sub, release string, kopts kbuild.Options, log io.Writer) (rb, ra *kbuild.Result, failed string) {
	kopts.W, kopts.MismatchWarnOnly = "1", true
	kopts.Stdout, kopts.Stderr = log, log
	fmt.Fprintf(log, "initsec suggest: prove on %s: build as it is (W=1)\n", release)
	rb, err := kbuild.Build(ctx, filepath.Join(before, sub), kopts)
	if err != nil {
		return nil, nil, "build as it is: " + firstLine(err)
	}
	fmt.Fprintf(log, "initsec suggest: prove on %s: build with the edits (W=1)\n", release)
	ra, err = kbuild.Build(ctx, filepath.Join(after, sub), kopts)
	if err != nil {
		return nil, nil, "build with the edits: " + firstLine(err)
	}
	// kbuild prints absolute paths (M= is absolute).
	absB, _ := filepath.Abs(before)
	absA, _ := filepath.Abs(after)
	if added := newWarnings(rb.Output, ra.Output, absB, absA); len(added) > 0 {
		return nil, nil, fmt.Sprintf("%d new warning(s) with W=1: %s", len(added), strings.Join(added, "; "))
	}
	if len(ra.Modules) != len(rb.Modules) {
		return nil, nil, fmt.Sprintf("the edited build made %d module(s), the original %d", len(ra.Modules), len(rb.Modules))
	}
	return rb, ra, ""
}

// measureModules appends a ModuleProof to tp for each pair of builds of a
// module, in build order, and returns the modules to boot (before and
// after carry what pipeline.BootModules expects of each build): before
// and after of each, paired, as bootModules reads them back. It stops at the
// first module with a section finding the original lacked; tp keeps the
// modules measured before it. With only (ProveOptions.Boot) set, the
// modules it does not name are measured and marked NotBooted.
func measureModules(tp *TargetProof, before, after []boottest.Module, only []string) (boot []boottest.Module, failed string, err error) {
	want := map[string]bool{}
	for _, n := range only {
		want[strings.ReplaceAll(n, "-", "_")] = false
	}
	for i, mA := range after {
		mB := before[i]
		koA, koB := mA.Path, mB.Path
		fb, err := failing(koB)
		if err != nil {
			return nil, "", err
		}
		fa, err := failing(koA)
		if err != nil {
			return nil, "", err
		}
		if len(fa) > len(fb) {
			return nil, fmt.Sprintf("%s: %d new section finding(s): %s", filepath.Base(koA), len(fa)-len(fb), strings.Join(fa, "; ")), nil
		}
		mp, err := moduleProof(koB, koA)
		if err != nil {
			return nil, "", err
		}
		name := boottest.ModName(koA)
		if _, named := want[name]; len(only) > 0 && !named {
			mp.NotBooted = true
		} else {
			want[name] = true
			boot = append(boot, mB, mA)
		}
		tp.Modules = append(tp.Modules, mp)
	}
	var missing []string
	for n, found := range want {
		if !found {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, "no module built to boot: " + strings.Join(missing, ", "), nil
	}
	return boot, "", nil
}

// moduleProof predicts the memory of one module before and after.
func moduleProof(koB, koA string) (ModuleProof, error) {
	mb, err := predict(koB)
	if err != nil {
		return ModuleProof{}, err
	}
	ma, err := predict(koA)
	if err != nil {
		return ModuleProof{}, err
	}
	mp := ModuleProof{Module: strings.TrimSuffix(filepath.Base(koA), ".ko"), Before: mb, After: ma,
		InitBefore: mb.Init, InitAfter: ma.Init, CoreBefore: mb.Core, CoreAfter: ma.Core,
		PagesSaved: int64(mb.CorePages) - int64(ma.CorePages)}
	if ib, ia := mb.InitText+mb.InitData+mb.InitRodata, ma.InitText+ma.InitData+ma.InitRodata; ia > ib {
		mp.Moved = ia - ib
	}
	return mp, nil
}

// bootModules boots tp's kernel once with every module build in boot
// (measureModules' order: before, after, per module) and records in tp
// the boot and the coresizes the guest saw. A failed boot is failed, not
// an error.
func bootModules(ctx context.Context, tp *TargetProof, boot []boottest.Module, opts ProveOptions, log io.Writer) (failed string, err error) {
	kernel, err := boottest.FindKernel(tp.Release)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(log, "initsec suggest: prove on %s: boot %s with %d module build(s)\n", tp.Release, kernel, len(boot))
	rep, err := boottest.Run(ctx, boottest.Config{Kernel: kernel, Modules: boot, Log: opts.Console})
	if err != nil {
		return "boot: " + firstLine(err), nil
	}
	tp.Booted = true
	j := 0
	for i := range tp.Modules {
		if tp.Modules[i].NotBooted {
			continue
		}
		if 2*j+1 < len(rep.Modules) {
			tp.Modules[i].BootCoreBefore = rep.Modules[2*j].CoreSize
			tp.Modules[i].BootCoreAfter = rep.Modules[2*j+1].CoreSize
			tp.Modules[i].BootSeen = bootSeen(&rep.Modules[2*j+1])
		}
		j++
	}
	if errs := rep.Check(); len(errs) > 0 {
		var msgs []string
		for _, e := range errs {
			msgs = append(msgs, e.Error())
		}
		return "boot: " + strings.Join(msgs, "; "), nil
	}
	tp.BootPassed = true
	return "", nil
}

// bootSeen is ModuleProof.BootSeen of mr.
func bootSeen(mr *boottest.ModuleResult) string {
	expected := func(b bool) string {
		if b {
			return " (expected)"
		}
		return ""
	}
	if !mr.Loaded {
		errno := mr.LoadErrno
		if errno == "" {
			errno = "an error"
		}
		return "init failed with " + errno + expected(mr.ExpectInitFail)
	}
	s := fmt.Sprintf("%s, initsize %d", mr.InitState, mr.InitSize)
	if mr.Unloaded {
		return s + ", unloaded"
	}
	return s + ", unload refused" + expected(mr.ExpectUnloadFail)
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func predict(ko string) (sectionrt.Memory, error) {
	o, err := sectionrt.Open(ko)
	if err != nil {
		return sectionrt.Memory{}, err
	}
	defer o.Close()
	return sectionrt.PredictMemory(o, true), nil
}

// failing returns the failing findings of sectionrt's mismatch rules on ko.
func failing(ko string) ([]string, error) {
	fs, err := pipeline.CheckObject(ko, sectionrt.Manifest{Module: strings.TrimSuffix(filepath.Base(ko), ".ko")})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range fs {
		if f.Severity != sectionrt.Note {
			out = append(out, f.String())
		}
	}
	return out, nil
}

// warningPos strips "path:line:col: " from a compiler or modpost line, so
// that a warning the original build had is the same line after an edit
// moved it.
var warningPos = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\S*?:\d+(:\d+)?: `) })

// newWarnings returns the warning lines of after that before lacks
// (counted, position-free). dirB and dirA, the two builds' directories,
// are cut from the lines: modpost names the object by its path ("missing
// MODULE_DESCRIPTION() in DIR/foo.o", 6.12's W=1), so the same warning of
// both builds differs only there.
func newWarnings(before, after, dirB, dirA string) []string {
	before = strings.ReplaceAll(before, dirB+string(filepath.Separator), "")
	after = strings.ReplaceAll(after, dirA+string(filepath.Separator), "")
	count := func(out string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "warning:") || strings.Contains(l, "WARNING:") {
				m[warningPos().ReplaceAllString(strings.TrimSpace(l), "")]++
			}
		}
		return m
	}
	b, a := count(before), count(after)
	var out []string
	for l, n := range a {
		if n > b[l] {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// Apply plans dir, proves the plan when prove is not nil, and writes it
// only when the proof passed: a proof step that fails (a build that breaks
// on a target, a new warning, a module whose init fails at boot) leaves
// every file of dir as it was, and the Proof says why.
func Apply(ctx context.Context, dir string, opts Options, prove *ProveOptions) (*Result, *Proof, error) {
	res, err := Plan(ctx, dir, opts)
	if err != nil {
		return nil, nil, err
	}
	if len(res.Files) == 0 {
		return res, nil, nil
	}
	var p *Proof
	if prove != nil {
		if p, err = Prove(ctx, dir, res, *prove); err != nil {
			return res, nil, fmt.Errorf("prove: %w (nothing written)", err)
		}
		if p.Failed != "" {
			return res, p, nil
		}
	}
	return res, p, res.Write()
}
