package kbuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/initsec/initsec/modpost"
)

// Options configures Build and Clean.
type Options struct {
	KDIR         string // kernel build directory; "" means FindKDIR()
	Arch         string // ARCH=, for cross builds ("arm64")
	CrossCompile string // CROSS_COMPILE=, a tool prefix ("aarch64-linux-gnu-")
	W            string // W=, extra warnings ("1", "12", "e")

	// Vars are extra NAME=VALUE make arguments, passed after the others so
	// they override them.
	Vars []string

	// MismatchWarnOnly keeps section mismatches warnings. By default Build
	// passes CONFIG_SECTION_MISMATCH_WARN_ONLY= so modpost runs with -E and
	// a mismatch fails the build; with MismatchWarnOnly it passes =y.
	MismatchWarnOnly bool

	Jobs int // -jN when > 0; otherwise make's default (one job)

	Stdout, Stderr io.Writer // make's output is streamed here as well as captured; nil discards

	// Env is make's environment, as in exec.Cmd: nil means this process's
	// environment.
	Env []string
}

// Result is what a successful Build produced.
type Result struct {
	Command  []string          // the make command line, argv[0] first
	Output   string            // stdout and stderr, line by line in arrival order
	Warnings []modpost.Warning // modpost messages found in Output
	Modules  []string          // absolute .ko paths, from DIR/modules.order
}

// BuildError is returned when make fails.
type BuildError struct {
	Command  []string
	Output   string            // everything make printed
	Warnings []modpost.Warning // modpost messages printed before it failed
	Err      error             // from exec: usually an *exec.ExitError
}

// tailLines is how much of make's output a BuildError message quotes.
const tailLines = 20

func (e *BuildError) Error() string {
	lines := strings.Split(strings.TrimRight(e.Output, "\n"), "\n")
	if len(lines) > tailLines {
		lines = lines[len(lines)-tailLines:]
	}
	return fmt.Sprintf("%s: %v\n%s", strings.Join(e.Command, " "), e.Err, strings.Join(lines, "\n"))
}

func (e *BuildError) Unwrap() error { return e.Err }

// ToolError reports a missing build tool and the Debian package providing it.
type ToolError struct {
	Tool    string // the program looked for ("make", "gcc-12", "aarch64-linux-gnu-gcc")
	Package string // Debian package providing it
	Why     string // where the requirement comes from
}

func (e *ToolError) Error() string {
	return fmt.Sprintf("%s not found in PATH (%s): install the Debian package %s (apt-get install %s)",
		e.Tool, e.Why, e.Package, e.Package)
}

// Build builds the external module in dir against opts.KDIR (see the package
// documentation for the command). It first checks that make and the
// compiler the kernel was configured with exist, returning a *ToolError
// naming the Debian package otherwise. When make fails the error is a
// *BuildError carrying the output and the modpost messages seen; a section
// mismatch fails the build unless opts.MismatchWarnOnly.
func Build(ctx context.Context, dir string, opts Options) (*Result, error) {
	abs, kdir, err := prepare(dir, &opts)
	if err != nil {
		return nil, err
	}
	if err := checkTools(kdir, opts); err != nil {
		return nil, err
	}
	args, err := MakeArgs(kdir, abs, opts)
	if err != nil {
		return nil, err
	}
	res, err := runMake(ctx, args, opts)
	if err != nil {
		return nil, err
	}
	mods, err := ReadModulesOrder(abs, "")
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", abs, err)
	}
	res.Modules = mods
	return res, nil
}

// MakeArgs returns the arguments Build passes to make (after "make"
// itself) to build the external module in dir against kdir:
//
//	-C KDIR M=DIR [ARCH=..] [CROSS_COMPILE=..] [W=..] [-jN]
//	CONFIG_SECTION_MISMATCH_WARN_ONLY=[y] [NAME=VALUE...] modules
//
// It checks opts as Build does but looks at neither path (opts.KDIR is
// ignored): it is for a caller that runs make where the paths differ from
// this process's, such as a build root, and must pass the same options.
func MakeArgs(kdir, dir string, opts Options) ([]string, error) {
	if err := checkOptions(opts); err != nil {
		return nil, err
	}
	args := []string{"-C", kdir, "M=" + dir}
	if opts.Arch != "" {
		args = append(args, "ARCH="+opts.Arch)
	}
	if opts.CrossCompile != "" {
		args = append(args, "CROSS_COMPILE="+opts.CrossCompile)
	}
	if opts.W != "" {
		args = append(args, "W="+opts.W)
	}
	if opts.Jobs > 0 {
		args = append(args, "-j"+strconv.Itoa(opts.Jobs))
	}
	if opts.MismatchWarnOnly {
		args = append(args, "CONFIG_SECTION_MISMATCH_WARN_ONLY=y")
	} else {
		args = append(args, "CONFIG_SECTION_MISMATCH_WARN_ONLY=")
	}
	args = append(args, opts.Vars...)
	return append(args, "modules"), nil
}

