package corpus

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"slices"
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
