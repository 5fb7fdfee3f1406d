package buildroot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Bind is a directory of this machine that Run mounts into the root.
type Bind struct {
	Host string // the directory here
	// Inside is where the root sees it: BuildDir/NAME or deeper
	// (/build/modpost). Only BuildDir is a fresh tmpfs where mount points
	// can be made without touching the root itself.
	Inside   string
	ReadOnly bool
}

// RunOptions are Run's working directory, environment, output and binds.
type RunOptions struct {
	Dir            string   // working directory inside the root; "" is /
	Env            []string // nil means DefaultEnv
	Stdout, Stderr io.Writer
	Binds          []Bind
}

// Run runs argv chrooted into the root, with the same mounts as Build
// (proc on /proc, fresh tmpfs on /tmp and BuildDir) plus opts.Binds, in a
// private mount namespace that is gone when Run returns. argv[0] is a path
// inside the root. It is the way to run the root's own programs on files of
// this machine: its modpost, say, which needs the root's C library. The
// error of a command that ran and failed is an *exec.ExitError.
func (r *Root) Run(ctx context.Context, argv []string, opts RunOptions) error {
	if len(argv) == 0 || !path.IsAbs(argv[0]) {
		return fmt.Errorf("build root %s: run %q: want the absolute path of a program inside the root", r.Key, argv)
	}
	binds, err := checkBinds(opts.Binds)
	if err != nil {
		return fmt.Errorf("build root %s: %w", r.Key, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dirOf, key := filepath.Split(r.Path)
	unlock, err := tryLockKey(filepath.Clean(dirOf), key, unix.LOCK_SH) // keeps Remove away
	if err != nil {
		return err
	}
	defer unlock()
	return r.enter(binds, func() error {
		cmd := execInRoot(ctx, r.Path, argv[0], argv[1:]...)
		if opts.Dir != "" {
			cmd.Dir = opts.Dir
		}
		cmd.Env = opts.Env
		if cmd.Env == nil {
			cmd.Env = DefaultEnv
		}
		cmd.Stdout, cmd.Stderr = opts.Stdout, opts.Stderr
		err := cmd.Run()
		if ctxErr := ctx.Err(); err != nil && ctxErr != nil {
			err = fmt.Errorf("%w (%w)", ctxErr, err)
		}
		return err
	})
}

// checkBinds makes the host paths absolute and checks that every mount
// point is below BuildDir.
func checkBinds(binds []Bind) ([]Bind, error) {
	out := make([]Bind, len(binds))
	for i, b := range binds {
		abs, err := filepath.Abs(b.Host)
		if err != nil {
			return nil, err
		}
		if fi, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("bind: %w", err)
		} else if !fi.IsDir() {
			return nil, fmt.Errorf("bind %s: not a directory", abs)
		}
		inside := path.Clean(b.Inside)
		if !strings.HasPrefix(inside, BuildDir+"/") {
			return nil, fmt.Errorf("bind %s at %q: want a path below %s", abs, b.Inside, BuildDir)
		}
		out[i] = Bind{Host: abs, Inside: inside, ReadOnly: b.ReadOnly}
	}
	return out, nil
}

// enter runs fn in a private mount namespace where the root has proc on
// /proc, fresh tmpfs on /tmp and BuildDir, and the binds; everything is
// unmounted before enter returns, and the kernel drops it with the
// namespace in any case.
func (r *Root) enter(binds []Bind, fn func() error) error {
	return inNamespace(func() (err error) {
		m := &mounts{}
		defer func() {
			if uerr := m.unmountAll(); uerr != nil {
				err = errors.Join(err, uerr)
			}
			if testHookUnmounted != nil {
				testHookUnmounted()
			}
		}()
		const nosuid = unix.MS_NOSUID | unix.MS_NODEV
		if err := m.mount("proc", filepath.Join(r.Path, "proc"), "proc", nosuid|unix.MS_NOEXEC, ""); err != nil {
			return err
		}
		if err := m.mount("tmpfs", filepath.Join(r.Path, "tmp"), "tmpfs", nosuid, "mode=1777"); err != nil {
			return err
		}
		if err := m.mount("tmpfs", filepath.Join(r.Path, BuildDir), "tmpfs", nosuid, "mode=0755"); err != nil {
			return err
		}
		for _, b := range binds {
			target := filepath.Join(r.Path, b.Inside)
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			if err := m.mount(b.Host, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
				return err
			}
			if b.ReadOnly {
				// A bind mount takes MS_RDONLY only on a remount.
				if err := unix.Mount("", target, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|unix.MS_REC, ""); err != nil {
					return fmt.Errorf("remount %s read-only: %w", target, err)
				}
			}
		}
		if testHookMounted != nil {
			testHookMounted()
		}
		return fn()
	})
}
