package realtrees

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/initsec/initsec/boottest"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/internal/pipeline"
)

// bootModule is one converted module of a multi-module tree booted
// directly: pipeline.Boot loads every module of a directory, and some of
// the lkmpg examples need hardware (GPIO) by design.
type bootModule struct {
	tree, name       string
	initMsg, exitMsg string
	errno            syscall.Errno // init must fail with it (no such hardware)
	wantDeps         []string      // dependencies the report must show loaded first
}

var bootModules = []bootModule{
	{tree: "lkmpg", name: "hello-1", initMsg: "Hello world 1.", exitMsg: "Goodbye world 1."},
	{tree: "lkmpg", name: "hello-2", initMsg: "Hello, world 2", exitMsg: "Goodbye, world 2"},
	{tree: "lkmpg", name: "hello-3"},
	{tree: "lkmpg", name: "hello-4"},
	{tree: "lkmpg", name: "hello-5"},
	{tree: "lkmpg", name: "startstop", initMsg: "Hello, world - this is the kernel speaking", exitMsg: "Short is the life of a kernel module"},
	{tree: "lkmpg", name: "chardev"},
	{tree: "lkmpg", name: "procfs1"},
	{tree: "lkmpg", name: "procfs2"},
	{tree: "lkmpg", name: "procfs3"},
	{tree: "lkmpg", name: "procfs4"},
	{tree: "lkmpg", name: "hello-sysfs"},
	{tree: "lkmpg", name: "example_mutex"},
	{tree: "lkmpg", name: "example_spinlock"},
	{tree: "lkmpg", name: "example_rwlock"},
	{tree: "lkmpg", name: "example_atomic"},
	{tree: "lkmpg", name: "kmem_cache"},
	{tree: "lkmpg", name: "static_key"},
	{tree: "hw_random", name: "virtio-rng", wantDeps: []string{"virtio", "virtio_ring"}},
	{tree: "hw_random", name: "via-rng", errno: syscall.ENODEV},
	{tree: "ipmi", name: "ipmi_msghandler"},
	{tree: "ipmi", name: "ipmi_devintf", wantDeps: []string{"ipmi_msghandler"}},
	{tree: "ipmi", name: "ipmi_watchdog", wantDeps: []string{"ipmi_msghandler"}},
}

// TestBootRealTrees boots the converted trees under QEMU with Debian's 6.1
// kernel: it87 and xpadneo through pipeline.Boot (the orchestration
// `mage initsec:boot` runs: build, verify, initsec-boot.json, dependencies
// from the kernel's modules.dep), then a selection of the modules of the
// multi-module trees through boottest.Run. Every module must load (or fail
// its init with the errno its missing hardware gives), free its init
// region and unload; dependencies load first.
func TestBootRealTrees(t *testing.T) {
	if testing.Short() {
		t.Skip("boots a kernel under QEMU (-short)")
	}
	k := target(t)
	kernel, err := boottest.FindKernel(k.Release)
	if _, qerr := exec.LookPath("qemu-system-x86_64"); err != nil || qerr != nil {
		testenv.SkipOrFail(t, "needs linux-image-amd64 (%v) and qemu-system-x86 (%v)", err, qerr)
	}
	byName := map[string]Tree{}
	for _, tr := range Trees {
		byName[tr.Name] = tr
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()

	t.Run("pipeline", func(t *testing.T) {
		it87 := filepath.Join(prove(t, k, byName["it87"]).WorkDir, "after")
		xpad := filepath.Join(prove(t, k, byName["xpadneo"]).WorkDir, "after")
		// No Super I/O chip under QEMU: it87's init returns -ENODEV after
		// registering and unregistering its platform driver.
		if err := os.WriteFile(filepath.Join(it87, pipeline.BootFile), []byte(`{"init_errno": "ENODEV"}`+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(xpad, pipeline.BootFile), []byte(`{"init_message": "loaded hid-xpadneo"}`+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		opts := k.Options()
		opts.Jobs = 2
		res, err := pipeline.Boot(ctx, []string{it87, xpad}, pipeline.BootOptions{Build: opts, Log: &log})
		t.Logf("log:\n%s", log.String())
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{"it87": {"hwmon_vid", "wmi"}, "hid_xpadneo": {"hid", "crc16"}}
		for _, m := range res.Report.Modules {
			checkDeps(t, m, want[m.Name])
		}
		if len(res.Report.Modules) != 2 {
			t.Errorf("%d modules booted, want 2", len(res.Report.Modules))
		}
	})

	t.Run("modules", func(t *testing.T) {
		var mods []boottest.Module
		for _, b := range bootModules {
			p := prove(t, k, byName[b.tree])
			m := boottest.Module{Path: filepath.Join(p.WorkDir, "after", b.name+".ko"), InitMessage: b.initMsg, ExitMessage: b.exitMsg}
			if b.errno != 0 {
				m.ExpectInitFail, m.ExpectErrno = true, b.errno
			}
			mods = append(mods, m)
		}
		var console bytes.Buffer
		rep, err := boottest.Run(ctx, boottest.Config{Kernel: kernel, Modules: mods, Log: &console})
		if err != nil {
			t.Fatalf("boot: %v\nconsole:\n%s", err, console.String())
		}
		for _, e := range rep.Check() {
			t.Error(e)
		}
		for i, m := range rep.Modules {
			checkDeps(t, m, bootModules[i].wantDeps)
		}
		t.Logf("%d modules of %d trees in one boot: boot %.1fs, total %.1fs", len(rep.Modules), 3, rep.BootDuration.Seconds(), rep.Duration.Seconds())
		if t.Failed() {
			t.Logf("console:\n%s", console.String())
		}
	})
}

// checkDeps requires the report to list want among the dependencies
// loaded (or already there) before m.
func checkDeps(t *testing.T, m boottest.ModuleResult, want []string) {
	t.Helper()
	var got []string
	for _, d := range m.Deps {
		got = append(got, d.Name)
		if !d.Builtin && !d.AlreadyLoaded && !d.Loaded {
			t.Errorf("%s: dependency %s not loaded", m.Name, d.Name)
		}
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("%s: dependencies %v, want %s among them", m.Name, got, w)
		}
	}
	t.Logf("%s: initstate %q, initsize %d, deps %s", m.Name, m.InitState, m.InitSize, strings.Join(got, " "))
}
