package buildroot

import (
	"encoding/json"
	"errors"
	"github.com/initsec/initsec/kbuild"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestSpecKey(t *testing.T) {
	base := Spec{Suite: "sid", Arch: "amd64", Packages: []string{"make", "gcc-16", "linux-headers-amd64"}}
	k, err := base.Key()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(k, "sid-amd64-") || len(k) != len("sid-amd64-")+16 {
		t.Errorf("Key = %q, want sid-amd64-HEX16", k)
	}
	same := []Spec{
		{Suite: "sid", Arch: "amd64", Packages: []string{"linux-headers-amd64", "make", "gcc-16"}},
		{Suite: "sid", Arch: "amd64", Packages: []string{"make", "make", "gcc-16", "linux-headers-amd64"}},
	}
	for _, s := range same {
		if k2, err := s.Key(); err != nil || k2 != k {
			t.Errorf("%+v: Key = %q, %v; want %q", s, k2, err, k)
		}
	}
	different := []Spec{
		{Suite: "trixie", Arch: "amd64", Packages: base.Packages},
		{Suite: "sid", Arch: "arm64", Packages: base.Packages},
		{Suite: "sid", Arch: "amd64", Packages: base.Packages, Mirror: "http://example.org/debian"},
		{Suite: "sid", Arch: "amd64", Packages: []string{"make", "gcc-16"}},
		{Suite: "sid", Arch: "amd64", Packages: []string{"make=4.4.1-2", "gcc-16", "linux-headers-amd64"}},
		{Suite: "sid", Arch: "amd64", Packages: base.Packages, Sources: []string{"deb http://deb.debian.org/debian-security trixie-security main"}},
	}
	for _, s := range different {
		if k2, err := s.Key(); err != nil || k2 == k {
			t.Errorf("%+v: Key = %q, %v; want a key other than %q", s, k2, err, k)
		}
	}
	// The caller's slice is left alone.
	if base.Packages[0] != "make" {
		t.Errorf("Key sorted the caller's Packages: %q", base.Packages)
	}
}

func TestSpecInvalid(t *testing.T) {
	for _, tc := range []struct {
		spec Spec
		want string
	}{
		{Spec{Suite: "", Packages: []string{"make"}}, "suite"},
		{Spec{Suite: "sid bookworm", Packages: []string{"make"}}, "suite"},
		{Spec{Suite: "sid"}, "no packages"},
		{Spec{Suite: "sid", Packages: []string{"make,gcc"}}, `package "make,gcc"`},
		{Spec{Suite: "sid", Packages: []string{"--help"}}, "package"},
		{Spec{Suite: "sid", Packages: []string{"make="}}, "NAME=VERSION"},
		{Spec{Suite: "sid", Packages: []string{"make=1 2"}}, "NAME=VERSION"},
		{Spec{Suite: "sid", Arch: "AMD64", Packages: []string{"make"}}, "architecture"},
		{Spec{Suite: "sid", Packages: []string{"make"}, Mirror: "deb.debian.org"}, "mirror"},
		{Spec{Suite: "sid", Packages: []string{"make"}, Sources: []string{"http://deb.debian.org/debian"}}, "source"},
		{Spec{Suite: "sid", Packages: []string{"make"}, Sources: []string{"deb http://x/debian sid main\ndeb http://y sid main"}}, "source"},
	} {
		if _, err := tc.spec.Key(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want one containing %q", tc.spec, err, tc.want)
		}
	}
}

func TestMmdebstrapArgs(t *testing.T) {
	s, err := Spec{Suite: "sid", Arch: "amd64", Packages: []string{"make", "gcc-16"}}.normalize()
	if err != nil {
		t.Fatal(err)
	}
	got := mmdebstrapArgs(s, "/cache/.tmp-x")
	want := []string{"--mode=root", "--format=directory", "--variant=apt", "--architectures=amd64",
		`--aptopt=Acquire::Check-Valid-Until "false"`, "--include=gcc-16,make", "sid", "/cache/.tmp-x"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mmdebstrapArgs = %q\nwant %q", got, want)
	}
	s.Mirror = "http://deb.debian.org/debian"
	if got := mmdebstrapArgs(s, "D"); got[len(got)-1] != s.Mirror {
		t.Errorf("mirror not last: %q", got)
	}
	// Sources follow the mirror; without one, the default is named, since
	// mmdebstrap adds it only when no source is given.
	s.Mirror = ""
	sec := "deb http://deb.debian.org/debian-security trixie-security main"
	s.Sources = []string{sec}
	if got := mmdebstrapArgs(s, "D"); !reflect.DeepEqual(got[len(got)-3:], []string{"D", DefaultMirror, sec}) {
		t.Errorf("with Sources: %q", got)
	}
}

func TestReadModulesOrder(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "modules.order"), []byte("hello.o\nsub/two.o\n/build/m/three.o\n"), 0o644)
	got, err := kbuild.ReadModulesOrder(dir, "/build/m")
	want := []string{filepath.Join(dir, "hello.ko"), filepath.Join(dir, "sub/two.ko"), filepath.Join(dir, "three.ko")}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("readModulesOrder = %q, %v\nwant %q", got, err, want)
	}
	os.WriteFile(filepath.Join(dir, "modules.order"), []byte("/elsewhere/x.o\n"), 0o644)
	if _, err := kbuild.ReadModulesOrder(dir, "/build/m"); err == nil {
		t.Error("a module outside the build directory: want an error")
	}
	if got, err := kbuild.ReadModulesOrder(t.TempDir(), "/build/m"); got != nil || err != nil {
		t.Errorf("no modules.order: %q, %v", got, err)
	}
}

