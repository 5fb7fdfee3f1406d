package main

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/internal/verify"
	"github.com/initsec/initsec/module"
	"github.com/initsec/initsec/sectionrt"
	"github.com/initsec/initsec/target"
)

// TestBuildTarget builds examples/hello with `initsec build -target` for
// sid (a build root with gcc-16: Linux 7.x) and for Debian 12's arm64 6.1
// (unpacked headers, cross gcc-12), from this repository's lock, and checks
// every annotated symbol's section in the .ko with debug/elf (what readelf
// -s shows), independently of sectionrt, then that verify took the rules
// of the .ko's own vermagic. It installs, downloads and makes a build root
// as needed (the first sid root takes minutes), so it skips under -short,
// and when not root; CI=true runs as root and must run it.
func TestBuildTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds in a build root and with downloaded headers (minutes the first time)")
	}
	if os.Geteuid() != 0 {
		testenv.SkipOrFail(t, "not root: installing headers, making build roots and chrooting need root")
	}
	lock, err := target.ReadLock("../..")
	if err != nil {
		t.Fatalf("this repository's lock: %v", err)
	}
	for _, tc := range []struct {
		name    string
		machine elf.Machine
		rules   string
	}{
		{"debian-sid/amd64", elf.EM_X86_64, "7.2"},
		{"debian-12/6.1/arm64", elf.EM_AARCH64, "6.1"},
	} {
		t.Run(strings.ReplaceAll(tc.name, "/", "_"), func(t *testing.T) {
			tg, err := target.ParseName(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			res, ok := lock.Lookup(tg)
			if !ok {
				t.Fatalf("%s is not in initsec.targets.lock", tc.name)
			}
			dir := filepath.Join(t.TempDir(), "hello")
			if out, err := exec.Command("cp", "-r", "../../examples/hello", dir).CombinedOutput(); err != nil {
				t.Fatalf("cp: %v %s", err, out)
			}
			var stdout, stderr bytes.Buffer
			if code := run(&stdout, &stderr, []string{"build", "-target", tc.name, dir}); code != exitOK {
				t.Fatalf("initsec build -target %s: exit %d\nstdout:\n%s\nstderr:\n%s", tc.name, code, stdout.String(), tail(stderr.String(), 40))
			}
			ko := filepath.Join(dir, "hello.ko")
			f, err := elf.Open(ko)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Machine != tc.machine {
				t.Errorf("%s: machine %v, want %v", ko, f.Machine, tc.machine)
			}
			syms, err := f.Symbols()
			if err != nil {
				t.Fatal(err)
			}
			m, err := module.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			man := module.Manifest(m)
			if len(man.Entries) == 0 {
				t.Fatal("the module has no directives")
			}
			for _, e := range man.Entries {
				found := false
				for _, s := range syms {
					if s.Name != e.Symbol || int(s.Section) <= 0 || int(s.Section) >= len(f.Sections) {
						continue
					}
					found = true
					if sec := f.Sections[s.Section].Name; !strings.HasPrefix(sec, e.Section) {
						t.Errorf("%s: %s is in %s, want %s", tc.name, e.Symbol, sec, e.Section)
					}
				}
				if !found {
					t.Errorf("%s: %s (%s) is not defined in %s", tc.name, e.Symbol, e.Section, ko)
				}
			}
			o, err := sectionrt.Open(ko)
			if err != nil {
				t.Fatal(err)
			}
			if v := o.Vermagic(); !strings.HasPrefix(v, res.Kernel()+" ") {
				t.Errorf("vermagic %q, want the locked kernel %s", v, res.Kernel())
			}
			if fs := sectionrt.CheckPlacement(o, man); len(fs) != 0 {
				t.Errorf("placement findings: %v", fs)
			}
			r := verify.Files([]string{ko}, verify.Options{Manifest: &man, Jobs: 1})[0]
			if r.Err != nil || r.Rules != tc.rules || len(r.Findings) != 0 {
				t.Errorf("verify: rules %q (want %s), findings %v, err %v", r.Rules, tc.rules, r.Findings, r.Err)
			}
		})
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
