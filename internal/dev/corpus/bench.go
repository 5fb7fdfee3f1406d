package corpus

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// Bench is a timing of modpost against `initsec verify` on one tree.
type Bench struct {
	Release    Release
	Modules    int
	Runs       int
	Modpost    time.Duration // median wall time
	Initsec    time.Duration // median wall time
	InitsecRSS int64         // peak resident set of the verify process, bytes (the largest over the runs)
}

// Ratio is initsec's median time over modpost's.
func (b *Bench) Ratio() float64 { return float64(b.Initsec) / float64(b.Modpost) }

// Targets of issue 6: initsec at most a quarter of modpost's time (the
// goal: an eighth) in at most 256 MiB.
const (
	TargetRatio = 0.25
	GoalRatio   = 0.125
	TargetRSS   = 256 << 20
)

// RunBench times modpost of rel.KDIR and the initsec binary (`initsec
// verify -format modpost TREE`, a child process so that its peak RSS is
// its own) on the modules of rel.Tree, runs times each after one warm-up
// run of each (so both read from the page cache), alternating, and takes
// the medians. work is an empty directory for modpost's links and output.
// Progress lines go to log.
func RunBench(ctx context.Context, rel Release, initsec, work string, runs int, log io.Writer) (*Bench, error) {
	files, err := Tree(rel.Tree)
	if err != nil {
		return nil, err
	}
	mp, err := Prepare(rel.KDIR, work, files)
	if err != nil {
		return nil, err
	}
	b := &Bench{Release: rel, Modules: len(files), Runs: runs}
	var tm, ti []time.Duration
	for i := 0; i <= runs; i++ {
		cmd := mp.Command(ctx)
		d, _, err := timed(cmd)
		if err != nil {
			return nil, fmt.Errorf("modpost: %w", err)
		}
		vcmd := exec.CommandContext(ctx, initsec, "verify", "-format", "modpost", rel.Tree)
		di, rss, err := timed(vcmd)
		if err != nil {
			return nil, fmt.Errorf("initsec verify: %w", err)
		}
		if i == 0 {
			fmt.Fprintf(log, "warm-up: modpost %v, initsec %v\n", d.Round(time.Millisecond), di.Round(time.Millisecond))
			continue
		}
		fmt.Fprintf(log, "run %d/%d: modpost %v, initsec %v (peak RSS %d MiB)\n", i, runs, d.Round(time.Millisecond), di.Round(time.Millisecond), rss>>20)
		tm, ti = append(tm, d), append(ti, di)
		b.InitsecRSS = max(b.InitsecRSS, rss)
	}
	b.Modpost, b.Initsec = median(tm), median(ti)
	return b, nil
}

// timed runs cmd, its output discarded, and returns its wall time and
// peak RSS. Exit status 1 (findings) is not an error.
func timed(cmd *exec.Cmd) (time.Duration, int64, error) {
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		err = nil
	}
	if err != nil {
		return 0, 0, err
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss << 10 // kilobytes on Linux
	}
	return d, rss, nil
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Report prints the result and whether it meets the targets.
func (b *Bench) Report(w io.Writer) {
	fmt.Fprintf(w, "%s: %d modules, %d runs each (medians)\n", b.Release.Release, b.Modules, b.Runs)
	fmt.Fprintf(w, "modpost:        %v\n", b.Modpost.Round(time.Millisecond))
	fmt.Fprintf(w, "initsec verify: %v\n", b.Initsec.Round(time.Millisecond))
	fmt.Fprintf(w, "ratio initsec/modpost: %.3f (target <= %.3f, goal <= %.3f)\n", b.Ratio(), TargetRatio, GoalRatio)
	fmt.Fprintf(w, "initsec peak RSS: %.1f MiB (target <= %d MiB)\n", float64(b.InitsecRSS)/(1<<20), TargetRSS>>20)
}

// Met reports whether the targets (not the goal) are met.
func (b *Bench) Met() bool { return b.Ratio() <= TargetRatio && b.InitsecRSS <= TargetRSS }

// Goals of issue 13, checked by `go run mage.go bench`.
const (
	GoalModpostRatio = 0.06     // initsec verify / modpost, plain .ko
	GoalPlainRSS     = 48 << 20 // verify's peak RSS on plain .ko
	GoalDecodeRatio  = 1.5      // initsec verify / the C decoder alone on all cores
	GoalCompRSS      = 64 << 20 // verify's peak RSS on a compressed tree
	GoalCmdRatio     = 2.0      // initsec suggest or report / initsec verify
)

