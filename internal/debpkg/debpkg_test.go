package debpkg

import (
	"context"
	"errors"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func needDpkg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("dpkg-query"); err != nil {
		t.Skip("not a Debian system: no dpkg-query")
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
		t.Skipf("%s not installed", meta)
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
