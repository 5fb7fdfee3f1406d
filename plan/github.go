package plan

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/modfile"
)

// GitHub Actions limits the emitted workflows keep to.
const (
	// MaxMatrixJobs is the most jobs one matrix may generate.
	MaxMatrixJobs = 256
	// MaxShards is the most reusable workflows one workflow calls.
	MaxShards = 20
)

// GitHubOptions configures GitHub.
type GitHubOptions struct {
	// Initsec is the command that runs initsec in the checkout; default
	// "go run github.com/initsec/initsec/cmd/initsec" (a module
	// repository set up by initsec init requires initsec in its go.mod).
	Initsec string
	// Args are the plan's arguments after the flags, as given to
	// initsec plan (module directories, relative to the repository root),
	// so the jobs compute the same plan.
	Args []string
	// PlanFlags are the plan's own flags (-steps, -targets), likewise.
	PlanFlags []string
	// Container is the image the jobs run in; default debian:12 (the
	// build environments install Debian packages: a Debian 12 host builds
	// Debian 12's targets natively and the others in build roots).
	Container string
	// RunsOn is the runner label; default ubuntu-latest. Boot cells want
	// one with /dev/kvm (GitHub's larger Linux runners; else TCG).
	RunsOn string
	// Name is the file name stem; default initsec-plan.
	Name string
	// NoGoMod says the repository root has no go.mod: setup-go installs
	// the latest stable Go instead of reading go.mod's go line, and
	// Initsec must not be the default (which runs initsec as go.mod
	// requires it).
	NoGoMod bool
}

// initsecCmd is initsec's command package.
const initsecCmd = "github.com/initsec/initsec/cmd/initsec"

func (o *GitHubOptions) defaults() {
	if o.Initsec == "" {
		o.Initsec = "go run " + initsecCmd
	}
	if o.Container == "" {
		o.Container = "debian:12"
	}
	if o.RunsOn == "" {
		o.RunsOn = "ubuntu-latest"
	}
	if o.Name == "" {
		o.Name = "initsec-plan"
	}
}

// File is an emitted file: its path relative to the repository root.
type File struct {
	Path string
	Data []byte
}

// Workflow YAML, as ordered structs.
type (
	ghWorkflow struct {
		Name        string            `yaml:"name"`
		On          map[string]any    `yaml:"on"`
		Permissions map[string]string `yaml:"permissions"`
		Env         map[string]string `yaml:"env"`
		Jobs        yaml.Node         `yaml:"jobs"`
	}
	ghJob struct {
		Name           string            `yaml:"name,omitempty"`
		Needs          []string          `yaml:"needs,omitempty"`
		If             string            `yaml:"if,omitempty"`
		Uses           string            `yaml:"uses,omitempty"`
		Permissions    map[string]string `yaml:"permissions,omitempty"`
		RunsOn         string            `yaml:"runs-on,omitempty"`
		TimeoutMinutes int               `yaml:"timeout-minutes,omitempty"`
		Container      *ghContainer      `yaml:"container,omitempty"`
		Strategy       *ghStrategy       `yaml:"strategy,omitempty"`
		Env            map[string]string `yaml:"env,omitempty"`
		Steps          []ghStep          `yaml:"steps,omitempty"`
	}
	ghContainer struct {
		Image   string `yaml:"image"`
		Options string `yaml:"options,omitempty"`
	}
	ghStrategy struct {
		FailFast bool `yaml:"fail-fast"`
		Matrix   struct {
			Include []ghEntry `yaml:"include"`
		} `yaml:"matrix"`
	}
	ghEntry struct {
		Target string `yaml:"target"`
		Slug   string `yaml:"slug"`
		Lock   string `yaml:"lock"`
		Cells  int    `yaml:"cells"`
	}
	ghStep struct {
		Name  string            `yaml:"name,omitempty"`
		If    string            `yaml:"if,omitempty"`
		Uses  string            `yaml:"uses,omitempty"`
		With  map[string]any    `yaml:"with,omitempty"`
		Env   map[string]string `yaml:"env,omitempty"`
		Shell string            `yaml:"shell,omitempty"`
		Run   string            `yaml:"run,omitempty"`
	}
)

