// Command guest is the /init of a boottest initramfs. It is built by the
// boottest host library (CGO_ENABLED=0 GOOS=linux GOARCH=amd64 or arm64)
// from source files embedded in it, and runs as PID 1 in a QEMU guest
// booting a real kernel. It imports only the standard library and
// boottest/internal/wire (itself standard library only), so that any Go
// toolchain builds it anywhere, with no module download
// (TestGuestImportsOnlyStd keeps it so).
//
// It mounts proc, sysfs and devtmpfs, reads wire.ConfigPath, and for each
// module in order: loads its dependencies (wire.Module.Deps, in order,
// each unless already loaded), loads it with finit_module and its
// parameters, records /sys/module/NAME/{initstate,coresize,initsize,taint,
// sections/} and the /dev/kmsg records logged during the load, unloads it
// with delete_module and records the records logged during the unload,
// then unloads the dependencies it loaded, in reverse order. Every syscall
// step runs under the configured timeout, so a hung init or exit becomes an
// error in the result rather than a hang. It then prints one JSON
// wire.Result between marker lines on the console and powers the machine
// off.
//
// It never exits normally: if power-off fails the kernel panics on PID 1's
// exit, which with panic=-1 and QEMU's -no-reboot also ends the run. Run
// as any other process than PID 1 it exits with status 2 before touching
// anything: on a host it would mount over /dev and power the machine off.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/initsec/initsec/boottest/internal/wire"
)

func main() {
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "guest: this is the /init of an initsec boottest initramfs; it runs only as PID 1")
		os.Exit(2)
	}
	start := time.Now()
	var res wire.Result
	console := setup(&res)
	res.UptimeAtInitMS = uptimeMS()
	var uts syscall.Utsname
	if err := syscall.Uname(&uts); err == nil {
		res.Release = utsString(uts.Release[:])
	}

	cfg, err := readConfig()
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
	} else {
		kmsg, err := openKmsg()
		if err != nil {
			res.Errors = append(res.Errors, err.Error())
		}
		step := time.Duration(cfg.StepTimeoutMS) * time.Millisecond
		if step <= 0 {
			step = 20 * time.Second
		}
		for _, m := range cfg.Modules {
			fmt.Fprintf(console, "%s loading %s\n", wire.ProgressPrefix, m.Name)
			s := step
			if m.StepTimeoutMS > 0 {
				s = time.Duration(m.StepTimeoutMS) * time.Millisecond
			}
			res.Modules = append(res.Modules, runModule(m, kmsg, s))
		}
	}
	res.DurationMS = time.Since(start).Milliseconds()
	emit(console, cfg.Nonce, &res)
	syscall.Sync()
	syscall.Reboot(syscall.LINUX_REBOOT_CMD_POWER_OFF)
	// Power-off failed: exiting PID 1 makes the kernel panic, which ends
	// the run under panic=-1 and -no-reboot.
	os.Exit(1)
}

// setup mounts the pseudo file systems and returns the console to write to.
func setup(res *wire.Result) *os.File {
	mounts := []struct{ src, dir, fstype string }{
		{"proc", "/proc", "proc"},
		{"sysfs", "/sys", "sysfs"},
		{"devtmpfs", "/dev", "devtmpfs"},
	}
	for _, m := range mounts {
		if err := os.MkdirAll(m.dir, 0o755); err != nil {
			res.Errors = append(res.Errors, fmt.Sprintf("mkdir %s: %v", m.dir, err))
			continue
		}
		if err := syscall.Mount(m.src, m.dir, m.fstype, 0, ""); err != nil && !errors.Is(err, syscall.EBUSY) {
			res.Errors = append(res.Errors, fmt.Sprintf("mount %s on %s: %v", m.fstype, m.dir, err))
		}
	}
	// The kernel gives PID 1 /dev/console as fds 0-2 when the initramfs
	// has it; open it again from devtmpfs so output works either way.
	c, err := os.OpenFile("/dev/console", os.O_WRONLY, 0)
	if err != nil {
		res.Errors = append(res.Errors, fmt.Sprintf("open /dev/console: %v", err))
		return os.Stdout
	}
	syscall.Dup3(int(c.Fd()), 1, 0)
	syscall.Dup3(int(c.Fd()), 2, 0)
	return c
}

