package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/initsec/initsec/boottest"
	"github.com/initsec/initsec/internal/debpkg"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/kbuild/buildenv"
	"github.com/initsec/initsec/module"
	"github.com/initsec/initsec/sectionrt"
	"github.com/initsec/initsec/target"
)

// BootFile is the optional per-module file that says what a boot test
// should see. Without it, a module must load, reach initstate "live" (its
// init returned 0), free its init region and unload.
const BootFile = "initsec-boot.json"

// BootExpect is the content of BootFile.
type BootExpect struct {
	// InitMessage and ExitMessage are substrings that must appear in the
	// kernel log during the load and the unload: proof that init and exit
	// ran.
	InitMessage string `json:"init_message,omitempty"`
	ExitMessage string `json:"exit_message,omitempty"`
	// InitErrno, e.g. "ENODEV", says init must fail with that error.
	InitErrno string `json:"init_errno,omitempty"`
	// UnloadFails says delete_module must refuse the module (no exit).
	UnloadFails bool `json:"unload_fails,omitempty"`
	// Params maps a module of the directory (its name, as in /sys/module)
	// to the parameters it is loaded with: "name=value ...".
	Params map[string]string `json:"params,omitempty"`
	// LoadFirst names modules of the booted kernel's tree to load, with
	// their dependencies, before each module of the directory (beyond
	// what its .modinfo depends= already pulls in), e.g. a softdep.
	LoadFirst []string `json:"load_first,omitempty"`
}

var errnos = map[string]syscall.Errno{
	"ENODEV": syscall.ENODEV, "EINVAL": syscall.EINVAL, "ENOMEM": syscall.ENOMEM,
	"EIO": syscall.EIO, "EBUSY": syscall.EBUSY, "ENOENT": syscall.ENOENT,
	"EPERM": syscall.EPERM, "ENXIO": syscall.ENXIO, "EEXIST": syscall.EEXIST,
}

func readBootExpect(dir string) (BootExpect, error) {
	var e BootExpect
	data, err := os.ReadFile(filepath.Join(dir, BootFile))
	if errors.Is(err, fs.ErrNotExist) {
		return e, nil
	}
	if err != nil {
		return e, err
	}
	name := filepath.Join(dir, BootFile)
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	err = dec.Decode(&e)
	if err == nil && dec.More() {
		off := dec.InputOffset()
		for off < int64(len(data)) && strings.IndexByte(" \t\r\n", data[off]) >= 0 {
			off++
		}
		return e, fmt.Errorf("%s:%s: unexpected text after the JSON object (hint: the file holds one object)", name, lineCol(data, off))
	}
	if err != nil {
		const hint = "(hint: one object with keys init_message, exit_message, init_errno, unload_fails, params, load_first)"
		// Point at the fault where the decoder says where it is.
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return e, fmt.Errorf("%s:%s: %w %s", name, lineCol(data, se.Offset-1), err, hint)
		case errors.As(err, &te):
			return e, fmt.Errorf("%s:%s: %w %s", name, lineCol(data, te.Offset-1), err, hint)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return e, fmt.Errorf("%s:%s: %w %s", name, lineCol(data, int64(len(data))), err, hint)
		}
		return e, fmt.Errorf("%s: %w %s", name, err, hint)
	}
	if e.InitErrno != "" {
		if _, ok := errnos[e.InitErrno]; !ok {
			known := make([]string, 0, len(errnos))
			for k := range errnos {
				known = append(known, k)
			}
			sort.Strings(known)
			return e, fmt.Errorf("%s: unknown init_errno %q (hint: one of %s)", name, e.InitErrno, strings.Join(known, ", "))
		}
	}
	return e, nil
}

// lineCol turns a byte offset of data into "line:col", both 1-based.
func lineCol(data []byte, off int64) string {
	off = max(0, min(off, int64(len(data))))
	before := string(data[:off])
	line := 1 + strings.Count(before, "\n")
	col := int(off) - strings.LastIndexByte(before, '\n')
	return fmt.Sprintf("%d:%d", line, col)
}

// BootOptions configures Boot.
type BootOptions struct {
	Build  kbuild.Options // KDIR selects the kernel: its release picks the image
	Report string         // where to write the JSON report ("" for none)
	Log    io.Writer      // progress and the result table
	// Console receives the guest's serial console (nil: discarded).
	Console io.Writer
}

