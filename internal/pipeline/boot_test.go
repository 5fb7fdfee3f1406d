package pipeline

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/initsec/initsec/boottest"
	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/sectionrt"
)

// TestPredictMemoryMatchesKernel loads real modules of Debian's 6.1 kernel
// (ones without dependencies, small and large) in that kernel under QEMU
// and compares /sys/module/NAME/coresize with sectionrt.PredictMemory.
func TestPredictMemoryMatchesKernel(t *testing.T) {
	// The release of linux-headers-amd64, which linux-image-amd64 matches.
	var kernel string
	t61, kerr := kernels.Find61()
	if kerr == nil {
		kernel, kerr = boottest.FindKernel(t61.Release)
	}
	_, qerr := exec.LookPath("qemu-system-x86_64")
	if kerr != nil || qerr != nil {
		testenv.SkipOrFail(t, "needs linux-headers-amd64, linux-image-amd64 and qemu-system-x86: %v %v", kerr, qerr)
	}
	base := filepath.Join("/lib/modules", t61.Release, "kernel")
	names := []string{
		"drivers/net/dummy.ko", "lib/crc8.ko", "lib/ts_kmp.ko",
		"drivers/char/ipmi/ipmi_msghandler.ko", "fs/fat/fat.ko",
	}
	var mods []boottest.Module
	for _, n := range names {
		mods = append(mods, boottest.Module{Path: filepath.Join(base, n)})
	}
	rep, err := boottest.Run(context.Background(), boottest.Config{Kernel: kernel, Modules: mods})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Modules) != len(names) {
		t.Fatalf("%d results for %d modules", len(rep.Modules), len(names))
	}
	for i, m := range rep.Modules {
		if !m.Loaded {
			t.Errorf("%s: not loaded: %s %s", names[i], m.LoadErrno, m.LoadError)
			continue
		}
		o, err := sectionrt.Open(filepath.Join(base, names[i]))
		if err != nil {
			t.Fatal(err)
		}
		p := sectionrt.PredictMemory(o, true)
		o.Close()
		if got := int64(p.CorePages * sectionrt.PageSize); got != m.CoreSize {
			t.Errorf("%s: predicted coresize %d, kernel says %d", m.Name, got, m.CoreSize)
		} else {
			t.Logf("%s: coresize %d = predicted; init freed (initsize %d)", m.Name, m.CoreSize, m.InitSize)
		}
		if m.InitSize != 0 {
			t.Errorf("%s: initsize %d after init", m.Name, m.InitSize)
		}
	}
}

func TestBootExpectParamsAndLoadFirst(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, BootFile), `{"params": {"usecrc8": "seed=42 tag=hello"}, "load_first": ["hwmon-vid"]}`)
	e, err := readBootExpect(dir)
	if err != nil {
		t.Fatal(err)
	}
	if e.Params["usecrc8"] != "seed=42 tag=hello" || len(e.LoadFirst) != 1 || e.LoadFirst[0] != "hwmon-vid" {
		t.Fatalf("got %+v", e)
	}
	objs := []string{filepath.Join(dir, "usecrc8.ko"), filepath.Join(dir, "use-curve.ko")}
	if err := checkParams(dir, e, objs); err != nil {
		t.Error(err)
	}
	e.Params["use-curve"] = "x=1"
	if err := checkParams(dir, e, objs); err != nil {
		t.Errorf("a '-' spelling of a module name: %v", err)
	}
	e.Params["usecrc"] = "seed=1"
	err = checkParams(dir, e, objs)
	if err == nil || !strings.Contains(err.Error(), "params for usecrc, which") || !strings.Contains(err.Error(), "usecrc8, use_curve") {
		t.Errorf("unknown module: %v", err)
	}
}

func TestDepsColumn(t *testing.T) {
	m := &boottest.ModuleResult{Deps: []boottest.DepResult{
		{Name: "crc32c", Builtin: true},
		{Name: "hwmon_vid", AlreadyLoaded: true},
		{Name: "crc8", Loaded: true, Unloaded: true},
		{Name: "libcurve25519_generic", Loaded: true},
		{Name: "curve25519_x86_64", LoadErrno: "ENOEXEC"},
	}}
	want := "crc32c (built in), hwmon_vid (already loaded), crc8, libcurve25519_generic (left loaded), curve25519_x86_64 (failed ENOEXEC)"
	if got := depsColumn(m); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := depsColumn(&boottest.ModuleResult{}); got != "-" {
		t.Errorf("no deps: %q", got)
	}
}
