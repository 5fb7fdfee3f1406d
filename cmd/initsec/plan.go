package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/initsec/initsec/internal/pipeline"
	"github.com/initsec/initsec/plan"
	"github.com/initsec/initsec/scaffold"
)

var planEmits = []string{"text", "json", "github", "k8s"}

// planArgs are the flags and arguments that define a plan, shared by
// initsec plan, plan run and plan merge so that all three compute the
// same one.
type planArgs struct {
	steps   string
	targets string
}

func (a *planArgs) register(fs *flag.FlagSet) {
	fs.StringVar(&a.steps, "steps", "build,verify", "the steps of each module × target: build, verify, boot")
	fs.StringVar(&a.targets, "targets", "", "comma-separated targets of initsec.targets to plan (default: all of them)")
}

// make computes the plan of the repository at or above the current
// directory for the module directories dirs, and returns it with the
// repository root and dirs relative to it (for emitted commands).
func (a *planArgs) make(dirs []string) (*plan.Plan, string, []string, error) {
	steps, err := plan.ParseSteps(a.steps)
	if err != nil {
		return nil, "", nil, err
	}
	root, err := pipeline.FindTargetsRoot(".")
	if err != nil {
		return nil, "", nil, err
	}
	var targets []string
	if a.targets != "" {
		targets = strings.Split(a.targets, ",")
	}
	p, err := plan.Make(root, plan.Options{Dirs: dirs, Targets: targets, Steps: steps})
	if err != nil {
		return nil, "", nil, err
	}
	var rel []string
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, "", nil, err
		}
		r, err := filepath.Rel(root, abs)
		if err != nil {
			return nil, "", nil, err
		}
		rel = append(rel, filepath.ToSlash(r))
	}
	return p, root, rel, nil
}

// flags are the plan's flags as an emitted command repeats them.
func (a *planArgs) flags() []string {
	var f []string
	if a.steps != "build,verify" {
		f = append(f, "-steps", a.steps)
	}
	if a.targets != "" {
		f = append(f, "-targets", a.targets)
	}
	return f
}

const planUsage = `Usage: initsec plan [-emit text|json|github|k8s] [flags] [dir...]
       initsec plan run [-hash H] [-target T] [-index N | -index-env VAR] [-out DIR] [flags] [dir...]
       initsec plan merge [-hash H] -results DIR [-sarif FILE] [-table FILE] [flags] [dir...]

The build plan of the repository at or above the current directory: every
cell module × target × step (build, verify, boot) for the module
directories (default: every one in the repository) and the targets of
initsec.targets, each keyed by the digests of its inputs (the module's
sources, the target's lines of initsec.targets.lock), sorted, under one
plan hash.

-emit github writes a GitHub Actions workflow: one job per target (its
cells share the target's build environment), sharded across reusable
workflows past 256 jobs, each job uploading its cells' JSON results, and a
merge job printing the matrix table and uploading SARIF. -emit k8s writes
a Kubernetes Indexed Job whose pod i runs cell i (JOB_COMPLETION_INDEX).

plan run executes cells here (all, a target's, or one) with the matrix's
worker pool and writes a JSON result per cell; plan merge reads such
results from anywhere, checks them against the plan and prints the
matrix table and SARIF, as the local matrix does. With -hash, both fail
unless the plan computed here is the one emitted.

Flags:
`

// planEmitFlags are initsec plan's flags that say what to write.
type planEmitFlags struct {
	emit, out, image, namespace, claim, initsec, runsOn string
}

func (e *planEmitFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&e.emit, "emit", "text", "what to write: text, json (the plan), github (GitHub Actions workflows), k8s (Kubernetes Indexed Jobs)")
	fs.StringVar(&e.out, "o", "", "with -emit github: the repository root to write .github/workflows/ files under (default: print them, each after a '# file:' line)")
	fs.StringVar(&e.image, "image", "", "with -emit k8s: the image a cell runs in, the target's build root with initsec and the repository; "+plan.TargetPlaceholder+" in it gives a Job per target")
	fs.StringVar(&e.namespace, "namespace", "", "with -emit k8s: the Jobs' namespace")
	fs.StringVar(&e.claim, "results-claim", "", "with -emit k8s: a PersistentVolumeClaim for the result files (default an emptyDir; results are on the pods' logs too)")
	fs.StringVar(&e.initsec, "initsec", "", "the command the emitted jobs run initsec with (default: go run github.com/initsec/initsec/cmd/initsec for github, initsec for k8s)")
	fs.StringVar(&e.runsOn, "runs-on", "ubuntu-latest", "with -emit github: the runner label (boots want /dev/kvm)")
}

