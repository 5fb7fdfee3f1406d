package plan

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/initsec/initsec/internal/pipeline"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/kbuild/buildenv"
	"github.com/initsec/initsec/target"
)

// Result is one cell's outcome, the file a cell leaves wherever it ran
// (ResultFile): the plan and cell it belongs to, and the matrix cell of
// its module and target as that step left it (pipeline.Cell, the row of
// the table).
type Result struct {
	Plan string `json:"plan"` // Plan.Hash
	Cell string `json:"cell"` // Cell.ID
	Key  string `json:"key"`  // Cell.Key
	Step Step   `json:"step"`
	OK   bool   `json:"ok"`
	// Error says why the step failed; "" when OK.
	Error  string        `json:"error,omitempty"`
	Matrix pipeline.Cell `json:"matrix"`
}

// ResultFile is the name of a cell's result file: its index and a slug of
// its ID, so a directory of them lists in plan order and names are safe
// in an artifact.
func ResultFile(c Cell) string {
	return fmt.Sprintf("%05d-%s.json", c.Index, Slug(c.ID))
}

// Slug turns a name into [A-Za-z0-9._-]: "/" and "@" and ":" become "_".
func Slug(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			return r
		}
		return '_'
	}, s)
}

// RunOptions configures Run.
type RunOptions struct {
	// Root is the repository root the plan's module paths are relative to.
	Root string
	// Out is the directory the result files go to (made if missing).
	Out string
	// WorkDir, Jobs, Build, Log and Progress are the matrix's
	// (pipeline.MatrixOptions).
	WorkDir  string
	Jobs     int
	Build    kbuild.Options
	Log      io.Writer
	Progress io.Writer
	// Env makes a target's build environment; nil means buildenv's
	// (Config.Ensure, logging to Log).
	Env *buildenv.Config
	// Resolve returns the locked resolutions of targets; nil means the
	// repository's lock (target.ReadLock at Root).
	Resolve func(targets []string) ([]target.Resolution, error)
	// Matrix runs modules × resolutions, pipeline.RunMatrix when nil.
	// Tests replace it.
	Matrix func(ctx context.Context, dirs []string, rs []target.Resolution, cfg *buildenv.Config, opts pipeline.MatrixOptions) (*pipeline.Matrix, pipeline.Summary)
}