func TestMountsUnder(t *testing.T) {
	info := filepath.Join(t.TempDir(), "mountinfo")
	os.WriteFile(info, []byte(`22 1 0:21 / /proc rw,nosuid shared:5 - proc proc rw
90 1 0:45 / /c/roots/sid-x/proc rw - proc proc rw
91 1 8:1 /home/u/my\040mod /c/roots/sid-x/build/my\040mod rw - ext4 /dev/sda1 rw
92 1 0:46 / /c/roots/sid-xy rw - tmpfs tmpfs rw
`), 0o644)
	got, err := mountsUnder(info, "/c/roots/sid-x/")
	want := []string{"/c/roots/sid-x/proc", "/c/roots/sid-x/build/my mod"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("mountsUnder = %q, %v\nwant %q", got, err, want)
	}
}

// fakeRoot writes a directory with a manifest, as Ensure leaves one.
func fakeRoot(t *testing.T, dir string, spec Spec) *Root {
	t.Helper()
	n, err := spec.normalize()
	if err != nil {
		t.Fatal(err)
	}
	key, _ := n.Key()
	r := &Root{Key: key, Spec: n, Installed: map[string]string{"make": "4.4"}}
	b, _ := json.Marshal(r)
	if err := os.MkdirAll(filepath.Join(dir, key, "usr/bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, key, manifestName), b, 0o644); err != nil {
		t.Fatal(err)
	}
	r.Path = filepath.Join(dir, key)
	return r
}

func TestCacheLookupListRemove(t *testing.T) {
	dir := t.TempDir()
	c := &Cache{Dir: dir}
	sid := Spec{Suite: "sid", Packages: []string{"make"}}
	trixie := Spec{Suite: "trixie", Packages: []string{"make"}}
	if r, err := c.Lookup(sid); r != nil || err != nil {
		t.Fatalf("Lookup in an empty cache = %v, %v", r, err)
	}
	want := fakeRoot(t, dir, sid)
	fakeRoot(t, dir, trixie)
	// A half-made root (no manifest) and the remains of an interrupted
	// creation are not roots.
	os.MkdirAll(filepath.Join(dir, "sid-amd64-0000000000000000", "usr"), 0o755)
	os.MkdirAll(filepath.Join(dir, tmpPrefix+want.Key+"-123", "usr"), 0o755)

	r, err := c.Lookup(sid)
	if err != nil || r == nil || r.Path != want.Path || r.Installed["make"] != "4.4" {
		t.Fatalf("Lookup = %+v, %v; want %+v", r, err, want)
	}
	roots, err := c.List()
	if err != nil || len(roots) != 2 || roots[0].Spec.Suite != "sid" || roots[1].Spec.Suite != "trixie" {
		t.Errorf("List = %+v, %v; want the sid and trixie roots", roots, err)
	}

	// A Build holds a shared lock: Remove refuses.
	unlock, err := tryLockKey(dir, want.Key, unix.LOCK_SH)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(sid); !errors.Is(err, ErrBusy) {
		t.Errorf("Remove during a build = %v, want ErrBusy", err)
	}
	unlock()
	if err := c.Remove(sid); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(want.Path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("root still there after Remove: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, tmpPrefix+"*")); len(m) != 0 {
		t.Errorf("Remove left %q", m)
	}
	if err := c.Clean(); err != nil {
		t.Fatal(err)
	}
	if roots, err := c.List(); err != nil || len(roots) != 0 {
		t.Errorf("List after Clean = %+v, %v", roots, err)
	}
}

func TestTmpKey(t *testing.T) {
	if k, ok := tmpKey(".tmp-sid-amd64-0123456789abcdef-98765"); !ok || k != "sid-amd64-0123456789abcdef" {
		t.Errorf("tmpKey = %q, %v", k, ok)
	}
	if _, ok := tmpKey(".tmp-"); ok {
		t.Error("tmpKey(.tmp-): want false")
	}
}
