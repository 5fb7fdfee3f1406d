package boottest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/initsec/initsec/internal/dev/testenv"
)

// kdir returns the kbuild tree: $KDIR, else the newest
// /usr/src/linux-headers-*-amd64.
func kdir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("KDIR"); d != "" {
		return d
	}
	ds, _ := filepath.Glob("/usr/src/linux-headers-*-amd64")
	sort.Strings(ds)
	for i := len(ds) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(ds[i], "Makefile")); err == nil {
			return ds[i]
		}
	}
	testenv.SkipOrFail(t, "no kernel headers: install the Debian package linux-headers-amd64 (or set KDIR)")
	return ""
}

// buildModules copies the sources of src into a temp dir and runs kbuild
// there. It may run on any goroutine: it reports failure as an error.
func buildModules(kdir, src, dir string) error {
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || strings.HasSuffix(n, ".mod.c") ||
			!(strings.HasSuffix(n, ".c") || strings.HasSuffix(n, ".h") || strings.HasSuffix(n, ".S") || strings.HasPrefix(n, "Kbuild")) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, n))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			return err
		}
	}
	cmd := exec.Command("make", "-C", kdir, "M="+dir, "modules")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %v\n%s", cmd.Args, err, out)
	}
	return nil
}

// TestBoot is the end-to-end test: real modules built by the real kbuild,
// loaded in Debian's real kernel under QEMU, in one boot.
func TestBoot(t *testing.T) {
	if testing.Short() {
		t.Skip("boots a kernel under QEMU (-short)")
	}
	if _, err := findQEMU("", Arches["amd64"]); err != nil {
		testenv.SkipOrFail(t, "%v", err)
	}
	kd := kdir(t)

	if _, err := exec.LookPath("make"); err != nil {
		testenv.SkipOrFail(t, "make not found: install the Debian package build-essential")
	}

	t0 := time.Now()
	var b struct{ hello, fixtures string }
	b.hello, b.fixtures = t.TempDir(), t.TempDir()
	fixErr := make(chan error, 1)
	go func() { fixErr <- buildModules(kd, "testdata/modules", b.fixtures) }() // independent kbuild runs
	if err := buildModules(kd, "../examples/hello", b.hello); err != nil {
		t.Error(err)
	}
	if err := <-fixErr; err != nil {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
	buildTime := time.Since(t0)

	hello := filepath.Join(b.hello, "hello.ko")
	mi, err := ReadModInfo(hello)
	if err != nil {
		t.Fatal(err)
	}
	kernel, err := FindKernel(mi.Release)
	if err != nil {
		testenv.SkipOrFail(t, "%v", err)
	}

	var console strings.Builder
	var log io.Writer = &console
	if os.Getenv("BOOTTEST_CONSOLE") != "" { // stream the console, stamped with host time
		log = io.MultiWriter(&console, &stampWriter{w: os.Stderr, start: time.Now()})
	}
	cfg := Config{
		Kernel: kernel,
		Modules: []Module{
			{Path: hello, InitMessage: "hello: fr: bonjour", ExitMessage: "hello: goodbye"},
			{Path: filepath.Join(b.fixtures, "failinit.ko"), ExpectInitFail: true, ExpectErrno: syscall.ENODEV, InitMessage: "failinit: init returning -ENODEV"},
			{Path: filepath.Join(b.fixtures, "noexit.ko"), InitMessage: "noexit: init ran", ExpectUnloadFail: true},
			// Last: its init is still sleeping when the guest powers off.
			{Path: filepath.Join(b.fixtures, "slowinit.ko"), StepTimeout: 3 * time.Second},
		},
		Timeout: 120 * time.Second,
		Append:  os.Getenv("BOOTTEST_APPEND"), // empty: DefaultAppend
		Log:     log,
	}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run: %v\nconsole:\n%s", err, console.String())
	}
	js, _ := json.MarshalIndent(rep, "", "  ")
	t.Logf("report:\n%s", js)
	if p := os.Getenv("BOOTTEST_REPORT"); p != "" {
		if err := os.WriteFile(p, js, 0o644); err != nil {
			t.Error(err)
		}
	}
	t.Logf("kbuild %v; boot test %v (QEMU %v, kernel boot %v, guest %v); initramfs %d bytes",
		buildTime.Round(time.Millisecond), rep.Duration.Round(time.Millisecond), rep.BootDuration.Round(time.Millisecond),
		rep.KernelBoot, rep.Guest, rep.InitramfsBytes)
	var slowErrs []error
	for _, err := range rep.Check() {
		if strings.HasPrefix(err.Error(), "slowinit: ") {
			slowErrs = append(slowErrs, err)
			continue
		}
		t.Error(err)
	}

	h, f, n, s := rep.Modules[0], rep.Modules[1], rep.Modules[2], rep.Modules[3]
	// A hung init is a result: timed out, module present in state coming,
	// and Check says so in one error.
	if !s.LoadTimedOut || s.InitState != "coming" || !s.SysfsAfterLoad || len(slowErrs) != 1 {
		t.Errorf("slowinit: timed out %v, initstate %q, sysfs %v, check %v; want a timeout in state coming and one error",
			s.LoadTimedOut, s.InitState, s.SysfsAfterLoad, slowErrs)
	}
	// The unsigned module loads on a kernel without MODULE_SIG_FORCE,
	// tainting it (E: unsigned module) next to O (out of tree).
	if !strings.Contains(h.Taint, "E") || !strings.Contains(h.Taint, "O") {
		t.Errorf("hello taint %q, want O and E", h.Taint)
	}
	if f.LoadErrno != "ENODEV" || f.SysfsAfterLoad {
		t.Errorf("failinit: errno %q, sysfs left %v; want ENODEV and nothing left", f.LoadErrno, f.SysfsAfterLoad)
	}
	if n.UnloadErrno != "EBUSY" || !n.SysfsAfterUnload {
		t.Errorf("noexit: unload errno %q, still present %v; want EBUSY and still loaded", n.UnloadErrno, n.SysfsAfterUnload)
	}
}