// Run executes cells of p (all of them, or a selection from Select) with
// the local matrix's worker pool: each module × target whose cells are
// selected is built and verified once, and one result file per selected
// cell goes to opts.Out. Targets whose selected modules are the same (the
// common case: every target of a plan has every module) and which all
// boot or all do not run in one pipeline.RunMatrix call, so their cells
// share one worker pool and their boots (one per target) run at once, as
// in the local matrix; other targets run in a call per such group. A
// cell's Needs are run with it, not recorded: a verify cell alone still
// builds. The results are returned in plan order.
func Run(ctx context.Context, p *Plan, cells []Cell, opts RunOptions) ([]Result, error) {
	if opts.Out != "" {
		if err := os.MkdirAll(opts.Out, 0o755); err != nil {
			return nil, err
		}
	}
	run := opts.Matrix
	if run == nil {
		run = pipeline.RunMatrix
	}
	cfg := opts.Env
	if cfg == nil {
		cfg = &buildenv.Config{Log: opts.Log}
	}
	targets, mods, boots := cellTargets(cells)
	resolve := opts.Resolve
	if resolve == nil {
		resolve = func(names []string) ([]target.Resolution, error) { return lockedResolutions(opts.Root, names) }
	}
	rs, err := resolve(targets)
	if err != nil {
		return nil, err
	}
	work := opts.WorkDir
	if work == "" {
		work = filepath.Join(opts.Root, pipeline.DefaultMatrixDir)
	}
	matrix := map[[2]string]pipeline.Cell{}
	for _, g := range groupTargets(targets, mods, boots) {
		var grs []target.Resolution
		for _, i := range g.targets {
			grs = append(grs, rs[i])
		}
		mcs, err := runGroup(ctx, run, cfg, opts.Root, g.modules, grs, pipeline.MatrixOptions{
			Build: opts.Build, WorkDir: work, Jobs: opts.Jobs, Progress: opts.Progress, Log: opts.Log,
			Boot: g.boot,
		})
		if err != nil {
			return nil, err
		}
		for _, mc := range mcs {
			matrix[[2]string{mc.Module, mc.Target}] = mc
		}
	}
	var out []Result
	for _, c := range cells {
		mc, ok := matrix[[2]string{c.Module, c.Target}]
		if !ok {
			return nil, fmt.Errorf("%s: the matrix returned no cell", c.ID)
		}
		r := cellResult(p, c, mc)
		out = append(out, r)
		if opts.Out != "" {
			if err := WriteResult(filepath.Join(opts.Out, ResultFile(c)), r); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// cellTargets returns the targets of cells in order of first appearance,
// each target's modules (likewise in order) and which targets have a boot
// cell (the matrix boots those once).
func cellTargets(cells []Cell) (targets []string, mods map[string][]string, boots map[string]bool) {
	mods = map[string][]string{}
	boots = map[string]bool{}
	for _, c := range cells {
		boots[c.Target] = boots[c.Target] || c.Step == Boot
		if !slices.Contains(targets, c.Target) {
			targets = append(targets, c.Target)
		}
		if !slices.Contains(mods[c.Target], c.Module) {
			mods[c.Target] = append(mods[c.Target], c.Module)
		}
	}
	return targets, mods, boots
}

// matrixFunc is RunOptions.Matrix's type (an alias, so the field keeps
// its signature in the documentation).
type matrixFunc = func(ctx context.Context, dirs []string, rs []target.Resolution, cfg *buildenv.Config, opts pipeline.MatrixOptions) (*pipeline.Matrix, pipeline.Summary)

// runGroup runs modules (the plan's paths, relative to root) × rs in one
// matrix call and returns its cells, named by the plan's module paths.
func runGroup(ctx context.Context, run matrixFunc, cfg *buildenv.Config, root string, modules []string, rs []target.Resolution, mo pipeline.MatrixOptions) ([]pipeline.Cell, error) {
	// The directory given to the matrix is the module's path from the
	// current directory when it is below it (the matrix copies it to
	// WorkDir/TARGET/PATH, so modules of the same base name do not
	// share a copy), else its absolute path.
	var dirs []string
	name := map[string]string{} // directory given -> the plan's module
	for _, m := range modules {
		d := matrixDir(filepath.Join(root, filepath.FromSlash(m)))
		dirs = append(dirs, d)
		name[d] = m
	}
	m, _ := run(ctx, dirs, rs, cfg, mo)
	cells := make([]pipeline.Cell, 0, len(m.Cells))
	for _, mc := range m.Cells {
		mod, ok := name[mc.Module]
		if !ok {
			return nil, fmt.Errorf("the matrix returned a cell of %s, which it was not given", mc.Module)
		}
		mc.Module = mod // the plan's name, not the path given to the matrix
		cells = append(cells, mc)
	}
	return cells, nil
}

// cellResult is c's result from mc, its module and target's matrix cell:
// whether c's step succeeded there, and if not why.
func cellResult(p *Plan, c Cell, mc pipeline.Cell) Result {
	r := Result{Plan: p.Hash, Cell: c.ID, Key: c.Key, Step: c.Step, Matrix: mc}
	switch c.Step {
	case Build:
		r.OK, r.Error = mc.Built, mc.Error
	case Verify:
		r.OK = mc.Built && mc.Findings == 0
		switch {
		case !mc.Built:
			r.Error = "not built: " + mc.Error
		case mc.Findings > 0:
			r.Error = fmt.Sprintf("%d finding(s)", mc.Findings)
		}
	case Boot:
		// The matrix booted the target once with every cell it built
		// without findings (MatrixOptions.Boot).
		r.OK = mc.Booted
		switch {
		case !mc.Built:
			r.Error = "not built: " + mc.Error
		case !mc.Booted:
			r.Error = "boot " + mc.Boot + ": " + mc.BootError
		}
	}
	return r
}

// targetGroup is targets (indexes into Run's targets) run by one matrix
// call: the same modules, all booted or none.
type targetGroup struct {
	modules []string
	boot    bool
	targets []int
}

// groupTargets groups targets by their modules and whether they boot, in
// the order of their first target.
func groupTargets(targets []string, mods map[string][]string, boots map[string]bool) []targetGroup {
	var gs []targetGroup
	for i, t := range targets {
		j := slices.IndexFunc(gs, func(g targetGroup) bool {
			return g.boot == boots[t] && slices.Equal(g.modules, mods[t])
		})
		if j < 0 {
			gs = append(gs, targetGroup{modules: mods[t], boot: boots[t]})
			j = len(gs) - 1
		}
		gs[j].targets = append(gs[j].targets, i)
	}
	return gs
}

// matrixDir is dir relative to the current directory when it is below it,
// else dir.
func matrixDir(dir string) string {
	wd, err := os.Getwd()
	if err != nil {
		return dir
	}
	rel, err := filepath.Rel(wd, dir)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return dir
	}
	return rel
}

// lockedResolutions reads the named targets' resolutions from root's lock.
func lockedResolutions(root string, names []string) ([]target.Resolution, error) {
	lock, err := target.ReadLock(root)
	if err != nil {
		return nil, err
	}
	var rs []target.Resolution
	for _, n := range names {
		t, err := target.ParseName(n)
		if err != nil {
			return nil, err
		}
		r, ok := lock.Lookup(t)
		if !ok {
			return nil, fmt.Errorf("%s is not locked", n)
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// WriteResult writes one result file.
func WriteResult(path string, r Result) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadResults reads every *.json file under dir (artifacts downloaded
// side by side, or nested one directory per artifact) as a Result.
func ReadResults(dir string) ([]Result, error) {
	var out []Result
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var r Result
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// Merge checks results against p and merges them into the matrix of the
// local run (pipeline.MergeCells): for each module × target, the cell its
// last step in plan order left; a module × target without any result is a
// failed row ("no result"). A result of another plan, or with a key
// that is not its cell's, is an error: it was made from other inputs. The
// missing cells are returned by ID, in plan order.
func Merge(p *Plan, results []Result) (*pipeline.Matrix, []string, error) {
	byID := map[string]Result{}
	for _, r := range results {
		if r.Plan != p.Hash {
			return nil, nil, fmt.Errorf("result for %s is of plan %s, not %s: the inputs changed since it ran", r.Cell, r.Plan, p.Hash)
		}
		c, ok := p.Cell(r.Cell)
		if !ok {
			return nil, nil, fmt.Errorf("result for %s: no such cell in plan %s", r.Cell, p.Hash)
		}
		if r.Key != c.Key || r.Step != c.Step {
			return nil, nil, fmt.Errorf("result for %s: key %s, want %s", r.Cell, r.Key, c.Key)
		}
		if _, dup := byID[r.Cell]; dup {
			return nil, nil, fmt.Errorf("two results for %s", r.Cell)
		}
		byID[r.Cell] = r
	}
	var missing []string
	rows := map[[2]string]pipeline.Cell{}
	var order [][2]string
	for _, c := range p.Cells {
		k := [2]string{c.Module, c.Target}
		if _, seen := rows[k]; !seen {
			order = append(order, k)
			rows[k] = pipeline.Cell{Module: c.Module, Target: c.Target, Error: "no result"}
		}
		r, ok := byID[c.ID]
		if !ok {
			missing = append(missing, c.ID)
			continue
		}
		rows[k] = r.Matrix
	}
	cells := make([]pipeline.Cell, 0, len(order))
	for _, k := range order {
		cells = append(cells, rows[k])
	}
	m, err := pipeline.MergeCells(cells)
	return m, missing, err
}

// Select returns the cells of p a runner asked for: those of target (if
// not ""), and of them the one at index (if >= 0; relative to the
// selection, as JOB_COMPLETION_INDEX is to the Job's cells).
func Select(p *Plan, targetName string, index int) ([]Cell, error) {
	cells := p.Cells
	if targetName != "" {
		if _, ok := p.Target(targetName); !ok {
			return nil, fmt.Errorf("target %s is not in the plan", targetName)
		}
		cells = p.TargetCells(targetName)
	}
	if index >= 0 {
		if index >= len(cells) {
			return nil, fmt.Errorf("cell index %d: the selection has %d cell(s)", index, len(cells))
		}
		cells = cells[index : index+1]
	}
	return cells, nil
}
