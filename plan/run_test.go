package plan

import (
	"bytes"
	"context"
	"fmt"
	"github.com/initsec/initsec/internal/dev/testenv"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/initsec/initsec/internal/pipeline"
	"github.com/initsec/initsec/kbuild/buildenv"
	"github.com/initsec/initsec/module"
	"github.com/initsec/initsec/sectionrt"
	"github.com/initsec/initsec/target"
)

// fakeMatrix stands for pipeline.RunMatrix: a cell per module × target,
// some with findings, one that fails to build; it records every cell it
// returns, as the local matrix has them.
type fakeMatrix struct {
	mu    sync.Mutex
	cells []pipeline.Cell
}

func (f *fakeMatrix) run(ctx context.Context, dirs []string, rs []target.Resolution, cfg *buildenv.Config, opts pipeline.MatrixOptions) (*pipeline.Matrix, pipeline.Summary) {
	m := &pipeline.Matrix{Modules: dirs}
	for _, d := range dirs {
		for _, r := range rs {
			c := pipeline.Cell{Module: d, Target: r.Target.String(), Kernel: "6.1.0-57-amd64", Env: "host", Built: true,
				Placed: 3, Entries: 3, InitBytes: 120, InitPages: 1, CoreSize: 8192, Seconds: 1.25,
				Objects: []string{filepath.Join(opts.WorkDir, filepath.Base(d), "m.ko")}}
			switch {
			case strings.HasSuffix(d, "m001") && r.Target.Series == "6.1":
				c.Built, c.Error, c.Objects = false, "make: *** [modules] Error 2", nil
			case strings.HasSuffix(d, "m000"):
				c.Findings = 1
				c.FindingList = []sectionrt.Finding{{Rule: "placement/section", Severity: sectionrt.Error, Object: c.Objects[0], Symbol: "tbl",
					Expected: ".init.rodata", Actual: ".rodata", Annotation: "m.c:3:1", Message: "tbl is in .rodata"}}
			}
			m.Cells = append(m.Cells, c)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range m.Cells {
		c.Module = strings.TrimPrefix(filepath.ToSlash(c.Module), "/repo/")
		f.cells = append(f.cells, c)
	}
	return m, pipeline.Summary{}
}

func fakeResolve(names []string) ([]target.Resolution, error) {
	var rs []target.Resolution
	for _, n := range names {
		t, err := target.ParseName(n)
		if err != nil {
			return nil, err
		}
		rs = append(rs, target.Resolution{Target: t})
	}
	return rs, nil
}

func ids(cells []Cell) []string {
	var out []string
	for _, c := range cells {
		out = append(out, c.ID)
	}
	return out
}

// The local run, the GitHub workflow and the Kubernetes Job run the same
// cells of the same plan.
func TestEnginesSameCells(t *testing.T) {
	for _, s := range planSizes {
		p := synthetic(s.modules, s.targets, s.steps...)
		var f fakeMatrix
		results, err := Run(context.Background(), p, p.Cells, RunOptions{Root: "/repo", Matrix: f.run, Resolve: fakeResolve})
		if err != nil {
			t.Fatal(err)
		}
		var local []string
		for _, r := range results {
			local = append(local, r.Cell)
			if r.Plan != p.Hash {
				t.Errorf("result of plan %s", r.Plan)
			}
		}
		files, err := GitHub(p, GitHubOptions{})
		if err != nil {
			t.Fatal(err)
		}
		gh, hashes := ghCells(t, p, files)
		jobs, err := Kubernetes(p, KubernetesOptions{Image: "root:" + TargetPlaceholder})
		if err != nil {
			t.Fatal(err)
		}
		data, _ := KubernetesYAML(p, jobs)
		k8s := k8sCells(t, p, decodeJobs(t, data))
		one, _ := Kubernetes(p, KubernetesOptions{Image: "root:all"})
		data, _ = KubernetesYAML(p, one)
		k8sOne := k8sCells(t, p, decodeJobs(t, data))
		want := ids(p.Cells)
		for name, got := range map[string][]string{"local": local, "github": gh, "k8s per target": k8s, "k8s": k8sOne} {
			if !slices.Equal(got, want) {
				t.Errorf("%d cells: %s runs %d cells, not the plan's %d", len(p.Cells), name, len(got), len(want))
			}
		}
		for _, h := range hashes {
			if h != p.Hash {
				t.Errorf("workflow of plan %s, want %s", h, p.Hash)
			}
		}
	}
}

// The local matrix's table and SARIF (pipeline.PrintMerged over the cells
// as RunMatrix returned them) are what plan merge makes of the per-cell
// JSON files written target by target, as the GitHub jobs write them.
func TestMergeEqualsLocal(t *testing.T) {
	p := synthetic(3, 4)
	var f fakeMatrix
	out := t.TempDir()
	for _, tg := range p.Targets {
		cells, _ := Select(p, tg.Name, -1)
		if _, err := Run(context.Background(), p, cells, RunOptions{Root: "/repo", Out: filepath.Join(out, ResultsArtifact+Slug(tg.Name)), Matrix: f.run, Resolve: fakeResolve}); err != nil {
			t.Fatal(err)
		}
	}
	local, _ := compareMerge(t, p, f.cells, out)
	for _, want := range []string{"FAILED", "drivers/m000  debian-12/6.0/amd64", "11 of 12 built", "4 finding(s)"} {
		if !strings.Contains(local, want) {
			t.Errorf("table lacks %q:\n%s", want, local)
		}
	}
	// A missing cell is a failed row; a result of another plan is refused.
	os.Remove(filepath.Join(out, ResultsArtifact+Slug(p.Targets[0].Name), ResultFile(p.Cells[0])))
	os.Remove(filepath.Join(out, ResultsArtifact+Slug(p.Targets[0].Name), ResultFile(p.Cells[1])))
	rs, _ := ReadResults(out)
	m, missing, err := Merge(p, rs)
	if err != nil || len(missing) != 2 || m.Cells[0].Error != "no result" {
		t.Errorf("missing: %v %v %+v", err, missing, m.Cells[0])
	}
	other := synthetic(3, 5)
	if _, _, err := Merge(other, rs); err == nil || !strings.Contains(err.Error(), "inputs changed") {
		t.Errorf("another plan's results: %v", err)
	}
}

// compareMerge prints the local table and SARIF from cells, merges the
// result files under dir, and fails unless they are the same.
func compareMerge(t *testing.T, p *Plan, cells []pipeline.Cell, dir string) (string, string) {
	t.Helper()
	var local bytes.Buffer
	sarifLocal := filepath.Join(t.TempDir(), "local.sarif")
	if _, err := pipeline.PrintMerged(&local, cells, sarifLocal); err != nil {
		t.Fatal(err)
	}
	rs, err := ReadResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(p.Cells) {
		t.Fatalf("%d result files for %d cells", len(rs), len(p.Cells))
	}
	m, missing, err := Merge(p, rs)
	if err != nil || len(missing) > 0 {
		t.Fatalf("merge: %v, missing %v", err, missing)
	}
	var merged, sarif bytes.Buffer
	m.WriteTable(&merged)
	if err := m.WriteSARIF(&sarif); err != nil {
		t.Fatal(err)
	}
	if local.String() != merged.String() {
		t.Errorf("local table:\n%s\nmerged from the result files:\n%s", local.String(), merged.String())
	}
	if want, _ := os.ReadFile(sarifLocal); string(want) != sarif.String() {
		t.Errorf("SARIF differs:\n%s\n%s", want, sarif.String())
	}
	t.Logf("table, local = merged:\n%s", merged.String())
	return local.String(), merged.String()
}

// On this repository: the plan of examples/ × initsec.targets, and a real
// matrix run of examples/hello on debian-12/6.12/amd64 (built on a Debian
// 12 host with that target's headers installed; skipped elsewhere) merged
// from its per-cell JSON files is the local matrix's table.
func TestThisRepository(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Make(root, Options{Dirs: []string{filepath.Join(root, "examples")}})
	if err != nil {
		t.Fatal(err)
	}
	targets, _ := target.ReadTargets(root)
	if len(targets) != 5 || len(p.Targets) != 5 || len(p.Modules) < 4 || len(p.Cells) != len(p.Modules)*5*2 {
		t.Fatalf("plan: %d targets, %d modules, %d cells", len(p.Targets), len(p.Modules), len(p.Cells))
	}
	files, err := GitHub(p, GitHubOptions{Args: []string{"examples"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range lint(t, files) {
		t.Errorf("actionlint: %v", e)
	}
	gh, _ := ghCells(t, p, files)
	if !slices.Equal(gh, ids(p.Cells)) {
		t.Errorf("the workflow runs %d cells of %d", len(gh), len(p.Cells))
	}
	// go run mage.go matrix plans the module directories under examples/
	// (with boot unless INITSEC_BOOT=0): the plan of initsec plan examples.
	mods, err := module.FindModules(filepath.Join(root, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	for _, steps := range [][]Step{DefaultSteps, Steps} {
		mage, err := Make(root, Options{Dirs: mods, Steps: steps})
		cli, err2 := Make(root, Options{Dirs: []string{filepath.Join(root, "examples")}, Steps: steps})
		if err != nil || err2 != nil || mage.Hash != cli.Hash {
			t.Errorf("steps %s: the Mage matrix's plan %v %v, initsec plan's %v %v", joinSteps(steps), mage, err, cli, err2)
		}
	}

	if testing.Short() {
		t.Skip("-short: no real matrix run")
	}
	const cheap = "debian-12/6.12/amd64"
	one, err := Make(root, Options{Dirs: []string{filepath.Join(root, "examples", "hello")}, Targets: []string{cheap}})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := lockedResolutions(root, []string{cheap})
	if err != nil {
		t.Fatal(err)
	}
	host, err := buildenv.DetectHost(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	kind, _, err := buildenv.Choose(rs[0], host)
	if err != nil || kind != buildenv.KindHost || os.Geteuid() != 0 {
		testenv.SkipOrFail(t, "%s is not built on this host (%v, %s, uid %d): no real matrix run", cheap, err, kind, os.Geteuid())
	}
	var log bytes.Buffer
	var cells []pipeline.Cell
	record := func(ctx context.Context, dirs []string, rs []target.Resolution, cfg *buildenv.Config, opts pipeline.MatrixOptions) (*pipeline.Matrix, pipeline.Summary) {
		m, s := pipeline.RunMatrix(ctx, dirs, rs, cfg, opts)
		for _, c := range m.Cells {
			abs, _ := filepath.Abs(c.Module)
			rel, _ := filepath.Rel(root, abs)
			c.Module = filepath.ToSlash(rel)
			cells = append(cells, c)
		}
		return m, s
	}
	out := t.TempDir()
	results, err := Run(context.Background(), one, one.Cells, RunOptions{Root: root, Out: out, WorkDir: t.TempDir(), Log: &log, Matrix: record})
	if err != nil {
		t.Fatal(err)
	}
	if !results[0].OK {
		t.Fatalf("%s: %s\n%s", results[0].Cell, results[0].Error, log.String())
	}
	compareMerge(t, one, cells, out)
}

// Boot cells run in the matrix's one boot per target: the matrix is asked
// to boot exactly the targets that have boot cells, and a boot cell is OK
// only when its module booted as expected.
func TestRunBootCells(t *testing.T) {
	p := synthetic(2, 2, Build, Boot)
	p.Cells = slices.DeleteFunc(p.Cells, func(c Cell) bool { return c.Step == Boot && strings.HasSuffix(c.Target, "6.1/amd64") })
	booted := map[string]bool{}
	matrix := func(ctx context.Context, dirs []string, rs []target.Resolution, cfg *buildenv.Config, opts pipeline.MatrixOptions) (*pipeline.Matrix, pipeline.Summary) {
		m := &pipeline.Matrix{Modules: dirs}
		for _, r := range rs {
			booted[r.Target.String()] = opts.Boot
			for _, d := range dirs {
				c := pipeline.Cell{Module: d, Target: r.Target.String(), Built: true}
				if opts.Boot {
					c.Boot, c.Booted = "ok", true
					if strings.HasSuffix(d, "m001") {
						c.Boot, c.Booted, c.BootError = "failed", false, "m001: init returned ENODEV"
					}
				}
				m.Cells = append(m.Cells, c)
			}
		}
		return m, pipeline.Summary{}
	}
	rs, err := Run(context.Background(), p, p.Cells, RunOptions{Root: "/repo", Matrix: matrix, Resolve: fakeResolve})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]bool{"debian-12/6.0/amd64": true, "debian-12/6.1/amd64": false}; !maps.Equal(booted, want) {
		t.Errorf("matrix asked to boot %v, want %v", booted, want)
	}
	var got []string
	for _, r := range rs {
		if r.Step == Boot {
			got = append(got, fmt.Sprintf("%s ok=%v %s", r.Cell, r.OK, r.Error))
		}
	}
	want := []string{
		"drivers/m000@debian-12/6.0/amd64:boot ok=true ",
		"drivers/m001@debian-12/6.0/amd64:boot ok=false boot failed: m001: init returned ENODEV",
	}
	if !slices.Equal(got, want) {
		t.Errorf("boot results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Targets with the same modules run in one matrix call, so their cells
// share the worker pool and their boots run at once; targets whose
// modules or boots differ run in a call per group.
func TestRunOneMatrixCall(t *testing.T) {
	type call struct {
		dirs    []string
		targets []string
		boot    bool
	}
	var calls []call
	var f fakeMatrix
	count := func(ctx context.Context, dirs []string, rs []target.Resolution, cfg *buildenv.Config, opts pipeline.MatrixOptions) (*pipeline.Matrix, pipeline.Summary) {
		c := call{dirs: dirs, boot: opts.Boot}
		for _, r := range rs {
			c.targets = append(c.targets, r.Target.String())
		}
		calls = append(calls, c)
		return f.run(ctx, dirs, rs, cfg, opts)
	}
	p := synthetic(3, 4, Build, Verify, Boot)
	rs, err := Run(context.Background(), p, p.Cells, RunOptions{Root: "/repo", Matrix: count, Resolve: fakeResolve})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 1 || len(calls[0].targets) != 4 || len(calls[0].dirs) != 3 || !calls[0].boot {
		t.Fatalf("%d matrix call(s) for 4 targets of the same modules: %+v", len(calls), calls)
	}
	if len(rs) != len(p.Cells) {
		t.Errorf("%d results for %d cells", len(rs), len(p.Cells))
	}
	for i, r := range rs {
		c := p.Cells[i]
		if r.Cell != c.ID || r.Matrix.Module != c.Module || r.Matrix.Target != c.Target {
			t.Errorf("result %d: %s of %s@%s, want %s", i, r.Cell, r.Matrix.Module, r.Matrix.Target, c.ID)
		}
	}

	// One target without a module, another without boots: three groups.
	calls = nil
	cells := slices.DeleteFunc(slices.Clone(p.Cells), func(c Cell) bool {
		return c.Target == p.Targets[0].Name && c.Module == p.Modules[2].Dir ||
			c.Target == p.Targets[1].Name && c.Step == Boot
	})
	if _, err := Run(context.Background(), p, cells, RunOptions{Root: "/repo", Matrix: count, Resolve: fakeResolve}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range calls {
		got = append(got, fmt.Sprintf("%d dirs %v boot=%v", len(c.dirs), c.targets, c.boot))
	}
	want := []string{
		fmt.Sprintf("2 dirs [%s] boot=true", p.Targets[0].Name),
		fmt.Sprintf("3 dirs [%s] boot=false", p.Targets[1].Name),
		fmt.Sprintf("3 dirs [%s %s] boot=true", p.Targets[2].Name, p.Targets[3].Name),
	}
	if !slices.Equal(got, want) {
		t.Errorf("matrix calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
