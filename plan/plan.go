// Package plan computes a module repository's build plan: every cell
// module × target × step (build, verify, boot), each with the digests of
// its inputs, stable and sorted, under one plan hash; and hands it to an
// engine. The same plan is run here (Run, with the matrix's worker pool;
// Local, the local matrix of mage initsec:matrix, runs all of it),
// emitted as a GitHub Actions workflow (GitHub) or as a Kubernetes
// Indexed Job (Kubernetes); wherever cells ran, their per-cell JSON
// results (Result) are merged by Merge into the table and SARIF of the
// local matrix (pipeline.MergeCells).
//
// # Inputs and keys
//
// A module's digest is SHA-256 over its files as a matrix cell copies
// them (kbuild's output left out): each path, mode and content digest, in
// path order. A target's digest is SHA-256 over its lines of
// initsec.targets.lock (the exact packages: headers, kbuild, compiler,
// image). A cell's key hashes its step, module, target and both digests;
// the plan hash hashes every cell's ID and key in order. A change to one
// source file changes the keys of that module's cells and the plan hash;
// a target re-locked to a new ABI changes that target's cells.
//
// # Order
//
// Cells are sorted by target name, then module path, then step in the
// order build, verify, boot; a cell's Index is its position, which is
// what JOB_COMPLETION_INDEX selects in the Kubernetes Job. The cells of a
// target are contiguous, which is what a GitHub job runs.
package plan

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/initsec/initsec/internal/pipeline"
	"github.com/initsec/initsec/internal/srctree"
	"github.com/initsec/initsec/target"
)

// Step is what a cell does to its module for its target.
type Step string

const (
	Build  Step = "build"  // generate and build with the target's kbuild
	Verify Step = "verify" // check placement and section mismatches in what was built
	Boot   Step = "boot"   // load and unload in a boot of the target's kernel
)

// Steps are the steps in the order a cell of a module and target runs
// them.
var Steps = []Step{Build, Verify, Boot}

// DefaultSteps are the steps a plan has unless asked otherwise: boot is
// opt-in (it needs the target's kernel image and, to be fast, KVM).
var DefaultSteps = []Step{Build, Verify}

// ParseSteps parses "build,verify,boot"; the steps are returned in Steps
// order.
func ParseSteps(s string) ([]Step, error) {
	var out []Step
	for _, f := range strings.Split(s, ",") {
		st := Step(strings.TrimSpace(f))
		if !slices.Contains(Steps, st) {
			return nil, fmt.Errorf("unknown step %q (steps: build, verify, boot)", f)
		}
		if !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(a, b Step) int { return cmp.Compare(stepRank(a), stepRank(b)) })
	if len(out) > 0 && out[0] != Build {
		return nil, fmt.Errorf("steps %q: every step needs build", s)
	}
	return out, nil
}

func stepRank(s Step) int { return slices.Index(Steps, s) }

// Module is a module directory of the plan.
type Module struct {
	Dir    string `json:"dir"`    // slash-separated, relative to the repository root
	Digest string `json:"digest"` // "sha256:..." over its sources
}

// Target is a target of the plan.
type Target struct {
	Name string `json:"name"` // debian-12/6.1/amd64
	Arch string `json:"arch"`
	// Lock is "sha256:..." over the target's lines of the lock file.
	Lock string `json:"lock"`
}

// Cell is one step of one module for one target.
type Cell struct {
	Index  int    `json:"index"`
	ID     string `json:"id"` // MODULE@TARGET:STEP
	Module string `json:"module"`
	Target string `json:"target"`
	Step   Step   `json:"step"`
	// Needs is the ID of the cell whose output this one uses ("" for a
	// build).
	Needs string `json:"needs,omitempty"`
	// Inputs are the digests the key is made of.
	Inputs Inputs `json:"inputs"`
	Key    string `json:"key"`
}

// Inputs are the digests of what a cell reads.
type Inputs struct {
	Module string `json:"module"` // Module.Digest
	Lock   string `json:"lock"`   // Target.Lock
}

// Version is the plan format; it is part of every key and of the hash.
const Version = 1

// Plan is the repository's cells.
type Plan struct {
	Version int      `json:"version"`
	Hash    string   `json:"hash"`
	Steps   []Step   `json:"steps"`
	Modules []Module `json:"modules"`
	Targets []Target `json:"targets"`
	Cells   []Cell   `json:"cells"`
}

// CellID names a cell.
func CellID(module, target string, step Step) string {
	return module + "@" + target + ":" + string(step)
}