func TestMissingQEMU(t *testing.T) {
	_, err := findQEMU("/nonexistent/qemu-system-x86_64", Arches["amd64"])
	if err == nil || !strings.Contains(err.Error(), "qemu-system-x86") {
		t.Fatalf("err = %v, want one naming the Debian package qemu-system-x86", err)
	}
}

func TestFindKernelMissing(t *testing.T) {
	_, err := FindKernel("0.0.0-nonexistent-amd64")
	if err == nil || !strings.Contains(err.Error(), "linux-image-0.0.0-nonexistent-amd64") {
		t.Fatalf("err = %v, want one naming the Debian package", err)
	}
}

func TestVermagicMismatch(t *testing.T) {
	mi := &ModInfo{Name: "hello", Vermagic: "6.12.117+deb12-amd64 SMP preempt mod_unload modversions ", Release: "6.12.117+deb12-amd64"}
	err := mi.checkRelease("hello.ko", "6.1.0-56-amd64")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"6.12.117+deb12-amd64", "6.1.0-56-amd64", "linux-image-6.12.117+deb12-amd64"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if err := mi.checkRelease("hello.ko", mi.Release); err != nil {
		t.Error(err)
	}
}

func TestReadModInfoMalformed(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"empty":    nil,
		"garbage":  []byte("not an ELF file at all"),
		"truncelf": []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x3e\x00"),
	} {
		p := filepath.Join(dir, name+".ko")
		os.WriteFile(p, data, 0o644)
		if mi, err := ReadModInfo(p); err == nil || mi != nil {
			t.Errorf("%s: got %v, %v; want an error and no result", name, mi, err)
		}
	}
	// A real ELF that is not a module.
	self, _ := os.Executable()
	if _, err := ReadModInfo(self); err == nil {
		t.Error("test binary accepted as a module")
	}
}

func TestImageReleaseNotBzImage(t *testing.T) {
	p := filepath.Join(t.TempDir(), "vmlinuz")
	os.WriteFile(p, make([]byte, 4096), 0o644)
	if _, err := ImageRelease(p); err == nil || !strings.Contains(err.Error(), "HdrS") {
		t.Fatalf("err = %v", err)
	}
}

