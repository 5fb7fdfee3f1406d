package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/kbuild/buildenv"
	"github.com/initsec/initsec/target"
)

// AllTargets is the -target value that means every target of the
// repository's initsec.targets.
const AllTargets = "all"

// FindTargetsRoot returns the repository root whose targets apply to dir:
// the nearest directory at or above it with an initsec.targets or
// initsec.targets.lock file, or dir itself when there is none.
func FindTargetsRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		for _, f := range []string{target.TargetsFile, target.LockFile} {
			if _, err := os.Stat(filepath.Join(d, f)); err == nil {
				return d, nil
			}
		}
		if d == filepath.Dir(d) {
			return abs, nil
		}
	}
}

// ResolveTargets resolves names (target names, or AllTargets for every
// target listed in repo's initsec.targets) from repo's lock, and those the
// lock does not have from the archive today, saying so on log: such a
// build is not reproducible until `initsec targets -update` locks them.
func ResolveTargets(ctx context.Context, repo string, names []string, log io.Writer) ([]target.Resolution, error) {
	var targets []target.Target
	for _, n := range names {
		if n == AllTargets {
			ts, err := target.ReadTargets(repo)
			if err != nil {
				if errors.Is(err, target.ErrNoTargetsFile) {
					return nil, fmt.Errorf("-target %s: %w: list the targets in %s", AllTargets, err, filepath.Join(repo, target.TargetsFile))
				}
				return nil, err
			}
			targets = append(targets, ts...)
			continue
		}
		t, err := target.ParseName(n)
		if err != nil {
			return nil, fmt.Errorf("%w; %s", err, target.Hint())
		}
		targets = append(targets, t)
	}
	lock, err := target.ReadLock(repo)
	if err != nil && !errors.Is(err, target.ErrNoLock) {
		return nil, err
	}
	out := make([]target.Resolution, len(targets))
	var missing []target.Target
	var where []int
	for i, t := range targets {
		if r, ok := lock.Lookup(t); ok {
			out[i] = r
			continue
		}
		missing = append(missing, t)
		where = append(where, i)
	}
	if len(missing) > 0 {
		names := make([]string, len(missing))
		for i, t := range missing {
			names[i] = t.String()
		}
		fmt.Fprintf(log, "initsec: %s: not in %s; resolving from the archive today (run `initsec targets -update` to lock)\n",
			strings.Join(names, ", "), filepath.Join(repo, target.LockFile))
		rs, err := target.Resolve(ctx, &target.APT{}, missing)
		if err != nil {
			return nil, err
		}
		for j, r := range rs {
			out[where[j]] = r
		}
	}
	for _, r := range out {
		if r.Ended != "" {
			return nil, fmt.Errorf("%s: series ended: %s", r.Target, r.Ended)
		}
	}
	return out, nil
}

// TargetEnvs makes the build environment of each resolution
// (buildenv.Config.Ensure), all at once; a target whose environment
// cannot be made has a nil Env and its error.
func TargetEnvs(ctx context.Context, cfg *buildenv.Config, rs []target.Resolution) ([]*buildenv.Env, []error) {
	envs := make([]*buildenv.Env, len(rs))
	errs := make([]error, len(rs))
	done := make(chan struct{})
	for i, r := range rs {
		go func() {
			defer func() { done <- struct{}{} }()
			envs[i], errs[i] = cfg.Ensure(ctx, r)
		}()
	}
	for range rs {
		<-done
	}
	return envs, errs
}

// BuildTargets is Build for each target: every module directory is
// generated, built in place in the target's environment and verified,
// target after target; a line per module × target goes to out.Log.
func BuildTargets(ctx context.Context, dirs []string, rs []target.Resolution, cfg *buildenv.Config, opts kbuild.Options, out Output) Summary {
	var s Summary
	envs, errs := TargetEnvs(ctx, cfg, rs)
	for i, r := range rs {
		env := envs[i]
		if errs[i] == nil {
			fmt.Fprintf(out.Log, "initsec: %s\n", env)
		}
		for _, dir := range dirs {
			s.Dirs++
			if errs[i] != nil {
				s.fail(out, dir, fmt.Errorf("[%s] %w", r.Target, errs[i]))
				continue
			}
			res, err := buildAndVerify(ctx, dir, env.Build, opts, out.Log)
			if err != nil {
				s.fail(out, dir, fmt.Errorf("[%s] %w", r.Target, err))
				if ctx.Err() != nil {
					return s
				}
				continue
			}
			printFindings(out, res)
			s.Failing += res.Failing()
			fmt.Fprintf(out.Log, "initsec: %s [%s]: built %s, %d finding(s)\n", dir, r.Target, strings.Join(res.Objects, " "), res.Failing())
		}
	}
	return s
}

// prepareTargets makes each target's build environment and, when boot,
// unpacks its kernel, all targets at once. With refresh, a target whose
// locked packages cannot be had is resolved from the archive today and
// tried again with that, and log says so; the resolutions returned are
// those used. A target that cannot be prepared has its error.
func prepareTargets(ctx context.Context, cfg *buildenv.Config, rs []target.Resolution, boot, refresh bool, log io.Writer) ([]target.Resolution, []*buildenv.Env, []*buildenv.Kernel, []error) {
	rs = slices.Clone(rs)
	envs := make([]*buildenv.Env, len(rs))
	kernels := make([]*buildenv.Kernel, len(rs))
	errs := make([]error, len(rs))
	var resolving sync.Mutex // one archive resolution at a time: they share apt's state
	var wg sync.WaitGroup
	for i := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			envs[i], kernels[i], errs[i] = prepareTarget(ctx, cfg, rs[i], boot)
			if errs[i] == nil || !refresh || ctx.Err() != nil {
				return
			}
			resolving.Lock()
			fresh, err := target.Resolve(ctx, &target.APT{}, []target.Target{rs[i].Target})
			resolving.Unlock()
			if err != nil {
				fmt.Fprintf(log, "initsec: %s: the locked packages failed (%v), and resolving from the archive failed too: %v\n", rs[i].Target, errs[i], err)
				return
			}
			if slices.Equal(fresh[0].Packages, rs[i].Packages) || fresh[0].Ended != "" {
				return // the lock is current: the failure is not staleness
			}
			fmt.Fprintf(log, "initsec: %s: the lock is stale (%v); resolved from the archive today instead: kernel %s (was %s); run `initsec targets -update` to lock it\n",
				rs[i].Target, firstLine(errs[i].Error()), fresh[0].Kernel(), rs[i].Kernel())
			rs[i] = fresh[0]
			envs[i], kernels[i], errs[i] = prepareTarget(ctx, cfg, rs[i], boot)
		}()
	}
	wg.Wait()
	return rs, envs, kernels, errs
}

// prepareTarget makes r's build environment and, when boot, its kernel,
// both at once (on a cold cache, a build root and a kernel download each
// take a minute).
func prepareTarget(ctx context.Context, cfg *buildenv.Config, r target.Resolution, boot bool) (*buildenv.Env, *buildenv.Kernel, error) {
	var k *buildenv.Kernel
	var kerr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		if boot {
			k, kerr = cfg.Kernel(ctx, r)
		}
	}()
	env, err := cfg.Ensure(ctx, r)
	<-done
	if err == nil {
		err = kerr
	}
	if err != nil {
		return nil, nil, err
	}
	return env, k, nil
}

// firstLine is s up to its first newline.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
