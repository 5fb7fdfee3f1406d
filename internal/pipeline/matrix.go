package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/initsec/initsec/internal/srctree"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/kbuild/buildenv"
	"github.com/initsec/initsec/module"
	"github.com/initsec/initsec/sectionrt"
	"github.com/initsec/initsec/target"
)

// MatrixOptions configures RunMatrix.
type MatrixOptions struct {
	// Build holds the kbuild options every cell shares (W=, mismatches
	// fatal or not); KDIR, ARCH and CROSS_COMPILE are each target's.
	Build kbuild.Options
	// WorkDir holds each cell's copy of its module,
	// WorkDir/TARGET/MODULE, and its build log beside it,
	// WorkDir/TARGET/MODULE.log: kbuild writes into the module directory,
	// so cells building at once need directories of their own.
	WorkDir string
	// Jobs is how many cells build at once; 0 means runtime.NumCPU().
	Jobs int
	// Progress receives a status line redrawn in place when it is a
	// terminal, else a line per finished cell; nil discards it.
	Progress io.Writer
	// Log receives each target's environment and each failed cell's error.
	Log io.Writer
	// Report, when not empty, is where the matrix is written as JSON.
	Report string
	// Boot: after the builds, each target is booted once, in its own
	// kernel (buildenv.Config.Kernel: the locked image and modules
	// packages, unpacked into a cache) under QEMU (TCG), with every module
	// its cells built without findings; each cell records whether its
	// modules behaved as its BootFile expects and their initsize after
	// init. A target whose boot fails marks its cells; the others go on.
	// The serial console of each boot is kept in WorkDir/TARGET.console.
	Boot bool
	// BootTimeout bounds each target's boot (default DefaultBootTimeout).
	BootTimeout time.Duration
	// Refresh: a target whose locked packages cannot be had (one gone from
	// the archive, or replaced) is resolved from the archive today, and
	// the log says so, rather than failing: for a CI that must pass on
	// any day with a lock that may be stale (a drift check reports that).
	Refresh bool
}

// DefaultBootTimeout bounds one target's boot in a matrix: under TCG, on
// busy cores, with other boots running.
const DefaultBootTimeout = 5 * time.Minute

// Cell is one module built for one target.
type Cell struct {
	Module string `json:"module"` // the module directory as given
	Target string `json:"target"`
	Kernel string `json:"kernel,omitempty"` // kernel release (vermagic)
	Env    string `json:"env,omitempty"`    // buildenv.Kind: host, headers, root
	Built  bool   `json:"built"`
	Error  string `json:"error,omitempty"`

	Objects     []string            `json:"objects,omitempty"` // the .ko files, in the cell's work directory
	Findings    int                 `json:"findings"`          // failing findings (not notes)
	FindingList []sectionrt.Finding `json:"finding_list,omitempty"`
	// Placed of Entries manifest entries were found in their expected
	// section.
	Placed  int `json:"placed"`
	Entries int `json:"entries"`
	// InitBytes are freed after init (sectionrt.PredictMemory, with
	// MODULE_UNLOAD as Debian builds); InitPages as the loader allocates
	// them; CoreSize is the predicted /sys/module/NAME/coresize.
	InitBytes uint64 `json:"init_bytes_freed"`
	InitPages uint64 `json:"init_pages"`
	CoreSize  uint64 `json:"predicted_coresize"`

	// Boot is what booting the target's kernel with the cell's modules
	// came to (MatrixOptions.Boot): "ok" (every module behaved as its
	// BootFile expects), "failed" (BootError says why), "skipped" (not
	// built, findings: BootError says why), or "" (no boot asked).
	// Booted is Boot == "ok".
	Boot      string `json:"boot,omitempty"`
	Booted    bool   `json:"booted"`
	BootError string `json:"boot_error,omitempty"`
	// InitSizeAfterInit is the sum of /sys/module/NAME/initsize of the
	// cell's modules once their init returned (0: every init region
	// freed), and BootedCoreSize of their coresize; nil and 0 when no
	// module of the cell loaded.
	InitSizeAfterInit *int64 `json:"initsize_after_init,omitempty"`
	BootedCoreSize    int64  `json:"booted_coresize,omitempty"`

	Dir     string  `json:"work_dir"`
	LogFile string  `json:"log"`
	Seconds float64 `json:"seconds"`
}