func readConfig() (wire.Config, error) {
	var cfg wire.Config
	b, err := os.ReadFile(wire.ConfigPath)
	if err != nil {
		return cfg, fmt.Errorf("read config: %w", err)
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return cfg, fmt.Errorf("parse config %s: %w", wire.ConfigPath, err)
	}
	return cfg, nil
}

func uptimeMS() int64 {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	s, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return int64(s * 1000)
}

// runModule loads the dependencies of a module, then loads, inspects and
// unloads the module, then unloads the dependencies it loaded, in reverse.
func runModule(m wire.Module, kmsg *kmsgReader, step time.Duration) wire.ModuleResult {
	deps, ok := loadDeps(m.Deps, kmsg, step)
	var r wire.ModuleResult
	if ok {
		r = testModule(m, kmsg, step)
	} else {
		last := deps[len(deps)-1]
		r = wire.ModuleResult{Name: m.Name, LoadError: fmt.Sprintf("not loaded: its dependency %s did not load (%s)", last.Name, last.LoadError)}
	}
	r.Deps = deps
	unloadDeps(r.Deps, m.Name, kmsg, step)
	return r
}

// loadDeps loads deps in order, leaving alone those already loaded, and
// stops at the first that fails (ok false; it is the last result).
func loadDeps(deps []wire.Dep, kmsg *kmsgReader, step time.Duration) (res []wire.DepResult, ok bool) {
	for _, d := range deps {
		dr := wire.DepResult{Name: d.Name}
		if exists(filepath.Join("/sys/module", d.Name)) {
			dr.AlreadyLoaded = true
			res = append(res, dr)
			continue
		}
		fmt.Fprintf(os.Stdout, "%s loading dependency %s\n", wire.ProgressPrefix, d.Name)
		kmsg.skip()
		t0 := time.Now()
		err := withTimeout(step, func() error { return finit(d.File, "") })
		dr.LoadMS = time.Since(t0).Milliseconds()
		dr.Kmsg = kmsg.drain()
		if err != nil {
			dr.LoadErrno, dr.LoadError = errnoOf(err)
			return append(res, dr), false
		}
		dr.Loaded = true
		res = append(res, dr)
	}
	return res, true
}

// unloadDeps unloads, in reverse order, the dependencies that loadDeps
// loaded, unless the module that needs them (user) is still loaded.
func unloadDeps(deps []wire.DepResult, user string, kmsg *kmsgReader, step time.Duration) {
	userLoaded := exists(filepath.Join("/sys/module", user))
	for i := len(deps) - 1; i >= 0; i-- {
		d := &deps[i]
		if !d.Loaded {
			continue
		}
		if userLoaded {
			d.UnloadError = "left loaded: " + user + " is still loaded"
			continue
		}
		kmsg.skip()
		err := withTimeout(step, func() error { return deleteModule(d.Name) })
		kmsg.drain()
		if err != nil {
			d.UnloadErrno, d.UnloadError = errnoOf(err)
			continue
		}
		d.Unloaded = true
	}
}

// finit loads the module file at path with the given parameters.
func finit(path, params string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return finitModule(int(f.Fd()), params)
}

// testModule loads, inspects and unloads one module under test.
func testModule(m wire.Module, kmsg *kmsgReader, step time.Duration) wire.ModuleResult {
	r := wire.ModuleResult{Name: m.Name}
	note := func(err error) {
		if err != nil {
			r.Errors = append(r.Errors, err.Error())
		}
	}
	sysdir := filepath.Join("/sys/module", m.Name)

	kmsg.skip()
	t0 := time.Now()
	err := withTimeout(step, func() error { return finit(m.File, m.Params) })
	r.LoadMS = time.Since(t0).Milliseconds()
	r.Kmsg = kmsg.drain()
	if err != nil {
		r.LoadErrno, r.LoadError = errnoOf(err)
		r.LoadTimedOut = errors.Is(err, errStepTimeout)
		r.SysfsAfterLoad = exists(sysdir)
		if r.SysfsAfterLoad {
			// Init still running (state "coming"): say so.
			r.InitState, _ = readString(filepath.Join(sysdir, "initstate"))
		}
		return r
	}
	r.Loaded = true
	r.SysfsAfterLoad = exists(sysdir)

	var e error
	r.InitState, e = readString(filepath.Join(sysdir, "initstate"))
	note(e)
	r.CoreSize, e = readInt(filepath.Join(sysdir, "coresize"))
	note(e)
	r.InitSize, e = readInt(filepath.Join(sysdir, "initsize"))
	note(e)
	r.Taint, e = readString(filepath.Join(sysdir, "taint"))
	note(e)
	ents, e := os.ReadDir(filepath.Join(sysdir, "sections"))
	note(e)
	for _, d := range ents {
		r.Sections = append(r.Sections, d.Name())
	}
	sort.Strings(r.Sections)

	kmsg.skip()
	err = withTimeout(step, func() error {
		return deleteModule(m.Name)
	})
	r.UnloadKmsg = kmsg.drain()
	if err != nil {
		r.UnloadErrno, r.UnloadError = errnoOf(err)
		r.UnloadTimedOut = errors.Is(err, errStepTimeout)
	} else {
		r.Unloaded = true
	}
	r.SysfsAfterUnload = exists(sysdir)
	return r
}