func runPlan(stdout, stderr io.Writer, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "run":
			return runPlanRun(stdout, stderr, args[1:])
		case "merge":
			return runPlanMerge(stdout, stderr, args[1:])
		}
	}
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var pa planArgs
	pa.register(fs)
	var ef planEmitFlags
	ef.register(fs)
	setUsage(fs, planUsage)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	p, root, rel, err := pa.make(fs.Args())
	if err == nil {
		err = emitPlan(stdout, stderr, p, root, rel, &pa, &ef)
	}
	if err != nil {
		fmt.Fprintf(stderr, "initsec plan: %v\n", err)
		return exitError
	}
	return exitOK
}

// emitPlan writes p as ef.emit says; rel are the module directories the
// emitted jobs name, relative to the repository root.
func emitPlan(stdout, stderr io.Writer, p *plan.Plan, root string, rel []string, pa *planArgs, ef *planEmitFlags) error {
	switch ef.emit {
	case "text":
		return p.WriteText(stdout)
	case "json":
		return p.WriteJSON(stdout)
	case "github":
		opts := plan.GitHubOptions{Initsec: ef.initsec, Args: rel, PlanFlags: pa.flags(), RunsOn: ef.runsOn}
		if err := opts.ForRepository(root, scaffold.BuildVersion()); err != nil {
			return err
		}
		files, err := plan.GitHub(p, opts)
		if err != nil {
			return err
		}
		return writeFiles(stdout, stderr, ef.out, files)
	case "k8s":
		jobs, err := plan.Kubernetes(p, plan.KubernetesOptions{Image: ef.image, Namespace: ef.namespace, Initsec: ef.initsec,
			Args: rel, PlanFlags: pa.flags(), ResultsClaim: ef.claim})
		if err != nil {
			return err
		}
		data, err := plan.KubernetesYAML(p, jobs)
		if err != nil {
			return err
		}
		_, err = stdout.Write(data)
		return err
	default:
		return fmt.Errorf("-emit %q: want one of %s", ef.emit, strings.Join(planEmits, ", "))
	}
}

func writeFiles(stdout, stderr io.Writer, root string, files []plan.File) error {
	for _, f := range files {
		if root == "" {
			fmt.Fprintf(stdout, "# file: %s\n", f.Path)
			if _, err := stdout.Write(f.Data); err != nil {
				return err
			}
			continue
		}
		path := filepath.Join(root, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "initsec plan: wrote %s\n", path)
	}
	return nil
}

// checkHash fails when the plan computed here is not the one a job was
// emitted for.
func checkHash(p *plan.Plan, want string) error {
	if want != "" && want != p.Hash {
		return fmt.Errorf("the plan here is %s, the job was emitted for %s: a module, initsec.targets or the lock changed since; run initsec plan -emit again", p.Hash, want)
	}
	return nil
}