// Matrix is every module × target cell of a run.
type Matrix struct {
	Targets []string `json:"targets"`
	Modules []string `json:"modules"`
	Cells   []Cell   `json:"cells"` // module-major, targets in order
	// Boots has one entry per target booted (MatrixOptions.Boot).
	Boots   []TargetBoot `json:"boots,omitempty"`
	Seconds float64      `json:"seconds"`
}

// DefaultMatrixDir is the work directory of a matrix run, under the
// repository root; hidden, so module discovery does not walk into it.
const DefaultMatrixDir = ".initsec/matrix"

// DefaultMatrixReport is where Mage's matrix targets write the JSON.
const DefaultMatrixReport = "initsec-matrix.json"

// MatrixFor runs the whole matrix for a Mage target: resolves targets (names,
// or AllTargets) from the repository at or above the current directory,
// builds dirs for each in DefaultMatrixDir there, prints the table on w
// (PrintMerged, the merge initsec plan merge uses too) and writes
// DefaultMatrixReport and DefaultMatrixSARIF; the error is nil when every cell built
// clean.
func MatrixFor(ctx context.Context, dirs, targets []string, bopts kbuild.Options, w io.Writer) error {
	return MatrixWith(ctx, dirs, targets, MatrixOptions{Build: bopts, Boot: true}, w)
}

// MatrixWith is MatrixFor with opts (Build, Boot, Refresh, Jobs); WorkDir,
// Progress, Log and Report are MatrixFor's.
func MatrixWith(ctx context.Context, dirs, targets []string, opts MatrixOptions, w io.Writer) error {
	repo, err := FindTargetsRoot(".")
	if err != nil {
		return err
	}
	rs, err := ResolveTargets(ctx, repo, targets, w)
	if err != nil {
		return err
	}
	cfg := &buildenv.Config{Log: w}
	opts.WorkDir = filepath.Join(repo, DefaultMatrixDir)
	opts.Progress, opts.Log, opts.Report = w, w, DefaultMatrixReport
	m, s := RunMatrix(ctx, dirs, rs, cfg, opts)
	fmt.Fprintln(w)
	if _, err := PrintMerged(w, m.Cells, DefaultMatrixSARIF); err != nil {
		return err
	}
	fmt.Fprintf(w, "initsec: matrix written to %s and %s in %.1fs; module copies and build logs in %s\n", DefaultMatrixReport, DefaultMatrixSARIF, m.Seconds, filepath.Join(repo, DefaultMatrixDir))
	return s.Err("matrix")
}

