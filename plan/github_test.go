package plan

import (
	"github.com/initsec/initsec/internal/dev/testenv"

	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v3"
)

// lint writes files under a fresh repository root and runs actionlint on
// them as a library (with shellcheck on the run: scripts when it is
// installed), so reusable workflow calls are checked against the called
// files.
func lint(t *testing.T, files []File) []*actionlint.Error {
	t.Helper()
	root := t.TempDir()
	var paths []string
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	opts := &actionlint.LinterOptions{WorkingDir: root, LogWriter: os.Stderr}
	if sc, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = sc
	} else if testenv.CI() {
		t.Fatalf("CI=true but no shellcheck (Debian package shellcheck; go run mage.go test installs it): %v", err)
	}
	var out strings.Builder
	l, err := actionlint.NewLinter(&out, opts)
	if err != nil {
		t.Fatal(err)
	}
	proj, err := actionlint.NewProject(root)
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFiles(paths, proj)
	if err != nil {
		t.Fatal(err)
	}
	return errs
}

// ghCells are the cells the workflows run: each matrix entry's target,
// expanded to that target's cells (what initsec plan run -target runs),
// in file order; and the plan hash each file carries.
func ghCells(t *testing.T, p *Plan, files []File) ([]string, []string) {
	t.Helper()
	var ids, hashes []string
	for _, f := range files {
		var w struct {
			Env  map[string]string `yaml:"env"`
			Jobs map[string]struct {
				Uses     string `yaml:"uses"`
				Strategy struct {
					Matrix struct {
						Include []ghEntry `yaml:"include"`
					} `yaml:"matrix"`
				} `yaml:"strategy"`
			} `yaml:"jobs"`
		}
		if err := yaml.Unmarshal(f.Data, &w); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		hashes = append(hashes, w.Env["INITSEC_PLAN"])
		for _, e := range w.Jobs["cells"].Strategy.Matrix.Include {
			cells := p.TargetCells(e.Target)
			if len(cells) != e.Cells || Slug(e.Target) != e.Slug {
				t.Errorf("%s: entry %+v, the plan has %d cells", f.Path, e, len(cells))
			}
			for _, c := range cells {
				ids = append(ids, c.ID)
			}
		}
	}
	return ids, hashes
}

// The workflows of plans of 1, 50, 300 and 1,000 cells lint clean; past
// MaxMatrixJobs target jobs they are sharded, and the merge job needs
// every shard.
func TestGitHubActionlint(t *testing.T) {
	for _, s := range planSizes {
		t.Run(fmt.Sprintf("%dcells_%dtargets", s.cells, s.targets), func(t *testing.T) {
			p := synthetic(s.modules, s.targets, s.steps...)
			files, err := GitHub(p, GitHubOptions{Args: []string{"drivers"}})
			if err != nil {
				t.Fatal(err)
			}
			wantFiles := 1
			if s.targets > MaxMatrixJobs {
				wantFiles = 1 + (s.targets+MaxMatrixJobs-1)/MaxMatrixJobs
			}
			if len(files) != wantFiles {
				t.Errorf("%d files, want %d", len(files), wantFiles)
			}
			errs := lint(t, files)
			for _, e := range errs {
				t.Errorf("actionlint: %v", e)
			}
			t.Logf("%d cells, %d target jobs, %d workflow file(s): actionlint reports %d error(s)", len(p.Cells), len(p.Targets), len(files), len(errs))
			main := string(files[0].Data)
			for i := 1; i < len(files); i++ {
				if !strings.Contains(main, fmt.Sprintf("uses: ./%s", files[i].Path)) || !strings.Contains(main, fmt.Sprintf("- shard-%d\n", i)) {
					t.Errorf("main workflow does not call and wait for %s", files[i].Path)
				}
			}
		})
	}
}