// Pair is a timing of a reference command against an initsec command on
// the same input: medians over the runs, alternating, after one warm-up
// run of each; RSS is the initsec command's largest peak over the runs.
type Pair struct {
	Name, RefName string
	Runs          int
	Ref, Initsec  time.Duration
	RSS           int64
}

// Ratio is initsec's median over the reference's.
func (p *Pair) Ratio() float64 { return float64(p.Initsec) / float64(p.Ref) }

// RunPair times ref and initsec (each a fresh command per run).
func RunPair(ctx context.Context, name, refName string, ref, initsec func() *exec.Cmd, runs int, log io.Writer) (*Pair, error) {
	p := &Pair{Name: name, RefName: refName, Runs: runs}
	var tr, ti []time.Duration
	for i := 0; i <= runs; i++ {
		dr, _, err := timed(ref())
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, refName, err)
		}
		di, rss, err := timed(initsec())
		if err != nil {
			return nil, fmt.Errorf("%s: initsec: %w", name, err)
		}
		if i == 0 {
			fmt.Fprintf(log, "%s warm-up: %s %v, initsec %v\n", name, refName, dr.Round(time.Millisecond), di.Round(time.Millisecond))
			continue
		}
		fmt.Fprintf(log, "%s run %d/%d: %s %v, initsec %v (peak RSS %.1f MiB)\n", name, i, runs, refName, dr.Round(time.Millisecond), di.Round(time.Millisecond), float64(rss)/(1<<20))
		tr, ti = append(tr, dr), append(ti, di)
		p.RSS = max(p.RSS, rss)
	}
	p.Ref, p.Initsec = median(tr), median(ti)
	return p, nil
}

// DecoderCommand returns a command that decompresses files to /dev/null
// with tool ("xz" or "zstd") as `tool -dc` under `xargs -P ncpu`: the C
// decoder alone on every core, the floor of verifying a compressed tree.
func DecoderCommand(ctx context.Context, tool string, files []string, ncpu int) (func() *exec.Cmd, error) {
	var b []byte
	for _, f := range files {
		b = append(append(b, f...), 0)
	}
	if _, err := exec.LookPath(tool); err != nil {
		return nil, fmt.Errorf("%s not found (apt-get install -y %s)", tool, tool)
	}
	// Batches small enough that the cores stay busy to the end.
	n := max(1, min(64, len(files)/(ncpu*8)))
	return func() *exec.Cmd {
		cmd := exec.CommandContext(ctx, "xargs", "-0", "-P", strconv.Itoa(ncpu), "-n", strconv.Itoa(n), tool, "-dcq")
		cmd.Stdin = bytes.NewReader(b)
		return cmd
	}, nil
}

// MakeZstdTree makes, once, dir: the .ko files of tree recompressed with
// `zstd -19` (a .ko.zst tree as Arch and Fedora ship), on ncpu cores. A
// complete tree is marked by dir/.complete and reused.
func MakeZstdTree(ctx context.Context, tree, dir string, ncpu int, log io.Writer) error {
	mark := filepath.Join(dir, ".complete")
	if _, err := os.Stat(mark); err == nil {
		return nil
	}
	files, err := Tree(tree)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "making %s: %d modules with zstd -19 (minutes, once)\n", dir, len(files))
	var list []byte
	for _, f := range files {
		rel, err := filepath.Rel(tree, f)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		list = append(append(list, rel...), 0)
	}
	cmd := exec.CommandContext(ctx, "xargs", "-0", "-P", strconv.Itoa(ncpu), "-n", "32", "sh", "-c",
		`for f; do zstd -q -19 -f "$f" -o "$0/$f.zst" || exit 255; done`, dir)
	cmd.Dir = tree
	cmd.Stdin = bytes.NewReader(list)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("zstd -19 into %s: %w", dir, err)
	}
	return os.WriteFile(mark, nil, 0o644)
}

// Goal is one line of the bench's verdict.
type Goal struct {
	What  string
	Value float64
	Limit float64
	Unit  string // "x" for a ratio, "MiB"
}

// Met reports whether the value is within the limit.
func (g Goal) Met() bool { return g.Value <= g.Limit }

func (g Goal) String() string {
	verdict := "met"
	if !g.Met() {
		verdict = "MISSED"
	}
	if g.Unit == "MiB" {
		return fmt.Sprintf("%-58s %7.1f MiB (goal <= %.0f MiB) %s", g.What, g.Value, g.Limit, verdict)
	}
	return fmt.Sprintf("%-58s %7.3f     (goal <= %.3g) %s", g.What, g.Value, g.Limit, verdict)
}