// TestTimeoutKillsQEMU boots the real kernel with an /init that never
// prints a result and checks that the bound is reported, not hung on.
func TestTimeoutKillsQEMU(t *testing.T) {
	if testing.Short() {
		t.Skip("runs QEMU (-short)")
	}
	qemu, err := findQEMU("", Arches["amd64"])
	if err != nil {
		testenv.SkipOrFail(t, "%v", err)
	}
	kernels, _ := filepath.Glob("/boot/vmlinuz-*")
	if len(kernels) == 0 {
		testenv.SkipOrFail(t, "no /boot/vmlinuz-*: install the Debian package linux-image-amd64")
	}
	dir := t.TempDir()
	initrd := filepath.Join(dir, "initrd")
	f, err := os.Create(initrd)
	if err != nil {
		t.Fatal(err)
	}
	// No /init: the kernel panics looking for a root device, with panic=0
	// it hangs, and only the host's bound ends the run.
	if err := writeInitramfs(f, nil); err != nil {
		t.Fatal(err)
	}
	f.Close()
	args := hangingQEMUArgs(kernels[0], initrd)
	start := time.Now()
	_, err = runQEMU(context.Background(), qemu, args, "nonce", 3*time.Second, nil)
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("runQEMU took %v with a 3s bound", took)
	}
	if err == nil || !strings.Contains(err.Error(), "did not finish within 3s") || !strings.Contains(err.Error(), "last console lines") {
		t.Fatalf("err = %v", err)
	}
	t.Log(err)
	if pids := processesWith(t, initrd); len(pids) > 0 {
		t.Errorf("QEMU still running after the timeout: pids %v", pids)
	}

	// Cancelling the context kills QEMU as well.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start = time.Now()
	_, err = runQEMU(ctx, qemu, args, "nonce", time.Minute, nil)
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("runQEMU took %v with a context ending after 2s", took)
	}
	if err == nil || !strings.Contains(err.Error(), "QEMU killed: context deadline exceeded") {
		t.Fatalf("err = %v", err)
	}
	if pids := processesWith(t, initrd); len(pids) > 0 {
		t.Errorf("QEMU still running after the context ended: pids %v", pids)
	}
}

// TestQEMUDiesWithParent kills a process that runs QEMU (this test binary,
// run again) and checks that QEMU goes with it rather than running on.
func TestQEMUDiesWithParent(t *testing.T) {
	if initrd := os.Getenv("BOOTTEST_ORPHAN_INITRD"); initrd != "" {
		// The child: run QEMU until killed.
		runQEMU(context.Background(), os.Getenv("BOOTTEST_ORPHAN_QEMU"), hangingQEMUArgs(os.Getenv("BOOTTEST_ORPHAN_KERNEL"), initrd), "nonce", time.Minute, nil)
		return
	}
	if testing.Short() {
		t.Skip("runs QEMU (-short)")
	}
	qemu, err := findQEMU("", Arches["amd64"])
	if err != nil {
		testenv.SkipOrFail(t, "%v", err)
	}
	kernels, _ := filepath.Glob("/boot/vmlinuz-*")
	if len(kernels) == 0 {
		testenv.SkipOrFail(t, "no /boot/vmlinuz-*: install the Debian package linux-image-amd64")
	}
	initrd := filepath.Join(t.TempDir(), "initrd")
	f, err := os.Create(initrd)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeInitramfs(f, nil); err != nil {
		t.Fatal(err)
	}
	f.Close()
	child := exec.Command(os.Args[0], "-test.run=^TestQEMUDiesWithParent$")
	child.Env = append(os.Environ(), "BOOTTEST_ORPHAN_INITRD="+initrd, "BOOTTEST_ORPHAN_QEMU="+qemu, "BOOTTEST_ORPHAN_KERNEL="+kernels[0])
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	var running []string
	for deadline := time.Now().Add(30 * time.Second); len(running) == 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		running = processesWith(t, initrd) // QEMU (the child has it in its environment only)
	}
	if len(running) == 0 {
		t.Fatalf("QEMU did not start: processes %v", running)
	}
	child.Process.Kill()
	child.Wait()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if running = processesWith(t, initrd); len(running) == 0 {
			return
		}
	}
	for _, pid := range running {
		if n, err := strconv.Atoi(pid); err == nil {
			syscall.Kill(n, syscall.SIGKILL)
		}
	}
	t.Fatalf("QEMU (pids %v) still running 10s after the process that started it was killed", running)
}

// hangingQEMUArgs boots kernel with an initramfs without /init: the kernel
// panics, and with panic=0 waits forever.
func hangingQEMUArgs(kernel, initrd string) []string {
	return []string{"-accel", "tcg", "-nodefaults", "-display", "none", "-serial", "stdio", "-no-reboot", "-m", "256",
		"-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0 panic=0"}
}

// processesWith returns the pids of the processes whose command line
// contains s.
func processesWith(t *testing.T, s string) []string {
	t.Helper()
	cmdlines, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil || len(cmdlines) == 0 {
		t.Fatalf("cannot list processes: %v", err)
	}
	var pids []string
	for _, p := range cmdlines {
		if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), s) {
			pids = append(pids, filepath.Base(filepath.Dir(p)))
		}
	}
	return pids
}

// stampWriter prefixes each write (one console line) with the time since
// start.
type stampWriter struct {
	w     io.Writer
	start time.Time
}

func (s *stampWriter) Write(p []byte) (int, error) {
	fmt.Fprintf(s.w, "[%6.2fs] %s", time.Since(s.start).Seconds(), p)
	return len(p), nil
}