// A workflow with boot cells checks for KVM and installs QEMU, and still
// lints clean.
func TestGitHubBoot(t *testing.T) {
	p := synthetic(2, 2, Steps...)
	files, err := GitHub(p, GitHubOptions{PlanFlags: []string{"-steps", "build,verify,boot"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range lint(t, files) {
		t.Errorf("actionlint: %v", e)
	}
	for _, want := range []string{"/dev/kvm", "qemu-system-x86", "-steps build,verify,boot"} {
		if !strings.Contains(string(files[0].Data), want) {
			t.Errorf("workflow lacks %q", want)
		}
	}
}

func TestGitHubTooLarge(t *testing.T) {
	p := synthetic(1, 1, Build)
	for i := range MaxShards*MaxMatrixJobs + 1 {
		p.Targets = append(p.Targets, Target{Name: fmt.Sprintf("t%d", i)})
	}
	p = New(p.Modules, p.Targets, p.Steps)
	if _, err := GitHub(p, GitHubOptions{}); err == nil || !strings.Contains(err.Error(), "shards") {
		t.Errorf("a plan past %d shards: %v", MaxShards, err)
	}
}

// The linter does see faults: an unknown job key, and a call to a reusable
// workflow that is not there.
func TestActionlintCatches(t *testing.T) {
	p := synthetic(1, MaxMatrixJobs+1, Build)
	files, err := GitHub(p, GitHubOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bad := []File{{Path: files[0].Path, Data: []byte(strings.Replace(string(files[0].Data), "runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    bogus-key: 1", 1))}}
	bad = append(bad, files[2:]...) // shard-1 missing
	errs := lint(t, bad)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, "bogus-key") || !strings.Contains(all, "shard-1") {
		t.Errorf("actionlint missed the faults:\n%s", all)
	}
}

// The workflow's Go and initsec follow the repository's go.mod: with one
// that requires initsec, setup-go reads it and the default command runs
// that version; without one, setup-go installs the stable Go and the
// command runs this build's release (or the one -initsec names); a
// go.mod without initsec, or no go.mod and no version, is an error that
// says what to do, not a workflow that fails in every job.
func TestGitHubForRepository(t *testing.T) {
	p := synthetic(1, 1, Build)
	for _, tc := range []struct {
		name, gomod, initsec, version string
		want                          []string // in the workflow
		err                           string
	}{
		{name: "requires", gomod: "module example.com/drv\n\ngo 1.24\n\nrequire github.com/initsec/initsec v0.3.0\n",
			want: []string{"go-version-file: go.mod", "go run github.com/initsec/initsec/cmd/initsec plan run"}},
		{name: "initsec itself", gomod: "module github.com/initsec/initsec\n\ngo 1.24\n",
			want: []string{"go-version-file: go.mod", "go run github.com/initsec/initsec/cmd/initsec plan run"}},
		{name: "no initsec", gomod: "module example.com/drv\n\ngo 1.24\n",
			err: "go.mod does not require github.com/initsec/initsec"},
		{name: "no initsec, -initsec", gomod: "module example.com/drv\n\ngo 1.24\n", initsec: "/opt/initsec",
			want: []string{"go-version-file: go.mod", "/opt/initsec plan run"}},
		{name: "no go.mod, release build", version: "v0.3.1",
			want: []string{"go-version: stable", "go run github.com/initsec/initsec/cmd/initsec@v0.3.1 plan run"}},
		{name: "no go.mod, -initsec", initsec: "go run github.com/initsec/initsec/cmd/initsec@v0.2.0",
			want: []string{"go-version: stable", "go run github.com/initsec/initsec/cmd/initsec@v0.2.0 plan run"}},
		{name: "no go.mod, development build", err: "has no go.mod"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			if tc.gomod != "" {
				if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte(tc.gomod), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			opts := GitHubOptions{Initsec: tc.initsec}
			err := opts.ForRepository(root, tc.version)
			var files []File
			if err == nil {
				files, err = GitHub(p, opts)
			}
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.want {
				if !strings.Contains(string(files[0].Data), want) {
					t.Errorf("workflow lacks %q", want)
				}
			}
			for _, e := range lint(t, files) {
				t.Errorf("actionlint: %v", e)
			}
		})
	}
}