// RunMatrix builds, verifies and measures every module directory for
// every target, up to opts.Jobs cells at once, each in a copy of the module
// under opts.WorkDir, in the target's build environment (made first, all
// targets at once). It goes on past failing cells; the Summary counts one
// per cell.
func RunMatrix(ctx context.Context, dirs []string, rs []target.Resolution, cfg *buildenv.Config, opts MatrixOptions) (*Matrix, Summary) {
	start := time.Now()
	logw := orDiscard(opts.Log)
	out := Output{Results: io.Discard, Log: logw}
	var s Summary
	m := &Matrix{Modules: dirs}
	for _, r := range rs {
		m.Targets = append(m.Targets, r.Target.String())
	}
	rs, envs, kernels, envErrs := prepareTargets(ctx, cfg, rs, opts.Boot, opts.Refresh, logw)
	for i, e := range envs {
		if envErrs[i] == nil {
			fmt.Fprintf(logw, "initsec: %s\n", e)
		}
	}
	for _, dir := range dirs {
		for ti, r := range rs {
			c := Cell{Module: dir, Target: r.Target.String(), Kernel: r.Kernel()}
			if envs[ti] != nil {
				c.Env = string(envs[ti].Kind)
			}
			c.Dir = filepath.Join(opts.WorkDir, slug(c.Target), cellPath(dir))
			c.LogFile = c.Dir + ".log"
			m.Cells = append(m.Cells, c)
		}
	}
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	p := newProgress(opts.Progress, len(m.Cells))
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i := range m.Cells {
		c := &m.Cells[i]
		ti := i % len(rs)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			p.start(c)
			t0 := time.Now()
			if envErrs[ti] != nil {
				c.Error = envErrs[ti].Error()
			} else if err := runCell(ctx, c, envs[ti], opts.Build); err != nil {
				c.Error = err.Error()
			}
			c.Seconds = time.Since(t0).Seconds()
			p.finish(c)
		}()
	}
	wg.Wait()
	p.close()
	if opts.Boot {
		m.Boots = bootTargets(ctx, m, rs, kernels, envErrs, jobs, opts, logw)
	}
	for _, c := range m.Cells {
		s.Dirs++
		s.Failing += c.Findings
		if c.Error != "" {
			s.fail(out, c.Module, fmt.Errorf("[%s] %s", c.Target, c.Error))
		}
		if c.Boot == "failed" {
			s.fail(out, c.Module, fmt.Errorf("[%s] boot: %s", c.Target, c.BootError))
		}
	}
	m.Seconds = time.Since(start).Seconds()
	if opts.Report != "" {
		b, err := json.MarshalIndent(m, "", "  ")
		if err == nil {
			err = os.WriteFile(opts.Report, append(b, '\n'), 0o644)
		}
		if err != nil {
			s.fail(out, opts.Report, err)
		}
	}
	return m, s
}

// runCell copies the module, builds and verifies it in env, and measures
// what it built.
func runCell(ctx context.Context, c *Cell, env *buildenv.Env, bopts kbuild.Options) error {
	if err := os.RemoveAll(c.Dir); err != nil {
		return err
	}
	if _, err := srctree.Copy(c.Module, c.Dir, cellCopy); err != nil {
		return fmt.Errorf("copy %s: %w", c.Module, err)
	}
	logf, err := os.Create(c.LogFile)
	if err != nil {
		return err
	}
	defer logf.Close()
	bopts.Stdout, bopts.Stderr = logf, logf
	res, err := buildAndVerify(ctx, c.Dir, env.Build, bopts, logf)
	if err != nil {
		fmt.Fprintf(logf, "initsec: %v\n", err)
		return fmt.Errorf("%w (log: %s)", err, c.LogFile)
	}
	c.Built = true
	c.Objects = res.Objects
	c.Findings = res.Failing()
	c.FindingList = res.Findings
	manifest := module.Manifest(res.Module)
	c.Entries = len(manifest.Entries)
	placed := make([]bool, len(manifest.Entries))
	for _, ko := range res.Objects {
		o, err := sectionrt.Open(ko)
		if err != nil {
			return err
		}
		mem := sectionrt.PredictMemory(o, true)
		c.InitBytes += mem.Init
		c.InitPages += mem.InitPages
		c.CoreSize += mem.CorePages * sectionrt.PageSize
		for i, e := range manifest.Entries {
			one := sectionrt.Manifest{Module: manifest.Module, Entries: []sectionrt.Expectation{e}}
			if len(sectionrt.CheckPlacement(o, one)) == 0 {
				placed[i] = true
			}
		}
	}
	for _, p := range placed {
		if p {
			c.Placed++
		}
	}
	return nil
}

// slug turns a target name into a directory name: debian-sid_amd64.
func slug(name string) string { return strings.ReplaceAll(name, "/", "_") }

// cellPath is where a module directory goes under a target's work
// directory: its path relative to the current directory when it is below
// it, else its last element. The last element stays the module's own
// (a build root mounts it at /build/NAME).
func cellPath(dir string) string {
	clean := filepath.Clean(dir)
	if !filepath.IsAbs(clean) && clean != "." && !strings.HasPrefix(clean, "..") {
		return clean
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return filepath.Base(clean)
	}
	return filepath.Base(abs)
}