// Clean runs make's clean target for the external module in dir.
func Clean(ctx context.Context, dir string, opts Options) error {
	abs, kdir, err := prepare(dir, &opts)
	if err != nil {
		return err
	}
	if _, err := lookPath("make", opts.Env); err != nil {
		return &ToolError{Tool: "make", Package: "make", Why: "runs kbuild"}
	}
	args := []string{"-C", kdir, "M=" + abs}
	if opts.Arch != "" {
		args = append(args, "ARCH="+opts.Arch)
	}
	if opts.CrossCompile != "" {
		args = append(args, "CROSS_COMPILE="+opts.CrossCompile)
	}
	args = append(args, opts.Vars...)
	args = append(args, "clean")
	_, err = runMake(ctx, args, opts)
	return err
}

func prepare(dir string, opts *Options) (abs, kdir string, err error) {
	abs, err = filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	if fi, err := os.Stat(abs); err != nil {
		return "", "", fmt.Errorf("module directory: %w", err)
	} else if !fi.IsDir() {
		return "", "", fmt.Errorf("module directory %s: not a directory", abs)
	}
	if strings.ContainsAny(abs, " \t\n:#$") {
		// make splits M= on these; kbuild cannot build there.
		return "", "", fmt.Errorf("module directory %q: kbuild cannot handle white space, ':', '#' or '$' in the path", abs)
	}
	if err := checkOptions(*opts); err != nil {
		return "", "", err
	}
	kdir = opts.KDIR
	if kdir == "" {
		if kdir, err = FindKDIR(); err != nil {
			return "", "", err
		}
	} else if err := checkKbuildDir(kdir); err != nil {
		return "", "", fmt.Errorf("kernel build directory %s: %w (hint: point it at /lib/modules/RELEASE/build or /usr/src/linux-headers-RELEASE; Debian ships them in %s)", kdir, err, debianHeadersPackage(""))
	}
	return abs, kdir, nil
}

// checkOptions refuses options make would misread.
func checkOptions(opts Options) error {
	for _, v := range opts.Vars {
		name, _, ok := strings.Cut(v, "=")
		if !ok || name == "" || strings.ContainsAny(name, " \t\n") || strings.Contains(v, "\n") {
			return fmt.Errorf("make variable %q: want NAME=VALUE on one line", v)
		}
	}
	for _, f := range []struct{ name, val string }{{"Arch", opts.Arch}, {"CrossCompile", opts.CrossCompile}, {"W", opts.W}} {
		if strings.ContainsAny(f.val, " \t\n") {
			return fmt.Errorf("option %s %q: contains white space", f.name, f.val)
		}
	}
	return nil
}

// checkTools makes sure make and the C compiler exist.
func checkTools(kdir string, opts Options) error {
	if _, err := lookPath("make", opts.Env); err != nil {
		return &ToolError{Tool: "make", Package: "make", Why: "runs kbuild"}
	}
	cc, why := compilerFor(kdir, opts)
	if _, err := lookPath(cc, opts.Env); err != nil {
		return &ToolError{Tool: cc, Package: compilerPackage(cc), Why: why}
	}
	return nil
}

