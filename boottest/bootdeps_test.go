package boottest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
)

// TestBootDeps builds testdata/deps (modules that need modules of Debian's
// tree) with the installed 6.1 and 6.12 kbuild, and boots each kernel
// once: every module must load after its dependencies (found through that
// kernel's modules.dep; 6.12's are .ko.xz), with its parameters, free its
// init region, unload, and its dependencies unload after it.
func TestBootDeps(t *testing.T) {
	if testing.Short() {
		t.Skip("boots a kernel under QEMU (-short)")
	}
	if _, err := findQEMU("", Arches["amd64"]); err != nil {
		testenv.SkipOrFail(t, "%v", err)
	}
	for _, tc := range []struct {
		name string
		find func() (kernels.Target, error)
	}{{"6.1", kernels.Find61}, {"6.12", kernels.Find612}} {
		t.Run(tc.name, func(t *testing.T) {
			tg, err := tc.find()
			if err != nil {
				testenv.SkipOrFail(t, "%v", err)
			}
			kernel, err := FindKernel(tg.Release)
			if err != nil {
				testenv.SkipOrFail(t, "%v", err)
			}
			dir := t.TempDir()
			if err := buildModules(tg.KDIR, "testdata/deps", dir); err != nil {
				t.Fatal(err)
			}
			bootDeps(t, kernel, dir)
		})
	}
}

func bootDeps(t *testing.T, kernel, dir string) {
	var console strings.Builder
	cfg := Config{
		Kernel: kernel,
		Modules: []Module{
			{Path: filepath.Join(dir, "usecrc8.ko"), Params: "seed=42 tag=hello",
				InitMessage: fmt.Sprintf("usecrc8: seed=42 tag=hello crc=0x%02x", crc8msb(0x07, []byte("123456789"), 42)),
				ExitMessage: "usecrc8: exit"},
			{Path: filepath.Join(dir, "usecurve.ko"), LoadFirst: []string{"hwmon-vid"},
				InitMessage: "usecurve: public key 8520f009", ExitMessage: "usecurve: exit"},
		},
		Timeout: 180 * time.Second,
		Log:     &console,
	}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run: %v\nconsole:\n%s", err, console.String())
	}
	js, _ := json.MarshalIndent(rep, "", "  ")
	t.Logf("boot %v, kernel %s; report:\n%s", rep.BootDuration.Round(time.Millisecond), rep.Release, js)
	for _, err := range rep.Check() {
		t.Error(err)
	}
	want := [][]string{
		{"crc8"},
		{"hwmon_vid", "libcurve25519_generic", "curve25519_x86_64"},
	}
	for i, m := range rep.Modules {
		var got []string
		for _, d := range m.Deps {
			got = append(got, d.Name)
			if !d.Loaded || !d.Unloaded || d.AlreadyLoaded || d.Builtin {
				t.Errorf("%s: dependency %s: loaded %v, unloaded %v (%s %s), already %v, builtin %v; want loaded by the guest and unloaded after",
					m.Name, d.Name, d.Loaded, d.Unloaded, d.UnloadErrno, d.UnloadError, d.AlreadyLoaded, d.Builtin)
			}
			if !strings.HasPrefix(d.Path, filepath.Join("/lib/modules", rep.Release)) {
				t.Errorf("%s: dependency %s from %s, want the booted kernel's tree", m.Name, d.Name, d.Path)
			}
		}
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("%s: dependencies %v, want %v (dependencies first)", m.Name, got, want[i])
		}
		t.Logf("%s: deps %v loaded and unloaded; initstate %s, initsize %d, coresize %d, params %q",
			m.Name, got, m.InitState, m.InitSize, m.CoreSize, m.Params)
	}
}

// crc8msb is lib/crc8.c's crc8 with a crc8_populate_msb table.
func crc8msb(poly byte, data []byte, crc byte) byte {
	for _, b := range data {
		crc ^= b
		for range 8 {
			if crc&0x80 != 0 {
				crc = crc<<1 ^ poly
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// TestMissingDependency: a module whose dependency is not in the booted
// kernel's tree is an error before anything boots, naming the module, the
// dependency and the modules.dep read.
func TestMissingDependency(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "modules.dep"), []byte("kernel/drivers/hwmon/hwmon-vid.ko:\n"), 0o644)
	cfg := Config{ModulesDir: dir, Modules: []Module{{Path: "/src/usecrc8.ko"}, {Path: "/src/other.ko", LoadFirst: []string{"hwmon-vid"}}}}
	infos := []*ModInfo{{Name: "usecrc8", Depends: []string{"crc8"}}, {Name: "other"}}
	_, err := resolveDeps(cfg, infos, "6.1.0-57-amd64")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"/src/usecrc8.ko", "usecrc8 needs module crc8", filepath.Join(dir, "modules.dep")} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	t.Log(err)

	// Found: hwmon-vid for other, nothing for a module without depends.
	infos[0].Depends = nil
	plans, err := resolveDeps(cfg, infos, "6.1.0-57-amd64")
	if err != nil {
		t.Fatal(err)
	}
	if len(plans[0]) != 0 || len(plans[1]) != 1 || plans[1][0].Path != filepath.Join(dir, "kernel/drivers/hwmon/hwmon-vid.ko") {
		t.Errorf("plans %v", plans)
	}

	// No tree at all: the error names the package that installs it.
	cfg.ModulesDir = filepath.Join(dir, "none")
	_, err = resolveDeps(cfg, infos, "6.1.0-57-amd64")
	if err == nil || !strings.Contains(err.Error(), "linux-image-6.1.0-57-amd64") || !strings.Contains(err.Error(), "other needs module hwmon_vid") {
		t.Errorf("err = %v", err)
	}
	// Nothing needed: no tree read.
	cfg.Modules[1].LoadFirst = nil
	if _, err := resolveDeps(cfg, infos, "6.1.0-57-amd64"); err != nil {
		t.Error(err)
	}
}