// New makes the plan of modules × targets × steps from digests already
// known: modules and targets in any order (they are sorted), steps as
// ParseSteps returns them. It is what Make uses, and what tests use for
// synthetic plans of any size.
func New(modules []Module, targets []Target, steps []Step) *Plan {
	p := &Plan{Version: Version, Steps: slices.Clone(steps), Modules: slices.Clone(modules), Targets: slices.Clone(targets)}
	slices.SortFunc(p.Modules, func(a, b Module) int { return cmp.Compare(a.Dir, b.Dir) })
	slices.SortFunc(p.Targets, func(a, b Target) int { return cmp.Compare(a.Name, b.Name) })
	for _, t := range p.Targets {
		for _, m := range p.Modules {
			for _, st := range p.Steps {
				c := Cell{
					Index: len(p.Cells), ID: CellID(m.Dir, t.Name, st),
					Module: m.Dir, Target: t.Name, Step: st,
					Inputs: Inputs{Module: m.Digest, Lock: t.Lock},
				}
				if st != Build {
					c.Needs = CellID(m.Dir, t.Name, Build)
				}
				c.Key = digest(fmt.Sprintf("initsec-plan-cell %d\n%s\n%s\n%s\n%s\n%s\n", Version, st, m.Dir, m.Digest, t.Name, t.Lock))
				p.Cells = append(p.Cells, c)
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "initsec-plan %d\n", Version)
	for _, c := range p.Cells {
		fmt.Fprintf(&b, "%d %s %s\n", c.Index, c.ID, c.Key)
	}
	p.Hash = digest(b.String())
	return p
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ShortHash is the plan hash's first 12 hex digits, for names.
func (p *Plan) ShortHash() string {
	h := strings.TrimPrefix(p.Hash, "sha256:")
	return h[:min(12, len(h))]
}

// Target returns the plan's target named name.
func (p *Plan) Target(name string) (Target, bool) {
	for _, t := range p.Targets {
		if t.Name == name {
			return t, true
		}
	}
	return Target{}, false
}

// Cell returns the cell with the given ID.
func (p *Plan) Cell(id string) (Cell, bool) {
	for _, c := range p.Cells {
		if c.ID == id {
			return c, true
		}
	}
	return Cell{}, false
}

// TargetCells returns the cells of one target, in plan order.
func (p *Plan) TargetCells(name string) []Cell {
	var out []Cell
	for _, c := range p.Cells {
		if c.Target == name {
			out = append(out, c)
		}
	}
	return out
}

// Options selects what Make plans.
type Options struct {
	// Dirs are module directories or directories to search for them
	// (pipeline.ModuleDirs), relative to the current directory; none
	// means the repository root.
	Dirs []string
	// Targets narrows the plan to these target names; none means every
	// target of initsec.targets.
	Targets []string
	// Steps; nil means DefaultSteps.
	Steps []Step
}

// Make computes the plan of the repository at root (the directory with
// initsec.targets and initsec.targets.lock): every target must be locked,
// since a cell's key is made of its target's exact packages.
func Make(root string, opts Options) (*Plan, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	ts, err := target.ReadTargets(root)
	if err != nil {
		return nil, err
	}
	if len(opts.Targets) > 0 {
		var keep []target.Target
		for _, n := range opts.Targets {
			i := slices.IndexFunc(ts, func(t target.Target) bool { return t.String() == n })
			if i < 0 {
				return nil, fmt.Errorf("target %s is not in %s", n, filepath.Join(root, target.TargetsFile))
			}
			keep = append(keep, ts[i])
		}
		ts = keep
	}
	lock, err := target.ReadLock(root)
	if err != nil {
		return nil, err
	}
	var targets []Target
	for _, t := range ts {
		r, ok := lock.Lookup(t)
		if !ok {
			return nil, fmt.Errorf("%s is not in %s: run `initsec targets -update` (a plan's keys are made of the locked packages)", t, filepath.Join(root, target.LockFile))
		}
		targets = append(targets, Target{Name: t.String(), Arch: t.Arch, Lock: LockDigest(r)})
	}
	dirs := opts.Dirs
	if len(dirs) == 0 {
		dirs = []string{root}
	}
	found, err := pipeline.ModuleDirs(dirs)
	if err != nil {
		return nil, err
	}
	var modules []Module
	for _, d := range found {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, err
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, fmt.Errorf("module %s is outside the repository %s", d, root)
		}
		rel = filepath.ToSlash(rel)
		if slices.ContainsFunc(modules, func(m Module) bool { return m.Dir == rel }) {
			continue
		}
		dg, err := ModuleDigest(abs)
		if err != nil {
			return nil, err
		}
		modules = append(modules, Module{Dir: rel, Digest: dg})
	}
	steps := opts.Steps
	if steps == nil {
		steps = DefaultSteps
	}
	return New(modules, targets, steps), nil
}

// LockDigest hashes a resolution's lines of the lock file, as
// target.FormatLock writes them.
func LockDigest(r target.Resolution) string {
	var lines []string
	for _, l := range strings.Split(string(target.FormatLock([]target.Resolution{r})), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return digest(strings.Join(lines, "\n") + "\n")
}

// ModuleDigest hashes a module directory's sources: for every file, in
// path order, its slash path, its mode (a symbolic link's target instead
// of content) and its content's SHA-256; kbuild's output
// (srctree.IsOutput) is left out, as a matrix cell leaves it out
// of its copy.
func ModuleDigest(dir string) (string, error) {
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		if srctree.IsOutput(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			fmt.Fprintf(&b, "dir %s\n", rel)
		case d.Type()&fs.ModeSymlink != 0:
			l, err := os.Readlink(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "link %s %s\n", rel, l)
		case d.Type().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			fmt.Fprintf(&b, "file %s %o %x\n", rel, info.Mode().Perm(), sum)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if b.Len() == 0 {
		return "", errors.New(dir + ": empty module directory")
	}
	return digest(b.String()), nil
}
