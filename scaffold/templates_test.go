package scaffold_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/initsec/initsec/boottest"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/scaffold"
)

func runIn(t *testing.T, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func mustRun(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	out, err := runIn(t, dir, env, name, args...)
	if err != nil {
		t.Fatalf("(cd %s && %s %s): %v\n%s", dir, name, strings.Join(args, " "), err, out)
	}
	return out
}

// kbuildDirs returns the kernel build directories to build against: $KDIR
// alone when set, else every installed /usr/src/linux-headers-* kbuild
// directory. The one whose release has a bootable /boot/vmlinuz comes last
// and is returned as boot ("" when none has).
func kbuildDirs(t *testing.T) (dirs []string, boot string) {
	t.Helper()
	if d := os.Getenv("KDIR"); d != "" {
		dirs = []string{d}
	} else {
		all, _ := filepath.Glob("/usr/src/linux-headers-*")
		for _, d := range all {
			if _, err := kbuild.Release(d); err == nil {
				if _, err := os.Stat(filepath.Join(d, "Makefile")); err == nil {
					dirs = append(dirs, d)
				}
			}
		}
		if len(dirs) == 0 {
			if d, err := kbuild.FindKDIR(); err == nil {
				dirs = []string{d}
			}
		}
	}
	if len(dirs) == 0 {
		testenv.SkipOrFail(t, "no kernel build directory (install linux-headers-amd64)")
	}
	for i, d := range dirs {
		rel, err := kbuild.Release(d)
		if err != nil {
			continue
		}
		if _, err := boottest.FindKernel(rel); err == nil {
			boot = d
			dirs = append(append(dirs[:i:i], dirs[i+1:]...), d)
			break
		}
	}
	return dirs, boot
}

// warningRE matches compiler, kbuild and modpost warnings.
var warningRE = regexp.MustCompile(`(?im)^.*\bwarning:.*$`)

// TestTemplatesBuildVerifyBoot scaffolds every template into its own module
// repository (go.mod with a replace to this checkout), runs
// `mage initsec:build` there with the real kbuild under W=1 and checks that
// nothing warned and nothing was found, runs the generated Go test, and
// then, where QEMU and Debian's kernel are installed, loads and unloads
// every module in one boot and checks that its init memory was freed.
func TestTemplatesBuildVerifyBoot(t *testing.T) {
	if testing.Short() {
		t.Skip("builds mage and kernel modules (-short)")
	}
	kdirs, bootKDIR := kbuildDirs(t)
	wd, _ := os.Getwd()
	root := filepath.Dir(wd)
	tmp := t.TempDir()
	mage := filepath.Join(tmp, "bin", "mage")
	mustRun(t, root, nil, "go", "build", "-o", mage, "github.com/magefile/mage")
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"INITSEC_W=1", "MAGEFILE_CACHE=" + filepath.Join(tmp, "magecache")}

	var mods []boottest.Module
	for _, tm := range scaffold.Templates() {
		name := "scaf_" + tm.Name
		repo := filepath.Join(tmp, tm.Name)
		ok := t.Run(tm.Name, func(t *testing.T) {
			res, err := scaffold.New(scaffold.Options{Name: name, Template: tm.Name, Dir: repo, InitsecReplace: root})
			if err != nil {
				t.Fatal(err)
			}
			if !res.NewModule {
				t.Fatalf("%s: no go.mod written", repo)
			}
			// go.sum: this checkout's covers the module graph; tidy
			// settles it from the module cache.
			os.WriteFile(filepath.Join(repo, "go.sum"), sum, 0o644)
			mustRun(t, repo, nil, "go", "mod", "tidy")

			list := mustRun(t, repo, env, mage, "-l")
			for _, target := range []string{"initsec:build", "initsec:new", "initsec:verify"} {
				if !strings.Contains(list, target) {
					t.Errorf("mage -l lacks %s:\n%s", target, list)
				}
			}
			// Every installed kernel; the one that boots last, so its
			// .ko is what the boot test loads.
			for _, kdir := range kdirs {
				out := mustRun(t, repo, append(env, "KDIR="+kdir), mage, "initsec:build")
				t.Logf("KDIR=%s mage initsec:build (%s):\n%s", kdir, tm.Name, out)
				if ws := warningRE.FindAllString(out, -1); len(ws) > 0 {
					t.Errorf("KDIR=%s: kbuild W=1 warned:\n%s", kdir, strings.Join(ws, "\n"))
				}
				for _, line := range strings.Split(out, "\n") {
					if strings.Contains(line, ": error:") || strings.Contains(line, ": warning:") {
						t.Errorf("KDIR=%s: finding: %s", kdir, line)
					}
				}
			}
			ko := filepath.Join(repo, name+".ko")
			if _, err := os.Stat(ko); err != nil {
				t.Fatal(err)
			}
			// The generated test runs (does not skip) and passes.
			out := mustRun(t, repo, nil, "go", "test", "-count=1", "-v", "./initsec")
			if !strings.Contains(out, "--- PASS: TestInitsecPlacement") {
				t.Errorf("generated test did not pass:\n%s", out)
			}
			m := boottest.Module{
				Path:        ko,
				InitMessage: name + ": loaded",
				ExitMessage: name + ": unloaded",
			}
			if tm.Name == "pci" {
				// The boot adds QEMU's pci-testdev (1b36:0005, the
				// template's placeholder ID): the resident probe runs
				// when the driver registers, remove when it unregisters.
				m.InitMessage = "probed 1b36:0005"
				m.ExitMessage = "removed"
			}
			mods = append(mods, m)
		})
		if !ok && tm.Name == "minimal" {
			return
		}
	}

	t.Run("plain-make", func(t *testing.T) {
		repo := filepath.Join(tmp, "minimal")
		out := mustRun(t, repo, nil, "make", "KDIR="+kdirs[len(kdirs)-1], "clean", "all")
		if ws := warningRE.FindAllString(out, -1); len(ws) > 0 {
			t.Errorf("make warned:\n%s", strings.Join(ws, "\n"))
		}
		if _, err := os.Stat(filepath.Join(repo, "scaf_minimal.ko")); err != nil {
			t.Error(err)
		}
	})

	t.Run("mage-new", func(t *testing.T) {
		// initsec:new inside an existing module repository: no go.mod;
		// the mage flags reach scaffold.New.
		repo := filepath.Join(tmp, "misc")
		out := mustRun(t, repo, env, mage, "initsec:new", "nested", "-template=minimal", "-dir=drivers/nested")
		for _, f := range []string{"nested.c", "nested.initsec.h", "Kbuild.initsec", "initsec/initsec_gen.go"} {
			if _, err := os.Stat(filepath.Join(repo, "drivers", "nested", f)); err != nil {
				t.Errorf("after mage initsec:new: %v\n%s", err, out)
			}
		}
		if _, err := os.Stat(filepath.Join(repo, "drivers", "nested", "go.mod")); err == nil {
			t.Error("mage initsec:new wrote a nested go.mod")
		}
		if b, _ := os.ReadFile(filepath.Join(repo, "drivers", "nested", "nested.c")); !strings.Contains(string(b), "smallest correct module") {
			t.Error("-template=minimal was not used")
		}
		// Bad name and a non-empty directory: an error, nothing written.
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"1abc"}, "not a C identifier"},
			{[]string{"a-b"}, "not a C identifier"},
			{[]string{"drv", "-dir=drivers"}, "is not empty"},
		} {
			out, err := runIn(t, repo, env, mage, append([]string{"initsec:new"}, tc.args...)...)
			if err == nil || !strings.Contains(out, "initsec:new: ") || !strings.Contains(out, tc.want) {
				t.Errorf("mage initsec:new %v: %v\n%s\nwant a failure saying %q", tc.args, err, out, tc.want)
			}
		}
		for _, p := range []string{"1abc", "a-b", "drv"} {
			if _, err := os.Stat(filepath.Join(repo, p)); err == nil {
				t.Errorf("left %s behind", p)
			}
		}
		if ents, _ := os.ReadDir(filepath.Join(repo, "drivers")); len(ents) != 1 {
			t.Errorf("drivers/ holds %v", ents)
		}
	})

	t.Run("boot", func(t *testing.T) {
		if len(mods) != len(scaffold.Templates()) {
			t.Skip("not every template built")
		}
		if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
			testenv.SkipOrFail(t, "no qemu-system-x86_64 (install qemu-system-x86): %v", err)
		}
		if bootKDIR == "" {
			testenv.SkipOrFail(t, "no installed kernel image matches the kernel headers %v (install linux-image-amd64)", kdirs)
		}
		rel, err := kbuild.Release(bootKDIR)
		if err != nil {
			t.Fatal(err)
		}
		kernel, err := boottest.FindKernel(rel)
		if err != nil {
			testenv.SkipOrFail(t, "%v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		rep, err := boottest.Run(ctx, boottest.Config{Kernel: kernel, Modules: mods, QEMUArgs: []string{"-device", "pci-testdev"}})
		if err != nil {
			t.Fatalf("boottest.Run: %v", err)
		}
		js, _ := json.MarshalIndent(rep, "", "  ")
		os.WriteFile(filepath.Join(tmp, "boot.json"), js, 0o644)
		for _, e := range rep.Check() {
			t.Error(e)
		}
		for _, m := range rep.Modules {
			t.Logf("%s: loaded=%v initstate=%s coresize=%d initsize=%d elf_init_bytes=%d unloaded=%v",
				m.Name, m.Loaded, m.InitState, m.CoreSize, m.InitSize, m.ELFInitBytes, m.Unloaded)
			if m.InitSize != 0 {
				t.Errorf("%s: initsize %d after init, want 0", m.Name, m.InitSize)
			}
			if m.Name == "scaf_platform" && !strings.Contains(strings.Join(m.Kmsg, "\n"), "probed") {
				t.Errorf("scaf_platform did not probe; kmsg:\n%s", strings.Join(m.Kmsg, "\n"))
			}
		}
		t.Logf("boot: %s, %v (kernel %s)", rep.Boot, rep.BootDuration, rep.Release)
	})
}
