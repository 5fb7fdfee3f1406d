package plan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/pipeline"
	"github.com/initsec/initsec/kbuild/buildenv"
	"github.com/initsec/initsec/target"
)

// The local matrix (Local, what mage initsec:matrix runs) executes the
// plan that initsec plan -emit github and -emit k8s emit: the same hash,
// the same cells, in one matrix call over every target; it merges the
// per-cell files it leaves as the merge job does.
func TestLocalSameAsEngines(t *testing.T) {
	root := writeRepo(t)
	dirs := []string{filepath.Join(root, "mods")}
	steps := []Step{Build, Verify, Boot}
	calls := 0
	var f fakeMatrix
	matrix := func(ctx context.Context, dirs []string, rs []target.Resolution, cfg *buildenv.Config, opts pipeline.MatrixOptions) (*pipeline.Matrix, pipeline.Summary) {
		calls++
		if len(rs) != 2 || len(dirs) != 2 || !opts.Boot {
			t.Errorf("matrix call: %d targets, %d dirs, boot %v", len(rs), len(dirs), opts.Boot)
		}
		m, s := f.run(ctx, dirs, rs, cfg, opts)
		for i := range m.Cells {
			m.Cells[i].Boot, m.Cells[i].Booted = "ok", true
		}
		return m, s
	}
	out := t.TempDir()
	var log bytes.Buffer
	p, rep, err := Local(context.Background(), root, dirs, []string{pipeline.AllTargets}, steps, LocalOptions{
		Report: filepath.Join(out, "m.json"), SARIF: filepath.Join(out, "m.sarif"), Matrix: matrix,
	}, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	t.Logf("output:\n%s", log.String())
	if calls != 1 {
		t.Errorf("%d matrix calls for one plan of two targets with the same modules", calls)
	}
	emitted, err := Make(root, Options{Dirs: dirs, Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	if p.Hash != emitted.Hash || !strings.Contains(log.String(), "plan "+emitted.Hash) {
		t.Errorf("local plan %s, emitted %s; output:\n%s", p.Hash, emitted.Hash, log.String())
	}
	files, err := GitHub(emitted, GitHubOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gh, hashes := ghCells(t, emitted, files)
	jobs, err := Kubernetes(emitted, KubernetesOptions{Image: "root:" + TargetPlaceholder})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := KubernetesYAML(emitted, jobs)
	k8s := k8sCells(t, emitted, decodeJobs(t, data))
	results, err := ReadResults(filepath.Join(root, LocalDir))
	if err != nil {
		t.Fatal(err)
	}
	var local []string
	for _, r := range results {
		local = append(local, r.Cell)
		if r.Plan != emitted.Hash || !r.OK {
			t.Errorf("%s: plan %s, ok %v %s", r.Cell, r.Plan, r.OK, r.Error)
		}
	}
	want := ids(emitted.Cells)
	for name, got := range map[string][]string{"local": local, "github": gh, "k8s": k8s} {
		if !slices.Equal(got, want) {
			t.Errorf("%s runs %q, want %q", name, got, want)
		}
	}
	for _, h := range hashes {
		if h != emitted.Hash {
			t.Errorf("workflow of plan %s, want %s", h, emitted.Hash)
		}
	}
	// The table printed is the merge job's of the same files.
	m, missing, err := Merge(emitted, results)
	if err != nil || len(missing) > 0 {
		t.Fatal(err, missing)
	}
	var table bytes.Buffer
	m.WriteTable(&table)
	if !strings.Contains(log.String(), table.String()) {
		t.Errorf("output:\n%s\nlacks the merged table:\n%s", log.String(), table.String())
	}
	// The report: the merged matrix with its plan.
	var got struct {
		Plan  string          `json:"plan"`
		Cells []pipeline.Cell `json:"cells"`
	}
	b, err := os.ReadFile(filepath.Join(out, "m.json"))
	if err == nil {
		err = json.Unmarshal(b, &got)
	}
	if err != nil || got.Plan != emitted.Hash || len(got.Cells) != 4 || rep.PlanCells != 12 || !got.Cells[0].Booted {
		t.Errorf("report: %v %+v", err, got)
	}
	if _, err := os.Stat(filepath.Join(out, "m.sarif")); err != nil {
		t.Error(err)
	}

	// Findings: exit status 1; a cell that did not build: 2.
	for _, tc := range []struct {
		mutate func(*pipeline.Cell)
		status int
	}{
		{func(c *pipeline.Cell) { c.Findings = 2 }, pipeline.ExitFindings},
		{func(c *pipeline.Cell) { c.Built, c.Error = false, "make: Error 2" }, pipeline.ExitError},
	} {
		bad := func(ctx context.Context, dirs []string, rs []target.Resolution, cfg *buildenv.Config, opts pipeline.MatrixOptions) (*pipeline.Matrix, pipeline.Summary) {
			m, s := f.run(ctx, dirs, rs, cfg, opts)
			tc.mutate(&m.Cells[0])
			return m, s
		}
		_, _, err := Local(context.Background(), root, dirs, nil, nil, LocalOptions{
			Report: filepath.Join(out, "m.json"), SARIF: filepath.Join(out, "m.sarif"), Matrix: bad,
		}, &log)
		var st *pipeline.ExitStatusError
		if !errors.As(err, &st) || st.Status != tc.status {
			t.Errorf("status: %v, want %d", err, tc.status)
		}
	}
}