// BootResult is the file Boot writes: the boot report, and per module what
// sectionrt predicts from the .ko next to what the kernel reported.
type BootResult struct {
	Report      *boottest.Report            `json:"report"`
	Predictions map[string]sectionrt.Memory `json:"predictions"`
	Problems    []string                    `json:"problems"`
}

// Boot builds and verifies every module in dirs, then loads them all in one
// boot of the kernel whose release matches the headers, and checks what the
// kernel did. The error lists every expectation not met.
func Boot(ctx context.Context, dirs []string, opts BootOptions) (*BootResult, error) {
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	start := time.Now()
	if opts.Build.KDIR == "" {
		k, err := kbuild.FindKDIR()
		if err != nil {
			return nil, err
		}
		opts.Build.KDIR = k
	}
	release, err := kbuild.Release(opts.Build.KDIR)
	if err != nil {
		return nil, err
	}
	kernel, err := boottest.FindKernel(release)
	if err != nil {
		return nil, err
	}
	var mods []boottest.Module
	predictions := map[string]sectionrt.Memory{}
	through := module.BuiltThrough(dirs)
	for _, d := range dirs {
		if parent, ok := through[d]; ok {
			fmt.Fprintf(log, "initsec: %s: built and booted with %s (obj-m += %s/ there)\n", d, parent, relOr(parent, d))
			continue
		}
		res, err := BuildAndVerify(ctx, d, opts.Build, log)
		if err != nil {
			return nil, err
		}
		if n := res.Failing(); n > 0 {
			return nil, fmt.Errorf("verify %s: %d finding(s); fix them before booting", d, n)
		}
		dmods, err := BootModules(d, res.Objects)
		if err != nil {
			return nil, err
		}
		mods = append(mods, dmods...)
		for _, ko := range res.Objects {
			o, err := sectionrt.Open(ko)
			if err != nil {
				return nil, err
			}
			predictions[strings.TrimSuffix(filepath.Base(ko), ".ko")] = sectionrt.PredictMemory(o, true)
			o.Close()
		}
	}
	fmt.Fprintf(log, "initsec: booting %s with %d module(s) under QEMU (TCG)\n", kernel, len(mods))
	rep, err := boottest.Run(ctx, boottest.Config{Kernel: kernel, Modules: mods, Log: opts.Console})
	if err != nil {
		return nil, fmt.Errorf("boot test: %w", err)
	}
	out := &BootResult{Report: rep, Predictions: predictions, Problems: []string{}}
	for _, e := range rep.Check() {
		out.Problems = append(out.Problems, e.Error())
	}
	printBoot(log, out)
	fmt.Fprintf(log, "initsec: e2e: %d module(s) in one boot: boot %.1fs, total %.1fs\n",
		len(mods), rep.BootDuration.Seconds(), time.Since(start).Seconds())
	if opts.Report != "" {
		data, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return out, err
		}
		if err := os.WriteFile(opts.Report, append(data, '\n'), 0o644); err != nil {
			return out, err
		}
		fmt.Fprintf(log, "initsec: e2e report written to %s\n", opts.Report)
	}
	if len(out.Problems) > 0 {
		return out, fmt.Errorf("boot test: %d problem(s):\n  %s", len(out.Problems), strings.Join(out.Problems, "\n  "))
	}
	return out, nil
}

// BootModules returns what a boot test loads of the module directory dir,
// which built objects: each .ko with what dir's BootFile expects of it
// (boottest's Report.Check and ModuleResult.Check judge the result by
// those expectations). Without a BootFile each must load, reach live,
// free its init and unload. A BootFile that does not parse, or whose
// params name a module not in objects, is an error.
func BootModules(dir string, objects []string) ([]boottest.Module, error) {
	exp, err := readBootExpect(dir)
	if err != nil {
		return nil, err
	}
	if err := checkParams(dir, exp, objects); err != nil {
		return nil, err
	}
	var mods []boottest.Module
	for _, ko := range objects {
		m := boottest.Module{Path: ko, InitMessage: exp.InitMessage, ExitMessage: exp.ExitMessage, ExpectUnloadFail: exp.UnloadFails,
			Params: exp.Params[boottest.ModName(ko)], LoadFirst: exp.LoadFirst}
		if exp.InitErrno != "" {
			m.ExpectInitFail, m.ExpectErrno = true, errnos[exp.InitErrno]
		}
		mods = append(mods, m)
	}
	return mods, nil
}

