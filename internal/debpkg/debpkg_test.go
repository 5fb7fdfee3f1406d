package debpkg

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/testenv"
)

func needDpkg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("dpkg-query"); err != nil {
		testenv.SkipOrFail(t, "not a Debian system: no dpkg-query")
	}
}

const nonexistent = "initsec-no-such-package"

func TestInstalled(t *testing.T) {
	needDpkg(t)
	missing, err := Installed("dpkg")
	if err != nil || len(missing) != 0 {
		t.Errorf("Installed(dpkg) = %q, %v; want nothing missing", missing, err)
	}
	missing, err = Installed("dpkg", nonexistent, "coreutils")
	if err != nil || !reflect.DeepEqual(missing, []string{nonexistent}) {
		t.Errorf("Installed(dpkg, %s, coreutils) = %q, %v", nonexistent, missing, err)
	}
	if missing, err := Installed(); err != nil || missing != nil {
		t.Errorf("Installed() = %q, %v", missing, err)
	}
}

func TestInvalidNames(t *testing.T) {
	for _, name := range []string{"", "-x", "--help", "Dpkg", "a", "a b", "a;b", "a\n"} {
		if _, err := Installed(name); err == nil {
			t.Errorf("Installed(%q): want an error", name)
		}
		if _, err := Resolve(name); err == nil {
			t.Errorf("Resolve(%q): want an error", name)
		}
	}
}

func TestResolve(t *testing.T) {
	needDpkg(t)
	const meta = "linux-headers-amd64"
	if missing, err := Installed(meta); err != nil || len(missing) > 0 {
		testenv.SkipOrFail(t, "%s not installed (go run mage.go deps): %q, %v", meta, missing, err)
	}
	deps, err := Resolve(meta)
	if err != nil {
		t.Fatal(err)
	}
	if len(deps) != 1 || !strings.HasPrefix(deps[0], "linux-headers-") || !strings.HasSuffix(deps[0], "-amd64") || deps[0] == meta {
		t.Errorf("Resolve(%s) = %q, want one linux-headers-RELEASE-amd64", meta, deps)
	}
	if _, err := Resolve(nonexistent); err == nil {
		t.Errorf("Resolve(%s): want an error", nonexistent)
	}
}

func TestParseDepends(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
		bad  bool
	}{
		{in: "", want: nil},
		{in: "linux-headers-6.1.0-56-amd64 (= 6.1.192-2)", want: []string{"linux-headers-6.1.0-56-amd64"}},
		{in: "libc6 (>= 2.34), gcc-12 | gcc-13, python3:any", want: []string{"libc6", "gcc-12", "python3"}},
		{in: "ab(>=1),cd", want: []string{"ab", "cd"}},
		{in: "ab, , cd", bad: true},
	} {
		got, err := parseDepends(tt.in)
		if (err != nil) != tt.bad || !slices.Equal(got, tt.want) {
			t.Errorf("parseDepends(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestEnsureNothingMissing(t *testing.T) {
	needDpkg(t)
	// apt-get must not run when nothing is missing.
	old := aptGet
	aptGet = "initsec-no-apt-get"
	t.Cleanup(func() { aptGet = old })
	if err := Ensure(context.Background(), nil, "dpkg"); err != nil {
		t.Fatal(err)
	}
}

func TestEnsureNotRoot(t *testing.T) {
	needDpkg(t)
	old := geteuid
	geteuid = func() int { return 1000 }
	t.Cleanup(func() { geteuid = old })
	err := Ensure(context.Background(), nil, "dpkg", nonexistent)
	var me *MissingError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v, want *MissingError", err)
	}
	if !slices.Equal(me.Packages, []string{nonexistent}) {
		t.Errorf("Packages = %q", me.Packages)
	}
	want := "sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends " + nonexistent
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not give the command %q", err, want)
	}
}

func TestNoDpkg(t *testing.T) {
	old := dpkgQuery
	dpkgQuery = "initsec-no-dpkg-query"
	t.Cleanup(func() { dpkgQuery = old })
	if _, err := Installed("dpkg"); !errors.Is(err, ErrNoDpkg) {
		t.Errorf("Installed: err = %v, want ErrNoDpkg", err)
	}
	if err := Ensure(context.Background(), nil, "dpkg"); !errors.Is(err, ErrNoDpkg) {
		t.Errorf("Ensure: err = %v, want ErrNoDpkg", err)
	}
	if _, err := Resolve("dpkg"); !errors.Is(err, ErrNoDpkg) {
		t.Errorf("Resolve: err = %v, want ErrNoDpkg", err)
	}
}

// TestEnsureAsRoot runs Ensure as root against a fake apt-get that records
// its arguments and installs nothing: update runs once per process, install
// gets exactly the missing packages after "--", and a package still missing
// afterwards is an error naming it.
func TestEnsureAsRoot(t *testing.T) {
	needDpkg(t)
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	fake := filepath.Join(dir, "apt-get")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho \"$DEBIAN_FRONTEND $*\" >> "+log+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	oldApt, oldEuid, oldUpdated := aptGet, geteuid, aptUpdated
	aptGet, geteuid, aptUpdated = fake, func() int { return 0 }, false
	t.Cleanup(func() { aptGet, geteuid, aptUpdated = oldApt, oldEuid, oldUpdated })

	for range 2 {
		err := Ensure(context.Background(), nil, "dpkg", nonexistent)
		if err == nil || !strings.Contains(err.Error(), "still not installed: "+nonexistent) {
			t.Errorf("Ensure = %v, want the package still missing", err)
		}
	}
	got, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	want := "noninteractive update\n" +
		"noninteractive install -y --no-install-recommends -- " + nonexistent + "\n" +
		"noninteractive install -y --no-install-recommends -- " + nonexistent + "\n"
	if string(got) != want {
		t.Errorf("apt-get calls:\n%s\nwant:\n%s", got, want)
	}

	// A failing apt-get is an error naming the command.
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nexit 100\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	err = Ensure(context.Background(), nil, nonexistent)
	if err == nil || !strings.Contains(err.Error(), "apt-get install -y --no-install-recommends -- "+nonexistent) {
		t.Errorf("Ensure with failing apt-get = %v", err)
	}
}
