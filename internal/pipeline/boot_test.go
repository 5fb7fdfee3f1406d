package pipeline

import (
	"context"
	"os"
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

// TestBootDepsAndParams runs Boot on a directive-annotated module that
// needs crc8 from Debian's 6.1 tree, with initsec-boot.json giving its
// parameters and an extra module to load first: the report must list both
// modules as loaded first (load_first, then depends=), the parameters must
// reach the module, and its init region must be freed.
func TestBootDepsAndParams(t *testing.T) {
	if testing.Short() {
		t.Skip("boots a kernel under QEMU (-short)")
	}
	t61, err := kernels.Find61()
	if err == nil {
		_, err = boottest.FindKernel(t61.Release)
	}
	if _, qerr := exec.LookPath("qemu-system-x86_64"); err != nil || qerr != nil {
		testenv.SkipOrFail(t, "needs linux-headers-amd64, linux-image-amd64 and qemu-system-x86: %v %v", err, qerr)
	}
	dir := filepath.Join(t.TempDir(), "crcdep")
	write(t, filepath.Join(dir, "Kbuild"), "obj-m += crcdep.o\ninclude $(src)/Kbuild.initsec\n")
	write(t, filepath.Join(dir, "crcdep.c"), `#include <linux/crc8.h>
#include <linux/module.h>

static int poly = 0x07;
module_param(poly, int, 0444);

static u8 crcdep_table[CRC8_TABLE_SIZE];

//go:init-section initconst
static const u8 crcdep_data[] = "123456789";

//go:init-section init initcall=device
static int crcdep_init(void)
{
	crc8_populate_msb(crcdep_table, (u8)poly);
	pr_info("crcdep: poly=0x%02x crc=0x%02x\n", poly, crc8(crcdep_table, crcdep_data, 9, 0));
	return 0;
}

//go:init-section exit entry
static void crcdep_exit(void)
{
	pr_info("crcdep: exit\n");
}

MODULE_LICENSE("GPL");

#include "crcdep.initsec.h"
`)
	// The CRC-8 (MSB first, init 0) of "123456789" is 0xf4 with the
	// default poly 0x07, 0xa2 with poly 0x31: the parameter must arrive.
	write(t, filepath.Join(dir, BootFile), `{
  "init_message": "crcdep: poly=0x31 crc=0xa2",
  "exit_message": "crcdep: exit",
  "params": {"crcdep": "poly=0x31"},
  "load_first": ["hwmon-vid"]
}
`)
	var log strings.Builder
	report := filepath.Join(t.TempDir(), "boot.json")
	res, err := Boot(context.Background(), []string{dir}, BootOptions{Build: t61.Options(), Report: report, Log: &log})
	t.Logf("log:\n%s", log.String())
	if err != nil {
		t.Fatal(err)
	}
	m := res.Report.Modules[0]
	var deps []string
	for _, d := range m.Deps {
		deps = append(deps, d.Name)
		if !d.Loaded || !d.Unloaded {
			t.Errorf("dependency %s: loaded %v, unloaded %v", d.Name, d.Loaded, d.Unloaded)
		}
	}
	if strings.Join(deps, " ") != "hwmon_vid crc8" {
		t.Errorf("deps %v, want [hwmon_vid crc8]", deps)
	}
	if m.Params != "poly=0x31" || m.InitSize != 0 || m.InitState != "live" {
		t.Errorf("params %q, initstate %q, initsize %d", m.Params, m.InitState, m.InitSize)
	}
	if !strings.Contains(log.String(), "hwmon_vid, crc8") {
		t.Error("the table does not list the dependencies loaded first")
	}
	if b, err := os.ReadFile(report); err != nil || !strings.Contains(string(b), `"deps"`) {
		t.Errorf("report %s: %v: no deps", report, err)
	}
}