func runPlanRun(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("plan run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var pa planArgs
	pa.register(fs)
	hash := fs.String("hash", "", "fail unless the plan computed here has this hash")
	tgt := fs.String("target", "", "run only this target's cells")
	index := fs.Int("index", -1, "run only the cell at this index (of the target's cells with -target)")
	indexEnv := fs.String("index-env", "", "take -index from this environment variable ("+plan.IndexEnv+" in a Kubernetes Indexed Job)")
	out := fs.String("out", "initsec-cells", "directory for the cells' JSON results")
	sarif := fs.String("sarif", "", "when every cell ran: write the SARIF log here")
	print := fs.Bool("print", false, "also print each result's JSON on stdout (collected from pod logs)")
	jobs := fs.Int("j", 0, "cells built at once (default: the number of CPUs)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	p, root, _, err := pa.make(fs.Args())
	if err == nil {
		err = checkHash(p, *hash)
	}
	if err == nil && *indexEnv != "" {
		v, ok := os.LookupEnv(*indexEnv)
		if !ok {
			err = fmt.Errorf("-index-env %s: not set", *indexEnv)
		} else if *index, err = strconv.Atoi(v); err != nil {
			err = fmt.Errorf("-index-env %s=%q: %v", *indexEnv, v, err)
		}
	}
	var cells []plan.Cell
	if err == nil {
		cells, err = plan.Select(p, *tgt, *index)
	}
	if err != nil {
		fmt.Fprintf(stderr, "initsec plan run: %v\n", err)
		return exitError
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	results, err := plan.Run(ctx, p, cells, plan.RunOptions{Root: root, Out: *out, Jobs: *jobs, Log: stderr, Progress: stderr})
	if err != nil {
		fmt.Fprintf(stderr, "initsec plan run: %v\n", err)
		return exitError
	}
	code := exitOK
	for _, r := range results {
		status := "ok"
		if !r.OK {
			status = "FAILED: " + r.Error
			code = exitError
			if r.Step == plan.Verify && r.Matrix.Built {
				code = max(code, exitFindings)
			}
		}
		fmt.Fprintf(stderr, "initsec plan run: %s: %s\n", r.Cell, status)
		if *print {
			b, _ := json.Marshal(r)
			fmt.Fprintf(stdout, "%s\n", b)
		}
	}
	if len(cells) == len(p.Cells) && !*print {
		if _, _, err := mergeOut(stdout, p, results, *sarif, ""); err != nil {
			fmt.Fprintf(stderr, "initsec plan run: %v\n", err)
			return exitError
		}
	}
	fmt.Fprintf(stderr, "initsec plan run: %d cell(s) of plan %s; results in %s\n", len(results), p.Hash, *out)
	return code
}

// mergeOut merges results (plan.Merge, which is pipeline.MergeCells),
// prints the table on w, and writes the table and SARIF to files when
// named.
func mergeOut(w io.Writer, p *plan.Plan, results []plan.Result, sarifPath, tablePath string) (*pipeline.Matrix, []string, error) {
	m, missing, err := plan.Merge(p, results)
	if err != nil {
		return nil, nil, err
	}
	var table bytes.Buffer
	m.WriteTable(&table)
	if _, err := w.Write(table.Bytes()); err != nil {
		return nil, nil, err
	}
	if tablePath != "" {
		if err := os.WriteFile(tablePath, table.Bytes(), 0o644); err != nil {
			return nil, nil, err
		}
	}
	if sarifPath != "" {
		var b bytes.Buffer
		if err := m.WriteSARIF(&b); err != nil {
			return nil, nil, err
		}
		if err := os.WriteFile(sarifPath, b.Bytes(), 0o644); err != nil {
			return nil, nil, err
		}
	}
	return m, missing, nil
}

func runPlanMerge(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("plan merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var pa planArgs
	pa.register(fs)
	hash := fs.String("hash", "", "fail unless the plan computed here has this hash")
	resultsDir := fs.String("results", "initsec-cells", "directory of the cells' JSON results (searched recursively)")
	sarif := fs.String("sarif", "", "write the SARIF log here")
	table := fs.String("table", "", "also write the table here")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	p, _, _, err := pa.make(fs.Args())
	if err == nil {
		err = checkHash(p, *hash)
	}
	var results []plan.Result
	if err == nil {
		results, err = plan.ReadResults(*resultsDir)
	}
	var m *pipeline.Matrix
	var missing []string
	if err == nil {
		m, missing, err = mergeOut(stdout, p, results, *sarif, *table)
	}
	if err != nil {
		fmt.Fprintf(stderr, "initsec plan merge: %v\n", err)
		return exitError
	}
	code := exitOK
	for _, id := range missing {
		fmt.Fprintf(stderr, "initsec plan merge: %s: no result\n", id)
	}
	for _, r := range results {
		if !r.OK {
			fmt.Fprintf(stderr, "initsec plan merge: %s: %s\n", r.Cell, r.Error)
		}
	}
	for _, c := range m.Cells {
		if c.Findings > 0 {
			code = exitFindings
		}
	}
	for _, c := range m.Cells {
		if !c.Built {
			code = exitError
		}
	}
	if len(missing) > 0 {
		code = exitError
	}
	for _, r := range results {
		if !r.OK && r.Step == plan.Boot {
			code = exitError
		}
	}
	return code
}