// ResultsArtifact is the prefix of the artifacts the jobs upload, one per
// target job holding one JSON file per cell.
const ResultsArtifact = "initsec-cells-"

// GitHub emits the plan as GitHub Actions workflows.
//
// Granularity: one job per target, running all of that target's cells
// (initsec plan run -target) with the matrix's worker pool. A target's
// builds share its build environment (headers installed or unpacked, or a
// build root made by mmdebstrap: minutes and hundreds of MiB), made once
// per job and cached (actions/cache, keyed by the target's lock digest);
// a job per cell would make it again for each module and step, and pass
// each build's .ko to its verify and boot jobs as artifacts. The jobs
// form a matrix, include-listed; past MaxMatrixJobs targets they are
// sharded across reusable workflows (FILE-shard-N.yml, MaxMatrixJobs jobs
// each, called from FILE.yml), at most MaxShards of them.
//
// Each job uploads its cells' result files (ResultFile) as the artifact
// ResultsArtifact+SLUG; the merge job downloads them all, checks them
// against the plan (initsec plan merge -hash), prints the same table as
// the local matrix to the job summary, and uploads the SARIF log to code
// scanning and as an artifact.
func GitHub(p *Plan, opts GitHubOptions) ([]File, error) {
	if opts.NoGoMod && opts.Initsec == "" {
		return nil, fmt.Errorf("the repository has no go.mod, so the default command (go run %s) has no version of initsec to run: name one (go run %s@VERSION) or make the repository a Go module that requires initsec (initsec init)", initsecCmd, initsecCmd)
	}
	opts.defaults()
	var entries []ghEntry
	for _, t := range p.Targets {
		n := len(p.TargetCells(t.Name))
		if n == 0 {
			continue
		}
		entries = append(entries, ghEntry{Target: t.Name, Slug: Slug(t.Name), Lock: t.Lock, Cells: n})
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("plan %s has no cells", p.Hash)
	}
	var shards [][]ghEntry
	for len(entries) > 0 {
		n := min(MaxMatrixJobs, len(entries))
		shards = append(shards, entries[:n])
		entries = entries[n:]
	}
	if len(shards) > MaxShards {
		return nil, fmt.Errorf("plan %s: %d target jobs need %d shards of %d, more than the %d reusable workflows a workflow may call", p.Hash, len(p.Targets), len(shards), MaxMatrixJobs, MaxShards)
	}
	boot := false
	for _, st := range p.Steps {
		boot = boot || st == Boot
	}
	env := map[string]string{"INITSEC_PLAN": p.Hash}
	header := fmt.Sprintf("# Generated by `initsec plan -emit github` from plan %s\n# (%d cells: %d module(s) x %d target(s) x steps %s). Do not edit:\n# run it again when initsec.targets, the lock or a module changes.\n",
		p.Hash, len(p.Cells), len(p.Modules), len(p.Targets), joinSteps(p.Steps))

	var files []File
	mainJobs := &yaml.Node{Kind: yaml.MappingNode}
	var needs []string
	if len(shards) == 1 {
		addJob(mainJobs, "cells", cellJob(p, shards[0], opts, boot))
		needs = []string{"cells"}
	} else {
		for i, sh := range shards {
			name := fmt.Sprintf("shard-%d", i+1)
			path := fmt.Sprintf(".github/workflows/%s-%s.yml", opts.Name, name)
			jobs := &yaml.Node{Kind: yaml.MappingNode}
			addJob(jobs, "cells", cellJob(p, sh, opts, boot))
			w := ghWorkflow{
				Name:        fmt.Sprintf("initsec plan, %s of %d", name, len(shards)),
				On:          map[string]any{"workflow_call": nil},
				Permissions: map[string]string{"contents": "read"},
				Env:         env,
				Jobs:        *jobs,
			}
			data, err := marshal(header, w)
			if err != nil {
				return nil, err
			}
			files = append(files, File{Path: path, Data: data})
			addJob(mainJobs, name, ghJob{Uses: "./" + path, Permissions: map[string]string{"contents": "read"}})
			needs = append(needs, name)
		}
	}
	addJob(mainJobs, "merge", mergeJob(p, opts, needs))
	w := ghWorkflow{
		Name:        "initsec plan",
		On:          map[string]any{"push": nil, "pull_request": nil, "workflow_dispatch": nil},
		Permissions: map[string]string{"contents": "read"},
		Env:         env,
		Jobs:        *mainJobs,
	}
	data, err := marshal(header, w)
	if err != nil {
		return nil, err
	}
	return append([]File{{Path: ".github/workflows/" + opts.Name + ".yml", Data: data}}, files...), nil
}