// checkParams reports params of BootFile naming no module built in dir.
func checkParams(dir string, exp BootExpect, objects []string) error {
	var built []string
	for _, ko := range objects {
		built = append(built, boottest.ModName(ko))
	}
	var unknown []string
	for name := range exp.Params {
		if !slices.Contains(built, strings.ReplaceAll(name, "-", "_")) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("%s: params for %s, which %s does not build (hint: keys are module names: %s)",
			filepath.Join(dir, BootFile), strings.Join(unknown, ", "), dir, strings.Join(built, ", "))
	}
	return nil
}

// depsColumn says which modules were loaded before m: "crc8" for one the
// guest loaded (and unloaded after), with a note otherwise.
func depsColumn(m *boottest.ModuleResult) string {
	if len(m.Deps) == 0 {
		return "-"
	}
	var out []string
	for _, d := range m.Deps {
		s := d.Name
		switch {
		case d.Builtin:
			s += " (built in)"
		case d.AlreadyLoaded:
			s += " (already loaded)"
		case !d.Loaded && d.LoadErrno != "":
			s += " (failed " + d.LoadErrno + ")"
		case !d.Loaded:
			s += " (not loaded)"
		case !d.Unloaded:
			s += " (left loaded)"
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

func printBoot(w io.Writer, r *BootResult) {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "MODULE\tDEPS LOADED FIRST\tLOAD\tINITSTATE\tINITSIZE\tCORESIZE\tPREDICTED\tINIT SECTIONS (bytes)\tUNLOAD")
	for i := range r.Report.Modules {
		m := &r.Report.Modules[i]
		p := r.Predictions[m.Name]
		load := "ok"
		if !m.Loaded {
			load = "failed " + m.LoadErrno
		}
		unload := "ok"
		switch {
		case !m.Loaded:
			unload = "-"
		case !m.Unloaded:
			unload = "failed " + m.UnloadErrno
		}
		predicted := fmt.Sprint(p.CorePages * sectionrt.PageSize)
		if m.Loaded && int64(p.CorePages*sectionrt.PageSize) != m.CoreSize {
			predicted += " (differs)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%d\t%s\n", m.Name, depsColumn(m), load, m.InitState, m.InitSize, m.CoreSize,
			predicted, p.Init, unload)
	}
	tw.Flush()
}

// TargetBoot is one target's boot in a matrix.
type TargetBoot struct {
	Target  string `json:"target"`
	Arch    string `json:"arch"`
	Release string `json:"release"`
	Image   string `json:"image"`
	Modules int    `json:"modules"`
	// Error says why the boot gave no result (QEMU failed, timed out, the
	// kernel could not be had); the cells then say so too.
	Error string `json:"error,omitempty"`
	// BootSeconds is from starting QEMU to the guest's result; Seconds
	// includes building the guest /init and the initramfs.
	BootSeconds float64          `json:"boot_seconds"`
	Seconds     float64          `json:"seconds"`
	Console     string           `json:"console,omitempty"`
	Report      *boottest.Report `json:"report,omitempty"`
}

// bootTargets boots each target with its cells' modules, up to jobs at
// once (each QEMU under TCG keeps a core busy), and fills in the cells'
// boot columns. kernels[i] is nil where prepErrs[i] says why.
func bootTargets(ctx context.Context, m *Matrix, rs []target.Resolution, kernels []*buildenv.Kernel, prepErrs []error, jobs int, opts MatrixOptions, log io.Writer) []TargetBoot {
	boots := make([]TargetBoot, len(rs))
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for ti, r := range rs {
		var cells []*Cell
		for i := ti; i < len(m.Cells); i += len(rs) {
			cells = append(cells, &m.Cells[i])
		}
		tb := &boots[ti]
		tb.Target, tb.Arch, tb.Release = r.Target.String(), r.Target.Arch, r.Kernel()
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if prepErrs[ti] != nil {
				tb.Error = prepErrs[ti].Error()
				return
			}
			bootTarget(ctx, tb, cells, kernels[ti], opts, log)
		}()
	}
	wg.Wait()
	return boots
}

// bootTarget boots k once with the modules of cells that built clean and
// records the outcome in each cell and in tb.
func bootTarget(ctx context.Context, tb *TargetBoot, cells []*Cell, k *buildenv.Kernel, opts MatrixOptions, log io.Writer) {
	start := time.Now()
	defer func() { tb.Seconds = time.Since(start).Seconds() }()
	tb.Image = k.Image
	mods, owner, booting := bootCells(cells)
	tb.Modules = len(mods)
	if len(mods) == 0 {
		return
	}
	rep, err := bootKernel(ctx, tb, k, mods, opts, log)
	if err != nil {
		tb.Error = err.Error()
		for _, c := range booting {
			c.Boot, c.BootError = "failed", err.Error()
		}
		fmt.Fprintf(log, "initsec: boot %s: %v\n", tb.Target, err)
		return
	}
	tb.Report = rep
	recordBoot(rep, owner, booting)
	fmt.Fprintf(log, "initsec: booted %s (%s): %d module(s), boot %.1fs (kernel up at %.1fs), total %.1fs\n",
		tb.Target, rep.Boot, len(mods), rep.BootDuration.Seconds(), rep.KernelBoot.Seconds(), time.Since(start).Seconds())
}

// bootCells returns the modules a boot of cells loads, with owner[i] the
// cell that built mods[i] and booting the cells they come from. A cell
// not built, with findings, or whose BootFile is wrong is marked so here
// and boots nothing.
func bootCells(cells []*Cell) (mods []boottest.Module, owner, booting []*Cell) {
	for _, c := range cells {
		switch {
		case !c.Built:
			c.Boot, c.BootError = "skipped", "not built"
			continue
		case c.Findings > 0:
			c.Boot, c.BootError = "skipped", fmt.Sprintf("%d finding(s): not loaded into a kernel", c.Findings)
			continue
		}
		ms, err := BootModules(c.Dir, c.Objects)
		if err != nil {
			c.Boot, c.BootError = "failed", err.Error()
			continue
		}
		for range ms {
			owner = append(owner, c)
		}
		mods = append(mods, ms...)
		booting = append(booting, c)
	}
	return mods, owner, booting
}

// bootKernel boots k under QEMU (installing it first if need be) with
// mods, the console going to a file in opts.WorkDir if there is one. It
// sets tb's Console and BootSeconds.
func bootKernel(ctx context.Context, tb *TargetBoot, k *buildenv.Kernel, mods []boottest.Module, opts MatrixOptions, log io.Writer) (*boottest.Report, error) {
	arch, err := boottest.LookupArch(k.Arch)
	if err != nil {
		return nil, err
	}
	if err := debpkg.Ensure(ctx, log, arch.QEMUPackage); err != nil {
		return nil, err
	}
	var console io.Writer = io.Discard
	if opts.WorkDir != "" {
		tb.Console = filepath.Join(opts.WorkDir, slug(tb.Target)+".console")
		if f, err := os.Create(tb.Console); err == nil {
			defer f.Close()
			console = f
		}
	}
	timeout := opts.BootTimeout
	if timeout <= 0 {
		timeout = DefaultBootTimeout
	}
	fmt.Fprintf(log, "initsec: booting %s (%s, %s) with %d module(s) under %s (TCG)\n", tb.Target, k.Release, k.Arch, len(mods), arch.QEMU)
	rep, err := boottest.Run(ctx, boottest.Config{
		Kernel: k.Image, Arch: k.Arch, ModulesDir: k.ModulesDir, Modules: mods,
		Timeout: timeout, Log: console,
	})
	if rep != nil {
		tb.BootSeconds = rep.BootDuration.Seconds()
	}
	return rep, err
}

// recordBoot marks booting ok, then failed where rep's module results
// (rep.Modules[i] is of owner[i]) miss an expectation or the guest
// reported errors, and adds up each cell's booted init and core sizes.
func recordBoot(rep *boottest.Report, owner, booting []*Cell) {
	for _, c := range booting {
		c.Boot = "ok"
	}
	var guestErrs []string
	for _, e := range rep.GuestErrors {
		guestErrs = append(guestErrs, "guest: "+e)
	}
	for i := range rep.Modules {
		mr, c := &rep.Modules[i], owner[i]
		if mr.Loaded {
			if c.InitSizeAfterInit == nil {
				c.InitSizeAfterInit = new(int64)
			}
			*c.InitSizeAfterInit += mr.InitSize
			c.BootedCoreSize += mr.CoreSize
		}
		var problems []string
		for _, e := range mr.Check() {
			problems = append(problems, e.Error())
		}
		if len(problems) > 0 {
			c.Boot = "failed"
			c.BootError = strings.Join(append([]string{c.BootError}, problems...), "; ")
			c.BootError = strings.TrimPrefix(c.BootError, "; ")
		}
	}
	if len(guestErrs) > 0 {
		for _, c := range booting {
			c.Boot = "failed"
			c.BootError = strings.TrimPrefix(c.BootError+"; "+strings.Join(guestErrs, "; "), "; ")
		}
	}
	for _, c := range booting {
		c.Booted = c.Boot == "ok"
	}
}