// compilerFor names the C compiler kbuild will run: CC= from opts.Vars, else
// Debian's .kernelvariables ("CC = ... $(CROSS_COMPILE)gcc-12"), else
// clang for a clang-built kernel or $(CROSS_COMPILE)gcc.
func compilerFor(kdir string, opts Options) (cc, why string) {
	for _, v := range opts.Vars {
		if val, ok := strings.CutPrefix(v, "CC="); ok {
			f := strings.Fields(val)
			for len(f) > 1 && (f[0] == "ccache" || f[0] == "sccache") {
				f = f[1:]
			}
			if len(f) > 0 {
				return f[0], "CC= given"
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(kdir, ".kernelvariables")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) >= 3 && f[0] == "CC" && f[1] == "=" {
				last := f[len(f)-1]
				if name, ok := strings.CutPrefix(last, "$(CROSS_COMPILE)"); ok && !strings.Contains(name, "$") {
					return opts.CrossCompile + name, filepath.Join(kdir, ".kernelvariables") + " sets CC"
				}
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(kdir, ".config")); err == nil && bytes.Contains(b, []byte("\nCONFIG_CC_IS_CLANG=y\n")) {
		return "clang", "the kernel was built with clang"
	}
	return opts.CrossCompile + "gcc", "kbuild's default CC=$(CROSS_COMPILE)gcc"
}

// compilerPackage maps a compiler command to the Debian package that
// installs it: gcc-12 -> gcc-12, aarch64-linux-gnu-gcc -> gcc-aarch64-linux-gnu,
// aarch64-linux-gnu-gcc-12 -> gcc-12-aarch64-linux-gnu.
func compilerPackage(cc string) string {
	base := filepath.Base(cc)
	if strings.HasPrefix(base, "clang") {
		return base // clang, clang-16
	}
	i := strings.LastIndex(base, "gcc")
	if i < 0 {
		return base
	}
	triplet := strings.TrimSuffix(base[:i], "-")
	gcc := base[i:] // gcc or gcc-12
	if triplet == "" {
		return gcc
	}
	return gcc + "-" + strings.ReplaceAll(triplet, "_", "-")
}

// lookPath finds a program in the PATH of env (or of this process).
func lookPath(name string, env []string) (string, error) {
	if env == nil || strings.Contains(name, "/") {
		return exec.LookPath(name)
	}
	path := ""
	for _, e := range env {
		if p, ok := strings.CutPrefix(e, "PATH="); ok {
			path = p
		}
	}
	for _, d := range filepath.SplitList(path) {
		if d == "" {
			d = "."
		}
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: %w", name, exec.ErrNotFound)
}

// capture assembles each stream's output into whole lines before adding them
// to the shared log, so stdout and stderr never interleave within a line
// (modpost writes "WARNING: ", "modpost: " and the message separately to an
// unbuffered stderr).
type capture struct {
	mu  sync.Mutex
	out bytes.Buffer
}

type lineWriter struct {
	c       *capture
	partial []byte
	w       io.Writer
}

func (l *lineWriter) Write(p []byte) (int, error) {
	// exec.Cmd copies stdout and stderr in two goroutines; the caller may
	// have given one writer for both, so its writes are serialised too.
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	if l.w != nil {
		// The caller's writer failing must not fail the build.
		_, _ = l.w.Write(p)
	}
	l.partial = append(l.partial, p...)
	if i := bytes.LastIndexByte(l.partial, '\n'); i >= 0 {
		l.c.out.Write(l.partial[:i+1])
		l.partial = append(l.partial[:0], l.partial[i+1:]...)
	}
	return len(p), nil
}

func (l *lineWriter) flush() {
	if len(l.partial) > 0 {
		l.c.mu.Lock()
		l.c.out.Write(l.partial)
		l.c.out.WriteByte('\n')
		l.c.mu.Unlock()
		l.partial = nil
	}
}

func runMake(ctx context.Context, args []string, opts Options) (*Result, error) {
	makePath, err := lookPath("make", opts.Env)
	if err != nil {
		return nil, &ToolError{Tool: "make", Package: "make", Why: "runs kbuild"}
	}
	cmd := exec.CommandContext(ctx, makePath, args...)
	cmd.Env = opts.Env
	// make starts compilers and modpost; cancelling must stop them all, so
	// make leads its own process group and the whole group is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return unix.Kill(-cmd.Process.Pid, unix.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	return RunMake(ctx, cmd, opts.Stdout, opts.Stderr)
}

// RunMake runs cmd, a make that drives kbuild (on the host, or chrooted
// into a build root: kbuild/buildroot), with both output streams captured
// as whole lines and copied to stdout and stderr (nil: not copied). It
// returns make's output and modpost's messages in it; a failed make is a
// *BuildError holding the same, and a cancelled ctx is wrapped in it.
func RunMake(ctx context.Context, cmd *exec.Cmd, stdout, stderr io.Writer) (*Result, error) {
	c := &capture{}
	out := &lineWriter{c: c, w: stdout}
	errw := &lineWriter{c: c, w: stderr}
	cmd.Stdout, cmd.Stderr = out, errw
	command := append([]string{"make"}, cmd.Args[1:]...)
	runErr := cmd.Run()
	out.flush()
	errw.flush()
	output := c.out.String()
	warnings, _ := modpost.Parse(strings.NewReader(output)) // reading a string cannot fail
	if runErr != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			runErr = fmt.Errorf("%w (%w)", ctxErr, runErr)
		}
		return nil, &BuildError{Command: command, Output: output, Warnings: warnings, Err: runErr}
	}
	return &Result{Command: command, Output: output, Warnings: warnings}, nil
}

// ModulesOrder returns the modules dir's modules.order lists, as absolute
// .ko paths (kbuild lists NAME.o from 6.2 on, NAME.ko before); nil when
// there is no modules.order. It reads the file even when the build
// stopped before linking the .ko files, as it does when modpost fails.
func ModulesOrder(dir string) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return ReadModulesOrder(abs, "")
}

// ReadModulesOrder lists the modules named in dir/modules.order as .ko
// paths under dir (dir is absolute); nil when there is none. kbuild names
// them relative to the module directory or by absolute path: inner is the
// path dir had where make ran ("" on the host, where an absolute name is
// kept; /build/NAME in a build root, where one outside inner is an error).
func ReadModulesOrder(dir, inner string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "modules.order"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil // no obj-m: nothing built
	}
	if err != nil {
		return nil, err
	}
	var mods []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if o, ok := strings.CutSuffix(line, ".o"); ok {
			line = o + ".ko"
		}
		line = strings.TrimPrefix(line, "kernel/") // pre-5.x modules.order prefix
		if inner != "" {
			if rel, ok := strings.CutPrefix(line, inner+"/"); ok {
				line = rel
			} else if filepath.IsAbs(line) {
				return nil, fmt.Errorf("modules.order names %s, outside %s", line, inner)
			}
		}
		if !filepath.IsAbs(line) {
			line = filepath.Join(dir, line)
		}
		mods = append(mods, line)
	}
	return mods, nil
}