func joinSteps(steps []Step) string {
	s := make([]string, len(steps))
	for i, st := range steps {
		s[i] = string(st)
	}
	return strings.Join(s, ",")
}

func addJob(jobs *yaml.Node, name string, j ghJob) {
	var v yaml.Node
	if err := v.Encode(j); err != nil {
		panic(err) // plain structs: cannot fail
	}
	jobs.Content = append(jobs.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: name}, &v)
}

func marshal(header string, v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// shellQuote quotes s for sh when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./,=:@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func shellArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

// planCommand is initsec plan SUB, then raw (flags already quoted for
// the shell, expanding variables), then the plan's own flags and
// arguments, quoted.
func planCommand(initsec, sub, raw string, planFlags, args []string) string {
	cmd := initsec + " plan " + sub + " " + raw
	if rest := shellArgs(append(slices.Clone(planFlags), args...)); rest != "" {
		cmd += " " + rest
	}
	return cmd
}

const aptTools = "apt-get update\napt-get install -y --no-install-recommends ca-certificates git gcc make mmdebstrap debian-archive-keyring"

func setupSteps(opts GitHubOptions) []ghStep {
	goVersion := map[string]any{"go-version-file": "go.mod"}
	if opts.NoGoMod {
		goVersion = map[string]any{"go-version": "stable"}
	}
	return []ghStep{
		{Uses: "actions/checkout@v4"},
		{Name: "Install the build tools", Run: aptTools},
		{Uses: "actions/setup-go@v5", With: goVersion},
	}
}

func cellJob(p *Plan, entries []ghEntry, opts GitHubOptions, boot bool) ghJob {
	j := ghJob{
		Name:           "${{ matrix.target }}",
		RunsOn:         opts.RunsOn,
		TimeoutMinutes: 180,
		// Privileged: mmdebstrap's build roots and the boot test's /dev/kvm.
		Container: &ghContainer{Image: opts.Container, Options: "--privileged"},
		Strategy:  &ghStrategy{FailFast: false},
		Env:       map[string]string{"TARGET": "${{ matrix.target }}", "SLUG": "${{ matrix.slug }}"},
	}
	j.Strategy.Matrix.Include = entries
	j.Steps = setupSteps(opts)
	if boot {
		j.Steps[1].Run += " qemu-system-x86 qemu-system-arm"
		j.Steps = append(j.Steps, ghStep{Name: "Check for KVM",
			Run: `test -c /dev/kvm && test -w /dev/kvm || echo "::warning::no usable /dev/kvm on this runner: boots run under TCG, several times slower"`})
	}
	j.Steps = append(j.Steps,
		ghStep{Name: "Cache the target's build environment", Uses: "actions/cache@v4", With: map[string]any{
			"path": "~/.cache/initsec",
			"key":  "initsec-env-${{ matrix.slug }}-${{ matrix.lock }}",
		}},
		ghStep{Name: "Run the target's cells", Run: planCommand(opts.Initsec, "run",
			`-hash "$INITSEC_PLAN" -target "$TARGET" -out "cells/$SLUG"`, opts.PlanFlags, opts.Args)},
		ghStep{Name: "Upload the cells' results", If: "${{ !cancelled() }}", Uses: "actions/upload-artifact@v4", With: map[string]any{
			"name":              ResultsArtifact + "${{ matrix.slug }}",
			"path":              "cells/${{ matrix.slug }}/*.json",
			"if-no-files-found": "error",
			"retention-days":    7,
		}},
	)
	return j
}

func mergeJob(p *Plan, opts GitHubOptions, needs []string) ghJob {
	j := ghJob{
		Name:        "merge",
		Needs:       needs,
		If:          "${{ !cancelled() }}",
		RunsOn:      opts.RunsOn,
		Container:   &ghContainer{Image: opts.Container},
		Permissions: map[string]string{"contents": "read", "actions": "read", "security-events": "write"},
	}
	j.Steps = setupSteps(opts)
	merge := planCommand(opts.Initsec, "merge",
		`-hash "$INITSEC_PLAN" -results cells -sarif initsec-matrix.sarif -table initsec-matrix.txt`, opts.PlanFlags, opts.Args)
	j.Steps = append(j.Steps,
		ghStep{Name: "Download the cells' results", Uses: "actions/download-artifact@v4", With: map[string]any{
			"pattern":        ResultsArtifact + "*",
			"path":           "cells",
			"merge-multiple": true,
		}},
		ghStep{Name: "Merge into the matrix table and SARIF", Shell: "bash", Run: "status=0\n" + merge + " || status=$?\n" +
			"{ echo '```'; cat initsec-matrix.txt; echo '```'; } >> \"$GITHUB_STEP_SUMMARY\"\nexit \"$status\""},
		ghStep{Name: "Upload the table and SARIF", If: "${{ !cancelled() }}", Uses: "actions/upload-artifact@v4", With: map[string]any{
			"name": "initsec-matrix",
			"path": "initsec-matrix.txt\ninitsec-matrix.sarif\n",
		}},
		ghStep{Name: "Upload SARIF to code scanning", If: "${{ !cancelled() }}", Uses: "github/codeql-action/upload-sarif@v3", With: map[string]any{
			"sarif_file": "initsec-matrix.sarif",
			"category":   "initsec-plan",
		}},
	)
	return j
}

// ForRepository fills NoGoMod and, where it can, Initsec from the
// repository at root: the workflow's default command runs initsec at the
// version root/go.mod requires. Without a go.mod the default becomes
// go run at version (this build's release, "" when it has none); a
// go.mod that neither requires initsec nor is initsec's own is an
// error unless Initsec is set, since the default command would fail in
// every job.
func (o *GitHubOptions) ForRepository(root, version string) error {
	path := filepath.Join(root, "go.mod")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		o.NoGoMod = true
		if o.Initsec == "" && version != "" {
			o.Initsec = "go run " + initsecCmd + "@" + version
		}
		return nil
	}
	if err != nil {
		return err
	}
	if o.Initsec != "" {
		return nil
	}
	f, err := modfile.ParseLax(path, data, nil)
	if err != nil {
		return err
	}
	if f.Module != nil && f.Module.Mod.Path == initsecModule {
		return nil
	}
	for _, r := range f.Require {
		if r.Mod.Path == initsecModule {
			return nil
		}
	}
	return fmt.Errorf("%s does not require %s, so the workflow's default command (go run %s) would fail: add it (go get %s@latest; initsec init sets a repository up) or name the command with -initsec", path, initsecModule, initsecCmd, initsecModule)
}

// initsecModule is initsec's module path.
const initsecModule = "github.com/initsec/initsec"
