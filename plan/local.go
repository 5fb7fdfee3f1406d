package plan

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/initsec/initsec/internal/pipeline"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/kbuild/buildenv"
	"github.com/initsec/initsec/target"
)

// LocalDir is where Local writes the per-cell results, under the
// repository root: the files a GitHub job uploads or a Kubernetes pod
// leaves (ResultFile), one per cell. Local empties it first.
const LocalDir = ".initsec/plan"

// LocalOptions configures Local.
type LocalOptions struct {
	// Build holds the kbuild options every cell shares.
	Build kbuild.Options
	// Jobs is how many cells build at once; 0 means the number of CPUs.
	Jobs int
	// Report and SARIF are where the merged matrix goes;
	// "" means pipeline.DefaultMatrixReport and
	// pipeline.DefaultMatrixSARIF, in the current directory.
	Report, SARIF string
	// Env, Resolve and Matrix are Run's; nil means the defaults. Tests
	// replace them.
	Env     *buildenv.Config
	Resolve func(targets []string) ([]target.Resolution, error)
	Matrix  func(ctx context.Context, dirs []string, rs []target.Resolution, cfg *buildenv.Config, opts pipeline.MatrixOptions) (*pipeline.Matrix, pipeline.Summary)
}

// Report is the JSON the local matrix writes (LocalOptions.Report): the
// merged matrix (Merge, as plan merge and the GitHub merge job make it:
// rows by module, then target; modules by their path from the repository
// root; Seconds the sum of the cells' times) with the plan it ran.
type Report struct {
	Plan      string `json:"plan"`       // Plan.Hash
	PlanCells int    `json:"plan_cells"` // len(Plan.Cells)
	*pipeline.Matrix
	// Failed are the cells whose result is not OK, Missing those without
	// a result, by ID in plan order.
	Failed  []string `json:"failed_cells,omitempty"`
	Missing []string `json:"missing_cells,omitempty"`
	// WallSeconds is how long the local run took.
	WallSeconds float64 `json:"wall_seconds"`
	// Results is the directory of the per-cell result files.
	Results string `json:"results"`
}

// Local is the local matrix (mage initsec:matrix): it makes the plan of
// the repository at root for dirs (module directories, or directories to
// search for them; none means the root) × targets (names of
// initsec.targets; none or pipeline.AllTargets means all) × steps, runs
// every cell here (Run: one worker pool, one boot per target), writes the
// per-cell results to LocalDir under root, merges them from those files
// with Merge, the merge initsec plan merge runs in the GitHub workflow's
// merge job, and prints the table and the plan hash on w, the hash
// `initsec plan -emit github|k8s` embeds. It writes the Report and the
// SARIF log. The error is nil when every cell is OK; otherwise it is a
// *pipeline.ExitStatusError: pipeline.ExitError when a cell failed or has
// no result, pipeline.ExitFindings when cells built with findings.
func Local(ctx context.Context, root string, dirs, targets []string, steps []Step, opts LocalOptions, w io.Writer) (*Plan, *Report, error) {
	start := time.Now()
	if slices.Contains(targets, pipeline.AllTargets) {
		targets = nil
	}
	p, err := Make(root, Options{Dirs: dirs, Targets: targets, Steps: steps})
	if err != nil {
		return nil, nil, err
	}
	if len(p.Cells) == 0 {
		return p, nil, fmt.Errorf("plan %s has no cells: no module directories or no targets", p.Hash)
	}
	root, err = filepath.Abs(root)
	if err != nil {
		return p, nil, err
	}
	fmt.Fprintf(w, "initsec: plan %s: %d cell(s), %d module(s) x %d target(s) x steps %s\n",
		p.Hash, len(p.Cells), len(p.Modules), len(p.Targets), joinSteps(p.Steps))
	fmt.Fprintf(w, "initsec: the same plan is emitted by: initsec plan %s-emit github|k8s %s\n", planFlags(p, targets), strings.Join(dirs, " "))
	out := filepath.Join(root, filepath.FromSlash(LocalDir))
	if err := os.RemoveAll(out); err != nil {
		return p, nil, err
	}
	if _, err := Run(ctx, p, p.Cells, RunOptions{
		Root: root, Out: out, Jobs: opts.Jobs, Build: opts.Build, Log: w, Progress: w,
		Env: opts.Env, Resolve: opts.Resolve, Matrix: opts.Matrix,
	}); err != nil {
		return p, nil, err
	}
	// Merge what the cells left, as the merge job does with the
	// artifacts.
	results, err := ReadResults(out)
	if err != nil {
		return p, nil, err
	}
	m, missing, err := Merge(p, results)
	if err != nil {
		return p, nil, err
	}
	rep := &Report{Plan: p.Hash, PlanCells: len(p.Cells), Matrix: m, Missing: missing, Results: out}
	hard, findings := len(missing), 0 // cells failed other than by findings
	for _, c := range m.Cells {
		findings += c.Findings
	}
	for _, r := range results { // in plan order: ResultFile begins with the index
		if !r.OK {
			rep.Failed = append(rep.Failed, r.Cell)
			if r.Step != Verify || !r.Matrix.Built {
				hard++
			}
		}
	}
	fmt.Fprintln(w)
	m.WriteTable(w)
	for _, id := range missing {
		fmt.Fprintf(w, "initsec: %s: no result\n", id)
	}
	for _, r := range results {
		if !r.OK {
			fmt.Fprintf(w, "initsec: %s: %s\n", r.Cell, strings.SplitN(r.Error, "\n", 2)[0])
		}
	}
	rep.WallSeconds = time.Since(start).Seconds()
	reportPath, sarifPath := cmp.Or(opts.Report, pipeline.DefaultMatrixReport), cmp.Or(opts.SARIF, pipeline.DefaultMatrixSARIF)
	if err := writeReport(reportPath, sarifPath, rep); err != nil {
		return p, rep, err
	}
	fmt.Fprintf(w, "initsec: plan %s: matrix written to %s and %s in %.1fs; per-cell results in %s; module copies, build logs and boot consoles in %s\n",
		p.Hash, reportPath, sarifPath, rep.WallSeconds, out, filepath.Join(root, pipeline.DefaultMatrixDir))
	switch {
	case hard > 0:
		return p, rep, &pipeline.ExitStatusError{Status: pipeline.ExitError,
			Msg: fmt.Sprintf("initsec matrix: %d of %d cell(s) of plan %s failed (errors above)", len(rep.Failed)+len(missing), len(p.Cells), p.Hash)}
	case findings > 0 || len(rep.Failed) > 0:
		return p, rep, &pipeline.ExitStatusError{Status: pipeline.ExitFindings,
			Msg: fmt.Sprintf("initsec matrix: %d finding(s)", findings)}
	}
	return p, rep, nil
}

func writeReport(reportPath, sarifPath string, rep *Report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(reportPath, append(b, '\n'), 0o644); err != nil {
		return err
	}
	f, err := os.Create(sarifPath)
	if err != nil {
		return err
	}
	return errors.Join(rep.WriteSARIF(f), f.Close())
}

// planFlags are the flags of initsec plan that make p: its steps unless
// the default, and the targets when narrowed.
func planFlags(p *Plan, targets []string) string {
	var f string
	if !slices.Equal(p.Steps, DefaultSteps) {
		f += "-steps " + joinSteps(p.Steps) + " "
	}
	if len(targets) > 0 {
		f += "-targets " + strings.Join(targets, ",") + " "
	}
	return f
}
