package buildroot

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/modpost"
)

// Headers lists the kbuild directories in the root, as paths inside it
// ("/usr/src/linux-headers-RELEASE"), oldest release first. Debian's
// linux-headers-*-common trees, which only the per-flavour ones include,
// are left out.
func (r *Root) Headers() ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(r.Path, "usr/src/linux-headers-*"))
	if err != nil {
		return nil, err
	}
	var kdirs []string
	for _, m := range matches {
		if isKbuildDir(m) {
			kdirs = append(kdirs, "/usr/src/"+filepath.Base(m))
		}
	}
	sort.Slice(kdirs, func(i, j int) bool {
		return modpost.CompareReleases(strings.TrimPrefix(kdirs[i], "/usr/src/linux-headers-"),
			strings.TrimPrefix(kdirs[j], "/usr/src/linux-headers-")) < 0
	})
	return kdirs, nil
}

// KDIR is the root's one kbuild directory, as a path inside it. With none,
// or several (two flavours), it is an error: name one in Options.KDIR.
func (r *Root) KDIR() (string, error) {
	kdirs, err := r.Headers()
	if err != nil {
		return "", err
	}
	switch len(kdirs) {
	case 0:
		return "", fmt.Errorf("build root %s: no kernel headers in /usr/src: add a linux-headers-RELEASE-FLAVOUR package to its Spec", r.Key)
	case 1:
		return kdirs[0], nil
	}
	return "", fmt.Errorf("build root %s: several kernel build directories (%s): name one in Options.KDIR", r.Key, strings.Join(kdirs, " "))
}

// isKbuildDir: a top Makefile and a release (include/generated/utsrelease.h)
// or .config, as kbuild.FindKDIR requires.
func isKbuildDir(dir string) bool {
	if !isFile(filepath.Join(dir, "Makefile")) {
		return false
	}
	return isFile(filepath.Join(dir, "include/generated/utsrelease.h")) || isFile(filepath.Join(dir, ".config"))
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// DefaultEnv is make's environment in a root when Options.Env is nil: not
// this process's, whose PATH and KBUILD_*, ARCH or CROSS_COMPILE variables
// describe the host. LC_ALL=C keeps the compiler's and modpost's messages
// in the form modpost.Parse reads.
var DefaultEnv = []string{
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/root",
	"LC_ALL=C",
}

// Test hooks, called on the build's thread inside its mount namespace
// after the mounts and after they are undone.
var testHookMounted, testHookUnmounted func()

// Build builds the external module in dir with the root's make, compiler
// and headers, as kbuild.Build does on the host. Inside a private mount
// namespace of its own it mounts proc on ROOT/proc (objtool reads it),
// fresh tmpfs on ROOT/tmp and ROOT/build, and dir, read-write, on
// ROOT/build/NAME (NAME is dir's last element), then runs, chrooted into
// the root,
//
//	make kbuild.MakeArgs(KDIR, /build/NAME, opts)
//
// where KDIR is opts.KDIR, a path inside the root, or r.KDIR(). make's
// output goes to opts.Stdout and opts.Stderr as well as into the result;
// opts.Env is its environment (nil means DefaultEnv). The .ko files land
// in dir; Result.Modules names them by their paths here. Errors are as
// kbuild.Build's: a *kbuild.ToolError when the root has no make, a
// *kbuild.BuildError when make fails. The mounts are undone before Build
// returns, whether make succeeded, failed or was cancelled through ctx, and
// the kernel drops them with the namespace even if this process dies. Builds
// may run in the same root at once; each sees only its own mounts.
func (r *Root) Build(ctx context.Context, dir string, opts kbuild.Options) (*kbuild.Result, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("module directory: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("module directory %s: not a directory", abs)
	}
	name := filepath.Base(abs)
	if name == "/" || strings.ContainsAny(name, " \t\n:#$") {
		return nil, fmt.Errorf("module directory %q: kbuild cannot build it at %s/NAME: its name must be a path element without white space, ':', '#' or '$'", abs, BuildDir)
	}
	inner := path.Join(BuildDir, name)
	kdir := opts.KDIR
	if kdir == "" {
		if kdir, err = r.KDIR(); err != nil {
			return nil, err
		}
	} else if !path.IsAbs(kdir) || !isKbuildDir(filepath.Join(r.Path, kdir)) {
		return nil, fmt.Errorf("build root %s: %s is not a kernel build directory inside the root (want /usr/src/linux-headers-RELEASE)", r.Key, kdir)
	}
	args, err := kbuild.MakeArgs(kdir, inner, opts)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(filepath.Join(r.Path, "usr/bin/make")); err != nil || fi.Mode()&0o111 == 0 {
		return nil, &kbuild.ToolError{Tool: "make", Package: "make", Why: "runs kbuild in the build root " + r.Path + ": add it to the root's Spec"}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dirOf, key := filepath.Split(r.Path)
	unlock, err := tryLockKey(filepath.Clean(dirOf), key, unix.LOCK_SH) // keeps Remove away
	if err != nil {
		return nil, err
	}
	defer unlock()

	var res *kbuild.Result
	err = r.enter([]Bind{{Host: abs, Inside: inner}}, func() (err error) {
		res, err = r.runMake(ctx, args, opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	mods, err := kbuild.ReadModulesOrder(abs, inner)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", abs, err)
	}
	res.Modules = mods
	return res, nil
}

// runMake runs make chrooted into the root; it must be called in the
// build's mount namespace.
func (r *Root) runMake(ctx context.Context, args []string, opts kbuild.Options) (*kbuild.Result, error) {
	env := opts.Env
	if env == nil {
		env = DefaultEnv
	}
	cmd := execInRoot(ctx, r.Path, "/usr/bin/make", args...)
	cmd.Env = env
	return kbuild.RunMake(ctx, cmd, opts.Stdout, opts.Stderr)
}

// execInRoot prepares prog (a path inside root) to run chrooted into
// root, in / there, leading its own process group so that cancelling ctx
// kills it and everything it started (compilers, modpost).
func execInRoot(ctx context.Context, root, prog string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root, Setpgid: true}
	cmd.Cancel = func() error { return unix.Kill(-cmd.Process.Pid, unix.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	return cmd
}