var errStepTimeout = errors.New("step did not finish within the guest step timeout")

// withTimeout runs f on its own goroutine. A syscall stuck in the kernel
// (an init function that never returns) leaves that goroutine blocked; the
// guest reports the timeout and moves on.
func withTimeout(d time.Duration, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return fmt.Errorf("%w (%v)", errStepTimeout, d)
	}
}

// errnoOf returns the errno inside err (0 if none) and err's text. The host
// names the number: the guest carries no errno table.
func errnoOf(err error) (errno int, msg string) {
	var en syscall.Errno
	if errors.As(err, &en) {
		return int(en), en.Error()
	}
	return 0, err.Error()
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func readString(p string) (string, error) {
	b, err := os.ReadFile(p)
	return strings.TrimSpace(string(b)), err
}

func readInt(p string) (int64, error) {
	s, err := readString(p)
	if err != nil {
		return -1, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1, fmt.Errorf("%s: %w", p, err)
	}
	return n, nil
}

// kmsgReader reads /dev/kmsg without blocking. Each read returns one
// record, "prio,seq,usec,flags;text\n" followed by " KEY=value" lines.
type kmsgReader struct {
	fd  int
	buf []byte
}

func openKmsg() (*kmsgReader, error) {
	fd, err := syscall.Open("/dev/kmsg", syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return &kmsgReader{fd: -1}, fmt.Errorf("open /dev/kmsg: %w", err)
	}
	return &kmsgReader{fd: fd, buf: make([]byte, 16<<10)}, nil
}

// skip moves past every record logged so far.
func (k *kmsgReader) skip() {
	if k.fd >= 0 {
		syscall.Seek(k.fd, 0, io.SeekEnd)
	}
}

// drain returns the text of the records logged since the last skip or
// drain, reading until EAGAIN.
func (k *kmsgReader) drain() []string {
	if k.fd < 0 {
		return nil
	}
	var out []string
	for range 10000 {
		n, err := syscall.Read(k.fd, k.buf)
		if err == syscall.EPIPE { // records overwritten: the read moved on
			out = append(out, "[boottest: kmsg records lost]")
			continue
		}
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			break
		}
		rec := k.buf[:n]
		if i := bytes.IndexByte(rec, '\n'); i >= 0 {
			rec = rec[:i]
		}
		if i := bytes.IndexByte(rec, ';'); i >= 0 {
			rec = rec[i+1:]
		}
		out = append(out, string(rec))
	}
	return out
}

// emit prints the result framed by the markers. Only emergency messages
// reach the console from here on, so kernel output does not interleave.
func emit(console *os.File, nonce string, res *wire.Result) {
	os.WriteFile("/proc/sys/kernel/printk", []byte("1"), 0)
	b, err := json.Marshal(res)
	if err != nil {
		b = []byte(fmt.Sprintf(`{"errors":[%q]}`, err.Error()))
	}
	sum := sha256.Sum256(b)
	var out bytes.Buffer
	fmt.Fprintf(&out, "\n%s %s\n%s\n%s %s sha256=%s\n", wire.BeginMarker, nonce, b, wire.EndMarker, nonce, hex.EncodeToString(sum[:]))
	console.Write(out.Bytes())
}

// utsString is a NUL-terminated utsname field as a string.
func utsString(f []int8) string {
	b := make([]byte, 0, len(f))
	for _, c := range f {
		if c == 0 {
			break
		}
		b = append(b, byte(c))
	}
	return string(b)
}