// cellCopy is how a cell's directory copies its module: as kbuild sees
// it, hidden files, symbolic links and permission bits included, without
// kbuild's output (plan.ModuleDigest hashes the same files).
var cellCopy = srctree.CopyOptions{Hidden: true, Symlinks: true, Perm: true}

// WriteTable prints the matrix: one row per module × target.
func (m *Matrix) WriteTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "MODULE\tTARGET\tKERNEL\tENV\tBUILT\tFINDINGS\tPLACED\tINIT FREED\tCORESIZE\tBOOTED\tINITSIZE AFTER INIT\tTIME")
	for _, c := range m.Cells {
		built := "yes"
		if !c.Built {
			built = "FAILED"
		}
		placed, initB, core := "-", "-", "-"
		if c.Built {
			placed = fmt.Sprintf("%d/%d", c.Placed, c.Entries)
			initB = fmt.Sprintf("%d B", c.InitBytes)
			core = fmt.Sprintf("%d", c.CoreSize)
		}
		booted, initsize := "-", "-"
		switch c.Boot {
		case "ok":
			booted = "yes"
		case "failed":
			booted = "FAILED"
		case "skipped":
			booted = "skipped"
		}
		if c.InitSizeAfterInit != nil {
			initsize = fmt.Sprint(*c.InitSizeAfterInit)
		} else if c.Boot == "ok" {
			initsize = "(not loaded)" // init expected to fail
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%.1fs\n", c.Module, c.Target, c.Kernel, c.Env, built, c.Findings, placed, initB, core, booted, initsize, c.Seconds)
	}
	tw.Flush()
	built, failing, booted, boots := 0, 0, 0, 0
	for _, c := range m.Cells {
		if c.Built {
			built++
		}
		failing += c.Findings
		if c.Boot != "" {
			boots++
		}
		if c.Booted {
			booted++
		}
	}
	fmt.Fprintf(w, "%d module(s) x %d target(s): %d of %d built, %d finding(s)", len(m.Modules), len(m.Targets), built, len(m.Cells), failing)
	if boots > 0 {
		fmt.Fprintf(w, ", %d of %d booted", booted, len(m.Cells))
	}
	fmt.Fprintf(w, ", %.1fs\n", m.Seconds)
	for _, b := range m.Boots {
		status := fmt.Sprintf("%d module(s), boot %.1fs, total %.1fs", b.Modules, b.BootSeconds, b.Seconds)
		if b.Error != "" {
			status = "FAILED: " + firstLine(b.Error)
		}
		fmt.Fprintf(w, "  boot %s: %s (%s): %s\n", b.Target, b.Release, b.Arch, status)
	}
}

// progress reports cells as they start and finish.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	total   int
	done    int
	running map[*Cell]bool
	order   []*Cell
}

func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: orDiscard(w), total: total, running: map[*Cell]bool{}}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

func (p *progress) start(c *Cell) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running[c] = true
	p.order = append(p.order, c)
	p.redraw()
}

func (p *progress) finish(c *Cell) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.running, c)
	p.done++
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	status := fmt.Sprintf("built, %d finding(s), %d/%d placed", c.Findings, c.Placed, c.Entries)
	if !c.Built {
		status = "FAILED (log: " + c.LogFile + ")"
	}
	fmt.Fprintf(p.w, "initsec: [%d/%d] %s %s: %s (%.1fs)\n", p.done, p.total, c.Module, c.Target, status, c.Seconds)
	p.redraw()
}

// redraw shows the cells being built on the status line (terminals only).
func (p *progress) redraw() {
	if !p.tty {
		return
	}
	var names []string
	for _, c := range p.order {
		if p.running[c] {
			names = append(names, filepath.Base(c.Module)+"@"+c.Target)
		}
	}
	line := fmt.Sprintf("[%d/%d] building %s", p.done, p.total, strings.Join(names, ", "))
	if len(names) == 0 {
		line = fmt.Sprintf("[%d/%d]", p.done, p.total)
	}
	fmt.Fprint(p.w, "\r\033[K"+line)
}

func (p *progress) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
